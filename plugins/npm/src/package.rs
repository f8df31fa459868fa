//! The one way every reader of this crate turns what it read into a [`Package`].

use std::collections::BTreeMap;

use purser_plugin_api::{Package, PackageUrl};

/// The ecosystem of every package this analyzer reports, in OSV's spelling.
pub const ECOSYSTEM: &str = "npm";

/// Which file said a package is there; reported as metadata `evidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The `package.json` at the root of an installed package under `node_modules`.
    InstalledPackageJson,
    /// An entry of a `package-lock.json` (or `npm-shrinkwrap.json`).
    PackageLock,
    /// An entry of a `yarn.lock`, classic (v1) or berry (v2 and later).
    YarnLock,
    /// An entry of a `pnpm-lock.yaml`.
    PnpmLock,
    /// An entry of a `bun.lock`.
    BunLock,
}

impl Evidence {
    /// The metadata value: `installed-package-json`, `package-lock`, `yarn-lock`, `pnpm-lock`,
    /// `bun-lock`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::InstalledPackageJson => "installed-package-json",
            Evidence::PackageLock => "package-lock",
            Evidence::YarnLock => "yarn-lock",
            Evidence::PnpmLock => "pnpm-lock",
            Evidence::BunLock => "bun-lock",
        }
    }
}

/// An npm package as a reader found it, before it becomes a [`Package`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmPackage {
    /// Name as npm spells it, with its scope (`@babel/core`).
    pub name: String,
    /// Version exactly as written.
    pub version: String,
    /// Licences as declared.
    pub licenses: Vec<String>,
    /// Whether the lock file marks the package as a dev dependency; `None` when it cannot tell.
    pub dev: Option<bool>,
    /// Which kind of file said so.
    pub evidence: Evidence,
    /// Further facts (`install_path`, `resolved`, `workspace_path`).
    pub metadata: BTreeMap<String, String>,
}

impl NpmPackage {
    /// A package with no licence, no dev flag and no further facts.
    pub fn new(name: &str, version: &str, evidence: Evidence) -> Self {
        NpmPackage {
            name: name.to_owned(),
            version: version.to_owned(),
            licenses: Vec::new(),
            dev: None,
            evidence,
            metadata: BTreeMap::new(),
        }
    }

    /// The finding's package, read from the file at `source_path`.
    pub fn into_package(self, source_path: &str) -> Package {
        let mut metadata = self.metadata;
        metadata.insert("evidence".into(), self.evidence.as_str().into());
        if let Some(dev) = self.dev {
            metadata.insert("dev".into(), dev.to_string());
        }
        Package {
            ecosystem: ECOSYSTEM.into(),
            purl: Some(npm_purl(&self.name, &self.version)),
            name: self.name,
            version: self.version,
            licenses: self.licenses,
            source_path: source_path.to_owned(),
            metadata,
        }
    }
}

/// The purl of an npm package: `pkg:npm/%40scope/name@version`.
///
/// The `npm` type (<https://github.com/package-url/purl-spec>, `PURL-TYPES.rst`): the scope,
/// `@` included, is the namespace and is percent-encoded as every component is (`%40`); the
/// name is the rest. The spec asks for lowercase names, and npm has refused uppercase in new
/// names since 2017, so lowercasing only changes legacy names such as `JSONStream`.
pub fn npm_purl(name: &str, version: &str) -> String {
    let lowercase = name.to_ascii_lowercase();
    let purl = match lowercase.split_once('/') {
        Some((scope, bare)) if scope.starts_with('@') => {
            PackageUrl::new("npm", bare).with_namespace(scope)
        }
        _ => PackageUrl::new("npm", &lowercase),
    };
    purl.with_version(version).to_string()
}

/// Splits a dependency spec such as `@babel/core@^7.0.0` or `lodash@npm:4.17.21` into the
/// name and what follows the `@` that ends it. The `@` that starts a scope is not a separator.
pub fn split_name(spec: &str) -> Option<(&str, &str)> {
    let search_from = usize::from(spec.starts_with('@'));
    let at = spec[search_from..].find('@')? + search_from;
    Some((&spec[..at], &spec[at + 1..]))
}

