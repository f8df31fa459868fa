//! RubySec's ruby-advisory-db (<https://github.com/rubysec/ruby-advisory-db>): one YAML file
//! per advisory and gem, `gems/<gem>/<ID>.yml`:
//!
//! ```text
//! gem: rack
//! cve: 2020-8161
//! ghsa: 5f9h-9pjv-v6j7
//! title: Directory traversal in Rack::Directory app bundled with Rack
//! date: 2020-05-12
//! cvss_v3: 8.6
//! patched_versions: ["~> 2.1.3", ">= 2.2.0"]
//! unaffected_versions: ["< 1.0"]
//! ```
//!
//! One [`Advisory`] per file, identified by the file name (`CVE-2020-8161`, `GHSA-...`,
//! `OSVDB-...`), with the CVE, GHSA and OSVDB identifiers as aliases; files of different gems
//! with the same name merge into one advisory. The gem is a `RubyGems` package. RubySec lists
//! the safe versions, so the affected range is every version outside the patched and
//! unaffected requirements, ordered by RubyGems' rules; versions affected again just after an
//! unaffected `<= V` start with [`crate::RangeEvent::IntroducedAfter`]. `cvss_v2`/`cvss_v3`/
//! `cvss_v4` are base scores without vectors; they are kept as scores whose vector is the
//! number.
//!
//! `rubies/<engine>/*.yml` describe Ruby interpreters (`engine: ruby`, `jruby`, ...), which are
//! not gems: they are skipped with [`SkipReason::Runtime`]; the interpreter in an image is
//! matched through its distribution package.
//!
//! Limitation: `platform: jruby` advisories apply to that platform only; the model has no
//! platform, so the gem is reported on every platform.

use purser_version::Scheme;
use serde::Deserialize;

use crate::interval::{complement_events, intersect, Bound, Interval};
use crate::model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeKind, Reference, Score, ScoreKind,
    SeverityRating, VersionRange,
};
use crate::osv::Text;
use crate::skip::{FileRead, Skip, SkipReason};

#[derive(Debug, Deserialize)]
struct Record {
    gem: Option<Text>,
    engine: Option<Text>,
    cve: Option<Text>,
    ghsa: Option<Text>,
    osvdb: Option<Text>,
    url: Option<Text>,
    title: Option<Text>,
    date: Option<Text>,
    description: Option<Text>,
    cvss_v2: Option<Text>,
    cvss_v3: Option<Text>,
    cvss_v4: Option<Text>,
    patched_versions: Option<Vec<Text>>,
    unaffected_versions: Option<Vec<Text>>,
    related: Option<Related>,
}

#[derive(Debug, Deserialize)]
struct Related {
    url: Option<Vec<Text>>,
}

/// Parses one RubySec file; `file` is its path in the source (the file name gives the ID).
///
/// # Errors
///
/// A lowercase message when the text is not a RubySec YAML document or names neither a gem nor
/// an engine.
pub fn parse_rubysec(file: &str, bytes: &[u8]) -> Result<FileRead, String> {
    let record: Record = serde_yaml_ng::from_slice(bytes)
        .map_err(|error| format!("not a RubySec advisory: {error}"))?;
    let id = advisory_id(file, &record);

    if let Some(engine) = &record.engine {
        return Ok(FileRead {
            advisories: Vec::new(),
            skipped: vec![Skip::new(
                Some(&id),
                SkipReason::Runtime,
                format!("Ruby interpreter {}", engine.0),
            )],
        });
    }
    let gem = record
        .gem
        .as_ref()
        .map(|gem| gem.0.trim().to_owned())
        .filter(|gem| !gem.is_empty())
        .ok_or_else(|| "RubySec advisory names no `gem`".to_owned())?;

    let mut read = FileRead::default();
    let safe = safe_intervals(&record, &id, &mut read.skipped);
    let affected = safe.and_then(|safe| match complement_events(&safe, Scheme::RubyGems) {
        Ok(events) => Some(events),
        Err(message) => {
            read.skipped.push(Skip::new(
                Some(&id),
                SkipReason::UnexpressibleRange,
                format!("{gem}: {message}"),
            ));
            None
        }
    });
    let Some(events) = affected else {
        return Ok(read);
    };
    if events.is_empty() {
        read.skipped.push(Skip::new(
            Some(&id),
            SkipReason::NoAffectedVersion,
            format!("{gem}: patched and unaffected versions cover every version"),
        ));
        return Ok(read);
    }

    let affected = Affected {
        ecosystem: Ecosystem {
            name: "RubyGems".to_owned(),
            release: None,
        },
        purl: Some(format!("pkg:gem/{gem}")),
        package: gem,
        ranges: vec![VersionRange {
            kind: RangeKind::Ecosystem,
            repo: None,
            events,
        }],
        status: AffectedStatus::Affected,
        ..Affected::default()
    };
    read.advisories.push(into_advisory(record, id, affected));
    Ok(read)
}

