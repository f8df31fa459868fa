//! Errors of this crate: a fatal [`AdvisoryError`] for a source that cannot be opened at all,
//! and a [`RecordProblem`] for one bad record that the reading skipped.

use std::fmt;
use std::path::PathBuf;

/// A source could not be read at all (the per-record failures are [`RecordProblem`]s instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdvisoryError {
    /// The source path could not be opened or listed.
    #[error("failed to open advisory source {path}: {source}")]
    Open {
        /// The path given.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The container (zip, tar, compressed stream) is damaged beyond the first entries.
    #[error("failed to read advisory archive {path}: {message}")]
    Archive {
        /// The archive.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// One record (or one file) that could not be read; the rest of the source was read anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// The file, relative to the source root (an archive member path inside an archive).
    pub file: String,
    /// The record's identifier, when it could be read.
    pub record: Option<String>,
    /// What was wrong, lowercase, without a trailing period.
    pub message: String,
}

impl RecordProblem {
    /// A problem with a whole file, before any record identifier is known.
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> RecordProblem {
        RecordProblem {
            file: file.into(),
            record: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.record {
            Some(record) => write!(
                formatter,
                "failed to read advisory {record} in {}: {}",
                self.file, self.message
            ),
            None => write!(formatter, "failed to read {}: {}", self.file, self.message),
        }
    }
}
