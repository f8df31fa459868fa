//! What every rpmdb backend yields: the header blobs it stores, each under its record number,
//! and the problems it met on the way.

use std::borrow::Cow;

/// The largest header blob a backend assembles (rpm's own limit on a header's data store is
/// 256 MiB, but real headers stay under a few MiB); larger declared records are refused before
/// any allocation.
pub const MAX_BLOB_BYTES: u64 = 64 * 1024 * 1024;

/// One stored header blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRecord<'a> {
    /// The record's number in its database: the SQLite `hnum`, the Berkeley DB key, the NDB
    /// package index. rpm calls it the header instance; diagnostics name records by it.
    pub record: u64,
    /// The header blob, borrowed from the file when it is stored in one piece.
    pub blob: Cow<'a, [u8]>,
}

/// Everything a backend read from one database file.
#[derive(Debug, Default)]
pub struct Blobs<'a> {
    /// The readable records, in storage order.
    pub records: Vec<BlobRecord<'a>>,
    /// Problems, one per unreadable record or, for damage to the file's structure, one that
    /// ended the reading early (the records before it are kept).
    pub errors: Vec<DatabaseError>,
}

/// Why (part of) a database file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DatabaseError {
    /// The file's structure is damaged or not of the expected format.
    #[error("malformed {format} database: {problem}")]
    Format {
        /// `sqlite`, `berkeley-db` or `ndb`.
        format: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// One record cannot be read; the others can.
    #[error("record {record}: {problem}")]
    Record {
        /// The record's number.
        record: u64,
        /// What is wrong.
        problem: String,
    },
}
