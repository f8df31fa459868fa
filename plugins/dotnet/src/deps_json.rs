//! `<application>.deps.json`, the dependency manifest the .NET SDK writes beside an application
//! (<https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md>).
//!
//! Its `libraries` object maps `<name>/<version>` to `{"type": ..., "sha512": ..., "path": ...}`;
//! only entries of type `package` (restored from a NuGet feed) are reported. Projects of the
//! same solution (`project`), framework references (`reference`) and the runtime packs of a
//! self-contained application (`runtimepack`) are not NuGet packages and are skipped.
//!
//! Each package's entry in the runtime target (`targets[runtimeTarget.name]`) tells whether it
//! brings anything to run (`runtime`, `runtimeTargets` or `native` assets); that is reported as
//! metadata `runtime_assets`, so that packages used only at build time can be told apart. When
//! the file names no runtime target, the target is missing, or the target does not list the
//! package, the key is left out.

use purser_plugin_api::Diagnostic;
use serde_json::{Map, Value};

use crate::package::{NuGetPackage, Reading};

/// Keys of a target entry that list files loaded at run time.
const RUNTIME_ASSET_KEYS: [&str; 3] = ["runtime", "runtimeTargets", "native"];

/// Reads the packages of the `deps.json` at `path`.
pub fn read_deps_json(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    // A UTF-8 byte order mark is common in files written on Windows.
    let contents = contents.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(contents);
    let deps: Value = match serde_json::from_slice(contents) {
        Ok(deps) => deps,
        Err(error) => {
            reading.diagnostics.push(Diagnostic::warning(
                path,
                format!("invalid deps.json: {error}; no package read from it"),
            ));
            return reading;
        }
    };
    let Some(libraries) = deps.get("libraries") else {
        if !deps.is_object() {
            reading.diagnostics.push(Diagnostic::warning(
                path,
                "invalid deps.json: the top level is not an object; no package read from it",
            ));
        }
        return reading;
    };
    let Some(libraries) = libraries.as_object() else {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            "invalid deps.json: `libraries` is not an object; no package read from it",
        ));
        return reading;
    };

    let target = runtime_target(&deps);
    let mut unreadable = Vec::new();
    for (key, library) in libraries {
        if library.get("type").and_then(Value::as_str) != Some("package") {
            continue;
        }
        // Names never hold `/`, versions may not either, but split at the last one to be safe
        // with a name that does.
        let Some((name, version)) = key
            .rsplit_once('/')
            .filter(|(name, version)| !name.trim().is_empty() && !version.trim().is_empty())
        else {
            unreadable.push(key.clone());
            continue;
        };

        let mut package = NuGetPackage::new(name, version, "deps-json");
        for (field, metadata_key) in [("sha512", "sha512"), ("path", "package_path")] {
            if let Some(value) = library.get(field).and_then(Value::as_str) {
                if !value.is_empty() {
                    package
                        .metadata
                        .insert(metadata_key.into(), value.to_owned());
                }
            }
        }
        // A package the target does not list at all is left unjudged rather than called
        // build-only: hand-edited or trimmed files exist, and omitting it would hide it.
        if let Some(entry) = target.and_then(|target| target.get(key)) {
            package.metadata.insert(
                "runtime_assets".into(),
                has_runtime_assets(entry).to_string(),
            );
        }
        reading.packages.push(package);
    }

    if !unreadable.is_empty() {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!(
                "libraries whose key is not `<name>/<version>` are not reported: {}",
                unreadable.join(", ")
            ),
        ));
    }
    reading
}

/// The runtime target's entries, when the file names a target it has.
fn runtime_target(deps: &Value) -> Option<&Map<String, Value>> {
    let name = deps.get("runtimeTarget")?.get("name")?.as_str()?;
    deps.get("targets")?.get(name)?.as_object()
}

/// Whether a target entry lists any file loaded at run time.
fn has_runtime_assets(entry: &Value) -> bool {
    RUNTIME_ASSET_KEYS.iter().any(|key| {
        entry
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(|assets| !assets.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(reading: &Reading) -> Vec<String> {
        reading
            .packages
            .iter()
            .map(|package| {
                let assets = package
                    .metadata
                    .get("runtime_assets")
                    .map_or("-", String::as_str);
                format!("{}@{} {assets}", package.name, package.version)
            })
            .collect()
    }

    #[test]
    fn only_packages_are_reported_with_their_runtime_assets() {
        let deps = br#"{"runtimeTarget": {"name": "net8"},
            "targets": {"net8": {
                "App/1.0.0": {"runtime": {"App.dll": {}}},
                "A/1.0.0": {"runtime": {"lib/A.dll": {}}},
                "B/2.0.0": {"dependencies": {"A": "1.0.0"}},
                "C/3.0.0": {"native": {"runtimes/linux-x64/native/libc.so": {}}}}},
            "libraries": {
                "App/1.0.0": {"type": "project"},
                "A/1.0.0": {"type": "package", "sha512": "sha512-x", "path": "a/1.0.0"},
                "B/2.0.0": {"type": "package"},
                "C/3.0.0": {"type": "package"},
                "D/4.0.0": {"type": "package"},
                "runtimepack.X/8.0.0": {"type": "runtimepack"},
                "broken": {"type": "package"}}}"#;
        let reading = read_deps_json("app/App.deps.json", deps);
        assert_eq!(
            found(&reading),
            ["A@1.0.0 true", "B@2.0.0 false", "C@3.0.0 true", "D@4.0.0 -"]
        );
        assert_eq!(reading.packages[0].metadata["sha512"], "sha512-x");
        assert_eq!(reading.packages[0].metadata["package_path"], "a/1.0.0");
        assert!(reading.diagnostics[0].message.ends_with("broken"));
    }

    #[test]
    fn without_a_runtime_target_packages_carry_no_asset_flag() {
        let deps = b"\xEF\xBB\xBF{\"libraries\": {\"A/1.0.0\": {\"type\": \"package\"}}}";
        assert_eq!(found(&read_deps_json("a.deps.json", deps)), ["A@1.0.0 -"]);
    }

    #[test]
    fn truncated_json_and_wrong_shapes_are_warnings() {
        for contents in [
            &br#"{"libraries": {"A/1"#[..],
            b"[]",
            br#"{"libraries": []}"#,
        ] {
            let reading = read_deps_json("a.deps.json", contents);
            assert!(reading.packages.is_empty());
            assert!(
                reading.diagnostics[0]
                    .message
                    .starts_with("invalid deps.json"),
                "{:?}",
                reading.diagnostics
            );
        }
        assert_eq!(read_deps_json("a.deps.json", b"{}"), Reading::default());
    }
}
