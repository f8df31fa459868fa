//! The signed certificate timestamp (SCT) a Fulcio certificate carries: a certificate
//! transparency log's promise that it logged the certificate (RFC 6962, sections 3.2 and 3.3,
//! <https://www.rfc-editor.org/rfc/rfc6962#section-3.2>).
//!
//! Fulcio submits a precertificate to the CT log and embeds the SCT it gets back in the final
//! certificate (extension `1.3.6.1.4.1.11129.2.4.2`). The log signed, over the TLS encoding of
//! RFC 6962's `digitally-signed` structure: the version, the signature type
//! (`certificate_timestamp`), the timestamp, the entry type (`precert_entry`), the SHA-256 of
//! the issuer's SubjectPublicKeyInfo, the certificate's TBS without the SCT extension, and the
//! SCT's extensions. This module rebuilds those bytes and checks the signature with the key of
//! the CT log of the trusted root whose key hash is the SCT's log ID, valid at the SCT's time.

use der::{Decode, Encode};
use sha2::{Digest as _, Sha256};
use sigstore_verify::trust_root::TrustedRoot;
use x509_cert::ext::pkix::sct::{
    HashAlgorithm, SignatureAlgorithm, SignatureAndHashAlgorithm, SignedCertificateTimestamp,
    SignedCertificateTimestampList,
};
use x509_cert::Certificate;

use crate::keys::{KeyKind, PublicKey};

/// The OID of the embedded SCT list extension, `1.3.6.1.4.1.11129.2.4.2`.
const SCT_LIST_EXTENSION: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");

/// RFC 6962 `SignatureType.certificate_timestamp`.
const CERTIFICATE_TIMESTAMP: u8 = 0;

/// RFC 6962 `LogEntryType.precert_entry`.
const PRECERT_ENTRY: u16 = 1;

/// Why the embedded SCT does not show that a trusted CT log logged the certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SctError {
    /// The signing certificate cannot be decoded.
    #[error("embedded SCT: the signing certificate is not valid DER: {0}")]
    Certificate(String),

    /// The certificate has no SCT list extension, or an empty one.
    #[error("embedded SCT: the signing certificate carries none (extension {SCT_LIST_EXTENSION})")]
    Missing,

    /// The SCT list extension cannot be decoded.
    #[error("embedded SCT: the SCT list is unreadable: {0}")]
    Unreadable(String),

    /// No certificate of the chain or the trusted root has the name the certificate's issuer has.
    #[error("embedded SCT: no certificate of the bundle or the trusted root is its issuer {0}")]
    NoIssuer(String),

    /// The SCT names a log the trusted root does not list.
    #[error("embedded SCT: log {log_id} is not a CT log of the trusted root")]
    UnknownLog {
        /// The SCT's log ID, hex.
        log_id: String,
    },

    /// The trusted root lists the log, but its key cannot be used.
    #[error("embedded SCT: the trusted root's key of CT log {log_id} is unusable: {reason}")]
    UnusableKey {
        /// The log ID, hex.
        log_id: String,
        /// Why the key was refused.
        reason: String,
    },

    /// The log's key was not valid when the SCT was issued.
    #[error("embedded SCT: the key of CT log {log_id} was not valid at the SCT time {time}")]
    KeyNotValid {
        /// The log ID, hex.
        log_id: String,
        /// The SCT's timestamp.
        time: String,
    },

    /// The SCT's signature algorithm is not the one the log's key signs with.
    #[error(
        "embedded SCT: signature algorithm {algorithm} does not fit the key of CT log {log_id}"
    )]
    Algorithm {
        /// The log ID, hex.
        log_id: String,
        /// The SCT's hash and signature algorithm, e.g. `sha1/rsa`.
        algorithm: String,
    },

    /// The signature does not verify over the rebuilt precertificate entry.
    #[error(
        "embedded SCT: the signature of CT log {log_id} at {time} does not verify over the \
         precertificate (issuer key sha256:{issuer_key_hash})"
    )]
    Signature {
        /// The log ID, hex.
        log_id: String,
        /// The SCT's timestamp.
        time: String,
        /// The SHA-256 of the issuer's SubjectPublicKeyInfo that was signed over, hex.
        issuer_key_hash: String,
    },
}

