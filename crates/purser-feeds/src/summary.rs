//! What a sync did to each feed.

use std::path::PathBuf;

use crate::error::FeedError;
use crate::kind::FeedKind;

/// The result of one sync: one report per configured feed, in configuration order.
#[derive(Debug)]
pub struct SyncSummary {
    /// The reports.
    pub feeds: Vec<FeedReport>,
    /// Failures to save the state file after a download. They fail no feed (the new file is in
    /// place), but the next sync downloads those feeds in full instead of asking whether they
    /// changed.
    pub state_errors: Vec<FeedError>,
}

impl SyncSummary {
    /// The reports of feeds that failed.
    pub fn failures(&self) -> impl Iterator<Item = &FeedReport> {
        self.feeds
            .iter()
            .filter(|report| matches!(report.outcome, FeedOutcome::Failed(_)))
    }

    /// True when no feed failed.
    pub fn all_succeeded(&self) -> bool {
        self.failures().next().is_none()
    }

    /// Body bytes received over all feeds.
    pub fn bytes_downloaded(&self) -> u64 {
        self.feeds
            .iter()
            .map(|report| report.bytes_downloaded)
            .sum()
    }
}

/// What happened to one feed.
#[derive(Debug)]
pub struct FeedReport {
    /// The feed's name.
    pub name: String,
    /// How its file is read.
    pub kind: FeedKind,
    /// Where its file lives. After a failure this holds the previous download, if there was one.
    pub path: PathBuf,
    /// Body bytes received in this sync: the file's size when downloaded, else 0 (also after a
    /// failure part way).
    pub bytes_downloaded: u64,
    /// The outcome.
    pub outcome: FeedOutcome,
}

/// The outcome of one feed.
#[derive(Debug)]
#[non_exhaustive]
pub enum FeedOutcome {
    /// A new file was downloaded, checked and put in place.
    Downloaded,
    /// The server said the cached file is current; it was not touched.
    NotModified,
    /// Offline mode: the cached file was kept without asking the server whether it is current.
    UsedCached,
    /// The feed failed; any previous file and its state are untouched.
    Failed(FeedError),
}

impl FeedOutcome {
    /// A short word for logs and tables: `downloaded`, `not modified`, `cached` or `failed`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Downloaded => "downloaded",
            Self::NotModified => "not modified",
            Self::UsedCached => "cached",
            Self::Failed(_) => "failed",
        }
    }
}
