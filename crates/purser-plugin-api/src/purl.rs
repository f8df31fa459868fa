//! Package URLs (<https://github.com/package-url/purl-spec>), built one way for every analyzer.
//!
//! `pkg:type/namespace/name@version?qualifiers`. Each component is percent-encoded byte by byte:
//! ASCII letters, digits and `.-_~` are kept, and so is `:`, which the spec says is unambiguous
//! everywhere and must not be encoded (the epoch in `1:2.38` stays as it is); every other byte
//! becomes `%XX`, so the `+` in `5-2+b1` becomes `%2B` (the spec allows either `+` or `%2B`; the
//! encoded form cannot be mistaken for a space by form decoders, and it is what Syft prints). Qualifiers are sorted by key, as the spec's canonical form requires, and empty
//! values are left out.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// A package URL being built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageUrl {
    package_type: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
}

impl PackageUrl {
    /// A purl of `package_type` (`deb`, `apk`, `maven`, ...; lowercased) for `name`.
    pub fn new(package_type: &str, name: &str) -> Self {
        PackageUrl {
            package_type: package_type.to_ascii_lowercase(),
            namespace: None,
            name: name.to_owned(),
            version: None,
            qualifiers: BTreeMap::new(),
        }
    }

    /// Sets the namespace (a vendor, a distribution, a Maven group).
    #[must_use]
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_owned());
        self
    }

    /// Sets the version.
    #[must_use]
    pub fn with_version(mut self, version: &str) -> Self {
        self.version = Some(version.to_owned());
        self
    }

    /// Adds a qualifier (`arch`, `distro`, `epoch`); an empty value is left out.
    #[must_use]
    pub fn with_qualifier(mut self, key: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.qualifiers
                .insert(key.to_ascii_lowercase(), value.to_owned());
        }
        self
    }
}

impl fmt::Display for PackageUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "pkg:{}/", self.package_type)?;
        if let Some(namespace) = &self.namespace {
            for segment in namespace.split('/').filter(|segment| !segment.is_empty()) {
                write!(formatter, "{}/", encode(segment))?;
            }
        }
        formatter.write_str(&encode(&self.name))?;
        if let Some(version) = &self.version {
            write!(formatter, "@{}", encode(version))?;
        }
        for (index, (key, value)) in self.qualifiers.iter().enumerate() {
            let separator = if index == 0 { '?' } else { '&' };
            write!(formatter, "{separator}{key}={}", encode(value))?;
        }
        Ok(())
    }
}

/// `purl` with the qualifier `key=value` added in sorted position, as the specification wants;
/// unchanged when it already has a `key` qualifier or has a `#subpath` (never written by the
/// analyzers here, and not worth misplacing a qualifier over).
pub fn add_qualifier(purl: &str, key: &str, value: &str) -> String {
    if purl.contains('#') {
        return purl.to_owned();
    }
    let (base, query) = purl.split_once('?').unwrap_or((purl, ""));
    let mut qualifiers: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (existing_key, existing_value) = pair.split_once('=').unwrap_or((pair, ""));
            (existing_key.to_owned(), existing_value.to_owned())
        })
        .collect();
    if qualifiers.iter().any(|(existing, _)| existing == key) {
        return purl.to_owned();
    }
    qualifiers.push((key.to_owned(), encode(value)));
    qualifiers.sort();

    let mut text = base.to_owned();
    for (index, (qualifier, qualifier_value)) in qualifiers.iter().enumerate() {
        text.push(if index == 0 { '?' } else { '&' });
        let _ = write!(text, "{qualifier}={qualifier_value}");
    }
    text
}

/// Percent-encodes one purl component.
pub fn encode(component: &str) -> String {
    let mut encoded = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_versions_keep_the_epoch_colon_and_encode_plus() {
        let purl = PackageUrl::new("deb", "bsdutils")
            .with_namespace("debian")
            .with_version("1:2.38.1-5+deb12u3")
            .with_qualifier("arch", "amd64");
        assert_eq!(
            purl.to_string(),
            "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64"
        );
    }

    #[test]
    fn added_qualifiers_keep_the_order_and_never_repeat() {
        assert_eq!(
            add_qualifier("pkg:deb/debian/bash@5.2?arch=amd64", "distro", "debian-12"),
            "pkg:deb/debian/bash@5.2?arch=amd64&distro=debian-12"
        );
        assert_eq!(
            add_qualifier(
                "pkg:rpm/redhat/a@1-1?arch=x86_64&epoch=2",
                "distro",
                "rhel-9.3"
            ),
            "pkg:rpm/redhat/a@1-1?arch=x86_64&distro=rhel-9.3&epoch=2"
        );
        assert_eq!(
            add_qualifier("pkg:apk/alpine/musl@1.2", "distro", "alpine-3.19.1"),
            "pkg:apk/alpine/musl@1.2?distro=alpine-3.19.1"
        );
        assert_eq!(
            add_qualifier("pkg:deb/debian/bash@5.2?distro=x", "distro", "debian-12"),
            "pkg:deb/debian/bash@5.2?distro=x"
        );
    }

    #[test]
    fn qualifiers_are_sorted_and_empty_ones_dropped() {
        let purl = PackageUrl::new("apk", "bash")
            .with_namespace("alpine")
            .with_version("5.2.21-r0")
            .with_qualifier("distro", "alpine-3.19")
            .with_qualifier("arch", "x86_64")
            .with_qualifier("upstream", "");
        assert_eq!(
            purl.to_string(),
            "pkg:apk/alpine/bash@5.2.21-r0?arch=x86_64&distro=alpine-3.19"
        );
    }

    #[test]
    fn names_without_namespace_or_version_and_odd_bytes() {
        assert_eq!(
            PackageUrl::new("generic", "open jdk").to_string(),
            "pkg:generic/open%20jdk"
        );
        assert_eq!(encode("ü/x"), "%C3%BC%2Fx");
    }
}
