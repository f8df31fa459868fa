//! The table format: what a person reads in a terminal, laid out as a Trivy user expects.
//!
//! A header names the image, its source, platform, operating system and the database used.
//! Then comes one section per [target](crate::target) with a count by severity and aligned
//! columns: vulnerabilities (or, without a database, the packages), secrets with their redacted
//! match only, provenance checks. Observations, suppressed findings and every coverage gap or
//! analyzer problem close the report, so nothing left unchecked goes unmentioned.
//!
//! Text that comes from the image (package names, titles, paths) has its control characters
//! and bidirectional overrides replaced before it is printed, so an image cannot move the
//! cursor or recolour the terminal. The last free-text column of each table (title, match,
//! detail) is cut at [`RenderOptions::width`] by display width; when the other columns alone
//! are wider than the terminal, that column keeps a minimum width and lines run over instead
//! of losing their alignment.

use std::collections::{BTreeMap, BTreeSet};

use purser_advisory::SeverityRating;
use purser_engine::report::{AnalyzerStatus, FileState, Located};
use purser_engine::ScanReport;
use purser_match::{Vulnerability, VulnerabilityStatus};
use purser_plugin_api::DiagnosticLevel;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::error::ReportError;
use crate::filter::{FilteredReport, SuppressionReason};
use crate::format::{RenderOptions, ReportInput};
use crate::severity::{rating_name, rating_of};
use crate::target::{build_targets, Target, TargetClass};

/// Space between two columns.
const GAP: &str = "  ";

/// The narrowest a cut column gets, however many columns come before it.
const MIN_FLEXIBLE_WIDTH: usize = 12;

/// How many files that were not analysed are listed before the rest is only counted.
const NOT_ANALYZED_LISTED: usize = 20;

/// Writes the table report.
pub(crate) fn render_table(
    input: &ReportInput<'_>,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    let scan = input.scan;
    let style = Style {
        color: options.color,
    };
    let findings = input
        .vulnerabilities
        .map_or(&[][..], |report| report.kept.as_slice());
    let targets = build_targets(scan, findings);
    tracing::debug!(
        targets = targets.len(),
        color = options.color,
        width = options.width,
        "rendering the table report"
    );

    let mut page = Page {
        text: String::new(),
        style,
        width: options.width,
    };
    page.header(input);

    for target in &targets {
        page.target(target, input.vulnerabilities);
    }

    page.observations(scan);
    if let Some(report) = input.vulnerabilities {
        page.suppressed(report);
        page.database_gaps(report);
    }
    page.problems(scan);
    Ok(page.text)
}

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
struct Style {
    color: bool,
}

/// What a cell or line is painted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paint {
    Plain,
    Bold,
    Severity(SeverityRating),
    Passed,
    Alert,
}

impl Style {
    fn paint(self, text: &str, paint: Paint) -> String {
        let code = match paint {
            Paint::Plain => None,
            Paint::Bold => Some("1"),
            Paint::Severity(SeverityRating::Critical) | Paint::Alert => Some("1;31"),
            Paint::Severity(SeverityRating::High) => Some("31"),
            Paint::Severity(SeverityRating::Medium) => Some("33"),
            Paint::Severity(SeverityRating::Low) => Some("34"),
            Paint::Severity(SeverityRating::Negligible | SeverityRating::Unknown) => None,
            Paint::Passed => Some("32"),
        };
        match code {
            Some(code) if self.color && !text.is_empty() => format!("\x1b[{code}m{text}\x1b[0m"),
            _ => text.to_owned(),
        }
    }
}

/// One table cell: its text, already cleaned, and its paint.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    paint: Paint,
}

impl Cell {
    fn plain(text: &str) -> Cell {
        Cell {
            text: clean(text),
            paint: Paint::Plain,
        }
    }

    fn painted(text: &str, paint: Paint) -> Cell {
        Cell {
            text: clean(text),
            paint,
        }
    }

    fn severity(rating: SeverityRating) -> Cell {
        Cell::painted(rating_name(rating), Paint::Severity(rating))
    }
}

/// A table: column titles, rows, and the one column cut to fit the width.
struct Grid<'h> {
    header: &'h [&'h str],
    rows: Vec<Vec<Cell>>,
    flexible: usize,
}