/// What a lock file gave: its packages in file order, and the problems met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockReading {
    /// The packages.
    pub packages: Vec<NpmPackage>,
    /// Problems, each naming the lock file.
    pub diagnostics: Vec<purser_plugin_api::Diagnostic>,
}

impl LockReading {
    /// Warns, naming the lock at `path`, of the `packages` entries that named no package and
    /// version, listed by key (`skipped`); nothing when there are none.
    pub(crate) fn warn_unnamed_entries(&mut self, path: &str, skipped: &[impl AsRef<str>]) {
        if skipped.is_empty() {
            return;
        }
        let keys: Vec<&str> = skipped.iter().map(AsRef::as_ref).collect();
        self.diagnostics
            .push(purser_plugin_api::Diagnostic::warning(
                path,
                format!(
                    "{} entries of `packages` name no package and version ({}); skipped",
                    keys.len(),
                    keys.join(", ")
                ),
            ));
    }
}

/// What the lock readers' unit tests compare.
#[cfg(test)]
impl LockReading {
    /// `name@version` of every package, in file order.
    pub(crate) fn names_versions(&self) -> Vec<String> {
        self.packages
            .iter()
            .map(|package| format!("{}@{}", package.name, package.version))
            .collect()
    }

    /// `name@version dev` of every package, in file order, `dev` as `Some(true)`, `Some(false)`
    /// or `None` (the lock does not say).
    pub(crate) fn names_versions_dev(&self) -> Vec<String> {
        self.packages
            .iter()
            .map(|package| format!("{}@{} {:?}", package.name, package.version, package.dev))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnamed_lock_entries_are_one_warning_listing_their_keys() {
        let mut reading = LockReading::default();
        reading.warn_unnamed_entries("app/bun.lock", &[] as &[&str]);
        assert!(reading.diagnostics.is_empty());

        reading.warn_unnamed_entries("app/bun.lock", &["a", "@s/b"]);
        assert_eq!(reading.diagnostics.len(), 1);
        let warning = &reading.diagnostics[0];
        assert_eq!(warning.level, purser_plugin_api::DiagnosticLevel::Warning);
        assert_eq!(warning.path, "app/bun.lock");
        assert_eq!(
            warning.message,
            "2 entries of `packages` name no package and version (a, @s/b); skipped"
        );
    }

    #[test]
    fn scoped_names_put_the_encoded_scope_in_the_namespace() {
        assert_eq!(
            npm_purl("@babel/core", "7.0.0"),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(npm_purl("lodash", "4.17.21"), "pkg:npm/lodash@4.17.21");
        assert_eq!(npm_purl("JSONStream", "1.3.5"), "pkg:npm/jsonstream@1.3.5");
        assert_eq!(
            npm_purl("x", "1.0.0-beta+build"),
            "pkg:npm/x@1.0.0-beta%2Bbuild"
        );
    }

    #[test]
    fn specs_split_after_the_name_not_at_the_scope() {
        assert_eq!(
            split_name("@babel/core@^7.0.0"),
            Some(("@babel/core", "^7.0.0"))
        );
        assert_eq!(split_name("a@npm:b@1"), Some(("a", "npm:b@1")));
        assert_eq!(split_name("@scope"), None);
        assert_eq!(split_name("plain"), None);
    }

    #[test]
    fn evidence_and_dev_land_in_metadata() {
        let mut package = NpmPackage::new("ms", "2.1.3", Evidence::PackageLock);
        package.dev = Some(true);
        let package = package.into_package("app/package-lock.json");
        assert_eq!(package.metadata["evidence"], "package-lock");
        assert_eq!(package.metadata["dev"], "true");
        assert_eq!(package.ecosystem, "npm");
        assert_eq!(package.purl.as_deref(), Some("pkg:npm/ms@2.1.3"));
    }
}
