//! Artifacts attached to the chosen image in an OCI image layout: attestations, signatures and
//! other referrers, found without being told where.
//!
//! Three ways of attaching are recognised, each naming the image it is attached to (its
//! subject):
//!
//! - cosign attestation manifests: tagged `sha256-<subject hex>.att`, or, as `cosign save`
//!   writes them, annotated `kind: dev.cosignproject.cosign/atts` beside the one entry annotated
//!   as the saved image (`…/image` or `…/imageIndex`);
//! - OCI 1.1 referrers: manifests whose `subject` descriptor names the image (image spec
//!   `manifest.md`, "subject");
//! - BuildKit attestation manifests: index entries annotated
//!   `vnd.docker.reference.type: attestation-manifest`, whose `vnd.docker.reference.digest`
//!   names the image.
//!
//! An artifact counts when its subject is the chosen image manifest or one of the indexes that
//! lead to it (cosign signs multi-platform images by their index digest). Every layer of such an
//! artifact is returned, read through the image's verified blob access, so each is at most
//! [`Limits::max_metadata_bytes`](crate::Limits) and hashes to its digest.
//!
//! A problem with one artifact (a missing or tampered blob, a manifest that is not JSON) does not
//! stop the search: it is recorded in [`Attachments::problems`], naming the manifest and what was
//! wrong.
//!
//! Limitation: docker archives and root filesystems carry no attached artifacts, so their
//! attachment list is always empty; provenance kept beside such an image is not seen, and the
//! SLSA analyzer reports such images as Build L0.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use crate::digest::Digest;
use crate::error::ImageError;
use crate::image::Image;
use crate::oci_types::{is_index_type, Descriptor, Index};
use crate::open::SourceKind;
use crate::verified::parse_json;

/// Annotation added to [`AttachedArtifact::annotations_json`]: the digest of the image manifest
/// or index the artifact is attached to.
pub const SUBJECT_ANNOTATION: &str = "dev.purser.attachment.subject";
/// Annotation added to [`AttachedArtifact::annotations_json`]: the digest of the manifest that
/// attaches the artifact.
pub const MANIFEST_ANNOTATION: &str = "dev.purser.attachment.manifest";
/// Annotation added to [`AttachedArtifact::annotations_json`]: [`AttachmentKind::as_str`].
pub const KIND_ANNOTATION: &str = "dev.purser.attachment.kind";

/// Deepest chain of indexes searched (index → index → … → manifest).
const MAX_INDEX_DEPTH: usize = 4;
/// Most indexes and manifests read during one search.
const MAX_DOCUMENTS: usize = 1_000;
/// Most bytes of attached layers returned for one image; further layers are recorded as
/// problems.
const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;

const REF_NAME: &str = "org.opencontainers.image.ref.name";
const COSIGN_KIND: &str = "kind";
const COSIGN_ATTESTATIONS: &str = "dev.cosignproject.cosign/atts";
const BUILDKIT_REFERENCE_TYPE: &str = "vnd.docker.reference.type";
const BUILDKIT_REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";
const BUILDKIT_ATTESTATION: &str = "attestation-manifest";

/// How an artifact is attached to its image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    /// A cosign attestation manifest (`.att` tag or `kind: dev.cosignproject.cosign/atts`).
    CosignAttestation,
    /// An OCI 1.1 referrer (a manifest with a `subject`).
    Referrer,
    /// A BuildKit attestation manifest inside an image index.
    BuildKitAttestation,
}

impl AttachmentKind {
    /// `cosign-attestation`, `referrer` or `buildkit-attestation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CosignAttestation => "cosign-attestation",
            Self::Referrer => "referrer",
            Self::BuildKitAttestation => "buildkit-attestation",
        }
    }
}

