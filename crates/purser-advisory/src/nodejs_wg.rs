//! The Node.js security working group's historical advisories
//! (<https://github.com/nodejs/security-wg>, `vuln/`):
//!
//! - `vuln/npm/<n>.json`: one npm package advisory, `{"id": 1, "module_name": "bassmaster",
//!   "cves": [...], "vulnerable_versions": "<=1.5.1", "patched_versions": ">=1.5.2",
//!   "title", "overview", "recommendation", "references", "cvss_vector", "cvss_score",
//!   "created_at", "updated_at", "publish_date"}`.
//! - `vuln/core/<n>.json`: Node.js itself. Skipped with [`SkipReason::Runtime`]: Node.js in an
//!   image is a distribution package or a bare binary, not an npm package, so these ranges
//!   would match nothing.
//! - `vuln/deps/<n>.json`: assessments of Node.js' bundled libraries, not advisories; skipped
//!   the same way. `index.json` files repeat the others and are not read.
//!
//! One [`Advisory`] per npm file, identified as `NSWG-ECO-<id>` (the name the working group
//! and OSV use), with the CVEs as aliases. `vulnerable_versions` is read as an npm range
//! (the `npm_range` module); each `||` alternative is one SEMVER range of the `npm` package.
//! An alternative that cannot be read (a version that is not SemVer, an unknown operator) is
//! skipped with [`SkipReason::UnexpressibleRange`].

use serde::Deserialize;

use crate::interval::affected_events;
use crate::model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeKind, Reference, ScoreKind, VersionRange,
};
use crate::npm_range::npm_range;
use crate::score::score_vector;
use crate::skip::{FileRead, Skip, SkipReason};

#[derive(Debug, Deserialize)]
struct NpmRecord {
    id: Option<serde_json::Value>,
    title: Option<String>,
    overview: Option<String>,
    recommendation: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    publish_date: Option<String>,
    module_name: Option<String>,
    cves: Option<Vec<String>>,
    vulnerable_versions: Option<String>,
    references: Option<Vec<String>>,
    cvss_vector: Option<String>,
}

/// The folders of `vuln/` this reader knows.
const FOLDERS: [&str; 3] = ["npm", "core", "deps"];

/// Whether a path in the source names a file this reader wants: `*.json` except `index.json`,
/// directly inside an `npm`, `core` or `deps` folder (so an archive's own metadata files are
/// not mistaken for records).
pub(crate) fn accepts(file: &str) -> bool {
    let mut parts = file.rsplit('/');
    let name = parts.next().unwrap_or(file);
    let folder = parts.next().unwrap_or_default();
    name.to_ascii_lowercase().ends_with(".json")
        && name != "index.json"
        && FOLDERS.contains(&folder)
}

/// Parses one file of the working group's `vuln/` folder; `file` is its path in the source,
/// whose folder (`npm`, `core`, `deps`) says what it holds.
///
/// # Errors
///
/// A lowercase message when an npm file is not JSON of the advisory shape or names no module.
pub fn parse_nodejs_wg(file: &str, bytes: &[u8]) -> Result<FileRead, String> {
    let folder = file.rsplit('/').nth(1).unwrap_or_default();
    if folder != "npm" {
        let name = file.rsplit('/').next().unwrap_or(file);
        return Ok(FileRead {
            advisories: Vec::new(),
            skipped: vec![Skip::new(
                None,
                SkipReason::Runtime,
                format!("Node.js {folder} record {name}"),
            )],
        });
    }

    let record: NpmRecord = serde_json::from_slice(bytes)
        .map_err(|error| format!("not a Node.js security WG npm advisory: {error}"))?;
    let number = match &record.id {
        Some(serde_json::Value::Number(number)) => Some(number.to_string()),
        Some(serde_json::Value::String(text)) => Some(text.trim().to_owned()),
        _ => None,
    }
    .filter(|id| !id.is_empty())
    .ok_or_else(|| "npm advisory has no `id`".to_owned())?;
    let id = format!("NSWG-ECO-{number}");
    let module = record
        .module_name
        .clone()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| format!("npm advisory {id} names no `module_name`"))?;

    let mut read = FileRead::default();
    let vulnerable = record.vulnerable_versions.as_deref().unwrap_or("*");
    let mut ranges = Vec::new();
    for alternative in npm_range(vulnerable) {
        match alternative.map(|interval| affected_events(&interval)) {
            Ok(events) => ranges.push(VersionRange {
                kind: RangeKind::Semver,
                repo: None,
                events,
            }),
            Err(message) => read.skipped.push(Skip::new(
                Some(&id),
                SkipReason::UnexpressibleRange,
                format!("{module} {vulnerable:?}: {message}"),
            )),
        }
    }
    if ranges.is_empty() {
        return Ok(read);
    }

    let affected = Affected {
        ecosystem: Ecosystem {
            name: "npm".to_owned(),
            release: None,
        },
        purl: Some(format!("pkg:npm/{}", module.replace('@', "%40"))),
        package: module,
        ranges,
        status: AffectedStatus::Affected,
        ..Affected::default()
    };
    read.advisories.push(into_advisory(record, id, affected));
    Ok(read)
}

