//! Provenance attached to an image in an OCI image layout, found without being told where:
//!
//! - cosign attestation manifests (`sha256-<digest>.att` tags, or the `kind` annotation
//!   `dev.cosignproject.cosign/atts` that `cosign save` writes), whose DSSE layers are
//!   re-encoded as Sigstore bundles by [`crate::cosign`];
//! - OCI 1.1 referrers holding Sigstore bundles (`artifactType`
//!   `application/vnd.dev.sigstore.bundle…`), as `cosign attest --new-bundle-format` pushes
//!   them and `oras copy --recursive` stores them;
//! - BuildKit attestation manifests inside an image index (annotation
//!   `vnd.docker.reference.type: attestation-manifest`), whose in-toto layers are unsigned.
//!
//! Only `index.json` and manifest blobs are read, never filesystem layers, so a layout whose
//! layers were left out can still be verified. Every blob is checked against its digest.
//!
//! Limitation: cosign signatures (`.sig`) and other artifacts are skipped (logged at debug),
//! and nested indexes are followed at most [`MAX_DEPTH`] deep; provenance attached deeper is
//! not found, and the user sees "no provenance attached".

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::error::ProvenanceError;
use crate::verify::Evidence;

/// The deepest chain of indexes followed from `index.json`.
pub const MAX_DEPTH: usize = 4;
/// Most manifests read from one layout.
const MAX_MANIFESTS: usize = 1_000;
/// Largest blob read (manifests, envelopes, bundles); filesystem layers are never read.
pub const MAX_BLOB_BYTES: u64 = 16 * 1024 * 1024;

const REF_NAME: &str = "org.opencontainers.image.ref.name";
const COSIGN_KIND: &str = "kind";
const COSIGN_ATTESTATIONS: &str = "dev.cosignproject.cosign/atts";
const BUILDKIT_REFERENCE_TYPE: &str = "vnd.docker.reference.type";
const BUILDKIT_ATTESTATION: &str = "attestation-manifest";
const SIGSTORE_BUNDLE_TYPE: &str = "application/vnd.dev.sigstore.bundle";
const IN_TOTO_LAYER: &str = "application/vnd.in-toto+json";
const DSSE_LAYER: &str = "application/vnd.dsse.envelope.v1+json";

/// Where the layout's `index.json` and blobs are read from.
pub trait BlobSource {
    /// What the source is, for messages (a path).
    fn describe(&self) -> String;

    /// The layout's `index.json`; `None` when the source has none (a docker archive).
    ///
    /// # Errors
    ///
    /// When the file exists but cannot be read.
    fn index(&self) -> Result<Option<Vec<u8>>, ProvenanceError>;

