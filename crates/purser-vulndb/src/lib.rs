//! The vulnerability database file and the matcher that looks installed packages up in it.
//!
//! A database is one file, built by [`DatabaseBuilder`] from [`purser_advisory::Advisory`]
//! values and opened by [`Database::open`], which maps it and checks only its fixed header, so
//! opening costs the same for ten advisories or a million. Lookups binary-search an index of
//! `(ecosystem, normalised package name)` keys and decode only the entries of the package found;
//! an advisory's display data (summary, references, scores) is decoded only when it matches.
//! The byte layout is documented in [`mod@format`].
//!
//! ```no_run
//! # fn main() -> Result<(), purser_vulndb::DbError> {
//! use purser_vulndb::{Database, PackageQuery};
//!
//! let database = Database::open("/var/cache/purser/vulndb.purser")?;
//! let query = PackageQuery {
//!     ecosystem: "Debian",
//!     release: Some("12"),
//!     name: "openssl",
//!     version: "3.0.11-1~deb12u1",
//! };
//! for found in database.lookup(&query)?.matches {
//!     println!("{} {:?} because {}", found.preferred_id(), found.severity, found.reason);
//! }
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod breakpoints;
mod builder;
mod database;
mod display;
mod ecosystem;
mod entry;
mod error;
pub mod format;
mod info;
mod key_block;
mod lookup;
mod range;
mod reader;
mod strings;

pub use builder::DatabaseBuilder;
pub use database::{Coverage, Database};
pub use ecosystem::{is_release_scoped, normalise_name, normalise_release};
pub use error::{DbError, REPLACE_HINT};
pub use info::{DatabaseInfo, SourceInfo};
pub use lookup::{Affecting, Lookup, LookupProblem, Match, PackageQuery};
