//! Downloads the advisory feeds behind `purser db update` into a cache folder.
//!
//! A feed is one file at one URL: an OSV ecosystem `all.zip`, the Debian security tracker's
//! JSON, or an Alpine secdb JSON file ([`FeedKind`]). [`sync`] fetches each configured feed with
//! a conditional GET (the ETag and Last-Modified of the last download live in a JSON state file,
//! [`STATE_FILE_NAME`], in the cache folder), streams a changed body to a temporary file, checks
//! it is whole and of its kind, and renames it over the old copy. A failure of one feed leaves
//! that feed's previous file and state as they were and does not stop the others. Offline mode
//! never opens a connection. Reading the files is the job of `purser-advisory`.
//!
//! ```no_run
//! # fn main() -> Result<(), purser_feeds::FeedError> {
//! use purser_feeds::{sync_with_progress, FeedConfig, FeedOutcome};
//!
//! let config = FeedConfig::default();
//! let mut bar = |feed: &str, done: u64, total: Option<u64>| {
//!     eprint!("\r{feed}: {done} of {total:?} bytes");
//! };
//! let summary = sync_with_progress(&config, "/var/cache/purser/feeds".as_ref(), &mut bar)?;
//! for report in &summary.feeds {
//!     if let FeedOutcome::Failed(error) = &report.outcome {
//!         eprintln!("{error}");
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The HTTP client is `ureq` 2 with rustls: blocking suits a command that fetches a dozen files
//! in turn, and its per-read timeout ends a stalled download, which a whole-body timeout could
//! not do for a 2 GiB file without also cutting slow but healthy ones.

#![deny(missing_docs)]

mod cache;
mod config;
mod download;
mod error;
mod http;
mod kind;
mod progress;
mod redact;
mod state;
mod summary;
mod sync;
mod validate;
mod verify;

pub use config::{
    Feed, FeedConfig, FeedSources, DEFAULT_ALPINE_RELEASES, DEFAULT_ALPINE_SECDB_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEBIAN_TRACKER_URL, DEFAULT_MAX_BYTES_PER_FEED,
    DEFAULT_OSV_BASE_URL, DEFAULT_OSV_ECOSYSTEMS, DEFAULT_READ_TIMEOUT,
};
pub use error::FeedError;
pub use kind::FeedKind;
pub use progress::{NoProgress, Progress};
pub use state::STATE_FILE_NAME;
pub use summary::{FeedOutcome, FeedReport, SyncSummary};
pub use sync::{sync, sync_with_progress};
