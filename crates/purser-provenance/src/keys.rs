//! Public keys from PEM (SubjectPublicKeyInfo, or PKCS#1 for RSA) and signature checks over
//! a message with each algorithm DSSE signers use.

use ed25519_dalek::pkcs8::DecodePublicKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use sha2::{Digest, Sha256, Sha384};
use signature_bridge::Verifier;

use crate::error::ProvenanceError;

/// A bridge to the `signature` traits re-exported by the curve crates, so no extra dependency.
mod signature_bridge {
    pub(crate) use p256::ecdsa::signature::Verifier;
}

/// A public key able to check signatures, with a name for messages.
#[derive(Debug, Clone)]
pub struct PublicKey {
    name: String,
    algorithm: KeyAlgorithm,
    spki_der: Vec<u8>,
}

/// The algorithm of a [`PublicKey`], without the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// ECDSA on P-256, verified with SHA-256.
    EcdsaP256,
    /// ECDSA on P-384, verified with SHA-384.
    EcdsaP384,
    /// Ed25519.
    Ed25519,
    /// RSA, verified with SHA-256.
    Rsa,
}

#[derive(Debug, Clone)]
enum KeyAlgorithm {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
}

impl PublicKey {
    /// Reads a PEM public key: `PUBLIC KEY` (SubjectPublicKeyInfo) with an ECDSA P-256/P-384,
    /// Ed25519 or RSA key, or `RSA PUBLIC KEY` (PKCS#1). `name` appears in messages.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Key`] when the text is not PEM or holds another kind of key.
    pub fn from_pem(name: &str, pem: &str) -> Result<Self, ProvenanceError> {
        let error = |reason: String| ProvenanceError::Key {
            key: name.to_owned(),
            reason,
        };
        if pem.contains("BEGIN RSA PUBLIC KEY") {
            let key = rsa::RsaPublicKey::from_pkcs1_pem(pem).map_err(|e| error(e.to_string()))?;
            let der = rsa::pkcs8::EncodePublicKey::to_public_key_der(&key)
                .map_err(|e| error(e.to_string()))?;
            return Ok(Self::new(name, KeyAlgorithm::Rsa(key), der.as_bytes()));
        }

        let (label, der) = spki::Document::from_pem(pem).map_err(|e| error(e.to_string()))?;
        if label != "PUBLIC KEY" {
            return Err(error(format!("PEM label {label}, expected PUBLIC KEY")));
        }
        Self::from_spki_der(name, der.as_bytes())
    }

    /// Reads a DER SubjectPublicKeyInfo.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Key`] when the bytes are not an SPKI of a supported algorithm.
    pub fn from_spki_der(name: &str, der: &[u8]) -> Result<Self, ProvenanceError> {
        let error = |reason: String| ProvenanceError::Key {
            key: name.to_owned(),
            reason,
        };
        let info =
            spki::SubjectPublicKeyInfoRef::try_from(der).map_err(|e| error(e.to_string()))?;
        let oid = info.algorithm.oid.to_string();

        let algorithm = match oid.as_str() {
            "1.2.840.10045.2.1" => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map_err(|e| error(format!("ECDSA key without a named curve: {e}")))?
                    .to_string();
                match curve.as_str() {
                    "1.2.840.10045.3.1.7" => KeyAlgorithm::P256(
                        p256::ecdsa::VerifyingKey::from_public_key_der(der)
                            .map_err(|e| error(e.to_string()))?,
                    ),
                    "1.3.132.0.34" => KeyAlgorithm::P384(
                        p384::ecdsa::VerifyingKey::from_public_key_der(der)
                            .map_err(|e| error(e.to_string()))?,
                    ),
                    other => return Err(error(format!("unsupported elliptic curve {other}"))),
                }
            }
            "1.3.101.112" => KeyAlgorithm::Ed25519(
                ed25519_dalek::VerifyingKey::from_public_key_der(der)
                    .map_err(|e| error(e.to_string()))?,
            ),
            "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => KeyAlgorithm::Rsa(
                rsa::RsaPublicKey::from_public_key_der(der).map_err(|e| error(e.to_string()))?,
            ),
            other => return Err(error(format!("unsupported key algorithm {other}"))),
        };
        Ok(Self::new(name, algorithm, der))
    }

    fn new(name: &str, algorithm: KeyAlgorithm, spki_der: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            algorithm,
            spki_der: spki_der.to_vec(),
        }
    }

    /// The kind of key, for callers that must match it with an algorithm named elsewhere (an
    /// SCT names its own).
    pub(crate) fn kind(&self) -> KeyKind {
        match self.algorithm {
            KeyAlgorithm::P256(_) => KeyKind::EcdsaP256,
            KeyAlgorithm::P384(_) => KeyKind::EcdsaP384,
            KeyAlgorithm::Ed25519(_) => KeyKind::Ed25519,
            KeyAlgorithm::Rsa(_) => KeyKind::Rsa,
        }
    }

    /// The key as a DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The name given when the key was read.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Checks `signature` over `message`: ECDSA P-256 with SHA-256 and P-384 with SHA-384
    /// (DER or raw `r||s`), Ed25519, RSA PKCS#1 v1.5 or PSS with SHA-256.
    ///
    /// `false` means the signature does not verify with this key, whatever the reason
    /// (wrong key, altered message, undecodable signature).
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.algorithm {
            KeyAlgorithm::P256(key) => {
                let parsed = if signature.len() == 64 {
                    p256::ecdsa::Signature::from_slice(signature)
                } else {
                    p256::ecdsa::Signature::from_der(signature)
                };
                parsed.is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            KeyAlgorithm::P384(key) => {
                let parsed = if signature.len() == 96 {
                    p384::ecdsa::Signature::from_slice(signature)
                } else {
                    p384::ecdsa::Signature::from_der(signature)
                };
                parsed.is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            KeyAlgorithm::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok()),
            KeyAlgorithm::Rsa(key) => verify_rsa(key, message, signature),
        }
    }
}

/// A PEM key does not say which RSA padding its owner signs with, so both are tried; each is
/// a complete verification, so accepting either does not weaken the other.
fn verify_rsa(key: &rsa::RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    let digest = Sha256::digest(message);
    if key
        .verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
        .is_ok()
    {
        return true;
    }
    if key
        .verify(rsa::Pss::new::<Sha256>(), &digest, signature)
        .is_ok()
    {
        return true;
    }

    // Some signers pair SHA-384 with larger RSA keys.
    let digest = Sha384::digest(message);
    key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &digest, signature)
        .is_ok()
        || key
            .verify(rsa::Pss::new::<Sha384>(), &digest, signature)
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_KEY: &str = "-----BEGIN PUBLIC KEY-----\n\
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdMcJUyKbmarf6dydhfmAjgmK6c42\n\
oCCNRR1se3Bi3VO65KcGk6qyci6/bsu2s4u+dLKWrsUQomEw4v3FtVctoA==\n\
-----END PUBLIC KEY-----\n";

    #[test]
    fn reads_p256_spki_pem() {
        let key = PublicKey::from_pem("global-pae", HELLO_KEY).unwrap();
        assert!(matches!(key.algorithm, KeyAlgorithm::P256(_)));
        assert!(!key.verifies(b"message", &[0u8; 64]));
    }

    #[test]
    fn rejects_non_key_pem_with_the_key_name() {
        let error = PublicKey::from_pem("mine.pem", "not a pem").unwrap_err();
        assert!(error
            .to_string()
            .starts_with("unusable public key mine.pem"));
    }
}