/// The report being written.
struct Page {
    text: String,
    style: Style,
    width: usize,
}

impl Page {
    fn line(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A section title underlined as Trivy does.
    fn title(&mut self, title: &str) {
        let title = clean(title);
        let underline = "=".repeat(title.width());
        self.blank();
        let painted = self.style.paint(&title, Paint::Bold);
        self.line(&painted);
        self.line(&underline);
    }

    /// A `Label:    value` line of the header.
    fn field(&mut self, label: &str, value: &str) {
        let label = format!("{label}:");
        self.line(&format!("{label:<10}{value}"));
    }

    fn header(&mut self, input: &ReportInput<'_>) {
        let image = &input.scan.image;
        self.field("Image", &clean(&image.reference));
        if let Some(digest) = &image.manifest_digest {
            self.field("Digest", &clean(digest));
        }
        self.field("Source", &clean(&image.source_kind));
        self.field("Platform", &clean(&image.platform));

        let os = self.operating_system_text(input.scan);
        self.field("OS", &os);

        let database = match input.vulnerabilities {
            Some(report) => format!(
                "{} (built {})",
                clean(&report.database.path),
                clean(&report.database.built_at)
            ),
            None => "no vulnerability database: inventory only".to_owned(),
        };
        self.field("Database", &database);
    }

    /// `name version (codename)`, flagged when the release is past its end of life.
    fn operating_system_text(&self, scan: &ScanReport) -> String {
        let Some(os) = &scan.operating_system else {
            return "not recognised".to_owned();
        };
        let os = &os.item;
        let name = if os.name.is_empty() {
            &os.family
        } else {
            &os.name
        };
        let mut text = clean(&format!("{name} {}", os.version_id));
        if let Some(codename) = &os.codename {
            text.push_str(&format!(" ({})", clean(codename)));
        }
        if os.end_of_life == Some(true) {
            let flag = "END OF LIFE: the distribution publishes no more security fixes";
            text.push_str("  ");
            text.push_str(&self.style.paint(flag, Paint::Alert));
        }
        text
    }

    fn target(&mut self, target: &Target<'_>, filtered: Option<&FilteredReport>) {
        // A lock file can hold secrets too; its two sections must not share a title.
        if target.class == TargetClass::Secret {
            self.title(&format!("{} (secrets)", target.name));
        } else {
            self.title(&target.name);
        }
        match (target.class, filtered) {
            (TargetClass::OsPackages | TargetClass::LanguagePackages, Some(report)) => {
                self.vulnerabilities(target, report);
            }
            (TargetClass::OsPackages | TargetClass::LanguagePackages, None) => {
                self.packages(target);
            }
            (TargetClass::Secret, _) => self.secrets(target),
            (TargetClass::Provenance, _) => self.provenance(target),
        }
    }

    fn vulnerabilities(&mut self, target: &Target<'_>, report: &FilteredReport) {
        let ratings: Vec<SeverityRating> = target
            .vulnerabilities
            .iter()
            .map(|vulnerability| vulnerability.severity)
            .collect();
        self.line(&total_line(&ratings));

        // A file whose ecosystem the database does not cover shows "Total: 0"; say why, here
        // where the reader looks, not only in the closing list.
        if target.class == TargetClass::LanguagePackages {
            for gap in report
                .coverage_gaps
                .iter()
                .filter(|gap| gap.ecosystem == target.kind)
            {
                self.line(&format!(
                    "Not checked: {} ({})",
                    clean(&gap.reason),
                    count(gap.packages, "package")
                ));
            }
        }
        if target.vulnerabilities.is_empty() {
            return;
        }

        let rows = target
            .vulnerabilities
            .iter()
            .map(|vulnerability| vulnerability_row(vulnerability))
            .collect();
        self.blank();
        self.grid(&Grid {
            header: &[
                "LIBRARY",
                "VULNERABILITY",
                "SEVERITY",
                "STATUS",
                "INSTALLED",
                "FIXED",
                "TITLE",
            ],
            rows,
            flexible: 6,
        });
    }

    fn packages(&mut self, target: &Target<'_>) {
        self.line(&format!(
            "Total: {}",
            count(target.packages.len(), "package")
        ));
        if target.packages.is_empty() {
            return;
        }

        let rows = target
            .packages
            .iter()
            .map(|package| {
                vec![
                    Cell::plain(&package.item.name),
                    Cell::plain(&package.item.version),
                    Cell::plain(&layer_text(package)),
                    Cell::plain(package.item.purl.as_deref().unwrap_or("-")),
                ]
            })
            .collect();
        self.blank();
        self.grid(&Grid {
            header: &["NAME", "VERSION", "LAYER", "PURL"],
            rows,
            flexible: 3,
        });
    }

    fn secrets(&mut self, target: &Target<'_>) {
        let ratings: Vec<SeverityRating> = target
            .secrets
            .iter()
            .map(|secret| rating_of(secret.item.severity))
            .collect();
        self.line(&total_line(&ratings));
        if target.secrets.is_empty() {
            return;
        }

        let rows = target
            .secrets
            .iter()
            .map(|secret| {
                let item = &secret.item;
                let place = match (item.path.is_empty(), item.line) {
                    (true, _) => item.location.clone().unwrap_or_default(),
                    (false, Some(line)) => format!("{}:{line}", item.path),
                    (false, None) => item.path.clone(),
                };
                vec![
                    Cell::severity(rating_of(item.severity)),
                    Cell::plain(&item.rule_id),
                    Cell::plain(&place),
                    // The analyzer's redacted form is the only form of the match there is.
                    Cell::plain(&item.redacted_match),
                    Cell::plain(&layer_text(secret)),
                    Cell::plain(&state_text(secret)),
                ]
            })
            .collect();
        self.blank();
        self.grid(&Grid {
            header: &["SEVERITY", "RULE", "WHERE", "MATCH", "LAYER", "STATE"],
            rows,
            flexible: 3,
        });
    }

    fn provenance(&mut self, target: &Target<'_>) {
        let failed = target
            .provenance
            .iter()
            .filter(|check| !check.item.passed)
            .count();
        let passed = target.provenance.len() - failed;
        self.line(&format!(
            "Checks: {} (passed: {passed}, failed: {failed})",
            target.provenance.len()
        ));
        if target.provenance.is_empty() {
            return;
        }

        let rows = target
            .provenance
            .iter()
            .map(|check| {
                let item = &check.item;
                let result = if item.passed {
                    Cell::painted("passed", Paint::Passed)
                } else {
                    Cell::painted("FAILED", Paint::Alert)
                };
                let mut detail = item.detail.clone();
                if !item.facts.is_empty() {
                    let facts: Vec<String> = item
                        .facts
                        .iter()
                        .map(|(key, value)| format!("{key}: {value}"))
                        .collect();
                    detail.push_str(&format!(" ({})", facts.join(", ")));
                }
                vec![Cell::plain(&item.check), result, Cell::plain(&detail)]
            })
            .collect();
        self.blank();
        self.grid(&Grid {
            header: &["CHECK", "RESULT", "DETAIL"],
            rows,
            flexible: 2,
        });
    }

    fn observations(&mut self, scan: &ScanReport) {
        if scan.observations.is_empty() {
            return;
        }
        self.title("Observations");
        let ratings: Vec<SeverityRating> = scan
            .observations
            .iter()
            .map(|observation| rating_of(observation.item.severity))
            .collect();
        self.line(&total_line(&ratings));

        let rows = scan
            .observations
            .iter()
            .map(|observation| {
                let item = &observation.item;
                vec![
                    Cell::severity(rating_of(item.severity)),
                    Cell::plain(&item.rule_id),
                    Cell::plain(&item.path),
                    Cell::plain(&layer_text(observation)),
                    Cell::plain(&item.detail),
                ]
            })
            .collect();
        self.blank();
        self.grid(&Grid {
            header: &["SEVERITY", "RULE", "PATH", "LAYER", "DETAIL"],
            rows,
            flexible: 4,
        });
    }

    /// One line per reason findings were left out, and the ignore entries that expired.
    fn suppressed(&mut self, report: &FilteredReport) {
        if !report.suppressed.is_empty() {
            self.title(&format!("Suppressed findings: {}", report.suppressed.len()));
            for (label, (number, sources)) in suppression_groups(report) {
                let sources: Vec<String> = sources.iter().map(|source| clean(source)).collect();
                let from = if sources.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", sources.join(", "))
                };
                self.line(&format!("  {label}: {number}{from}"));
            }
        }

        if !report.expired_ignores.is_empty() {
            self.title(&format!(
                "Expired ignore entries: {} (they suppressed nothing)",
                report.expired_ignores.len()
            ));
            for entry in &report.expired_ignores {
                self.line(&format!(
                    "  {} at {}:{}, expired after {}: {}",
                    clean(&entry.id),
                    clean(&entry.file),
                    entry.line,
                    clean(&entry.expired_after),
                    clean(&entry.reason)
                ));
            }
        }
    }