    /// The blob `digest` (`sha256:HEX`), verified against the digest; `None` when absent.
    ///
    /// # Errors
    ///
    /// When the blob cannot be read, is larger than [`MAX_BLOB_BYTES`] or does not hash to
    /// `digest`.
    fn blob(&self, digest: &str) -> Result<Option<Vec<u8>>, ProvenanceError>;
}

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`).
#[derive(Debug, Clone)]
pub struct LayoutDirectory {
    path: PathBuf,
}

impl LayoutDirectory {
    /// The layout at `path`, when `path` is a directory holding an `oci-layout` file.
    pub fn open(path: &Path) -> Option<Self> {
        path.join("oci-layout").is_file().then(|| Self {
            path: path.to_path_buf(),
        })
    }

    fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, ProvenanceError> {
        let io = |source| ProvenanceError::Io {
            path: path.display().to_string(),
            source,
        };
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io(error)),
        };
        if metadata.len() > MAX_BLOB_BYTES {
            return Err(ProvenanceError::TooLarge {
                document: path.display().to_string(),
                size: Some(metadata.len()),
                limit: MAX_BLOB_BYTES,
            });
        }
        std::fs::read(path).map(Some).map_err(io)
    }
}

impl BlobSource for LayoutDirectory {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn index(&self) -> Result<Option<Vec<u8>>, ProvenanceError> {
        self.read(&self.path.join("index.json"))
    }

    fn blob(&self, digest: &str) -> Result<Option<Vec<u8>>, ProvenanceError> {
        let hex = sha256_hex(digest)?;
        let Some(bytes) = self.read(&self.path.join("blobs").join("sha256").join(hex))? else {
            return Ok(None);
        };
        check_digest(digest, &bytes)?;
        Ok(Some(bytes))
    }
}

/// The hex part of a `sha256:HEX` digest.
///
/// # Errors
///
/// [`ProvenanceError::Malformed`] for anything but `sha256:` and 64 hex digits.
pub fn sha256_hex(digest: &str) -> Result<&str, ProvenanceError> {
    digest
        .strip_prefix("sha256:")
        .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| ProvenanceError::malformed(digest, "not a sha256:HEX digest"))
}

/// Fails unless `bytes` hash to `digest` (`sha256:HEX`).
///
/// # Errors
///
/// [`ProvenanceError::Malformed`] naming both digests.
pub fn check_digest(digest: &str, bytes: &[u8]) -> Result<(), ProvenanceError> {
    let actual = hex::encode(Sha256::digest(bytes));
    if !sha256_hex(digest)?.eq_ignore_ascii_case(&actual) {
        return Err(ProvenanceError::malformed(
            format!("blob {digest}"),
            format!("its bytes hash to sha256:{actual}"),
        ));
    }
    Ok(())
}

/// One piece of provenance found beside an image.
#[derive(Debug, Clone)]
pub struct Attestation {
    /// How it is attached, e.g. `cosign attestation sha256:… layer sha256:…`.
    pub origin: String,
    /// The evidence to verify.
    pub evidence: Evidence,
}

/// What a layout holds: the image's digests and the provenance attached to it.
#[derive(Debug, Default)]
pub struct Attachments {
    /// Digests (`sha256:HEX`) of the images `index.json` lists (indexes first, as listed),
    /// then of the manifests those indexes list. A statement naming any of them is about
    /// this image.
    pub subjects: Vec<String>,
    /// Provenance found, in the order of `index.json`.
    pub attestations: Vec<Attestation>,
    /// Attached provenance that could not be read (a blob that fails its digest, a layer
    /// missing its annotations): where it is attached, and why. Such provenance never
    /// passes; callers report it as a failed attempt.
    pub unreadable: Vec<(String, ProvenanceError)>,
    /// Attached artifacts that are not provenance (cosign signatures, SBOMs) or sit beyond
    /// the search limits, and why they were passed over.
    pub skipped: Vec<String>,
}

/// Finds the images and their provenance in `source`.
///
/// # Errors
///
/// When `index.json` or an image index is unreadable, not JSON, or fails its digest, or the
/// layout holds more manifests than are read. One unusable attestation does not fail the
/// search: it is recorded in
/// [`Attachments::unreadable`].
pub fn find_attachments(source: &dyn BlobSource) -> Result<Attachments, ProvenanceError> {
    let mut found = Attachments::default();
    let Some(index) = source.index()? else {
        return Ok(found);
    };
    let document = format!("index.json in {}", source.describe());
    let index: Value =
        serde_json::from_slice(&index).map_err(|e| ProvenanceError::json(&document, &e))?;

    let mut walk = Walk {
        source,
        found: &mut found,
        manifests_read: 0,
    };
    walk.index(&document, &index, 0)?;
    tracing::debug!(
        subjects = found.subjects.len(),
        attestations = found.attestations.len(),
        unreadable = found.unreadable.len(),
        skipped = found.skipped.len(),
        "searched the layout for attached provenance"
    );
    Ok(found)
}

struct Walk<'a> {
    source: &'a dyn BlobSource,
    found: &'a mut Attachments,
    manifests_read: usize,
}

impl Walk<'_> {
    /// Visits every descriptor of an index.
    fn index(
        &mut self,
        document: &str,
        index: &Value,
        depth: usize,
    ) -> Result<(), ProvenanceError> {
        let descriptors = index
            .get("manifests")
            .and_then(Value::as_array)
            .ok_or_else(|| ProvenanceError::MissingField {
                document: document.to_owned(),
                field: "manifests".to_owned(),
            })?;

        // Images first, so that their digests lead the subject list whatever the order.
        let mut attached = Vec::new();
        for descriptor in descriptors {
            let digest = text(descriptor, "digest").to_owned();
            sha256_hex(&digest)?;
            if is_attachment(descriptor) {
                attached.push((descriptor, digest));
            } else if !self.found.subjects.contains(&digest) {
                self.found.subjects.push(digest);
            }
        }
        for (descriptor, digest) in attached {
            self.attachment(descriptor, &digest)?;
        }

        for descriptor in descriptors {
            if is_index(descriptor) && !is_attachment(descriptor) {
                self.nested_index(descriptor, depth)?;
            }
        }
        Ok(())
    }

    fn nested_index(&mut self, descriptor: &Value, depth: usize) -> Result<(), ProvenanceError> {
        let digest = text(descriptor, "digest");
        if depth + 1 >= MAX_DEPTH {
            self.found.skipped.push(format!(
                "index {digest}: nested deeper than {MAX_DEPTH} indexes"
            ));
            return Ok(());
        }
        let Some(index) = self.manifest(digest)? else {
            self.found
                .skipped
                .push(format!("index {digest}: blob absent from the layout"));
            return Ok(());
        };
        self.index(&format!("index {digest}"), &index, depth + 1)
    }

    /// Reads and parses a manifest or index blob, counting it against [`MAX_MANIFESTS`].
    fn manifest(&mut self, digest: &str) -> Result<Option<Value>, ProvenanceError> {
        self.manifests_read += 1;
        if self.manifests_read > MAX_MANIFESTS {
            return Err(ProvenanceError::malformed(
                self.source.describe(),
                format!("more than {MAX_MANIFESTS} manifests"),
            ));
        }
        let Some(bytes) = self.source.blob(digest)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| ProvenanceError::malformed(format!("manifest {digest}"), e))
    }

    /// Reads one attached manifest and records its provenance layers.
    fn attachment(&mut self, descriptor: &Value, digest: &str) -> Result<(), ProvenanceError> {
        let manifest = match self.manifest(digest) {
            Ok(Some(manifest)) => manifest,
            Ok(None) => {
                self.found.skipped.push(format!(
                    "attached manifest {digest}: blob absent from the layout"
                ));
                return Ok(());
            }
            Err(error) if self.manifests_read <= MAX_MANIFESTS => {
                let origin = format!("attached manifest {digest}");
                self.found.unreadable.push((origin, error));
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let kind = attachment_kind(descriptor, &manifest);
        let Some(kind) = kind else {
            tracing::debug!(manifest = digest, "attached artifact is not provenance");
            self.found
                .skipped
                .push(format!("attached manifest {digest}: not provenance"));
            return Ok(());
        };

        let layers = manifest
            .get("layers")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for layer in layers {
            let layer_digest = text(layer, "digest");
            let origin = format!("{} {digest} layer {layer_digest}", kind.name());
            match self.layer_evidence(kind, layer, &origin) {
                Ok(Some(evidence)) => self
                    .found
                    .attestations
                    .push(Attestation { origin, evidence }),
                Ok(None) => {}
                Err(error) => {
                    tracing::debug!(%error, origin, "attached provenance is unreadable");
                    self.found.unreadable.push((origin, error));
                }
            }
        }
        Ok(())
    }

    fn layer_evidence(
        &self,
        kind: AttachmentKind,
        layer: &Value,
        origin: &str,
    ) -> Result<Option<Evidence>, ProvenanceError> {
        let media_type = text(layer, "mediaType");
        let wanted = match kind {
            AttachmentKind::Cosign => media_type == DSSE_LAYER,
            AttachmentKind::SigstoreBundle => media_type.starts_with(SIGSTORE_BUNDLE_TYPE),
            AttachmentKind::BuildKit => media_type == IN_TOTO_LAYER,
        };
        if !wanted {
            return Ok(None);
        }
        let digest = text(layer, "digest");
        let bytes = self.source.blob(digest)?.ok_or_else(|| {
            ProvenanceError::malformed(origin, "layer blob absent from the layout")
        })?;
        let name = origin.to_owned();
        Ok(Some(match kind {
            AttachmentKind::Cosign => {
                let annotations = layer.get("annotations").cloned().unwrap_or(Value::Null);
                let json = crate::cosign::bundle_from_layer(digest, &bytes, &annotations)?;
                Evidence::SigstoreBundle { name, json }
            }
            AttachmentKind::SigstoreBundle => Evidence::SigstoreBundle {
                name,
                json: String::from_utf8(bytes)
                    .map_err(|e| ProvenanceError::malformed(origin, e))?,
            },
            AttachmentKind::BuildKit => Evidence::UnsignedStatement { name, json: bytes },
        }))
    }
}

/// How a manifest carries provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttachmentKind {
    Cosign,
    SigstoreBundle,
    BuildKit,
}

impl AttachmentKind {
    fn name(self) -> &'static str {
        match self {
            Self::Cosign => "cosign attestation",
            Self::SigstoreBundle => "sigstore bundle referrer",
            Self::BuildKit => "buildkit attestation",
        }
    }
}

/// Whether an index entry is something attached to an image rather than an image.
fn is_attachment(descriptor: &Value) -> bool {
    let annotation = |key: &str| {
        descriptor
            .get("annotations")
            .and_then(|annotations| annotations.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let cosign_kind = annotation(COSIGN_KIND);
    let reference = annotation(REF_NAME);
    let cosign_attachment = cosign_kind.starts_with("dev.cosignproject.cosign/")
        && !cosign_kind.ends_with("/image")
        && !cosign_kind.ends_with("/imageIndex");
    cosign_attachment
        || is_cosign_tag(reference)
        || annotation(BUILDKIT_REFERENCE_TYPE) == BUILDKIT_ATTESTATION
        || descriptor.get("artifactType").is_some()
        || descriptor.get("subject").is_some()
}

/// `sha256-<64 hex>.att`, `.sig` or `.sbom`: cosign's tag for things attached to a digest.
fn is_cosign_tag(reference: &str) -> bool {
    let tag = reference.rsplit(':').next().unwrap_or(reference);
    let Some(rest) = tag.strip_prefix("sha256-") else {
        return false;
    };
    rest.split_once('.')
        .is_some_and(|(hex, _)| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn attachment_kind(descriptor: &Value, manifest: &Value) -> Option<AttachmentKind> {
    let annotation = |key: &str| {
        descriptor
            .get("annotations")
            .and_then(|annotations| annotations.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let artifact_type = descriptor
        .get("artifactType")
        .or_else(|| manifest.get("artifactType"))
        .and_then(Value::as_str)
        .unwrap_or_default();

    if annotation(BUILDKIT_REFERENCE_TYPE) == BUILDKIT_ATTESTATION {
        return Some(AttachmentKind::BuildKit);
    }
    if artifact_type.starts_with(SIGSTORE_BUNDLE_TYPE) {
        return Some(AttachmentKind::SigstoreBundle);
    }
    let reference = annotation(REF_NAME);
    if annotation(COSIGN_KIND) == COSIGN_ATTESTATIONS
        || (is_cosign_tag(reference) && reference.ends_with(".att"))
    {
        return Some(AttachmentKind::Cosign);
    }
    None
}

fn is_index(descriptor: &Value) -> bool {
    matches!(
        text(descriptor, "mediaType"),
        "application/vnd.oci.image.index.v1+json"
            | "application/vnd.docker.distribution.manifest.list.v2+json"
    )
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERTIFICATE_ANNOTATION_NAME: &str = "dev.sigstore.cosign/certificate";

    fn image_dir(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/slsa/slsa-verifier/image")
            .join(name)
    }

    #[test]
    fn finds_cosign_and_buildkit_attestations_of_a_saved_image() {
        let layout = LayoutDirectory::open(&image_dir("gha_generic_container-v2.1.0"))
            .expect("an OCI layout");
        let found = find_attachments(&layout).unwrap();

        assert_eq!(
            found.subjects[0],
            "sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122"
        );
        assert!(found.subjects.contains(
            &"sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69".to_owned()
        ));
        let kinds: Vec<&str> = found
            .attestations
            .iter()
            .map(|attestation| match attestation.evidence {
                Evidence::SigstoreBundle { .. } => "bundle",
                Evidence::UnsignedStatement { .. } => "unsigned",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["bundle", "unsigned"]);
        assert!(found.attestations[0]
            .origin
            .starts_with("cosign attestation sha256:21454caf"));
    }

    /// Blobs held in memory, addressed by their SHA-256.
    struct MemoryLayout {
        index: Vec<u8>,
        blobs: Vec<Vec<u8>>,
    }

    impl BlobSource for MemoryLayout {
        fn describe(&self) -> String {
            "memory".to_owned()
        }

        fn index(&self) -> Result<Option<Vec<u8>>, ProvenanceError> {
            Ok(Some(self.index.clone()))
        }

        fn blob(&self, digest: &str) -> Result<Option<Vec<u8>>, ProvenanceError> {
            let hex = sha256_hex(digest)?;
            Ok(self
                .blobs
                .iter()
                .find(|blob| hex::encode(Sha256::digest(blob)) == hex)
                .cloned())
        }
    }

    fn digest_of(bytes: &[u8]) -> String {
        format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
    }

    /// A layout with one image manifest and one manifest attached to it, described by
    /// `attached_descriptor` (its digest filled in) and holding `layer` typed `layer_type`.
    fn layout_with(attached_descriptor: Value, layer: &[u8], layer_type: &str) -> MemoryLayout {
        let image = br#"{"schemaVersion":2,"layers":[]}"#.to_vec();
        let attached = serde_json::json!({
            "schemaVersion": 2,
            "artifactType": attached_descriptor.get("artifactType"),
            "subject": {"digest": digest_of(&image)},
            "layers": [{"mediaType": layer_type, "digest": digest_of(layer)}],
        })
        .to_string()
        .into_bytes();
        let mut descriptor = attached_descriptor;
        descriptor["digest"] = Value::String(digest_of(&attached));
        let index = serde_json::json!({
            "schemaVersion": 2,
            "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest_of(&image)},
                descriptor,
            ],
        });
        MemoryLayout {
            index: index.to_string().into_bytes(),
            blobs: vec![image, attached, layer.to_vec()],
        }
    }

    #[test]
    fn finds_sigstore_bundle_referrers() {
        let bundle = br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#;
        let layout = layout_with(
            serde_json::json!({
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            }),
            bundle,
            "application/vnd.dev.sigstore.bundle.v0.3+json",
        );
        let found = find_attachments(&layout).unwrap();

        assert_eq!(found.subjects.len(), 1);
        assert_eq!(found.attestations.len(), 1);
        assert!(matches!(
            &found.attestations[0].evidence,
            Evidence::SigstoreBundle { json, .. } if json.as_bytes() == bundle
        ));
    }

    #[test]
    fn a_tagged_cosign_layer_without_annotations_is_unreadable_not_fatal() {
        let tag = format!("sha256-{}.att", "b".repeat(64));
        let layout = layout_with(
            serde_json::json!({
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "annotations": {REF_NAME: tag},
            }),
            br#"{"payloadType":"x","payload":"","signatures":[]}"#,
            DSSE_LAYER,
        );
        let found = find_attachments(&layout).unwrap();

        assert!(found.attestations.is_empty());
        assert_eq!(found.unreadable.len(), 1);
        let (origin, error) = &found.unreadable[0];
        assert!(origin.starts_with("cosign attestation"), "{origin}");
        assert!(
            error.to_string().contains(CERTIFICATE_ANNOTATION_NAME),
            "{error}"
        );
    }

    #[test]
    fn cosign_tags_are_recognised() {
        let hex = "a".repeat(64);
        assert!(is_cosign_tag(&format!("sha256-{hex}.att")));
        assert!(is_cosign_tag(&format!("ghcr.io/o/r:sha256-{hex}.sig")));
        assert!(!is_cosign_tag("latest"));
        assert!(!is_cosign_tag("sha256-abc.att"));
    }

    #[test]
    fn a_blob_that_does_not_match_its_digest_is_refused() {
        let digest = format!("sha256:{}", "0".repeat(64));
        let error = check_digest(&digest, b"tampered").unwrap_err();
        assert!(error.to_string().contains(&digest), "{error}");
    }

    #[test]
    fn a_directory_without_oci_layout_is_not_a_layout() {
        assert!(LayoutDirectory::open(Path::new(env!("CARGO_MANIFEST_DIR"))).is_none());
    }
}
