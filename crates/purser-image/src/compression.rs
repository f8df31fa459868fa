//! Layer compression, decided by media type and magic bytes (magic wins).

use std::fmt;

use serde::Serialize;

/// gzip's magic bytes (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// zstd's frame magic number, little-endian 0xFD2FB528 (RFC 8878).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// How a layer blob is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// A plain tar.
    None,
    /// gzip, possibly several members.
    Gzip,
    /// zstd, possibly several frames.
    Zstd,
}

impl Compression {
    /// What a layer media type says, `None` when it does not say (unknown media type).
    ///
    /// Covers OCI `application/vnd.oci.image.layer.v1.tar[+gzip|+zstd]` (and the
    /// non-distributable variants) and Docker `application/vnd.docker.image.rootfs.[foreign.]diff.tar[.gzip]`.
    pub fn from_media_type(media_type: &str) -> Option<Compression> {
        if media_type.ends_with("+gzip") || media_type.ends_with(".tar.gzip") {
            Some(Compression::Gzip)
        } else if media_type.ends_with("+zstd") {
            Some(Compression::Zstd)
        } else if media_type.ends_with(".tar") {
            Some(Compression::None)
        } else {
            None
        }
    }

    /// What the first bytes of a blob say: gzip, zstd, or otherwise uncompressed.
    pub fn from_magic(head: &[u8]) -> Compression {
        if head.starts_with(&GZIP_MAGIC) {
            Compression::Gzip
        } else if head.starts_with(&ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// Decides from both; the magic bytes win, and a disagreement is logged at debug level
    /// naming `what`.
    pub(crate) fn detect(media_type: &str, head: &[u8], what: &dyn fmt::Display) -> Compression {
        let by_magic = Compression::from_magic(head);
        match Compression::from_media_type(media_type) {
            Some(by_media_type) if by_media_type != by_magic => {
                tracing::debug!(
                    blob = %what,
                    media_type,
                    by_media_type = %by_media_type,
                    by_magic = %by_magic,
                    "media type and magic bytes disagree on compression; using the magic bytes"
                );
            }
            _ => {}
        }
        by_magic
    }

    /// `none`, `gzip` or `zstd`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        let cases = [
            (
                "application/vnd.oci.image.layer.v1.tar",
                Some(Compression::None),
            ),
            (
                "application/vnd.oci.image.layer.v1.tar+gzip",
                Some(Compression::Gzip),
            ),
            (
                "application/vnd.oci.image.layer.v1.tar+zstd",
                Some(Compression::Zstd),
            ),
            (
                "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                Some(Compression::Gzip),
            ),
            (
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                Some(Compression::Gzip),
            ),
            (
                "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                Some(Compression::Gzip),
            ),
            (
                "application/vnd.docker.image.rootfs.diff.tar",
                Some(Compression::None),
            ),
            ("application/octet-stream", None),
        ];
        for (media_type, expected) in cases {
            assert_eq!(
                Compression::from_media_type(media_type),
                expected,
                "{media_type}"
            );
        }
    }

    #[test]
    fn magic_wins_over_the_media_type() {
        let gzip_head = [0x1f, 0x8b, 8, 0];
        let zstd_head = [0x28, 0xb5, 0x2f, 0xfd, 0];
        let tar_head = b"etc/\0\0\0";
        let gzip_type = "application/vnd.oci.image.layer.v1.tar+gzip";
        let zstd_type = "application/vnd.oci.image.layer.v1.tar+zstd";

        assert_eq!(
            Compression::detect(gzip_type, &gzip_head, &"l"),
            Compression::Gzip
        );
        assert_eq!(
            Compression::detect(gzip_type, &zstd_head, &"l"),
            Compression::Zstd
        );
        assert_eq!(
            Compression::detect(zstd_type, tar_head, &"l"),
            Compression::None
        );
        assert_eq!(Compression::detect("", &gzip_head, &"l"), Compression::Gzip);
        assert_eq!(Compression::detect(gzip_type, &[], &"l"), Compression::None);
    }
}
