//! Blob bytes (borrowed from an archive's map or a blob file's own map) and a zero-copy
//! cursor over them that hashes what it hands out.

use std::io::{self, BufRead, Read};

use sha2::{Digest as _, Sha256};

use crate::digest::Digest;
use crate::mapped::MappedFile;

/// The bytes of one blob.
pub(crate) enum BlobBytes<'a> {
    /// A slice of a memory-mapped archive.
    Borrowed(&'a [u8]),
    /// A memory-mapped blob file of a layout directory.
    Mapped(MappedFile),
}

impl BlobBytes<'_> {
    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            BlobBytes::Borrowed(bytes) => bytes,
            BlobBytes::Mapped(map) => map.bytes(),
        }
    }
}

/// Reads blob bytes in place (`BufRead::fill_buf` returns the rest of the blob) and feeds
/// every consumed byte to a sha256.
pub(crate) struct BlobCursor<'a> {
    bytes: BlobBytes<'a>,
    position: usize,
    hasher: Sha256,
}

impl<'a> BlobCursor<'a> {
    /// A cursor at the start of `bytes`.
    pub(crate) fn new(bytes: BlobBytes<'a>) -> BlobCursor<'a> {
        BlobCursor {
            bytes,
            position: 0,
            hasher: Sha256::new(),
        }
    }

    /// Hashes whatever was not consumed (bytes a decompressor left after its last frame
    /// still belong to the blob) and returns the blob's digest.
    pub(crate) fn finish(mut self) -> Digest {
        let rest = &self.bytes.as_slice()[self.position..];
        self.hasher.update(rest);
        Digest::from_hasher(self.hasher)
    }
}

impl BufRead for BlobCursor<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        Ok(&self.bytes.as_slice()[self.position..])
    }

    fn consume(&mut self, amount: usize) {
        let bytes = self.bytes.as_slice();
        let end = (self.position + amount).min(bytes.len());
        self.hasher.update(&bytes[self.position..end]);
        self.position = end;
    }
}

impl Read for BlobCursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(buf.len());
        buf[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_consumed_and_remaining_bytes() {
        let data = b"some blob bytes";
        let mut cursor = BlobCursor::new(BlobBytes::Borrowed(data));
        let mut buf = [0u8; 4];
        assert_eq!(cursor.read(&mut buf).expect("read"), 4);
        assert_eq!(&buf, b"some");
        assert_eq!(cursor.fill_buf().expect("fill"), b" blob bytes");
        cursor.consume(100);
        assert!(cursor.fill_buf().expect("fill").is_empty());
        assert_eq!(cursor.finish(), Digest::sha256(data));

        let untouched = BlobCursor::new(BlobBytes::Borrowed(data));
        assert_eq!(untouched.finish(), Digest::sha256(data));
    }
}
