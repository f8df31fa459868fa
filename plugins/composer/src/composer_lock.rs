//! `composer.lock` (<https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control>):
//! JSON whose `packages` and `packages-dev` arrays hold one entry per locked package, in the
//! schema of `composer.json`. Packages of `packages-dev` are reported with `dev` = `true`.

use purser_plugin_api::Diagnostic;
use serde_json::Value;

use crate::package::Reading;

/// Reads the packages of the `composer.lock` at `path`.
pub fn read_composer_lock(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let lock: Value = match serde_json::from_slice(contents) {
        Ok(lock) => lock,
        Err(error) => {
            reading.diagnostics.push(Diagnostic::warning(
                path,
                format!("invalid composer.lock: {error}; no package read from it"),
            ));
            return reading;
        }
    };
    if !lock.is_object() {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            "invalid composer.lock: the top level is not an object; no package read from it",
        ));
        return reading;
    }

    for (section, dev) in [("packages", false), ("packages-dev", true)] {
        match lock.get(section) {
            None | Some(Value::Null) => {}
            Some(Value::Array(entries)) => {
                reading.read_entries(path, section, entries, "composer-lock", Some(dev));
            }
            Some(other) => reading.diagnostics.push(Diagnostic::warning(
                path,
                format!(
                    "`{section}` of composer.lock is not an array but {}; not read",
                    kind(other)
                ),
            )),
        }
    }
    reading
}

/// The JSON kind of a value, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sections_are_read_with_their_dev_flag() {
        let lock = br#"{"packages": [{"name": "pear/log", "version": "1.13.3"}],
            "packages-dev": [{"name": "phpunit/phpunit", "version": "9.5.0"}, {"name": "x"}]}"#;
        let reading = read_composer_lock("app/composer.lock", lock);
        let found: Vec<String> = reading
            .packages
            .iter()
            .map(|package| format!("{}@{} {:?}", package.name, package.version, package.dev))
            .collect();
        assert_eq!(
            found,
            [
                "pear/log@1.13.3 Some(false)",
                "phpunit/phpunit@9.5.0 Some(true)"
            ]
        );
        assert_eq!(reading.diagnostics.len(), 1);
        assert!(reading.diagnostics[0]
            .message
            .starts_with("entries of `packages-dev` not read: 1;"));
    }

    #[test]
    fn broken_json_and_wrong_shapes_are_warnings() {
        let reading = read_composer_lock("composer.lock", br#"{"packages": [{"name""#);
        assert!(reading.diagnostics[0]
            .message
            .starts_with("invalid composer.lock"));
        let reading = read_composer_lock("composer.lock", b"[1, 2]");
        assert!(reading.diagnostics[0].message.contains("not an object"));
        let reading = read_composer_lock("composer.lock", br#"{"packages": {"a": 1}}"#);
        assert!(reading.diagnostics[0]
            .message
            .contains("not an array but an object"));
        assert!(reading.packages.is_empty());
    }
}
