//! Which attached layers are provenance, and as what evidence they are verified.

use purser_plugin_api::Attachment;
use purser_provenance::{Evidence, ProvenanceError};
use serde_json::Value;

/// The layer media type of cosign attestations (and of other DSSE envelopes).
const DSSE_LAYER: &str = "application/vnd.dsse.envelope.v1+json";
/// The media type (prefix) of Sigstore bundles, as OCI 1.1 referrers carry them.
const SIGSTORE_BUNDLE: &str = "application/vnd.dev.sigstore.bundle";
/// The layer media type of BuildKit's in-toto attestations.
const IN_TOTO_LAYER: &str = "application/vnd.in-toto+json";
/// The certificate annotation cosign puts on keyless attestation layers.
const COSIGN_CERTIFICATE: &str = "dev.sigstore.cosign/certificate";
/// Predicate type annotations: cosign's and BuildKit's.
const PREDICATE_TYPE_KEYS: [&str; 2] = ["predicateType", "in-toto.io/predicate-type"];
/// Every SLSA provenance predicate type starts so.
const SLSA_PROVENANCE: &str = "https://slsa.dev/provenance/";

/// Added by the engine: what the artifact is attached to, the manifest attaching it, and how.
const SUBJECT_ANNOTATION: &str = "dev.purser.attachment.subject";
const MANIFEST_ANNOTATION: &str = "dev.purser.attachment.manifest";
const KIND_ANNOTATION: &str = "dev.purser.attachment.kind";

/// A provenance to verify, and the image digest it is attached to.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The evidence; its name says where it is attached.
    pub evidence: Evidence,
    /// The digest (`sha256:HEX`) of the manifest or index it is attached to, when known.
    pub subject: Option<String>,
}

/// The provenance among `attachments`, in order: each readable one as a [`Candidate`], each
/// unreadable one (a cosign layer without its certificate, a bundle that is not UTF-8) as its
/// name and the error, which counts as a failed verification. Signatures, SBOMs and other
/// artifacts are left out.
pub fn candidates(
    attachments: &[Attachment<'_>],
) -> Vec<Result<Candidate, (String, ProvenanceError)>> {
    attachments
        .iter()
        .filter_map(|attachment| {
            let annotations: Value =
                serde_json::from_slice(attachment.annotations_json).unwrap_or(Value::Null);
            let text = |key: &str| annotations.get(key).and_then(Value::as_str);
            if PREDICATE_TYPE_KEYS
                .iter()
                .filter_map(|key| text(key))
                .any(|predicate| !predicate.starts_with(SLSA_PROVENANCE))
            {
                tracing::trace!(
                    layer = attachment.digest,
                    "attached attestation is not provenance"
                );
                return None;
            }

            let name = format!(
                "{} {} layer {}",
                text(KIND_ANNOTATION).unwrap_or("attachment"),
                text(MANIFEST_ANNOTATION).unwrap_or("(unknown manifest)"),
                attachment.digest
            );
            let evidence = evidence(attachment, &annotations, &name)?;
            Some(
                evidence
                    .map(|evidence| Candidate {
                        evidence,
                        subject: text(SUBJECT_ANNOTATION).map(str::to_owned),
                    })
                    .map_err(|error| (name, error)),
            )
        })
        .collect()
}

/// The evidence a layer holds, by its media type; `None` when it holds no provenance.
fn evidence(
    attachment: &Attachment<'_>,
    annotations: &Value,
    name: &str,
) -> Option<Result<Evidence, ProvenanceError>> {
    let media_type = attachment.media_type;
    let name = name.to_owned();
    if media_type == DSSE_LAYER && annotations.get(COSIGN_CERTIFICATE).is_some() {
        return Some(
            purser_provenance::cosign::bundle_from_layer(
                attachment.digest,
                attachment.data,
                annotations,
            )
            .map(|json| Evidence::SigstoreBundle { name, json }),
        );
    }
    if media_type == DSSE_LAYER {
        return Some(Ok(Evidence::DsseEnvelope {
            name,
            json: attachment.data.to_vec(),
        }));
    }
    if media_type.starts_with(SIGSTORE_BUNDLE) {
        return Some(
            String::from_utf8(attachment.data.to_vec())
                .map(|json| Evidence::SigstoreBundle {
                    name: name.clone(),
                    json,
                })
                .map_err(|error| ProvenanceError::Malformed {
                    document: name,
                    reason: error.to_string(),
                }),
        );
    }
    if media_type == IN_TOTO_LAYER {
        return Some(Ok(Evidence::UnsignedStatement {
            name,
            json: attachment.data.to_vec(),
        }));
    }
    tracing::trace!(
        layer = attachment.digest,
        media_type,
        "attached layer is not provenance"
    );
    None
}
