//! `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1 to 3.
//!
//! Format: <https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json>.
//!
//! - Versions 2 and 3 key every installed package by its folder in `packages`
//!   (`node_modules/a/node_modules/b`). The root project is the entry `""` and is skipped.
//!   A workspace member appears twice: as the folder holding its sources (`packages/a`) and as
//!   a `link: true` entry under `node_modules` whose `resolved` names that folder. It is
//!   reported once, under the link's name, with the member's version and metadata
//!   `workspace_path`; folders outside `node_modules` that no link points at are the project's
//!   own sources and are skipped.
//! - Version 1 has only `dependencies`, a tree of objects whose nested `dependencies` mirror
//!   nested `node_modules` folders. It is walked with an explicit stack, so a deep tree cannot
//!   exhaust the call stack. Version 2 carries both; `packages` is read.
//!
//! `dev: true` becomes metadata `dev = true`, anything else `dev = false`. Aliased installs
//! (`"b": {"version": "npm:real@1.0.0"}` in v1, `"name": "real"` in v2) report the real name.
//! Packages come in the order of their install folders, sorted.

use std::collections::BTreeMap;

use purser_plugin_api::Diagnostic;
use serde_json::{Map, Value};

use crate::license::declared_licenses;
use crate::package::{split_name, Evidence, LockReading, NpmPackage};

/// Reads the packages of the lock file at `path`.
pub fn read_package_lock(path: &str, contents: &[u8]) -> LockReading {
    let mut reading = LockReading::default();
    let value: Value = match serde_json::from_slice(contents) {
        Ok(value) => value,
        Err(error) => {
            reading.diagnostics.push(Diagnostic::error(
                path,
                format!("invalid package-lock.json: {error}; no package read from it"),
            ));
            return reading;
        }
    };

    match (value.get("packages"), value.get("dependencies")) {
        (Some(Value::Object(packages)), _) => read_packages(path, packages, &mut reading),
        (_, Some(Value::Object(dependencies))) => read_dependencies(dependencies, &mut reading),
        _ => reading.diagnostics.push(Diagnostic::warning(
            path,
            "package-lock.json has neither `packages` nor `dependencies`; no package read from it",
        )),
    }
    reading
}

/// Lockfile versions 2 and 3: the `packages` map keyed by install folder.
fn read_packages(path: &str, packages: &Map<String, Value>, reading: &mut LockReading) {
    let mut skipped = 0_usize;
    for (folder, entry) in packages {
        let Some(entry) = entry.as_object() else {
            skipped += 1;
            continue;
        };
        let Some(installed_name) = name_from_folder(folder) else {
            // The root project (`""`) or a workspace folder: reported through its link.
            continue;
        };

        let (source, workspace_path) = if entry.get("link").and_then(Value::as_bool) == Some(true) {
            let target = entry.get("resolved").and_then(Value::as_str).unwrap_or("");
            match packages.get(target).and_then(Value::as_object) {
                Some(target_entry) => (target_entry, Some(target)),
                None => {
                    reading.diagnostics.push(Diagnostic::warning(
                        path,
                        format!(
                            "`{folder}` links to `{target}`, which the lock file does not \
                             describe; not reported"
                        ),
                    ));
                    continue;
                }
            }
        } else {
            (entry, None)
        };

        let Some(version) = source.get("version").and_then(Value::as_str) else {
            skipped += 1;
            continue;
        };
        let name = match (workspace_path, source.get("name").and_then(Value::as_str)) {
            (None, Some(real_name)) => real_name,
            _ => installed_name,
        };

        let mut package = NpmPackage::new(name, version, Evidence::PackageLock);
        package.licenses = declared_licenses(source);
        package.dev = Some(is_true(entry, "dev"));
        package
            .metadata
            .insert("install_path".into(), folder.clone());
        if let Some(workspace_path) = workspace_path {
            package
                .metadata
                .insert("workspace_path".into(), workspace_path.to_owned());
        }
        copy_string(entry, "resolved", &mut package.metadata);
        reading.packages.push(package);
    }
    warn_skipped(path, skipped, reading);
}

/// The package name an install folder implies: what follows its last `node_modules/`, or
/// `None` for folders outside `node_modules`.
fn name_from_folder(folder: &str) -> Option<&str> {
    let (_, name) = folder.rsplit_once("node_modules/")?;
    (!name.is_empty()).then_some(name)
}