/// One layer of an artifact attached to the image.
#[derive(Debug, Clone)]
pub struct AttachedArtifact {
    /// How it is attached.
    pub kind: AttachmentKind,
    /// The image manifest or index it is attached to.
    pub subject: Digest,
    /// The manifest that attaches it.
    pub manifest: Digest,
    /// The layer's media type (`application/vnd.dsse.envelope.v1+json`, …).
    pub media_type: String,
    /// The layer's digest, which `data` was verified against.
    pub digest: Digest,
    /// The layer descriptor's annotations (cosign keeps certificates and log entries there).
    pub annotations: BTreeMap<String, String>,
    /// The layer's bytes.
    pub data: Vec<u8>,
}

impl AttachedArtifact {
    /// The layer's annotations as a JSON object, with [`SUBJECT_ANNOTATION`],
    /// [`MANIFEST_ANNOTATION`] and [`KIND_ANNOTATION`] added (replacing any the layer had).
    pub fn annotations_json(&self) -> Vec<u8> {
        let mut annotations = self.annotations.clone();
        annotations.insert(SUBJECT_ANNOTATION.to_owned(), self.subject.to_string());
        annotations.insert(MANIFEST_ANNOTATION.to_owned(), self.manifest.to_string());
        annotations.insert(KIND_ANNOTATION.to_owned(), self.kind.as_str().to_owned());
        serde_json::to_vec(&annotations).unwrap_or_else(|_| b"{}".to_vec())
    }
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Attachments {
    /// The attached layers, in the order of the indexes that list them.
    pub artifacts: Vec<AttachedArtifact>,
    /// Attached artifacts that could not be read, each naming the manifest or blob and why.
    pub problems: Vec<String>,
}

impl Image {
    /// The artifacts attached to this image (see the `attachments` module documentation); always
    /// empty for docker archives and root filesystems.
    ///
    /// # Errors
    ///
    /// [`ImageError::InvalidMetadata`] when `index.json` is not an index. Problems with single
    /// artifacts are recorded in [`Attachments::problems`] instead.
    pub fn attachments(&self) -> Result<Attachments, ImageError> {
        if !matches!(
            self.source_kind(),
            SourceKind::OciLayoutDirectory | SourceKind::OciLayoutArchive
        ) {
            tracing::debug!(
                source = ?self.source_kind(),
                "only OCI layouts carry attached artifacts"
            );
            return Ok(Attachments::default());
        }
        let (Some(index), Some(manifest)) = (self.index_bytes(), self.manifest_digest()) else {
            return Ok(Attachments::default());
        };
        let read = |digest: &Digest| {
            self.blob(digest)
                .map(|bytes| bytes.map(std::borrow::Cow::into_owned))
        };
        find_attachments(index, manifest, &read)
    }
}

/// Reads a blob by digest: `None` when absent; an error when unreadable, over a limit, or not
/// hashing to the digest.
pub type BlobRead<'a> = dyn Fn(&Digest) -> Result<Option<Vec<u8>>, ImageError> + 'a;

/// Finds the artifacts attached to `image_manifest` in a layout whose `index.json` is
/// `index_json`, reading manifests and layers through `read` (which must verify digests).
///
/// # Errors
///
/// [`ImageError::InvalidMetadata`] when `index_json` is not an index; everything else is
/// recorded in [`Attachments::problems`].
pub fn find_attachments(
    index_json: &[u8],
    image_manifest: &Digest,
    read: &BlobRead<'_>,
) -> Result<Attachments, ImageError> {
    let index: Index = parse_json(index_json, "index.json")?;
    let mut search = Search {
        read,
        documents_read: 0,
        bytes_returned: 0,
        found: Attachments::default(),
    };
    let listings = search.listings(index);
    let chain = chain_to(&listings, image_manifest);
    tracing::debug!(
        indexes = listings.len(),
        chain = chain.len(),
        "searching for attached artifacts"
    );

    for listing in &listings {
        for descriptor in &listing.entries {
            if !chain.contains(&descriptor.digest) && !is_index_type(&descriptor.media_type) {
                search.entry(listing, descriptor, &chain);
            }
        }
    }
    tracing::debug!(
        artifacts = search.found.artifacts.len(),
        problems = search.found.problems.len(),
        "searched for attached artifacts"
    );
    Ok(search.found)
}

/// The entries of one index; `digest` is `None` for `index.json` itself.
struct Listing {
    digest: Option<Digest>,
    entries: Vec<Descriptor>,
}

/// An attached manifest, as far as attachment needs it.
#[derive(Deserialize)]
struct AttachedManifest {
    #[serde(default)]
    subject: Option<Descriptor>,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

struct Search<'r, 'a> {
    read: &'r BlobRead<'a>,
    documents_read: usize,
    bytes_returned: u64,
    found: Attachments,
}

impl Search<'_, '_> {
    /// `index.json` and every index nested in it, breadth first, each read once.
    fn listings(&mut self, index: Index) -> Vec<Listing> {
        let mut listings = vec![Listing {
            digest: None,
            entries: index.manifests,
        }];
        let mut visited = HashSet::new();
        let mut level_start = 0;
        for _depth in 1..MAX_INDEX_DEPTH {
            let level_end = listings.len();
            let nested: Vec<Digest> = listings[level_start..level_end]
                .iter()
                .flat_map(|listing| &listing.entries)
                .filter(|entry| is_index_type(&entry.media_type))
                .map(|entry| entry.digest.clone())
                .filter(|digest| visited.insert(digest.clone()))
                .collect();
            for digest in nested {
                let what = format!("index {digest}");
                if let Some(index) = self.document::<Index>(&digest, &what) {
                    listings.push(Listing {
                        digest: Some(digest),
                        entries: index.manifests,
                    });
                }
            }
            level_start = level_end;
        }
        listings
    }

