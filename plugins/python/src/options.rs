//! The analyzer's options and their defaults.

use purser_plugin_api::AnalyzerError;

/// Size limits, set with the options `max_metadata_size`, `max_lock_file_size` and
/// `max_egg_size` (bytes).
///
/// A file over its limit is not read: the engine does not even load it, and the analyzer
/// reports a warning diagnostic naming the file, its size and the option to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Largest `METADATA`, `PKG-INFO`, `.egg-info` or `RECORD` read. Default 16 MiB (a
    /// `METADATA` holds the whole project description, rarely over 1 MiB).
    pub max_metadata_size: u64,
    /// Largest lock or requirements file read. Default 64 MiB.
    pub max_lock_file_size: u64,
    /// Largest zipped `.egg` read (only its directory and `EGG-INFO/PKG-INFO` are inflated).
    /// Default 512 MiB.
    pub max_egg_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_metadata_size: 16 << 20,
            max_lock_file_size: 64 << 20,
            max_egg_size: 512 << 20,
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
                "the python analyzer options must be a JSON object, not {options}"
            )));
        };
        for (key, value) in object {
            let limit = value.as_u64().filter(|limit| *limit > 0).ok_or_else(|| {
                AnalyzerError::new(format!(
                    "python analyzer option `{key}` must be a positive integer, not {value}"
                ))
            })?;
            match key.as_str() {
                "max_metadata_size" => parsed.max_metadata_size = limit,
                "max_lock_file_size" => parsed.max_lock_file_size = limit,
                "max_egg_size" => parsed.max_egg_size = limit,
                other => {
                    return Err(AnalyzerError::new(format!(
                        "unknown python analyzer option `{other}`; the options are \
                         max_metadata_size, max_lock_file_size and max_egg_size"
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
        let options = Options::from_json(&serde_json::json!({"max_egg_size": 10})).expect("valid");
        assert_eq!(options.max_egg_size, 10);
        for bad in [
            serde_json::json!("x"),
            serde_json::json!({"max_egg_size": -1}),
            serde_json::json!({"size": 1}),
        ] {
            assert!(Options::from_json(&bad).is_err(), "{bad}");
        }
    }
}