/// Checks that a CT log of `root` signed an SCT embedded in the certificate `leaf_der`.
/// `issuers` are candidate issuer certificates (DER): the bundle's chain and the trusted root's
/// Fulcio chains; those whose subject is the leaf's issuer are tried. One SCT that verifies is
/// enough, as for Sigstore clients.
///
/// # Errors
///
/// The first SCT's [`SctError`] when none verifies; [`SctError::Missing`] without any SCT.
pub(crate) fn verify_embedded_sct(
    leaf_der: &[u8],
    issuers: &[&[u8]],
    root: &TrustedRoot,
) -> Result<(), SctError> {
    let leaf = Certificate::from_der(leaf_der).map_err(|e| SctError::Certificate(e.to_string()))?;
    let timestamps = embedded_timestamps(&leaf)?;

    let issuer_key_hashes = issuer_key_hashes(&leaf, issuers)?;
    let precertificate = precertificate_tbs(&leaf)?;

    let mut first_error = None;
    for timestamp in &timestamps {
        match verify_timestamp(timestamp, &precertificate, &issuer_key_hashes, root) {
            Ok(()) => {
                tracing::debug!(
                    log_id = hex::encode(timestamp.log_id.key_id),
                    "embedded SCT verified"
                );
                return Ok(());
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.unwrap_or(SctError::Missing))
}

/// The SCTs of the certificate's SCT list extension.
fn embedded_timestamps(leaf: &Certificate) -> Result<Vec<SignedCertificateTimestamp>, SctError> {
    let extension = leaf
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|extension| extension.extn_id == SCT_LIST_EXTENSION)
        .ok_or(SctError::Missing)?;
    let list = SignedCertificateTimestampList::from_der(extension.extn_value.as_bytes())
        .map_err(|e| SctError::Unreadable(e.to_string()))?;
    let serialized = list
        .parse_timestamps()
        .map_err(|e| SctError::Unreadable(format!("{e:?}")))?;
    if serialized.is_empty() {
        return Err(SctError::Missing);
    }
    serialized
        .iter()
        .map(|sct| {
            sct.parse_timestamp()
                .map_err(|e| SctError::Unreadable(format!("{e:?}")))
        })
        .collect()
}

/// The SHA-256 of the SubjectPublicKeyInfo of each candidate whose subject is `leaf`'s issuer,
/// without repeats.
fn issuer_key_hashes(leaf: &Certificate, issuers: &[&[u8]]) -> Result<Vec<[u8; 32]>, SctError> {
    let issuer_name = &leaf.tbs_certificate.issuer;
    let mut hashes: Vec<[u8; 32]> = Vec::new();
    for der in issuers {
        let Ok(candidate) = Certificate::from_der(der) else {
            continue;
        };
        if &candidate.tbs_certificate.subject != issuer_name {
            continue;
        }
        let Ok(spki) = candidate.tbs_certificate.subject_public_key_info.to_der() else {
            continue;
        };
        let hash: [u8; 32] = Sha256::digest(&spki).into();
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
    }
    if hashes.is_empty() {
        return Err(SctError::NoIssuer(issuer_name.to_string()));
    }
    Ok(hashes)
}

/// The DER of `leaf`'s TBS certificate without the SCT list extension: the precertificate the
/// log signed.
fn precertificate_tbs(leaf: &Certificate) -> Result<Vec<u8>, SctError> {
    let mut tbs = leaf.tbs_certificate.clone();
    tbs.extensions = tbs.extensions.map(|extensions| {
        extensions
            .into_iter()
            .filter(|extension| extension.extn_id != SCT_LIST_EXTENSION)
            .collect()
    });
    tbs.to_der()
        .map_err(|e| SctError::Certificate(format!("re-encoding its TBS failed: {e}")))
}

/// Checks one SCT against the trusted CT log its log ID names.
fn verify_timestamp(
    timestamp: &SignedCertificateTimestamp,
    precertificate: &[u8],
    issuer_key_hashes: &[[u8; 32]],
    root: &TrustedRoot,
) -> Result<(), SctError> {
    let log_id = hex::encode(timestamp.log_id.key_id);
    let time = i64::try_from(timestamp.timestamp)
        .ok()
        .and_then(|millis| jiff::Timestamp::from_millisecond(millis).ok());
    let time_text = time.map_or_else(
        || format!("{} ms", timestamp.timestamp),
        |time| time.to_string(),
    );

    let log = root
        .ctlogs
        .iter()
        .find(|log| {
            Sha256::digest(log.public_key.raw_bytes.as_bytes()).as_slice()
                == timestamp.log_id.key_id
        })
        .ok_or_else(|| SctError::UnknownLog {
            log_id: log_id.clone(),
        })?;
    let valid = match (log.public_key.valid_for, time) {
        (None, _) => true,
        (Some(window), Some(time)) => window.contains(time),
        (Some(_), None) => false,
    };
    if !valid {
        return Err(SctError::KeyNotValid {
            log_id,
            time: time_text,
        });
    }
    let key = PublicKey::from_spki_der(
        &format!("ct log {log_id}"),
        log.public_key.raw_bytes.as_bytes(),
    )
    .map_err(|error| SctError::UnusableKey {
        log_id: log_id.clone(),
        reason: error.to_string(),
    })?;
    let algorithm = &timestamp.signature.algorithm;
    if !fits(key.kind(), algorithm) {
        return Err(SctError::Algorithm {
            log_id,
            algorithm: format!("{:?}/{:?}", algorithm.hash, algorithm.signature).to_lowercase(),
        });
    }

    let signature = timestamp.signature.signature.as_slice();
    for issuer_key_hash in issuer_key_hashes {
        let signed = signed_entry(timestamp, issuer_key_hash, precertificate);
        if key.verifies(&signed, signature) {
            return Ok(());
        }
    }
    Err(SctError::Signature {
        log_id,
        time: time_text,
        issuer_key_hash: hex::encode(issuer_key_hashes[0]),
    })
}

/// The TLS encoding of RFC 6962's `digitally-signed` structure for a precertificate entry.
fn signed_entry(
    timestamp: &SignedCertificateTimestamp,
    issuer_key_hash: &[u8; 32],
    precertificate: &[u8],
) -> Vec<u8> {
    let extensions = timestamp.extensions.as_slice();
    let mut signed = Vec::with_capacity(precertificate.len() + extensions.len() + 52);
    signed.push(0); // Version v1, the only one RFC 6962 defines.
    signed.push(CERTIFICATE_TIMESTAMP);
    signed.extend_from_slice(&timestamp.timestamp.to_be_bytes());
    signed.extend_from_slice(&PRECERT_ENTRY.to_be_bytes());
    signed.extend_from_slice(issuer_key_hash);

    // A certificate is at most 2^24 - 1 bytes in TLS; the DER decoder took it, so it fits.
    let length = u32::try_from(precertificate.len()).unwrap_or(u32::MAX);
    signed.extend_from_slice(&length.to_be_bytes()[1..]);
    signed.extend_from_slice(precertificate);

    let length = u16::try_from(extensions.len()).unwrap_or(u16::MAX);
    signed.extend_from_slice(&length.to_be_bytes());
    signed.extend_from_slice(extensions);
    signed
}

/// Whether the SCT's algorithm is the one a log key of this kind signs with (RFC 5246
/// `SignatureAndHashAlgorithm`; Ed25519 is RFC 8446's intrinsic `ed25519`).
fn fits(kind: KeyKind, algorithm: &SignatureAndHashAlgorithm) -> bool {
    use HashAlgorithm as Hash;
    use SignatureAlgorithm as Signature;
    let pair = (&algorithm.hash, &algorithm.signature);
    match kind {
        KeyKind::EcdsaP256 => matches!(pair, (Hash::Sha256, Signature::Ecdsa)),
        KeyKind::EcdsaP384 => matches!(pair, (Hash::Sha384, Signature::Ecdsa)),
        KeyKind::Rsa => matches!(pair, (Hash::Sha256, Signature::Rsa)),
        KeyKind::Ed25519 => matches!(pair, (Hash::Intrinsic, Signature::Ed25519)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::decode_base64;
    use crate::sigstore::TrustedRoot as PurserRoot;

    /// The signing certificate and its chain from the v1.4.0 container attestation of
    /// slsa-verifier's test data, as a Sigstore bundle (intoto/0.0.1 entry).
    fn bundle_certificates() -> Vec<Vec<u8>> {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
            "../../../shared/data/slsa/slsa-verifier/image/derived/gha_generic_container-v1.4.0.cosign-attestation-as-bundle-v0.1.json",
        );
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bundle: serde_json::Value = serde_json::from_str(&text).expect("bundle JSON");
        bundle["verificationMaterial"]["x509CertificateChain"]["certificates"]
            .as_array()
            .expect("certificates")
            .iter()
            .map(|certificate| {
                decode_base64(certificate["rawBytes"].as_str().expect("rawBytes")).expect("base64")
            })
            .collect()
    }

    /// Every certificate of the trusted root's Fulcio chains.
    fn fulcio_certificates(root: &TrustedRoot) -> Vec<Vec<u8>> {
        root.certificate_authorities
            .iter()
            .flat_map(|ca| ca.cert_chain.certificates.iter())
            .map(|certificate| certificate.raw_bytes.as_bytes().to_vec())
            .collect()
    }

    fn check(leaf: &[u8]) -> Result<(), SctError> {
        let root = PurserRoot::public_good().expect("bundled trusted root");
        let issuers = fulcio_certificates(root.raw());
        let issuers: Vec<&[u8]> = issuers.iter().map(Vec::as_slice).collect();
        verify_embedded_sct(leaf, &issuers, root.raw())
    }

    /// The position of the SCT list's TLS bytes in the certificate's DER (after the header of
    /// the octet string wrapping them).
    fn sct_list_range(leaf: &[u8]) -> std::ops::Range<usize> {
        let certificate = Certificate::from_der(leaf).expect("certificate");
        let extension = certificate
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|extension| extension.extn_id == SCT_LIST_EXTENSION)
            .expect("an SCT extension");
        let value = extension.extn_value.as_bytes();
        let start = leaf
            .windows(value.len())
            .position(|window| window == value)
            .expect("the extension's bytes in the DER");
        let header = match value[1] {
            short if short < 0x80 => 2,
            long => 2 + usize::from(long & 0x7f),
        };
        start + header..start + value.len()
    }

    #[test]
    fn the_sct_of_a_real_fulcio_certificate_verifies() {
        let leaf = &bundle_certificates()[0];
        assert_eq!(check(leaf), Ok(()));
    }

    #[test]
    fn a_tampered_sct_signature_fails_naming_the_log_and_time() {
        let mut leaf = bundle_certificates()[0].clone();
        let range = sct_list_range(&leaf);
        // The list ends with the ECDSA signature's `s`; changing its last byte keeps the DER.
        leaf[range.end - 1] ^= 0x01;

        let error = check(&leaf).expect_err("a tampered SCT");
        assert!(matches!(error, SctError::Signature { .. }), "{error:?}");
        let message = error.to_string();
        assert!(
            message.starts_with("embedded SCT: the signature of CT log "),
            "{message}"
        );
        assert!(message.contains("does not verify over the precertificate"));
    }

    #[test]
    fn a_tampered_sct_timestamp_fails_too() {
        let mut leaf = bundle_certificates()[0].clone();
        let range = sct_list_range(&leaf);
        // List length, SCT length, version, 32-byte log ID: then the 8-byte time.
        let timestamp_byte = range.start + 2 + 2 + 1 + 32 + 7;
        leaf[timestamp_byte] ^= 0x01;

        let error = check(&leaf).expect_err("a tampered SCT time");
        assert!(matches!(error, SctError::Signature { .. }), "{error:?}");
    }

    #[test]
    fn an_sct_from_a_log_outside_the_trusted_root_is_refused() {
        let mut leaf = bundle_certificates()[0].clone();
        let range = sct_list_range(&leaf);
        // List length, SCT length, version: then the log ID.
        let log_id_byte = range.start + 2 + 2 + 1;
        leaf[log_id_byte] ^= 0xff;

        let error = check(&leaf).expect_err("an unknown log");
        assert!(matches!(error, SctError::UnknownLog { .. }), "{error:?}");
        assert!(error
            .to_string()
            .contains("is not a CT log of the trusted root"));
    }

    #[test]
    fn a_certificate_without_an_sct_is_refused() {
        let root = PurserRoot::public_good().expect("bundled trusted root");
        let intermediate = fulcio_certificates(root.raw())
            .into_iter()
            .next()
            .expect("a Fulcio certificate");
        assert_eq!(check(&intermediate), Err(SctError::Missing));
    }
}
