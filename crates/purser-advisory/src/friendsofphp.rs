//! FriendsOfPHP security-advisories (<https://github.com/FriendsOfPHP/security-advisories>):
//! one YAML file per advisory and Composer package, `<vendor>/<package>/<name>.yaml`:
//!
//! ```text
//! title: Direct access of prefixed controller actions
//! link: https://bakery.cakephp.org/...
//! cve: CVE-2015-1234          # or ~
//! branches:
//!     2.6.x:
//!         time: 2015-08-06 22:08:00
//!         versions: ['>=2.6.0', '<2.6.11']
//! reference: composer://cakephp/cakephp
//! ```
//!
//! One [`Advisory`] per file, identified by its CVE, else by the file name when it is a GHSA
//! identifier, else by `<vendor>/<package>/<name>`; files of several packages naming the same
//! CVE merge into one advisory. The package (from `reference`, else the path) is a `Packagist`
//! package; each branch's `versions` list is one affected range, ordered by Composer's rules.
//! A branch starting just after a version (`>V` as its lower end) starts with
//! [`crate::RangeEvent::IntroducedAfter`]; a branch whose constraints cannot be read is skipped
//! with [`SkipReason::UnexpressibleRange`]. The earliest branch `time` becomes the publication
//! date.

use std::collections::BTreeMap;

use purser_version::Scheme;
use serde::Deserialize;

use crate::interval::{affected_events, intersect, Interval};
use crate::model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeKind, Reference, VersionRange,
};
use crate::osv::Text;
use crate::skip::{FileRead, Skip, SkipReason};

#[derive(Debug, Deserialize)]
struct Record {
    title: Option<Text>,
    link: Option<Text>,
    cve: Option<Text>,
    reference: Option<Text>,
    branches: Option<BTreeMap<String, Option<Branch>>>,
}

#[derive(Debug, Deserialize)]
struct Branch {
    time: Option<Text>,
    versions: Option<Vec<Text>>,
}

/// Parses one FriendsOfPHP file; `file` is its path in the source, whose last three parts name
/// the vendor, the package and the advisory.
///
/// # Errors
///
/// A lowercase message when the text is not an advisory of this shape or names no package.
pub fn parse_friendsofphp(file: &str, bytes: &[u8]) -> Result<FileRead, String> {
    let record: Record = serde_yaml_ng::from_slice(bytes)
        .map_err(|error| format!("not a FriendsOfPHP advisory: {error}"))?;
    let path_parts: Vec<&str> = file.rsplit('/').take(3).collect();
    let stem = path_parts
        .first()
        .map(|name| name.trim_end_matches(".yaml").trim_end_matches(".yml"))
        .unwrap_or_default();

    let package = package_name(&record, &path_parts).ok_or_else(|| {
        "FriendsOfPHP advisory names no package in `reference` or its path".to_owned()
    })?;
    let cve = record
        .cve
        .as_ref()
        .map(|cve| cve.0.trim().to_owned())
        .filter(|cve| cve.starts_with("CVE-"));
    let id = match &cve {
        Some(cve) => cve.clone(),
        None if stem.starts_with("GHSA-") => stem.to_owned(),
        None => format!("{package}/{stem}"),
    };

    let mut read = FileRead::default();
    let mut ranges = Vec::new();
    let mut published: Option<String> = None;
    for (name, branch) in record.branches.unwrap_or_default() {
        let Some(branch) = branch else { continue };
        if let Some(time) = branch.time.map(Text::into_string) {
            if published.as_ref().is_none_or(|known| &time < known) {
                published = Some(time);
            }
        }
        let constraints: Vec<String> = branch
            .versions
            .unwrap_or_default()
            .into_iter()
            .map(Text::into_string)
            .collect();
        match branch_events(&constraints) {
            Ok(Some(events)) => ranges.push(VersionRange {
                kind: RangeKind::Ecosystem,
                repo: None,
                events,
            }),
            Ok(None) => {}
            Err(message) => read.skipped.push(Skip::new(
                Some(&id),
                SkipReason::UnexpressibleRange,
                format!("{package} branch {name} {constraints:?}: {message}"),
            )),
        }
    }
    if ranges.is_empty() {
        return Ok(read);
    }

    read.advisories.push(Advisory {
        id,
        summary: record.title.map(Text::into_string),
        published,
        references: record
            .link
            .map(|link| Reference {
                kind: "ADVISORY".to_owned(),
                url: link.0,
            })
            .into_iter()
            .collect(),
        affected: vec![Affected {
            ecosystem: Ecosystem {
                name: "Packagist".to_owned(),
                release: None,
            },
            purl: Some(format!("pkg:composer/{package}")),
            package,
            ranges,
            status: AffectedStatus::Affected,
            ..Affected::default()
        }],
        ..Advisory::default()
    });
    Ok(read)
}