    /// Reads and parses one index or manifest, recording why when it cannot.
    fn document<T: serde::de::DeserializeOwned>(
        &mut self,
        digest: &Digest,
        what: &str,
    ) -> Option<T> {
        self.documents_read += 1;
        if self.documents_read > MAX_DOCUMENTS {
            if self.documents_read == MAX_DOCUMENTS + 1 {
                self.found.problems.push(format!(
                    "more than {MAX_DOCUMENTS} indexes and manifests; {what} and later ones were not searched"
                ));
            }
            return None;
        }
        let outcome = (self.read)(digest)
            .and_then(|bytes| bytes.map(|bytes| parse_json::<T>(&bytes, what)).transpose());
        match outcome {
            Ok(Some(document)) => Some(document),
            Ok(None) => {
                self.found
                    .problems
                    .push(format!("{what}: blob absent from the layout"));
                None
            }
            Err(error) => {
                self.found.problems.push(format!("{what}: {error}"));
                None
            }
        }
    }

    /// Looks at one index entry that is not on the way to the image, and collects its layers
    /// when it is attached to the image.
    fn entry(&mut self, listing: &Listing, descriptor: &Descriptor, chain: &HashSet<Digest>) {
        let annotation = |key: &str| annotation(descriptor, key);
        let digest = &descriptor.digest;

        let declared = if annotation(BUILDKIT_REFERENCE_TYPE) == Some(BUILDKIT_ATTESTATION) {
            let subject = annotation(BUILDKIT_REFERENCE_DIGEST).and_then(|d| Digest::parse(d).ok());
            Some((AttachmentKind::BuildKitAttestation, subject))
        } else if let Some(subject) = annotation(REF_NAME).and_then(cosign_attestation_subject) {
            Some((AttachmentKind::CosignAttestation, Some(subject)))
        } else if annotation(COSIGN_KIND) == Some(COSIGN_ATTESTATIONS) {
            Some((AttachmentKind::CosignAttestation, saved_image(listing)))
        } else if annotation(COSIGN_KIND)
            .is_some_and(|kind| kind.starts_with("dev.cosignproject.cosign/"))
        {
            tracing::debug!(manifest = %digest, "skipping a cosign signature or SBOM");
            return;
        } else {
            None
        };
        if let Some((_, subject)) = &declared {
            if !subject
                .as_ref()
                .is_some_and(|subject| chain.contains(subject))
            {
                tracing::debug!(manifest = %digest, "attached to another image");
                return;
            }
        }

        let what = format!("attached manifest {digest}");
        let Some(manifest) = self.document::<AttachedManifest>(digest, &what) else {
            return;
        };
        let (kind, subject) = match declared {
            Some((kind, Some(subject))) => (kind, subject),
            _ => match manifest.subject {
                Some(subject) if chain.contains(&subject.digest) => {
                    (AttachmentKind::Referrer, subject.digest)
                }
                _ => return,
            },
        };
        for layer in &manifest.layers {
            self.layer(kind, &subject, digest, layer);
        }
    }

