//! Keyless Sigstore bundles (v0.1 to v0.3) verified against a `trusted_root.json`: certificate
//! chain to a Fulcio CA at the signing time, SCT against the CT log keys, Rekor signed entry
//! timestamp or inclusion proof and checkpoint, RFC 3161 timestamps. The work is done by the
//! `sigstore-verify` crate over this crate's RustCrypto provider; this module adapts its
//! results to [`SignerIdentity`], the Fulcio claims the policy decides on.

use sigstore_verify::types::{Artifact, Bundle, SignatureContent};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy, Verifier};

use crate::check::CheckName;
use crate::dsse::{Envelope, EnvelopeSignature};
use crate::error::ProvenanceError;
use crate::rekor_intoto::LegacyIntotoBundle;

/// The name [`TrustedRoot::public_good`] reports in messages.
pub const PUBLIC_GOOD_NAME: &str = "the bundled Sigstore public-good root";

/// Trust anchors for keyless verification, read from a Sigstore `trusted_root.json`.
pub struct TrustedRoot {
    name: String,
    verifier: Verifier,
    /// The parsed root, for what `sigstore-verify` does not cover ([`crate::rekor_intoto`]).
    raw: sigstore_verify::trust_root::TrustedRoot,
}

impl std::fmt::Debug for TrustedRoot {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TrustedRoot")
            .field("name", &self.name)
            .finish()
    }
}

impl TrustedRoot {
    /// Reads a trusted root; `name` (usually the file name) appears in messages.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Malformed`] when the JSON is not a trusted root or holds unusable
    /// keys or certificates.
    pub fn from_json(name: &str, json: &str) -> Result<Self, ProvenanceError> {
        crate::sigstore_provider::install();
        let root = sigstore_verify::trust_root::TrustedRoot::from_json(json)
            .map_err(|e| ProvenanceError::malformed(name, e))?;
        let verifier = Verifier::new(&root).map_err(|e| ProvenanceError::malformed(name, e))?;
        Ok(Self {
            name: name.to_owned(),
            verifier,
            raw: root,
        })
    }

    /// The Sigstore public-good trusted root (Fulcio, Rekor, CT log and timestamp keys of
    /// `sigstore.dev`), bundled at build time so verification needs no network.
    ///
    /// Its keys are those of the day it was copied: a bundle signed after Sigstore rotates a
    /// key fails its Sigstore check until a newer root is given with `--trusted-root`.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Malformed`] only if the bundled file were unusable.
    pub fn public_good() -> Result<Self, ProvenanceError> {
        // Copied verbatim from sigstore-python (commit 27db13db157ecae5606eb22ec0be299ef348c370,
        // `sigstore/_store/https%3A%2F%2Ftuf-repo-cdn.sigstore.dev/trusted_root.json`), the
        // same file as `../shared/data/slsa/trust/sigstore-public-good.trusted_root.json`.
        const PUBLIC_GOOD: &str = include_str!("../data/sigstore-public-good.trusted_root.json");
        Self::from_json(PUBLIC_GOOD_NAME, PUBLIC_GOOD)
    }

    /// The parsed trusted root.
    pub(crate) fn raw(&self) -> &sigstore_verify::trust_root::TrustedRoot {
        &self.raw
    }

    /// The name given when the root was read.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// What the signing certificate says about its holder, read from a certificate whose chain,
/// SCT and log entry verified. Fulcio OIDs `1.3.6.1.4.1.57264.1.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignerIdentity {
    /// The certificate's subject alternative name (URI or email).
    pub san: Option<String>,
    /// The OIDC issuer (`.1.1` / `.1.8`).
    pub issuer: Option<String>,
    /// `.1.9` Build Signer URI: the workflow that signed, with its ref.
    pub build_signer_uri: Option<String>,
    /// `.1.12` Source Repository URI.
    pub source_repository_uri: Option<String>,
    /// `.1.13` Source Repository Digest.
    pub source_repository_digest: Option<String>,
    /// `.1.14` Source Repository Ref.
    pub source_repository_ref: Option<String>,
    /// `.1.20` Build Trigger (the GitHub event).
    pub build_trigger: Option<String>,
    /// The signing time vouched for by the log or a timestamp authority, in Unix seconds.
    pub signing_time: Option<i64>,
}

/// The artifact a bundle is checked against.
#[derive(Debug, Clone, Copy)]
pub enum BundleArtifact<'a> {
    /// The artifact's bytes.
    Bytes(&'a [u8]),
    /// The artifact's SHA-256 digest (32 bytes).
    Sha256(&'a [u8; 32]),
}

/// A bundle that verified: who signed it and, for a DSSE bundle, the envelope.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    /// The signer, from the verified certificate.
    pub signer: SignerIdentity,
    /// The DSSE envelope, when the bundle carries one (attestations do).
    pub envelope: Option<Envelope>,
}

