//! `bun.lock`, the text lock bun writes since 1.2 (<https://bun.sh/docs/install/lockfile>): JSON
//! with trailing commas. `workspaces` maps each workspace folder to its name and dependency
//! sections; `packages` maps a key to a tuple whose first element is `name@version` (or
//! `name@github:...`, `name@file:...`, `name@workspace:...`) and which holds one object with the
//! package's own dependency sections.
//!
//! A key is the package's name, or for a copy nested under another package, that package's key,
//! `/`, and the name (`chalk/supports-color`). A dependency of the package at key `k` resolves to
//! the longest of `k/name`, its parents' `…/name`, and `name` that the lock holds, as bun installs
//! it. Workspace packages (`name@workspace:path`) are the project's own and are skipped.
//!
//! `dev` is `false` for packages the workspaces' `dependencies`, `optionalDependencies` or
//! `peerDependencies` reach, `true` for those only their `devDependencies` reach, and left out
//! when nothing reaches them. The graph is walked breadth first with a visited set, so cycles
//! end.

use std::collections::{HashSet, VecDeque};

use purser_plugin_api::Diagnostic;
use serde_json::{Map, Value};

use crate::package::{split_name, Evidence, LockReading, NpmPackage};

/// Workspace sections whose packages are needed at run time.
const PRODUCTION_SECTIONS: [&str; 3] = ["dependencies", "optionalDependencies", "peerDependencies"];

/// Reads the packages of the `bun.lock` at `path`.
pub fn read_bun_lock(path: &str, contents: &[u8]) -> LockReading {
    let mut reading = LockReading::default();
    let text = without_trailing_commas(&String::from_utf8_lossy(contents));
    let lock: Value = match serde_json::from_str(&text) {
        Ok(lock) => lock,
        Err(error) => {
            reading.diagnostics.push(Diagnostic::error(
                path,
                format!("invalid bun.lock: {error}; no package read from it"),
            ));
            return reading;
        }
    };
    // An empty object is an empty lock; a version that is no number is no lock bun wrote.
    let version = &lock["lockfileVersion"];
    if !lock.is_object() || !(version.is_u64() || version.is_null()) {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!(
                "bun.lock has no readable lockfileVersion ({version}); no package read from it"
            ),
        ));
        return reading;
    }
    let empty = Map::new();
    let packages = lock["packages"].as_object().unwrap_or(&empty);
    let reached = reach_from_workspaces(&lock["workspaces"], packages);

    let mut skipped = Vec::new();
    for (key, entry) in packages {
        let Some((name, version)) = entry[0].as_str().and_then(split_name) else {
            skipped.push(key.as_str());
            continue;
        };
        if version.starts_with("workspace:") {
            continue;
        }
        if name.is_empty() || version.is_empty() {
            skipped.push(key.as_str());
            continue;
        }
        let mut package = NpmPackage::new(name, version, Evidence::BunLock);
        package.dev = if reached.production.contains(key.as_str()) {
            Some(false)
        } else if reached.development.contains(key.as_str()) {
            Some(true)
        } else {
            None
        };
        package.metadata.insert("lock_key".into(), key.clone());
        reading.packages.push(package);
    }
    reading.warn_unnamed_entries(path, &skipped);
    reading
}

