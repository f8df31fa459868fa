//! Cosign attestations attached to an image in an OCI layout: the `sha256-<digest>.att`
//! manifest holds DSSE layers whose annotations carry the Rekor signed entry timestamp
//! (`dev.sigstore.cosign/bundle`) and the Fulcio certificate. They are re-encoded here as a
//! Sigstore bundle v0.1, field for field, so [`crate::sigstore`] verifies them.
//! Layers whose Rekor entry is of kind `intoto/0.0.1` (cosign before 2.0, e.g.
//! slsa-github-generator v1.4.0) become bundles that the `rekor_intoto` module verifies.

use std::path::Path;

use serde_json::{json, Value};

use crate::check::CheckName;
use crate::encoding::{decode_base64, encode_base64};
use crate::error::ProvenanceError;

const DSSE_LAYER: &str = "application/vnd.dsse.envelope.v1+json";
const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";

/// Requires an image reference pinned by digest (`name@sha256:HEX`) and returns the digest.
///
/// # Errors
///
/// A failed [`CheckName::ImmutableReference`] for a reference by tag only: its content may
/// change between verification and use.
pub fn require_digest_reference(reference: &str) -> Result<String, ProvenanceError> {
    match reference.rsplit_once('@') {
        Some((_, digest)) if digest.starts_with("sha256:") && digest.len() == 71 => {
            Ok(digest.to_owned())
        }
        _ => Err(ProvenanceError::check(
            CheckName::ImmutableReference,
            format!("image reference {reference} is not pinned by a sha256 digest"),
        )),
    }
}

/// Reads the cosign attestation manifest `manifest_digest` (`sha256:HEX`) of the OCI layout
/// at `layout` and returns its first DSSE layer as a Sigstore bundle v0.1 (JSON).
///
/// # Errors
///
/// [`ProvenanceError::Io`] for unreadable blobs, [`ProvenanceError::Malformed`] or field
/// errors for a manifest, layer or annotation that is not what cosign writes.
pub fn attestation_bundle_from_layout(
    layout: &Path,
    manifest_digest: &str,
) -> Result<String, ProvenanceError> {
    let manifest = read_blob(layout, manifest_digest)?;
    let manifest: Value = serde_json::from_slice(&manifest)
        .map_err(|e| ProvenanceError::malformed(manifest_digest, e))?;
    let layers = manifest
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| ProvenanceError::MissingField {
            document: format!("manifest {manifest_digest}"),
            field: "layers".to_owned(),
        })?;
    let layer = layers
        .iter()
        .find(|layer| layer.get("mediaType").and_then(Value::as_str) == Some(DSSE_LAYER))
        .ok_or_else(|| {
            ProvenanceError::check(
                CheckName::Format,
                format!("manifest {manifest_digest} has no {DSSE_LAYER} layer"),
            )
        })?;
    let layer_digest = layer
        .get("digest")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let envelope = read_blob(layout, layer_digest)?;
    let annotations = layer.get("annotations").cloned().unwrap_or(Value::Null);
    bundle_from_layer(layer_digest, &envelope, &annotations)
}

/// Re-encodes one cosign DSSE layer (its blob and annotations) as a Sigstore bundle v0.1.
///
/// # Errors
///
/// As [`attestation_bundle_from_layout`].
pub fn bundle_from_layer(
    layer: &str,
    envelope: &[u8],
    annotations: &Value,
) -> Result<String, ProvenanceError> {
    let document = format!("cosign layer {layer}");
    let missing = |field: &str| ProvenanceError::MissingField {
        document: document.clone(),
        field: field.to_owned(),
    };
    let envelope: Value =
        serde_json::from_slice(envelope).map_err(|e| ProvenanceError::json(&document, &e))?;
    let certificate = annotations
        .get(CERTIFICATE_ANNOTATION)
        .and_then(Value::as_str)
        .ok_or_else(|| missing(CERTIFICATE_ANNOTATION))?;
    let certificate_der = pem_body(certificate).ok_or_else(|| {
        ProvenanceError::malformed(&document, "certificate annotation is not PEM")
    })?;
    let log_bundle: Value = annotations
        .get(BUNDLE_ANNOTATION)
        .and_then(Value::as_str)
        .ok_or_else(|| missing(BUNDLE_ANNOTATION))
        .and_then(|text| {
            serde_json::from_str(text).map_err(|e| ProvenanceError::json(&document, &e))
        })?;

    let payload = log_bundle
        .get("Payload")
        .ok_or_else(|| missing("Payload"))?;
    let body = payload
        .get("body")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("Payload.body"))?;
    let entry: Value = decode_base64(body)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| ProvenanceError::malformed(&document, "Payload.body is not base64 JSON"))?;
    let log_id = payload
        .get("logID")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("Payload.logID"))?;
    let log_id = hex::decode(log_id).map_err(|e| ProvenanceError::malformed(&document, e))?;

    let bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "verificationMaterial": {
            "x509CertificateChain": {"certificates": [{"rawBytes": encode_base64(&certificate_der)}]},
            "tlogEntries": [{
                "logIndex": payload.get("logIndex").map(number_text).unwrap_or_default(),
                "logId": {"keyId": encode_base64(&log_id)},
                "kindVersion": {
                    "kind": entry.get("kind").cloned().unwrap_or(Value::Null),
                    "version": entry.get("apiVersion").cloned().unwrap_or(Value::Null),
                },
                "integratedTime": payload.get("integratedTime").map(number_text).unwrap_or_default(),
                "inclusionPromise": {"signedEntryTimestamp": log_bundle.get("SignedEntryTimestamp").cloned().unwrap_or(Value::Null)},
                "canonicalizedBody": body,
            }],
        },
        "dsseEnvelope": envelope,
    });
    Ok(bundle.to_string())
}

fn number_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The DER bytes of the first PEM block in `pem`.
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN")?;
    let after_header = start + pem[start..].find('\n')? + 1;
    let end = after_header + pem[after_header..].find("-----END")?;
    let base64: String = pem[after_header..end].split_whitespace().collect();
    decode_base64(&base64).ok()
}

fn read_blob(layout: &Path, digest: &str) -> Result<Vec<u8>, ProvenanceError> {
    let hex = digest
        .strip_prefix("sha256:")
        .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    let Some(hex) = hex else {
        return Err(ProvenanceError::malformed(digest, "not a sha256 digest"));
    };
    let path = layout.join("blobs").join("sha256").join(hex);
    std::fs::read(&path).map_err(|source| ProvenanceError::Io {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_tag_references() {
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            require_digest_reference(&format!("ghcr.io/o/r@{digest}")).unwrap(),
            digest
        );
        let error = require_digest_reference("ghcr.io/o/r:latest").unwrap_err();
        assert_eq!(error.check_name(), CheckName::ImmutableReference);
    }

    #[test]
    fn layer_without_annotations_names_the_missing_one() {
        let error = bundle_from_layer("sha256:1", b"{}", &Value::Null).unwrap_err();
        assert!(error.to_string().contains(CERTIFICATE_ANNOTATION));
    }
}
