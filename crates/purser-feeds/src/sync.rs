//! One sync: every configured feed checked, and downloaded when it changed.

use std::path::Path;

use crate::cache::{ensure_cache_dir, feed_path, remove_stale_partials};
use crate::config::{Feed, FeedConfig};
use crate::download::download;
use crate::error::FeedError;
use crate::http::{Answer, Fetcher, Validators};
use crate::progress::{NoProgress, Progress};
use crate::redact::redact_url;
use crate::state::{FeedState, SyncState};
use crate::summary::{FeedOutcome, FeedReport, SyncSummary};
use crate::validate::validate;

/// Brings every feed of `config` up to date in `cache_dir`, without progress reports.
///
/// See [`sync_with_progress`] for the contract.
///
/// # Errors
///
/// As [`sync_with_progress`].
pub fn sync(config: &FeedConfig, cache_dir: &Path) -> Result<SyncSummary, FeedError> {
    sync_with_progress(config, cache_dir, &mut NoProgress)
}

/// Brings every feed of `config` up to date in `cache_dir`, reporting download progress.
///
/// Each feed's file is `<cache_dir>/<name>.<zip|json>`. A feed with a cached copy is asked for
/// with its ETag and Last-Modified, and a 304 leaves the file untouched. A new body is written
/// to a temporary file in `cache_dir`, checked against its Content-Length, the size cap and its
/// kind, and only then renamed over the old file, so the final name never holds a partial file.
/// A feed that fails keeps its previous file and state; the other feeds go on, and the summary
/// says which failed. The cache folder is created if needed.
///
/// With [`FeedConfig::offline`], no connection is made: every feed's cached file is reported as
/// [`FeedOutcome::UsedCached`].
///
/// Limitation: two syncs running on one cache folder at once each download every changed feed,
/// and the state file keeps whichever wrote last, so the next sync may download a feed again in
/// full; the feed files themselves are never mixed.
///
/// # Errors
///
/// Only when nothing can be attempted: [`FeedError::InvalidConfig`] for a feed name that is not
/// a plain unique file stem, a URL that is not `http(s)://` or an unusable proxy URL;
/// [`FeedError::OfflineMissing`] when offline and some feed has no cached file;
/// [`FeedError::CacheDir`] when the folder cannot be created. Per-feed errors are in the summary.
pub fn sync_with_progress(
    config: &FeedConfig,
    cache_dir: &Path,
    progress: &mut dyn Progress,
) -> Result<SyncSummary, FeedError> {
    validate(config)?;

    // Offline returns before a client exists, so no code path below can reach the network.
    if config.offline {
        return use_cached_only(config, cache_dir);
    }

    let fetcher = Fetcher::new(config)?;
    ensure_cache_dir(cache_dir)?;
    remove_stale_partials(cache_dir);
    let mut state = SyncState::load(cache_dir);

    let mut summary = SyncSummary {
        feeds: Vec::with_capacity(config.feeds.len()),
        state_errors: Vec::new(),
    };
    for feed in &config.feeds {
        let report = sync_feed(feed, config, cache_dir, &fetcher, &mut state, progress);
        summary.feeds.push(report.report);
        summary.state_errors.extend(report.state_error);
    }
    Ok(summary)
}

/// A feed's report, and the error of saving the state file after it, if that failed.
struct FeedSync {
    report: FeedReport,
    state_error: Option<FeedError>,
}

fn sync_feed(
    feed: &Feed,
    config: &FeedConfig,
    cache_dir: &Path,
    fetcher: &Fetcher,
    state: &mut SyncState,
    progress: &mut dyn Progress,
) -> FeedSync {
    let path = feed_path(cache_dir, feed);

    let (outcome, bytes_downloaded) =
        match fetch_feed(feed, config, cache_dir, fetcher, state, progress) {
            Ok(fetched) => fetched,
            Err(error) => (FeedOutcome::Failed(error), 0),
        };

    // The file is in place; a state file that cannot be saved only costs a full download later,
    // because validators are sent only when the recorded size matches the file.
    let state_error = match outcome {
        FeedOutcome::Downloaded => state.save(cache_dir, &feed.name).err(),
        _ => None,
    };

    match &outcome {
        FeedOutcome::Failed(error) => {
            tracing::info!(feed = %feed.name, %error, "feed failed; previous copy kept")
        }
        _ => tracing::info!(
            feed = %feed.name,
            url = %redact_url(&feed.url),
            outcome = outcome.label(),
            bytes = bytes_downloaded,
            path = %path.display(),
            "feed synced"
        ),
    }

    FeedSync {
        report: FeedReport {
            name: feed.name.clone(),
            kind: feed.kind.clone(),
            path,
            bytes_downloaded,
            outcome,
        },
        state_error,
    }
}

/// Asks the server, and downloads and renames the file into place when it changed.
fn fetch_feed(
    feed: &Feed,
    config: &FeedConfig,
    cache_dir: &Path,
    fetcher: &Fetcher,
    state: &mut SyncState,
    progress: &mut dyn Progress,
) -> Result<(FeedOutcome, u64), FeedError> {
    let path = feed_path(cache_dir, feed);
    let recorded = state
        .get(&feed.name)
        .filter(|recorded| still_describes(recorded, feed, &path));
    let body = match fetcher.get(feed, recorded.map(Validators::of))? {
        Answer::NotModified => return Ok((FeedOutcome::NotModified, 0)),
        Answer::Body(body) => body,
    };

    let etag = body.etag.clone();
    let last_modified = body.last_modified.clone();
    progress.started(&feed.name, body.content_length);
    let result = download(feed, body, cache_dir, config.max_bytes_per_feed, progress);
    progress.finished(&feed.name);
    let downloaded = result?;

    downloaded
        .file
        .persist(&path)
        .map_err(|error| FeedError::Write {
            feed: feed.name.clone(),
            path: path.clone(),
            source: error.error,
        })?;
    state.set(
        &feed.name,
        FeedState {
            url: feed.url.clone(),
            etag,
            last_modified,
            bytes: downloaded.bytes,
        },
    );
    Ok((FeedOutcome::Downloaded, downloaded.bytes))
}

/// True when the recorded validators belong to this URL and to the file now on disk.
fn still_describes(recorded: &FeedState, feed: &Feed, path: &Path) -> bool {
    let has_validators = recorded.etag.is_some() || recorded.last_modified.is_some();
    let file_matches = std::fs::metadata(path)
        .is_ok_and(|metadata| metadata.is_file() && metadata.len() == recorded.bytes);
    has_validators && recorded.url == feed.url && file_matches
}

/// Offline: reports every cached file, or fails naming the feeds that have none.
fn use_cached_only(config: &FeedConfig, cache_dir: &Path) -> Result<SyncSummary, FeedError> {
    let mut missing = Vec::new();
    let mut feeds = Vec::with_capacity(config.feeds.len());

    for feed in &config.feeds {
        let path = feed_path(cache_dir, feed);
        if !path.is_file() {
            missing.push(feed.name.clone());
            continue;
        }
        tracing::info!(
            feed = %feed.name,
            path = %path.display(),
            "offline: using cached feed without checking for updates"
        );
        feeds.push(FeedReport {
            name: feed.name.clone(),
            kind: feed.kind.clone(),
            path,
            bytes_downloaded: 0,
            outcome: FeedOutcome::UsedCached,
        });
    }

    if !missing.is_empty() {
        return Err(FeedError::OfflineMissing { missing });
    }
    Ok(SyncSummary {
        feeds,
        state_errors: Vec::new(),
    })
}