    /// What the database could not answer for: packages no advisory data covers, and packages
    /// that could not be matched.
    fn database_gaps(&mut self, report: &FilteredReport) {
        if !report.coverage_gaps.is_empty() {
            self.title("Not checked against the database");
            for gap in &report.coverage_gaps {
                self.line(&format!(
                    "  {}: {} ({})",
                    clean(&gap.ecosystem),
                    count(gap.packages, "package"),
                    clean(&gap.reason)
                ));
            }
        }

        if !report.problems.is_empty() {
            self.title(&format!("Could not be matched: {}", report.problems.len()));
            for problem in &report.problems {
                self.line(&format!(
                    "  {} ({}): {}",
                    clean(&problem.package),
                    clean(&problem.path),
                    clean(&problem.message)
                ));
            }
        }
    }

    /// Diagnostics, failures and what was not looked at: the gaps a user must know about.
    fn problems(&mut self, scan: &ScanReport) {
        self.folded(scan);
        self.diagnostics(scan);
        self.failures(scan);
        self.not_analyzed(scan);
        self.analyzers_not_run(scan);

        if scan.partial {
            self.blank();
            let note = "The result is partial: see the problems above.";
            let painted = self.style.paint(note, Paint::Alert);
            self.line(&painted);
        }
    }

    /// Language packages left out because an OS package owns their file: one line each.
    fn folded(&mut self, scan: &ScanReport) {
        if scan.folded.is_empty() {
            return;
        }
        self.blank();
        let heading = format!(
            "Folded into the OS packages that own them: {}",
            count(scan.folded.len(), "language package")
        );
        self.line(&heading);
        for fold in &scan.folded {
            let text = format!(
                "  {} {} ({}) is {} {} ({})",
                clean(&fold.package.item.name),
                clean(&fold.package.item.version),
                clean(&fold.package.item.ecosystem),
                clean(&fold.owner.name),
                clean(&fold.owner.version),
                clean(&fold.owner.ecosystem)
            );
            self.line(&text);
        }
    }