/// The DSSE envelope inside a bundle, without verifying anything: used to learn the subject
/// when no artifact digest was given.
///
/// # Errors
///
/// [`ProvenanceError::Malformed`] when the JSON is not a bundle.
pub fn bundle_envelope(name: &str, json: &str) -> Result<Option<Envelope>, ProvenanceError> {
    if let Some(legacy) = LegacyIntotoBundle::read(name, json)? {
        return Ok(Some(legacy.envelope()));
    }
    let bundle = parse_bundle(name, json)?;
    Ok(envelope_of(&bundle))
}

/// Verifies a keyless bundle against `artifact`. With `identity` (`SAN`, issuer) the
/// certificate must match both exactly, as `cosign verify-blob` requires. With `managed_key`
/// (a DER SubjectPublicKeyInfo) the bundle must instead be signed by that key, still with
/// its transparency-log entry verified. Bundles whose log entry is of kind `intoto/0.0.1`
/// are verified by the `rekor_intoto` module instead, and only keyless.
///
/// # Errors
///
/// [`ProvenanceError::Malformed`] for JSON that is not a bundle; a failed
/// [`CheckName::Sigstore`] check for everything the Sigstore layer rejects, with its reason.
pub fn verify_bundle(
    name: &str,
    json: &str,
    artifact: BundleArtifact<'_>,
    trusted_root: &TrustedRoot,
    identity: Option<(&str, &str)>,
    managed_key: Option<&[u8]>,
) -> Result<VerifiedBundle, ProvenanceError> {
    if let Some(legacy) = LegacyIntotoBundle::read(name, json)? {
        if managed_key.is_some() {
            return Err(ProvenanceError::check(
                CheckName::Sigstore,
                format!("bundle {name}: a rekor intoto/0.0.1 entry is verified keyless only, not with a managed key"),
            ));
        }
        return legacy.verify(name, trusted_root.raw(), artifact, identity);
    }
    let bundle = parse_bundle(name, json)?;
    let artifact = match artifact {
        BundleArtifact::Bytes(bytes) => Artifact::from_blob(bytes),
        BundleArtifact::Sha256(digest) => {
            Artifact::from_digest(sigstore_verify::types::Sha256Hash::new(*digest))
        }
    };

    let outcome = match (managed_key, identity) {
        (Some(key), _) => {
            let key = sigstore_verify::types::DerPublicKey::new(key.to_vec());
            let policy = PublicKeyVerificationPolicy::new(key);
            trusted_root.verifier.verify(artifact, &bundle, &policy)
        }
        (None, Some((san, issuer))) => {
            let policy = VerificationPolicy::new(san.to_owned(), issuer.to_owned());
            trusted_root.verifier.verify(artifact, &bundle, &policy)
        }
        (None, None) => {
            let policy = VerificationPolicy::any_identity();
            trusted_root.verifier.verify(artifact, &bundle, &policy)
        }
    };
    let result = outcome.map_err(|e| {
        ProvenanceError::check(
            CheckName::Sigstore,
            format!(
                "bundle {name} against {}: {}",
                trusted_root.name,
                readable_validity(&e.to_string())
            ),
        )
    })?;
    let signer_verified = managed_key.is_some() || result.certificate_verified();
    if !signer_verified || !result.tlog_verified() && result.verified_timestamps().is_empty() {
        return Err(ProvenanceError::check(
            CheckName::Sigstore,
            format!("bundle {name}: no verified certificate with log or timestamp evidence"),
        ));
    }

    let signer = signer_identity(&result);
    tracing::debug!(bundle = name, san = ?signer.san, "sigstore bundle verified");
    Ok(VerifiedBundle {
        signer,
        envelope: envelope_of(&bundle),
    })
}

/// `message` with webpki's validity errors, which `sigstore-verify` passes on in their debug
/// form (`CertExpired { time: UnixTime(1675296000), not_after: UnixTime(1675210200) }`),
/// written as sentences with dates; other messages are returned as they are.
pub(crate) fn readable_validity(message: &str) -> String {
    let forms = [
        (
            "CertExpired {",
            "not_after: UnixTime(",
            "had expired",
            "valid until",
        ),
        (
            "CertNotValidYet {",
            "not_before: UnixTime(",
            "was not yet valid",
            "valid from",
        ),
    ];
    for (variant, bound, state, window) in forms {
        let Some(start) = message.find(variant) else {
            continue;
        };
        let Some(length) = message[start..].find('}') else {
            continue;
        };
        let end = start + length + 1;
        let fields = &message[start..end];
        let time = unix_time_after(fields, "time: UnixTime(");
        let limit = unix_time_after(fields, bound);
        if let (Some(time), Some(limit)) = (time, limit) {
            return format!(
                "{}a certificate of the chain {state} at the signing time {time} ({window} {limit}){}",
                &message[..start],
                &message[end..]
            );
        }
    }
    message.to_owned()
}

