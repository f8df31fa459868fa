//! The Ubuntu CVE tracker (<https://git.launchpad.net/ubuntu-cve-tracker>): one text file per
//! CVE in `active/`, `retired/` and `ignored/`, in the tracker's own format:
//!
//! ```text
//! Candidate: CVE-2014-0160
//! PublicDate: 2014-04-07 22:55:00 UTC
//! References:
//!  http://heartbleed.com/
//! Description:
//!  The (1) TLS and (2) DTLS implementations in OpenSSL 1.0.1 before 1.0.1g ...
//! Priority: high
//! CVSS:
//!  nvd: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N
//!
//! Patches_openssl:
//! upstream_openssl: released (1.0.1g)
//! precise_openssl: released (1.0.1-4ubuntu5.12)
//! lucid_openssl: not-affected (code not present)
//! ```
//!
//! One [`Advisory`] per file, one [`Affected`] per `<release>_<source package>` line whose
//! release has a number ([`crate::ubuntu_release`]), in `Ubuntu:<number>`. The status line is
//! kept verbatim in [`Affected::status_text`] and mapped:
//!
//! | tracker | status |
//! |---|---|
//! | `released (V)` | fixed, range introduced 0, fixed V |
//! | `not-affected` | not affected |
//! | `needed`, `needs-triage`, `pending` | affected, range introduced 0 |
//! | `deferred` | deferred, range introduced 0 |
//! | `ignored (... end-of-life ...)` | end of life, range introduced 0 |
//! | `ignored` otherwise | will not fix, range introduced 0 |
//! | `DNE` | skipped: the package does not exist in that release |
//!
//! The priority (`Priority_<package>` over `Priority`) becomes [`Affected::severity`];
//! `CVSS:` lines with a CVSS v3 vector become scores. Lines for `upstream`, `devel`, ESM
//! streams and overlays are skipped with [`SkipReason::UnmappedRelease`].

use std::collections::BTreeMap;

use crate::model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, Reference, ScoreKind,
    VersionRange,
};
use crate::osv::rating_from_word;
use crate::score::score_vector;
use crate::skip::{FileRead, Skip, SkipReason};
use crate::ubuntu_release::ubuntu_release;

/// Whether a path in the source names a CVE file (`CVE-*`), not the tracker's boilerplate and
/// lists.
pub(crate) fn accepts(file: &str) -> bool {
    file.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("CVE-"))
}

/// One `Key: value` field with its continuation lines.
#[derive(Debug, Default)]
struct Field<'a> {
    value: &'a str,
    continuation: Vec<&'a str>,
}

/// Parses one tracker file; `file` is its path in the source (the file name is the CVE when
/// `Candidate:` is missing).
///
/// # Errors
///
/// A lowercase message when the text is not UTF-8 or names no candidate.
pub fn parse_ubuntu_cve(file: &str, bytes: &[u8]) -> Result<FileRead, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|error| format!("Ubuntu tracker file is not UTF-8: {error}"))?;
    let fields = fields(text);

    let id = fields
        .get("Candidate")
        .map(|field| field.value.trim().to_owned())
        .filter(|id| !id.is_empty())
        .or_else(|| {
            file.rsplit('/')
                .next()
                .filter(|name| name.starts_with("CVE-"))
                .map(str::to_owned)
        })
        .ok_or_else(|| "Ubuntu tracker file names no `Candidate`".to_owned())?;

    let mut read = FileRead::default();
    let priority = fields
        .get("Priority")
        .map(|field| field.value.trim().to_owned());
    let mut affected = Vec::new();
    for (key, field) in &fields {
        let Some((release, package)) = status_key(key) else {
            continue;
        };
        let Some(number) = ubuntu_release(release) else {
            // Hundreds of thousands of lines in a full tracker: counted without a detail.
            read.skipped
                .push(Skip::new(None, SkipReason::UnmappedRelease, String::new()));
            continue;
        };
        let package_priority = fields
            .get(format!("Priority_{package}").as_str())
            .map(|field| field.value.trim().to_owned())
            .or_else(|| priority.clone());
        match affected_for(
            number,
            package,
            field.value.trim(),
            package_priority.as_deref(),
        ) {
            Ok(entry) => affected.push(entry),
            Err(SkipReason::PackageNotInRelease) => read.skipped.push(Skip::new(
                None,
                SkipReason::PackageNotInRelease,
                String::new(),
            )),
            Err(reason) => read.skipped.push(Skip::new(
                Some(&id),
                reason,
                format!("{release}_{package}: {}", field.value.trim()),
            )),
        }
    }

    read.advisories.push(Advisory {
        summary: fields
            .get("Description")
            .and_then(|field| summary_of(field))
            .or_else(|| fields.get("Ubuntu-Description").and_then(summary_of)),
        details: fields.get("Description").and_then(joined),
        published: public_date(fields.get("PublicDate")),
        scores: fields.get("CVSS").map(cvss_scores).unwrap_or_default(),
        references: references(&id, fields.get("References")),
        affected,
        id,
        ..Advisory::default()
    });
    Ok(read)
}

