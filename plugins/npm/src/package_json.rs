//! The `package.json` at the root of an installed package.
//!
//! Format: <https://docs.npmjs.com/cli/v10/configuring-npm/package-json>. Only `name`,
//! `version`, `license` and `licenses` are read. A package root is the folder
//! `node_modules/<name>` or `node_modules/@scope/<name>` at any nesting depth; other
//! `package.json` files (a package's own test fixtures, the project's manifest) are not
//! installed packages and are ignored.

use purser_plugin_api::Diagnostic;
use serde_json::Value;

use crate::license::declared_licenses;
use crate::package::{Evidence, NpmPackage};

/// What one `package.json` gave: a package, or a diagnostic saying why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageJsonReading {
    /// The installed package.
    Package(NpmPackage),
    /// Why the file gave no package.
    Diagnostic(Diagnostic),
}

/// Whether `path` is the `package.json` of an installed package: directly in
/// `node_modules/<name>/` or `node_modules/@scope/<name>/`. Folder names starting with `.`
/// (`.bin`, `.pnpm`, `.cache`) are never packages.
pub fn is_package_root(path: &str) -> bool {
    let mut components = path.rsplit('/');
    if components.next() != Some("package.json") {
        return false;
    }
    let Some(folder) = components.next() else {
        return false;
    };
    if folder.is_empty() || folder.starts_with('.') || folder.starts_with('@') {
        return false;
    }
    match components.next() {
        Some("node_modules") => true,
        Some(scope) if scope.len() > 1 && scope.starts_with('@') => {
            components.next() == Some("node_modules")
        }
        _ => false,
    }
}

/// Reads the installed package described by `contents`, the file at `path`.
pub fn read_package_json(path: &str, contents: &[u8]) -> PackageJsonReading {
    let value: Value = match serde_json::from_slice(contents) {
        Ok(value) => value,
        Err(error) => {
            return PackageJsonReading::Diagnostic(Diagnostic::error(
                path,
                format!("invalid package.json: {error}; the package is not reported"),
            ))
        }
    };
    let Some(object) = value.as_object() else {
        return PackageJsonReading::Diagnostic(Diagnostic::error(
            path,
            "invalid package.json: the top level is not an object; the package is not reported",
        ));
    };

    let name = object.get("name").and_then(Value::as_str).unwrap_or("");
    let version = object.get("version").and_then(Value::as_str).unwrap_or("");
    if name.is_empty() || version.is_empty() {
        return PackageJsonReading::Diagnostic(Diagnostic::warning(
            path,
            "package.json of an installed package has no name or no version; not reported",
        ));
    }

    let mut package = NpmPackage::new(name, version, Evidence::InstalledPackageJson);
    package.licenses = declared_licenses(object);
    if let Some((folder, _)) = path.rsplit_once('/') {
        package
            .metadata
            .insert("package_path".into(), folder.into());
    }
    PackageJsonReading::Package(package)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_roots_are_direct_children_of_node_modules() {
        assert!(is_package_root("app/node_modules/ms/package.json"));
        assert!(is_package_root("node_modules/@babel/core/package.json"));
        assert!(is_package_root(
            "usr/lib/node_modules/npm/node_modules/debug/node_modules/ms/package.json"
        ));
        assert!(is_package_root(
            "app/node_modules/.pnpm/ms@2.1.3/node_modules/ms/package.json"
        ));
    }

    #[test]
    fn other_package_json_files_are_not_package_roots() {
        assert!(!is_package_root("app/package.json"));
        assert!(!is_package_root("app/node_modules/ms/lib/package.json"));
        assert!(!is_package_root("app/node_modules/@babel/package.json"));
        assert!(!is_package_root("app/node_modules/.bin/package.json"));
        assert!(!is_package_root(
            "app/node_modules/x/test/node_modules/package.json"
        ));
        assert!(!is_package_root("node_modules/package.json"));
        assert!(!is_package_root("node_modules/@/x/package.json"));
        assert!(!is_package_root("package.json"));
    }

    #[test]
    fn a_package_keeps_its_folder_and_licence() {
        let reading = read_package_json(
            "app/node_modules/@types/node/package.json",
            br#"{"name": "@types/node", "version": "20.1.0", "license": "MIT"}"#,
        );
        let PackageJsonReading::Package(package) = reading else {
            panic!("expected a package, got {reading:?}")
        };
        assert_eq!(package.licenses, ["MIT"]);
        assert_eq!(
            package.metadata["package_path"],
            "app/node_modules/@types/node"
        );
    }

    #[test]
    fn broken_files_give_diagnostics_naming_the_problem() {
        let path = "node_modules/x/package.json";
        for (contents, expected) in [
            (
                &b"{"[..],
                "invalid package.json: EOF while parsing an object",
            ),
            (b"[1]", "the top level is not an object"),
            (br#"{"name": "x"}"#, "no name or no version"),
            (b"\xff\xfe", "invalid package.json"),
        ] {
            let PackageJsonReading::Diagnostic(diagnostic) = read_package_json(path, contents)
            else {
                panic!("expected a diagnostic for {contents:?}")
            };
            assert!(diagnostic.message.contains(expected), "{diagnostic:?}");
            assert_eq!(diagnostic.path, path);
        }
    }
}