/// `text` with every comma that closes an object or array (`,}`, `, ]`) removed, outside
/// strings: bun writes them, JSON refuses them.
fn without_trailing_commas(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (at, character) in text.char_indices() {
        if in_string {
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if character == '"' {
            in_string = true;
        } else if character == ',' {
            let next = text[at + 1..].trim_start().chars().next();
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        kept.push(character);
    }
    kept
}

/// The package keys the workspaces reach, by their kind of dependency.
#[derive(Debug, Default)]
struct Reached {
    production: HashSet<String>,
    development: HashSet<String>,
}

/// Walks the dependency graph from every workspace's sections.
fn reach_from_workspaces(workspaces: &Value, packages: &Map<String, Value>) -> Reached {
    let mut production = Vec::new();
    let mut development = Vec::new();
    for (folder, workspace) in workspaces.as_object().into_iter().flatten() {
        // The root workspace's dependencies sit at the top of `packages`; another workspace's
        // may be nested under its name.
        let parent = if folder.is_empty() {
            ""
        } else {
            workspace["name"].as_str().unwrap_or_default()
        };
        for section in PRODUCTION_SECTIONS {
            for name in section_names(&workspace[section]) {
                production.extend(resolve(packages, parent, name));
            }
        }
        for name in section_names(&workspace["devDependencies"]) {
            development.extend(resolve(packages, parent, name));
        }
    }
    Reached {
        production: walk(packages, production),
        development: walk(packages, development),
    }
}

/// Every key reachable from `roots`; each is expanded once.
fn walk(packages: &Map<String, Value>, roots: Vec<String>) -> HashSet<String> {
    let mut visited = HashSet::new();
    let mut queue: VecDeque<String> = roots.into();
    while let Some(key) = queue.pop_front() {
        if !visited.insert(key.clone()) {
            continue;
        }
        let Some(info) = package_info(&packages[&key]) else {
            continue;
        };
        for section in PRODUCTION_SECTIONS {
            for name in section_names(&info[section]) {
                queue.extend(resolve(packages, &key, name));
            }
        }
    }
    visited
}

/// The object of a package tuple that holds its dependency sections.
fn package_info(entry: &Value) -> Option<&Value> {
    entry
        .as_array()?
        .iter()
        .skip(1)
        .find(|element| element.is_object())
}

/// The dependency names of one section (`{"name": "^1.0.0"}`).
fn section_names(section: &Value) -> impl Iterator<Item = &str> {
    section
        .as_object()
        .into_iter()
        .flat_map(|names| names.keys().map(String::as_str))
}

/// The key the dependency `name` of the package at `parent` resolves to: the most deeply nested
/// copy visible from `parent`, else the top-level one.
fn resolve(packages: &Map<String, Value>, parent: &str, name: &str) -> Option<String> {
    let segments = key_segments(parent);
    (0..=segments.len()).rev().find_map(|depth| {
        let key = if depth == 0 {
            name.to_owned()
        } else {
            format!("{}/{name}", segments[..depth].join("/"))
        };
        packages.contains_key(&key).then_some(key)
    })
}

/// The package names a key is made of: `chalk/@scope/x/y` is `chalk`, `@scope/x`, `y`.
fn key_segments(key: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let parts = if rest.starts_with('@') { 2 } else { 1 };
        let end = rest
            .match_indices('/')
            .nth(parts - 1)
            .map_or(rest.len(), |(at, _)| at);
        segments.push(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_go_outside_strings_only() {
        assert_eq!(
            without_trailing_commas(r#"{"a": [1, 2, ], "b": ",}", "c": "\",]",}"#),
            r#"{"a": [1, 2 ], "b": ",}", "c": "\",]"}"#
        );
    }

    #[test]
    fn keys_split_into_package_names() {
        assert_eq!(key_segments("chalk/@scope/x/y"), ["chalk", "@scope/x", "y"]);
        assert!(key_segments("").is_empty());
    }

    #[test]
    fn nested_copies_cycles_and_workspaces() {
        let lock = br#"{
  "lockfileVersion": 1,
  "workspaces": {
    "": { "name": "app", "dependencies": { "a": "^1", "lib": "workspace:*" }, "devDependencies": { "t": "^1" } },
    "packages/lib": { "name": "lib", "dependencies": { "b": "^2" } },
  },
  "packages": {
    "a": ["a@1.0.0", "", { "dependencies": { "b": "^1" } }, "sha512-a"],
    "a/b": ["b@1.5.0", "", { "dependencies": { "a": "^1" } }, "sha512-b1"],
    "b": ["b@2.0.0", "", {}, "sha512-b2"],
    "lib": ["lib@workspace:packages/lib"],
    "t": ["t@3.0.0", "", { "dependencies": { "b": "^2" } }, "sha512-t"],
    "bad": [123, "", {}],
  },
}"#;
        let reading = read_bun_lock("bun.lock", lock);
        assert_eq!(
            reading.names_versions_dev(),
            [
                "a@1.0.0 Some(false)",
                "b@1.5.0 Some(false)",
                "b@2.0.0 Some(false)",
                "t@3.0.0 Some(true)",
            ]
        );
        assert_eq!(reading.diagnostics.len(), 1);
        assert!(reading.diagnostics[0].message.contains("(bad)"));
    }
}
