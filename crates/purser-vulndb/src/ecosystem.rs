//! How each ecosystem spells package names and releases, applied identically when the database is
//! built and when it is queried.
//!
//! Names follow OSV's ecosystem definitions (<https://ossf.github.io/osv-schema/#affectedpackage-field>):
//! PyPI names are normalised as PEP 503 says (runs of `-`, `_`, `.` become one `-`, then
//! lowercase); NuGet package IDs and Packagist names are case-insensitive in their registries, so
//! they are lowercased; every other name is compared exactly (Go module paths and Maven
//! `group:artifact` are case-sensitive, and npm still serves legacy names with capitals).

use std::cmp::Ordering;

/// Distributions whose advisories are scoped to a release (`Debian:12`). Their entries match only
/// a query for the same release; all other ecosystems ignore the release.
const RELEASE_SCOPED: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Debian",
    "Mageia",
    "openEuler",
    "openSUSE",
    "Photon OS",
    "Red Hat",
    "Rocky Linux",
    "SUSE",
    "Ubuntu",
];

/// Whether the ecosystem (OSV spelling, without a release) scopes advisories to releases.
pub fn is_release_scoped(ecosystem: &str) -> bool {
    RELEASE_SCOPED.contains(&ecosystem)
}

/// A release as it is stored and compared: Alpine's leading `v` is dropped (`v3.19` and `3.19`
/// are the same release) and Ubuntu's `:LTS` suffix is dropped (`22.04:LTS` is `22.04`).
pub fn normalise_release<'a>(ecosystem: &str, release: &'a str) -> &'a str {
    let release = release.trim();
    match ecosystem {
        "Alpine" => release.strip_prefix('v').unwrap_or(release),
        "Ubuntu" => release.strip_suffix(":LTS").unwrap_or(release),
        _ => release,
    }
}

/// The rule an ecosystem's names follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRule {
    /// Compared byte for byte.
    Exact,
    /// ASCII letters lowercased.
    Lowercase,
    /// PEP 503.
    Pep503,
}

fn name_rule(ecosystem: &str) -> NameRule {
    match ecosystem {
        "PyPI" => NameRule::Pep503,
        "NuGet" | "Packagist" => NameRule::Lowercase,
        _ => NameRule::Exact,
    }
}

/// The bytes of a name after its ecosystem's normalisation, produced without allocating.
#[derive(Debug, Clone)]
pub struct NormalisedName<'a> {
    bytes: std::slice::Iter<'a, u8>,
    rule: NameRule,
    pending: Option<u8>,
}

impl<'a> NormalisedName<'a> {
    /// The normalised bytes of `name` in `ecosystem`.
    pub fn new(ecosystem: &str, name: &'a str) -> Self {
        Self {
            bytes: name.as_bytes().iter(),
            rule: name_rule(ecosystem),
            pending: None,
        }
    }
}

fn is_pep503_separator(byte: u8) -> bool {
    matches!(byte, b'-' | b'_' | b'.')
}

impl Iterator for NormalisedName<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if let Some(byte) = self.pending.take() {
            return Some(byte);
        }
        let byte = *self.bytes.next()?;
        match self.rule {
            NameRule::Exact => Some(byte),
            NameRule::Lowercase => Some(byte.to_ascii_lowercase()),
            NameRule::Pep503 if is_pep503_separator(byte) => {
                // Swallow the rest of the run; keep the first byte after it for the next call.
                for &following in self.bytes.by_ref() {
                    if !is_pep503_separator(following) {
                        self.pending = Some(following.to_ascii_lowercase());
                        break;
                    }
                }
                Some(b'-')
            }
            NameRule::Pep503 => Some(byte.to_ascii_lowercase()),
        }
    }
}

/// `name` normalised for `ecosystem`, as stored in the database.
pub fn normalise_name(ecosystem: &str, name: &str) -> String {
    let bytes: Vec<u8> = NormalisedName::new(ecosystem, name).collect();
    // Only ASCII bytes are changed, and only into ASCII bytes, so UTF-8 stays valid.
    String::from_utf8(bytes).expect("normalisation maps ASCII to ASCII only")
}

/// Orders a stored (already normalised) name against a query name normalised on the fly.
pub fn compare_stored(stored: &[u8], query: NormalisedName<'_>) -> Ordering {
    stored.iter().copied().cmp(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_follow_pep_503() {
        assert_eq!(normalise_name("PyPI", "Flask_Caching"), "flask-caching");
        assert_eq!(normalise_name("PyPI", "flask.-_caching"), "flask-caching");
        assert_eq!(normalise_name("PyPI", "PyYAML"), "pyyaml");
        assert_eq!(normalise_name("PyPI", "zope.interface."), "zope-interface-");
        assert_eq!(normalise_name("PyPI", "_a"), "-a");
    }

    #[test]
    fn case_sensitive_ecosystems_keep_names() {
        assert_eq!(
            normalise_name("Go", "github.com/BurntSushi/toml"),
            "github.com/BurntSushi/toml"
        );
        assert_eq!(
            normalise_name("Maven", "org.Apache:Log4j"),
            "org.Apache:Log4j"
        );
        assert_eq!(normalise_name("npm", "JSONStream"), "JSONStream");
        assert_eq!(
            normalise_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
    }

    #[test]
    fn comparison_normalises_the_query_only() {
        let query = NormalisedName::new("PyPI", "Flask__Caching");
        assert_eq!(compare_stored(b"flask-caching", query), Ordering::Equal);
        let query = NormalisedName::new("PyPI", "flask-cachinga");
        assert_eq!(compare_stored(b"flask-caching", query), Ordering::Less);
    }

    #[test]
    fn releases_normalise_per_distribution() {
        assert_eq!(normalise_release("Alpine", "v3.19"), "3.19");
        assert_eq!(normalise_release("Alpine", "3.19"), "3.19");
        assert_eq!(normalise_release("Ubuntu", "22.04:LTS"), "22.04");
        assert_eq!(normalise_release("Debian", "12"), "12");
        assert!(is_release_scoped("Rocky Linux"));
        assert!(!is_release_scoped("PyPI"));
    }
}
