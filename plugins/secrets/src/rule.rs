//! Rules as data: the TOML schema shared by the built-in rule file and the user's file, and its
//! compiled form.

use purser_plugin_api::Severity;
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;

/// How far after its keyword a match may end when the rule names no `span`, in bytes.
pub const DEFAULT_SPAN: usize = 1024;

/// The built-in rules, embedded from `rules/builtin.toml`.
pub const BUILTIN_RULES: &str = include_str!("../rules/builtin.toml");

/// A rule file: the built-in one, or the user's (`config_path`), which may also disable rules.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Rules to add.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Allow rules to add.
    #[serde(default)]
    pub allow_rules: Vec<AllowSpec>,
    /// IDs of rules (built-in or earlier) to drop.
    #[serde(default)]
    pub disable_rules: Vec<String>,
    /// IDs of allow rules (built-in or earlier) to drop.
    #[serde(default)]
    pub disable_allow_rules: Vec<String>,
}

/// One detection rule as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique identifier, such as `aws-access-key-id`.
    pub id: String,
    /// Category for grouping, such as `AWS`.
    pub category: String,
    /// Short human-readable title.
    pub title: String,
    /// How bad a match is.
    pub severity: Severity,
    /// Strings (compared ASCII case-insensitively) near which the regex is run; at least one.
    /// One shorter than [`ANCHOR_LEN`](crate::prefilter::ANCHOR_LEN) turns the keyword
    /// prefilter off for the whole rule set.
    pub keywords: Vec<String>,
    /// The pattern; its named group `secret` marks the part to redact.
    pub regex: String,
    /// Minimum Shannon entropy, in bits per byte, of the secret part.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Regexes over the secret part that mark a match as harmless.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Whether a match may span several lines.
    #[serde(default)]
    pub multiline: bool,
    /// How far after the keyword a match may end, in bytes.
    #[serde(default)]
    pub span: Option<usize>,
    /// A catch-all rule that gives way to specific rules matching the same secret.
    #[serde(default)]
    pub generic: bool,
}

/// One allow rule as written in TOML: a secret regex, a path glob, or both (either suffices).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowSpec {
    /// Unique identifier.
    pub id: String,
    /// Why the match is harmless.
    #[serde(default)]
    pub description: String,
    /// Regex over the secret part of a match.
    #[serde(default)]
    pub regex: Option<String>,
    /// Glob over the file path (`globset` syntax, no leading `/`); such files are not scanned.
    #[serde(default)]
    pub path: Option<String>,
}

/// A rule file or one of its patterns was unusable.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The TOML did not parse or did not fit the schema.
    #[error("failed to read the secret rules in {source_name}: {message}")]
    Parse {
        /// Which file (`built-in rules` or the user's path).
        source_name: String,
        /// What the TOML parser said.
        message: String,
    },
    /// A regex did not compile.
    #[error("secret rule {rule} has an invalid regex: {message}")]
    Regex {
        /// The rule or allow rule ID.
        rule: String,
        /// What the regex compiler said.
        message: String,
    },
    /// A glob did not compile.
    #[error("secret allow rule {rule} has an invalid path glob: {message}")]
    Glob {
        /// The allow rule ID.
        rule: String,
        /// What the glob compiler said.
        message: String,
    },
    /// The rule cannot be searched for efficiently.
    #[error("secret rule {rule} has no keywords; every rule needs at least one non-empty keyword")]
    NoKeywords {
        /// The rule ID.
        rule: String,
    },
    /// Two rules share an ID.
    #[error("secret rule {rule} is defined twice")]
    DuplicateId {
        /// The rule ID.
        rule: String,
    },
}

/// A compiled detection rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique identifier.
    pub id: String,
    /// Category for grouping.
    pub category: String,
    /// Short title.
    pub title: String,
    /// Severity of a match.
    pub severity: Severity,
    /// Lowercase keywords.
    pub keywords: Vec<String>,
    /// The compiled pattern.
    pub regex: Regex,
    /// Index of the `secret` capture group, when the pattern has one.
    pub secret_group: Option<usize>,
    /// Minimum entropy of the secret part.
    pub entropy: Option<f64>,
    /// Compiled per-rule allow regexes over the secret part.
    pub allow: Vec<Regex>,
    /// Whether a match may span lines.
    pub multiline: bool,
    /// How far after the keyword a match may end, in bytes.
    pub span: usize,
    /// Whether the rule gives way to specific rules.
    pub generic: bool,
}

