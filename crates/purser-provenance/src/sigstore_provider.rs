//! A RustCrypto [`CryptoProvider`] for the `sigstore-verify` crates, so the Sigstore layer needs
//! no C library: hashing with `sha2`, ECDSA with `p256`/`p384`, Ed25519 with `ed25519-dalek`,
//! RSA with `rsa`. Verification only; this crate never signs.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::signature::Verifier;
use rsa::pkcs1::DecodeRsaPublicKey;
use sha2::{Digest, Sha256, Sha384, Sha512};
use sigstore_verify::crypto::provider::{CryptoProvider, HashContext};
use sigstore_verify::crypto::{Error, Result, SigningScheme};
use sigstore_verify::types::HashAlgorithm;

/// The provider instance installed by [`install`].
static PROVIDER: RustCryptoProvider = RustCryptoProvider;

/// Verification with RustCrypto crates.
#[derive(Debug)]
pub(crate) struct RustCryptoProvider;

/// Installs the provider once per process. Another provider installed first (by a program that
/// also links `sigstore-crypto`) is kept: any complete provider verifies the same signatures.
pub(crate) fn install() {
    let _already_installed = sigstore_verify::crypto::provider::install_default_provider(&PROVIDER);
}

enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl HashContext for Hasher {
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(state) => state.update(data),
            Self::Sha384(state) => state.update(data),
            Self::Sha512(state) => state.update(data),
        }
    }

    fn finalize(self: Box<Self>) -> Vec<u8> {
        match *self {
            Self::Sha256(state) => state.finalize().to_vec(),
            Self::Sha384(state) => state.finalize().to_vec(),
            Self::Sha512(state) => state.finalize().to_vec(),
        }
    }
}

fn failed(reason: impl ToString) -> Error {
    Error::Verification(reason.to_string())
}

fn invalid_key(reason: impl ToString) -> Error {
    Error::InvalidKeyFormat(reason.to_string())
}

/// What to verify: the message itself, or its digest computed by the caller.
#[derive(Clone, Copy)]
enum Input<'a> {
    Message(&'a [u8]),
    Prehashed(&'a [u8]),
}

impl Input<'_> {
    /// The digest of the input under `algorithm`.
    fn digest(self, algorithm: HashAlgorithm) -> Result<Vec<u8>> {
        match self {
            Self::Prehashed(digest) => Ok(digest.to_vec()),
            Self::Message(data) => Ok(match algorithm {
                HashAlgorithm::Sha2256 => Sha256::digest(data).to_vec(),
                HashAlgorithm::Sha2384 => Sha384::digest(data).to_vec(),
                HashAlgorithm::Sha2512 => Sha512::digest(data).to_vec(),
                other => return Err(Error::UnsupportedAlgorithm(format!("{other:?}"))),
            }),
        }
    }
}

fn verify(scheme: SigningScheme, key: &[u8], input: Input<'_>, signature: &[u8]) -> Result<()> {
    let hash = scheme.hash_algorithm();
    match scheme {
        SigningScheme::EcdsaP256Sha256 | SigningScheme::EcdsaP256Sha384 => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(invalid_key)?;
            let signature = p256::ecdsa::Signature::from_der(signature).map_err(failed)?;
            let digest = input.digest(hash.unwrap_or(HashAlgorithm::Sha2256))?;
            key.verify_prehash(&digest, &signature).map_err(failed)
        }
        SigningScheme::EcdsaP384Sha256 | SigningScheme::EcdsaP384Sha384 => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(invalid_key)?;
            let signature = p384::ecdsa::Signature::from_der(signature).map_err(failed)?;
            let digest = input.digest(hash.unwrap_or(HashAlgorithm::Sha2384))?;
            key.verify_prehash(&digest, &signature).map_err(failed)
        }
        SigningScheme::Ed25519 => {
            let Input::Message(message) = input else {
                return Err(failed("ed25519 cannot verify a prehashed digest"));
            };
            let bytes: [u8; 32] = key.try_into().map_err(invalid_key)?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(invalid_key)?;
            let signature = ed25519_dalek::Signature::from_slice(signature).map_err(failed)?;
            key.verify(message, &signature).map_err(failed)
        }
        SigningScheme::RsaPkcs1Sha256
        | SigningScheme::RsaPkcs1Sha384
        | SigningScheme::RsaPkcs1Sha512
        | SigningScheme::RsaPssSha256
        | SigningScheme::RsaPssSha384
        | SigningScheme::RsaPssSha512 => verify_rsa(scheme, key, input, signature),
        other => Err(Error::UnsupportedAlgorithm(format!("{other:?}"))),
    }
}

fn verify_rsa(scheme: SigningScheme, key: &[u8], input: Input<'_>, signature: &[u8]) -> Result<()> {
    let key = rsa::RsaPublicKey::from_pkcs1_der(key).map_err(invalid_key)?;
    let hash = scheme
        .hash_algorithm()
        .ok_or_else(|| failed("rsa scheme without a hash"))?;
    let digest = input.digest(hash)?;
    let outcome = match scheme {
        SigningScheme::RsaPkcs1Sha256 => {
            key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
        }
        SigningScheme::RsaPkcs1Sha384 => {
            key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &digest, signature)
        }
        SigningScheme::RsaPkcs1Sha512 => {
            key.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), &digest, signature)
        }
        SigningScheme::RsaPssSha256 => key.verify(rsa::Pss::new::<Sha256>(), &digest, signature),
        SigningScheme::RsaPssSha384 => key.verify(rsa::Pss::new::<Sha384>(), &digest, signature),
        _ => key.verify(rsa::Pss::new::<Sha512>(), &digest, signature),
    };
    outcome.map_err(failed)
}

impl CryptoProvider for RustCryptoProvider {
    fn hash(&self, algorithm: HashAlgorithm) -> Result<Box<dyn HashContext>> {
        Ok(Box::new(match algorithm {
            HashAlgorithm::Sha2256 => Hasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha2384 => Hasher::Sha384(Sha384::new()),
            HashAlgorithm::Sha2512 => Hasher::Sha512(Sha512::new()),
            other => return Err(Error::UnsupportedAlgorithm(format!("{other:?}"))),
        }))
    }

    fn verify_raw(
        &self,
        scheme: SigningScheme,
        spki_pubkey_bytes: &[u8],
        data: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        verify(scheme, spki_pubkey_bytes, Input::Message(data), signature)
    }

    fn verify_prehashed(
        &self,
        scheme: SigningScheme,
        spki_pubkey_bytes: &[u8],
        digest: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        verify(
            scheme,
            spki_pubkey_bytes,
            Input::Prehashed(digest),
            signature,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_sha2() {
        let mut context = PROVIDER.hash(HashAlgorithm::Sha2256).unwrap();
        context.update(b"abc");
        assert_eq!(context.finalize(), Sha256::digest(b"abc").to_vec());
    }

    #[test]
    fn rejects_garbage_signatures() {
        let key = [4u8; 65];
        assert!(PROVIDER
            .verify_raw(SigningScheme::EcdsaP256Sha256, &key, b"m", b"sig")
            .is_err());
    }
}
