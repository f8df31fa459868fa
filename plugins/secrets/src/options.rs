//! The analyzer's options (JSON from the engine) and the paths it skips.

use globset::{GlobSet, GlobSetBuilder};

use crate::rule::{RuleError, RuleFile};
use crate::rule_set::compile_glob;

/// Files larger than this many bytes are not scanned unless `max_file_size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Paths skipped unless `skip_paths` replaces them: documentation and locale data of packages,
/// and the test suites and fixtures that vendored libraries ship (full of sample keys).
pub const DEFAULT_SKIP_PATHS: &[&str] = &[
    "usr/share/doc/**",
    "usr/share/man/**",
    "usr/share/info/**",
    "usr/share/locale/**",
    "usr/share/i18n/**",
    "usr/share/zoneinfo/**",
    "usr/lib/python3*/test/**",
    "usr/local/lib/python3*/test/**",
    "**/site-packages/**/tests/**",
    "**/dist-packages/**/tests/**",
    "**/node_modules/**/test/**",
    "**/node_modules/**/tests/**",
    "**/node_modules/**/__tests__/**",
    "**/vendor/**/testdata/**",
];

/// The options the analyzer accepts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The user's rule file (TOML), read once when the analyzer is created.
    pub user_rules: Option<RuleFile>,
    /// The largest file scanned, in bytes.
    pub max_file_size: u64,
    /// Globs of paths not scanned.
    pub skip_paths: Vec<String>,
}

/// The options were unusable.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    /// Not a JSON object.
    #[error("the secrets options must be a JSON object, not {0}")]
    NotAnObject(String),
    /// A key the analyzer does not know.
    #[error(
        "unknown secrets option `{0}`; the options are config_path, max_file_size and skip_paths"
    )]
    UnknownKey(String),
    /// A value of the wrong type.
    #[error("the secrets option {key} must be {expected}")]
    WrongType {
        /// The option.
        key: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// The rule file could not be read.
    #[error("failed to read the secret rule file {path}: {source}")]
    ReadConfig {
        /// The path given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The rule file or a skip path was wrong.
    #[error(transparent)]
    Rules(#[from] RuleError),
}

impl Options {
    /// Reads the options: `config_path` (string), `max_file_size` (bytes), `skip_paths` (globs,
    /// replacing the defaults; `[]` scans everything).
    ///
    /// # Errors
    ///
    /// An [`OptionsError`] for an unknown key, a value of the wrong type, or a rule file that
    /// cannot be read or parsed.
    pub fn parse(value: &serde_json::Value) -> Result<Self, OptionsError> {
        let mut options = Options {
            user_rules: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            skip_paths: Options::default_skip_paths(),
        };
        if value.is_null() {
            return Ok(options);
        }
        let Some(object) = value.as_object() else {
            return Err(OptionsError::NotAnObject(value.to_string()));
        };

        for (key, value) in object {
            match key.as_str() {
                "config_path" => {
                    let path = value.as_str().ok_or(OptionsError::WrongType {
                        key: "config_path",
                        expected: "a path",
                    })?;
                    options.user_rules = Some(read_rule_file(path)?);
                }
                "max_file_size" => {
                    options.max_file_size = value.as_u64().ok_or(OptionsError::WrongType {
                        key: "max_file_size",
                        expected: "a number of bytes",
                    })?;
                }
                "skip_paths" => options.skip_paths = string_list(value)?,
                other => return Err(OptionsError::UnknownKey(other.to_owned())),
            }
        }
        Ok(options)
    }
}

impl Options {
    /// The default skip paths as owned strings.
    pub fn default_skip_paths() -> Vec<String> {
        DEFAULT_SKIP_PATHS
            .iter()
            .map(|path| (*path).to_owned())
            .collect()
    }
}

fn read_rule_file(path: &str) -> Result<RuleFile, OptionsError> {
    let text = std::fs::read_to_string(path).map_err(|source| OptionsError::ReadConfig {
        path: path.to_owned(),
        source,
    })?;
    Ok(RuleFile::parse(&text, path)?)
}

fn string_list(value: &serde_json::Value) -> Result<Vec<String>, OptionsError> {
    let wrong = OptionsError::WrongType {
        key: "skip_paths",
        expected: "a list of globs",
    };
    let Some(items) = value.as_array() else {
        return Err(wrong);
    };
    items
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or(wrong)
}

/// Globs of paths that are not scanned.
#[derive(Debug, Clone)]
pub struct SkipPaths {
    patterns: Vec<String>,
    set: GlobSet,
}

impl SkipPaths {
    /// Compiles the globs.
    ///
    /// # Errors
    ///
    /// [`RuleError::Glob`] naming the glob that does not compile.
    pub fn new(patterns: &[String]) -> Result<Self, RuleError> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            builder.add(compile_glob(&format!("skip path {pattern}"), pattern)?);
        }
        let set = builder.build().map_err(|error| RuleError::Glob {
            rule: "skip paths".to_owned(),
            message: error.to_string(),
        })?;
        Ok(SkipPaths {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// The index of the first glob that matches `path`.
    pub fn matching(&self, path: &str) -> Option<usize> {
        self.set.matches(path).first().copied()
    }

    /// The globs, in the order [`SkipPaths::matching`] indexes.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_options_give_the_defaults() {
        let options = Options::parse(&serde_json::Value::Null).expect("defaults");
        assert_eq!(options.max_file_size, DEFAULT_MAX_FILE_SIZE);
        assert_eq!(options.skip_paths.len(), DEFAULT_SKIP_PATHS.len());
        assert!(options.user_rules.is_none());
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused() {
        let error = Options::parse(&serde_json::json!({"max_size": 1})).expect_err("unknown");
        assert!(error
            .to_string()
            .starts_with("unknown secrets option `max_size`"));
        let error = Options::parse(&serde_json::json!({"skip_paths": [1]})).expect_err("type");
        assert_eq!(
            error.to_string(),
            "the secrets option skip_paths must be a list of globs"
        );
        let error = Options::parse(&serde_json::json!({"config_path": "/nonexistent/x.toml"}))
            .expect_err("missing file");
        assert!(error
            .to_string()
            .starts_with("failed to read the secret rule file /nonexistent/x.toml: "));
    }

    #[test]
    fn default_skip_paths_cover_documentation_and_vendored_tests() {
        let skip = SkipPaths::new(&Options::default_skip_paths()).expect("compiles");
        for path in [
            "usr/share/doc/openssl/README",
            "usr/lib/python3.11/test/keycert.pem",
            "app/node_modules/jsonwebtoken/test/priv.pem",
            "usr/lib/python3/dist-packages/cryptography/tests/x.py",
        ] {
            assert!(skip.matching(path).is_some(), "{path}");
        }
        for path in ["etc/ssl/private/server.key", "app/.env", "usr/share/docs/x"] {
            assert!(skip.matching(path).is_none(), "{path}");
        }
    }
}
