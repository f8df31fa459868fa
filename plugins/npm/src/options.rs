//! The analyzer's options and their defaults.

use purser_plugin_api::AnalyzerError;

/// Size limits, set with the options `max_package_json_size` and `max_lock_file_size` (bytes).
///
/// A file over its limit is not read: the engine does not even load it, and the analyzer
/// reports a warning diagnostic naming the file, its size and the option to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Largest installed `package.json` read. Default 4 MiB; real ones rarely pass 100 KiB.
    pub max_package_json_size: u64,
    /// Largest lock file read. Default 128 MiB; monorepo locks of tens of MiB exist.
    pub max_lock_file_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_package_json_size: 4 << 20,
            max_lock_file_size: 128 << 20,
        }
    }
}

impl Options {
    /// Reads the options object (`null` means the defaults).
    ///
    /// # Errors
    ///
    /// When `options` is neither `null` nor an object, names an unknown option, or gives a
    /// limit that is not a positive integer.
    pub fn from_json(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        let mut parsed = Options::default();
        if options.is_null() {
            return Ok(parsed);
        }
        let Some(object) = options.as_object() else {
            return Err(AnalyzerError::new(format!(
                "the npm analyzer options must be a JSON object, not {options}"
            )));
        };
        for (key, value) in object {
            let limit = value.as_u64().filter(|limit| *limit > 0).ok_or_else(|| {
                AnalyzerError::new(format!(
                    "npm analyzer option `{key}` must be a positive integer, not {value}"
                ))
            })?;
            match key.as_str() {
                "max_package_json_size" => parsed.max_package_json_size = limit,
                "max_lock_file_size" => parsed.max_lock_file_size = limit,
                other => {
                    return Err(AnalyzerError::new(format!(
                        "unknown npm analyzer option `{other}`; the options are \
                         max_package_json_size and max_lock_file_size"
                    )))
                }
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_overrides_and_refusals() {
        assert_eq!(
            Options::from_json(&serde_json::Value::Null),
            Ok(Options::default())
        );
        let options =
            Options::from_json(&serde_json::json!({"max_package_json_size": 10})).expect("valid");
        assert_eq!(options.max_package_json_size, 10);
        for bad in [
            serde_json::json!([]),
            serde_json::json!({"max_lock_file_size": 0}),
            serde_json::json!({"max_lock_file_size": "1"}),
            serde_json::json!({"max_size": 1}),
        ] {
            assert!(Options::from_json(&bad).is_err(), "{bad}");
        }
    }
}
