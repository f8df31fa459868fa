//! Package URLs of type `deb`: `pkg:deb/<vendor>/<name>@<version>?arch=<arch>`.
//!
//! The `deb` type (<https://github.com/package-url/purl-spec>, `types/deb-definition.json`):
//! the namespace is the vendor (`debian`, `ubuntu`) and "must be lowercased"; the name "must be
//! lowercased"; the version is the binary package's; `arch` is the architecture qualifier.
//! Components are percent-encoded: ASCII letters, digits and `.-_~` stay as they are, and so does
//! `+` (frequent in Debian versions, and left alone by the packageurl-go library that Trivy and
//! Syft use, so purls compare equal to theirs); everything else, the epoch's `:` included,
//! becomes `%XX` per UTF-8 byte.

use std::fmt::Write as _;

/// The purl of a Debian binary package. `architecture` is left out when empty.
pub fn deb_purl(vendor: &str, name: &str, version: &str, architecture: &str) -> String {
    let mut purl = format!(
        "pkg:deb/{}/{}@{}",
        encode(&vendor.to_ascii_lowercase()),
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
    fn the_epoch_colon_is_encoded_and_plus_is_kept() {
        assert_eq!(
            deb_purl("debian", "bsdutils", "1:2.38.1-5+deb12u3", "amd64"),
            "pkg:deb/debian/bsdutils@1%3A2.38.1-5+deb12u3?arch=amd64"
        );
    }

    #[test]
    fn vendor_and_name_are_lowercased_and_odd_bytes_encoded() {
        assert_eq!(
            deb_purl("Ubuntu", "Foo", "1.0 ü/x", ""),
            "pkg:deb/ubuntu/foo@1.0%20%C3%BC%2Fx"
        );
    }
}