/// `vendor/package` from `reference: composer://vendor/package`, else from the path.
fn package_name(record: &Record, path_parts: &[&str]) -> Option<String> {
    let from_reference = record
        .reference
        .as_ref()
        .and_then(|reference| {
            reference
                .0
                .trim()
                .strip_prefix("composer://")
                .map(str::to_owned)
        })
        .filter(|name| name.contains('/'));
    from_reference.or_else(|| match path_parts {
        [_, package, vendor] => Some(format!("{vendor}/{package}")),
        _ => None,
    })
}

/// The events of one branch's constraints (`>=2.0.0`, `<2.0.19`), all of which must hold;
/// `None` when they allow no version.
fn branch_events(constraints: &[String]) -> Result<Option<Vec<crate::RangeEvent>>, String> {
    if constraints.is_empty() {
        return Err("branch lists no versions".to_owned());
    }
    let mut intervals = Vec::with_capacity(constraints.len());
    for constraint in constraints {
        let constraint = constraint.trim();
        let split = constraint
            .find(|c: char| !matches!(c, '<' | '>' | '=' | '!'))
            .unwrap_or(constraint.len());
        let (operator, version) = constraint.split_at(split);
        let version = version.trim();
        if version.is_empty() {
            return Err(format!("{constraint:?} names no version"));
        }
        let interval = Interval::from_operator(operator, version)
            .ok_or_else(|| format!("operator {operator:?} is not a range"))?;
        intervals.push(interval);
    }
    match intersect(&intervals, Scheme::Composer)? {
        Some(interval) => Ok(Some(affected_events(&interval))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RangeEvent;

    const CAKE: &str = "title: Direct access of prefixed controller actions
link: https://bakery.cakephp.org/2015/08/06/released.html
cve: ~
branches:
    2.6.x:
        time:     2015-08-06 22:08:00
        versions: ['>=2.6.0', '<2.6.11']
    2.7.x:
        time:     2015-08-05 10:00:00
        versions: ['>=2.7.0', '<=2.7.1']
    1.x:
        time:     2015-08-06 22:08:00
        versions: ['>1.0', '<1.3']
    0.x:
        time:     2015-08-06 22:08:00
        versions: ['!=0.9']
reference: composer://cakephp/cakephp
";

    #[test]
    fn branches_become_ranges() {
        let read = parse_friendsofphp("fop/cakephp/cakephp/2015-08-06.yaml", CAKE.as_bytes())
            .expect("valid");
        let advisory = &read.advisories[0];
        assert_eq!(advisory.id, "cakephp/cakephp/2015-08-06");
        assert_eq!(advisory.published.as_deref(), Some("2015-08-05 10:00:00"));
        let affected = &advisory.affected[0];
        assert_eq!(affected.ecosystem.name, "Packagist");
        assert_eq!(affected.package, "cakephp/cakephp");
        assert_eq!(affected.ranges.len(), 3);
        assert_eq!(
            affected.ranges[0].events,
            [
                RangeEvent::IntroducedAfter("1.0".into()),
                RangeEvent::Fixed("1.3".into())
            ]
        );
        assert_eq!(
            affected.ranges[1].events,
            [
                RangeEvent::Introduced("2.6.0".into()),
                RangeEvent::Fixed("2.6.11".into())
            ]
        );
        assert_eq!(
            affected.ranges[2].events,
            [
                RangeEvent::Introduced("2.7.0".into()),
                RangeEvent::LastAffected("2.7.1".into())
            ]
        );
        assert_eq!(read.skipped.len(), 1, "`!=` is not a range");
        assert_eq!(read.skipped[0].reason, SkipReason::UnexpressibleRange);
    }

    #[test]
    fn cve_is_the_identifier_and_path_gives_the_package() {
        let yaml = "title: t\nlink: l\ncve: CVE-2022-24894\nbranches:\n  5.4.x:\n    time: 2023-02-01\n    versions: ['<5.4.20']\nreference: ''\n";
        let read = parse_friendsofphp("x/symfony/http-kernel/CVE-2022-24894.yaml", yaml.as_bytes())
            .expect("valid");
        let advisory = &read.advisories[0];
        assert_eq!(advisory.id, "CVE-2022-24894");
        assert_eq!(advisory.affected[0].package, "symfony/http-kernel");
        assert_eq!(
            advisory.affected[0].ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("5.4.20".into())
            ]
        );
    }

    #[test]
    fn bad_documents_are_errors() {
        assert!(parse_friendsofphp("a.yaml", b"title: [").is_err());
        assert!(parse_friendsofphp("a.yaml", b"title: no package\n").is_err());
    }
}
