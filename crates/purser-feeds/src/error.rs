//! The errors a sync, or one feed of it, can give.

use std::path::PathBuf;

/// An error from syncing advisory feeds.
///
/// [`crate::sync`] returns one of these itself only when nothing could be attempted (a bad
/// configuration, an unusable cache folder, offline mode with feeds missing); an error of a single
/// feed is recorded in that feed's [`crate::FeedOutcome::Failed`] and the other feeds go on.
/// Messages are lowercase, name the feed and its URL (with any credentials or query removed) and
/// say what was wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// The configuration cannot be used as given; nothing was downloaded.
    #[error("invalid feed configuration: {detail}")]
    InvalidConfig {
        /// What is wrong, naming the feed.
        detail: String,
    },

    /// The cache folder could not be created or listed.
    #[error("failed to use feed cache folder {path}: {source}")]
    CacheDir {
        /// The cache folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// Offline mode was asked for, but these feeds have no cached copy, so using them would need
    /// the network. Nothing was contacted.
    #[error("offline mode: no cached copy of feed(s) {}, and fetching them needs the network", missing.join(", "))]
    OfflineMissing {
        /// The names of the feeds without a cached file.
        missing: Vec<String>,
    },

    /// The server could not be reached, or the connection failed before a response arrived.
    #[error("feed {feed}: request to {url} failed: {detail}")]
    Transport {
        /// The feed.
        feed: String,
        /// The URL, redacted.
        url: String,
        /// What the HTTP client said.
        detail: String,
    },

    /// The server answered with a status other than 200 or 304.
    #[error("feed {feed}: {url} answered HTTP {status}")]
    HttpStatus {
        /// The feed.
        feed: String,
        /// The URL, redacted.
        url: String,
        /// The HTTP status code.
        status: u16,
    },

    /// The server answered 304 Not Modified although no cached copy was offered to it.
    #[error(
        "feed {feed}: {url} answered 304 Not Modified to a request that offered no cached copy"
    )]
    UnexpectedNotModified {
        /// The feed.
        feed: String,
        /// The URL, redacted.
        url: String,
    },

    /// The body is, or announced itself as, larger than the configured cap.
    #[error("feed {feed}: {url} sends more than the limit of {limit} bytes{}", declared.map(|size| format!(" (Content-Length {size})")).unwrap_or_default())]
    TooLarge {
        /// The feed.
        feed: String,
        /// The URL, redacted.
        url: String,
        /// The cap in bytes.
        limit: u64,
        /// The size the server declared, when it declared one.
        declared: Option<u64>,
    },

    /// Reading the body failed part way: the connection dropped, stalled past the read timeout,
    /// or ended before the declared length.
    #[error("feed {feed}: download from {url} broke off after {received} bytes: {source}")]
    BodyRead {
        /// The feed.
        feed: String,
        /// The URL, redacted.
        url: String,
        /// Bytes received before the failure.
        received: u64,
        /// What the connection said.
        source: std::io::Error,
    },

    /// The body ended cleanly but shorter than its Content-Length.
    #[error("feed {feed}: download from {url} is truncated: {received} bytes of {expected}")]
    Truncated {
        /// The feed.
        feed: String,
        /// The URL, redacted.
        url: String,
        /// Bytes received.
        received: u64,
        /// The Content-Length.
        expected: u64,
    },

    /// The downloaded file is not what its kind promises (not a zip, not complete JSON, …).
    #[error("feed {feed}: download from {url} is not a valid {kind}: {detail}")]
    Corrupt {
        /// The feed.
        feed: String,
        /// The URL, redacted.
        url: String,
        /// The kind of file expected, in words.
        kind: &'static str,
        /// What the check found.
        detail: String,
    },

    /// A file in the cache folder could not be written or renamed.
    #[error("feed {feed}: failed to write {path}: {source}")]
    Write {
        /// The feed.
        feed: String,
        /// The file written.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}
