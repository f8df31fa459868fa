//! Building the layer descriptors of an image from its manifest and config.

use crate::compression::Compression;
use crate::config::ImageConfig;
use crate::descriptor::{layer_history, LayerDescriptor};
use crate::digest::Digest;
use crate::error::{ImageError, LayerName};
use crate::store::Store;

/// How to get a layer's blob digest.
pub(crate) enum BlobDigest {
    /// The manifest or the blob's name states it.
    Known(Digest),
    /// Unknown; when the blob turns out uncompressed it is by definition the diff ID (legacy
    /// docker archives store layers uncompressed under non-digest names).
    DiffIdIfUncompressed,
}

/// One layer as the manifest lists it.
pub(crate) struct ListedLayer {
    /// Where its blob is in the store.
    pub location: String,
    /// Its blob digest.
    pub digest: BlobDigest,
    /// Media type, when the manifest gives one.
    pub media_type: Option<String>,
}

/// Describes each listed layer: pairs it with its diff ID and history, checks the blob exists,
/// and decides its compression from media type and magic bytes.
pub(crate) fn describe_layers(
    store: &Store,
    image_path: &std::path::Path,
    listed: Vec<ListedLayer>,
    config: &ImageConfig,
    config_what: &str,
) -> Result<(Vec<LayerDescriptor>, Vec<String>), ImageError> {
    let diff_ids = &config.rootfs.diff_ids;
    if diff_ids.len() != listed.len() {
        return Err(ImageError::InvalidMetadata {
            what: config_what.to_owned(),
            reason: format!(
                "it lists {} diff IDs but the manifest has {} layers",
                diff_ids.len(),
                listed.len()
            ),
        });
    }
    let history = layer_history(config, listed.len());

    let mut descriptors = Vec::with_capacity(listed.len());
    let mut locations = Vec::with_capacity(listed.len());
    for (index, ((layer, diff_id), (created_by, comment))) in
        listed.into_iter().zip(diff_ids).zip(history).enumerate()
    {
        let known_digest = match &layer.digest {
            BlobDigest::Known(digest) => Some(digest.clone()),
            BlobDigest::DiffIdIfUncompressed => None,
        };
        let name = LayerName {
            index,
            digest: known_digest.clone().or_else(|| Some(diff_id.clone())),
        };
        let Some(size) = store.size(&layer.location) else {
            return Err(ImageError::MissingBlob {
                image: image_path.to_path_buf(),
                what: name.to_string(),
                location: layer.location,
            });
        };

        let head = store.head(&layer.location, 4)?;
        let media_type_given = layer.media_type.clone().unwrap_or_default();
        let compression = Compression::detect(&media_type_given, &head, &name);
        let media_type = layer
            .media_type
            .unwrap_or_else(|| inferred_media_type(compression).to_owned());
        let digest = match (known_digest, compression) {
            (Some(digest), _) => Some(digest),
            (None, Compression::None) => Some(diff_id.clone()),
            (None, _) => None,
        };

        descriptors.push(LayerDescriptor {
            index,
            digest,
            diff_id: Some(diff_id.clone()),
            media_type,
            compression,
            compressed_size: size,
            created_by,
            history_comment: comment,
        });
        locations.push(layer.location);
    }
    Ok((descriptors, locations))
}

/// The media type Docker would give a layer of this compression.
fn inferred_media_type(compression: Compression) -> &'static str {
    match compression {
        Compression::None => "application/vnd.docker.image.rootfs.diff.tar",
        Compression::Gzip => "application/vnd.docker.image.rootfs.diff.tar.gzip",
        Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_must_agree_and_blobs_must_exist() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("layer.tar"), b"plain tar bytes").expect("write");
        std::fs::write(dir.path().join("layer.gz"), [0x1f, 0x8b, 8, 0]).expect("write");
        let store = Store::Directory(dir.path().to_path_buf());
        let diff = Digest::sha256(b"diff");
        let config = ImageConfig {
            rootfs: crate::config::RootFs {
                kind: "layers".into(),
                diff_ids: vec![diff.clone(), diff.clone()],
            },
            ..ImageConfig::default()
        };
        let listed = |name: &str| ListedLayer {
            location: name.to_owned(),
            digest: BlobDigest::DiffIdIfUncompressed,
            media_type: None,
        };

        let (layers, locations) = describe_layers(
            &store,
            dir.path(),
            vec![listed("layer.tar"), listed("layer.gz")],
            &config,
            "config",
        )
        .expect("describe");
        assert_eq!(locations, ["layer.tar", "layer.gz"]);
        assert_eq!(layers[0].digest, Some(diff.clone()));
        assert_eq!(layers[0].compression, Compression::None);
        assert_eq!(
            layers[0].media_type,
            "application/vnd.docker.image.rootfs.diff.tar"
        );
        assert_eq!(layers[1].digest, None);
        assert_eq!(layers[1].compression, Compression::Gzip);
        assert_eq!(layers[1].compressed_size, 4);

        let error = describe_layers(
            &store,
            dir.path(),
            vec![listed("layer.tar")],
            &config,
            "config x",
        )
        .expect_err("count mismatch");
        assert_eq!(
            error.to_string(),
            "invalid config x: it lists 2 diff IDs but the manifest has 1 layers"
        );

        let error = describe_layers(
            &store,
            dir.path(),
            vec![listed("layer.tar"), listed("gone")],
            &config,
            "config",
        )
        .expect_err("missing blob");
        assert!(
            error
                .to_string()
                .contains("is missing: no gone in the image"),
            "{error}"
        );
    }
}
