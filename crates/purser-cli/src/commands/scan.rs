//! `purser scan`: run the analyzers and report.

use purser_engine::report::{FileState, Located, ScanReport};
use purser_engine::{ScanOptions, Scanner};

use crate::args::{OutputFormat, ScanArgs};
use crate::output::{columns, emit};
use crate::{analyzers, commands, ExitStatus};

/// Scans an image.
///
/// # Errors
///
/// When the image cannot be opened or read, the plugins cannot be found, or the output cannot
/// be written. Analyzer failures are not errors: they make the result partial.
pub fn run(args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    let selected = analyzers::select(&args.plugins)?;
    let image = commands::open(&args.image)?;

    let mut options = ScanOptions {
        parallel: !args.sequential,
        record_timings: args.timings,
        ..ScanOptions::default()
    };
    if let Some(max) = args.max_file_size {
        options.max_file_read = max;
    }
    let scanner = Scanner::new(selected.analyzers, options)?;
    let mut report = scanner.scan(&image)?;
    for (name, origin, error) in selected.unavailable {
        report.add_unavailable_analyzer(name, origin, error);
    }

    if let Some(timings) = &report.timings {
        eprint!("{}", timings_text(timings));
    }
    let text = match (args.format, args.list_packages) {
        (OutputFormat::Json, false) => serde_json::to_string_pretty(&report)? + "\n",
        (OutputFormat::Table, false) => table(&report),
        (OutputFormat::Json, true) => serde_json::to_string_pretty(&Inventory::of(&report))? + "\n",
        (OutputFormat::Table, true) => inventory_table(&report),
    };
    emit(&text, args.output.as_deref())?;
    Ok(if report.partial {
        ExitStatus::Partial
    } else {
        ExitStatus::Success
    })
}

/// What `--list-packages --format json` prints.
#[derive(serde::Serialize)]
struct Inventory<'a> {
    schema_version: u32,
    image: &'a purser_engine::report::ImageReport,
    operating_system: &'a Option<Located<purser_plugin_api::OperatingSystem>>,
    packages: &'a [Located<purser_plugin_api::Package>],
}

impl<'a> Inventory<'a> {
    fn of(report: &'a ScanReport) -> Self {
        Inventory {
            schema_version: report.schema_version,
            image: &report.image,
            operating_system: &report.operating_system,
            packages: &report.packages,
        }
    }
}

/// The inventory as a table: one package a line, with its purl.
fn inventory_table(report: &ScanReport) -> String {
    let rows: Vec<Vec<String>> = report
        .packages
        .iter()
        .map(|package| {
            vec![
                package.item.name.clone(),
                package.item.version.clone(),
                package.item.ecosystem.clone(),
                layer_text(package),
                package.item.purl.clone().unwrap_or_default(),
            ]
        })
        .collect();
    columns(&["NAME", "VERSION", "ECOSYSTEM", "LAYER", "PURL"], &rows)
}

fn timings_text(timings: &purser_engine::report::Timings) -> String {
    let mut text = format!("Timings: total {:.1} ms\n", timings.total_ms);
    for layer in &timings.layers {
        text.push_str(&format!(
            "  layer {:<3} {:>10.1} ms\n",
            layer.index, layer.ms
        ));
    }
    for analyzer in &timings.analyzers {
        text.push_str(&format!(
            "  analyzer {:<20} {:>10.1} ms\n",
            analyzer.name, analyzer.ms
        ));
    }
    text
}

fn layer_text<T>(located: &Located<T>) -> String {
    located
        .layer
        .map_or_else(|| "-".to_owned(), |layer| layer.to_string())
}

fn state_text<T>(located: &Located<T>) -> String {
    match (located.file_state, located.changed_in_layer) {
        (FileState::Removed, Some(layer)) => {
            format!("removed in layer {layer}, still in the image")
        }
        (FileState::Replaced, Some(layer)) => {
            format!("replaced in layer {layer}, still in the image")
        }
        (FileState::NotAFile, _) => "image metadata".to_owned(),
        _ => "present".to_owned(),
    }
}

