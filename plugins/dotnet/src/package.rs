//! The one way this crate turns a library it read into a [`Package`].

use std::collections::BTreeMap;

use purser_plugin_api::{Diagnostic, Package, PackageUrl};

/// The ecosystem of every package this analyzer reports, in OSV's spelling.
pub const ECOSYSTEM: &str = "NuGet";

/// A NuGet package as a reader found it, before it becomes a [`Package`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NuGetPackage {
    /// Name as written (`Newtonsoft.Json`).
    pub name: String,
    /// Version as written (`13.0.1`).
    pub version: String,
    /// Further facts (`evidence`, `sha512`, `package_path`, `runtime_assets`).
    pub metadata: BTreeMap<String, String>,
}

impl NuGetPackage {
    /// A package with the given evidence (`deps-json`) and nothing else.
    pub fn new(name: &str, version: &str, evidence: &str) -> Self {
        let mut metadata = BTreeMap::new();
        metadata.insert("evidence".to_owned(), evidence.to_owned());
        NuGetPackage {
            name: name.trim().to_owned(),
            version: version.trim().to_owned(),
            metadata,
        }
    }

    /// The finding's package, read from the file at `source_path`.
    pub fn into_package(self, source_path: &str) -> Package {
        Package {
            ecosystem: ECOSYSTEM.into(),
            purl: Some(nuget_purl(&self.name, &self.version)),
            name: self.name,
            version: self.version,
            licenses: Vec::new(),
            source_path: source_path.to_owned(),
            metadata: self.metadata,
        }
    }
}

/// The purl of a NuGet package: `pkg:nuget/<name>@version`, the name as written.
///
/// The `nuget` type (<https://github.com/package-url/purl-spec>, `PURL-TYPES.rst`) has no
/// namespace and keeps the name's case (NuGet compares names case-insensitively, so matching
/// should too).
pub fn nuget_purl(name: &str, version: &str) -> String {
    PackageUrl::new("nuget", name)
        .with_version(version)
        .to_string()
}

/// What a file gave: its packages, and the problems met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// The packages, in file order.
    pub packages: Vec<NuGetPackage>,
    /// Problems, each naming the file.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purl_keeps_the_name_as_written() {
        let package = NuGetPackage::new("Newtonsoft.Json", "13.0.1", "deps-json")
            .into_package("app/a.deps.json");
        assert_eq!(
            package.purl.as_deref(),
            Some("pkg:nuget/Newtonsoft.Json@13.0.1")
        );
        assert_eq!(package.ecosystem, "NuGet");
        assert_eq!(package.metadata["evidence"], "deps-json");
    }
}