/// The file name without `.yml`, or the CVE when the name is empty.
fn advisory_id(file: &str, record: &Record) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or(name);
    if !stem.is_empty() {
        return stem.to_owned();
    }
    record
        .cve
        .as_ref()
        .map(|cve| format!("CVE-{}", cve.0))
        .unwrap_or_default()
}

/// The patched and unaffected requirements as intervals, or `None` (with a skip recorded)
/// when one of them cannot be read: leaving it out would report safe versions as affected.
fn safe_intervals(record: &Record, id: &str, skipped: &mut Vec<Skip>) -> Option<Vec<Interval>> {
    let requirements = record
        .patched_versions
        .iter()
        .chain(&record.unaffected_versions)
        .flatten();

    let mut intervals = Vec::new();
    for requirement in requirements {
        match ruby_requirement(&requirement.0) {
            Ok(Some(interval)) => intervals.push(interval),
            Ok(None) => {}
            Err(message) => {
                skipped.push(Skip::new(
                    Some(id),
                    SkipReason::UnexpressibleRange,
                    format!("requirement {:?}: {message}", requirement.0),
                ));
                return None;
            }
        }
    }
    Some(intervals)
}

/// The versions a RubyGems requirement (`~> 5.2.4, >= 5.2.4.3`) allows, or `None` when it
/// allows none.
///
/// # Errors
///
/// A message for an operator that is not a range (`!=`) or a version RubyGems rejects.
pub(crate) fn ruby_requirement(text: &str) -> Result<Option<Interval>, String> {
    let mut parts = Vec::new();
    for constraint in text.split(',') {
        let constraint = constraint.trim();
        if constraint.is_empty() {
            continue;
        }
        let split = constraint
            .find(|c: char| !matches!(c, '<' | '>' | '=' | '~' | '!'))
            .unwrap_or(constraint.len());
        let (operator, version) = constraint.split_at(split);
        let version = version.trim();
        if version.is_empty() {
            return Err(format!("{constraint:?} names no version"));
        }
        let interval = match operator {
            "~>" => pessimistic(version)?,
            _ => Interval::from_operator(operator, version)
                .ok_or_else(|| format!("operator {operator:?} is not a range"))?,
        };
        parts.push(interval);
    }
    intersect(&parts, Scheme::RubyGems)
}

/// `~> V`: at least V, below the next release of V's second-to-last numeric segment
/// (`~> 2.1.3` is `>= 2.1.3, < 2.2`; `~> 2` is `>= 2, < 3`), as `Gem::Version#bump` defines.
fn pessimistic(version: &str) -> Result<Interval, String> {
    let mut segments: Vec<u64> = Vec::new();
    for segment in version.split('.') {
        match segment.parse::<u64>() {
            Ok(number) => segments.push(number),
            Err(_) => break,
        }
    }
    if segments.len() > 1 {
        segments.pop();
    }
    let last = segments
        .last_mut()
        .ok_or_else(|| format!("~> {version} has no numeric segment"))?;
    *last += 1;

    let bumped: Vec<String> = segments.iter().map(u64::to_string).collect();
    Ok(Interval {
        lower: Some(Bound::closed(version)),
        upper: Some(Bound::open(bumped.join("."))),
    })
}

