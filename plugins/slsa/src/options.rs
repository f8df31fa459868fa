//! The `trusted_builders` option: which builders the analyzer trusts, up to which level.

use purser_plugin_api::AnalyzerError;
use purser_provenance::level::{BuildLevel, BuilderLevels};
use serde_json::Value;

/// The builder-to-level map in force, and the builders the user listed (which are also
/// accepted as signers, beyond the default trusted ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedBuilders {
    /// Builder id → the level its verified provenance earns.
    pub levels: BuilderLevels,
    /// The builder ids the user listed, in order; empty with the default map.
    pub listed: Vec<String>,
}

impl Default for TrustedBuilders {
    /// The GitHub SLSA generators and Google Cloud Build at Build L3.
    fn default() -> Self {
        Self {
            levels: BuilderLevels::default(),
            listed: Vec::new(),
        }
    }
}

/// Reads the analyzer's options: `null`, `{}`, or `{"trusted_builders": {ID: LEVEL, …}}`.
///
/// # Errors
///
/// When an option other than `trusted_builders` is given, when it is not an object, or when a
/// level is not 1, 2 or 3 (as a number, `"L2"` or `"Build L2"`); the message names the builder.
pub fn parse_trusted_builders(options: &Value) -> Result<TrustedBuilders, AnalyzerError> {
    let Some(map) = options.get("trusted_builders") else {
        AnalyzerError::unless_no_options("slsa", options)?;
        return Ok(TrustedBuilders::default());
    };
    if let Some(key) = options
        .as_object()
        .into_iter()
        .flat_map(|object| object.keys())
        .find(|key| *key != "trusted_builders")
    {
        return Err(AnalyzerError::new(format!(
            "slsa knows only the option `trusted_builders`, not `{key}`"
        )));
    }
    let map = map.as_object().ok_or_else(|| {
        AnalyzerError::new(format!(
            "slsa option `trusted_builders` must map builder ids to levels, got {map}"
        ))
    })?;

    let mut trusted = TrustedBuilders {
        levels: BuilderLevels::empty(),
        listed: Vec::new(),
    };
    for (builder, level) in map {
        let level = parse_level(level).ok_or_else(|| {
            AnalyzerError::new(format!(
                "slsa option `trusted_builders`: builder {builder} has level {level}; \
                 expected 1, 2 or 3"
            ))
        })?;
        trusted.levels.set(builder, level);
        trusted.listed.push(builder.clone());
    }
    Ok(trusted)
}

/// `3`, `"3"`, `"L3"` or `"Build L3"` (any case) for levels 1 to 3.
fn parse_level(value: &Value) -> Option<BuildLevel> {
    let number = match value {
        Value::Number(number) => number.as_u64()?,
        Value::String(text) => {
            let text = text.trim().to_ascii_lowercase();
            let digits = text
                .strip_prefix("build")
                .map_or(text.as_str(), str::trim_start);
            digits.strip_prefix('l').unwrap_or(digits).parse().ok()?
        }
        _ => return None,
    };
    match number {
        1 => Some(BuildLevel::L1),
        2 => Some(BuildLevel::L2),
        3 => Some(BuildLevel::L3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_options_give_the_default_map() {
        assert_eq!(
            parse_trusted_builders(&Value::Null).unwrap(),
            TrustedBuilders::default()
        );
        assert_eq!(
            parse_trusted_builders(&json!({})).unwrap(),
            TrustedBuilders::default()
        );
    }

    #[test]
    fn listed_builders_replace_the_defaults() {
        let trusted = parse_trusted_builders(&json!({"trusted_builders": {
            "https://example.com/builder": "Build L2",
            "https://example.com/other": 3,
        }}))
        .unwrap();
        assert_eq!(trusted.listed.len(), 2);
        assert_eq!(
            trusted
                .levels
                .level(true, Some("https://example.com/builder@v1")),
            BuildLevel::L2
        );
        assert_eq!(
            trusted
                .levels
                .level(true, Some("https://example.com/other")),
            BuildLevel::L3
        );
        let generator = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
        assert_eq!(trusted.levels.level(true, Some(generator)), BuildLevel::L1);
    }

    #[test]
    fn bad_options_name_what_was_wrong() {
        let error = parse_trusted_builders(&json!({"trusted_builders": {"b": 4}})).unwrap_err();
        assert!(error.message().contains("builder b has level 4"), "{error}");
        let error = parse_trusted_builders(&json!({"trusted_builders": ["b"]})).unwrap_err();
        assert!(error.message().contains("must map builder ids"), "{error}");
        let error = parse_trusted_builders(&json!({"other": 1})).unwrap_err();
        assert!(error.message().contains("takes no options"), "{error}");
        let error = parse_trusted_builders(&json!({"trusted_builders": {}, "x": 1})).unwrap_err();
        assert!(error.message().contains("not `x`"), "{error}");
        assert_eq!(parse_level(&json!("l2")), Some(BuildLevel::L2));
        assert_eq!(parse_level(&json!(0)), None);
    }
}
