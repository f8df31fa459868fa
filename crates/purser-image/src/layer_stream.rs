//! A layer's decompressed byte stream: decompression, the size limit that stops decompression
//! bombs, and sha256 of both the compressed blob and the decompressed stream, computed while
//! streaming.
//!
//! gzip uses flate2's multi-member decoder (a layer may hold several members). zstd uses the
//! zstd crate's streaming decoder, which reads every frame to the end of the blob and keeps
//! zstd's default window limit (128 MiB), so a frame asking for a larger window is refused
//! instead of allocating it.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

use crate::blob::{BlobBytes, BlobCursor};
use crate::compression::Compression;
use crate::digest::Digest;

/// The decompressor over a blob.
enum Decoder<'a> {
    Plain(BlobCursor<'a>),
    /// Boxed: the gzip state is several times larger than the others.
    Gzip(Box<flate2::bufread::MultiGzDecoder<BlobCursor<'a>>>),
    Zstd(zstd::stream::read::Decoder<'static, BlobCursor<'a>>),
}

impl Read for Decoder<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(cursor) => cursor.read(buf),
            Decoder::Gzip(decoder) => decoder.read(buf),
            Decoder::Zstd(decoder) => decoder.read(buf),
        }
    }
}

impl<'a> Decoder<'a> {
    fn into_cursor(self) -> BlobCursor<'a> {
        match self {
            Decoder::Plain(cursor) => cursor,
            Decoder::Gzip(decoder) => decoder.into_inner(),
            Decoder::Zstd(decoder) => decoder.finish(),
        }
    }
}

/// Digests of a fully read layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StreamDigests {
    /// sha256 of the blob as stored.
    pub blob: Digest,
    /// sha256 of the decompressed stream (the diff ID).
    pub diff: Digest,
}

/// The decompressed stream of one layer blob.
pub(crate) struct LayerStream<'a> {
    decoder: Decoder<'a>,
    /// `None` for uncompressed blobs, whose diff ID is the blob digest.
    diff_hasher: Option<Sha256>,
    offset: u64,
    limit: u64,
    limit_exceeded: bool,
}

impl<'a> LayerStream<'a> {
    /// Decompresses `bytes` as `compression`, failing once more than `limit` bytes come out.
    pub(crate) fn new(
        bytes: BlobBytes<'a>,
        compression: Compression,
        limit: u64,
    ) -> io::Result<LayerStream<'a>> {
        let cursor = BlobCursor::new(bytes);
        let (decoder, diff_hasher) = match compression {
            Compression::None => (Decoder::Plain(cursor), None),
            Compression::Gzip => (
                Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(cursor))),
                Some(Sha256::new()),
            ),
            Compression::Zstd => (
                Decoder::Zstd(zstd::stream::read::Decoder::with_buffer(cursor)?),
                Some(Sha256::new()),
            ),
        };
        Ok(LayerStream {
            decoder,
            diff_hasher,
            offset: 0,
            limit,
            limit_exceeded: false,
        })
    }

    /// Decompressed bytes delivered so far.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether reading stopped because the stream passed the limit.
    pub(crate) fn limit_exceeded(&self) -> bool {
        self.limit_exceeded
    }

    /// Reads and discards the rest of the stream (what follows the tar end marker belongs to
    /// the diff ID too).
    pub(crate) fn drain(&mut self) -> io::Result<u64> {
        io::copy(self, &mut io::sink())
    }

    /// The digests; call after the stream was read to its end.
    pub(crate) fn finish(self) -> StreamDigests {
        let blob = self.decoder.into_cursor().finish();
        let diff = match self.diff_hasher {
            Some(hasher) => Digest::from_hasher(hasher),
            None => blob.clone(),
        };
        StreamDigests { blob, diff }
    }
}

impl Read for LayerStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.limit_exceeded {
            return Err(limit_error());
        }

        // Ask for at most one byte past the limit, so passing it is seen without reading on.
        let allowed = self.limit.saturating_sub(self.offset).saturating_add(1);
        let wanted = buf
            .len()
            .min(usize::try_from(allowed).unwrap_or(usize::MAX));
        let count = self.decoder.read(&mut buf[..wanted]).map_err(|error| {
            // Decompressors word truncation variously ("incomplete deflate stream",
            // "incomplete frame"); report it one way.
            if error.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::from(io::ErrorKind::UnexpectedEof)
            } else {
                error
            }
        })?;

        self.offset += count as u64;
        if self.offset > self.limit {
            self.limit_exceeded = true;
            return Err(limit_error());
        }
        if let Some(hasher) = &mut self.diff_hasher {
            hasher.update(&buf[..count]);
        }
        Ok(count)
    }
}

fn limit_error() -> io::Error {
    io::Error::other("decompressed size exceeds max_layer_uncompressed_bytes")
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).expect("compress");
        encoder.finish().expect("finish")
    }

    fn read_all(stream: &mut LayerStream<'_>) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        stream.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn gzip_multi_member_and_digests() {
        let mut blob = gzip(b"first member ");
        blob.extend(gzip(b"second member"));
        let mut stream =
            LayerStream::new(BlobBytes::Borrowed(&blob), Compression::Gzip, 1 << 20).expect("new");
        assert_eq!(
            read_all(&mut stream).expect("read"),
            b"first member second member"
        );
        assert_eq!(stream.offset(), 26);
        let digests = stream.finish();
        assert_eq!(digests.blob, Digest::sha256(&blob));
        assert_eq!(digests.diff, Digest::sha256(b"first member second member"));
    }

    #[test]
    fn zstd_multi_frame() {
        let mut blob = zstd::encode_all(&b"frame one "[..], 3).expect("zstd");
        blob.extend(zstd::encode_all(&b"frame two"[..], 3).expect("zstd"));
        let mut stream =
            LayerStream::new(BlobBytes::Borrowed(&blob), Compression::Zstd, 1 << 20).expect("new");
        assert_eq!(read_all(&mut stream).expect("read"), b"frame one frame two");
        assert_eq!(stream.finish().blob, Digest::sha256(&blob));
    }

    #[test]
    fn plain_diff_is_the_blob_digest() {
        let mut stream =
            LayerStream::new(BlobBytes::Borrowed(b"plain"), Compression::None, 100).expect("new");
        stream.drain().expect("drain");
        let digests = stream.finish();
        assert_eq!(digests.blob, digests.diff);
        assert_eq!(digests.diff, Digest::sha256(b"plain"));
    }

    #[test]
    fn the_limit_allows_exactly_limit_bytes() {
        let blob = gzip(&[0u8; 1000]);
        let mut exact =
            LayerStream::new(BlobBytes::Borrowed(&blob), Compression::Gzip, 1000).expect("new");
        assert_eq!(exact.drain().expect("drain"), 1000);

        let mut over =
            LayerStream::new(BlobBytes::Borrowed(&blob), Compression::Gzip, 999).expect("new");
        let error = over.drain().expect_err("over the limit");
        assert!(error.to_string().contains("max_layer_uncompressed_bytes"));
        assert!(over.limit_exceeded());
        assert_eq!(over.offset(), 1000);
    }

    #[test]
    fn truncated_gzip_fails() {
        let blob = gzip(&[7u8; 100_000]);
        let cut = &blob[..blob.len() / 2];
        let mut stream =
            LayerStream::new(BlobBytes::Borrowed(cut), Compression::Gzip, 1 << 20).expect("new");
        let error = stream.drain().expect_err("truncated");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof, "{error}");
    }
}
