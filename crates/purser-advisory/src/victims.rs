//! The Victims CVE database (<https://github.com/victims/victims-cve-db>): one YAML file per
//! CVE and language, `database/java/<year>/<number>.yaml` and `database/python/...`:
//!
//! ```text
//! cve: 2014-3623
//! title: "Improper security semantics enforcement of SAML SubjectConfirmation methods"
//! cvss_v2: 5.0
//! references: [https://bugzilla.redhat.com/CVE-2014-3623]
//! affected:
//!     - groupId: "org.apache.cxf"
//!       artifactId: "cxf-rt-security"
//!       version: ["<=2.7.12,2", "<=3.0.1,3"]
//!       fixedin: [">=2.7.13,2", ">=3.0.2,3"]
//!     - name: requests                # python files
//!       version: ["<=2.2.1"]
//! ```
//!
//! One [`Advisory`] per file, identified as `CVE-<cve>`. A Java entry is the `Maven` package
//! `groupId:artifactId`, a Python entry the `PyPI` package `name`. Each `version` item is one
//! affected range: an operator and version (`<=`, `<`, `>=`, `==`), optionally followed by a
//! series after a comma that the version must start with (`<=2.7.12,2` is 2.x up to and
//! including 2.7.12), ordered by the ecosystem's rules. `fixedin` repeats the same boundaries
//! from the other side and is not read, so ranges end with the last affected version. An item
//! starting just after a version (`>V`) starts with [`RangeEvent::IntroducedAfter`]; an item
//! whose operator, version or series cannot be read is skipped with
//! [`SkipReason::UnexpressibleRange`].
//! `cvss_v2`/`cvss_v3` are base scores without vectors, kept as RubySec's are.

use purser_version::Scheme;
use serde::Deserialize;

use crate::interval::{affected_events, intersect, Bound, Interval};
use crate::model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, Reference, ScoreKind,
    VersionRange,
};
use crate::osv::Text;
use crate::rubysec::base_score;
use crate::skip::{FileRead, Skip, SkipReason};

#[derive(Debug, Deserialize)]
struct Record {
    cve: Option<Text>,
    title: Option<Text>,
    description: Option<Text>,
    cvss_v2: Option<Text>,
    cvss_v3: Option<Text>,
    references: Option<Vec<Text>>,
    affected: Option<Vec<Package>>,
}

#[derive(Debug, Deserialize)]
struct Package {
    #[serde(rename = "groupId")]
    group_id: Option<Text>,
    #[serde(rename = "artifactId")]
    artifact_id: Option<Text>,
    name: Option<Text>,
    version: Option<Vec<Text>>,
}

/// Whether a path in the source names a Victims record: a `*.yaml` under a `java` or `python`
/// folder.
pub(crate) fn accepts(file: &str) -> bool {
    file.ends_with(".yaml")
        && file
            .split('/')
            .any(|part| part == "java" || part == "python")
}

