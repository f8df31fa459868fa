//! The normalised advisory model every source is read into.
//!
//! It follows the OSV schema (<https://ossf.github.io/osv-schema/>) closely, because OSV can
//! express most of what the other sources say; the additions are the fields distributions keep
//! that OSV has no place for (a status such as `will_not_fix`, an urgency) and one range event,
//! [`RangeEvent::IntroducedAfter`], for sources that start a range just after a version.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One advisory: a vulnerability and the packages it affects, as one source describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Advisory {
    /// The source's identifier (`GHSA-...`, `PYSEC-2021-1`, `DSA-5000-1`, `CVE-2021-44228`).
    pub id: String,
    /// Other identifiers of the same vulnerability (OSV `aliases`), CVEs first when sorted by
    /// [`Advisory::preferred_id`].
    pub aliases: Vec<String>,
    /// Identifiers of closely related but distinct vulnerabilities (OSV `related`).
    pub related: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description, as written by the source (often Markdown).
    pub details: Option<String>,
    /// When the advisory was published, RFC 3339 as the source wrote it.
    pub published: Option<String>,
    /// When the advisory was last modified, RFC 3339 as the source wrote it.
    pub modified: Option<String>,
    /// When the advisory was withdrawn; a withdrawn advisory never produces findings.
    pub withdrawn: Option<String>,
    /// Scores for the whole advisory (CVSS vectors and their computed scores).
    pub scores: Vec<Score>,
    /// Links for the reader.
    pub references: Vec<Reference>,
    /// The packages affected, each with its own version ranges.
    pub affected: Vec<Affected>,
    /// Name of the source this advisory was read from (`osv:PyPI`, `debian-tracker`,
    /// `alpine-secdb`); the database header counts records per source by this name.
    pub source: String,
}

impl Advisory {
    /// The identifier to show first: the first CVE among the ID and aliases, else the ID.
    pub fn preferred_id(&self) -> &str {
        std::iter::once(&self.id)
            .chain(&self.aliases)
            .find(|id| id.starts_with("CVE-"))
            .unwrap_or(&self.id)
    }

    /// Whether the advisory was withdrawn and must not be matched.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }
}

/// A package ecosystem, optionally narrowed to a release (`Debian:12`, `Alpine:v3.19`,
/// `AlmaLinux:9`, or just `PyPI`). Names use OSV's spelling.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Ecosystem {
    /// The ecosystem's name as OSV spells it (`Debian`, `Alpine`, `PyPI`, `crates.io`).
    pub name: String,
    /// The release the data is scoped to, as OSV writes it after the colon (`12`, `v3.19`).
    pub release: Option<String>,
}

impl Ecosystem {
    /// Splits OSV's `Name:release` spelling (`Debian:12` gives `Debian` and `12`; `PyPI` has no
    /// release).
    pub fn parse(text: &str) -> Ecosystem {
        match text.split_once(':') {
            Some((name, release)) if !release.is_empty() => Ecosystem {
                name: name.to_owned(),
                release: Some(release.to_owned()),
            },
            Some((name, _)) => Ecosystem {
                name: name.to_owned(),
                release: None,
            },
            None => Ecosystem {
                name: text.to_owned(),
                release: None,
            },
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.release {
            Some(release) => write!(formatter, "{}:{release}", self.name),
            None => formatter.write_str(&self.name),
        }
    }
}

/// One package an advisory affects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Affected {
    /// The ecosystem and, for distributions, the release.
    pub ecosystem: Ecosystem,
    /// The package name as the ecosystem spells it: the source package for Debian and Ubuntu,
    /// the origin for Alpine, `group:artifact` for Maven, the module path for Go.
    pub package: String,
    /// The package URL, when the source gives one.
    pub purl: Option<String>,
    /// Version ranges; a version inside any range is affected.
    pub ranges: Vec<VersionRange>,
    /// Versions listed one by one as affected (OSV `versions`).
    pub versions: Vec<String>,
    /// What the source says about this package. OSV records are [`AffectedStatus::Affected`]
    /// with fixes given by their ranges.
    pub status: AffectedStatus,
    /// The source's own word for the status, kept verbatim (`no-dsa`, `postponed`,
    /// `<end-of-life>`), when it has one.
    pub status_text: Option<String>,
    /// A severity the source gives this package in particular (OSV `database_specific` or
    /// `ecosystem_specific`, a Debian urgency, a distribution's rating).
    pub severity: Option<SeverityRating>,
    /// Where [`Affected::severity`] came from, verbatim (`debian urgency: low`,
    /// `database_specific.severity: HIGH`).
    pub severity_source: Option<String>,
}

/// What a source says about one package and one vulnerability.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AffectedStatus {
    /// Vulnerable in the versions the ranges give; fixed from the ranges' `fixed` events.
    #[default]
    Affected,
    /// Fixed in the versions the ranges give (a distribution's `fixed` entry).
    Fixed,
    /// The package in this release was never vulnerable.
    NotAffected,
    /// The distribution decided not to fix it.
    WillNotFix,
    /// Fix deferred: Debian's `no-dsa` and `postponed`, Ubuntu's `deferred`.
    Deferred,
    /// The release is past its end of life; no fix will come.
    EndOfLife,
}