    fn diagnostics(&mut self, scan: &ScanReport) {
        if !scan.diagnostics.is_empty() {
            self.title(&format!("Diagnostics: {}", scan.diagnostics.len()));
            for diagnostic in &scan.diagnostics {
                let level = match diagnostic.item.level {
                    DiagnosticLevel::Info => "info",
                    DiagnosticLevel::Warning => "warning",
                    DiagnosticLevel::Error => "error",
                };
                let path = if diagnostic.item.path.is_empty() {
                    String::new()
                } else {
                    format!(" {}:", clean(&diagnostic.item.path))
                };
                self.line(&format!(
                    "  {level} [{} layer {}]{path} {}",
                    clean(&diagnostic.analyzer),
                    layer_text(diagnostic),
                    clean(&diagnostic.item.message)
                ));
            }
        }
    }

    fn failures(&mut self, scan: &ScanReport) {
        if !scan.failures.is_empty() {
            self.title(&format!("Analyzer failures: {}", scan.failures.len()));
            for failure in &scan.failures {
                let layer = failure
                    .layer
                    .map_or_else(String::new, |layer| format!(" layer {layer}"));
                self.line(&format!(
                    "  [{}{layer} {}] {}",
                    clean(&failure.analyzer),
                    clean(&failure.stage),
                    clean(&failure.message)
                ));
            }
        }
    }

