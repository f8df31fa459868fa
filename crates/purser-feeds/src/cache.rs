//! The cache folder's layout: one file per feed, the state file, and partial downloads.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::config::Feed;
use crate::error::FeedError;

/// The suffix of temporary files that a download or state write has not yet renamed into place.
pub(crate) const PARTIAL_SUFFIX: &str = ".part";

/// A partial file untouched this long belongs to a sync that was killed: a running download
/// writes at least once per read timeout.
const STALE_PARTIAL_AGE: Duration = Duration::from_secs(60 * 60);

/// Where a feed's file lives: `<cache>/<name>.<extension>`.
pub(crate) fn feed_path(cache_dir: &Path, feed: &Feed) -> PathBuf {
    cache_dir.join(format!("{}.{}", feed.name, feed.kind.file_extension()))
}

/// Creates the cache folder if needed.
///
/// # Errors
///
/// [`FeedError::CacheDir`] when it cannot be created.
pub(crate) fn ensure_cache_dir(cache_dir: &Path) -> Result<(), FeedError> {
    std::fs::create_dir_all(cache_dir).map_err(|source| FeedError::CacheDir {
        path: cache_dir.to_owned(),
        source,
    })
}

/// Removes partial files left by a sync that was killed before it could clean up. Files of a
/// sync running right now are younger than [`STALE_PARTIAL_AGE`] and are left alone.
pub(crate) fn remove_stale_partials(cache_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(cache_dir) else {
        return;
    };

    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') && name.ends_with(PARTIAL_SUFFIX)) {
            continue;
        }

        let age = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok());
        if age.is_some_and(|age| age >= STALE_PARTIAL_AGE) {
            let path = entry.path();
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::debug!(
                    path = %path.display(),
                    "removed partial download left by an interrupted sync"
                ),
                Err(error) => tracing::debug!(
                    path = %path.display(),
                    %error,
                    "cannot remove stale partial download"
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_partial_files_are_kept() {
        let cache = tempfile::tempdir().unwrap();
        let partial = cache.path().join(".osv-pypi.abc.part");
        std::fs::write(&partial, b"half").unwrap();

        remove_stale_partials(cache.path());

        assert!(partial.exists(), "a running sync may still be writing it");
    }

    #[test]
    fn old_partial_files_are_removed_and_others_kept() {
        let cache = tempfile::tempdir().unwrap();
        let partial = cache.path().join(".osv-pypi.abc.part");
        let feed_file = cache.path().join("osv-pypi.zip");
        std::fs::write(&partial, b"half").unwrap();
        std::fs::write(&feed_file, b"whole").unwrap();
        let old = SystemTime::now() - 2 * STALE_PARTIAL_AGE;
        for path in [&partial, &feed_file] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }

        remove_stale_partials(cache.path());

        assert!(!partial.exists());
        assert!(feed_file.exists());
    }
}
