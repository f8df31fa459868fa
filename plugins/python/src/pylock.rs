//! `pylock.toml` and `pylock.<name>.toml`, the standard lock format of PEP 751
//! (<https://packaging.python.org/en/latest/specifications/pylock-toml/>), written by pip, pdm
//! and uv: one `[[packages]]` table per locked distribution. `name` is required; `version` is
//! given for packages from an index and may be left out for those from a VCS, a directory or an
//! archive.
//!
//! A package from a `directory` without a version is the project being locked (or a local
//! path), not a dependency, and is skipped without a word, as uv.lock's project is. Any other
//! package without a version is skipped and counted in one warning. The same name may appear
//! with several versions under different environment markers: each is reported. The format
//! marks development packages only through markers on dependency groups, which are not
//! evaluated, so `dev` is left out.

use toml::Value;

use crate::package::{PythonPackage, Reading};
use crate::poetry_lock::{parse_toml, warn_skipped};

/// Where a locked package comes from, in the order the specification lists the keys.
const SOURCE_KEYS: [&str; 4] = ["vcs", "directory", "archive", "index"];

/// Whether `file_name` is a PEP 751 lock: `pylock.toml` or `pylock.<name>.toml`, where the
/// name holds no dot.
pub fn is_pylock(file_name: &str) -> bool {
    file_name
        .strip_prefix("pylock.")
        .and_then(|rest| rest.strip_suffix(".toml"))
        .is_some_and(|middle| !middle.is_empty() && !middle.contains('.'))
        || file_name == "pylock.toml"
}

/// Reads the packages of the PEP 751 lock at `path`.
pub fn read_pylock(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let Some(lock) = parse_toml(path, "pylock.toml", contents, &mut reading) else {
        return reading;
    };
    let packages: &[Value] = lock
        .get("packages")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);

    let mut skipped = 0;
    for entry in packages {
        let name = entry.get("name").and_then(Value::as_str);
        let version = entry.get("version").and_then(Value::as_str);
        let source = SOURCE_KEYS
            .into_iter()
            .find(|key| entry.get(*key).is_some());
        let (Some(name), Some(version)) = (name, version) else {
            if !(name.is_some() && source == Some("directory")) {
                skipped += 1;
            }
            continue;
        };
        let mut package = PythonPackage::new(name, version, "pylock");
        if let Some(source) = source {
            package.metadata.insert("source".into(), source.to_owned());
        }
        if let Some(marker) = entry.get("marker").and_then(Value::as_str) {
            package.metadata.insert("marker".into(), marker.to_owned());
        }
        reading.packages.push(package);
    }
    warn_skipped(path, "[[packages]] tables", skipped, &mut reading);
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(reading: &Reading) -> Vec<String> {
        reading
            .packages
            .iter()
            .map(|package| {
                let source = package.metadata.get("source").map_or("-", String::as_str);
                format!("{}@{} {source}", package.name, package.version)
            })
            .collect()
    }

    #[test]
    fn file_names_of_the_specification() {
        assert!(is_pylock("pylock.toml"));
        assert!(is_pylock("pylock.dev.toml"));
        assert!(!is_pylock("pylock.a.b.toml"));
        assert!(!is_pylock("pylock..toml"));
        assert!(!is_pylock("mypylock.toml"));
        assert!(!is_pylock("pylock.toml.bak"));
    }

    #[test]
    fn the_project_is_skipped_and_other_unversioned_packages_counted() {
        let lock = br#"
lock-version = "1.0"
created-by = "uv"

[[packages]]
name = "click"
version = "8.2.1"
index = "https://pypi.org/simple"

[[packages]]
name = "app"
directory = { path = ".", editable = true }

[[packages]]
name = "fork"
vcs = { type = "git", url = "https://example.com/fork.git", commit-id = "735093f" }

[[packages]]
name = "spam"
version = "1.0.0"
marker = "sys_platform == 'linux'"
"#;
        let reading = read_pylock("pylock.toml", lock);
        assert_eq!(found(&reading), ["click@8.2.1 index", "spam@1.0.0 -"]);
        assert_eq!(
            reading.packages[1].metadata["marker"],
            "sys_platform == 'linux'"
        );
        assert_eq!(reading.diagnostics.len(), 1);
        assert!(
            reading.diagnostics[0]
                .message
                .starts_with("1 [[packages]] tables"),
            "{:?}",
            reading.diagnostics
        );
    }

    #[test]
    fn invalid_toml_is_an_error() {
        let reading = read_pylock("pylock.toml", b"this is not valid toml!");
        assert!(reading.packages.is_empty());
        assert!(reading.diagnostics[0]
            .message
            .starts_with("invalid pylock.toml: "));
    }
}
