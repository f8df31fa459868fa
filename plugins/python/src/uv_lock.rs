//! `uv.lock` (<https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile>): TOML with one
//! `[[package]]` table per locked distribution. Packages whose `source` is `editable` or
//! `virtual` are the project itself (or its workspace members), not dependencies, and are
//! skipped.
//!
//! A package is `dev = true` when only the projects' `dev-dependencies` reach it, `dev = false`
//! when their `dependencies` or `optional-dependencies` do, and left out when nothing does.
//! References are followed breadth first with a visited set, so cycles end.

use std::collections::{HashMap, HashSet, VecDeque};

use toml::Value;

use crate::package::{PythonPackage, Reading};
use crate::poetry_lock::{parse_toml, warn_skipped};

/// Reads the packages of the `uv.lock` at `path`.
pub fn read_uv_lock(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let Some(lock) = parse_toml(path, "uv.lock", contents, &mut reading) else {
        return reading;
    };
    let packages: &[Value] = lock
        .get("package")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);

    let (production, development) = reach_from_projects(packages);
    let mut skipped = 0;
    for entry in packages {
        if is_project(entry) {
            continue;
        }
        let name = entry.get("name").and_then(Value::as_str);
        let version = entry.get("version").and_then(Value::as_str);
        let (Some(name), Some(version)) = (name, version) else {
            skipped += 1;
            continue;
        };
        let mut package = PythonPackage::new(name, version, "uv-lock");
        package.dev = if production.contains(name) {
            Some(false)
        } else if development.contains(name) {
            Some(true)
        } else {
            None
        };
        reading.packages.push(package);
    }
    warn_skipped(path, "[[package]] tables", skipped, &mut reading);
    reading
}

/// Whether the entry is the project or a workspace member rather than a dependency.
fn is_project(entry: &Value) -> bool {
    entry
        .get("source")
        .and_then(Value::as_table)
        .is_some_and(|source| source.contains_key("editable") || source.contains_key("virtual"))
}

/// The names reachable from the projects' production and development dependencies.
fn reach_from_projects(packages: &[Value]) -> (HashSet<String>, HashSet<String>) {
    let mut production_roots = Vec::new();
    let mut development_roots = Vec::new();
    for project in packages.iter().filter(|entry| is_project(entry)) {
        collect_names(project.get("dependencies"), &mut production_roots);
        for group in tables_of(project.get("optional-dependencies")) {
            collect_names(Some(group), &mut production_roots);
        }
        for group in tables_of(project.get("dev-dependencies")) {
            collect_names(Some(group), &mut development_roots);
        }
    }
    (
        walk(packages, production_roots),
        walk(packages, development_roots),
    )
}

/// The values of a table of groups (`dev = [...]`), or nothing.
fn tables_of(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value
        .and_then(Value::as_table)
        .into_iter()
        .flat_map(|table| table.values())
}

/// The `name` of every `{ name = "..." }` in an array of references.
fn collect_names(references: Option<&Value>, names: &mut Vec<String>) {
    let Some(references) = references.and_then(Value::as_array) else {
        return;
    };
    for reference in references {
        if let Some(name) = reference.get("name").and_then(Value::as_str) {
            names.push(name.to_owned());
        }
    }
}

/// Every package name reachable from `roots`; each is expanded once.
fn walk(packages: &[Value], roots: Vec<String>) -> HashSet<String> {
    let mut by_name: HashMap<&str, Vec<&Value>> = HashMap::new();
    for entry in packages {
        if let Some(name) = entry.get("name").and_then(Value::as_str) {
            by_name.entry(name).or_default().push(entry);
        }
    }
    let mut visited = HashSet::new();
    let mut queue: VecDeque<String> = roots.into();
    while let Some(name) = queue.pop_front() {
        if !visited.insert(name.clone()) {
            continue;
        }
        for entry in by_name.get(name.as_str()).into_iter().flatten() {
            let mut next = Vec::new();
            collect_names(entry.get("dependencies"), &mut next);
            for group in tables_of(entry.get("optional-dependencies")) {
                collect_names(Some(group), &mut next);
            }
            queue.extend(next);
        }
    }
    visited
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_is_skipped_and_dev_flags_follow_the_graph() {
        let lock = br#"
version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "a" }]

[package.dev-dependencies]
dev = [{ name = "d" }]

[[package]]
name = "a"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "b" }]

[[package]]
name = "b"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "a" }]

[[package]]
name = "d"
version = "3.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "b" }]

[[package]]
name = "orphan"
version = "4.0.0"
"#;
        let reading = read_uv_lock("uv.lock", lock);
        let found: Vec<String> = reading
            .packages
            .iter()
            .map(|package| format!("{}@{} {:?}", package.name, package.version, package.dev))
            .collect();
        assert_eq!(
            found,
            [
                "a@1.0.0 Some(false)",
                "b@2.0.0 Some(false)",
                "d@3.0.0 Some(true)",
                "orphan@4.0.0 None"
            ]
        );
    }
}