/// The human-readable report.
fn table(report: &ScanReport) -> String {
    let mut text = format!(
        "{} ({}, {})\n",
        report.image.reference, report.image.source_kind, report.image.platform
    );
    match &report.operating_system {
        Some(os) => text.push_str(&format!(
            "Operating system: {} {} ({}) from {} in layer {}\n",
            os.item.name,
            os.item.version_id,
            os.item.family,
            os.item.source_path,
            layer_text(os)
        )),
        None => text.push_str("Operating system: not recognised\n"),
    }

    section(&mut text, "Packages", report.packages.len());
    if !report.packages.is_empty() {
        let rows: Vec<Vec<String>> = report
            .packages
            .iter()
            .map(|p| {
                vec![
                    p.item.name.clone(),
                    p.item.version.clone(),
                    p.item.ecosystem.clone(),
                    layer_text(p),
                    p.item.source_path.clone(),
                ]
            })
            .collect();
        text.push_str(&columns(
            &["NAME", "VERSION", "ECOSYSTEM", "LAYER", "FROM"],
            &rows,
        ));
    }

    section(&mut text, "Secrets", report.secrets.len());
    if !report.secrets.is_empty() {
        let rows: Vec<Vec<String>> = report
            .secrets
            .iter()
            .map(|s| {
                let place = match (s.item.path.is_empty(), s.item.line) {
                    (true, _) => s.item.location.clone().unwrap_or_default(),
                    (false, Some(line)) => format!("{}:{line}", s.item.path),
                    (false, None) => s.item.path.clone(),
                };
                vec![
                    format!("{:?}", s.item.severity).to_uppercase(),
                    s.item.rule_id.clone(),
                    place,
                    s.item.redacted_match.clone(),
                    layer_text(s),
                    state_text(s),
                ]
            })
            .collect();
        text.push_str(&columns(
            &["SEVERITY", "RULE", "WHERE", "MATCH", "LAYER", "STATE"],
            &rows,
        ));
    }

    section(&mut text, "Observations", report.observations.len());
    if !report.observations.is_empty() {
        let rows: Vec<Vec<String>> = report
            .observations
            .iter()
            .map(|o| {
                vec![
                    format!("{:?}", o.item.severity).to_uppercase(),
                    o.item.rule_id.clone(),
                    o.item.path.clone(),
                    o.item.detail.clone(),
                    layer_text(o),
                ]
            })
            .collect();
        text.push_str(&columns(
            &["SEVERITY", "RULE", "PATH", "DETAIL", "LAYER"],
            &rows,
        ));
    }

    problems(&mut text, report);
    text
}

fn section(text: &mut String, title: &str, count: usize) {
    text.push_str(&format!("\n{title} ({count})\n"));
}

/// Diagnostics, failures and what was not looked at: the coverage gaps a user must know about.
fn problems(text: &mut String, report: &ScanReport) {
    if !report.diagnostics.is_empty() {
        section(text, "Diagnostics", report.diagnostics.len());
        for diagnostic in &report.diagnostics {
            let path = if diagnostic.item.path.is_empty() {
                String::new()
            } else {
                format!(" {}:", diagnostic.item.path)
            };
            text.push_str(&format!(
                "  {:?} [{} layer {}]{path} {}\n",
                diagnostic.item.level,
                diagnostic.analyzer,
                layer_text(diagnostic),
                diagnostic.item.message
            ));
        }
    }
    if !report.failures.is_empty() {
        section(text, "Analyzer failures", report.failures.len());
        for failure in &report.failures {
            let layer = failure
                .layer
                .map_or_else(String::new, |layer| format!(" layer {layer}"));
            text.push_str(&format!(
                "  [{}{layer} {}] {}\n",
                failure.analyzer, failure.stage, failure.message
            ));
        }
    }
    if !report.not_analyzed.is_empty() {
        section(text, "Not analyzed", report.not_analyzed.len());
        for skipped in report.not_analyzed.iter().take(20) {
            text.push_str(&format!(
                "  [{} layer {}] {}: {}\n",
                skipped.analyzer, skipped.layer, skipped.path, skipped.reason
            ));
        }
        if report.not_analyzed.len() > 20 {
            text.push_str(&format!(
                "  ... and {} more (see --format json)\n",
                report.not_analyzed.len() - 20
            ));
        }
    }
    let unavailable: Vec<_> = report
        .analyzers
        .iter()
        .filter(|a| a.status == purser_engine::report::AnalyzerStatus::Failed)
        .collect();
    if !unavailable.is_empty() {
        section(text, "Analyzers not run", unavailable.len());
        for analyzer in unavailable {
            text.push_str(&format!(
                "  {}: {}\n",
                analyzer.name,
                analyzer.error.as_deref().unwrap_or("unknown error")
            ));
        }
    }
    if report.partial {
        text.push_str("\nThe result is partial: see the problems above.\n");
    }
}
