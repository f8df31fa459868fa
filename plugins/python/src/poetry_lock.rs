//! `poetry.lock` (<https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock>):
//! TOML with one `[[package]]` table per locked distribution (`name`, `version`). Poetry
//! before 1.2 marks development packages `category = "dev"`; Poetry 2 lists `groups`, and a
//! package outside the `main` group is a development one.

use purser_plugin_api::Diagnostic;
use toml::Value;

use crate::package::{PythonPackage, Reading};

/// Reads the packages of the `poetry.lock` at `path`.
pub fn read_poetry_lock(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let Some(lock) = parse_toml(path, "poetry.lock", contents, &mut reading) else {
        return reading;
    };
    let Some(packages) = lock.get("package").and_then(Value::as_array) else {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            "poetry.lock has no [[package]] tables; no package read from it",
        ));
        return reading;
    };

    let mut skipped = 0;
    for entry in packages {
        let name = entry.get("name").and_then(Value::as_str);
        let version = entry.get("version").and_then(Value::as_str);
        let (Some(name), Some(version)) = (name, version) else {
            skipped += 1;
            continue;
        };
        let mut package = PythonPackage::new(name, version, "poetry-lock");
        package.dev = development_flag(entry);
        reading.packages.push(package);
    }
    warn_skipped(path, "[[package]] tables", skipped, &mut reading);
    reading
}

/// `category` (Poetry < 1.2) or `groups` (Poetry 2); `None` when the lock has neither.
fn development_flag(entry: &Value) -> Option<bool> {
    if let Some(category) = entry.get("category").and_then(Value::as_str) {
        return Some(category == "dev");
    }
    let groups = entry.get("groups").and_then(Value::as_array)?;
    Some(!groups.iter().any(|group| group.as_str() == Some("main")))
}

/// Parses TOML, or records why not.
pub(crate) fn parse_toml(
    path: &str,
    format: &str,
    contents: &[u8],
    reading: &mut Reading,
) -> Option<toml::Table> {
    let text = String::from_utf8_lossy(contents);
    match text.parse::<toml::Table>() {
        Ok(table) => Some(table),
        Err(error) => {
            let message = error.message().to_owned();
            reading.diagnostics.push(Diagnostic::error(
                path,
                format!("invalid {format}: {message}; no package read from it"),
            ));
            None
        }
    }
}

/// Records, once per file, how many entries had no name or version.
pub(crate) fn warn_skipped(path: &str, what: &str, skipped: usize, reading: &mut Reading) {
    if skipped > 0 {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!("{skipped} {what} have no name or no version; skipped"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_groups_mark_development_packages() {
        let lock = br#"
[[package]]
name = "Flask"
version = "1.0.3"
category = "main"

[[package]]
name = "pytest"
version = "7.0.0"
category = "dev"

[[package]]
name = "black"
version = "24.1.0"
groups = ["dev", "lint"]

[[package]]
name = "click"
version = "8.0.0"
groups = ["main", "dev"]

[[package]]
name = "nameless"
"#;
        let reading = read_poetry_lock("poetry.lock", lock);
        let found: Vec<(String, Option<bool>)> = reading
            .packages
            .iter()
            .map(|package| (package.name.clone(), package.dev))
            .collect();
        assert_eq!(
            found,
            [
                ("Flask".to_owned(), Some(false)),
                ("pytest".to_owned(), Some(true)),
                ("black".to_owned(), Some(true)),
                ("click".to_owned(), Some(false)),
            ]
        );
        assert_eq!(reading.diagnostics.len(), 1);
    }

    #[test]
    fn invalid_toml_is_an_error() {
        let reading = read_poetry_lock("poetry.lock", b"[[package]\nname =");
        assert!(reading.diagnostics[0]
            .message
            .starts_with("invalid poetry.lock"));
    }
}
