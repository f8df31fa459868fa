//! One entry of a layer as a visitor sees it.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::Serialize;

use crate::error::WalkError;

/// What a layer entry is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EntryKind {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink {
        /// The raw target as stored (may be absolute or contain `..`).
        target: String,
    },
    /// A hard link.
    Hardlink {
        /// The normalised path of the link target in the image.
        target: String,
    },
    /// A `.wh.NAME` entry: deletes `DIR/NAME` (and everything below it) from lower layers.
    Whiteout {
        /// The normalised path of the deleted item.
        deleted: String,
    },
    /// A `.wh..wh..opq` entry: hides lower layers' contents of the directory.
    OpaqueDirectory {
        /// The normalised path of the directory (empty for the image root).
        directory: String,
    },
    /// A character or block device; never read.
    Device,
    /// A fifo; never read.
    Fifo,
}

/// Where an entry's contents come from.
pub(crate) enum Contents<'data, 'stream> {
    /// Nothing to read (not a regular file, or a hard link).
    Empty,
    /// Borrowed from a memory-mapped uncompressed layer.
    Mapped(&'data [u8]),
    /// Read from the layer stream, once.
    Stream {
        source: &'stream mut dyn ContentSource,
        consumed: bool,
    },
    /// A file of a root filesystem directory.
    File(&'stream Path),
    /// A sparse file, whose contents are not reassembled.
    Sparse,
}

/// The current entry's data in a layer stream.
pub(crate) trait ContentSource {
    /// Reads some of the entry's data; 0 at its end.
    fn read_contents(&mut self, buf: &mut [u8]) -> io::Result<usize>;
}

/// One entry of a layer, handed to the visitor of [`Image::walk_layer`](crate::Image::walk_layer).
///
/// `'data` is how long borrowed contents ([`LayerEntry::mapped_contents`]) stay valid: as long
/// as the [`Image`](crate::Image) for memory-mapped layers, so a caller may keep them after the
/// visitor returns. `'stream` is the visit itself.
pub struct LayerEntry<'data, 'stream> {
    pub(crate) path: String,
    pub(crate) kind: EntryKind,
    pub(crate) mode: u32,
    pub(crate) size: u64,
    pub(crate) uid: u64,
    pub(crate) gid: u64,
    pub(crate) contents: Contents<'data, 'stream>,
}

impl<'data> LayerEntry<'data, '_> {
    /// The normalised path: relative to the image root, no leading `/` or `./`, no `.` or
    /// `..` components (`..` is clamped at the root and recorded as an anomaly), `/`
    /// separators, never empty (the root itself is not visited).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the entry is.
    pub fn kind(&self) -> &EntryKind {
        &self.kind
    }

    /// Permission bits including setuid, setgid and sticky (the `0o7777` part).
    pub fn mode(&self) -> u32 {
        self.mode
    }

    /// Size of the file contents; 0 for anything but regular files (hard links included).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Owner's user ID.
    pub fn uid(&self) -> u64 {
        self.uid
    }

    /// Owner's group ID.
    pub fn gid(&self) -> u64 {
        self.gid
    }

    /// The contents when they can be borrowed without copying: a regular file in an
    /// uncompressed, memory-mapped layer. `None` otherwise; use [`read_contents`](Self::read_contents).
    pub fn mapped_contents(&self) -> Option<&'data [u8]> {
        match self.contents {
            Contents::Mapped(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Reads up to `max` bytes of the contents into `buf` (cleared first). Returns true when
    /// the whole file fit, false when it was cut at `max`. Non-regular entries read as empty.
    ///
    /// Streamed contents (compressed layers) can be read once per entry; mapped contents and
    /// root filesystem files any number of times.
    ///
    /// # Errors
    ///
    /// [`WalkError::Read`] when the layer is truncated or corrupt or the file cannot be read
    /// (the walk then fails with the layer error too), [`WalkError::AlreadyRead`] on a second
    /// read of streamed contents, [`WalkError::SparseContents`] for sparse files.
    pub fn read_contents(&mut self, buf: &mut Vec<u8>, max: u64) -> Result<bool, WalkError> {
        buf.clear();
        self.append_contents(buf, max)
    }

    /// Like [`read_contents`](Self::read_contents), but appends to `buf` instead of clearing it
    /// first, so a caller collecting several files into one buffer needs no second copy.
    ///
    /// # Errors
    ///
    /// As [`read_contents`](Self::read_contents).
    pub fn append_contents(&mut self, buf: &mut Vec<u8>, max: u64) -> Result<bool, WalkError> {
        let wanted = self.size.min(max);
        let read_error = |cause| WalkError::Read {
            path: self.path.clone(),
            cause,
        };

        match &mut self.contents {
            Contents::Empty => {}
            Contents::Mapped(bytes) => {
                // `wanted <= size == bytes.len()`, so the cast and the slice are in range.
                buf.extend_from_slice(&bytes[..wanted as usize]);
            }
            Contents::Stream { source, consumed } => {
                if *consumed {
                    return Err(WalkError::AlreadyRead {
                        path: self.path.clone(),
                    });
                }
                *consumed = true;
                read_bounded(&mut SourceReader(&mut **source), wanted, buf).map_err(read_error)?;
            }
            Contents::File(path) => read_file(path, wanted, buf).map_err(read_error)?,
            Contents::Sparse => {
                return Err(WalkError::SparseContents {
                    path: self.path.clone(),
                })
            }
        }
        Ok(self.size <= max)
    }
}

impl std::fmt::Debug for LayerEntry<'_, '_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LayerEntry")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("mode", &format_args!("{:o}", self.mode))
            .field("size", &self.size)
            .field("uid", &self.uid)
            .field("gid", &self.gid)
            .finish_non_exhaustive()
    }
}

/// `Read` over a [`ContentSource`].
struct SourceReader<'s>(&'s mut dyn ContentSource);

