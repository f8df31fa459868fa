//! The JSON documents of the OCI image spec v1.1 and of `docker save`, as written here.
//!
//! Field order is fixed by the struct order and maps are `BTreeMap`s, so serialising the same
//! value always yields the same bytes, and therefore the same digest.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::digest::sha256_digest;
use crate::image_spec::{ImageSpec, Platform};

/// `application/vnd.oci.image.index.v1+json` (image-spec `image-index.md`).
pub const OCI_INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";

/// `application/vnd.oci.image.manifest.v1+json` (image-spec `manifest.md`).
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// `application/vnd.oci.image.config.v1+json` (image-spec `config.md`).
pub const OCI_CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";

/// The annotation that names an image inside an OCI layout's `index.json`.
pub const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";

/// The annotation Docker 25+ adds to `index.json` entries with the full image name.
pub const CONTAINERD_NAME_ANNOTATION: &str = "io.containerd.image.name";

/// A content descriptor (image-spec `descriptor.md`): media type, digest and size are REQUIRED.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Descriptor {
    pub media_type: &'static str,
    pub digest: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformJson>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<&'static str, String>,
}

impl Descriptor {
    /// Describes `bytes` with `media_type`, without platform or annotations.
    pub fn of(media_type: &'static str, bytes: &[u8]) -> Self {
        Self {
            media_type,
            digest: sha256_digest(bytes),
            size: bytes.len() as u64,
            platform: None,
            annotations: BTreeMap::new(),
        }
    }
}

/// The `platform` object of an index entry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlatformJson {
    pub architecture: String,
    pub os: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl From<&Platform> for PlatformJson {
    fn from(platform: &Platform) -> Self {
        Self {
            architecture: platform.architecture.clone(),
            os: platform.os.clone(),
            variant: platform.variant.clone(),
        }
    }
}

/// An image manifest; `schemaVersion` MUST be 2 and `mediaType` SHOULD be set.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Manifest {
    pub schema_version: u32,
    pub media_type: &'static str,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// An image index, used both for `index.json` and for a multi-platform index blob.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Index {
    pub schema_version: u32,
    pub media_type: &'static str,
    pub manifests: Vec<Descriptor>,
}

impl Index {
    /// An index listing `manifests`.
    pub fn new(manifests: Vec<Descriptor>) -> Self {
        Self {
            schema_version: 2,
            media_type: OCI_INDEX_MEDIA_TYPE,
            manifests,
        }
    }
}

/// The image configuration (image-spec `config.md`).
#[derive(Debug, Serialize)]
struct ImageConfig<'a> {
    created: &'a str,
    architecture: &'a str,
    os: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
    config: RuntimeConfig<'a>,
    rootfs: RootFs<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    history: Vec<History<'a>>,
}

/// The `config` object: execution parameters, in Docker's capitalised field names.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct RuntimeConfig<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    env: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    entrypoint: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    cmd: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    working_dir: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: &'a BTreeMap<String, String>,
}

/// `rootfs`: `type` MUST be `layers`; `diff_ids` are the digests of the uncompressed layers.
#[derive(Debug, Serialize)]
struct RootFs<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: &'a [String],
}

/// One `history` entry.
#[derive(Debug, Serialize)]
struct History<'a> {
    created: &'a str,
    created_by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    empty_layer: bool,
}

/// Serialises the config of `image` whose layers have the given `diff_ids`.
pub(crate) fn config_json(image: &ImageSpec, diff_ids: &[String]) -> Vec<u8> {
    let history = image
        .history
        .iter()
        .map(|entry| History {
            created: &image.created,
            created_by: &entry.created_by,
            comment: entry.comment.as_deref(),
            empty_layer: entry.empty_layer,
        })
        .collect();
    let config = ImageConfig {
        created: &image.created,
        architecture: &image.platform.architecture,
        os: &image.platform.os,
        variant: image.platform.variant.as_deref(),
        config: RuntimeConfig {
            user: image.user.as_deref(),
            env: &image.env,
            entrypoint: &image.entrypoint,
            cmd: &image.cmd,
            working_dir: image.workdir.as_deref(),
            labels: &image.labels,
        },
        rootfs: RootFs {
            kind: "layers",
            diff_ids,
        },
        history,
    };
    to_json(&config)
}

/// Serialises the manifest of an image whose config blob is `config` and whose layer blobs,
/// as stored, are `layers` (media type and bytes), and returns it with its descriptor.
pub(crate) fn manifest_json(
    config: &[u8],
    layers: &[(&'static str, &[u8])],
) -> (Vec<u8>, Descriptor) {
    let manifest = Manifest {
        schema_version: 2,
        media_type: OCI_MANIFEST_MEDIA_TYPE,
        config: Descriptor::of(OCI_CONFIG_MEDIA_TYPE, config),
        layers: layers
            .iter()
            .map(|(media_type, blob)| Descriptor::of(media_type, blob))
            .collect(),
    };
    let bytes = to_json(&manifest);
    let descriptor = Descriptor::of(OCI_MANIFEST_MEDIA_TYPE, &bytes);
    (bytes, descriptor)
}

/// Serialises a document compactly; the types here cannot fail to serialise.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("spec documents have string keys and no fallible fields")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_spec::HistoryEntry;

    #[test]
    fn config_leaves_out_empty_fields_and_keeps_history_flags() {
        let mut image = ImageSpec::new("x:1", Platform::new("linux", "arm64").with_variant("v8"));
        image.env = vec!["A=1".to_owned()];
        image.history = vec![
            HistoryEntry::layer("ADD rootfs /"),
            HistoryEntry::empty("ENV A=1"),
        ];
        let json: serde_json::Value =
            serde_json::from_slice(&config_json(&image, &["sha256:aa".to_owned()]))
                .expect("valid json");

        assert_eq!(json["architecture"], "arm64");
        assert_eq!(json["variant"], "v8");
        assert_eq!(json["config"], serde_json::json!({"Env": ["A=1"]}));
        assert_eq!(json["rootfs"]["type"], "layers");
        assert_eq!(json["rootfs"]["diff_ids"][0], "sha256:aa");
        assert!(json["history"][0].get("empty_layer").is_none());
        assert_eq!(json["history"][1]["empty_layer"], true);
        assert_eq!(json["history"][1]["created"], "2023-11-14T22:13:20Z");
    }
}
