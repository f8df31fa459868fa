//! The rules in force: the built-in file, then the user's file with its additions and disables.

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::Regex;

use crate::rule::{compile_regex, AllowSpec, Rule, RuleError, RuleFile, RuleSpec};

/// Compiled rules and allow rules.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Detection rules, in file order (built-in first).
    pub rules: Vec<Rule>,
    /// Allow regexes over the secret part, with their allow rule IDs.
    pub allowed_secrets: Vec<(String, Regex)>,
    /// Allow rule IDs of the path globs, in the order of `allowed_paths`.
    pub allowed_path_ids: Vec<String>,
    /// Path globs of files that are not scanned.
    pub allowed_paths: GlobSet,
}

impl RuleSet {
    /// The built-in rules alone.
    ///
    /// # Errors
    ///
    /// Only if the embedded file is broken, which the crate's tests rule out.
    pub fn builtin() -> Result<Self, RuleError> {
        RuleSet::from_files(&[RuleFile::builtin()?])
    }

    /// Applies rule files in order: each adds its rules and allow rules, then removes the IDs
    /// it disables (from itself and every earlier file).
    ///
    /// # Errors
    ///
    /// A [`RuleError`] naming the rule whose pattern or glob does not compile, that lacks
    /// keywords, or whose ID is taken.
    pub fn from_files(files: &[RuleFile]) -> Result<Self, RuleError> {
        let mut rules: Vec<RuleSpec> = Vec::new();
        let mut allows: Vec<AllowSpec> = Vec::new();
        for file in files {
            for spec in &file.rules {
                if rules.iter().any(|rule| rule.id == spec.id) {
                    return Err(RuleError::DuplicateId {
                        rule: spec.id.clone(),
                    });
                }
                rules.push(spec.clone());
            }
            allows.extend(file.allow_rules.iter().cloned());
            rules.retain(|rule| !file.disable_rules.contains(&rule.id));
            allows.retain(|allow| !file.disable_allow_rules.contains(&allow.id));
        }

        let compiled = rules.iter().map(Rule::compile).collect::<Result<_, _>>()?;
        let mut allowed_secrets = Vec::new();
        let mut allowed_path_ids = Vec::new();
        let mut globs = GlobSetBuilder::new();
        for allow in &allows {
            if let Some(pattern) = &allow.regex {
                allowed_secrets.push((allow.id.clone(), compile_regex(&allow.id, pattern)?));
            }
            if let Some(path) = &allow.path {
                globs.add(compile_glob(&allow.id, path)?);
                allowed_path_ids.push(allow.id.clone());
            }
        }
        let allowed_paths = globs.build().map_err(|error| RuleError::Glob {
            rule: "(all allow paths)".to_owned(),
            message: error.to_string(),
        })?;

        Ok(RuleSet {
            rules: compiled,
            allowed_secrets,
            allowed_path_ids,
            allowed_paths,
        })
    }

    /// The ID of the first allow rule whose path glob matches `path`, if any.
    pub fn allowed_path(&self, path: &str) -> Option<&str> {
        self.allowed_paths
            .matches(path)
            .first()
            .map(|index| self.allowed_path_ids[*index].as_str())
    }
}

/// Compiles a path glob in which `*` stays within one directory.
///
/// # Errors
///
/// [`RuleError::Glob`] naming `rule`.
pub fn compile_glob(rule: &str, pattern: &str) -> Result<Glob, RuleError> {
    globset::GlobBuilder::new(pattern.trim_start_matches('/'))
        .literal_separator(true)
        .build()
        .map_err(|error| RuleError::Glob {
            rule: rule.to_owned(),
            message: error.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_file(text: &str) -> RuleFile {
        RuleFile::parse(text, "user.toml").expect("parses")
    }

    #[test]
    fn a_user_file_adds_and_disables_rules_and_allow_rules() {
        let user = user_file(
            r#"
            disable_rules = ["jwt-token"]
            disable_allow_rules = ["placeholder-values"]

            [[rules]]
            id = "acme-token"
            category = "Acme"
            title = "Acme token"
            severity = "HIGH"
            keywords = ["acme_"]
            regex = '''(?P<secret>acme_[a-z0-9]{16})'''

            [[allow_rules]]
            id = "vendored"
            path = "opt/vendor/**"
            "#,
        );
        let set =
            RuleSet::from_files(&[RuleFile::builtin().expect("built-in"), user]).expect("compiles");
        assert!(set.rules.iter().any(|rule| rule.id == "acme-token"));
        assert!(!set.rules.iter().any(|rule| rule.id == "jwt-token"));
        assert!(!set
            .allowed_secrets
            .iter()
            .any(|(id, _)| id == "placeholder-values"));
        assert_eq!(set.allowed_path("opt/vendor/a/b.txt"), Some("vendored"));
        assert_eq!(set.allowed_path("opt/vendorx/b.txt"), None);
    }

    #[test]
    fn a_duplicate_rule_id_is_refused() {
        let user = user_file(
            "[[rules]]\nid = \"github-pat\"\ncategory = \"c\"\ntitle = \"t\"\n\
             severity = \"LOW\"\nkeywords = [\"x\"]\nregex = \"x\"\n",
        );
        let error = RuleSet::from_files(&[RuleFile::builtin().expect("built-in"), user])
            .expect_err("duplicate");
        assert_eq!(error.to_string(), "secret rule github-pat is defined twice");
    }

    #[test]
    fn a_bad_user_regex_names_its_rule() {
        let user = user_file(
            "[[rules]]\nid = \"broken\"\ncategory = \"c\"\ntitle = \"t\"\n\
             severity = \"LOW\"\nkeywords = [\"x\"]\nregex = \"(x\"\n",
        );
        let error = RuleSet::from_files(&[user]).expect_err("bad regex");
        assert!(error
            .to_string()
            .starts_with("secret rule broken has an invalid regex"));
    }
}
