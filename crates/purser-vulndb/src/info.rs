//! What a database holds, as recorded in its header.

use serde::{Deserialize, Serialize};

/// The header's description of a database: build time, sources and sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseInfo {
    /// The schema version of the file.
    #[serde(skip)]
    pub schema_version: u32,
    /// The file's size in bytes.
    #[serde(skip)]
    pub file_size: u64,
    /// When the database was built, RFC 3339, as the builder's caller gave it.
    pub built_at: String,
    /// The sources, in the order they were added.
    pub sources: Vec<SourceInfo>,
    /// Advisories stored (withdrawn ones excluded).
    pub advisories: u64,
    /// Distinct `(ecosystem, normalised package name)` keys.
    pub packages: u64,
    /// Affected-entries stored (one per package of each advisory).
    pub entries: u64,
}

/// One source of a database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The source's name (`osv:PyPI`, `debian-tracker`).
    pub name: String,
    /// The newest `modified` (else `published`) date among its records, RFC 3339 as written;
    /// `None` when no record carries a date.
    pub newest_record: Option<String>,
    /// Advisories stored from this source.
    pub records: u64,
    /// Withdrawn advisories dropped from this source.
    pub withdrawn: u64,
    /// Affected-entries stored from this source.
    pub entries: u64,
}

impl SourceInfo {
    /// Counts one advisory of this source.
    pub(crate) fn count(&mut self, advisory: &purser_advisory::Advisory) {
        if advisory.is_withdrawn() {
            self.withdrawn += 1;
            return;
        }
        self.records += 1;
        self.entries += advisory.affected.len() as u64;

        // RFC 3339 timestamps in UTC order as text; mixed offsets may misorder by hours.
        let date = advisory.modified.as_ref().or(advisory.published.as_ref());
        if let Some(date) = date {
            if self
                .newest_record
                .as_ref()
                .is_none_or(|newest| date > newest)
            {
                self.newest_record = Some(date.clone());
            }
        }
    }
}
