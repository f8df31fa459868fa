//! Bundles whose Rekor entry is of kind `intoto/0.0.1`, the kind cosign wrote for attestations
//! before 2.0 (slsa-github-generator v1.x containers among them). The `sigstore-verify` bundle
//! parser rejects that kind, so this module verifies such a bundle itself, the way cosign did:
//!
//! 1. the signed entry timestamp (SET): a Rekor key of the trusted root, valid at the entry's
//!    `integratedTime`, signs the canonical JSON of body, time, log ID and index;
//! 2. the logged body binds this bundle: its `payloadHash` is the SHA-256 of the DSSE payload,
//!    its `content.hash` that of the envelope as cosign serialises it, and its `publicKey` is
//!    the bundle's certificate;
//! 3. the certificate chains to a Fulcio CA of the trusted root at `integratedTime`, with the
//!    code-signing key usage;
//! 4. a CT log of the trusted root signed the certificate's embedded SCT ([`crate::sct`]; the
//!    check of `sigstore-verify` is not public);
//! 5. the DSSE signature verifies with the certificate's key;
//! 6. the required identity (SAN and OIDC issuer), if any, is the certificate's;
//! 7. the artifact digest is a subject of the signed statement.
//!
//! Limitation: inclusion proofs are not read, as cosign's annotations of that era carry none;
//! the SET is the only proof that Rekor logged the entry.

use rustls_pki_types::{CertificateDer, UnixTime};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use webpki::{EndEntityCert, KeyUsage};

use crate::check::CheckName;
use crate::dsse::{pae, Envelope, EnvelopeSignature};
use crate::encoding::decode_base64;
use crate::error::ProvenanceError;
use crate::keys::PublicKey;
use crate::sigstore::{signer_from_certificate, BundleArtifact, VerifiedBundle};
use crate::statement::Statement;

/// The code-signing extended key usage (1.3.6.1.5.5.7.3.3), DER-encoded OID value.
const CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];

/// A bundle with one `intoto/0.0.1` log entry and a DSSE envelope, read but not verified.
#[derive(Debug, Clone)]
pub(crate) struct LegacyIntotoBundle {
    certificates: Vec<Vec<u8>>,
    payload_type: String,
    payload: Vec<u8>,
    payload_text: String,
    signature: Vec<u8>,
    signature_text: String,
    keyid: String,
    body_text: String,
    integrated_time: i64,
    log_index: i64,
    log_id: Vec<u8>,
    signed_entry_timestamp: Vec<u8>,
}

