//! Base64 as DSSE envelopes and Sigstore bundles use it: the standard or the URL-safe alphabet,
//! with or without padding (DSSE `protocol.md` allows either alphabet).

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_encode_padding(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);

const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Decodes `text` in whichever alphabet it is written; the reason on failure names the problem.
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let trimmed = text.trim();

    // A `-` or `_` only occurs in the URL-safe alphabet, `+` or `/` only in the standard one.
    let url_safe = trimmed.contains(['-', '_']);
    let engine = if url_safe { &URL_SAFE } else { &STANDARD };
    engine.decode(trimmed).map_err(|error| error.to_string())
}

/// Encodes `bytes` in the standard alphabet with padding.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_alphabets_with_and_without_padding() {
        assert_eq!(decode_base64("+/8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode_base64("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode_base64("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
    }

    #[test]
    fn rejects_mixed_and_invalid_text() {
        assert!(decode_base64("+_8=").is_err());
        assert!(decode_base64("not base64!").is_err());
    }
}
