//! The ignore file (`.purserignore`, TOML): findings a team has decided to accept, each with a
//! reason and optionally an expiry date.
//!
//! ```toml
//! [[ignore]]
//! id = "CVE-2023-45853"              # the CVE, the advisory's own ID or any alias
//! package = "zlib1g"                 # optional: the package name, or a purl
//! path = "var/lib/dpkg/**"           # optional: a glob on the file the package was read from
//! expires = 2026-12-31               # optional: last day the entry applies (TOML date or string)
//! reason = "minizip is not shipped"  # required
//! ```
//!
//! An entry applies up to and including its expiry day; from the next day on it no longer
//! suppresses anything and the report lists it as expired, so the decision gets revisited.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use purser_match::Vulnerability;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::ReportError;
use crate::purl::Purl;

/// A loaded ignore file.
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    /// Where it was read from (for messages and reports).
    pub path: PathBuf,
    /// Its entries, in file order.
    pub entries: Vec<IgnoreEntry>,
}

/// One entry of the ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreEntry {
    /// The vulnerability ID it accepts.
    pub id: String,
    /// The package it is limited to: a name, or a purl (see [`Purl::names`]).
    pub package: Option<String>,
    /// The glob on the package's file it is limited to.
    pub path: Option<String>,
    /// The last day it applies.
    pub expires: Option<Date>,
    /// Why the finding is accepted.
    pub reason: String,
    /// 1-based line of the entry in the file.
    pub line: usize,
    glob: Option<GlobMatcher>,
}

/// An entry past its expiry date, listed in reports so it gets revisited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiredIgnore {
    /// The vulnerability ID of the entry.
    pub id: String,
    /// Its package restriction.
    pub package: Option<String>,
    /// Its path restriction.
    pub path: Option<String>,
    /// The last day it applied.
    pub expired_after: String,
    /// Its reason.
    pub reason: String,
    /// The ignore file.
    pub file: String,
    /// 1-based line of the entry.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    ignore: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    package: Option<String>,
    path: Option<String>,
    expires: Option<RawDate>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

impl IgnoreFile {
    /// Reads and parses the ignore file at `path`.
    ///
    /// # Errors
    ///
    /// [`ReportError::Read`] when the file cannot be read, and the errors of [`IgnoreFile::parse`].
    pub fn load(path: &Path) -> Result<IgnoreFile, ReportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReportError::Read {
            path: path.to_owned(),
            source,
        })?;
        IgnoreFile::parse(&text, path)
    }

    /// Parses ignore-file text; `path` is used in messages only.
    ///
    /// # Errors
    ///
    /// [`ReportError::IgnoreSyntax`] naming the line of bad TOML, unknown keys or missing `id`
    /// or `reason`; [`ReportError::IgnoreEntry`] for an invalid glob or date.
    pub fn parse(text: &str, path: &Path) -> Result<IgnoreFile, ReportError> {
        let raw: RawFile = toml::from_str(text).map_err(|error| ReportError::IgnoreSyntax {
            path: path.to_owned(),
            line: error.span().map_or(1, |span| line_of(text, span.start)),
            message: error.message().trim_end_matches('.').to_owned(),
        })?;

        let entries = raw
            .ignore
            .into_iter()
            .map(|spanned| {
                let line = line_of(text, spanned.span().start);
                IgnoreEntry::from_raw(spanned.into_inner(), line, path)
            })
            .collect::<Result<Vec<_>, _>>()?;
        tracing::debug!(file = %path.display(), entries = entries.len(), "ignore file loaded");
        Ok(IgnoreFile {
            path: path.to_owned(),
            entries,
        })
    }

    /// The first entry that applies to `finding` on `today`, if any.
    pub fn entry_for(&self, finding: &Vulnerability, today: Date) -> Option<&IgnoreEntry> {
        self.entries
            .iter()
            .find(|entry| !entry.is_expired(today) && entry.matches(finding))
    }

    /// Entries past their expiry date on `today`.
    pub fn expired(&self, today: Date) -> Vec<ExpiredIgnore> {
        self.entries
            .iter()
            .filter(|entry| entry.is_expired(today))
            .map(|entry| ExpiredIgnore {
                id: entry.id.clone(),
                package: entry.package.clone(),
                path: entry.path.clone(),
                expired_after: entry
                    .expires
                    .map(|date| date.to_string())
                    .unwrap_or_default(),
                reason: entry.reason.clone(),
                file: self.path.display().to_string(),
                line: entry.line,
            })
            .collect()
    }
}

impl IgnoreEntry {
    fn from_raw(raw: RawEntry, line: usize, file: &Path) -> Result<IgnoreEntry, ReportError> {
        let invalid = |message: String| ReportError::IgnoreEntry {
            path: file.to_owned(),
            id: raw.id.clone(),
            line,
            message,
        };
        let glob = match &raw.path {
            Some(pattern) => Some(
                GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .map_err(|error| invalid(format!("invalid path glob: {error}")))?
                    .compile_matcher(),
            ),
            None => None,
        };
        let expires = match &raw.expires {
            Some(RawDate::Toml(datetime)) => Some(datetime.to_string()),
            Some(RawDate::Text(text)) => Some(text.clone()),
            None => None,
        }
        .map(|text| Date::parse(&text).map_err(|error| invalid(error.to_string())))
        .transpose()?;
        if raw.id.trim().is_empty() {
            return Err(invalid("the id is empty".to_owned()));
        }
        Ok(IgnoreEntry {
            id: raw.id.trim().to_owned(),
            package: raw.package,
            path: raw.path,
            expires,
            reason: raw.reason,
            line,
            glob,
        })
    }

