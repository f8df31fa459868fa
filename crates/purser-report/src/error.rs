//! Errors of loading policy inputs (ignore file, VEX documents) and of rendering.

use std::path::PathBuf;

/// What went wrong while loading an input or producing a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file could not be read.
    #[error("failed to read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The ignore file is not valid TOML or does not have the expected shape.
    #[error("invalid ignore file {path} at line {line}: {message}")]
    IgnoreSyntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem (1 when the parser gave no position).
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// An ignore entry is well formed TOML but not a usable entry.
    #[error("invalid ignore entry for {id} in {path} at line {line}: {message}")]
    IgnoreEntry {
        /// The file.
        path: PathBuf,
        /// The entry's vulnerability ID.
        id: String,
        /// 1-based line of the entry.
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// A VEX document could not be understood.
    #[error("invalid VEX document {path}: {message}")]
    Vex {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// A severity list named something that is not a severity.
    #[error("unknown severity {0:?}: expected UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH or CRITICAL")]
    UnknownSeverity(String),
    /// A date was not `YYYY-MM-DD`.
    #[error("invalid date {0:?}: expected YYYY-MM-DD")]
    InvalidDate(String),
    /// The format is known but this build cannot write it yet.
    #[error("the {0} format is not available yet; use --format json")]
    FormatNotAvailable(&'static str),
    /// A format needs a creation time and none was given.
    #[error("the {0} format needs a creation time for its document")]
    MissingCreationTime(&'static str),
    /// A document could not be serialised.
    #[error("failed to serialise the {format} report: {source}")]
    Serialise {
        /// The format.
        format: &'static str,
        /// The cause.
        source: serde_json::Error,
    },
}
