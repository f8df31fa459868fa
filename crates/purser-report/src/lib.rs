//! What users see of a scan, and what decides whether their pipeline passes.
//!
//! The flow is: the engine's [`ScanReport`](purser_engine::ScanReport) and, when a vulnerability
//! database was available, purser-match's
//! [`VulnerabilityReport`](purser_match::VulnerabilityReport) go through [`apply_filters`]
//! (severities, unfixed findings, the `.purserignore` file, VEX statements), which yields a
//! [`FilteredReport`]: the findings kept and every suppression with its reason. [`render`] turns
//! both into one of the [`ReportFormat`]s, and [`evaluate_gate`] decides the exit code.
//!
//! Each command-line flag maps onto one field of an options struct: [`FilterOptions`] for
//! `--severity`, `--ignore-unfixed`, `--ignorefile`, `--vex`; [`GateOptions`] for `--exit-code`
//! and `--fail-on-cvss`; [`RenderOptions`] for `--format`, `--color` and the terminal width.
//!
//! Every format is deterministic: the same input gives the same bytes. Secrets are printed only
//! in the redacted form the analyzer produced.

#![deny(missing_docs)]

pub mod color;
//pub mod cyclonedx;
mod cyclonedx;
pub mod date;
pub mod error;
pub mod filter;
pub mod format;
pub mod gate;
pub mod ignore;
pub mod json;
pub mod purl;
mod sarif;
mod spdx;
mod table;
//pub mod sarif;
pub mod severity;
//pub mod spdx;
//pub mod table;
pub mod target;
pub mod vex;

#[cfg(test)]
mod sample;

pub use color::{color_enabled, color_enabled_given, ColorChoice};
pub use date::Date;
pub use error::ReportError;
pub use filter::{apply_filters, FilterOptions, FilteredReport, Suppression, SuppressionReason};
pub use format::{render, RenderOptions, ReportFormat, ReportInput};
pub use gate::{evaluate_gate, BlockingFinding, GateDecision, GateOptions};
pub use ignore::{ExpiredIgnore, IgnoreEntry, IgnoreFile};
pub use severity::parse_severities;
pub use vex::{VexDocument, VexStatement, VexStatus};

/// The tool name written into every document.
pub const TOOL_NAME: &str = "purser";

/// The tool version written into every document.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