    fn layer(
        &mut self,
        kind: AttachmentKind,
        subject: &Digest,
        manifest: &Digest,
        layer: &Descriptor,
    ) {
        let what = format!("layer {} of attached manifest {manifest}", layer.digest);
        if self.bytes_returned.saturating_add(layer.size) > MAX_TOTAL_BYTES {
            self.found.problems.push(format!(
                "{what}: skipped, attached layers exceed {MAX_TOTAL_BYTES} bytes in all"
            ));
            return;
        }
        let data = match (self.read)(&layer.digest) {
            Ok(Some(data)) => data,
            Ok(None) => {
                self.found
                    .problems
                    .push(format!("{what}: blob absent from the layout"));
                return;
            }
            Err(error) => {
                self.found.problems.push(format!("{what}: {error}"));
                return;
            }
        };
        self.bytes_returned += data.len() as u64;
        tracing::trace!(layer = %layer.digest, kind = kind.as_str(), "attached layer");
        self.found.artifacts.push(AttachedArtifact {
            kind,
            subject: subject.clone(),
            manifest: manifest.clone(),
            media_type: layer.media_type.clone(),
            digest: layer.digest.clone(),
            annotations: layer.annotations.clone().unwrap_or_default(),
            data,
        });
    }
}

/// The image manifest and the indexes that lead to it from `index.json`.
fn chain_to(listings: &[Listing], image_manifest: &Digest) -> HashSet<Digest> {
    let mut chain = HashSet::from([image_manifest.clone()]);
    loop {
        let before = chain.len();
        for listing in listings {
            let Some(digest) = &listing.digest else {
                continue;
            };
            if listing
                .entries
                .iter()
                .any(|entry| chain.contains(&entry.digest))
            {
                chain.insert(digest.clone());
            }
        }
        if chain.len() == before {
            return chain;
        }
    }
}

/// The subject of a cosign `sha256-<hex>.att` tag (with or without a repository in front).
fn cosign_attestation_subject(reference: &str) -> Option<Digest> {
    let tag = reference.rsplit(':').next().unwrap_or(reference);
    let hex = tag.strip_prefix("sha256-")?.strip_suffix(".att")?;
    Digest::from_sha256_hex(hex).ok()
}

/// The one entry `cosign save` annotated as the saved image, if there is exactly one.
fn saved_image(listing: &Listing) -> Option<Digest> {
    let mut saved = listing.entries.iter().filter(|entry| {
        matches!(
            annotation(entry, COSIGN_KIND),
            Some("dev.cosignproject.cosign/image" | "dev.cosignproject.cosign/imageIndex")
        )
    });
    let first = saved.next()?;
    saved.next().is_none().then(|| first.digest.clone())
}

fn annotation<'d>(descriptor: &'d Descriptor, key: &str) -> Option<&'d str> {
    descriptor
        .annotations
        .as_ref()
        .and_then(|annotations| annotations.get(key))
        .map(String::as_str)
}

#[cfg(test)]
mod tests;
