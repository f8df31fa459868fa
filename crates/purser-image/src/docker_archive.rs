//! `docker save` archives: `manifest.json` (`[{"Config": …, "RepoTags": […], "Layers": […]}]`)
//! naming the config and layer files. Older Docker writes `<id>/layer.tar` and `<hex>.json`;
//! Docker 25 and later writes an OCI layout beside it (`blobs/sha256/<hex>`, `index.json`),
//! whose manifest is used for the manifest digest when it matches. `manifest.json` is
//! authoritative either way.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::config::ImageConfig;
use crate::digest::{is_lower_hex, Digest};
use crate::entry_path::normalise_str;
use crate::error::ImageError;
use crate::image::ImageParts;
use crate::layer_list::{describe_layers, BlobDigest, ListedLayer};
use crate::limits::Limits;
use crate::oci_types::{is_manifest_type, Index, Manifest};
use crate::platform::Platform;
use crate::verified::{parse_json, verify_digest, BlobReader};

/// Most `index.json` entries examined to find the manifest matching the config.
const MAX_INDEX_ENTRIES_EXAMINED: usize = 64;

/// One image in `manifest.json`.
#[derive(Debug, Deserialize)]
struct ManifestEntry {
    /// Path of the config file in the archive.
    #[serde(rename = "Config")]
    config: String,
    /// Paths of the layer files, base first.
    #[serde(rename = "Layers", default)]
    layers: Vec<String>,
    /// Descriptors of layers by digest (newer Docker; gives media types).
    #[serde(rename = "LayerSources", default)]
    layer_sources: Option<BTreeMap<String, LayerSource>>,
}

/// A `LayerSources` descriptor.
#[derive(Debug, Deserialize)]
struct LayerSource {
    #[serde(rename = "mediaType", default)]
    media_type: String,
}

/// Reads `manifest.json` and the chosen image's config and layer list.
pub(crate) fn load_docker_archive(
    store: &crate::store::Store,
    image_path: &Path,
    platform: Option<&Platform>,
    limits: &Limits,
) -> Result<ImageParts, ImageError> {
    let blobs = BlobReader {
        store,
        image_path,
        limits,
    };
    let what = format!("manifest.json in {}", image_path.display());
    let manifest_json =
        blobs
            .read_named("manifest.json")?
            .ok_or_else(|| ImageError::Unrecognised {
                path: image_path.to_path_buf(),
                reason: "a docker archive without manifest.json".to_owned(),
            })?;
    let raw_entries: Vec<serde_json::Value> = parse_json(&manifest_json, &what)?;
    let mut entries = Vec::with_capacity(raw_entries.len());
    for raw in &raw_entries {
        entries.push(ManifestEntry::deserialize(raw).map_err(|error| {
            ImageError::InvalidMetadata {
                what: what.clone(),
                reason: error.to_string(),
            }
        })?);
    }

    let chosen = choose_entry(&blobs, &entries, platform, &what)?;
    let entry = &entries[chosen];
    let (config_bytes, config_digest, config) = read_config(&blobs, &entry.config, &what)?;
    let config_what = format!("config {} in {}", entry.config, image_path.display());

    let mut listed = Vec::with_capacity(entry.layers.len());
    for layer in &entry.layers {
        let location = archive_location(layer, &what)?;
        let digest = digest_from_name(&location);
        let media_type = digest.as_ref().and_then(|digest| {
            let sources = entry.layer_sources.as_ref()?;
            let source = sources.get(digest.as_str())?;
            Some(source.media_type.clone()).filter(|media_type| !media_type.is_empty())
        });
        listed.push(ListedLayer {
            location,
            digest: digest.map_or(BlobDigest::DiffIdIfUncompressed, BlobDigest::Known),
            media_type,
        });
    }
    let (layers, layer_locations) =
        describe_layers(store, image_path, listed, &config, &config_what)?;

    let index_bytes = blobs.read_named("index.json").unwrap_or_else(|error| {
        tracing::debug!(%error, "ignoring an unreadable index.json; manifest.json is authoritative");
        None
    });
    let oci_manifest = config_digest
        .as_ref()
        .and_then(|digest| find_oci_manifest(&blobs, index_bytes.as_deref()?, digest));
    let (manifest_digest, manifest_bytes) = match oci_manifest {
        Some((digest, bytes)) => (Some(digest), bytes),
        // The entry re-serialised: serde_json writes object keys sorted.
        None => (
            None,
            serde_json::to_vec(&raw_entries[chosen]).unwrap_or_default(),
        ),
    };

    Ok(ImageParts {
        manifest_digest,
        manifest_bytes: Some(manifest_bytes),
        index_bytes,
        config_digest,
        config_bytes,
        config,
        layers,
        layer_locations,
    })
}