/// Parses one Victims file; `file` is its path in the source.
///
/// # Errors
///
/// A lowercase message when the text is not a Victims YAML document or has no `cve`.
pub fn parse_victims(file: &str, bytes: &[u8]) -> Result<FileRead, String> {
    let record: Record = serde_yaml_ng::from_slice(bytes)
        .map_err(|error| format!("not a Victims advisory: {error}"))?;
    let cve = record
        .cve
        .as_ref()
        .map(|cve| cve.0.trim().trim_start_matches("CVE-").to_owned())
        .filter(|cve| !cve.is_empty())
        .ok_or_else(|| "Victims advisory has no `cve`".to_owned())?;
    let id = format!("CVE-{cve}");

    let mut read = FileRead::default();
    let mut affected = Vec::new();
    for package in record.affected.iter().flatten() {
        let Some((ecosystem, name, purl, scheme)) = package_identity(file, package) else {
            return Err(format!(
                "{id} lists a package without groupId and artifactId or name"
            ));
        };
        let mut ranges = Vec::new();
        for item in package.version.iter().flatten() {
            match range_events(&item.0, scheme) {
                Ok(Some(events)) => ranges.push(VersionRange {
                    kind: RangeKind::Ecosystem,
                    repo: None,
                    events,
                }),
                Ok(None) => {}
                Err(message) => read.skipped.push(Skip::new(
                    Some(&id),
                    SkipReason::UnexpressibleRange,
                    format!("{name} {:?}: {message}", item.0),
                )),
            }
        }
        if ranges.is_empty() {
            continue;
        }
        affected.push(Affected {
            ecosystem: Ecosystem {
                name: ecosystem.to_owned(),
                release: None,
            },
            package: name,
            purl: Some(purl),
            ranges,
            status: AffectedStatus::Affected,
            ..Affected::default()
        });
    }
    if affected.is_empty() {
        return Ok(read);
    }

    let scores = [
        (ScoreKind::CvssV2, record.cvss_v2),
        (ScoreKind::CvssV3, record.cvss_v3),
    ]
    .into_iter()
    .filter_map(|(kind, number)| number.and_then(|number| base_score(kind, &number.0)))
    .collect();
    read.advisories.push(Advisory {
        id,
        summary: record.title.map(Text::into_string),
        details: record.description.map(Text::into_string),
        scores,
        references: record
            .references
            .unwrap_or_default()
            .into_iter()
            .map(|url| Reference {
                kind: "WEB".to_owned(),
                url: url.0.trim().to_owned(),
            })
            .collect(),
        affected,
        ..Advisory::default()
    });
    Ok(read)
}

