//! `Pipfile.lock` (<https://github.com/pypa/pipfile>): JSON with the `default` (production)
//! and `develop` sections, each mapping a name to `{"version": "==1.2.3", ...}`. Entries
//! without a pinned version (editable or VCS installs) are skipped and counted in a
//! diagnostic.

use purser_plugin_api::{Diagnostic, DiagnosticLevel};
use serde_json::Value;

use crate::package::{PythonPackage, Reading};

/// Reads the packages of the `Pipfile.lock` at `path`.
pub fn read_pipfile_lock(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let lock: Value = match serde_json::from_slice(contents) {
        Ok(lock) => lock,
        Err(error) => {
            reading.diagnostics.push(Diagnostic::error(
                path,
                format!("invalid Pipfile.lock: {error}; no package read from it"),
            ));
            return reading;
        }
    };

    let mut unpinned = Vec::new();
    for (section, dev) in [("default", false), ("develop", true)] {
        let Some(entries) = lock.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (name, entry) in entries {
            let version = entry.get("version").and_then(Value::as_str);
            let Some(version) = version.and_then(|version| version.strip_prefix("==")) else {
                unpinned.push(name.clone());
                continue;
            };
            let mut package = PythonPackage::new(name, version, "pipfile-lock");
            package.dev = Some(dev);
            reading.packages.push(package);
        }
    }
    if !unpinned.is_empty() {
        reading.diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Info,
            path: path.to_owned(),
            message: format!(
                "entries without a `==` version (editable or VCS installs) are not reported: {}",
                unpinned.join(", ")
            ),
        });
    }
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sections_are_read_and_unpinned_entries_reported() {
        let lock = br#"{"_meta": {}, "default": {"django": {"version": "==3.2.1"},
            "mine": {"editable": true, "path": "."}},
            "develop": {"pytest": {"version": "==7.0.0"}}}"#;
        let reading = read_pipfile_lock("Pipfile.lock", lock);
        let found: Vec<String> = reading
            .packages
            .iter()
            .map(|package| format!("{}@{} {:?}", package.name, package.version, package.dev))
            .collect();
        assert_eq!(
            found,
            ["django@3.2.1 Some(false)", "pytest@7.0.0 Some(true)"]
        );
        assert_eq!(reading.diagnostics[0].level, DiagnosticLevel::Info);
        assert!(reading.diagnostics[0].message.ends_with("mine"));
    }
}
