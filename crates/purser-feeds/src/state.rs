//! The state file: each feed's validators (ETag, Last-Modified) from its last download.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::FeedError;

/// The state file's name inside the cache folder.
pub const STATE_FILE_NAME: &str = "feeds-state.json";

/// The format version written; a file with another version is ignored (every feed is then
/// downloaded in full once).
const STATE_VERSION: u32 = 1;

/// What the last successful download of each feed left behind.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct SyncState {
    version: u32,
    feeds: BTreeMap<String, FeedState>,
}

/// One feed's validators, valid only for the URL and file size recorded with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FeedState {
    /// The URL the file came from; validators of another URL are never sent.
    pub url: String,
    /// The response's ETag, sent back as If-None-Match.
    pub etag: Option<String>,
    /// The response's Last-Modified, sent back as If-Modified-Since.
    pub last_modified: Option<String>,
    /// The cached file's size; a file of another size was changed behind our back.
    pub bytes: u64,
}

impl SyncState {
    /// Reads the state file of `cache_dir`; a missing, unreadable or foreign file gives an empty
    /// state, so the worst a damaged state file costs is one full download of each feed.
    pub(crate) fn load(cache_dir: &Path) -> Self {
        let path = state_path(cache_dir);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Self::fresh(),
            Err(error) => {
                tracing::warn!(
                    path = %path.display(),
                    %error,
                    "cannot read feed state file; every feed will be downloaded in full"
                );
                return Self::fresh();
            }
        };

        match serde_json::from_slice::<Self>(&text) {
            Ok(state) if state.version == STATE_VERSION => state,
            Ok(state) => {
                tracing::debug!(
                    path = %path.display(),
                    version = state.version,
                    "feed state file has another format version; ignoring it"
                );
                Self::fresh()
            }
            Err(error) => {
                tracing::warn!(
                    path = %path.display(),
                    %error,
                    "feed state file is not valid JSON; every feed will be downloaded in full"
                );
                Self::fresh()
            }
        }
    }

    /// The recorded state of one feed.
    pub(crate) fn get(&self, feed: &str) -> Option<&FeedState> {
        self.feeds.get(feed)
    }

    /// Records a feed's state after a successful download.
    pub(crate) fn set(&mut self, feed: &str, state: FeedState) {
        self.feeds.insert(feed.to_owned(), state);
    }

    /// Writes the state file through a temporary file and a rename, so a reader sees the old
    /// state or the new one, never half of it.
    ///
    /// # Errors
    ///
    /// [`FeedError::Write`], naming `feed`, when the file cannot be written or renamed.
    pub(crate) fn save(&self, cache_dir: &Path, feed: &str) -> Result<(), FeedError> {
        let path = state_path(cache_dir);
        let write_error = |source| FeedError::Write {
            feed: feed.to_owned(),
            path: path.clone(),
            source,
        };

        let text = serde_json::to_vec_pretty(self).map_err(|error| write_error(error.into()))?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".feeds-state.")
            .suffix(crate::cache::PARTIAL_SUFFIX)
            .tempfile_in(cache_dir)
            .map_err(write_error)?;
        temporary.write_all(&text).map_err(write_error)?;
        temporary.as_file().sync_all().map_err(write_error)?;
        temporary
            .persist(&path)
            .map_err(|error| write_error(error.error))?;
        Ok(())
    }

    fn fresh() -> Self {
        Self {
            version: STATE_VERSION,
            feeds: BTreeMap::new(),
        }
    }
}

fn state_path(cache_dir: &Path) -> PathBuf {
    cache_dir.join(STATE_FILE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FeedState {
        FeedState {
            url: "https://example.org/PyPI/all.zip".to_owned(),
            etag: Some("\"abc\"".to_owned()),
            last_modified: None,
            bytes: 42,
        }
    }

    #[test]
    fn saved_state_loads_back() {
        let cache = tempfile::tempdir().unwrap();
        let mut state = SyncState::load(cache.path());
        state.set("osv-pypi", sample());

        state.save(cache.path(), "osv-pypi").unwrap();

        assert_eq!(
            SyncState::load(cache.path()).get("osv-pypi"),
            Some(&sample())
        );
        let leftovers: Vec<_> = std::fs::read_dir(cache.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the state file remains");
    }

    #[test]
    fn damaged_state_file_reads_as_empty() {
        let cache = tempfile::tempdir().unwrap();
        std::fs::write(
            cache.path().join(STATE_FILE_NAME),
            b"{\"version\": 1, \"feeds\": ",
        )
        .unwrap();

        assert!(SyncState::load(cache.path()).get("osv-pypi").is_none());
    }

    #[test]
    fn other_format_version_reads_as_empty() {
        let cache = tempfile::tempdir().unwrap();
        let text = r#"{"version": 99, "feeds": {"osv-pypi": {"url": "u", "etag": null, "last_modified": null, "bytes": 1}}}"#;
        std::fs::write(cache.path().join(STATE_FILE_NAME), text).unwrap();

        assert!(SyncState::load(cache.path()).get("osv-pypi").is_none());
    }
}
