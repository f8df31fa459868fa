//! Just enough of the package URL grammar to tell whether a VEX product or an ignore entry names
//! a finding's package (<https://github.com/package-url/purl-spec>).

use std::collections::BTreeMap;

/// A parsed package URL: `pkg:type/namespace/name@version?qualifiers#subpath`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// The type, lower-cased (`deb`, `npm`).
    pub kind: String,
    /// The namespace, percent-decoded; empty when there is none.
    pub namespace: String,
    /// The name, percent-decoded.
    pub name: String,
    /// The version, percent-decoded, when given.
    pub version: Option<String>,
    /// Qualifiers, percent-decoded values.
    pub qualifiers: BTreeMap<String, String>,
}

impl Purl {
    /// Parses a package URL; `None` when the text is not one.
    pub fn parse(text: &str) -> Option<Purl> {
        let rest = text.strip_prefix("pkg:")?.trim_start_matches('/');
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (rest, qualifiers) = match rest.split_once('?') {
            Some((before, query)) => (before, parse_qualifiers(query)),
            None => (rest, BTreeMap::new()),
        };
        let (kind, path) = rest.split_once('/')?;

        // The version follows the last '@' of the last path segment.
        let (path, version) = match path.rfind('@') {
            Some(at) if !path[at..].contains('/') => (&path[..at], Some(decode(&path[at + 1..]))),
            _ => (path, None),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((namespace, name)) => (decode(namespace), decode(name)),
            None => (String::new(), decode(path)),
        };
        if kind.is_empty() || name.is_empty() {
            return None;
        }
        Some(Purl {
            kind: kind.to_ascii_lowercase(),
            namespace,
            name,
            version,
            qualifiers,
        })
    }

    /// Whether this purl, as written in a policy, names `package`: type, namespace and name are
    /// equal, the version is equal when this purl gives one, and every qualifier it gives has
    /// the same value in `package`.
    pub fn names(&self, package: &Purl) -> bool {
        self.kind == package.kind
            && self.namespace == package.namespace
            && self.name == package.name
            && self
                .version
                .as_ref()
                .is_none_or(|version| package.version.as_ref() == Some(version))
            && self
                .qualifiers
                .iter()
                .all(|(key, value)| package.qualifiers.get(key) == Some(value))
    }
}

fn parse_qualifiers(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_ascii_lowercase(), decode(value)))
        .collect()
}

/// Percent-decodes, leaving malformed escapes as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_part() {
        let purl =
            Purl::parse("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12")
                .expect("a purl");
        assert_eq!(purl.kind, "deb");
        assert_eq!(purl.namespace, "debian");
        assert_eq!(purl.name, "openssl");
        assert_eq!(purl.version.as_deref(), Some("3.0.11-1~deb12u2"));
        assert_eq!(
            purl.qualifiers.get("arch").map(String::as_str),
            Some("amd64")
        );
    }

    #[test]
    fn decodes_scoped_npm_names() {
        let purl = Purl::parse("pkg:npm/%40babel/core@7.0.0").expect("a purl");
        assert_eq!(purl.namespace, "@babel");
        assert_eq!(purl.name, "core");
        assert!(Purl::parse("not a purl").is_none());
        assert!(Purl::parse("pkg:npm/").is_none());
    }

    #[test]
    fn a_policy_purl_without_version_or_qualifiers_names_every_version() {
        let installed = Purl::parse("pkg:deb/debian/zlib1g@1:1.2.13?arch=amd64").expect("purl");
        let any_version = Purl::parse("pkg:deb/debian/zlib1g").expect("purl");
        let other_version = Purl::parse("pkg:deb/debian/zlib1g@1:1.3").expect("purl");
        let other_arch = Purl::parse("pkg:deb/debian/zlib1g?arch=arm64").expect("purl");
        assert!(any_version.names(&installed));
        assert!(!other_version.names(&installed));
        assert!(!other_arch.names(&installed));
    }
}