/// The Unix time in seconds written right after `label` in `text`, as a timestamp.
fn unix_time_after(text: &str, label: &str) -> Option<jiff::Timestamp> {
    let digits = &text[text.find(label)? + label.len()..];
    let digits = &digits[..digits.find(')')?];
    jiff::Timestamp::from_second(digits.parse().ok()?).ok()
}

fn parse_bundle(name: &str, json: &str) -> Result<Bundle, ProvenanceError> {
    Bundle::from_json(json)
        .map_err(|e| ProvenanceError::malformed(format!("sigstore bundle {name}"), e))
}

fn signer_identity(result: &sigstore_verify::VerificationResult) -> SignerIdentity {
    let signing_time = result
        .integrated_time()
        .or_else(|| result.verified_timestamps().first().copied())
        .map(|time| time.as_second());
    let mut signer = match result.certificate() {
        Some(certificate) => signer_from_certificate(certificate, signing_time),
        None => SignerIdentity {
            signing_time,
            ..SignerIdentity::default()
        },
    };
    signer.san = result.identity().map(|san| san.as_str().to_owned());
    signer.issuer = result.issuer().map(str::to_owned);
    signer
}

/// The Fulcio claims of a certificate that verified, signed at `signing_time`.
pub(crate) fn signer_from_certificate(
    certificate: &sigstore_verify::crypto::CertificateInfo,
    signing_time: Option<i64>,
) -> SignerIdentity {
    let claims = &certificate.ci_claims;
    let mut signer = SignerIdentity {
        san: certificate
            .identity
            .as_ref()
            .map(|san| san.as_str().to_owned()),
        issuer: certificate.issuer.clone(),
        build_signer_uri: claims.build_signer_uri.clone(),
        source_repository_uri: claims.source_repository_uri.clone(),
        source_repository_digest: claims
            .source_repository_digest
            .clone()
            .or_else(|| claims.deprecated_github.workflow_sha.clone()),
        source_repository_ref: claims.source_repository_ref.clone(),
        build_trigger: claims
            .build_trigger
            .clone()
            .or_else(|| claims.deprecated_github.workflow_trigger.clone()),
        signing_time,
    };
    // Certificates issued before Fulcio's provider-neutral claims (early 2023) carry only the
    // GitHub-specific ones; for GitHub Actions the SAN is the job workflow ref, which the Build
    // Signer URI later repeated.
    if signer.source_repository_uri.is_none() {
        signer.source_repository_uri = claims
            .deprecated_github
            .workflow_repository
            .as_ref()
            .map(|repository| format!("https://github.com/{repository}"));
    }
    if signer.source_repository_ref.is_none() {
        signer.source_repository_ref = claims.deprecated_github.workflow_ref.clone();
    }
    let from_github_actions = signer.issuer.as_deref() == Some(GITHUB_ACTIONS_ISSUER);
    if signer.build_signer_uri.is_none() && from_github_actions {
        signer.build_signer_uri = signer
            .san
            .clone()
            .filter(|san| san.starts_with("https://github.com/"));
    }
    signer
}

/// The OIDC issuer of GitHub Actions workflow identities.
const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn envelope_of(bundle: &Bundle) -> Option<Envelope> {
    let SignatureContent::DsseEnvelope(envelope) = &bundle.content else {
        return None;
    };
    Some(Envelope {
        payload_type: envelope.payload_type.clone(),
        payload: envelope.payload.as_bytes().to_vec(),
        signatures: vec![EnvelopeSignature {
            keyid: None,
            sig: envelope.signature.sig.as_bytes().to_vec(),
            cert: None,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_errors_become_sentences_with_dates() {
        let expired = "chain failed: CertExpired { time: UnixTime(1675296000), not_after: \
                       UnixTime(1675210200) }";
        assert_eq!(
            readable_validity(expired),
            "chain failed: a certificate of the chain had expired at the signing time \
             2023-02-02T00:00:00Z (valid until 2023-02-01T00:10:00Z)"
        );
        let early =
            "CertNotValidYet { time: UnixTime(1675209600), not_before: UnixTime(1893456000) }";
        assert_eq!(
            readable_validity(early),
            "a certificate of the chain was not yet valid at the signing time \
             2023-02-01T00:00:00Z (valid from 2030-01-01T00:00:00Z)"
        );
        assert_eq!(readable_validity("UnknownIssuer"), "UnknownIssuer");
        assert_eq!(
            readable_validity("CertExpired { time: garbage }"),
            "CertExpired { time: garbage }"
        );
    }
}