/// Lockfile version 1: the nested `dependencies` tree, walked without recursion.
fn read_dependencies(dependencies: &Map<String, Value>, reading: &mut LockReading) {
    let mut pending: Vec<(String, &Map<String, Value>)> = vec![(String::new(), dependencies)];
    while let Some((parent_folder, dependencies)) = pending.pop() {
        for (name, entry) in dependencies {
            let Some(entry) = entry.as_object() else {
                continue;
            };
            let folder = format!("{parent_folder}node_modules/{name}");
            if let Some(Value::Object(nested)) = entry.get("dependencies") {
                pending.push((format!("{folder}/"), nested));
            }
            let Some(version) = entry.get("version").and_then(Value::as_str) else {
                continue;
            };

            // An alias install (`"b": {"version": "npm:real@1.0.0"}`) is the real package.
            let (name, version) = match version.strip_prefix("npm:").and_then(split_name) {
                Some((real_name, real_version)) => (real_name, real_version),
                None => (name.as_str(), version),
            };
            let mut package = NpmPackage::new(name, version, Evidence::PackageLock);
            package.dev = Some(is_true(entry, "dev"));
            package.metadata.insert("install_path".into(), folder);
            copy_string(entry, "resolved", &mut package.metadata);
            reading.packages.push(package);
        }
    }
}

fn is_true(entry: &Map<String, Value>, key: &str) -> bool {
    entry.get(key).and_then(Value::as_bool) == Some(true)
}

fn copy_string(entry: &Map<String, Value>, key: &str, metadata: &mut BTreeMap<String, String>) {
    if let Some(value) = entry.get(key).and_then(Value::as_str) {
        metadata.insert(key.to_owned(), value.to_owned());
    }
}

fn warn_skipped(path: &str, skipped: usize, reading: &mut LockReading) {
    if skipped > 0 {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!("{skipped} entries of `packages` have no version or are not objects; skipped"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_nested_dependencies_keep_their_folders() {
        let lock = br#"{"lockfileVersion": 1, "dependencies": {
            "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0", "dev": true}}},
            "c": {"version": "npm:real@3.0.0"}
        }}"#;
        let reading = read_package_lock("package-lock.json", lock);
        assert!(reading.diagnostics.is_empty());
        let mut found: Vec<(String, String, String)> = reading
            .packages
            .iter()
            .map(|package| {
                (
                    format!("{}@{}", package.name, package.version),
                    package.metadata["install_path"].clone(),
                    format!("{:?}", package.dev),
                )
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                (
                    "a@1.0.0".into(),
                    "node_modules/a".into(),
                    "Some(false)".into()
                ),
                (
                    "b@2.0.0".into(),
                    "node_modules/a/node_modules/b".into(),
                    "Some(true)".into()
                ),
                (
                    "real@3.0.0".into(),
                    "node_modules/c".into(),
                    "Some(false)".into()
                ),
            ]
        );
    }

    #[test]
    fn version_3_links_resolve_to_their_workspace() {
        let lock = br#"{"lockfileVersion": 3, "packages": {
            "": {"name": "root", "version": "1.0.0"},
            "node_modules/ws-a": {"resolved": "packages/a", "link": true},
            "node_modules/gone": {"resolved": "packages/gone", "link": true},
            "packages/a": {"name": "ws-a", "version": "0.2.0", "license": "MIT"},
            "node_modules/@s/x": {"version": "1.1.1", "dev": true},
            "node_modules/alias": {"name": "real", "version": "4.0.0"}
        }}"#;
        let reading = read_package_lock("app/package-lock.json", lock);
        assert_eq!(
            reading.names_versions(),
            ["@s/x@1.1.1", "real@4.0.0", "ws-a@0.2.0"]
        );
        assert_eq!(reading.packages[2].metadata["workspace_path"], "packages/a");
        assert_eq!(reading.packages[2].licenses, ["MIT"]);
        assert_eq!(reading.packages[0].dev, Some(true));
        assert_eq!(reading.diagnostics.len(), 1);
        assert!(reading.diagnostics[0].message.contains("packages/gone"));
    }

    #[test]
    fn invalid_and_empty_locks_are_diagnosed() {
        let reading = read_package_lock("x", b"{\"packages\": ");
        assert_eq!(reading.diagnostics.len(), 1);
        assert!(reading.diagnostics[0]
            .message
            .starts_with("invalid package-lock.json"));
        let reading = read_package_lock("x", b"{}");
        assert!(reading.diagnostics[0].message.contains("neither"));
    }
}
