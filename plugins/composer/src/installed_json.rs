//! `vendor/composer/installed.json`, the record Composer keeps of what it installed in
//! `vendor/`. Composer 1 writes an array of package entries; Composer 2 writes
//! `{"packages": [...], "dev": bool, "dev-package-names": [...]}`, and its packages named in
//! `dev-package-names` are reported with `dev` = `true` (the others with `false`). Composer 1
//! files say nothing about dev packages.

use std::collections::HashSet;

use purser_plugin_api::Diagnostic;
use serde_json::Value;

use crate::composer_lock::kind;
use crate::package::Reading;

/// Reads the packages of the `installed.json` at `path`.
pub fn read_installed_json(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let installed: Value = match serde_json::from_slice(contents) {
        Ok(installed) => installed,
        Err(error) => {
            reading.diagnostics.push(Diagnostic::warning(
                path,
                format!("invalid installed.json: {error}; no package read from it"),
            ));
            return reading;
        }
    };

    match &installed {
        // Composer 1.
        Value::Array(entries) => {
            reading.read_entries(path, "installed.json", entries, "installed-json", None);
        }
        // Composer 2.
        Value::Object(object) => {
            let Some(Value::Array(entries)) = object.get("packages") else {
                reading.diagnostics.push(Diagnostic::warning(
                    path,
                    "invalid installed.json: an object without a `packages` array; no package \
                     read from it",
                ));
                return reading;
            };
            let dev_names: HashSet<&str> = object
                .get("dev-package-names")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            reading.read_entries(path, "packages", entries, "installed-json", Some(false));
            for package in &mut reading.packages {
                package.dev = Some(dev_names.contains(package.name.as_str()));
            }
        }
        other => reading.diagnostics.push(Diagnostic::warning(
            path,
            format!(
                "invalid installed.json: the top level is {}, neither an array (Composer 1) \
                 nor an object (Composer 2); no package read from it",
                kind(other)
            ),
        )),
    }
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(reading: &Reading) -> Vec<String> {
        reading
            .packages
            .iter()
            .map(|package| format!("{}@{} {:?}", package.name, package.version, package.dev))
            .collect()
    }

    #[test]
    fn composer_1_and_composer_2_layouts_are_read() {
        let version_1 = br#"[{"name": "a/b", "version": "1.0.0"}]"#;
        assert_eq!(
            found(&read_installed_json("installed.json", version_1)),
            ["a/b@1.0.0 None"]
        );

        let version_2 = br#"{"packages": [{"name": "a/b", "version": "1.0.0"},
            {"name": "c/d", "version": "v2.0"}], "dev": true, "dev-package-names": ["c/d"]}"#;
        assert_eq!(
            found(&read_installed_json("installed.json", version_2)),
            ["a/b@1.0.0 Some(false)", "c/d@v2.0 Some(true)"]
        );
    }

    #[test]
    fn other_shapes_and_truncated_json_are_warnings() {
        for contents in [&b"\"x\""[..], b"{\"dev\": true}", b"[{\"name\": \"a/b\", "] {
            let reading = read_installed_json("vendor/composer/installed.json", contents);
            assert!(reading.packages.is_empty());
            assert!(
                reading.diagnostics[0]
                    .message
                    .starts_with("invalid installed.json"),
                "{:?}",
                reading.diagnostics
            );
        }
    }
}
