//! What an analyzer receives: files of a layer, the layer's context, and image-level inputs.

use serde::{Deserialize, Serialize};

/// One regular file of a layer, as handed to [`crate::Analyzer::analyze_file`].
///
/// The contents are borrowed from the engine for the duration of the call only.
#[derive(Debug, Clone, Copy)]
pub struct FileInput<'a> {
    /// Path relative to the image root, `/`-separated, without a leading `/`.
    pub path: &'a str,
    /// Size of the whole file in bytes, even when `contents` holds less.
    pub size: u64,
    /// Permission bits, including setuid (`0o4000`), setgid (`0o2000`) and sticky (`0o1000`).
    pub mode: u32,
    /// The bytes, or an empty slice when the request did not ask for contents.
    pub contents: &'a [u8],
    /// True when `contents` holds only the first part of the file (it exceeded the engine's
    /// per-file read limit).
    pub truncated: bool,
}

impl FileInput<'_> {
    /// The last path component.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

/// One layer: the one a session analyzes, or one of the list in [`ImageContext`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LayerContext {
    /// Position in the image, 0 for the base layer.
    pub index: usize,
    /// Digest of the layer as stored (compressed), when the source has one.
    pub digest: Option<String>,
    /// Digest of the uncompressed layer, the key under which results may be cached.
    pub diff_id: Option<String>,
    /// The history line (`created_by`) that made the layer, when known.
    pub created_by: Option<String>,
}

/// Facts about the image as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageContext {
    /// What the user named (a path today, a registry reference later).
    pub reference: String,
    /// `docker-archive`, `oci-layout`, `rootfs`, ...
    pub source_kind: String,
    /// `os/architecture[/variant]` of the image.
    pub platform: String,
    /// Digest of the image manifest, when the source has one.
    pub manifest_digest: Option<String>,
    /// The layers, base first.
    pub layers: Vec<LayerContext>,
}

/// An artifact attached to the image: an attestation, a signature, an SBOM.
#[derive(Debug, Clone, Copy)]
pub struct Attachment<'a> {
    /// Media type of the artifact (or of its layer holding `data`).
    pub media_type: &'a str,
    /// Digest of `data`.
    pub digest: &'a str,
    /// Annotations of the artifact as a JSON object (may be `{}`).
    pub annotations_json: &'a [u8],
    /// The artifact's bytes.
    pub data: &'a [u8],
}

/// The image-level inputs an analyzer asked for; what it did not ask for is empty.
#[derive(Debug, Clone)]
pub struct ImageInput<'a> {
    /// Facts about the image.
    pub context: ImageContext,
    /// The raw image config JSON.
    pub config_json: &'a [u8],
    /// The raw manifest JSON.
    pub manifest_json: &'a [u8],
    /// The raw index JSON, when the image was reached through one.
    pub index_json: &'a [u8],
    /// Artifacts attached to the image.
    pub attachments: Vec<Attachment<'a>>,
}
