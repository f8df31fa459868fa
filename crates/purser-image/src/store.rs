//! Access to the files of an image by relative name, whether they lie in a memory-mapped tar
//! archive or in a directory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::archive_index::{index_archive, Span};
use crate::blob::BlobBytes;
use crate::entry_path::normalise_str;
use crate::error::ImageError;
use crate::mapped::MappedFile;

/// A memory-mapped tar archive and its index.
pub(crate) struct ArchiveStore {
    map: MappedFile,
    files: HashMap<String, Span>,
    /// Keeps the private temporary file of a decompressed archive open; it is deleted when
    /// closed (it was unlinked at creation).
    _temporary: Option<File>,
}

impl ArchiveStore {
    /// Indexes the mapped archive; `temporary` is the file behind the map when the input had
    /// to be decompressed first.
    pub(crate) fn new(
        map: MappedFile,
        temporary: Option<File>,
        path: &Path,
        limits: &crate::limits::Limits,
    ) -> Result<ArchiveStore, ImageError> {
        let files = index_archive(
            map.bytes(),
            path,
            limits.max_path_bytes,
            limits.max_entries_per_layer,
        )?;
        tracing::debug!(archive = %path.display(), files = files.len(), "indexed archive");
        Ok(ArchiveStore {
            map,
            files,
            _temporary: temporary,
        })
    }

    fn bytes(&self, name: &str) -> Option<&[u8]> {
        let span = self.files.get(name)?;
        // Spans were checked against the map's length when indexing.
        let start = span.offset as usize;
        self.map.bytes().get(start..start + span.length as usize)
    }
}

/// Where an image's files are.
pub(crate) enum Store {
    /// In a tar archive.
    Archive(ArchiveStore),
    /// Under a directory.
    Directory(PathBuf),
}

impl Store {
    /// Whether `name` exists (as a regular file, after links).
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.size(name).is_some()
    }

    /// The size of `name`, `None` when absent.
    pub(crate) fn size(&self, name: &str) -> Option<u64> {
        match self {
            Store::Archive(archive) => archive.files.get(name).map(|span| span.length),
            Store::Directory(root) => {
                let metadata = std::fs::metadata(directory_path(root, name)?).ok()?;
                metadata.is_file().then_some(metadata.len())
            }
        }
    }

    /// Reads all of `name` if it is at most `limit` bytes; `None` when absent.
    ///
    /// `what` names the document in errors.
    pub(crate) fn read_limited(
        &self,
        name: &str,
        limit: u64,
        what: &str,
    ) -> Result<Option<Vec<u8>>, ImageError> {
        let Some(size) = self.size(name) else {
            return Ok(None);
        };
        if size > limit {
            return Err(ImageError::MetadataTooLarge {
                what: what.to_owned(),
                size,
                limit,
            });
        }
        match self {
            Store::Archive(archive) => Ok(archive.bytes(name).map(<[u8]>::to_vec)),
            Store::Directory(root) => {
                let Some(path) = directory_path(root, name) else {
                    return Ok(None);
                };
                let mut bytes = Vec::with_capacity(size as usize);
                let read = File::open(&path).and_then(|file| {
                    // The file may have grown since it was measured; never read past the limit.
                    file.take(limit + 1).read_to_end(&mut bytes)
                });
                match read {
                    Ok(count) if count as u64 > limit => Err(ImageError::MetadataTooLarge {
                        what: what.to_owned(),
                        size: count as u64,
                        limit,
                    }),
                    Ok(_) => Ok(Some(bytes)),
                    Err(cause) => Err(ImageError::Io { path, cause }),
                }
            }
        }
    }

    /// The bytes of `name` without copying: a slice of the archive map, or a map of the file.
    /// `None` when absent.
    pub(crate) fn open_blob(&self, name: &str) -> Result<Option<BlobBytes<'_>>, ImageError> {
        match self {
            Store::Archive(archive) => Ok(archive.bytes(name).map(BlobBytes::Borrowed)),
            Store::Directory(root) => {
                let Some(path) = directory_path(root, name) else {
                    return Ok(None);
                };
                match MappedFile::open(&path) {
                    Ok(map) => Ok(Some(BlobBytes::Mapped(map))),
                    Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(cause) => Err(ImageError::Io { path, cause }),
                }
            }
        }
    }

    /// Up to the first `count` bytes of `name` (for magic-byte checks); empty when absent.
    pub(crate) fn head(&self, name: &str, count: usize) -> Result<Vec<u8>, ImageError> {
        match self {
            Store::Archive(archive) => {
                let bytes = archive.bytes(name).unwrap_or_default();
                Ok(bytes[..bytes.len().min(count)].to_vec())
            }
            Store::Directory(root) => {
                let Some(path) = directory_path(root, name) else {
                    return Ok(Vec::new());
                };
                let mut head = Vec::with_capacity(count);
                File::open(&path)
                    .and_then(|file| file.take(count as u64).read_to_end(&mut head))
                    .map_err(|cause| ImageError::Io { path, cause })?;
                Ok(head)
            }
        }
    }
}

/// `root/name`, or `None` when `name` would leave the root (absolute or `..` components).
fn directory_path(root: &Path, name: &str) -> Option<PathBuf> {
    let normalised = normalise_str(name);
    if normalised.absolute || normalised.clamped || name.split('/').any(|c| c == "..") {
        return None;
    }
    Some(root.join(normalised.path))
}

/// The location of a blob in an OCI layout: `blobs/<algorithm>/<hex>`.
pub(crate) fn blob_location(digest: &crate::digest::Digest) -> String {
    format!("blobs/{}/{}", digest.algorithm(), digest.hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_store_reads_within_limits_and_never_leaves_the_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("small"), b"12345").expect("write");
        let store = Store::Directory(dir.path().to_path_buf());

        assert_eq!(store.size("small"), Some(5));
        assert!(!store.contains("missing"));
        assert!(!store.contains("../small"));
        assert!(!store.contains("/etc/passwd"));
        assert_eq!(
            store.read_limited("small", 5, "small").expect("read"),
            Some(b"12345".to_vec())
        );
        let error = store
            .read_limited("small", 4, "doc")
            .expect_err("too large");
        assert_eq!(
            error.to_string(),
            "doc is 5 bytes, over the max_metadata_bytes limit of 4"
        );
        assert_eq!(store.head("small", 2).expect("head"), b"12");
        let blob = store.open_blob("small").expect("open").expect("present");
        assert_eq!(blob.as_slice(), b"12345");
        assert!(store.open_blob("missing").expect("open").is_none());
    }
}
