//! The OCI image-spec documents Purser reads: the `oci-layout` file, image indexes (and Docker
//! manifest lists), image manifests (and Docker schema 2 manifests), and their descriptors.
//! Field names and media types are those of the OCI image spec v1.1 ("Image Layout", "Image
//! Index", "Image Manifest", "Descriptors"); unknown fields are ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::digest::Digest;
use crate::platform::Platform;

/// OCI image index.
pub(crate) const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker manifest list.
pub(crate) const DOCKER_MANIFEST_LIST: &str =
    "application/vnd.docker.distribution.manifest.list.v2+json";
/// OCI image manifest.
pub(crate) const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker image manifest, schema 2.
pub(crate) const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// OCI's empty descriptor type, used as the config of artifacts.
pub(crate) const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// Annotation Docker puts on attestation manifests in an index.
pub(crate) const DOCKER_REFERENCE_TYPE: &str = "vnd.docker.reference.type";

/// Content of the `oci-layout` file.
#[derive(Debug, Deserialize)]
pub(crate) struct OciLayoutFile {
    /// MUST be present; `1.0.0` for current layouts.
    #[serde(rename = "imageLayoutVersion")]
    pub image_layout_version: String,
}

/// A descriptor: what a blob is, its digest and size.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Descriptor {
    /// The media type of the referenced content.
    #[serde(rename = "mediaType", default)]
    pub media_type: String,
    /// The digest; MUST be present.
    pub digest: Digest,
    /// The size in bytes; MUST be present.
    pub size: u64,
    /// Annotations.
    #[serde(default)]
    pub annotations: Option<BTreeMap<String, String>>,
    /// The platform, in index entries.
    #[serde(default)]
    pub platform: Option<DescriptorPlatform>,
    /// The artifact type, for artifact manifests.
    #[serde(rename = "artifactType", default)]
    pub artifact_type: Option<String>,
}

impl Descriptor {
    /// Whether Docker marked this entry as an attestation (`unknown/unknown` platform and
    /// `vnd.docker.reference.type: attestation-manifest`).
    pub(crate) fn is_attestation(&self) -> bool {
        let annotated = self
            .annotations
            .as_ref()
            .and_then(|annotations| annotations.get(DOCKER_REFERENCE_TYPE))
            .is_some_and(|kind| kind == "attestation-manifest");
        let unknown_platform = self
            .platform
            .as_ref()
            .is_some_and(|platform| platform.os == "unknown" && platform.architecture == "unknown");
        annotated || unknown_platform
    }
}

/// The `platform` object of an index entry.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct DescriptorPlatform {
    /// CPU architecture.
    #[serde(default)]
    pub architecture: String,
    /// Operating system.
    #[serde(default)]
    pub os: String,
    /// CPU variant.
    #[serde(default)]
    pub variant: Option<String>,
}

impl DescriptorPlatform {
    /// As a [`Platform`].
    pub(crate) fn to_platform(&self) -> Platform {
        Platform::new(&self.os, &self.architecture, self.variant.as_deref())
    }
}

/// An image index or Docker manifest list.
#[derive(Debug, Deserialize)]
pub(crate) struct Index {
    /// MUST be 2.
    #[serde(rename = "schemaVersion", default)]
    pub schema_version: Option<u64>,
    /// The manifests (or nested indexes).
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
}

/// An image manifest or Docker schema 2 manifest.
#[derive(Debug, Deserialize)]
pub(crate) struct Manifest {
    /// The artifact type; set on artifacts, which are not images.
    #[serde(rename = "artifactType", default)]
    pub artifact_type: Option<String>,
    /// The config blob.
    pub config: Descriptor,
    /// The layers, base first.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
}

/// Whether a media type names an index (OCI index or Docker manifest list).
pub(crate) fn is_index_type(media_type: &str) -> bool {
    media_type == OCI_INDEX || media_type == DOCKER_MANIFEST_LIST
}

/// Whether a media type names an image manifest; an empty type is taken as one (some tools
/// omit it).
pub(crate) fn is_manifest_type(media_type: &str) -> bool {
    media_type.is_empty() || media_type == OCI_MANIFEST || media_type == DOCKER_MANIFEST
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_index_with_an_attestation() {
        let json = r#"{
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                 "size": 100, "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                 "size": 100, "platform": {"os": "unknown", "architecture": "unknown"},
                 "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
            ]
        }"#;
        let index: Index = serde_json::from_str(json).expect("valid index");
        assert_eq!(index.schema_version, Some(2));
        assert!(!index.manifests[0].is_attestation());
        assert!(index.manifests[1].is_attestation());
        let platform = index.manifests[0].platform.as_ref().expect("platform");
        assert_eq!(platform.to_platform().to_string(), "linux/arm64/v8");
    }

    #[test]
    fn media_type_predicates() {
        assert!(is_index_type(OCI_INDEX));
        assert!(is_index_type(DOCKER_MANIFEST_LIST));
        assert!(!is_index_type(OCI_MANIFEST));
        assert!(is_manifest_type(""));
        assert!(is_manifest_type(DOCKER_MANIFEST));
        assert!(!is_manifest_type("application/vnd.in-toto+json"));
    }

    #[test]
    fn descriptors_need_a_valid_digest_and_size() {
        let bad_digest = r#"{"digest": "sha256:nope", "size": 1}"#;
        assert!(serde_json::from_str::<Descriptor>(bad_digest).is_err());
        let negative = r#"{"digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "size": -1}"#;
        assert!(serde_json::from_str::<Descriptor>(negative).is_err());
    }
}