impl LegacyIntotoBundle {
    /// Reads `json` when its log entry is `intoto/0.0.1`; `None` for any other bundle.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Malformed`] or field errors for an `intoto/0.0.1` bundle missing a
    /// field this verification needs.
    pub(crate) fn read(name: &str, json: &str) -> Result<Option<Self>, ProvenanceError> {
        let Ok(bundle) = serde_json::from_str::<Value>(json) else {
            return Ok(None);
        };
        let entry = bundle.pointer("/verificationMaterial/tlogEntries/0");
        let kind = entry.and_then(|entry| entry.get("kindVersion"));
        let is_legacy = kind.is_some_and(|kind| {
            kind.get("kind").and_then(Value::as_str) == Some("intoto")
                && kind.get("version").and_then(Value::as_str) == Some("0.0.1")
        });
        let Some(entry) = entry.filter(|_| is_legacy) else {
            return Ok(None);
        };

        let document = format!("sigstore bundle {name}");
        let text = |value: &Value, pointer: &str| -> Result<String, ProvenanceError> {
            match value.pointer(pointer) {
                Some(Value::String(text)) => Ok(text.clone()),
                Some(Value::Number(number)) => Ok(number.to_string()),
                _ => Err(ProvenanceError::MissingField {
                    document: document.clone(),
                    field: pointer.trim_start_matches('/').replace('/', "."),
                }),
            }
        };
        let bytes = |value: &Value, pointer: &str| -> Result<Vec<u8>, ProvenanceError> {
            decode_base64(&text(value, pointer)?).map_err(|reason| ProvenanceError::InvalidField {
                document: document.clone(),
                field: pointer.trim_start_matches('/').replace('/', "."),
                problem: format!("is not base64: {reason}"),
            })
        };
        let number = |value: &Value, pointer: &str| -> Result<i64, ProvenanceError> {
            let raw = text(value, pointer)?;
            raw.parse().map_err(|_| ProvenanceError::InvalidField {
                document: document.clone(),
                field: pointer.trim_start_matches('/').replace('/', "."),
                problem: format!("is {raw:?}, expected an integer"),
            })
        };

        let certificates = bundle
            .pointer("/verificationMaterial/x509CertificateChain/certificates")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|certificate| bytes(certificate, "/rawBytes"))
            .collect::<Result<Vec<_>, _>>()?;
        if certificates.is_empty() {
            return Err(ProvenanceError::MissingField {
                document,
                field: "verificationMaterial.x509CertificateChain.certificates".to_owned(),
            });
        }
        let envelope = bundle
            .get("dsseEnvelope")
            .ok_or_else(|| ProvenanceError::MissingField {
                document: document.clone(),
                field: "dsseEnvelope".to_owned(),
            })?;
        let signatures = envelope
            .get("signatures")
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        if signatures != 1 {
            return Err(ProvenanceError::InvalidField {
                document,
                field: "dsseEnvelope.signatures".to_owned(),
                problem: format!("holds {signatures} signatures, expected exactly 1"),
            });
        }