impl Read for SourceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read_contents(buf)
    }
}

/// Reads up to `wanted` bytes, growing `buf` as data arrives rather than trusting a size
/// field with an up-front allocation beyond 1 MiB.
fn read_bounded(reader: &mut dyn Read, wanted: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    // The whole file at once when it is of a sane size, so that reading it does not double the
    // buffer repeatedly; a header claiming more only costs this much before the data runs out.
    buf.reserve(wanted.min(64 * 1024 * 1024) as usize);
    reader.take(wanted).read_to_end(buf)?;
    Ok(())
}

/// Opens a root filesystem file without following a symlink swapped in since the walk saw it
/// and without blocking should it have become a fifo, checks it is still a regular file, and
/// reads up to `wanted` bytes.
fn read_file(path: &Path, wanted: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    let file = open_no_follow(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no longer a regular file",
        ));
    }
    read_bounded(&mut &file, wanted, buf)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    // Limitation: off Unix, root filesystem files are opened without O_NOFOLLOW; a symlink
    // swapped in during the walk by another process would be followed.
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Chunks {
        data: Vec<u8>,
        position: usize,
    }

    impl ContentSource for Chunks {
        fn read_contents(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let count = buf.len().min(3).min(self.data.len() - self.position);
            buf[..count].copy_from_slice(&self.data[self.position..self.position + count]);
            self.position += count;
            Ok(count)
        }
    }

    fn entry<'a>(size: u64, contents: Contents<'a, 'a>) -> LayerEntry<'a, 'a> {
        LayerEntry {
            path: "f".into(),
            kind: EntryKind::Regular,
            mode: 0o644,
            size,
            uid: 0,
            gid: 0,
            contents,
        }
    }

    #[test]
    fn mapped_contents_are_borrowed_and_rereadable() {
        let data = b"0123456789";
        let mut entry = entry(10, Contents::Mapped(data));
        assert_eq!(entry.mapped_contents(), Some(&data[..]));

        let mut buf = vec![1, 2, 3];
        assert!(!entry.read_contents(&mut buf, 4).expect("read"));
        assert_eq!(buf, b"0123");
        assert!(entry.read_contents(&mut buf, 10).expect("read"));
        assert_eq!(buf, data);
    }

    #[test]
    fn streamed_contents_are_read_once_and_bounded() {
        let mut source = Chunks {
            data: b"abcdefghij".to_vec(),
            position: 0,
        };
        let mut entry = entry(
            10,
            Contents::Stream {
                source: &mut source,
                consumed: false,
            },
        );
        assert_eq!(entry.mapped_contents(), None);

        let mut buf = Vec::new();
        assert!(!entry.read_contents(&mut buf, 7).expect("read"));
        assert_eq!(buf, b"abcdefg");
        let error = entry.read_contents(&mut buf, 7).expect_err("second read");
        assert!(matches!(error, WalkError::AlreadyRead { .. }));
    }

    #[test]
    fn sparse_and_empty_contents() {
        let mut buf = vec![9];
        let mut sparse = entry(4096, Contents::Sparse);
        assert!(matches!(
            sparse.read_contents(&mut buf, 10),
            Err(WalkError::SparseContents { .. })
        ));

        let mut empty = entry(0, Contents::Empty);
        assert!(empty.read_contents(&mut buf, 10).expect("empty"));
        assert!(buf.is_empty());
    }

    #[test]
    fn files_are_read_up_to_the_bound_and_fifos_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("file");
        std::fs::write(&path, b"file contents").expect("write");

        let mut file_entry = entry(13, Contents::File(&path));
        let mut buf = Vec::new();
        assert!(!file_entry.read_contents(&mut buf, 4).expect("read"));
        assert_eq!(buf, b"file");

        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&path, &link).expect("symlink");
        let mut link_entry = entry(13, Contents::File(&link));
        assert!(matches!(
            link_entry.read_contents(&mut buf, 100),
            Err(WalkError::Read { .. })
        ));
    }
}
