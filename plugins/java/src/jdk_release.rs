//! The `release` file at the root of a JDK or JRE install (`usr/lib/jvm/*/release`,
//! `opt/java/openjdk/release`): shell-style `KEY="value"` lines such as `JAVA_VERSION="17.0.11"`
//! and `IMPLEMENTOR="Eclipse Adoptium"`, written by the OpenJDK build (`make/ReleaseFile.gmk`).
//!
//! A runtime is reported as a package of ecosystem [`JAVA_RUNTIME_ECOSYSTEM`] named `openjdk`,
//! with purl `pkg:generic/openjdk@<JAVA_VERSION>`; Syft reports the same file as a binary package
//! with a generic purl. Metadata: `implementor`, `implementor_version`, `runtime_version`
//! (`JAVA_RUNTIME_VERSION`, with the build number), `image_type` (`JDK`/`JRE`) when present.

use std::collections::BTreeMap;

use purser_plugin_api::{Finding, Package};

use purser_plugin_api::PackageUrl;

/// The ecosystem of runtime packages: not an OSV ecosystem, since OSV has none for Java
/// runtimes.
pub const JAVA_RUNTIME_ECOSYSTEM: &str = "java-runtime";

/// The runtime package described by the `release` file at `path`, or `None` when the text has
/// no `JAVA_VERSION` (many unrelated files are called `release`).
///
/// Limitation: every runtime is named `openjdk`, Oracle's own JDK builds included; the user sees
/// the vendor only in metadata `implementor`.
pub fn parse_jdk_release(path: &str, text: &str) -> Option<Finding> {
    let values = read_assignments(text);
    let version = values
        .get("JAVA_VERSION")
        .filter(|value| !value.is_empty())?;

    let mut metadata = BTreeMap::new();
    for (key, name) in [
        ("IMPLEMENTOR", "implementor"),
        ("IMPLEMENTOR_VERSION", "implementor_version"),
        ("JAVA_RUNTIME_VERSION", "runtime_version"),
        ("IMAGE_TYPE", "image_type"),
    ] {
        if let Some(value) = values.get(key).filter(|value| !value.is_empty()) {
            metadata.insert(name.to_owned(), value.clone());
        }
    }

    Some(Finding::Package(Package {
        ecosystem: JAVA_RUNTIME_ECOSYSTEM.to_owned(),
        name: "openjdk".to_owned(),
        version: version.clone(),
        purl: Some(
            PackageUrl::new("generic", "openjdk")
                .with_version(version)
                .to_string(),
        ),
        licenses: Vec::new(),
        source_path: path.to_owned(),
        metadata,
    }))
}

/// `KEY="value"` or `KEY=value` lines; anything else is skipped.
fn read_assignments(text: &str) -> BTreeMap<&str, String> {
    text.lines()
        .filter_map(|line| line.trim().split_once('='))
        .filter(|(key, _)| !key.is_empty() && !key.starts_with('#'))
        .map(|(key, value)| (key.trim(), value.trim().trim_matches('"').to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The release file of Eclipse Temurin 17.0.11+9 (`opt/java/openjdk/release` in the
    /// `eclipse-temurin:17-jre` image), shortened to the keys read.
    const TEMURIN: &str =
        "IMPLEMENTOR=\"Eclipse Adoptium\"\nIMPLEMENTOR_VERSION=\"Temurin-17.0.11+9\"\n\
        JAVA_RUNTIME_VERSION=\"17.0.11+9\"\nJAVA_VERSION=\"17.0.11\"\n\
        JAVA_VERSION_DATE=\"2024-04-16\"\nIMAGE_TYPE=\"JRE\"\nOS_ARCH=\"x86_64\"\n";

    #[test]
    fn temurin_release_is_a_runtime_package() {
        let Some(Finding::Package(package)) =
            parse_jdk_release("opt/java/openjdk/release", TEMURIN)
        else {
            panic!("expected a package")
        };
        assert_eq!(package.ecosystem, "java-runtime");
        assert_eq!(package.name, "openjdk");
        assert_eq!(package.version, "17.0.11");
        assert_eq!(package.purl.as_deref(), Some("pkg:generic/openjdk@17.0.11"));
        assert_eq!(package.metadata["implementor"], "Eclipse Adoptium");
        assert_eq!(package.metadata["runtime_version"], "17.0.11+9");
        assert_eq!(package.metadata["image_type"], "JRE");
    }

    #[test]
    fn files_without_java_version_are_not_runtimes() {
        assert_eq!(
            parse_jdk_release("etc/release", "VERSION=1\nNAME=x\n"),
            None
        );
        assert_eq!(parse_jdk_release("x/release", "JAVA_VERSION=\"\"\n"), None);
    }
}
