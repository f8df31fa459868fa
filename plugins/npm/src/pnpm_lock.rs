//! `pnpm-lock.yaml`, lockfile versions 5, 6 and 9
//! (<https://github.com/pnpm/spec/tree/master/lockfile>).
//!
//! Every entry of `packages` is one package; its key names it:
//!
//! | version | key | peer suffix |
//! |---|---|---|
//! | 5.x | `/name/1.0.0`, `/@scope/name/1.0.0` | `_peer@2.0.0` after the version |
//! | 6.x | `/name@1.0.0`, `/@scope/name@1.0.0` | `(peer@2.0.0)` after the version |
//! | 9.x | `name@1.0.0` (`snapshots:` holds the peer variants) | none in `packages` |
//!
//! An entry's own `name` and `version` fields (tarball and git dependencies) take precedence
//! over its key. Versions 5 and 6 mark dev-only packages `dev: true`, production-only ones
//! `dev: false`, and leave the field out when both need the package (reported `dev = false`:
//! it ships either way). Version 9 does
//! not; there a package is `dev = true` when the `snapshots` graph reaches it only from
//! `devDependencies` of the importers, `dev = false` when some `dependencies` or
//! `optionalDependencies` reach it, and left out when nothing reaches it. The graph can hold
//! cycles (`a` depends on `b`, `b` on `a`): it is walked breadth first with a visited set, so
//! each snapshot is expanded once.
//!
//! pnpm 10 may prefix the lock with a second YAML document describing pnpm's own installation
//! (`packageManagerDependencies`); that document lists the package manager, not the project's
//! packages, and is skipped.

use std::collections::{HashSet, VecDeque};

use purser_plugin_api::Diagnostic;
use yaml_rust2::{yaml::Hash, Yaml, YamlLoader};

use crate::package::{split_name, Evidence, LockReading, NpmPackage};
use crate::yaml::text;

/// Reads the packages of the `pnpm-lock.yaml` at `path`.
pub fn read_pnpm_lock(path: &str, contents: &[u8]) -> LockReading {
    let mut reading = LockReading::default();
    let text = String::from_utf8_lossy(contents);
    let documents = match YamlLoader::load_from_str(&text) {
        Ok(documents) => documents,
        Err(error) => {
            reading.diagnostics.push(Diagnostic::error(
                path,
                format!("invalid pnpm-lock.yaml: {error}; no package read from it"),
            ));
            return reading;
        }
    };

    let several = documents.len() > 1;
    let mut mappings = 0;
    for document in &documents {
        let Yaml::Hash(lock) = document else {
            continue;
        };
        mappings += 1;
        if several && is_environment_document(lock) {
            continue;
        }
        read_document(path, document, &mut reading);
    }
    // Plain text is valid YAML (one string); a lock is a mapping starting `lockfileVersion:`.
    if mappings == 0 && !documents.is_empty() {
        reading.diagnostics.push(Diagnostic::error(
            path,
            "pnpm-lock.yaml holds no mapping (a lock starts with `lockfileVersion:`); no \
             package read from it",
        ));
    }
    reading
}

/// Reads one lock document.
fn read_document(path: &str, lock: &Yaml, reading: &mut LockReading) {
    let lockfile_version = text(&lock["lockfileVersion"]).unwrap_or_default();
    let major = lockfile_version
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok());
    let Some(major) = major else {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!("pnpm-lock.yaml has no readable lockfileVersion (`{lockfile_version}`); no package read from it"),
        ));
        return;
    };
    let Yaml::Hash(packages) = &lock["packages"] else {
        return;
    };

    let reached = (major >= 9).then(|| reach_from_importers(lock));
    let mut skipped = Vec::new();
    for (key, entry) in packages {
        let key = text(key).unwrap_or_default();
        let Some((name, version)) = name_and_version(&key, entry, major) else {
            skipped.push(key);
            continue;
        };
        let mut package = NpmPackage::new(&name, &version, Evidence::PnpmLock);
        package.dev = match &reached {
            // Snapshots are keyed like `packages`; a package fetched from a URL has a key
            // (`a@https://...`) other than its `name@version` (`a@6.0.1`).
            Some(reached) => {
                let key_base = key.split('(').next().unwrap_or(&key);
                reached
                    .dev_flag(key_base)
                    .or_else(|| reached.dev_flag(&format!("{name}@{version}")))
            }
            // pnpm leaves `dev` out when both kinds of dependency need the package.
            None => Some(entry["dev"].as_bool().unwrap_or(false)),
        };
        package.metadata.insert("lock_key".into(), key);
        reading.packages.push(package);
    }
    reading.warn_unnamed_entries(path, &skipped);
}