/// The fields of a file, keyed by name; a later field of the same name replaces an earlier one.
fn fields(text: &str) -> BTreeMap<&str, Field<'_>> {
    let mut fields: BTreeMap<&str, Field<'_>> = BTreeMap::new();
    let mut current: Option<&str> = None;
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(field) = current.and_then(|key| fields.get_mut(key)) {
                let line = line.trim();
                if !line.is_empty() {
                    field.continuation.push(line);
                }
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            current = None;
            continue;
        };
        let key = key.trim();
        if key.is_empty() || key.starts_with('#') || key.contains(' ') {
            current = None;
            continue;
        }
        fields.insert(
            key,
            Field {
                value: value.trim(),
                continuation: Vec::new(),
            },
        );
        current = Some(key);
    }
    fields
}

/// `(release, package)` for a status line's key (`precise/esm_openssl`), `None` for the
/// other fields (`Patches_openssl`, `Priority_openssl`, `Tags_openssl`, `Description`).
fn status_key(key: &str) -> Option<(&str, &str)> {
    let (release, package) = key.split_once('_')?;
    let is_field = release
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_uppercase());
    if is_field || release.is_empty() || package.is_empty() {
        return None;
    }
    Some((release, package))
}

fn affected_for(
    release: &str,
    package: &str,
    status: &str,
    priority: Option<&str>,
) -> Result<Affected, SkipReason> {
    let word = status.split_whitespace().next().unwrap_or_default();
    let note = status
        .find('(')
        .and_then(|start| status[start + 1..].split(')').next())
        .map(str::trim)
        .unwrap_or_default();

    let (state, fixed) = match word {
        "released" => (
            AffectedStatus::Fixed,
            Some(note).filter(|version| is_version(version)),
        ),
        "not-affected" => (AffectedStatus::NotAffected, None),
        "needed" | "needs-triage" | "pending" => (AffectedStatus::Affected, None),
        "deferred" => (AffectedStatus::Deferred, None),
        "ignored" if status.contains("end-of-life") || status.contains("end of life") => {
            (AffectedStatus::EndOfLife, None)
        }
        "ignored" => (AffectedStatus::WillNotFix, None),
        "DNE" => return Err(SkipReason::PackageNotInRelease),
        _ => return Err(SkipReason::UnknownStatus),
    };

    // Limitation: `released` without a version in parentheses says the fix shipped but not in
    // which version; the entry is kept as fixed with no range, so it never produces a finding.
    let ranges = match (state, fixed) {
        (AffectedStatus::NotAffected, _) | (AffectedStatus::Fixed, None) => Vec::new(),
        (_, fixed) => {
            let mut events = vec![RangeEvent::Introduced("0".to_owned())];
            events.extend(fixed.map(|version| RangeEvent::Fixed(version.to_owned())));
            vec![VersionRange {
                kind: RangeKind::Ecosystem,
                repo: None,
                events,
            }]
        }
    };

    let priority = priority.filter(|word| !word.is_empty() && *word != "untriaged");
    Ok(Affected {
        ecosystem: Ecosystem {
            name: "Ubuntu".to_owned(),
            release: Some(release.to_owned()),
        },
        package: package.to_owned(),
        ranges,
        status: state,
        status_text: Some(status.to_owned()),
        severity: priority.map(rating_from_word),
        severity_source: priority.map(|word| format!("ubuntu priority: {word}")),
        ..Affected::default()
    })
}

/// The `PublicDate` as written (`2014-04-07 22:55:00 UTC`, `2019-08-13`), or `None` when it is
/// missing or a word (the tracker writes `unknown` for about a hundred CVEs).
fn public_date(field: Option<&Field>) -> Option<String> {
    let date = field?.value.trim();
    date.starts_with(|c: char| c.is_ascii_digit())
        .then(|| date.to_owned())
}

/// Whether the note of a `released` line is a package version (`1.0.1-4ubuntu5.12`,
/// `1:2.3-1`), not prose (`code not present`).
fn is_version(note: &str) -> bool {
    !note.is_empty()
        && !note.contains(char::is_whitespace)
        && note.starts_with(|c: char| c.is_ascii_digit())
}

fn joined(field: &Field) -> Option<String> {
    let mut lines: Vec<&str> = Vec::new();
    if !field.value.is_empty() {
        lines.push(field.value);
    }
    lines.extend(field.continuation.iter().copied());
    (!lines.is_empty()).then(|| lines.join(" "))
}

/// The first sentence of a description, at most one line of text.
fn summary_of(field: &Field) -> Option<String> {
    let text = joined(field)?;
    let sentence = text.split(". ").next().unwrap_or(&text);
    let summary: String = sentence.chars().take(200).collect();
    Some(summary.trim_end_matches('.').to_owned())
}

fn cvss_scores(field: &Field) -> Vec<crate::Score> {
    std::iter::once(field.value)
        .chain(field.continuation.iter().copied())
        .filter_map(|line| {
            let vector = line
                .split_whitespace()
                .find(|word| word.starts_with("CVSS:3"))?;
            Some(score_vector(ScoreKind::CvssV3, vector))
        })
        .collect()
}