    /// Files analyzers wanted but did not get: the first few, then a count.
    fn not_analyzed(&mut self, scan: &ScanReport) {
        if !scan.not_analyzed.is_empty() {
            self.title(&format!("Not analyzed: {}", scan.not_analyzed.len()));
            for skipped in scan.not_analyzed.iter().take(NOT_ANALYZED_LISTED) {
                self.line(&format!(
                    "  [{} layer {}] {}: {}",
                    clean(&skipped.analyzer),
                    skipped.layer,
                    clean(&skipped.path),
                    clean(&skipped.reason)
                ));
            }
            if scan.not_analyzed.len() > NOT_ANALYZED_LISTED {
                self.line(&format!(
                    "  ... and {} more (see --format json)",
                    scan.not_analyzed.len() - NOT_ANALYZED_LISTED
                ));
            }
        }
    }

    fn analyzers_not_run(&mut self, scan: &ScanReport) {
        let not_run: Vec<_> = scan
            .analyzers
            .iter()
            .filter(|analyzer| analyzer.status == AnalyzerStatus::Failed)
            .collect();
        if !not_run.is_empty() {
            self.title(&format!("Analyzers not run: {}", not_run.len()));
            for analyzer in not_run {
                self.line(&format!(
                    "  {}: {}",
                    clean(&analyzer.name),
                    clean(analyzer.error.as_deref().unwrap_or("unknown error"))
                ));
            }
        }
    }

    /// Writes a table: columns as wide as their widest cell, the flexible one cut so the line
    /// fits the page width.
    fn grid(&mut self, grid: &Grid<'_>) {
        let mut widths: Vec<usize> = grid.header.iter().map(|title| title.width()).collect();
        for row in &grid.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.text.width());
            }
        }

        let others: usize = widths
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != grid.flexible)
            .map(|(_, width)| width + GAP.len())
            .sum();
        let room = self.width.saturating_sub(others).max(MIN_FLEXIBLE_WIDTH);
        if let Some(width) = widths.get_mut(grid.flexible) {
            *width = (*width).min(room);
        }

        let header: Vec<Cell> = grid
            .header
            .iter()
            .map(|title| Cell::painted(title, Paint::Bold))
            .collect();
        self.row(&header, &widths, grid.flexible);
        for row in &grid.rows {
            self.row(row, &widths, grid.flexible);
        }
    }

    fn row(&mut self, cells: &[Cell], widths: &[usize], flexible: usize) {
        let mut line = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if index > 0 {
                line.push_str(GAP);
            }
            let text = if index == flexible {
                fit(&cell.text, *width)
            } else {
                cell.text.clone()
            };
            let padding = width.saturating_sub(text.width());
            line.push_str(&self.style.paint(&text, cell.paint));
            line.push_str(&" ".repeat(padding));
        }
        self.line(line.trim_end());
    }
}

/// `Total: 3 (CRITICAL: 1, HIGH: 2, MEDIUM: 0, LOW: 0)`: the four main ratings always,
/// `NEGLIGIBLE` and `UNKNOWN` only when some finding has them.
fn total_line(ratings: &[SeverityRating]) -> String {
    let mut counts: BTreeMap<SeverityRating, usize> = BTreeMap::new();
    for rating in ratings {
        *counts.entry(*rating).or_insert(0) += 1;
    }

    let shown = [
        SeverityRating::Critical,
        SeverityRating::High,
        SeverityRating::Medium,
        SeverityRating::Low,
        SeverityRating::Negligible,
        SeverityRating::Unknown,
    ];
    let parts: Vec<String> = shown
        .into_iter()
        .filter_map(|rating| {
            let number = counts.get(&rating).copied().unwrap_or(0);
            let always = rating >= SeverityRating::Low;
            (always || number > 0).then(|| format!("{}: {number}", rating_name(rating)))
        })
        .collect();
    format!("Total: {} ({})", ratings.len(), parts.join(", "))
}

