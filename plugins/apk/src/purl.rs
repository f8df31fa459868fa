//! Package URLs of type `apk`: `pkg:apk/<namespace>/<name>@<version>?arch=<arch>`.
//!
//! The `apk` type (<https://github.com/package-url/purl-spec>, `types/apk-definition.json`): the
//! namespace is the distribution (`alpine`, `wolfi`, `chainguard`), lowercased; the name is
//! lowercased; `arch` is the architecture qualifier. Components are percent-encoded: ASCII
//! letters, digits and `.-_~+` stay as they are (as the packageurl-go library used by Trivy and
//! Syft leaves them), every other byte becomes `%XX`.

use std::fmt::Write as _;

/// The purl of an apk package. `architecture` is left out when empty.
pub fn apk_purl(namespace: &str, name: &str, version: &str, architecture: &str) -> String {
    let mut purl = format!(
        "pkg:apk/{}/{}@{}",
        encode(&namespace.to_ascii_lowercase()),
        encode(&name.to_ascii_lowercase()),
        encode(version)
    );
    if !architecture.is_empty() {
        purl.push_str("?arch=");
        purl.push_str(&encode(architecture));
    }
    purl
}

/// Percent-encodes one purl component.
pub fn encode(component: &str) -> String {
    let mut encoded = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b'+') {
            encoded.push(char::from(byte));
        } else {
            write!(encoded, "%{byte:02X}").expect("writing to a String cannot fail");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercased_and_odd_bytes_encoded() {
        assert_eq!(
            apk_purl("alpine", "py3-PyYAML", "6.0.1-r1", "aarch64"),
            "pkg:apk/alpine/py3-pyyaml@6.0.1-r1?arch=aarch64"
        );
        assert_eq!(
            apk_purl("wolfi", "libstdc++", "13.2:0 x", ""),
            "pkg:apk/wolfi/libstdc++@13.2%3A0%20x"
        );
    }
}
