//! Public advisory data, read from its many formats into one model.
//!
//! Every reader in this crate turns its source (OSV records, the Debian security tracker, Alpine's
//! secdb, ...) into [`Advisory`] values. The vulnerability database is built from those values
//! only, so adding a source never touches the database or the matcher.

#![deny(missing_docs)]

pub mod model;

pub use model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, Reference, Score,
    ScoreKind, SeverityRating, VersionRange,
};
