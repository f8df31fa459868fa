//! Filters: which findings a report keeps, and why each other one was left out.
//!
//! Filters run in a fixed order and the first that applies gives the reason: severity, then
//! `--ignore-unfixed`, then the ignore file, then VEX statements.

use std::collections::{BTreeMap, BTreeSet};

use purser_advisory::SeverityRating;
use purser_match::{
    CoverageGap, DatabaseSummary, MatchProblem, Vulnerability, VulnerabilityReport,
};
use serde::Serialize;

use crate::date::Date;
use crate::ignore::{ExpiredIgnore, IgnoreFile};
use crate::severity::rating_name;
use crate::vex::{VexDocument, VexStatus};

/// What to leave out of a report; each field is one command-line flag.
#[derive(Debug, Clone, Default)]
pub struct FilterOptions {
    /// `--severity`: keep only findings with these ratings; `None` keeps all.
    pub severities: Option<BTreeSet<SeverityRating>>,
    /// `--ignore-unfixed`: leave out findings for which no fixed version exists.
    pub ignore_unfixed: bool,
    /// `--ignorefile`: accepted findings.
    pub ignore_file: Option<IgnoreFile>,
    /// `--vex`: VEX documents, in the order given.
    pub vex: Vec<VexDocument>,
}

/// The vulnerability part of a report after filtering.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FilteredReport {
    /// Findings that remain, in the input's order.
    pub kept: Vec<Vulnerability>,
    /// Findings left out, with why.
    pub suppressed: Vec<Suppression>,
    /// Ignore entries past their expiry date; they suppressed nothing.
    pub expired_ignores: Vec<ExpiredIgnore>,
    /// The database matched against.
    pub database: DatabaseSummary,
    /// Packages no advisory data covers.
    pub coverage_gaps: Vec<CoverageGap>,
    /// Packages that could not be matched.
    pub problems: Vec<MatchProblem>,
}

/// A finding left out of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppression {
    /// The vulnerability ID.
    pub vulnerability_id: String,
    /// The package, `name@version`.
    pub package: String,
    /// The file the package was read from.
    pub path: String,
    /// Why it was left out.
    pub reason: SuppressionReason,
}

/// Why a finding was left out; serialised with a `kind` tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SuppressionReason {
    /// Its severity was not among those asked for.
    Severity {
        /// Its severity.
        severity: SeverityRating,
    },
    /// No fixed version exists and unfixed findings were ignored.
    Unfixed,
    /// An ignore-file entry accepts it.
    Ignored {
        /// The entry's reason.
        reason: String,
        /// The ignore file.
        file: String,
        /// The entry's line.
        line: usize,
        /// The entry's last day, when it has one.
        expires: Option<String>,
    },
    /// A VEX statement says the package is not affected or fixed.
    Vex {
        /// The statement's status.
        status: VexStatus,
        /// Its justification, when given.
        justification: Option<String>,
        /// The VEX document.
        document: String,
    },
}

impl SuppressionReason {
    /// A short name for counting (`severity`, `unfixed`, `ignored`, `vex`).
    pub fn kind(&self) -> &'static str {
        match self {
            SuppressionReason::Severity { .. } => "severity",
            SuppressionReason::Unfixed => "unfixed",
            SuppressionReason::Ignored { .. } => "ignored",
            SuppressionReason::Vex { .. } => "vex",
        }
    }

    /// The reason in words, for tables.
    pub fn describe(&self) -> String {
        match self {
            SuppressionReason::Severity { severity } => {
                format!("severity {} not selected", rating_name(*severity))
            }
            SuppressionReason::Unfixed => "no fixed version".to_owned(),
            SuppressionReason::Ignored {
                reason, file, line, ..
            } => format!("ignored by {file}:{line}: {reason}"),
            SuppressionReason::Vex {
                status,
                justification,
                document,
            } => {
                let status = match status {
                    VexStatus::NotAffected => "not affected",
                    VexStatus::Fixed => "fixed",
                    VexStatus::Affected => "affected",
                    VexStatus::UnderInvestigation => "under investigation",
                };
                match justification {
                    Some(justification) => format!("{status} per {document} ({justification})"),
                    None => format!("{status} per {document}"),
                }
            }
        }
    }
}

impl FilteredReport {
    /// How many findings each kind of reason left out, by [`SuppressionReason::kind`].
    pub fn suppressed_by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for suppression in &self.suppressed {
            *counts.entry(suppression.reason.kind()).or_insert(0) += 1;
        }
        counts
    }
}

/// Applies `options` to `report`; `today` decides which ignore entries have expired.
pub fn apply_filters(
    report: &VulnerabilityReport,
    options: &FilterOptions,
    today: Date,
) -> FilteredReport {
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for finding in &report.findings {
        match suppression_reason(finding, options, today) {
            Some(reason) => {
                tracing::debug!(id = %finding.id, package = %finding.package.name, reason = reason.kind(), "finding suppressed");
                suppressed.push(Suppression {
                    vulnerability_id: finding.id.clone(),
                    package: format!("{}@{}", finding.package.name, finding.package.version),
                    path: finding.package.path.clone(),
                    reason,
                });
            }
            None => kept.push(finding.clone()),
        }
    }

    let expired_ignores = options
        .ignore_file
        .as_ref()
        .map(|file| file.expired(today))
        .unwrap_or_default();
    FilteredReport {
        kept,
        suppressed,
        expired_ignores,
        database: report.database.clone(),
        coverage_gaps: report.coverage_gaps.clone(),
        problems: report.problems.clone(),
    }
}

