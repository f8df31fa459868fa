//! Vulnerability matching: a scan's inventory against the vulnerability database.
//!
//! [`query`] decides how each package is asked about (Debian packages by source package and
//! release, Maven by `groupId:artifactId`, ...); [`findings`] holds what a match produces, the
//! model every report format prints; [`match_scan`] joins a scan with the database.

#![deny(missing_docs)]

pub mod findings;
mod matcher;
pub mod query;

pub use matcher::match_scan;

pub use findings::{
    CoverageGap, CvssScore, DatabaseSummary, MatchProblem, MatchedPackage, SourceSummary,
    Vulnerability, VulnerabilityReport, VulnerabilityStatus,
};
pub use query::{query_for, Query, Unmatchable};
