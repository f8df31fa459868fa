//! The errors opening, reading and building a database can give.

use std::path::PathBuf;

/// What to run when a database file cannot be used; every refusal ends with it.
pub const REPLACE_HINT: &str = "run `purser db update` or `purser db build` to replace it";

/// An error from the vulnerability database.
///
/// Messages are lowercase, name the file and say what was wrong; a refused file's message ends
/// with [`REPLACE_HINT`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The file could not be opened, mapped or read.
    #[error("failed to read vulnerability database {path}: {source}")]
    Read {
        /// The database file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The file does not start with the Purser database magic.
    #[error("{path} is not a purser vulnerability database; {REPLACE_HINT}")]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },

    /// The file was written by a newer Purser with a schema this one cannot read.
    #[error(
        "vulnerability database {path} has schema version {found}, newer than the version {supported} this purser reads; {REPLACE_HINT}"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file.
        found: u32,
        /// The schema version this build reads.
        supported: u32,
    },

    /// The file was written by an older Purser, in a layout this one no longer reads.
    #[error(
        "vulnerability database {path} has schema version {found}, older than the version {supported} this purser reads; {REPLACE_HINT}"
    )]
    TooOld {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file.
        found: u32,
        /// The schema version this build reads.
        supported: u32,
    },

    /// The file is shorter than its header says.
    #[error(
        "vulnerability database {path} is truncated: {actual} bytes of {expected}; {REPLACE_HINT}"
    )]
    Truncated {
        /// The database file.
        path: PathBuf,
        /// The size the header records.
        expected: u64,
        /// The size on disk.
        actual: u64,
    },

    /// The file's header, a checksum or a record in the body is wrong.
    #[error("vulnerability database {path} is corrupt: {detail}; {REPLACE_HINT}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What was wrong, naming the section or checksum.
        detail: String,
    },

    /// The database could not be written.
    #[error("failed to write vulnerability database {path}: {source}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The advisories cannot be stored (a section over 4 GiB, an invalid build time).
    #[error("cannot build vulnerability database {path}: {detail}")]
    Build {
        /// The file being written.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
}

/// A damaged body or header, before the file's path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Corruption(pub(crate) String);

impl Corruption {
    /// Attaches the file's path.
    pub(crate) fn at(self, path: &std::path::Path) -> DbError {
        DbError::Corrupt {
            path: path.to_owned(),
            detail: self.0,
        }
    }
}