/// The document pnpm 10 writes for its own installation: importers holding only the package
/// manager and config dependencies.
fn is_environment_document(lock: &Hash) -> bool {
    let Some(Yaml::Hash(importers)) = lock.get(&Yaml::String("importers".into())) else {
        return false;
    };
    importers
        .values()
        .any(|importer| !importer["packageManagerDependencies"].is_badvalue())
        && importers.values().all(|importer| {
            DEPENDENCY_SECTIONS
                .iter()
                .chain(["devDependencies"].iter())
                .all(|section| importer[*section].is_badvalue())
        })
}

/// The name and version of the `packages` entry `key`.
fn name_and_version(key: &str, entry: &Yaml, major: u32) -> Option<(String, String)> {
    let own_name = text(&entry["name"]);
    let own_version = text(&entry["version"]);
    let from_key = if major >= 6 {
        split_at_version(key)
    } else {
        split_version_5(key)
    };
    let name = own_name.or_else(|| from_key.as_ref().map(|(name, _)| name.clone()))?;
    let version = own_version.or_else(|| from_key.map(|(_, version)| version))?;
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

/// Version 6 and 9 keys: `/name@1.0.0(peer@2)` or `name@1.0.0`.
fn split_at_version(key: &str) -> Option<(String, String)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let base = key.split('(').next().unwrap_or(key);
    let (name, version) = split_name(base)?;
    Some((name.to_owned(), version.to_owned()))
}

/// Version 5 keys: `/name/1.0.0_peer@2` or `/@scope/name/1.0.0`.
fn split_version_5(key: &str) -> Option<(String, String)> {
    let key = key.strip_prefix('/')?;
    let (name, version) = key.rsplit_once('/')?;
    let version = version.split('_').next().unwrap_or(version);
    Some((name.to_owned(), version.to_owned()))
}

/// Importer sections whose packages are needed at run time.
const DEPENDENCY_SECTIONS: [&str; 2] = ["dependencies", "optionalDependencies"];

/// Which packages (`name@version`, peers cut off) the importers reach, and how.
#[derive(Debug, Default)]
struct Reached {
    production: HashSet<String>,
    development: HashSet<String>,
}

impl Reached {
    /// `Some(false)` when production dependencies reach the package, `Some(true)` when only
    /// dev dependencies do, `None` when nothing does.
    fn dev_flag(&self, package: &str) -> Option<bool> {
        if self.production.contains(package) {
            Some(false)
        } else if self.development.contains(package) {
            Some(true)
        } else {
            None
        }
    }
}

/// Walks the version 9 `snapshots` graph from the importers' dependencies.
fn reach_from_importers(lock: &Yaml) -> Reached {
    let mut production_roots = Vec::new();
    let mut development_roots = Vec::new();
    if let Yaml::Hash(importers) = &lock["importers"] {
        for importer in importers.values() {
            for section in DEPENDENCY_SECTIONS {
                collect_importer_roots(&importer[section], &mut production_roots);
            }
            collect_importer_roots(&importer["devDependencies"], &mut development_roots);
        }
    }
    let snapshots = &lock["snapshots"];
    Reached {
        production: walk_snapshots(snapshots, production_roots),
        development: walk_snapshots(snapshots, development_roots),
    }
}

/// The snapshot keys an importer section points at (`name: {specifier, version}`).
fn collect_importer_roots(section: &Yaml, roots: &mut Vec<String>) {
    let Yaml::Hash(dependencies) = section else {
        return;
    };
    for (name, dependency) in dependencies {
        if let (Some(name), Some(version)) = (text(name), text(&dependency["version"])) {
            roots.push(snapshot_key(&name, &version));
        }
    }
}

