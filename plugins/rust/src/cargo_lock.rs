//! `Cargo.lock` files, versions 1 to 4 (<https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html>;
//! the format is Cargo's `EncodableResolve`): every `[[package]]` table with its `name`,
//! `version` and `source`.
//!
//! A package without `source` is a path package: a member of the workspace the lock file belongs
//! to, or a local crate it depends on by path. It is reported, marked `source = path`, with no
//! purl, since the crates.io crate of the same name is another crate.

use std::collections::BTreeMap;

use purser_plugin_api::{Finding, Package, PackageUrl};
use serde::Deserialize;

use crate::packages::{crate_purl, CRATES_IO_ECOSYSTEM};

/// The source string of crates.io through its git index.
const CRATES_IO_GIT: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// The source string of crates.io through its sparse index.
const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";

/// A `Cargo.lock` file as far as this analyzer reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CargoLock {
    /// `version = 3`; absent in version 1 (and in early version 2) files.
    #[serde(default)]
    pub version: Option<u32>,
    /// The `[[package]]` tables.
    #[serde(default, rename = "package")]
    pub packages: Vec<LockedPackage>,
}

/// One `[[package]]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LockedPackage {
    /// Crate name.
    pub name: String,
    /// Exact version.
    pub version: String,
    /// Where it came from (`registry+…`, `sparse+…`, `git+…#rev`); absent for path packages.
    #[serde(default)]
    pub source: Option<String>,
    /// SHA-256 of the `.crate` file (version 2 and later).
    #[serde(default)]
    pub checksum: Option<String>,
}

/// Parses a `Cargo.lock` file.
///
/// # Errors
///
/// When the text is not TOML or a `[[package]]` table lacks its `name` or `version`; the
/// message is the TOML parser's, with line and column.
pub fn parse_cargo_lock(text: &str) -> Result<CargoLock, toml::de::Error> {
    toml::from_str(text)
}

/// The kind of source a package came from, for metadata and purls.
fn source_kind(source: Option<&str>) -> &'static str {
    match source {
        None => "path",
        Some(CRATES_IO_GIT | CRATES_IO_SPARSE) => "crates.io",
        Some(source) if source.starts_with("git+") => "git",
        Some(source) if source.starts_with("registry+") || source.starts_with("sparse+") => {
            "registry"
        }
        Some(_) => "other",
    }
}

/// The findings for a parsed `Cargo.lock` at `source_path`: one package per `[[package]]`.
/// crates.io packages get `pkg:cargo/<name>@<version>`; other registries the same with a
/// `repository_url` qualifier; git and path packages no purl.
pub fn lock_packages(lock: &CargoLock, source_path: &str) -> Vec<Finding> {
    lock.packages
        .iter()
        .map(|locked| {
            let kind = source_kind(locked.source.as_deref());
            let mut metadata = BTreeMap::from([
                ("evidence".to_owned(), "Cargo.lock".to_owned()),
                ("source".to_owned(), kind.to_owned()),
            ]);
            if let Some(source) = &locked.source {
                metadata.insert("source_url".to_owned(), source.clone());
            }
            if let Some(checksum) = &locked.checksum {
                metadata.insert("checksum".to_owned(), checksum.clone());
            }
            let purl = match kind {
                "crates.io" => Some(crate_purl(&locked.name, &locked.version)),
                "registry" => locked.source.as_deref().map(|source| {
                    let index = source.split_once('+').map_or(source, |(_, url)| url);
                    PackageUrl::new("cargo", &locked.name)
                        .with_version(&locked.version)
                        .with_qualifier("repository_url", index)
                        .to_string()
                }),
                _ => None,
            };
            Finding::Package(Package {
                ecosystem: CRATES_IO_ECOSYSTEM.to_owned(),
                name: locked.name.clone(),
                version: locked.version.clone(),
                purl,
                source_path: source_path.to_owned(),
                metadata,
                ..Package::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde", "regex"]

[[package]]
name = "serde"
version = "1.0.195"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "63261df402c67811e9ac6def069e4786148c4563f4b50fd4bf30aa370d626b02"

[[package]]
name = "regex"
version = "1.11.1"
source = "git+https://github.com/rust-lang/regex.git#1a069b9232c607b34c4937122361aa075ef573fa"

[[package]]
name = "internal"
version = "2.0.0"
source = "sparse+https://crates.example.com/index/"
"#;

    #[test]
    fn every_source_kind() {
        let lock = parse_cargo_lock(LOCK).expect("parses");
        assert_eq!(lock.version, Some(4));
        let findings = lock_packages(&lock, "src/Cargo.lock");
        let packages: Vec<&Package> = findings
            .iter()
            .filter_map(|finding| match finding {
                Finding::Package(package) => Some(package),
                _ => None,
            })
            .collect();
        let summary: Vec<(&str, &str, Option<&str>)> = packages
            .iter()
            .map(|package| {
                (
                    package.name.as_str(),
                    package.metadata["source"].as_str(),
                    package.purl.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("app", "path", None),
                ("serde", "crates.io", Some("pkg:cargo/serde@1.0.195")),
                ("regex", "git", None),
                (
                    "internal",
                    "registry",
                    Some("pkg:cargo/internal@2.0.0?repository_url=https:%2F%2Fcrates.example.com%2Findex%2F")
                ),
            ]
        );
        assert_eq!(packages[1].metadata["checksum"].len(), 64);
    }

    #[test]
    fn a_package_without_version_is_an_error_with_a_position() {
        let error = parse_cargo_lock("[[package]]\nname = \"x\"\n").expect_err("no version");
        assert!(error.to_string().contains("version"), "{error}");
    }
}
