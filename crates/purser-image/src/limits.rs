//! Resource limits that keep a hostile image from exhausting memory, disk or time.

use serde::{Deserialize, Serialize};

const GIB: u64 = 1024 * 1024 * 1024;
const MIB: u64 = 1024 * 1024;

/// Limits applied while opening an image and walking its layers.
///
/// A layer that exceeds a limit fails with an error naming the layer and the limit; this is how
/// decompression bombs stop. Per-file read limits are the caller's (see
/// [`LayerEntry::read_contents`](crate::LayerEntry::read_contents)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most bytes one layer may decompress to, counting everything after the tar end marker too.
    /// Default: 32 GiB.
    pub max_layer_uncompressed_bytes: u64,
    /// Most tar entries one layer may hold (extension headers are not counted). Default:
    /// 2,000,000.
    pub max_entries_per_layer: u64,
    /// Most bytes read for one metadata document: an OCI index, manifest or config, a docker
    /// `manifest.json`, or a blob returned by [`Image::blob`](crate::Image::blob). Larger
    /// documents are refused, never read in part. Default: 16 MiB.
    pub max_metadata_bytes: u64,
    /// Longest path or link target, in bytes as stored in the archive. Longer entries are
    /// skipped and recorded as anomalies. Default: 4096; values over 1 MiB act as 1 MiB.
    pub max_path_bytes: usize,
    /// Most bytes a whole-archive compressed input (`docker save | gzip`) may decompress to in
    /// the private temporary file. Default: 64 GiB.
    pub max_archive_uncompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layer_uncompressed_bytes: 32 * GIB,
            max_entries_per_layer: 2_000_000,
            max_metadata_bytes: 16 * MIB,
            max_path_bytes: 4096,
            max_archive_uncompressed_bytes: 64 * GIB,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_values() {
        let limits = Limits::default();
        assert_eq!(limits.max_layer_uncompressed_bytes, 34_359_738_368);
        assert_eq!(limits.max_entries_per_layer, 2_000_000);
        assert_eq!(limits.max_metadata_bytes, 16_777_216);
        assert_eq!(limits.max_path_bytes, 4096);
        assert_eq!(limits.max_archive_uncompressed_bytes, 68_719_476_736);
    }
}
