//! What the image says about each layer.

use serde::Serialize;

use crate::compression::Compression;
use crate::config::ImageConfig;
use crate::digest::Digest;
use crate::error::LayerName;

/// One layer of an image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerDescriptor {
    /// Position in the image, base layer 0.
    pub index: usize,
    /// Digest of the blob as stored (compressed). For legacy docker archives, whose layers are
    /// stored uncompressed under non-digest names, this is the diff ID; `None` for root
    /// filesystems and for compressed layers stored under non-digest names.
    pub digest: Option<Digest>,
    /// Digest of the uncompressed tar, from the config's `rootfs.diff_ids` (`None` for root
    /// filesystems).
    pub diff_id: Option<Digest>,
    /// Media type as the manifest says; inferred from the magic bytes for docker archives
    /// that do not say; empty for root filesystems.
    pub media_type: String,
    /// Compression, decided by media type and magic bytes (magic wins).
    pub compression: Compression,
    /// Size of the blob as stored (0 for root filesystems).
    pub compressed_size: u64,
    /// `created_by` of the history entry that made this layer (entries with `empty_layer`
    /// skipped), when present and non-empty.
    pub created_by: Option<String>,
    /// `comment` of that history entry, when present and non-empty.
    pub history_comment: Option<String>,
}

impl LayerDescriptor {
    /// The name used in messages: `layer N (digest)`, with the blob digest, else the diff ID.
    pub fn name(&self) -> LayerName {
        LayerName {
            index: self.index,
            digest: self.digest.clone().or_else(|| self.diff_id.clone()),
        }
    }
}

/// `(created_by, comment)` for each of `layer_count` layers, from the history entries that
/// made a layer. Missing or mismatched history leaves `None`s.
pub(crate) fn layer_history(
    config: &ImageConfig,
    layer_count: usize,
) -> Vec<(Option<String>, Option<String>)> {
    let non_empty = |text: &Option<String>| text.clone().filter(|text| !text.is_empty());
    let mut history: Vec<_> = config
        .layer_history()
        .map(|entry| (non_empty(&entry.created_by), non_empty(&entry.comment)))
        .collect();

    if history.len() != layer_count && !config.history.is_empty() {
        tracing::debug!(
            history_entries = history.len(),
            layers = layer_count,
            "history does not match the layers one to one; matching them in order"
        );
    }
    history.resize(layer_count, (None, None));
    history
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HistoryEntry;

    fn step(created_by: &str, empty_layer: bool) -> HistoryEntry {
        HistoryEntry {
            created_by: Some(created_by.to_owned()),
            empty_layer,
            ..HistoryEntry::default()
        }
    }

    #[test]
    fn history_skips_empty_layer_entries() {
        let config = ImageConfig {
            history: vec![
                step("ADD rootfs.tar /", false),
                step("ENV A=b", true),
                step("RUN make", false),
            ],
            ..ImageConfig::default()
        };
        let history = layer_history(&config, 3);
        assert_eq!(history[0].0.as_deref(), Some("ADD rootfs.tar /"));
        assert_eq!(history[1].0.as_deref(), Some("RUN make"));
        assert_eq!(history[2], (None, None));
    }

    #[test]
    fn names_prefer_the_blob_digest() {
        let blob = Digest::sha256(b"blob");
        let diff = Digest::sha256(b"diff");
        let mut descriptor = LayerDescriptor {
            index: 1,
            digest: Some(blob.clone()),
            diff_id: Some(diff.clone()),
            media_type: String::new(),
            compression: Compression::Gzip,
            compressed_size: 4,
            created_by: None,
            history_comment: None,
        };
        assert_eq!(descriptor.name().digest, Some(blob));
        descriptor.digest = None;
        assert_eq!(descriptor.name().digest, Some(diff));
    }
}