/// A range of affected versions, as OSV's `ranges[]` entries describe them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionRange {
    /// How to order the versions named by the events.
    pub kind: RangeKind,
    /// The repository for [`RangeKind::Git`] ranges.
    pub repo: Option<String>,
    /// Events in the order the source gave them.
    pub events: Vec<RangeEvent>,
}

/// How the versions in a [`VersionRange`] are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// The ecosystem's own version rules.
    #[default]
    Ecosystem,
    /// Semantic Versioning 2.0.0.
    Semver,
    /// Git commit hashes: kept, but not matchable against installed versions.
    Git,
}

/// One event of a [`VersionRange`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeEvent {
    /// Vulnerable from this version on (`0` means from the start).
    Introduced(String),
    /// Vulnerable from just after this version on: the version itself is not, every later one
    /// is (an exclusive lower bound, `> 1.2`). Purser's extension beyond OSV, whose events have
    /// no such bound; only readers of sources that write `>` bounds (RubySec, FriendsOfPHP,
    /// Victims) emit it, and it never appears in OSV data.
    IntroducedAfter(String),
    /// Not vulnerable from this version on.
    Fixed(String),
    /// Vulnerable up to and including this version.
    LastAffected(String),
    /// Upper bound of the range, exclusive (rarely used).
    Limit(String),
}

/// A score of an advisory's severity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Score {
    /// The scoring system.
    pub kind: ScoreKind,
    /// The vector or value as written (`CVSS:3.1/AV:N/AC:L/...`).
    pub vector: String,
    /// The base score computed from the vector, when the vector is valid.
    pub base_score: Option<f32>,
    /// The rating the score falls in.
    pub rating: SeverityRating,
}

/// A scoring system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScoreKind {
    /// CVSS version 2.
    #[serde(rename = "CVSS_V2")]
    CvssV2,
    /// CVSS version 3.0 or 3.1.
    #[serde(rename = "CVSS_V3")]
    #[default]
    CvssV3,
    /// CVSS version 4.0.
    #[serde(rename = "CVSS_V4")]
    CvssV4,
    /// Ubuntu's own priority words.
    #[serde(rename = "Ubuntu")]
    Ubuntu,
}

/// Qualitative severity, in the order users sort by.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum SeverityRating {
    /// Not known.
    #[default]
    Unknown,
    /// Negligible or informational (Debian's `unimportant`).
    Negligible,
    /// Low.
    Low,
    /// Medium (Debian's and Alpine's `medium`, GitHub's `MODERATE`).
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl SeverityRating {
    /// The rating CVSS v3 and v4 assign to a base score (v2 has no `Critical` band; callers
    /// scoring v2 cap at [`SeverityRating::High`]).
    pub fn from_cvss_score(score: f32) -> SeverityRating {
        match score {
            s if s >= 9.0 => SeverityRating::Critical,
            s if s >= 7.0 => SeverityRating::High,
            s if s >= 4.0 => SeverityRating::Medium,
            s if s > 0.0 => SeverityRating::Low,
            _ => SeverityRating::Negligible,
        }
    }
}

/// A link for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// OSV's reference type (`ADVISORY`, `FIX`, `WEB`, ...), or `WEB` when unknown.
    pub kind: String,
    /// The address.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystem_splits_release() {
        let debian = Ecosystem::parse("Debian:12");
        assert_eq!(debian.name, "Debian");
        assert_eq!(debian.release.as_deref(), Some("12"));
        assert_eq!(debian.to_string(), "Debian:12");
        assert_eq!(Ecosystem::parse("PyPI").release, None);
        assert_eq!(Ecosystem::parse("Alpine:").to_string(), "Alpine");
    }

    #[test]
    fn preferred_id_is_the_first_cve() {
        let advisory = Advisory {
            id: "GHSA-jfh8-c2jp-5v3q".to_owned(),
            aliases: vec!["PYSEC-1".to_owned(), "CVE-2021-44228".to_owned()],
            ..Advisory::default()
        };
        assert_eq!(advisory.preferred_id(), "CVE-2021-44228");
    }

    #[test]
    fn cvss_bands() {
        assert_eq!(
            SeverityRating::from_cvss_score(9.8),
            SeverityRating::Critical
        );
        assert_eq!(SeverityRating::from_cvss_score(7.0), SeverityRating::High);
        assert_eq!(SeverityRating::from_cvss_score(5.3), SeverityRating::Medium);
        assert_eq!(SeverityRating::from_cvss_score(0.1), SeverityRating::Low);
        assert_eq!(
            SeverityRating::from_cvss_score(0.0),
            SeverityRating::Negligible
        );
    }
}