/// The entry to scan: the only one unless a platform was asked for, else the first whose
/// config matches the platform (the host's by default).
fn choose_entry(
    blobs: &BlobReader<'_>,
    entries: &[ManifestEntry],
    platform: Option<&Platform>,
    what: &str,
) -> Result<usize, ImageError> {
    if entries.is_empty() {
        return Err(ImageError::InvalidMetadata {
            what: what.to_owned(),
            reason: "it lists no image".to_owned(),
        });
    }
    if entries.len() == 1 && platform.is_none() {
        return Ok(0);
    }

    let target = platform.cloned().unwrap_or_else(Platform::host);
    let mut available = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let (_, _, config) = read_config(blobs, &entry.config, what)?;
        let candidate = config.platform();
        if target.matches(&candidate) {
            if entries.len() > 1 {
                // Limitation: images of a multi-image archive cannot be picked by tag; the first
                // one matching the platform is scanned.
                tracing::debug!(
                    entry = index,
                    images = entries.len(),
                    "scanning the first image matching the platform"
                );
            }
            return Ok(index);
        }
        available.push(candidate.to_string());
    }
    available.sort();
    available.dedup();
    Err(ImageError::NoPlatformMatch {
        path: blobs.image_path.to_path_buf(),
        wanted: target,
        available: available.join(", "),
    })
}

/// Reads and parses a config file; when its name carries its digest the bytes are verified.
fn read_config(
    blobs: &BlobReader<'_>,
    name: &str,
    manifest_what: &str,
) -> Result<(Vec<u8>, Option<Digest>, ImageConfig), ImageError> {
    let location = archive_location(name, manifest_what)?;
    let what = format!("config {name} in {}", blobs.image_path.display());
    let bytes = blobs
        .read_named(&location)?
        .ok_or_else(|| ImageError::MissingBlob {
            image: blobs.image_path.to_path_buf(),
            what: "config".to_owned(),
            location: location.clone(),
        })?;
    let digest = digest_from_name(&location);
    if let Some(digest) = &digest {
        verify_digest(&bytes, digest, &what)?;
    }
    let config = parse_json(&bytes, &what)?;
    Ok((bytes, digest, config))
}

/// A path from `manifest.json`, normalised; paths that would leave the archive are refused.
fn archive_location(path: &str, what: &str) -> Result<String, ImageError> {
    let normalised = normalise_str(path);
    if normalised.clamped || normalised.absolute || normalised.path.is_empty() {
        return Err(ImageError::InvalidMetadata {
            what: what.to_owned(),
            reason: format!("path {path:?} does not name a file inside the archive"),
        });
    }
    Ok(normalised.path)
}

/// The digest a file name states: `blobs/sha256/<hex>` or a legacy config `<hex>.json`.
fn digest_from_name(location: &str) -> Option<Digest> {
    let hex = location
        .strip_prefix("blobs/sha256/")
        .or_else(|| location.strip_suffix(".json"))?;
    if !is_lower_hex(hex, 64) {
        return None;
    }
    Digest::from_sha256_hex(hex).ok()
}

/// In a newer docker archive, the OCI manifest whose config is `config_digest`.
fn find_oci_manifest(
    blobs: &BlobReader<'_>,
    index_bytes: &[u8],
    config_digest: &Digest,
) -> Option<(Digest, Vec<u8>)> {
    let index: Index = serde_json::from_slice(index_bytes).ok()?;
    index
        .manifests
        .iter()
        .filter(|descriptor| is_manifest_type(&descriptor.media_type))
        .take(MAX_INDEX_ENTRIES_EXAMINED)
        .find_map(|descriptor| {
            let bytes = blobs.read(descriptor, "manifest").ok()?;
            let manifest: Manifest = serde_json::from_slice(&bytes).ok()?;
            (&manifest.config.digest == config_digest).then(|| (descriptor.digest.clone(), bytes))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_come_only_from_digest_names() {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(digest_from_name(&format!("blobs/sha256/{hex}")).is_some());
        assert!(digest_from_name(&format!("{hex}.json")).is_some());
        assert!(digest_from_name(&format!("{hex}/layer.tar")).is_none());
        assert!(digest_from_name("blobs/sha256/short").is_none());
    }

    #[test]
    fn manifest_paths_must_stay_inside() {
        assert_eq!(
            archive_location("./abc/layer.tar", "m").expect("inside"),
            "abc/layer.tar"
        );
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b", "", "."] {
            let error = archive_location(bad, "manifest.json in x").expect_err(bad);
            assert!(
                error
                    .to_string()
                    .starts_with("invalid manifest.json in x: path"),
                "{error}"
            );
        }
    }
}
