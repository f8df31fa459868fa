//! The one way every reader of this crate turns what it read into a [`Package`].

use std::collections::BTreeMap;

use purser_plugin_api::{Diagnostic, Package, PackageUrl};

use crate::name::normalize;

/// The ecosystem of every package this analyzer reports, in OSV's spelling.
pub const ECOSYSTEM: &str = "PyPI";

/// A Python package as a reader found it, before it becomes a [`Package`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonPackage {
    /// Name as the package spells it (`PyYAML`).
    pub name: String,
    /// Version as written.
    pub version: String,
    /// Licences as declared.
    pub licenses: Vec<String>,
    /// Whether the lock file marks it as a development dependency; `None` when it cannot tell.
    pub dev: Option<bool>,
    /// Further facts (`evidence`, `install_root`, `files`, ...).
    pub metadata: BTreeMap<String, String>,
}

impl PythonPackage {
    /// A package with the given evidence (`dist-info`, `poetry-lock`, ...) and nothing else.
    pub fn new(name: &str, version: &str, evidence: &str) -> Self {
        let mut metadata = BTreeMap::new();
        metadata.insert("evidence".to_owned(), evidence.to_owned());
        PythonPackage {
            name: name.trim().to_owned(),
            version: version.trim().to_owned(),
            licenses: Vec::new(),
            dev: None,
            metadata,
        }
    }

    /// The finding's package, read from the file at `source_path`.
    pub fn into_package(self, source_path: &str) -> Package {
        let normalized = normalize(&self.name);
        let mut metadata = self.metadata;
        if let Some(dev) = self.dev {
            metadata.insert("dev".into(), dev.to_string());
        }
        metadata.insert("normalized_name".into(), normalized.clone());
        Package {
            ecosystem: ECOSYSTEM.into(),
            purl: Some(pypi_purl(&normalized, &self.version)),
            name: self.name,
            version: self.version,
            licenses: self.licenses,
            source_path: source_path.to_owned(),
            metadata,
        }
    }
}

/// The purl of a PyPI package: `pkg:pypi/<normalised name>@version`.
///
/// The `pypi` type (<https://github.com/package-url/purl-spec>, `PURL-TYPES.rst`): the name is
/// lowercased and `_` becomes `-`; PEP 503 normalisation does that and also folds `.`, which
/// pip treats as the same name.
pub fn pypi_purl(normalized_name: &str, version: &str) -> String {
    PackageUrl::new("pypi", normalized_name)
        .with_version(version)
        .to_string()
}

/// What a file gave: its packages, and the problems met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// The packages, in file order.
    pub packages: Vec<PythonPackage>,
    /// Problems, each naming the file.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purl_uses_the_normalised_name_and_the_finding_keeps_the_spelling() {
        let package = PythonPackage::new("Zope.Interface", "5.4.0", "dist-info")
            .into_package("site-packages/zope.interface-5.4.0.dist-info/METADATA");
        assert_eq!(package.name, "Zope.Interface");
        assert_eq!(package.metadata["normalized_name"], "zope-interface");
        assert_eq!(
            package.purl.as_deref(),
            Some("pkg:pypi/zope-interface@5.4.0")
        );
        assert_eq!(package.ecosystem, "PyPI");
    }
}
