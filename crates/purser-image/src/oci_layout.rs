//! OCI image layouts (OCI image spec "Image Layout"): an `oci-layout` file, `index.json` and
//! content-addressed `blobs/<alg>/<hex>`, as a directory or inside a tar.

use std::path::Path;

use crate::config::ImageConfig;
use crate::error::ImageError;
use crate::image::ImageParts;
use crate::layer_list::{describe_layers, BlobDigest, ListedLayer};
use crate::limits::Limits;
use crate::oci_types::{Index, OciLayoutFile};
use crate::platform::Platform;
use crate::platform_select::select_manifest;
use crate::store::{blob_location, Store};
use crate::verified::{parse_json, BlobReader};

/// Reads the layout's metadata and picks the image for `platform` (host by default).
pub(crate) fn load_oci_layout(
    store: &Store,
    image_path: &Path,
    platform: Option<&Platform>,
    limits: &Limits,
) -> Result<ImageParts, ImageError> {
    let blobs = BlobReader {
        store,
        image_path,
        limits,
    };
    check_layout_version(&blobs)?;

    let index_what = format!("index.json in {}", image_path.display());
    let index_bytes = blobs
        .read_named("index.json")?
        .ok_or_else(|| ImageError::Unrecognised {
            path: image_path.to_path_buf(),
            reason: "an OCI image layout without index.json".to_owned(),
        })?;
    let index: Index = parse_json(&index_bytes, &index_what)?;
    if let Some(version) = index.schema_version.filter(|&version| version != 2) {
        return Err(ImageError::Unsupported {
            what: index_what,
            reason: format!("schema version {version} (only 2 is defined)"),
        });
    }

    let selected = select_manifest(&blobs, &index, platform)?;
    let manifest_digest = selected.descriptor.digest.clone();
    tracing::debug!(manifest = %manifest_digest, layers = selected.manifest.layers.len(), "selected manifest");

    let config_descriptor = &selected.manifest.config;
    let config_what = format!("config {}", config_descriptor.digest);
    let config_bytes = blobs.read(config_descriptor, "config")?;
    let config: ImageConfig = parse_json(&config_bytes, &config_what)?;

    let listed = selected
        .manifest
        .layers
        .iter()
        .map(|layer| ListedLayer {
            location: blob_location(&layer.digest),
            digest: BlobDigest::Known(layer.digest.clone()),
            media_type: Some(layer.media_type.clone()),
        })
        .collect();
    let (layers, layer_locations) =
        describe_layers(store, image_path, listed, &config, &config_what)?;
    check_layer_sizes(&selected.manifest, &layers)?;

    Ok(ImageParts {
        manifest_digest: Some(manifest_digest),
        manifest_bytes: Some(selected.bytes),
        index_bytes: Some(index_bytes),
        config_digest: Some(config_descriptor.digest.clone()),
        config_bytes,
        config,
        layers,
        layer_locations,
    })
}

/// `oci-layout` MUST hold `imageLayoutVersion`; versions other than 1.x are refused.
fn check_layout_version(blobs: &BlobReader<'_>) -> Result<(), ImageError> {
    let what = format!("oci-layout in {}", blobs.image_path.display());
    let bytes = blobs
        .read_named("oci-layout")?
        .ok_or_else(|| ImageError::Unrecognised {
            path: blobs.image_path.to_path_buf(),
            reason: "an OCI image layout without an oci-layout file".to_owned(),
        })?;
    let layout: OciLayoutFile = parse_json(&bytes, &what)?;
    if !layout.image_layout_version.starts_with("1.") {
        return Err(ImageError::Unsupported {
            what,
            reason: format!("image layout version {}", layout.image_layout_version),
        });
    }
    Ok(())
}

/// Each layer blob must be as large as its descriptor says.
fn check_layer_sizes(
    manifest: &crate::oci_types::Manifest,
    layers: &[crate::descriptor::LayerDescriptor],
) -> Result<(), ImageError> {
    for (listed, layer) in manifest.layers.iter().zip(layers) {
        if listed.size != layer.compressed_size {
            return Err(ImageError::SizeMismatch {
                what: layer.name().to_string(),
                expected: listed.size,
                actual: layer.compressed_size,
            });
        }
    }
    Ok(())
}
