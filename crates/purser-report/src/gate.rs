//! The CI gate: whether what remains after filtering fails the pipeline, and with which code.
//!
//! Two rules, each one flag:
//!
//! - `--exit-code N`: when `N` is not 0 and any finding remains, exit with `N` (Trivy's rule).
//! - `--fail-on-cvss T`: scores up to the threshold are accepted; a finding whose highest CVSS
//!   base score is strictly above `T` blocks. So `--fail-on-cvss 7.0` accepts a 7.0 and blocks a
//!   7.1. Scores are compared in tenths, as CVSS publishes them, so float noise cannot tip the
//!   balance. A finding without any CVSS score never blocks under this rule (it still counts
//!   for `--exit-code` when that is used alone); [`GateDecision::unscored`] says how many.
//!
//! With both, only findings above the threshold block, and the exit code is `N`; with the CVSS
//! rule alone, the exit code is 1.

use purser_match::Vulnerability;
use serde::Serialize;

use crate::filter::FilteredReport;

/// The exit code used when the CVSS gate blocks and no `--exit-code` was given.
pub const DEFAULT_FAILURE_EXIT_CODE: i32 = 1;

/// How the gate decides; each field is one command-line flag.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GateOptions {
    /// `--exit-code`: the code to return when findings remain; 0 disables this rule.
    pub exit_code: i32,
    /// `--fail-on-cvss`: block on findings whose highest CVSS score is above this.
    pub fail_on_cvss: Option<f32>,
}

/// The gate's verdict.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GateDecision {
    /// The exit code to return for the findings (0 when the gate passes).
    pub exit_code: i32,
    /// The findings that made it fail; empty when it passes.
    pub blocking: Vec<BlockingFinding>,
    /// Findings that remain but have no CVSS score, so the CVSS rule could not judge them.
    pub unscored: usize,
}

impl GateDecision {
    /// Whether the pipeline may go on.
    pub fn passed(&self) -> bool {
        self.exit_code == 0
    }
}

/// A finding that fails the gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockingFinding {
    /// The vulnerability ID.
    pub vulnerability_id: String,
    /// The package, `name@version`.
    pub package: String,
    /// Its highest CVSS score, when it has one.
    pub cvss_score: Option<f32>,
}

/// Decides whether `report` passes the gate.
pub fn evaluate_gate(report: &FilteredReport, options: &GateOptions) -> GateDecision {
    let unscored = report
        .kept
        .iter()
        .filter(|finding| finding.max_cvss_score().is_none())
        .count();

    let blocking: Vec<BlockingFinding> = match options.fail_on_cvss {
        Some(threshold) => report
            .kept
            .iter()
            .filter(|finding| above(finding.max_cvss_score(), threshold))
            .map(blocking_finding)
            .collect(),
        None if options.exit_code != 0 => report.kept.iter().map(blocking_finding).collect(),
        None => Vec::new(),
    };

    let exit_code = match (blocking.is_empty(), options.exit_code) {
        (true, _) => 0,
        (false, 0) => DEFAULT_FAILURE_EXIT_CODE,
        (false, code) => code,
    };
    tracing::debug!(
        exit_code,
        blocking = blocking.len(),
        unscored,
        "gate evaluated"
    );
    GateDecision {
        exit_code,
        blocking,
        unscored,
    }
}

/// Whether `score` is strictly above `threshold`, compared in tenths.
fn above(score: Option<f32>, threshold: f32) -> bool {
    let tenths = |value: f32| (f64::from(value) * 10.0).round();
    score.is_some_and(|score| tenths(score) > tenths(threshold))
}

fn blocking_finding(finding: &Vulnerability) -> BlockingFinding {
    BlockingFinding {
        vulnerability_id: finding.id.clone(),
        package: format!("{}@{}", finding.package.name, finding.package.version),
        cvss_score: finding.max_cvss_score(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::filter::{apply_filters, FilterOptions};
    use crate::sample::sample_vulnerabilities;

    fn report() -> FilteredReport {
        let today = Date::parse("2026-01-01").expect("valid date");
        apply_filters(&sample_vulnerabilities(), &FilterOptions::default(), today)
    }

    #[test]
    fn no_rules_always_pass() {
        let decision = evaluate_gate(&report(), &GateOptions::default());
        assert!(decision.passed());
        assert!(decision.blocking.is_empty());
    }

    #[test]
    fn exit_code_fails_on_anything_left() {
        let options = GateOptions {
            exit_code: 4,
            fail_on_cvss: None,
        };
        let decision = evaluate_gate(&report(), &options);
        assert_eq!(decision.exit_code, 4);
        assert_eq!(decision.blocking.len(), 3);

        let empty = FilteredReport::default();
        assert!(evaluate_gate(&empty, &options).passed());
    }

    #[test]
    fn scores_up_to_the_threshold_are_accepted() {
        // Sample scores: 9.8, 9.8, 7.2.
        let at = |threshold: f32| {
            evaluate_gate(
                &report(),
                &GateOptions {
                    exit_code: 0,
                    fail_on_cvss: Some(threshold),
                },
            )
        };
        assert_eq!(at(9.8).exit_code, 0, "9.8 is not above 9.8");
        assert_eq!(at(9.7).exit_code, 1);
        assert_eq!(at(9.7).blocking.len(), 2);
        assert_eq!(at(7.2).blocking.len(), 2, "7.2 is accepted at 7.2");
        assert_eq!(at(7.1).blocking.len(), 3);
        assert_eq!(at(7.19999).blocking.len(), 2, "compared in tenths");
    }

    #[test]
    fn cvss_gate_uses_the_given_exit_code_and_ignores_unscored_findings() {
        let mut report = report();
        report.kept[2].cvss.clear();
        let decision = evaluate_gate(
            &report,
            &GateOptions {
                exit_code: 9,
                fail_on_cvss: Some(0.0),
            },
        );
        assert_eq!(decision.exit_code, 9);
        assert_eq!(decision.blocking.len(), 2);
        assert_eq!(decision.unscored, 1);
    }
}
