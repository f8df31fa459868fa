//! The Debian security tracker's JSON (<https://security-tracker.debian.org/tracker/data/json>):
//! `{source package: {CVE: {description, scope, debianbug, releases: {codename: {status,
//! repositories, fixed_version, urgency, nodsa, nodsa_reason}}}}}`.
//!
//! One [`Advisory`] per CVE (or `TEMP-` identifier), one [`Affected`] per source package and
//! release. The tracker's status is kept verbatim in [`Affected::status_text`] and mapped:
//!
//! | tracker | status |
//! |---|---|
//! | `resolved`, `fixed_version` `0` | not affected |
//! | `resolved`, `fixed_version` V | fixed, range introduced 0, fixed V |
//! | urgency `end-of-life` | end of life |
//! | `nodsa_reason` `postponed` | deferred (`postponed`) |
//! | `nodsa_reason` `ignored` | will not fix (`ignored`) |
//! | `nodsa` set, no reason | deferred (`no-dsa`) |
//! | `open`, `undetermined` | affected, range introduced 0 |
//!
//! The urgency (`low`, `medium`, `high`, `unimportant`, `not yet assigned`; a `**` suffix marks
//! one the tracker guessed) becomes [`Affected::severity`], with the verbatim word in
//! [`Affected::severity_source`].

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::debian_release::debian_ecosystem;
use crate::model::{
    Advisory, Affected, AffectedStatus, RangeEvent, RangeKind, Reference, VersionRange,
};
use crate::osv::rating_from_word;

#[derive(Debug, Deserialize)]
struct Vulnerability {
    description: Option<String>,
    #[serde(default)]
    releases: BTreeMap<String, Release>,
}

#[derive(Debug, Deserialize)]
struct Release {
    status: Option<String>,
    fixed_version: Option<String>,
    urgency: Option<String>,
    nodsa: Option<String>,
    nodsa_reason: Option<String>,
}

/// Parses one tracker JSON document into advisories, one per vulnerability identifier, in
/// identifier order.
///
/// # Errors
///
/// A lowercase message when the text is not JSON of the tracker's shape.
pub fn parse_tracker_json(bytes: &[u8]) -> Result<Vec<Advisory>, String> {
    let packages: BTreeMap<String, BTreeMap<String, Vulnerability>> = serde_json::from_slice(bytes)
        .map_err(|error| format!("not Debian tracker JSON: {error}"))?;

    let mut advisories: BTreeMap<String, Advisory> = BTreeMap::new();
    for (package, vulnerabilities) in packages {
        for (id, vulnerability) in vulnerabilities {
            let advisory = advisories.entry(id.clone()).or_insert_with(|| Advisory {
                references: vec![Reference {
                    kind: "ADVISORY".to_owned(),
                    url: format!("https://security-tracker.debian.org/tracker/{id}"),
                }],
                id: id.clone(),
                ..Advisory::default()
            });
            if advisory.summary.is_none() {
                advisory.summary = vulnerability.description.filter(|text| !text.is_empty());
            }
            for (codename, release) in &vulnerability.releases {
                advisory
                    .affected
                    .push(affected_for(&package, codename, release));
            }
        }
    }
    Ok(advisories.into_values().collect())
}

