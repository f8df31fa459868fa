//! Deterministic layer and archive compression.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::GzBuilder;

/// The gzip level used everywhere: zlib's default trade-off.
const GZIP_LEVEL: u32 = 6;

/// The zstd level used everywhere: zstd's default.
const ZSTD_LEVEL: i32 = 3;

/// How layer blobs are compressed in an OCI layout.
///
/// Both compressors are configured so that equal input gives equal output on every machine:
/// gzip with header mtime 0, no file name and OS byte 255 ("unknown") at level 6; zstd at
/// level 3, single-threaded, one frame with the content size in its header. zlib-rs and the
/// bundled libzstd are pinned by `Cargo.lock`, so their output does not drift either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// Layers stored as plain tar (`application/vnd.oci.image.layer.v1.tar`).
    None,
    /// Layers gzip-compressed (`application/vnd.oci.image.layer.v1.tar+gzip`).
    Gzip,
    /// Layers zstd-compressed (`application/vnd.oci.image.layer.v1.tar+zstd`).
    Zstd,
}

impl Compression {
    /// The OCI media type of a layer compressed this way.
    #[must_use]
    pub fn layer_media_type(self) -> &'static str {
        match self {
            Self::None => "application/vnd.oci.image.layer.v1.tar",
            Self::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
            Self::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        }
    }

    /// Compresses `data`; [`Compression::None`] returns a copy.
    ///
    /// # Panics
    ///
    /// Never: both encoders write into a growable buffer at a valid level.
    #[must_use]
    pub fn compress(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::None => data.to_vec(),
            Self::Gzip => {
                let mut encoder = gzip_encoder(Vec::with_capacity(data.len() / 3));
                encoder
                    .write_all(data)
                    .expect("gzip into a Vec<u8> cannot fail");
                encoder.finish().expect("gzip into a Vec<u8> cannot fail")
            }
            Self::Zstd => zstd::bulk::compress(data, ZSTD_LEVEL)
                .expect("zstd at a valid level into a growable buffer cannot fail"),
        }
    }
}

/// A gzip stream writer with a fixed header: mtime 0, no name, no comment, OS 255.
pub(crate) fn gzip_encoder<W: Write>(out: W) -> GzEncoder<W> {
    GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(out, flate2::Compression::new(GZIP_LEVEL))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn gzip_header_has_no_time_or_name() {
        let compressed = Compression::Gzip.compress(b"hello hello hello");
        assert_eq!(
            &compressed[..4],
            &[0x1f, 0x8b, 8, 0],
            "magic, deflate, no flags"
        );
        assert_eq!(&compressed[4..8], &[0, 0, 0, 0], "mtime 0");
        assert_eq!(compressed[9], 255, "os unknown");

        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .read_to_end(&mut plain)
            .expect("valid gzip");
        assert_eq!(plain, b"hello hello hello");
    }

    #[test]
    fn zstd_round_trips_and_is_repeatable() {
        let data = vec![42_u8; 100_000];
        let first = Compression::Zstd.compress(&data);
        assert_eq!(first, Compression::Zstd.compress(&data));
        assert_eq!(&first[..4], &[0x28, 0xb5, 0x2f, 0xfd], "zstd magic");
        let plain = zstd::stream::decode_all(first.as_slice()).expect("valid zstd");
        assert_eq!(plain, data);
    }

    #[test]
    fn none_is_identity() {
        assert_eq!(Compression::None.compress(b"abc"), b"abc");
    }
}
