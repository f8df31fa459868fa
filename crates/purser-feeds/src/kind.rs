//! The kinds of feed file, which decide how a file is read later and checked after download.

/// How a feed's file is read later, and so how a fresh download is checked before it replaces
/// the cached copy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeedKind {
    /// A zip of OSV JSON records for one ecosystem, as the OSV bucket publishes `all.zip`
    /// (format: <https://ossf.github.io/osv-schema/>).
    OsvZip {
        /// The OSV ecosystem name, such as `PyPI` or `Rocky Linux`.
        ecosystem: String,
    },
    /// The Debian security tracker's JSON export: one object keyed by source package name.
    DebianTrackerJson,
    /// One Alpine secdb file: an object whose `packages` list holds each package's `secfixes`.
    AlpineSecdbJson {
        /// The Alpine release, as `v3.20`.
        release: String,
        /// The repository, as `main`.
        repository: String,
    },
}

impl FeedKind {
    /// The extension of the cached file, without the dot.
    pub fn file_extension(&self) -> &'static str {
        match self {
            Self::OsvZip { .. } => "zip",
            Self::DebianTrackerJson | Self::AlpineSecdbJson { .. } => "json",
        }
    }

    /// The kind in words, for messages.
    pub fn description(&self) -> &'static str {
        match self {
            Self::OsvZip { .. } => "OSV zip archive",
            Self::DebianTrackerJson => "Debian tracker JSON file",
            Self::AlpineSecdbJson { .. } => "Alpine secdb JSON file",
        }
    }
}
