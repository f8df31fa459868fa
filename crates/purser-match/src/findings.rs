//! What matching produces: vulnerability findings, coverage gaps and problems, as every report
//! format reads them.
//!
//! Everything is sorted deterministically (by package, then by vulnerability ID) so the same
//! inventory against the same database gives the same report, byte for byte.

use purser_advisory::{AffectedStatus, SeverityRating};
use serde::{Deserialize, Serialize};

/// The vulnerability part of a scan report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VulnerabilityReport {
    /// The database matched against.
    pub database: DatabaseSummary,
    /// One finding per (package, vulnerability).
    pub findings: Vec<Vulnerability>,
    /// Packages that could not be matched because no data covers them: never silence.
    pub coverage_gaps: Vec<CoverageGap>,
    /// Packages whose versions the ecosystem's rules could not read, and similar problems.
    pub problems: Vec<MatchProblem>,
}

/// Which database answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatabaseSummary {
    /// The file.
    pub path: String,
    /// When it was built (RFC 3339).
    pub built_at: String,
    /// Schema version of the file.
    pub schema_version: u32,
    /// The advisory sources it was built from.
    pub sources: Vec<SourceSummary>,
}

/// One advisory source of the database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceSummary {
    /// Its name (`osv:PyPI`, `debian-tracker`).
    pub name: String,
    /// The newest record date in it, when known.
    pub newest_record: Option<String>,
    /// Advisories read from it.
    pub advisories: u64,
}

/// One vulnerability of one installed package.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    /// The identifier to show: the CVE when the advisory has one, else the advisory's own.
    pub id: String,
    /// The advisory's own identifier (`PYSEC-2023-62`, `DSA-5000-1`).
    pub advisory_id: String,
    /// Every other identifier of the same vulnerability, sorted.
    pub aliases: Vec<String>,
    /// The package it was found in.
    pub package: MatchedPackage,
    /// Versions that fix it, in the ecosystem's order; empty when there is no fix.
    pub fixed_versions: Vec<String>,
    /// What the advisory source says about the package.
    pub status: VulnerabilityStatus,
    /// The source's own word for the status, verbatim (`no-dsa`, `postponed`), when it has one.
    pub status_text: Option<String>,
    /// The severity shown.
    pub severity: SeverityRating,
    /// Where the severity came from (`CVSS_V3 score 9.8`, `debian urgency: low`,
    /// `database_specific.severity: HIGH`).
    pub severity_source: String,
    /// Every CVSS score the advisory carries.
    pub cvss: Vec<CvssScore>,
    /// One-line title.
    pub title: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Links.
    pub references: Vec<String>,
    /// Publication date (RFC 3339) when known.
    pub published: Option<String>,
    /// Last modification date (RFC 3339) when known.
    pub modified: Option<String>,
    /// Why it matched: the range or list that contains the installed version
    /// (`introduced 0, fixed 2.2.5`).
    pub matched_by: String,
    /// The advisory source (`osv:PyPI`, `debian-tracker`).
    pub data_source: String,
}

impl Vulnerability {
    /// Whether a version that fixes it exists.
    pub fn has_fix(&self) -> bool {
        !self.fixed_versions.is_empty()
    }

    /// The highest CVSS base score, when the advisory has one.
    pub fn max_cvss_score(&self) -> Option<f32> {
        self.cvss
            .iter()
            .filter_map(|score| score.base_score)
            .reduce(f32::max)
    }
}

/// The installed package a finding is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchedPackage {
    /// The ecosystem the scanner reported (`deb`, `apk`, `PyPI`, `Maven`).
    pub ecosystem: String,
    /// The name as installed.
    pub name: String,
    /// The version as installed.
    pub version: String,
    /// Package URL.
    pub purl: Option<String>,
    /// The file it was read from.
    pub path: String,
    /// The layer that brought it in.
    pub layer: Option<usize>,
    /// That layer's diff ID, when known.
    pub layer_diff_id: Option<String>,
    /// The ecosystem and release it was looked up in (`Debian:12`).
    pub matched_ecosystem: String,
    /// The name it was looked up by (the source package for Debian, the origin for Alpine).
    pub matched_name: String,
    /// The version it was looked up with.
    pub matched_version: String,
}

/// The status of a vulnerability in a package.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VulnerabilityStatus {
    /// Affected; a fixed version may exist (see `fixed_versions`).
    #[default]
    Affected,
    /// The distribution will not fix it.
    WillNotFix,
    /// The fix is deferred (`no-dsa`, `postponed`).
    Deferred,
    /// The release is past its end of life.
    EndOfLife,
}

impl VulnerabilityStatus {
    /// The status a matched advisory entry gives.
    pub fn from_affected(status: AffectedStatus) -> VulnerabilityStatus {
        match status {
            AffectedStatus::WillNotFix => VulnerabilityStatus::WillNotFix,
            AffectedStatus::Deferred => VulnerabilityStatus::Deferred,
            AffectedStatus::EndOfLife => VulnerabilityStatus::EndOfLife,
            AffectedStatus::Affected | AffectedStatus::Fixed | AffectedStatus::NotAffected => {
                VulnerabilityStatus::Affected
            }
        }
    }
}

/// One CVSS score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CvssScore {
    /// `2.0`, `3.0`, `3.1` or `4.0`.
    pub version: String,
    /// The vector as written.
    pub vector: String,
    /// The base score computed from the vector.
    pub base_score: Option<f32>,
    /// Its rating.
    pub rating: SeverityRating,
}

/// Installed packages no advisory data covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageGap {
    /// What is not covered (`npm`, `deb packages on raspbian`).
    pub ecosystem: String,
    /// How many installed packages that leaves unchecked.
    pub packages: usize,
    /// Why.
    pub reason: String,
}

/// A package that could not be matched for a reason other than coverage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchProblem {
    /// The package (`name@version`).
    pub package: String,
    /// Where it was found.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_cvss_score_counts() {
        let vulnerability = Vulnerability {
            cvss: vec![
                CvssScore {
                    base_score: Some(5.3),
                    ..CvssScore::default()
                },
                CvssScore {
                    base_score: Some(9.8),
                    ..CvssScore::default()
                },
                CvssScore::default(),
            ],
            ..Vulnerability::default()
        };
        assert_eq!(vulnerability.max_cvss_score(), Some(9.8));
        assert!(!vulnerability.has_fix());
    }

    #[test]
    fn statuses_serialise_as_snake_case() {
        let json = serde_json::to_string(&VulnerabilityStatus::WillNotFix).expect("serialisable");
        assert_eq!(json, "\"will_not_fix\"");
    }
}
