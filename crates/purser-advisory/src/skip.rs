//! What a reader leaves out on purpose: records that describe no package of a matchable
//! ecosystem, and version ranges the model's events cannot express. Each is counted per reason in
//! [`crate::SourceSummary::skipped`]; none is a [`crate::RecordProblem`], because the record
//! was read correctly.

use std::fmt;

/// Why a record, package or range was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// The advisory is about a language runtime (Ruby interpreters, Node.js itself), not a
    /// package of the source's ecosystem; runtimes in images are matched through their
    /// distribution packages.
    Runtime,
    /// A version range the model's events cannot express (a `!=` requirement, a requirement
    /// that does not parse, bounds the scheme cannot order). Affected versions starting just
    /// after a version are expressed, with [`crate::RangeEvent::IntroducedAfter`]. The
    /// package's other ranges are kept; a package left with none is dropped.
    UnexpressibleRange,
    /// A distribution status line for a release with no version number in this reader's table
    /// (Ubuntu `upstream`, `devel`, snaps, or a codename newer than the table).
    UnmappedRelease,
    /// A status saying the package does not exist in that release (Ubuntu `DNE`).
    PackageNotInRelease,
    /// A status word the reader does not know, or an empty status.
    UnknownStatus,
    /// The patched and unaffected versions together cover every version, so nothing is
    /// affected.
    NoAffectedVersion,
}

impl SkipReason {
    /// A short lowercase description, used as the key of the per-reason counts.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Runtime => "advisory for a language runtime, not a package",
            SkipReason::UnexpressibleRange => "unreadable or inexpressible version range",
            SkipReason::UnmappedRelease => "release without a version number in the table",
            SkipReason::PackageNotInRelease => "package does not exist in the release",
            SkipReason::UnknownStatus => "unknown or empty status",
            SkipReason::NoAffectedVersion => "no version is affected",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.describe())
    }
}

/// One thing a reader left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The advisory's identifier, when known.
    pub record: Option<String>,
    /// Why.
    pub reason: SkipReason,
    /// What exactly was left out (the range text, the release name), for the log.
    pub detail: String,
}

impl Skip {
    /// A skip of `record` for `reason`, with `detail` for the log.
    pub fn new(record: Option<&str>, reason: SkipReason, detail: impl Into<String>) -> Skip {
        Skip {
            record: record.map(str::to_owned),
            reason,
            detail: detail.into(),
        }
    }
}

/// What a reader made of one file: the advisories, and what it left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileRead {
    /// The advisories the file holds.
    pub advisories: Vec<crate::Advisory>,
    /// What was left out on purpose.
    pub skipped: Vec<Skip>,
}