/// The snapshot a dependency reference points at: `name@version(peers)`, or the reference
/// itself when it already names a package (an alias: `string-width@4.2.3`).
fn snapshot_key(name: &str, reference: &str) -> String {
    let base = reference.split('(').next().unwrap_or(reference);
    if split_name(base).is_some() && !base.starts_with("link:") && !base.starts_with("file:") {
        reference.to_owned()
    } else {
        format!("{name}@{reference}")
    }
}

/// Every package (peers cut off) reachable from `roots`; each snapshot is expanded once.
fn walk_snapshots(snapshots: &Yaml, roots: Vec<String>) -> HashSet<String> {
    let mut visited: HashSet<String> = HashSet::new();
    let mut queue: VecDeque<String> = roots.into();
    while let Some(key) = queue.pop_front() {
        if !visited.insert(key.clone()) {
            continue;
        }
        let snapshot = &snapshots[key.as_str()];
        for section in DEPENDENCY_SECTIONS {
            let Yaml::Hash(dependencies) = &snapshot[section] else {
                continue;
            };
            for (name, reference) in dependencies {
                if let (Some(name), Some(reference)) = (text(name), text(reference)) {
                    queue.push_back(snapshot_key(&name, &reference));
                }
            }
        }
    }
    visited
        .into_iter()
        .map(|key| key.split('(').next().unwrap_or(&key).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_5_keys_with_peer_suffixes() {
        let lock = "lockfileVersion: 5.4\npackages:\n  /acorn/8.8.0:\n    dev: false\n  /@s/x/1.0.0_acorn@8.8.0:\n    dev: true\n  registry.example/tar/1.0.0:\n    name: tar\n    version: 1.0.0\n";
        let reading = read_pnpm_lock("pnpm-lock.yaml", lock.as_bytes());
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        assert_eq!(
            reading.names_versions_dev(),
            [
                "acorn@8.8.0 Some(false)",
                "@s/x@1.0.0 Some(true)",
                "tar@1.0.0 Some(false)"
            ]
        );
    }

    #[test]
    fn version_6_keys_with_peers_in_parentheses() {
        let lock = "lockfileVersion: '6.0'\npackages:\n  /@s/x@1.0.0(react@18.0.0):\n    dev: false\n  /y@2.0.0:\n    dev: true\n";
        let reading = read_pnpm_lock("pnpm-lock.yaml", lock.as_bytes());
        assert_eq!(
            reading.names_versions_dev(),
            ["@s/x@1.0.0 Some(false)", "y@2.0.0 Some(true)"]
        );
    }

    #[test]
    fn version_9_dev_flags_come_from_a_cycle_safe_walk() {
        let lock = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0(p@1.0.0)\n    devDependencies:\n      d:\n        specifier: ^1\n        version: 1.0.0\npackages:\n  a@1.0.0: {}\n  b@1.0.0: {}\n  d@1.0.0: {}\n  e@1.0.0: {}\n  lonely@1.0.0: {}\nsnapshots:\n  a@1.0.0(p@1.0.0):\n    dependencies:\n      b: 1.0.0\n  b@1.0.0:\n    dependencies:\n      a: 1.0.0(p@1.0.0)\n  d@1.0.0:\n    dependencies:\n      b: 1.0.0\n      e: 1.0.0\n  e@1.0.0:\n    dependencies:\n      d: 1.0.0\n  lonely@1.0.0: {}\n";
        let reading = read_pnpm_lock("pnpm-lock.yaml", lock.as_bytes());
        assert_eq!(
            reading.names_versions_dev(),
            [
                "a@1.0.0 Some(false)",
                "b@1.0.0 Some(false)",
                "d@1.0.0 Some(true)",
                "e@1.0.0 Some(true)",
                "lonely@1.0.0 None"
            ]
        );
    }

    #[test]
    fn broken_documents_are_diagnosed() {
        let reading = read_pnpm_lock("x", b"packages: [\n");
        assert!(reading.diagnostics[0]
            .message
            .starts_with("invalid pnpm-lock.yaml"));
        let reading = read_pnpm_lock("x", b"packages:\n  /a/1.0.0: {}\n");
        assert!(reading.diagnostics[0].message.contains("lockfileVersion"));
        let reading = read_pnpm_lock("x", b"lockfileVersion: '9.0'\npackages:\n  nonsense: {}\n");
        assert!(reading.diagnostics[0].message.contains("nonsense"));
    }
}
