//! Content digests in the OCI form `sha256:<64 lowercase hex>`.
//!
//! The OCI image spec ("Descriptors", section "Digests") defines the grammar
//! `digest ::= algorithm ":" encoded`; for the registered algorithm `sha256` the encoded part MUST
//! be 64 lowercase hexadecimal characters. Purser verifies every blob it reads against such a
//! digest, so only `sha256` is accepted here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::ImageError;

/// Length of a sha256 digest's hexadecimal part.
const SHA256_HEX_LEN: usize = 64;

/// A validated `sha256:<64 lowercase hex>` content digest.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Digest {
    /// The full text, `sha256:` followed by 64 lowercase hex characters.
    text: String,
}

impl Digest {
    /// Parses and validates `sha256:<64 lowercase hex>`.
    ///
    /// # Errors
    ///
    /// [`ImageError::InvalidDigest`] when the algorithm is not `sha256` or the hex part is not
    /// exactly 64 lowercase hexadecimal characters.
    pub fn parse(text: &str) -> Result<Digest, ImageError> {
        let invalid = |reason: &str| ImageError::InvalidDigest {
            input: shorten_for_message(text),
            reason: reason.to_owned(),
        };

        let Some((algorithm, encoded)) = text.split_once(':') else {
            return Err(invalid("expected algorithm:hex"));
        };
        if algorithm != "sha256" {
            return Err(invalid("only sha256 digests are supported"));
        }
        if !is_lower_hex(encoded, SHA256_HEX_LEN) {
            return Err(invalid("expected 64 lowercase hexadecimal characters"));
        }
        Ok(Digest {
            text: text.to_owned(),
        })
    }

    /// Builds a digest from a 64-character lowercase hex string (no `sha256:` prefix).
    ///
    /// # Errors
    ///
    /// [`ImageError::InvalidDigest`] when `hex` is not 64 lowercase hexadecimal characters.
    pub fn from_sha256_hex(hex: &str) -> Result<Digest, ImageError> {
        Digest::parse(&format!("sha256:{hex}"))
    }

    /// The sha256 digest of `bytes`.
    pub fn sha256(bytes: &[u8]) -> Digest {
        Digest::from_hasher(Sha256::new_with_prefix(bytes))
    }

    /// The digest of everything fed to `hasher`.
    pub(crate) fn from_hasher(hasher: Sha256) -> Digest {
        Digest {
            text: format!("sha256:{}", hex::encode(hasher.finalize())),
        }
    }

    /// The full text, e.g. `sha256:3f2a…`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The algorithm, always `sha256`.
    pub fn algorithm(&self) -> &str {
        "sha256"
    }

    /// The 64 hex characters after `sha256:`.
    pub fn hex(&self) -> &str {
        &self.text["sha256:".len()..]
    }

    /// A short form for messages: `sha256:` and the first 12 hex characters, then `…`.
    pub fn short(&self) -> String {
        format!("sha256:{}…", &self.hex()[..12])
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Digest({})", self.text)
    }
}

impl FromStr for Digest {
    type Err = ImageError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Digest::parse(text)
    }
}

impl TryFrom<String> for Digest {
    type Error = ImageError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Digest::parse(&text)
    }
}

impl From<Digest> for String {
    fn from(digest: Digest) -> String {
        digest.text
    }
}

/// Whether `text` is exactly `len` lowercase hexadecimal characters.
pub(crate) fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Hostile input can be megabytes long: messages quote at most 80 characters of it.
fn shorten_for_message(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn sha256_of_empty_input_is_the_well_known_value() {
        let digest = Digest::sha256(b"");
        assert_eq!(digest.as_str(), format!("sha256:{EMPTY_SHA256}"));
        assert_eq!(digest.hex(), EMPTY_SHA256);
        assert_eq!(digest.short(), "sha256:e3b0c44298fc…");
    }

    #[test]
    fn parse_accepts_valid_and_round_trips() {
        let text = format!("sha256:{EMPTY_SHA256}");
        let digest: Digest = text.parse().expect("valid digest");
        assert_eq!(digest.to_string(), text);
        assert_eq!(
            Digest::from_sha256_hex(EMPTY_SHA256).expect("valid"),
            digest
        );
    }

    #[test]
    fn parse_rejects_bad_input() {
        for bad in [
            "",
            "sha256",
            "sha256:",
            "sha512:abcd",
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            &format!("sha256:{}", EMPTY_SHA256.to_uppercase()),
            &format!("sha256:{}0", EMPTY_SHA256),
            &format!("sha256:{}", &EMPTY_SHA256[1..]),
            &format!("sha256:{}/../x", &EMPTY_SHA256[..58]),
        ] {
            let error = Digest::parse(bad).expect_err(bad);
            assert!(error.to_string().starts_with("invalid digest"), "{error}");
        }
    }

    #[test]
    fn error_messages_quote_long_input_briefly() {
        let long = "x".repeat(10_000);
        let message = Digest::parse(&long).expect_err("invalid").to_string();
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn serde_validates() {
        let json = format!("\"sha256:{EMPTY_SHA256}\"");
        let digest: Digest = serde_json::from_str(&json).expect("valid");
        assert_eq!(serde_json::to_string(&digest).expect("serialise"), json);
        assert!(serde_json::from_str::<Digest>("\"sha256:nothex\"").is_err());
    }
}