    /// Whether the entry's last day is before `today`.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|last_day| last_day < today)
    }

    /// Whether the entry names `finding` (ID or alias, package, path), ignoring expiry.
    pub fn matches(&self, finding: &Vulnerability) -> bool {
        let id_matches = finding.id == self.id
            || finding.advisory_id == self.id
            || finding.aliases.contains(&self.id);
        let package_matches = self.package.as_deref().is_none_or(|wanted| {
            package_named(
                wanted,
                &finding.package.name,
                finding.package.purl.as_deref(),
            )
        });
        let path_matches = self
            .glob
            .as_ref()
            .is_none_or(|glob| glob.is_match(&finding.package.path));
        id_matches && package_matches && path_matches
    }
}

/// Whether `wanted` (a name or a purl) names the package `name` with purl `purl`.
fn package_named(wanted: &str, name: &str, purl: Option<&str>) -> bool {
    if wanted.starts_with("pkg:") {
        let installed = purl.and_then(Purl::parse);
        return match (Purl::parse(wanted), installed) {
            (Some(wanted), Some(installed)) => wanted.names(&installed),
            _ => false,
        };
    }
    wanted == name
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_vulnerabilities;

    fn parse(text: &str) -> Result<IgnoreFile, ReportError> {
        IgnoreFile::parse(text, Path::new(".purserignore"))
    }

    fn day(text: &str) -> Date {
        Date::parse(text).expect("valid date")
    }

    #[test]
    fn entries_match_by_id_alias_package_and_path() {
        let file = parse(
            r#"
[[ignore]]
id = "GHSA-35jh-r3h4-6jhm"
package = "pkg:npm/lodash"
path = "app/*.json"
reason = "server-side templates are not used"

[[ignore]]
id = "CVE-2024-0727"
package = "libssl3"
reason = "wrong package: must not match openssl"
"#,
        )
        .expect("valid file");
        let findings = sample_vulnerabilities().findings;
        let today = day("2026-01-01");

        assert_eq!(file.entries[0].line, 2);
        assert_eq!(file.entry_for(&findings[2], today).map(|e| e.line), Some(2));
        assert!(file.entry_for(&findings[0], today).is_none());
    }

    #[test]
    fn path_globs_do_not_cross_directories_with_a_single_star() {
        let file =
            parse("[[ignore]]\nid = \"CVE-2021-23337\"\npath = \"*.json\"\nreason = \"x\"\n")
                .expect("valid file");
        let findings = sample_vulnerabilities().findings;
        assert!(!file.entries[0].matches(&findings[2]));
    }

    #[test]
    fn expired_entries_stop_applying_and_are_listed() {
        let file = parse(
            "[[ignore]]\nid = \"CVE-2021-23337\"\nexpires = 2025-06-30\nreason = \"until the upgrade\"\n\n[[ignore]]\nid = \"CVE-2024-0727\"\nexpires = \"2025-07-01\"\nreason = \"r\"\n",
        )
        .expect("valid file");
        let findings = sample_vulnerabilities().findings;

        // The last day still applies.
        assert!(file.entry_for(&findings[2], day("2025-06-30")).is_some());
        assert!(file.entry_for(&findings[2], day("2025-07-01")).is_none());

        let expired = file.expired(day("2025-07-01"));
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].id, "CVE-2021-23337");
        assert_eq!(expired[0].expired_after, "2025-06-30");
        assert_eq!(expired[0].line, 1);
    }

    #[test]
    fn bad_toml_names_the_line() {
        let error =
            parse("[[ignore]]\nid = \"CVE-1\"\nreason = \"ok\"\n\n[[ignore]]\nid = CVE-2\n")
                .expect_err("unquoted string");
        let message = error.to_string();
        assert!(
            message.starts_with("invalid ignore file .purserignore at line 6:"),
            "{message}"
        );
    }

    #[test]
    fn missing_reason_unknown_keys_and_bad_dates_are_errors() {
        let missing = parse("[[ignore]]\nid = \"CVE-1\"\n").expect_err("reason is required");
        assert!(missing.to_string().contains("reason"), "{missing}");

        let typo = parse("[[ignore]]\nid = \"CVE-1\"\nreason = \"r\"\nexpire = 2025-01-01\n")
            .expect_err("unknown key");
        assert!(typo.to_string().contains("expire"), "{typo}");

        let date = parse("[[ignore]]\nid = \"CVE-1\"\nreason = \"r\"\nexpires = \"31/12/2025\"\n")
            .expect_err("bad date");
        assert!(
            date.to_string().contains("CVE-1") && date.to_string().contains("line 1"),
            "{date}"
        );
    }
}