/// The ecosystem, package name, purl and version scheme of an entry: Maven when it has a
/// `groupId` and `artifactId`, PyPI when it has a `name` (Python files).
fn package_identity(
    file: &str,
    package: &Package,
) -> Option<(&'static str, String, String, Scheme)> {
    let text = |field: &Option<Text>| {
        field
            .as_ref()
            .map(|value| value.0.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    if let (Some(group), Some(artifact)) = (text(&package.group_id), text(&package.artifact_id)) {
        let purl = format!("pkg:maven/{group}/{artifact}");
        return Some(("Maven", format!("{group}:{artifact}"), purl, Scheme::Maven));
    }
    let name = text(&package.name)?;
    let in_python_folder = file.split('/').any(|part| part == "python");
    in_python_folder.then(|| {
        let purl = format!("pkg:pypi/{}", name.to_ascii_lowercase());
        ("PyPI", name, purl, Scheme::Pep440)
    })
}

/// The events of one `version` item (`<=2.7.12,2`), or `None` when it allows no version.
fn range_events(item: &str, scheme: Scheme) -> Result<Option<Vec<RangeEvent>>, String> {
    let (constraint, series) = match item.split_once(',') {
        Some((constraint, series)) => (constraint.trim(), Some(series.trim())),
        None => (item.trim(), None),
    };
    let split = constraint
        .find(|c: char| !matches!(c, '<' | '>' | '='))
        .unwrap_or(constraint.len());
    let (operator, version) = constraint.split_at(split);
    let version = version.trim();
    if version.is_empty() {
        return Err("names no version".to_owned());
    }
    let mut parts = vec![Interval::from_operator(operator, version)
        .ok_or_else(|| format!("operator {operator:?} is not a range"))?];
    if let Some(series) = series.filter(|series| !series.is_empty()) {
        parts.push(series_interval(series)?);
    }
    match intersect(&parts, scheme)? {
        Some(interval) => Ok(Some(affected_events(&interval))),
        None => Ok(None),
    }
}

/// The versions of a series (`2.7`): from `2.7` up to, not including, `2.8`.
fn series_interval(series: &str) -> Result<Interval, String> {
    let mut numbers = Vec::new();
    for part in series.split('.') {
        let number: u64 = part
            .parse()
            .map_err(|_| format!("series {series:?} is not dotted numbers"))?;
        numbers.push(number);
    }
    let last = numbers
        .last_mut()
        .ok_or_else(|| format!("series {series:?} is empty"))?;
    *last = last
        .checked_add(1)
        .ok_or_else(|| format!("series {series:?} has no next series"))?;
    let next: Vec<String> = numbers.iter().map(u64::to_string).collect();
    Ok(Interval {
        lower: Some(Bound::closed(series)),
        upper: Some(Bound::open(next.join("."))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeverityRating;

    const CXF: &str = r#"---
cve: 2014-3623
title: "Improper security semantics enforcement of SAML SubjectConfirmation methods"
cvss_v2: 5.0
references:
    - http://cxf.apache.org/security-advisories.data/CVE-2014-3623.txt.asc 
affected:
    - groupId: "org.apache.cxf"
      artifactId: "cxf-rt-security"
      version:
        - "<=2.7.12,2"
        - "<=3.0.1,3"
      fixedin:
        - ">=2.7.13,2"
        - ">=3.0.2,3"

    - groupId: "wss4j"
      artifactId: "wss4j"
      version:
        - "<=1.5.1"
"#;

    #[test]
    fn maven_entries_with_series() {
        let read = parse_victims("database/java/2014/3623.yaml", CXF.as_bytes()).expect("valid");
        assert!(read.skipped.is_empty());
        let advisory = &read.advisories[0];
        assert_eq!(advisory.id, "CVE-2014-3623");
        assert_eq!(advisory.scores[0].rating, SeverityRating::Medium);
        assert_eq!(
            advisory.references[0].url,
            "http://cxf.apache.org/security-advisories.data/CVE-2014-3623.txt.asc"
        );

        let cxf = &advisory.affected[0];
        assert_eq!(cxf.ecosystem.name, "Maven");
        assert_eq!(cxf.package, "org.apache.cxf:cxf-rt-security");
        assert_eq!(
            cxf.purl.as_deref(),
            Some("pkg:maven/org.apache.cxf/cxf-rt-security")
        );
        let ranges: Vec<&[RangeEvent]> = cxf.ranges.iter().map(|r| r.events.as_slice()).collect();
        assert_eq!(
            ranges,
            [
                &[
                    RangeEvent::Introduced("2".into()),
                    RangeEvent::LastAffected("2.7.12".into())
                ][..],
                &[
                    RangeEvent::Introduced("3".into()),
                    RangeEvent::LastAffected("3.0.1".into())
                ][..],
            ]
        );
        assert_eq!(
            advisory.affected[1].ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::LastAffected("1.5.1".into())
            ]
        );
    }

    #[test]
    fn python_entries_exact_versions_and_skips() {
        let yaml = "cve: 2014-1829\ntitle: t\naffected:\n    - name: requests\n      version:\n        - \"<=2.2.1\"\n        - \"==0.1.0\"\n        - \">1.0,1\"\n        - \"<=2.0,x\"\n";
        let read = parse_victims("database/python/2014/1829.yaml", yaml.as_bytes()).expect("valid");
        let requests = &read.advisories[0].affected[0];
        assert_eq!(requests.ecosystem.name, "PyPI");
        assert_eq!(requests.ranges.len(), 3);
        assert_eq!(
            requests.ranges[1].events,
            [
                RangeEvent::Introduced("0.1.0".into()),
                RangeEvent::LastAffected("0.1.0".into())
            ]
        );
        assert_eq!(
            requests.ranges[2].events,
            [
                RangeEvent::IntroducedAfter("1.0".into()),
                RangeEvent::Fixed("2".into())
            ]
        );
        assert_eq!(read.skipped.len(), 1, "the series x is not a number");
        assert_eq!(read.skipped[0].reason, SkipReason::UnexpressibleRange);
    }

    #[test]
    fn bad_documents_are_errors() {
        assert!(parse_victims("database/java/x.yaml", b"title: no cve\n").is_err());
        assert!(parse_victims("database/java/x.yaml", b"cve: [").is_err());
        let nameless = b"cve: 2020-1\naffected:\n  - version: [\"<=1\"]\n";
        let error = parse_victims("database/java/x.yaml", nameless).expect_err("no package");
        assert!(error.contains("CVE-2020-1"), "{error}");
        assert!(accepts("victims-cve-db/database/java/2014/3623.yaml"));
        assert!(!accepts("victims-cve-db/_provenance/PROVENANCE.json"));
    }
}
