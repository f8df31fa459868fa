//! Progress reports while a feed's body downloads, so a caller can draw a bar.

/// Receives progress while feeds download.
///
/// Calls arrive on the thread that called [`crate::sync_with_progress`], in feed order. A feed
/// answered with 304 Not Modified, or skipped offline, gets no calls. A closure
/// `FnMut(&str, u64, Option<u64>)` is a `Progress` that sees only [`Progress::advanced`].
pub trait Progress {
    /// A feed's body starts; `total` is its Content-Length when the server sent one.
    fn started(&mut self, feed: &str, total: Option<u64>) {
        let _ = (feed, total);
    }

    /// `bytes_so_far` of the feed's body have been written to disk.
    fn advanced(&mut self, feed: &str, bytes_so_far: u64, total: Option<u64>);

    /// The feed's body has ended, successfully or not; its outcome is in the summary.
    fn finished(&mut self, feed: &str) {
        let _ = feed;
    }
}

impl<F: FnMut(&str, u64, Option<u64>)> Progress for F {
    fn advanced(&mut self, feed: &str, bytes_so_far: u64, total: Option<u64>) {
        self(feed, bytes_so_far, total);
    }
}

/// A [`Progress`] that ignores every report.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn advanced(&mut self, _feed: &str, _bytes_so_far: u64, _total: Option<u64>) {}
}