fn into_advisory(record: Record, id: String, affected: Affected) -> Advisory {
    let mut aliases = Vec::new();
    let identifiers = [
        record.cve.map(|cve| format!("CVE-{}", cve.0.trim())),
        record.ghsa.map(|ghsa| format!("GHSA-{}", ghsa.0.trim())),
        record
            .osvdb
            .map(|osvdb| format!("OSVDB-{}", osvdb.0.trim())),
    ];
    for alias in identifiers.into_iter().flatten() {
        if alias != id && !aliases.contains(&alias) {
            aliases.push(alias);
        }
    }

    let mut references: Vec<Reference> = record
        .url
        .map(|url| Reference {
            kind: "ADVISORY".to_owned(),
            url: url.0,
        })
        .into_iter()
        .collect();
    for url in record
        .related
        .and_then(|related| related.url)
        .unwrap_or_default()
    {
        let reference = Reference {
            kind: "WEB".to_owned(),
            url: url.0,
        };
        if !references.contains(&reference) {
            references.push(reference);
        }
    }

    let scores = [
        (ScoreKind::CvssV2, record.cvss_v2),
        (ScoreKind::CvssV3, record.cvss_v3),
        (ScoreKind::CvssV4, record.cvss_v4),
    ]
    .into_iter()
    .filter_map(|(kind, number)| number.and_then(|number| base_score(kind, &number.0)))
    .collect();

    Advisory {
        id,
        aliases,
        summary: record.title.map(Text::into_string),
        details: record.description.map(Text::into_string),
        published: record.date.map(Text::into_string),
        scores,
        references,
        affected: vec![affected],
        ..Advisory::default()
    }
}

