//! The licence fields of `package.json` and of package-lock entries.
//!
//! npm documents `license` as an SPDX expression string
//! (<https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license>). Older packages use an
//! object `{"type": "MIT", "url": ...}` or a `licenses` array of such objects (or of strings);
//! all three are still found in installed trees.

use serde_json::Value;

/// The licences a package object declares, in order, without empty ones. `license` comes
/// first, then every entry of the legacy `licenses` array.
pub fn declared_licenses(package: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut licenses = Vec::new();
    if let Some(license) = package.get("license") {
        push_license(license, &mut licenses);
    }
    if let Some(Value::Array(legacy)) = package.get("licenses") {
        for license in legacy {
            push_license(license, &mut licenses);
        }
    }
    licenses
}

/// Adds one licence value: a string, an object with a string `type`, or an array of either.
fn push_license(value: &Value, licenses: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let text = text.trim();
            if !text.is_empty() {
                licenses.push(text.to_owned());
            }
        }
        Value::Object(object) => {
            if let Some(kind) = object.get("type") {
                // A nested object here is malformed; only a string type is a licence.
                if kind.is_string() {
                    push_license(kind, licenses);
                }
            }
        }
        Value::Array(values) => {
            for value in values {
                if !value.is_array() {
                    push_license(value, licenses);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn licenses_of(json: &str) -> Vec<String> {
        let value: Value = serde_json::from_str(json).expect("test JSON");
        declared_licenses(value.as_object().expect("an object"))
    }

    #[test]
    fn strings_objects_and_legacy_arrays_are_all_read() {
        assert_eq!(licenses_of(r#"{"license": "MIT"}"#), ["MIT"]);
        assert_eq!(
            licenses_of(r#"{"license": {"type": "ISC", "url": "x"}}"#),
            ["ISC"]
        );
        assert_eq!(
            licenses_of(r#"{"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}, "BSD"]}"#),
            ["MIT", "Apache-2.0", "BSD"]
        );
        assert_eq!(
            licenses_of(r#"{"license": "(MIT OR GPL-3.0)"}"#),
            ["(MIT OR GPL-3.0)"]
        );
    }

    #[test]
    fn empty_null_and_malformed_values_give_nothing() {
        assert!(licenses_of(r#"{"license": ""}"#).is_empty());
        assert!(licenses_of(r#"{"license": null}"#).is_empty());
        assert!(licenses_of(r#"{"license": {"type": {"x": 1}}}"#).is_empty());
        assert!(licenses_of(r#"{"licenses": []}"#).is_empty());
        assert!(licenses_of(r#"{"license": 3}"#).is_empty());
    }
}
