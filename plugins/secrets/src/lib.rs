//! # The secrets analyzer: credentials left in an image
//!
//! Looks for credentials (cloud keys, code-host and registry tokens, SaaS API keys, private
//! keys, JWTs, passwords in URLs and generic `password=` assignments) in:
//!
//! - every regular file of every layer, including files a later layer deletes or replaces: the
//!   engine hands over each layer's files and marks such findings `removed` or `replaced`;
//! - the printable strings of compiled Python files (`.pyc`), with `location` set to
//!   [`PYC_LOCATION`] and line and column counted in those strings;
//! - the image config's `config.Env` entries and `history[].created_by` lines, with `path`
//!   empty and `location` such as `config.Env[2]` or `history[3].created_by`.
//!
//! ## Rules
//!
//! Rules are data: `rules/builtin.toml`, embedded, documents the schema ([`rule::RuleSpec`]).
//! The option `config_path` names a TOML file of the same schema that adds rules and allow
//! rules and disables rules (`disable_rules`) or allow rules (`disable_allow_rules`) by ID.
//!
//! ## How a file is scanned
//!
//! Files under the skip paths ([`options::DEFAULT_SKIP_PATHS`], replaced by the option
//! `skip_paths`), under an allow rule's path, larger than `max_file_size` (default 10 MiB,
//! reported by the engine) or with a NUL byte in their first 8 KiB (except `.pyc`) are not
//! scanned; each layer reports the counts as info diagnostics. The rest go through
//! [`scanner::Scanner`]: one pass of the keyword prefilter ([`prefilter`]) or, when a keyword
//! is too short for it, of the keyword automaton, then only the hit rules' patterns near the
//! hits.
//!
//! ## Findings
//!
//! Each `Finding::Secret` has the rule's ID, category, title and severity, the path, the 1-based
//! line and column (in characters) where the match starts, and the match with its secret part
//! masked ([`redact::redact`]): at most 4 characters at each end, never more than a third. The
//! secret itself is never in a finding, a diagnostic, an error or a log.
//!
//! # Limitations
//!
//! - Limitation: a private key is found only with its `-----END` line within 64 KiB of its
//!   `-----BEGIN` line; a key cut by the engine's read limit is not reported.
//! - Limitation: files under skip paths are still read by the engine (the request interface has
//!   no exclusion), only not scanned; the report counts them per layer.
//! - Limitation: a match must start at most 256 bytes before its keyword and end within the
//!   rule's span (1 KiB by default) after it, on the keyword's line unless the rule is
//!   multi-line; a longer single-line token is reported only if its prefix still matches.
//! - Limitation: secrets in binary files other than `.pyc` (executables, archives, images) are
//!   not looked for.
//! - Limitation: a user rule with a keyword shorter than three bytes turns the keyword
//!   prefilter off: every file is then scanned at the keyword automaton's speed, about half
//!   (the findings are the same).

#![deny(missing_docs)]

mod analyzer;
mod finding;
mod image;
pub mod options;
pub mod prefilter;
pub mod pyc;
pub mod redact;
pub mod rule;
pub mod rule_set;
pub mod scanner;

#[cfg(test)]
mod tests;

pub use analyzer::{LayerState, SecretsAnalyzer, NAME, PYC_LOCATION, VERSION};
pub use scanner::{Scanner, SecretMatch};

purser_plugin_api::export_analyzer!(SecretsAnalyzer);