/// A score given as a bare base score (`8.6`); v2 has no `Critical` band.
pub(crate) fn base_score(kind: ScoreKind, text: &str) -> Option<Score> {
    let score: f32 = text.trim().parse().ok()?;
    let mut rating = SeverityRating::from_cvss_score(score);
    if kind == ScoreKind::CvssV2 && rating == SeverityRating::Critical {
        rating = SeverityRating::High;
    }
    Some(Score {
        kind,
        vector: text.trim().to_owned(),
        base_score: Some(score),
        rating,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RangeEvent;

    const RACK: &str = r#"---
gem: rack
cve: 2020-8161
ghsa: 5f9h-9pjv-v6j7
url: https://groups.google.com/forum/#!topic/ruby-security-ann/T4ZIsfRf2eA
title: Directory traversal in Rack::Directory app bundled with Rack
date: 2020-05-12
description: |
  There was a possible directory traversal vulnerability.
cvss_v3: 8.6
patched_versions:
  - "~> 2.1.3"
  - ">= 2.2.0"
related:
  url:
    - https://nvd.nist.gov/vuln/detail/CVE-2020-8161
"#;

    #[test]
    fn gem_advisory_becomes_the_complement_of_its_patches() {
        let read = parse_rubysec("gems/rack/CVE-2020-8161.yml", RACK.as_bytes()).expect("valid");
        assert!(read.skipped.is_empty());
        let advisory = &read.advisories[0];
        assert_eq!(advisory.id, "CVE-2020-8161");
        assert_eq!(advisory.aliases, ["GHSA-5f9h-9pjv-v6j7"]);
        assert_eq!(advisory.published.as_deref(), Some("2020-05-12"));
        assert_eq!(advisory.scores[0].base_score, Some(8.6));
        assert_eq!(advisory.scores[0].rating, SeverityRating::High);
        assert_eq!(advisory.references.len(), 2);

        let affected = &advisory.affected[0];
        assert_eq!(affected.ecosystem.name, "RubyGems");
        assert_eq!(affected.package, "rack");
        assert_eq!(
            affected.ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("2.1.3".into())
            ]
        );
    }

    #[test]
    fn combined_requirement_and_unaffected_versions() {
        let yaml = "gem: actionpack\ncve: 2020-8164\npatched_versions:\n  - \"~> 5.2.4, >= 5.2.4.3\"\n  - \">= 6.0.3.1\"\nunaffected_versions:\n  - \"< 4.0.0\"\n";
        let read =
            parse_rubysec("gems/actionpack/CVE-2020-8164.yml", yaml.as_bytes()).expect("valid");
        let events = &read.advisories[0].affected[0].ranges[0].events;
        assert_eq!(
            events,
            &[
                RangeEvent::Introduced("4.0.0".into()),
                RangeEvent::Fixed("5.2.4.3".into()),
                RangeEvent::Introduced("5.3".into()),
                RangeEvent::Fixed("6.0.3.1".into()),
            ]
        );
    }

    #[test]
    fn no_patch_means_every_version() {
        let read =
            parse_rubysec("gems/x/OSVDB-1.yml", b"gem: x\nosvdb: 1\ntitle: t\n").expect("valid");
        let advisory = &read.advisories[0];
        assert_eq!(advisory.id, "OSVDB-1");
        assert!(advisory.aliases.is_empty());
        assert_eq!(
            advisory.affected[0].ranges[0].events,
            [RangeEvent::Introduced("0".into())]
        );
    }

    #[test]
    fn affected_again_after_a_closed_bound() {
        // rack CVE-2018-16470: unaffected "<= 2.0.3", patched ">= 2.0.6".
        let yaml = "gem: rack\ncve: 2018-16470\npatched_versions:\n  - \">= 2.0.6\"\nunaffected_versions:\n  - \"<= 2.0.3\"\n";
        let read = parse_rubysec("gems/rack/CVE-2018-16470.yml", yaml.as_bytes()).expect("valid");
        assert!(read.skipped.is_empty(), "{:?}", read.skipped);
        assert_eq!(
            read.advisories[0].affected[0].ranges[0].events,
            [
                RangeEvent::IntroducedAfter("2.0.3".into()),
                RangeEvent::Fixed("2.0.6".into())
            ]
        );
    }

    #[test]
    fn unexpressible_and_runtime_records_are_skipped() {
        let excluded = "gem: x\ncve: 2019-1\nunaffected_versions:\n  - \"!= 1.4.0\"\n";
        let read = parse_rubysec("gems/x/CVE-2019-1.yml", excluded.as_bytes()).expect("valid");
        assert!(read.advisories.is_empty());
        assert_eq!(read.skipped[0].reason, SkipReason::UnexpressibleRange);
        assert_eq!(read.skipped[0].record.as_deref(), Some("CVE-2019-1"));

        let interpreter = "engine: ruby\ncve: 2005-1992\npatched_versions:\n  - \">= 1.8.2\"\n";
        let read =
            parse_rubysec("rubies/ruby/CVE-2005-1992.yml", interpreter.as_bytes()).expect("valid");
        assert!(read.advisories.is_empty());
        assert_eq!(read.skipped[0].reason, SkipReason::Runtime);

        assert!(parse_rubysec("gems/x/y.yml", b"title: no gem\n").is_err());
        assert!(parse_rubysec("gems/x/y.yml", b"- [").is_err());
    }

    #[test]
    fn requirements_parse() {
        assert_eq!(
            ruby_requirement("~> 2").expect("valid"),
            Some(Interval {
                lower: Some(Bound::closed("2")),
                upper: Some(Bound::open("3")),
            })
        );
        assert_eq!(
            ruby_requirement("~> 1.2.3.beta").expect("valid"),
            Some(Interval {
                lower: Some(Bound::closed("1.2.3.beta")),
                upper: Some(Bound::open("1.3")),
            })
        );
        assert_eq!(
            ruby_requirement("= 1.0").expect("valid"),
            Some(Interval::exactly("1.0"))
        );
        assert!(ruby_requirement("!= 1.0").is_err());
        assert!(ruby_requirement(">=").is_err());
    }
}