fn into_advisory(record: NpmRecord, id: String, affected: Affected) -> Advisory {
    let details = match (record.overview, record.recommendation) {
        (Some(overview), Some(recommendation)) => Some(format!("{overview}\n\n{recommendation}")),
        (overview, recommendation) => overview.or(recommendation),
    };
    let scores = record
        .cvss_vector
        .filter(|vector| vector.starts_with("CVSS:3"))
        .map(|vector| score_vector(ScoreKind::CvssV3, &vector))
        .into_iter()
        .collect();
    let references = record
        .references
        .unwrap_or_default()
        .into_iter()
        .map(|url| Reference {
            kind: "WEB".to_owned(),
            url,
        })
        .collect();

    Advisory {
        id,
        aliases: record.cves.unwrap_or_default(),
        summary: record.title,
        details,
        published: record.publish_date.or(record.created_at),
        modified: record.updated_at,
        scores,
        references,
        affected: vec![affected],
        ..Advisory::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RangeEvent, SeverityRating};

    const EXPRESS: &str = r#"{
      "id": 8, "created_at": "2015-10-17", "updated_at": "2016-04-28",
      "title": "No Charset in Content-Type Header", "module_name": "express",
      "publish_date": "2014-09-12", "cves": ["CVE-2014-6393"],
      "vulnerable_versions": "<3.11 || >= 4 <4.5",
      "patched_versions": ">=3.11 <4 || >=4.5",
      "overview": "Vulnerable versions of express do not specify a charset.",
      "recommendation": "Update express to a patched version.",
      "references": null,
      "cvss_vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", "cvss_score": 5.4
    }"#;

    #[test]
    fn npm_advisory_with_alternatives() {
        let read = parse_nodejs_wg("nswg/vuln/npm/8.json", EXPRESS.as_bytes()).expect("valid");
        let advisory = &read.advisories[0];
        assert_eq!(advisory.id, "NSWG-ECO-8");
        assert_eq!(advisory.aliases, ["CVE-2014-6393"]);
        assert_eq!(advisory.modified.as_deref(), Some("2016-04-28"));
        assert_eq!(advisory.scores[0].rating, SeverityRating::Medium);

        let affected = &advisory.affected[0];
        assert_eq!(affected.ecosystem.name, "npm");
        assert_eq!(affected.package, "express");
        assert_eq!(affected.ranges.len(), 2);
        assert_eq!(affected.ranges[0].kind, RangeKind::Semver);
        assert_eq!(
            affected.ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("3.11.0".into())
            ]
        );
        assert_eq!(
            affected.ranges[1].events,
            [
                RangeEvent::Introduced("4.0.0".into()),
                RangeEvent::Fixed("4.5.0".into())
            ]
        );
    }

    #[test]
    fn core_and_unexpressible_ranges_are_skipped() {
        let core = parse_nodejs_wg("vuln/core/1.json", br#"{"cve": []}"#).expect("skipped");
        assert!(core.advisories.is_empty());
        assert_eq!(core.skipped[0].reason, SkipReason::Runtime);

        let open = br#"{"id": 2, "module_name": "m", "vulnerable_versions": "> 1.0.0 <= 1.2.0"}"#;
        let read = parse_nodejs_wg("vuln/npm/2.json", open).expect("valid");
        assert!(read.skipped.is_empty());
        assert_eq!(
            read.advisories[0].affected[0].ranges[0].events,
            [
                RangeEvent::Introduced("1.0.1-0".into()),
                RangeEvent::LastAffected("1.2.0".into())
            ]
        );

        let four_numbers = br#"{"id": 3, "module_name": "m", "vulnerable_versions": "<1.2.3.4"}"#;
        let read = parse_nodejs_wg("vuln/npm/3.json", four_numbers).expect("valid");
        assert!(read.advisories.is_empty());
        assert_eq!(read.skipped[0].reason, SkipReason::UnexpressibleRange);
        assert_eq!(read.skipped[0].record.as_deref(), Some("NSWG-ECO-3"));

        assert!(parse_nodejs_wg("vuln/npm/3.json", b"{}").is_err());
        assert!(accepts("vuln/npm/3.json"));
        assert!(accepts("security-wg/vuln/core/3.json"));
        assert!(!accepts("vuln/npm/index.json"));
        assert!(!accepts("_provenance/PROVENANCE.json"));
        assert!(!accepts("3.json"));
    }
}