impl RuleFile {
    /// Parses a rule file.
    ///
    /// # Errors
    ///
    /// [`RuleError::Parse`] naming `source_name` when the text is not TOML of this schema.
    pub fn parse(text: &str, source_name: &str) -> Result<Self, RuleError> {
        toml::from_str(text).map_err(|error| RuleError::Parse {
            source_name: source_name.to_owned(),
            message: error.message().to_owned(),
        })
    }

    /// The built-in rule file.
    ///
    /// # Errors
    ///
    /// Only if the embedded file is broken, which the crate's tests rule out.
    pub fn builtin() -> Result<Self, RuleError> {
        RuleFile::parse(BUILTIN_RULES, "the built-in rules")
    }
}

impl Rule {
    /// Compiles a rule.
    ///
    /// # Errors
    ///
    /// [`RuleError::Regex`] for a pattern that does not compile, [`RuleError::NoKeywords`] for a
    /// rule without a keyword.
    pub fn compile(spec: &RuleSpec) -> Result<Self, RuleError> {
        let keywords: Vec<String> = spec
            .keywords
            .iter()
            .filter(|keyword| !keyword.is_empty())
            .map(|keyword| keyword.to_ascii_lowercase())
            .collect();
        if keywords.is_empty() {
            return Err(RuleError::NoKeywords {
                rule: spec.id.clone(),
            });
        }

        let regex = compile_regex(&spec.id, &spec.regex)?;
        let secret_group = regex
            .capture_names()
            .position(|name| name == Some("secret"));
        let allow = spec
            .allow
            .iter()
            .map(|pattern| compile_regex(&spec.id, pattern))
            .collect::<Result<_, _>>()?;

        Ok(Rule {
            id: spec.id.clone(),
            category: spec.category.clone(),
            title: spec.title.clone(),
            severity: spec.severity,
            keywords,
            regex,
            secret_group,
            entropy: spec.entropy,
            allow,
            multiline: spec.multiline,
            span: spec.span.unwrap_or(DEFAULT_SPAN).max(1),
            generic: spec.generic,
        })
    }
}

/// Compiles a pattern over bytes with ASCII classes (`\w`, `\b`, `\s`), which keeps the lazy
/// DFA usable on any input.
///
/// # Errors
///
/// [`RuleError::Regex`] naming `rule`.
pub fn compile_regex(rule: &str, pattern: &str) -> Result<Regex, RuleError> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .map_err(|error| RuleError::Regex {
            rule: rule.to_owned(),
            message: error.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_compiles_and_has_a_secret_group() {
        let file = RuleFile::builtin().expect("the built-in rules parse");
        assert!(file.rules.len() >= 100, "{} rules", file.rules.len());
        for spec in &file.rules {
            let rule = Rule::compile(spec).expect("the built-in rules compile");
            assert!(
                rule.secret_group.is_some(),
                "{} has no secret group",
                rule.id
            );
            assert!(
                spec.keywords.iter().all(|k| *k == k.to_ascii_lowercase()),
                "{} has a keyword that is not lowercase",
                rule.id
            );
        }
    }

    #[test]
    fn a_rule_without_keywords_is_refused_with_its_id() {
        let file = RuleFile::parse(
            "[[rules]]\nid = \"x\"\ncategory = \"c\"\ntitle = \"t\"\nseverity = \"LOW\"\n\
             keywords = []\nregex = \"a\"\n",
            "test",
        )
        .expect("parses");
        let error = Rule::compile(&file.rules[0]).expect_err("no keywords");
        assert!(error.to_string().contains("secret rule x has no keywords"));
    }

    #[test]
    fn an_unknown_field_names_the_file() {
        let error = RuleFile::parse("[[rules]]\nidd = 1\n", "my.toml").expect_err("bad field");
        assert!(error
            .to_string()
            .starts_with("failed to read the secret rules in my.toml"));
    }
}
