//! Content digests in the OCI `algorithm:encoded` form.

use sha2::{Digest as _, Sha256};

/// `sha256:<64 lowercase hex digits>` of `data`, as the OCI descriptor grammar spells it.
#[must_use]
pub fn sha256_digest(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}

/// The hex part of a `sha256:` digest, used for blob file names.
pub(crate) fn encoded(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_empty_input_is_the_well_known_value() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(encoded("sha256:abc"), "abc");
    }
}
