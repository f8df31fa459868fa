//! Choosing the image manifest from an index: skip attestations and artifacts, follow nested
//! indexes (bounded), then match the requested platform (the host's by default).

use std::collections::HashSet;

use crate::config::ImageConfig;
use crate::digest::Digest;
use crate::error::ImageError;
use crate::oci_types::{is_index_type, is_manifest_type, Descriptor, Index, Manifest, OCI_EMPTY};
use crate::platform::Platform;
use crate::verified::{parse_json, BlobReader};

/// Deepest chain of indexes followed (index → index → … → manifest).
const MAX_INDEX_DEPTH: usize = 4;
/// Most manifests considered across all indexes of one layout.
const MAX_CANDIDATES: usize = 10_000;

/// The chosen image manifest.
pub(crate) struct SelectedManifest {
    /// Its descriptor.
    pub descriptor: Descriptor,
    /// Its raw bytes.
    pub bytes: Vec<u8>,
    /// Parsed.
    pub manifest: Manifest,
}

/// A manifest an index offers.
struct Candidate {
    descriptor: Descriptor,
    platform: Option<Platform>,
}

/// Picks the manifest to scan from `index`.
///
/// With one candidate and no explicit platform, that candidate is taken whatever its platform.
/// Otherwise candidates must match `wanted` (or the host); platforms missing from the index
/// are read from each candidate's config.
pub(crate) fn select_manifest(
    blobs: &BlobReader<'_>,
    index: &Index,
    wanted: Option<&Platform>,
) -> Result<SelectedManifest, ImageError> {
    let mut candidates = Vec::new();
    let mut visited = HashSet::new();
    collect_candidates(blobs, index, 0, &mut visited, &mut candidates)?;
    if candidates.is_empty() {
        return Err(ImageError::InvalidMetadata {
            what: format!("index.json in {}", blobs.image_path.display()),
            reason: "it lists no image manifest".to_owned(),
        });
    }

    if wanted.is_none() && candidates.len() == 1 {
        let only = candidates.remove(0);
        tracing::debug!(manifest = %only.descriptor.digest, "the index has one image; taking it");
        return load_manifest(blobs, only.descriptor);
    }

    let target = wanted.cloned().unwrap_or_else(Platform::host);
    for candidate in &mut candidates {
        if candidate.platform.is_none() {
            candidate.platform = Some(platform_from_config(blobs, &candidate.descriptor)?);
        }
    }
    let chosen =
        best_match(&candidates, &target).ok_or_else(|| no_match(blobs, &candidates, &target))?;
    tracing::debug!(
        platform = %target,
        manifest = %candidates[chosen].descriptor.digest,
        explicit = wanted.is_some(),
        "picked the manifest for the platform"
    );
    load_manifest(blobs, candidates.swap_remove(chosen).descriptor)
}

fn collect_candidates(
    blobs: &BlobReader<'_>,
    index: &Index,
    depth: usize,
    visited: &mut HashSet<Digest>,
    candidates: &mut Vec<Candidate>,
) -> Result<(), ImageError> {
    for descriptor in &index.manifests {
        if descriptor.is_attestation() || descriptor.artifact_type.is_some() {
            tracing::debug!(manifest = %descriptor.digest, "skipping an attestation or artifact");
            continue;
        }

        if is_index_type(&descriptor.media_type) {
            if depth + 1 >= MAX_INDEX_DEPTH {
                return Err(ImageError::Unsupported {
                    what: format!("index {}", descriptor.digest),
                    reason: format!("indexes nested more than {MAX_INDEX_DEPTH} deep"),
                });
            }
            // An index reachable twice is read once, so a hostile layout cannot multiply work.
            if !visited.insert(descriptor.digest.clone()) {
                continue;
            }
            let bytes = blobs.read(descriptor, "index")?;
            let nested: Index = parse_json(&bytes, &format!("index {}", descriptor.digest))?;
            collect_candidates(blobs, &nested, depth + 1, visited, candidates)?;
        } else if is_manifest_type(&descriptor.media_type) {
            if candidates.len() >= MAX_CANDIDATES {
                return Err(ImageError::Unsupported {
                    what: format!("the index of {}", blobs.image_path.display()),
                    reason: format!("more than {MAX_CANDIDATES} manifests"),
                });
            }
            candidates.push(Candidate {
                descriptor: descriptor.clone(),
                platform: descriptor.platform.as_ref().map(|p| p.to_platform()),
            });
        } else {
            tracing::debug!(
                manifest = %descriptor.digest,
                media_type = %descriptor.media_type,
                "skipping an index entry that is not an image manifest"
            );
        }
    }
    Ok(())
}

/// The matching candidate with the same variant if any, else the first match.
fn best_match(candidates: &[Candidate], target: &Platform) -> Option<usize> {
    let platform_of = |candidate: &Candidate| {
        candidate
            .platform
            .clone()
            .unwrap_or_else(|| Platform::new("", "", None))
    };
    let matching: Vec<usize> = (0..candidates.len())
        .filter(|&index| target.matches(&platform_of(&candidates[index])))
        .collect();
    matching
        .iter()
        .copied()
        .find(|&index| platform_of(&candidates[index]).variant == target.variant)
        .or_else(|| matching.first().copied())
}

fn no_match(blobs: &BlobReader<'_>, candidates: &[Candidate], target: &Platform) -> ImageError {
    let mut available: Vec<String> = candidates
        .iter()
        .filter_map(|candidate| candidate.platform.as_ref().map(Platform::to_string))
        .collect();
    available.sort();
    available.dedup();
    ImageError::NoPlatformMatch {
        path: blobs.image_path.to_path_buf(),
        wanted: target.clone(),
        available: available.join(", "),
    }
}

/// The platform a manifest's config declares (for index entries without a `platform`).
fn platform_from_config(
    blobs: &BlobReader<'_>,
    descriptor: &Descriptor,
) -> Result<Platform, ImageError> {
    let selected = load_manifest(blobs, descriptor.clone())?;
    let config_bytes = blobs.read(&selected.manifest.config, "config")?;
    let what = format!("config {}", selected.manifest.config.digest);
    let config: ImageConfig = parse_json(&config_bytes, &what)?;
    Ok(config.platform())
}

/// Reads, verifies and parses a manifest, refusing Docker schema 1 and artifacts.
pub(crate) fn load_manifest(
    blobs: &BlobReader<'_>,
    descriptor: Descriptor,
) -> Result<SelectedManifest, ImageError> {
    let bytes = blobs.read(&descriptor, "manifest")?;
    let what = format!("manifest {}", descriptor.digest);

    let version: serde_json::Value = parse_json(&bytes, &what)?;
    if version
        .get("schemaVersion")
        .and_then(serde_json::Value::as_u64)
        == Some(1)
    {
        return Err(ImageError::Unsupported {
            what,
            reason: "docker image manifest schema 1 is deprecated and not read".to_owned(),
        });
    }
    let manifest: Manifest = parse_json(&bytes, &what)?;
    if let Some(artifact_type) = &manifest.artifact_type {
        return Err(ImageError::Unsupported {
            what,
            reason: format!("it is an artifact ({artifact_type}), not an image"),
        });
    }
    if manifest.config.media_type == OCI_EMPTY {
        return Err(ImageError::Unsupported {
            what,
            reason: "its config is empty: it is an artifact, not an image".to_owned(),
        });
    }
    Ok(SelectedManifest {
        descriptor,
        bytes,
        manifest,
    })
}
