//! Settings from `purser.toml`.
//!
//! Every option that has a `PURSER_*` environment variable can also be set in a TOML file:
//! `severity = ["HIGH", "CRITICAL"]` is the same as `PURSER_SEVERITY=HIGH,CRITICAL` and
//! `--severity HIGH,CRITICAL`. The file is `--config FILE`, else `PURSER_CONFIG`, else
//! `purser.toml` in the current directory when it exists. Precedence: flags, then environment
//! variables, then the file, then the built-in defaults. The file works by filling in the
//! environment variables that are not already set, before the command line is parsed, so every
//! option has exactly one parser.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// The file read when neither `--config` nor `PURSER_CONFIG` names one.
const DEFAULT_FILE: &str = "purser.toml";

/// The keys a file may set, each the lower-case name of its `PURSER_*` variable.
const KEYS: &[&str] = &[
    "format",
    "output",
    "color",
    "db",
    "skip_db",
    "db_max_age",
    "severity",
    "ignore_unfixed",
    "ignorefile",
    "exit_code",
    "fail_on_cvss",
    "scanners",
    "secret_config",
    "offline",
    "plugin_path",
    "feed_cache",
    "osv_base_url",
    "debian_tracker_url",
    "alpine_secdb_base_url",
];

/// Reads the settings file named on the command line, in `PURSER_CONFIG` or in the current
/// directory, and sets the `PURSER_*` variables it gives that are not already set.
///
/// # Errors
///
/// When a named file cannot be read, is not TOML, or sets a key Purser does not know.
pub fn apply(arguments: &[String]) -> anyhow::Result<Option<PathBuf>> {
    let Some(path) = config_path(arguments) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the settings file {}", path.display()))?;
    for (variable, value) in settings(&text, &path)? {
        if std::env::var_os(&variable).is_none() {
            std::env::set_var(&variable, value);
        }
    }
    tracing::debug!(path = %path.display(), "settings file applied");
    Ok(Some(path))
}

/// The file to read: `--config FILE` or `--config=FILE`, `PURSER_CONFIG`, or `purser.toml` here.
fn config_path(arguments: &[String]) -> Option<PathBuf> {
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--config" {
            return words.next().map(PathBuf::from);
        }
        if let Some(value) = word.strip_prefix("--config=") {
            return Some(PathBuf::from(value));
        }
    }
    if let Some(path) = std::env::var_os("PURSER_CONFIG").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let default = Path::new(DEFAULT_FILE);
    default.exists().then(|| default.to_owned())
}

/// The `(PURSER_*, value)` pairs a settings file gives.
fn settings(text: &str, path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    let mut pairs = Vec::new();
    for (key, value) in table {
        let normalised = key.replace('-', "_");
        if !KEYS.contains(&normalised.as_str()) {
            anyhow::bail!(
                "{}: unknown setting {key:?}; known settings are {}",
                path.display(),
                KEYS.join(", ")
            );
        }
        let text = value_text(&value).with_context(|| {
            format!(
                "{}: setting {key:?} must be a string, number, boolean or list of strings",
                path.display()
            )
        })?;
        pairs.push((format!("PURSER_{}", normalised.to_uppercase()), text));
    }
    Ok(pairs)
}

/// A TOML value as the text its environment variable would hold; lists join with commas.
fn value_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text.clone()),
        toml::Value::Integer(number) => Some(number.to_string()),
        toml::Value::Float(number) => Some(number.to_string()),
        toml::Value::Boolean(flag) => Some(flag.to_string()),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(text) => Some(text.clone()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|items| items.join(",")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_become_environment_variables() {
        let pairs = settings(
            "severity = [\"HIGH\", \"CRITICAL\"]\nexit-code = 4\nignore_unfixed = true\n",
            Path::new("purser.toml"),
        )
        .expect("valid");
        assert_eq!(
            pairs,
            [
                ("PURSER_EXIT_CODE".to_owned(), "4".to_owned()),
                ("PURSER_IGNORE_UNFIXED".to_owned(), "true".to_owned()),
                ("PURSER_SEVERITY".to_owned(), "HIGH,CRITICAL".to_owned()),
            ]
        );
    }

    #[test]
    fn unknown_keys_and_odd_values_are_refused_with_the_file_name() {
        let error =
            settings("severty = \"HIGH\"", Path::new("conf/purser.toml")).expect_err("unknown key");
        assert!(error.to_string().contains("conf/purser.toml"), "{error}");
        assert!(error.to_string().contains("severty"), "{error}");
        assert!(settings("severity = { a = 1 }", Path::new("p.toml")).is_err());
        assert!(settings("severity = [", Path::new("p.toml")).is_err());
    }

    #[test]
    fn the_command_line_names_the_file() {
        let words = |list: &[&str]| {
            list.iter()
                .map(|word| (*word).to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            config_path(&words(&["purser", "scan", "--config", "ci.toml", "x"])),
            Some(PathBuf::from("ci.toml"))
        );
        assert_eq!(
            config_path(&words(&["purser", "--config=ci.toml"])),
            Some(PathBuf::from("ci.toml"))
        );
    }
}