fn suppression_reason(
    finding: &Vulnerability,
    options: &FilterOptions,
    today: Date,
) -> Option<SuppressionReason> {
    if let Some(severities) = &options.severities {
        if !severities.contains(&finding.severity) {
            return Some(SuppressionReason::Severity {
                severity: finding.severity,
            });
        }
    }

    if options.ignore_unfixed && !finding.has_fix() {
        return Some(SuppressionReason::Unfixed);
    }

    if let Some(file) = &options.ignore_file {
        if let Some(entry) = file.entry_for(finding, today) {
            return Some(SuppressionReason::Ignored {
                reason: entry.reason.clone(),
                file: file.path.display().to_string(),
                line: entry.line,
                expires: entry.expires.map(|date| date.to_string()),
            });
        }
    }

    options.vex.iter().find_map(|document| {
        document
            .statement_for(finding)
            .map(|statement| SuppressionReason::Vex {
                status: statement.status,
                justification: statement.justification.clone(),
                document: document.path.display().to_string(),
            })
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::sample::sample_vulnerabilities;
    use crate::severity::parse_severities;

    fn today() -> Date {
        Date::parse("2026-01-01").expect("valid date")
    }

    fn kept_ids(filtered: &FilteredReport) -> Vec<&str> {
        filtered
            .kept
            .iter()
            .map(|finding| finding.id.as_str())
            .collect()
    }

    #[test]
    fn no_options_keep_everything() {
        let report = sample_vulnerabilities();
        let filtered = apply_filters(&report, &FilterOptions::default(), today());
        assert_eq!(filtered.kept, report.findings);
        assert!(filtered.suppressed.is_empty());
        assert_eq!(filtered.coverage_gaps, report.coverage_gaps);
    }

    #[test]
    fn severity_list_keeps_only_those_ratings() {
        let options = FilterOptions {
            severities: Some(parse_severities("critical").expect("valid")),
            ..FilterOptions::default()
        };
        let filtered = apply_filters(&sample_vulnerabilities(), &options, today());
        assert_eq!(kept_ids(&filtered), vec!["CVE-2024-0727"]);
        assert_eq!(filtered.suppressed.len(), 2);
        assert_eq!(
            filtered.suppressed[0].reason.describe(),
            "severity HIGH not selected"
        );
    }

    #[test]
    fn ignore_unfixed_drops_findings_without_a_fixed_version() {
        let options = FilterOptions {
            ignore_unfixed: true,
            ..FilterOptions::default()
        };
        let filtered = apply_filters(&sample_vulnerabilities(), &options, today());
        assert_eq!(kept_ids(&filtered), vec!["CVE-2024-0727", "CVE-2021-23337"]);
        assert_eq!(filtered.suppressed[0].vulnerability_id, "CVE-2023-45853");
        assert_eq!(filtered.suppressed[0].package, "zlib1g@1:1.2.13.dfsg-1");
        assert_eq!(filtered.suppressed[0].reason, SuppressionReason::Unfixed);
    }

    #[test]
    fn ignore_file_and_vex_suppress_with_their_reasons_and_expired_entries_are_listed() {
        let ignore_file = IgnoreFile::parse(
            "[[ignore]]\nid = \"CVE-2023-45853\"\nreason = \"minizip unused\"\n\n[[ignore]]\nid = \"CVE-2024-0727\"\nexpires = 2025-12-31\nreason = \"old\"\n",
            Path::new(".purserignore"),
        )
        .expect("valid ignore file");
        let vex = VexDocument::parse(
            r#"{"statements": [{"vulnerability": "CVE-2021-23337",
                "products": ["pkg:npm/lodash"], "status": "fixed"}]}"#,
            Path::new("app.vex.json"),
        )
        .expect("valid VEX");
        let options = FilterOptions {
            ignore_file: Some(ignore_file),
            vex: vec![vex],
            ..FilterOptions::default()
        };

        let filtered = apply_filters(&sample_vulnerabilities(), &options, today());

        assert_eq!(kept_ids(&filtered), vec!["CVE-2024-0727"]);
        let counts = filtered.suppressed_by_kind();
        assert_eq!(counts.get("ignored"), Some(&1));
        assert_eq!(counts.get("vex"), Some(&1));
        assert_eq!(
            filtered.suppressed[0].reason.describe(),
            "ignored by .purserignore:1: minizip unused"
        );
        assert_eq!(
            filtered.suppressed[1].reason.describe(),
            "fixed per app.vex.json"
        );
        assert_eq!(filtered.expired_ignores.len(), 1);
        assert_eq!(filtered.expired_ignores[0].id, "CVE-2024-0727");
    }
}
