//! The analyzer's options and their defaults.

use purser_plugin_api::AnalyzerError;

/// The size limit, set with the option `max_file_size` (bytes).
///
/// A file over the limit is not read: the engine does not even load it, and the analyzer
/// reports a warning diagnostic naming the file, its size and the option to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Largest `*.deps.json` read. Default 16 MiB (a large application's file is
    /// under 1 MiB).
    pub max_file_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_size: 16 << 20,
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
        let max_file_size =
            AnalyzerError::max_file_size_only("dotnet", options, Options::default().max_file_size)?;
        Ok(Options { max_file_size })
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
        let options = Options::from_json(&serde_json::json!({"max_file_size": 10})).expect("valid");
        assert_eq!(options.max_file_size, 10);
        for bad in [
            serde_json::json!("x"),
            serde_json::json!({"max_file_size": 0}),
            serde_json::json!({"size": 1}),
        ] {
            assert!(Options::from_json(&bad).is_err(), "{bad}");
        }
    }
}