        Ok(Some(Self {
            certificates,
            payload_type: text(envelope, "/payloadType")?,
            payload: bytes(envelope, "/payload")?,
            payload_text: text(envelope, "/payload")?,
            signature: bytes(envelope, "/signatures/0/sig")?,
            signature_text: text(envelope, "/signatures/0/sig")?,
            keyid: text(envelope, "/signatures/0/keyid").unwrap_or_default(),
            body_text: text(entry, "/canonicalizedBody")?,
            integrated_time: number(entry, "/integratedTime")?,
            log_index: number(entry, "/logIndex")?,
            log_id: bytes(entry, "/logId/keyId")?,
            signed_entry_timestamp: bytes(entry, "/inclusionPromise/signedEntryTimestamp")?,
        }))
    }

    /// The DSSE envelope, unverified.
    pub(crate) fn envelope(&self) -> Envelope {
        Envelope {
            payload_type: self.payload_type.clone(),
            payload: self.payload.clone(),
            signatures: vec![EnvelopeSignature {
                keyid: Some(self.keyid.clone()).filter(|keyid| !keyid.is_empty()),
                sig: self.signature.clone(),
                cert: None,
            }],
        }
    }

    /// Runs the checks listed in the module documentation against `root`.
    ///
    /// # Errors
    ///
    /// A failed [`CheckName::Sigstore`] naming the step that failed and the values compared;
    /// a failed [`CheckName::SubjectDigest`] when the artifact is not a statement subject.
    pub(crate) fn verify(
        &self,
        name: &str,
        root: &sigstore_verify::trust_root::TrustedRoot,
        artifact: BundleArtifact<'_>,
        identity: Option<(&str, &str)>,
    ) -> Result<VerifiedBundle, ProvenanceError> {
        let fail = |detail: String| {
            ProvenanceError::check(
                CheckName::Sigstore,
                format!("bundle {name} (rekor intoto/0.0.1 entry): {detail}"),
            )
        };
        let time = jiff::Timestamp::from_second(self.integrated_time)
            .map_err(|e| fail(format!("integrated time {}: {e}", self.integrated_time)))?;

        self.check_signed_entry_timestamp(root, time)
            .map_err(fail)?;
        self.check_body().map_err(fail)?;
        self.check_chain(root, time).map_err(fail)?;
        self.check_sct(root)
            .map_err(|error| fail(error.to_string()))?;
        let certificate = sigstore_verify::types::DerCertificate::from_bytes(&self.certificates[0]);
        let info = sigstore_verify::crypto::parse_certificate_info(&certificate)
            .map_err(|e| fail(format!("unreadable certificate: {e}")))?;
        let key = PublicKey::from_spki_der("signing certificate", info.public_key.as_bytes())?;
        if !key.verifies(&pae(&self.payload_type, &self.payload), &self.signature) {
            return Err(fail(
                "the DSSE signature does not verify with the certificate's key".into(),
            ));
        }

        let signer = signer_from_certificate(&info, Some(self.integrated_time));
        if let Some((san, issuer)) = identity {
            if signer.san.as_deref() != Some(san) || signer.issuer.as_deref() != Some(issuer) {
                return Err(fail(format!(
                    "identity mismatch: expected {san} from {issuer}, certificate names {} from {}",
                    signer.san.as_deref().unwrap_or("no identity"),
                    signer.issuer.as_deref().unwrap_or("no issuer")
                )));
            }
        }
        self.check_artifact(artifact)?;
        tracing::debug!(bundle = name, san = ?signer.san, "intoto/0.0.1 bundle verified");
        Ok(VerifiedBundle {
            signer,
            envelope: Some(self.envelope()),
        })
    }

    /// Step 1: a trusted Rekor key valid at `time` signed the entry.
    fn check_signed_entry_timestamp(
        &self,
        root: &sigstore_verify::trust_root::TrustedRoot,
        time: jiff::Timestamp,
    ) -> Result<(), String> {
        let log_id = hex::encode(&self.log_id);
        let signed = format!(
            r#"{{"body":{},"integratedTime":{},"logID":{},"logIndex":{}}}"#,
            json_string(&self.body_text),
            self.integrated_time,
            json_string(&log_id),
            self.log_index
        );
        let log = root.tlogs.iter().find(|log| {
            let key = log.public_key.raw_bytes.as_bytes();
            Sha256::digest(key).as_slice() == self.log_id.as_slice()
        });
        let Some(log) = log else {
            return Err(format!(
                "log {log_id} is not a transparency log of the trusted root"
            ));
        };
        if log
            .public_key
            .valid_for
            .is_some_and(|window| !window.contains(time))
        {
            return Err(format!(
                "log {log_id} key was not valid at integrated time {time}"
            ));
        }
        let key = PublicKey::from_spki_der(
            &format!("rekor log {log_id}"),
            log.public_key.raw_bytes.as_bytes(),
        )
        .map_err(|e| e.to_string())?;
        if !key.verifies(signed.as_bytes(), &self.signed_entry_timestamp) {
            return Err(format!(
                "signed entry timestamp does not verify with log {log_id}"
            ));
        }
        Ok(())
    }

    /// Step 2: the logged body describes this envelope and certificate.
    fn check_body(&self) -> Result<(), String> {
        let body = decode_base64(&self.body_text)
            .map_err(|e| format!("canonicalized body is not base64: {e}"))?;
        let body: Value =
            serde_json::from_slice(&body).map_err(|e| format!("canonicalized body: {e}"))?;
        let field = |pointer: &str| body.pointer(pointer).and_then(Value::as_str).unwrap_or("");
        if field("/kind") != "intoto" || field("/apiVersion") != "0.0.1" {
            return Err(format!(
                "logged body is {}/{}, expected intoto/0.0.1",
                field("/kind"),
                field("/apiVersion")
            ));
        }

        let payload_hash = hex::encode(Sha256::digest(&self.payload));
        let logged = field("/spec/content/payloadHash/value");
        if field("/spec/content/payloadHash/algorithm") != "sha256" || logged != payload_hash {
            return Err(format!(
                "payload hash sha256:{payload_hash} differs from the logged {logged:?}"
            ));
        }
        let envelope_hash = hex::encode(Sha256::digest(self.cosign_envelope_bytes()));
        let logged = field("/spec/content/hash/value");
        if field("/spec/content/hash/algorithm") != "sha256" || logged != envelope_hash {
            return Err(format!(
                "envelope hash sha256:{envelope_hash} differs from the logged {logged:?}"
            ));
        }

        let logged_certificate = decode_base64(field("/spec/publicKey"))
            .ok()
            .and_then(|pem| String::from_utf8(pem).ok())
            .and_then(|pem| pem_der(&pem));
        if logged_certificate.as_deref() != Some(self.certificates[0].as_slice()) {
            return Err("the logged public key is not the bundle's certificate".into());
        }
        Ok(())
    }

    /// The envelope as cosign serialised it (Go field order, no spaces): what Rekor hashed.
    fn cosign_envelope_bytes(&self) -> Vec<u8> {
        format!(
            r#"{{"payloadType":{},"payload":{},"signatures":[{{"keyid":{},"sig":{}}}]}}"#,
            json_string(&self.payload_type),
            json_string(&self.payload_text),
            json_string(&self.keyid),
            json_string(&self.signature_text)
        )
        .into_bytes()
    }

    /// Step 3: the certificate chains to a Fulcio CA valid at `time`.
    fn check_chain(
        &self,
        root: &sigstore_verify::trust_root::TrustedRoot,
        time: jiff::Timestamp,
    ) -> Result<(), String> {
        let authorities: Vec<_> = root
            .certificate_authorities
            .iter()
            .filter(|ca| ca.valid_for.is_none_or(|window| window.contains(time)))
            .collect();
        let anchors_der: Vec<CertificateDer<'_>> = authorities
            .iter()
            .filter_map(|ca| ca.cert_chain.certificates.last())
            .map(|certificate| CertificateDer::from(certificate.raw_bytes.as_bytes()))
            .collect();
        let anchors = anchors_der
            .iter()
            .filter_map(|der| webpki::anchor_from_trusted_cert(der).ok())
            .collect::<Vec<_>>();
        if anchors.is_empty() {
            return Err(format!(
                "no Fulcio CA of the trusted root was valid at {time}"
            ));
        }
        let mut intermediates: Vec<CertificateDer<'_>> = authorities
            .iter()
            .flat_map(|ca| {
                let chain = &ca.cert_chain.certificates;
                chain[..chain.len().saturating_sub(1)].iter()
            })
            .map(|certificate| CertificateDer::from(certificate.raw_bytes.as_bytes()))
            .collect();
        intermediates.extend(
            self.certificates[1..]
                .iter()
                .map(|der| CertificateDer::from(der.as_slice())),
        );

        let leaf = CertificateDer::from(self.certificates[0].as_slice());
        let leaf = EndEntityCert::try_from(&leaf).map_err(|e| format!("certificate: {e}"))?;
        let seconds =
            u64::try_from(self.integrated_time).map_err(|_| "negative integrated time")?;
        leaf.verify_for_usage(
            sigstore_verify::crypto::WEBPKI_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(seconds)),
            KeyUsage::required(CODE_SIGNING),
            None,
            None,
        )
        .map_err(|e| {
            let reason = crate::sigstore::readable_validity(&format!("{e:?}"));
            format!("certificate chain to a Fulcio CA at {time}: {reason}")
        })?;
        Ok(())
    }

    /// Step 4: a trusted CT log signed the certificate's embedded SCT; its issuer is looked
    /// for in the bundle's chain and the trusted root's Fulcio chains.
    fn check_sct(
        &self,
        root: &sigstore_verify::trust_root::TrustedRoot,
    ) -> Result<(), crate::sct::SctError> {
        let fulcio = root
            .certificate_authorities
            .iter()
            .flat_map(|ca| ca.cert_chain.certificates.iter())
            .map(|certificate| certificate.raw_bytes.as_bytes());
        let issuers: Vec<&[u8]> = self.certificates[1..]
            .iter()
            .map(Vec::as_slice)
            .chain(fulcio)
            .collect();
        crate::sct::verify_embedded_sct(&self.certificates[0], &issuers, root)
    }

    /// Step 7: the artifact is a subject of the signed statement.
    fn check_artifact(&self, artifact: BundleArtifact<'_>) -> Result<(), ProvenanceError> {
        let digest = match artifact {
            BundleArtifact::Bytes(bytes) => hex::encode(Sha256::digest(bytes)),
            BundleArtifact::Sha256(digest) => hex::encode(digest),
        };
        let statement = Statement::from_json(&self.payload)?;
        if !statement.has_subject_digest("sha256", &digest) {
            return Err(ProvenanceError::check(
                CheckName::SubjectDigest,
                format!("artifact sha256:{digest} is not a subject of the signed statement"),
            ));
        }
        Ok(())
    }
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// The DER bytes of the first PEM block in `pem`.
fn pem_der(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN")?;
    let after_header = start + pem[start..].find('\n')? + 1;
    let end = after_header + pem[after_header..].find("-----END")?;
    let base64: String = pem[after_header..end].split_whitespace().collect();
    decode_base64(&base64).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigstore::TrustedRoot;

    fn derived_bundle() -> String {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
            "../../../shared/data/slsa/slsa-verifier/image/derived/gha_generic_container-v1.4.0.cosign-attestation-as-bundle-v0.1.json",
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    const IMAGE: &str = "a74d89d8dd863ca5dae4a29e0feede81ddf59197849a80784af5a02ab7786925";

    fn image_digest() -> [u8; 32] {
        hex::decode(IMAGE).unwrap().try_into().unwrap()
    }

    #[test]
    fn verifies_the_v1_4_0_container_attestation() {
        let bundle = LegacyIntotoBundle::read("v1.4.0", &derived_bundle())
            .unwrap()
            .expect("an intoto/0.0.1 bundle");
        let root = TrustedRoot::public_good().unwrap();
        let verified = bundle
            .verify(
                "v1.4.0",
                root.raw(),
                BundleArtifact::Sha256(&image_digest()),
                None,
            )
            .unwrap();
        assert!(verified
            .signer
            .build_signer_uri
            .unwrap()
            .contains("generator_container_slsa3.yml"));
    }

    #[test]
    fn a_changed_payload_breaks_the_logged_hash() {
        let mut bundle = LegacyIntotoBundle::read("v1.4.0", &derived_bundle())
            .unwrap()
            .unwrap();
        bundle.payload.push(b' ');
        let root = TrustedRoot::public_good().unwrap();
        let error = bundle
            .verify(
                "v1.4.0",
                root.raw(),
                BundleArtifact::Sha256(&image_digest()),
                None,
            )
            .unwrap_err();
        assert!(error.to_string().contains("payload hash"), "{error}");
    }

    #[test]
    fn a_changed_time_breaks_the_signed_entry_timestamp() {
        let mut bundle = LegacyIntotoBundle::read("v1.4.0", &derived_bundle())
            .unwrap()
            .unwrap();
        bundle.integrated_time += 1;
        let root = TrustedRoot::public_good().unwrap();
        let error = bundle
            .verify(
                "v1.4.0",
                root.raw(),
                BundleArtifact::Sha256(&image_digest()),
                None,
            )
            .unwrap_err();
        assert!(
            error.to_string().contains("signed entry timestamp"),
            "{error}"
        );
    }

    #[test]
    fn other_bundles_are_left_to_sigstore_verify() {
        assert!(LegacyIntotoBundle::read("x", r#"{"mediaType":"x"}"#)
            .unwrap()
            .is_none());
    }
}
