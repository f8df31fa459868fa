//! Streams a response body into a temporary file beside the cache and checks it.

use std::io::{ErrorKind, Read, Write};
use std::path::Path;

use tempfile::NamedTempFile;

use crate::cache::PARTIAL_SUFFIX;
use crate::config::Feed;
use crate::error::FeedError;
use crate::http::Body;
use crate::progress::Progress;
use crate::redact::redact_url;
use crate::verify::check_download;

/// Bytes read from the connection per write to disk and per progress report.
const CHUNK_SIZE: usize = 64 * 1024;

/// A complete, checked download not yet renamed into place; dropping it deletes the file.
pub(crate) struct Download {
    /// The temporary file, in the cache folder so the final rename stays on one file system.
    pub file: NamedTempFile,
    /// Its size.
    pub bytes: u64,
}

/// Writes `body` to a temporary file in `cache_dir`, enforcing `limit`, and checks the result
/// against the Content-Length and the feed's kind. On any error the temporary file is deleted.
///
/// # Errors
///
/// [`FeedError::TooLarge`], [`FeedError::BodyRead`], [`FeedError::Truncated`],
/// [`FeedError::Corrupt`], or [`FeedError::Write`] when the disk refuses.
pub(crate) fn download(
    feed: &Feed,
    body: Body,
    cache_dir: &Path,
    limit: u64,
    progress: &mut dyn Progress,
) -> Result<Download, FeedError> {
    let url = redact_url(&feed.url);
    if let Some(declared) = body.content_length.filter(|&declared| declared > limit) {
        return Err(FeedError::TooLarge {
            feed: feed.name.clone(),
            url,
            limit,
            declared: Some(declared),
        });
    }

    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{}.", feed.name))
        .suffix(PARTIAL_SUFFIX)
        .tempfile_in(cache_dir)
        .map_err(|source| write_error(feed, cache_dir, source))?;

    let bytes = copy_body(feed, &url, body, &mut file, limit, progress)?;

    file.as_file()
        .sync_all()
        .map_err(|source| write_error(feed, file.path(), source))?;
    check_download(&feed.kind, file.as_file_mut()).map_err(|detail| FeedError::Corrupt {
        feed: feed.name.clone(),
        url,
        kind: feed.kind.description(),
        detail,
    })?;
    Ok(Download { file, bytes })
}

/// Copies the body to `file` in chunks, reporting progress; returns the bytes written.
fn copy_body(
    feed: &Feed,
    url: &str,
    body: Body,
    file: &mut NamedTempFile,
    limit: u64,
    progress: &mut dyn Progress,
) -> Result<u64, FeedError> {
    // One byte over the limit is enough to know the body is too large.
    let mut reader = body.reader.take(limit.saturating_add(1));
    let mut buffer = vec![0_u8; CHUNK_SIZE];
    let mut received: u64 = 0;

    loop {
        let count = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => count,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(FeedError::BodyRead {
                    feed: feed.name.clone(),
                    url: url.to_owned(),
                    received,
                    source,
                })
            }
        };

        received += count as u64;
        if received > limit {
            return Err(FeedError::TooLarge {
                feed: feed.name.clone(),
                url: url.to_owned(),
                limit,
                declared: body.content_length,
            });
        }
        file.write_all(&buffer[..count])
            .map_err(|source| write_error(feed, file.path(), source))?;
        progress.advanced(&feed.name, received, body.content_length);
    }

    match body.content_length {
        Some(expected) if expected != received => Err(FeedError::Truncated {
            feed: feed.name.clone(),
            url: url.to_owned(),
            received,
            expected,
        }),
        _ => Ok(received),
    }
}

fn write_error(feed: &Feed, path: &Path, source: std::io::Error) -> FeedError {
    FeedError::Write {
        feed: feed.name.clone(),
        path: path.to_owned(),
        source,
    }
}