/// Suppressions grouped by reason, in a fixed order, with the files that gave each reason.
fn suppression_groups(report: &FilteredReport) -> Vec<(&'static str, (usize, BTreeSet<String>))> {
    let mut groups: BTreeMap<u8, (&'static str, usize, BTreeSet<String>)> = BTreeMap::new();
    for suppression in &report.suppressed {
        let (order, label, source) = match &suppression.reason {
            SuppressionReason::Ignored { file, .. } => (0, "ignore file", Some(file)),
            SuppressionReason::Vex { document, .. } => (1, "VEX", Some(document)),
            SuppressionReason::Severity { .. } => (2, "severity not selected", None),
            SuppressionReason::Unfixed => (3, "no fixed version (--ignore-unfixed)", None),
        };
        let group = groups
            .entry(order)
            .or_insert_with(|| (label, 0, BTreeSet::new()));
        group.1 += 1;
        if let Some(source) = source {
            group.2.insert(source.clone());
        }
    }
    groups
        .into_values()
        .map(|(label, number, sources)| (label, (number, sources)))
        .collect()
}

fn vulnerability_row(vulnerability: &Vulnerability) -> Vec<Cell> {
    let title = vulnerability
        .title
        .as_deref()
        .or_else(|| {
            vulnerability
                .description
                .as_deref()
                .and_then(|description| description.lines().next())
        })
        .unwrap_or("");
    vec![
        Cell::plain(&vulnerability.package.name),
        Cell::plain(&vulnerability.id),
        Cell::severity(vulnerability.severity),
        Cell::plain(status_text(vulnerability)),
        Cell::plain(&vulnerability.package.version),
        Cell::plain(&vulnerability.fixed_versions.join(", ")),
        Cell::plain(title),
    ]
}

/// The status in Trivy's words: `fixed` when a fixed version exists, else what the source says.
fn status_text(vulnerability: &Vulnerability) -> &'static str {
    match vulnerability.status {
        VulnerabilityStatus::Affected if vulnerability.has_fix() => "fixed",
        VulnerabilityStatus::Affected => "affected",
        VulnerabilityStatus::WillNotFix => "will_not_fix",
        VulnerabilityStatus::Deferred => "fix_deferred",
        VulnerabilityStatus::EndOfLife => "end_of_life",
    }
}

fn layer_text<T>(located: &Located<T>) -> String {
    located
        .layer
        .map_or_else(|| "-".to_owned(), |layer| layer.to_string())
}

/// Whether the file is still there, or only in the blob of an earlier layer.
fn state_text<T>(located: &Located<T>) -> String {
    match (located.file_state, located.changed_in_layer) {
        (FileState::Removed, Some(layer)) => {
            format!("removed in layer {layer}, still in the image")
        }
        (FileState::Removed, None) => "removed, still in the image".to_owned(),
        (FileState::Replaced, Some(layer)) => {
            format!("replaced in layer {layer}, still in the image")
        }
        (FileState::Replaced, None) => "replaced, still in the image".to_owned(),
        (FileState::NotAFile, _) => "image metadata".to_owned(),
        (FileState::Present, _) => "present".to_owned(),
    }
}