fn references(id: &str, field: Option<&Field>) -> Vec<Reference> {
    let mut references = vec![Reference {
        kind: "ADVISORY".to_owned(),
        url: format!("https://ubuntu.com/security/{id}"),
    }];
    let urls = field
        .map(|field| {
            std::iter::once(field.value)
                .chain(field.continuation.iter().copied())
                .filter(|line| line.starts_with("http"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for url in urls {
        references.push(Reference {
            kind: "WEB".to_owned(),
            url: url.to_owned(),
        });
    }
    references
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeverityRating;

    const HEARTBLEED: &str = "PublicDateAtUSN: 2014-04-07
Candidate: CVE-2014-0160
PublicDate: 2014-04-07 22:55:00 UTC
References:
 https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2014-0160
 http://heartbleed.com/
Description:
 The (1) TLS and (2) DTLS implementations in OpenSSL 1.0.1 before 1.0.1g do
 not properly handle Heartbeat Extension packets. More text.
Ubuntu-Description:
Notes:
Priority: high
CVSS:
 nvd: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N

Patches_openssl:
 upstream: http://git.openssl.org/gitweb/?p=openssl.git;a=commit (1.0.1)
upstream_openssl: released (1.0.1g)
lucid_openssl: not-affected (code not present)
precise_openssl: released (1.0.1-4ubuntu5.12)
precise/esm_openssl: needed
trusty_openssl: ignored (reached end-of-life)
xenial_openssl: DNE
focal_openssl: needs-triage
devel_openssl: released (1.0.1f-1ubuntu2)

Patches_openssl098:
Priority_openssl098: low
bionic_openssl098: deferred (2020-01-01)
eoan_openssl098: ignored (abandoned)
";

    #[test]
    fn statuses_map_per_release() {
        let read = parse_ubuntu_cve("active/CVE-2014-0160", HEARTBLEED.as_bytes()).expect("valid");
        let advisory = &read.advisories[0];
        assert_eq!(advisory.id, "CVE-2014-0160");
        assert_eq!(
            advisory.published.as_deref(),
            Some("2014-04-07 22:55:00 UTC")
        );
        assert!(advisory
            .summary
            .as_deref()
            .is_some_and(|summary| summary.ends_with("Heartbeat Extension packets")));
        assert_eq!(advisory.scores[0].rating, SeverityRating::High);
        assert_eq!(advisory.references.len(), 3);

        let entry = |release: &str, package: &str| {
            advisory
                .affected
                .iter()
                .find(|a| a.ecosystem.release.as_deref() == Some(release) && a.package == package)
                .unwrap_or_else(|| panic!("{release} {package}"))
        };
        let precise = entry("12.04", "openssl");
        assert_eq!(precise.ecosystem.name, "Ubuntu");
        assert_eq!(precise.status, AffectedStatus::Fixed);
        assert_eq!(
            precise.ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("1.0.1-4ubuntu5.12".into())
            ]
        );
        assert_eq!(precise.severity, Some(SeverityRating::High));
        assert_eq!(
            entry("10.04", "openssl").status,
            AffectedStatus::NotAffected
        );
        assert!(entry("10.04", "openssl").ranges.is_empty());
        assert_eq!(entry("14.04", "openssl").status, AffectedStatus::EndOfLife);
        let focal = entry("20.04", "openssl");
        assert_eq!(focal.status, AffectedStatus::Affected);
        assert_eq!(focal.status_text.as_deref(), Some("needs-triage"));

        let deferred = entry("18.04", "openssl098");
        assert_eq!(deferred.status, AffectedStatus::Deferred);
        assert_eq!(deferred.severity, Some(SeverityRating::Low));
        assert_eq!(
            entry("19.10", "openssl098").status,
            AffectedStatus::WillNotFix
        );
        assert_eq!(advisory.affected.len(), 6);

        let reasons: Vec<SkipReason> = read.skipped.iter().map(|skip| skip.reason).collect();
        assert_eq!(
            reasons
                .iter()
                .filter(|r| **r == SkipReason::UnmappedRelease)
                .count(),
            3
        );
        assert!(reasons.contains(&SkipReason::PackageNotInRelease));
    }

    #[test]
    fn file_name_gives_the_id_and_bad_files_fail() {
        let read = parse_ubuntu_cve(
            "retired/CVE-2020-1",
            b"PublicDate: unknown\nPriority: low\n",
        )
        .expect("valid");
        assert_eq!(read.advisories[0].id, "CVE-2020-1");
        assert_eq!(read.advisories[0].published, None);
        assert!(read.advisories[0].affected.is_empty());
        assert!(parse_ubuntu_cve("x/README", b"Priority: low\n").is_err());
        assert!(parse_ubuntu_cve("x/CVE-1", &[0xff, 0xfe]).is_err());
        assert!(accepts("ubuntu/active/CVE-2020-1"));
        assert!(!accepts("ubuntu/active/00boilerplate"));
    }
}