fn affected_for(package: &str, codename: &str, release: &Release) -> Affected {
    let status_word = release.status.as_deref().unwrap_or_default();
    let urgency = release.urgency.as_deref().unwrap_or_default();
    let fixed = release.fixed_version.as_deref().unwrap_or_default();
    let nodsa = release.nodsa.as_deref().unwrap_or_default();
    let reason = release.nodsa_reason.as_deref().unwrap_or_default();

    let (status, status_text, fixed_version) = if status_word == "resolved" {
        if fixed == "0" {
            (AffectedStatus::NotAffected, status_word, None)
        } else {
            (AffectedStatus::Fixed, status_word, Some(fixed))
        }
    } else if urgency == "end-of-life" {
        (AffectedStatus::EndOfLife, "end-of-life", None)
    } else if reason == "postponed" {
        (AffectedStatus::Deferred, "postponed", None)
    } else if reason == "ignored" {
        (AffectedStatus::WillNotFix, "ignored", None)
    } else if !nodsa.is_empty() || !reason.is_empty() {
        (AffectedStatus::Deferred, "no-dsa", None)
    } else {
        (AffectedStatus::Affected, status_word, None)
    };

    let ranges = if status == AffectedStatus::NotAffected {
        Vec::new()
    } else {
        let mut events = vec![RangeEvent::Introduced("0".to_owned())];
        events.extend(fixed_version.map(|version| RangeEvent::Fixed(version.to_owned())));
        vec![VersionRange {
            kind: RangeKind::Ecosystem,
            repo: None,
            events,
        }]
    };

    let has_urgency = !urgency.is_empty() && urgency != "end-of-life";
    Affected {
        ecosystem: debian_ecosystem(codename),
        package: package.to_owned(),
        ranges,
        status,
        status_text: (!status_text.is_empty()).then(|| status_text.to_owned()),
        severity: has_urgency.then(|| rating_from_word(urgency)),
        severity_source: has_urgency.then(|| format!("debian urgency: {urgency}")),
        ..Affected::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeverityRating;

    /// Shaped as the tracker serves it (entries abridged from the live feed).
    const TRACKER: &str = r#"{
      "openssl": {
        "CVE-2023-0286": {
          "description": "X.400 address type confusion in X.509 GeneralName",
          "scope": "remote",
          "debianbug": 1031227,
          "releases": {
            "bookworm": {"status": "resolved", "repositories": {"bookworm": "3.0.11-1~deb12u2"}, "fixed_version": "3.0.8-1", "urgency": "not yet assigned"},
            "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.1.1w-0+deb11u1"}, "fixed_version": "1.1.1n-0+deb11u4", "urgency": "not yet assigned"},
            "buster": {"status": "open", "repositories": {"buster": "1.1.1n-0+deb10u3"}, "urgency": "end-of-life"},
            "sid": {"status": "resolved", "repositories": {"sid": "3.1.4-2"}, "fixed_version": "3.0.8-1", "urgency": "not yet assigned"}
          }
        },
        "CVE-2010-0928": {
          "description": "OpenSSL 0.9.8i on the Gaisler Research Leon3 SoC ...",
          "scope": "local",
          "releases": {
            "bookworm": {"status": "open", "repositories": {"bookworm": "3.0.11-1~deb12u2"}, "urgency": "unimportant"}
          }
        }
      },
      "openssl1.0": {
        "CVE-2023-0286": {
          "releases": {
            "stretch": {"status": "resolved", "fixed_version": "0", "urgency": "low**"}
          }
        }
      },
      "libxml2": {
        "CVE-2024-25062": {
          "releases": {
            "bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
            "bullseye": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "postponed"},
            "trixie": {"status": "undetermined", "urgency": "medium**"}
          }
        },
        "CVE-2017-1000061": {
          "releases": {
            "bookworm": {"status": "open", "urgency": "low", "nodsa": "", "nodsa_reason": "ignored"}
          }
        }
      }
    }"#;

    fn find<'a>(
        advisories: &'a [Advisory],
        id: &str,
        package: &str,
        release: &str,
    ) -> &'a Affected {
        advisories
            .iter()
            .find(|advisory| advisory.id == id)
            .and_then(|advisory| {
                advisory.affected.iter().find(|affected| {
                    affected.package == package
                        && affected.ecosystem.release.as_deref() == Some(release)
                })
            })
            .unwrap_or_else(|| panic!("{id} {package} {release} missing"))
    }

    #[test]
    fn one_advisory_per_cve_with_statuses_mapped() {
        let advisories = parse_tracker_json(TRACKER.as_bytes()).expect("valid tracker JSON");
        let ids: Vec<&str> = advisories.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "CVE-2010-0928",
                "CVE-2017-1000061",
                "CVE-2023-0286",
                "CVE-2024-25062"
            ]
        );

        let cve = &advisories[2];
        assert_eq!(cve.affected.len(), 5);
        assert_eq!(
            cve.summary.as_deref(),
            Some("X.400 address type confusion in X.509 GeneralName")
        );

        let fixed = find(&advisories, "CVE-2023-0286", "openssl", "12");
        assert_eq!(fixed.status, AffectedStatus::Fixed);
        assert_eq!(fixed.ecosystem.to_string(), "Debian:12");
        assert_eq!(
            fixed.ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("3.0.8-1".into())
            ]
        );
        assert_eq!(fixed.severity, Some(SeverityRating::Unknown));
        assert_eq!(
            fixed.severity_source.as_deref(),
            Some("debian urgency: not yet assigned")
        );

        let end_of_life = find(&advisories, "CVE-2023-0286", "openssl", "10");
        assert_eq!(end_of_life.status, AffectedStatus::EndOfLife);
        assert_eq!(end_of_life.status_text.as_deref(), Some("end-of-life"));
        assert_eq!(
            end_of_life.ranges[0].events,
            [RangeEvent::Introduced("0".into())]
        );

        assert_eq!(
            find(&advisories, "CVE-2023-0286", "openssl", "sid").status,
            AffectedStatus::Fixed
        );

        let not_affected = find(&advisories, "CVE-2023-0286", "openssl1.0", "9");
        assert_eq!(not_affected.status, AffectedStatus::NotAffected);
        assert!(not_affected.ranges.is_empty());
        assert_eq!(not_affected.severity, Some(SeverityRating::Low));
        assert_eq!(
            not_affected.severity_source.as_deref(),
            Some("debian urgency: low**")
        );

        let no_dsa = find(&advisories, "CVE-2024-25062", "libxml2", "12");
        assert_eq!(
            (no_dsa.status, no_dsa.status_text.as_deref()),
            (AffectedStatus::Deferred, Some("no-dsa"))
        );
        let postponed = find(&advisories, "CVE-2024-25062", "libxml2", "11");
        assert_eq!(
            (postponed.status, postponed.status_text.as_deref()),
            (AffectedStatus::Deferred, Some("postponed"))
        );
        let undetermined = find(&advisories, "CVE-2024-25062", "libxml2", "13");
        assert_eq!(
            (undetermined.status, undetermined.status_text.as_deref()),
            (AffectedStatus::Affected, Some("undetermined"))
        );
        assert_eq!(undetermined.severity, Some(SeverityRating::Medium));
        let ignored = find(&advisories, "CVE-2017-1000061", "libxml2", "12");
        assert_eq!(
            (ignored.status, ignored.status_text.as_deref()),
            (AffectedStatus::WillNotFix, Some("ignored"))
        );

        let unimportant = find(&advisories, "CVE-2010-0928", "openssl", "12");
        assert_eq!(unimportant.status, AffectedStatus::Affected);
        assert_eq!(unimportant.severity, Some(SeverityRating::Negligible));
    }

    #[test]
    fn wrong_shape_is_an_error() {
        assert!(parse_tracker_json(b"[]").is_err());
        assert!(parse_tracker_json(br#"{"openssl": {"CVE-1": {"releases": 3}}}"#).is_err());
        assert!(parse_tracker_json(b"{").is_err());
    }
}