/// `1 package`, `2 packages`.
fn count(number: usize, noun: &str) -> String {
    if number == 1 {
        format!("1 {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

/// `text` with what must not reach a terminal replaced: line breaks and tabs by spaces, other
/// control characters and bidirectional overrides by U+FFFD.
fn clean(text: &str) -> String {
    text.chars()
        .map(|character| match character {
            '\t' | '\n' | '\r' => ' ',
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            character if character.is_control() => '\u{FFFD}',
            character => character,
        })
        .collect()
}

/// `text` cut to at most `width` display columns, ending in `…` when it was cut; never splits a
/// character.
fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }

    let mut kept = String::new();
    let mut used = 0;
    for character in text.chars() {
        let character_width = character.width().unwrap_or(0);
        if used + character_width > width - 1 {
            break;
        }
        kept.push(character);
        used += character_width;
    }
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::date::Date;
    use crate::filter::{apply_filters, FilterOptions};
    use crate::format::{render, ReportFormat};
    use crate::sample::{sample_scan, sample_vulnerabilities, REDACTED_SECRET, UNREDACTED_SECRET};

    fn golden_path(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(name)
    }

    /// Compares `actual` with the golden file, or rewrites it when `UPDATE_GOLDEN=1`.
    fn assert_golden(name: &str, actual: &str) {
        let path = golden_path(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
            std::fs::create_dir_all(path.parent().expect("golden directory"))
                .expect("golden directory can be created");
            std::fs::write(&path, actual).expect("golden file can be written");
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "cannot read {}: {error}; run with UPDATE_GOLDEN=1",
                path.display()
            )
        });
        assert_eq!(
            actual,
            expected,
            "{} differs; rerun with UPDATE_GOLDEN=1 if the change is intended",
            path.display()
        );
    }

    fn filtered(options: &FilterOptions) -> FilteredReport {
        apply_filters(
            &sample_vulnerabilities(),
            options,
            Date::parse("2026-01-01").expect("valid date"),
        )
    }

    fn table(
        scan: &ScanReport,
        report: Option<&FilteredReport>,
        width: usize,
        color: bool,
    ) -> String {
        let input = ReportInput {
            scan,
            vulnerabilities: report,
        };
        let options = RenderOptions {
            format: ReportFormat::Table,
            color,
            width,
            creation_time: None,
        };
        render(&input, &options).expect("the table renders")
    }

    /// Removes ANSI colour sequences.
    fn strip_ansi(text: &str) -> String {
        let mut plain = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("\x1b[") {
            plain.push_str(&rest[..start]);
            let after = &rest[start..];
            let end = after.find('m').expect("colour sequences end with m");
            rest = &after[end + 1..];
        }
        plain.push_str(rest);
        plain
    }

    #[test]
    fn vulnerability_report_matches_its_golden_file() {
        let text = table(
            &sample_scan(),
            Some(&filtered(&FilterOptions::default())),
            120,
            false,
        );

        assert_golden("table.txt", &text);
        assert!(text.contains(REDACTED_SECRET));
        assert!(!text.contains(UNREDACTED_SECRET));
    }

    #[test]
    fn inventory_report_matches_its_golden_file() {
        let text = table(&sample_scan(), None, 80, false);

        assert_golden("table-inventory.txt", &text);
        assert!(text.contains("no vulnerability database: inventory only"));
        assert!(!text.contains(UNREDACTED_SECRET));
    }

    #[test]
    fn sections_carry_counts_statuses_and_coverage_notes() {
        let text = table(
            &sample_scan(),
            Some(&filtered(&FilterOptions::default())),
            200,
            false,
        );

        assert!(
            text.contains("Total: 2 (CRITICAL: 1, HIGH: 1, MEDIUM: 0, LOW: 0)"),
            "{text}"
        );
        assert!(text.contains("will_not_fix"));
        assert!(text.contains(
            "zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6"
        ));
        assert!(text.contains("Not checked: the database holds no PyPI advisories (1 package)"));
        assert!(text.contains("signature  FAILED"));
        assert!(text.contains("app/.env:3"));
    }

    #[test]
    fn long_titles_are_cut_to_the_width_without_breaking_columns() {
        let text = table(
            &sample_scan(),
            Some(&filtered(&FilterOptions::default())),
            120,
            false,
        );

        let rows: Vec<&str> = text
            .lines()
            .skip_while(|line| !line.starts_with("LIBRARY"))
            .take(3)
            .collect();
        assert_eq!(rows.len(), 3, "{text}");
        let title_column = rows[0].find("TITLE").expect("a TITLE column");
        for row in &rows {
            assert!(row.width() <= 120, "{row:?} is wider than 120 columns");
        }
        assert!(rows[2].contains('…'), "{:?}", rows[2]);
        assert!(!rows[2][title_column..].starts_with(' '), "{:?}", rows[2]);
        assert!(rows[2].is_char_boundary(title_column));
    }

    #[test]
    fn colour_only_when_asked_and_alignment_survives_it() {
        let report = filtered(&FilterOptions::default());
        let plain = table(&sample_scan(), Some(&report), 120, false);
        let colored = table(&sample_scan(), Some(&report), 120, true);

        assert!(!plain.contains('\x1b'));
        assert!(colored.contains("\x1b[1;31mCRITICAL\x1b[0m"));
        assert_eq!(strip_ansi(&colored), plain);
    }

    #[test]
    fn suppressions_and_expired_ignores_get_one_line_per_reason() {
        let ignore_file = crate::ignore::IgnoreFile::parse(
            "[[ignore]]\nid = \"CVE-2023-45853\"\nreason = \"minizip unused\"\n\n[[ignore]]\nid = \"CVE-2020-0001\"\nexpires = 2025-12-31\nreason = \"old\"\n",
            Path::new(".purserignore"),
        )
        .expect("valid ignore file");
        let options = FilterOptions {
            ignore_file: Some(ignore_file),
            severities: Some(crate::severity::parse_severities("critical,high").expect("valid")),
            ignore_unfixed: false,
            vex: Vec::new(),
        };
        let text = table(&sample_scan(), Some(&filtered(&options)), 120, false);

        assert!(text.contains("Suppressed findings: 1\n"), "{text}");
        assert!(
            text.contains("  ignore file: 1 (.purserignore)\n"),
            "{text}"
        );
        assert!(text.contains("Expired ignore entries: 1 (they suppressed nothing)"));
        assert!(text.contains("  CVE-2020-0001 at .purserignore:"), "{text}");
    }

    #[test]
    fn end_of_life_problems_and_removed_secrets_are_reported() {
        let mut scan = sample_scan();
        if let Some(os) = scan.operating_system.as_mut() {
            os.item.end_of_life = Some(true);
        }
        scan.secrets[0].file_state = FileState::Removed;
        scan.secrets[0].changed_in_layer = Some(1);
        scan.failures.push(purser_engine::report::FailureReport {
            analyzer: "npm".to_owned(),
            layer: Some(1),
            stage: "analyze_files".to_owned(),
            paths: vec!["app/package-lock.json".to_owned()],
            message: "unexpected end of JSON".to_owned(),
        });
        scan.observations.push(Located {
            item: purser_plugin_api::Observation {
                rule_id: "setuid-file".to_owned(),
                title: "setuid executable".to_owned(),
                severity: purser_plugin_api::Severity::Medium,
                path: "usr/bin/helper".to_owned(),
                detail: "mode 4755, owner root".to_owned(),
            },
            analyzer: "setuid".to_owned(),
            layer: Some(1),
            file_state: FileState::Present,
            changed_in_layer: None,
        });
        scan.partial = true;

        let text = table(&scan, None, 200, false);

        assert!(text.contains("END OF LIFE"), "{text}");
        assert!(
            text.contains("MEDIUM    setuid-file  usr/bin/helper  1      mode 4755, owner root")
        );
        assert!(text.contains("removed in layer 1, still in the image"));
        assert!(text.contains("[npm layer 1 analyze_files] unexpected end of JSON"));
        assert!(text.ends_with("The result is partial: see the problems above.\n"));
    }

    #[test]
    fn terminal_control_characters_from_the_image_are_neutralised() {
        let mut scan = sample_scan();
        scan.packages[0].item.name = "evil\x1b[2Jname\u{202E}".to_owned();

        let text = table(&scan, None, 200, false);

        assert!(!text.contains('\x1b'));
        assert!(!text.contains('\u{202E}'));
        assert!(text.contains("evil\u{FFFD}[2Jname\u{FFFD}"));
    }

    #[test]
    fn fit_cuts_on_display_width_and_character_boundaries() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("exactly10!", 10), "exactly10!");
        assert_eq!(fit("a long title here", 8), "a long…");
        assert_eq!(fit("漢字漢字漢字", 7), "漢字漢…");
        assert_eq!(fit("漢字漢字漢字", 7).width(), 7);
        assert_eq!(fit("anything", 1), "…");
        assert_eq!(fit("anything", 0), "");
    }

    #[test]
    fn totals_list_the_main_ratings_and_rare_ones_only_when_present() {
        assert_eq!(
            total_line(&[]),
            "Total: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0)"
        );
        assert_eq!(
            total_line(&[SeverityRating::Unknown, SeverityRating::High]),
            "Total: 2 (CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 0, UNKNOWN: 1)"
        );
    }
}
