//! The trait a plugin author implements.

use serde::{Deserialize, Serialize};

use crate::{AnalyzerRequests, FileInput, Finding, ImageInput, LayerContext};

/// Who an analyzer is, as `purser plugins` lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalyzerInfo {
    /// Unique name (`os-release`, `dpkg`); lowercase with dashes. Two plugins with the same name
    /// are not both loaded.
    pub name: String,
    /// The analyzer's own version. Part of the cache key of its per-layer results: bump it
    /// whenever its output for the same input may change.
    pub version: String,
    /// One line for humans.
    pub description: String,
}

/// An error an analyzer returns; the engine reports it with the analyzer's name and the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzerError {
    message: String,
}

impl AnalyzerError {
    /// An error with a message a user can act on (lowercase, no trailing period).
    pub fn new(message: impl Into<String>) -> Self {
        AnalyzerError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for AnalyzerError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for AnalyzerError {}

impl AnalyzerError {
    /// Checks the options of an analyzer that takes none: `null` or `{}` pass, anything else is
    /// an error naming the analyzer and what it was given.
    ///
    /// # Errors
    ///
    /// When `options` holds anything.
    pub fn unless_no_options(analyzer: &str, options: &serde_json::Value) -> Result<(), Self> {
        match options {
            serde_json::Value::Null => Ok(()),
            serde_json::Value::Object(map) if map.is_empty() => Ok(()),
            other => Err(AnalyzerError::new(format!(
                "the {analyzer} analyzer takes no options, but was given {other}"
            ))),
        }
    }

    /// Reads the options of an analyzer whose only option is `max_file_size` (bytes, a positive
    /// integer): `null` or `{}` give `default`.
    ///
    /// # Errors
    ///
    /// When `options` is neither `null` nor an object, names another option, or gives a limit
    /// that is not a positive integer; the message names `analyzer`.
    pub fn max_file_size_only(
        analyzer: &str,
        options: &serde_json::Value,
        default: u64,
    ) -> Result<u64, Self> {
        if options.is_null() {
            return Ok(default);
        }
        let Some(object) = options.as_object() else {
            return Err(AnalyzerError::new(format!(
                "the {analyzer} analyzer options must be a JSON object, not {options}"
            )));
        };
        let mut limit = default;
        for (key, value) in object {
            if key != "max_file_size" {
                return Err(AnalyzerError::new(format!(
                    "unknown {analyzer} analyzer option `{key}`; the only option is max_file_size"
                )));
            }
            limit = value.as_u64().filter(|limit| *limit > 0).ok_or_else(|| {
                AnalyzerError::new(format!(
                    "{analyzer} analyzer option `{key}` must be a positive integer, not {value}"
                ))
            })?;
        }
        Ok(limit)
    }
}

impl From<String> for AnalyzerError {
    fn from(message: String) -> Self {
        AnalyzerError::new(message)
    }
}

impl From<&str> for AnalyzerError {
    fn from(message: &str) -> Self {
        AnalyzerError::new(message)
    }
}

/// An analyzer: a name, what it wants, and what it makes of it.
///
/// The engine creates one instance per scan ([`Analyzer::new`]) and may call it from several
/// threads at once, one layer per thread, hence `Sync`. Per-layer state lives in
/// [`Analyzer::Layer`], created by [`Analyzer::start_layer`] and handed back to every call for
/// that layer.
///
/// Errors and panics in [`Analyzer::analyze_file`] are caught per file: the engine records a
/// diagnostic naming the file and goes on with the next one. Export the type with
/// [`crate::export_analyzer!`].
pub trait Analyzer: Sized + Send + Sync + 'static {
    /// State kept while one layer is analyzed.
    type Layer: Send;

    /// Name, version and description. Must not depend on the options.
    fn info() -> AnalyzerInfo;

    /// Creates the analyzer for one scan. `options` is the JSON object the user configured for
    /// this analyzer, or `null`.
    ///
    /// # Errors
    ///
    /// When the options are invalid; the scan then runs without this analyzer and says so.
    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError>;

    /// What this instance wants to see.
    fn requests(&self) -> AnalyzerRequests;

    /// Starts the analysis of one layer.
    ///
    /// # Errors
    ///
    /// When the layer cannot be analyzed at all; its files are then not dispatched.
    fn start_layer(&self, layer: &LayerContext) -> Result<Self::Layer, AnalyzerError>;

    /// Looks at one requested file and pushes any findings to `findings`.
    ///
    /// # Errors
    ///
    /// When the file cannot be analyzed; findings pushed before the error are kept.
    fn analyze_file(
        &self,
        layer: &mut Self::Layer,
        file: &FileInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError>;

    /// Ends a layer: reports what could only be known after all its files were seen.
    ///
    /// # Errors
    ///
    /// When the layer's analysis cannot be completed.
    fn finish_layer(
        &self,
        layer: Self::Layer,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        let _ = (layer, findings);
        Ok(())
    }

    /// Looks at image-level inputs, once per scan, when [`AnalyzerRequests::image`] asked for any.
    ///
    /// # Errors
    ///
    /// When the inputs cannot be analyzed.
    fn analyze_image(
        &self,
        image: &ImageInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        let _ = (image, findings);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_size_limit_is_read_and_anything_else_refused() {
        let read = |options| AnalyzerError::max_file_size_only("ruby", &options, 7);
        assert_eq!(read(serde_json::Value::Null), Ok(7));
        assert_eq!(read(serde_json::json!({})), Ok(7));
        assert_eq!(read(serde_json::json!({"max_file_size": 10})), Ok(10));
        for bad in [
            serde_json::json!("x"),
            serde_json::json!({"max_file_size": 0}),
            serde_json::json!({"size": 1}),
        ] {
            let error = read(bad.clone()).expect_err("refused");
            assert!(
                error.message().contains("ruby"),
                "{bad}: {}",
                error.message()
            );
        }
    }

    #[test]
    fn only_null_or_an_empty_object_means_no_options() {
        assert!(AnalyzerError::unless_no_options("dpkg", &serde_json::Value::Null).is_ok());
        assert!(AnalyzerError::unless_no_options("dpkg", &serde_json::json!({})).is_ok());
        let error = AnalyzerError::unless_no_options("dpkg", &serde_json::json!({"x": 1}))
            .expect_err("options given");
        assert_eq!(
            error.message(),
            r#"the dpkg analyzer takes no options, but was given {"x":1}"#
        );
    }
}
