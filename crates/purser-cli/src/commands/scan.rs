//! `purser scan`: run the analyzers and report.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;
use purser_engine::report::{Located, ScanReport};
use purser_engine::{LayerProgress, ScanOptions, Scanner};
use purser_report::{
    apply_filters, evaluate_gate, parse_severities, render, FilterOptions, FilteredReport,
    GateOptions, IgnoreFile, RenderOptions, ReportFormat, ReportInput, VexDocument,
};

use crate::args::{ColorChoice, ScanArgs, ScanFormat, ScannerKind, VulnerabilityArgs};
use crate::output::{columns, emit};
use crate::{analyzers, clock, commands, database, ExitStatus};

/// The analyzer `--scanners secret` turns on.
const SECRETS_ANALYZER: &str = "secrets";

/// The ignore file read when `--ignorefile` is not given and it exists.
const DEFAULT_IGNORE_FILE: &str = ".purserignore";

/// Scans an image.
///
/// # Errors
///
/// When the image cannot be opened or read, the plugins cannot be found, or the output cannot
/// be written. Analyzer failures are not errors: they make the result partial.
pub fn run(args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    let filter_options = filter_options(&args.vulnerabilities)?;
    let mut adjustments = analyzers::Adjustments::default();
    if !args.scanners.contains(&ScannerKind::Secret) {
        adjustments
            .skip_if_present
            .push(SECRETS_ANALYZER.to_owned());
    }
    if let Some(path) = &args.secret_config {
        let path = std::fs::canonicalize(path)
            .with_context(|| format!("cannot read the secret rules file {}", path.display()))?;
        adjustments.options.insert(
            SECRETS_ANALYZER.to_owned(),
            serde_json::json!({ "config_path": path }),
        );
    }
    let selected = analyzers::select(&args.plugins, &adjustments)?;
    let image = commands::open(&args.image)?;

    let mut options = ScanOptions {
        parallel: !args.sequential,
        record_timings: args.timings,
        ..ScanOptions::default()
    };
    if let Some(max) = args.max_file_size {
        options.max_file_read = max;
    }
    if crate::show_progress() {
        options.progress = Some(LayerProgress(std::sync::Arc::new(draw_layer_progress)));
    }
    let scanner = Scanner::new(selected.analyzers, options)?;
    let scanned = scanner.scan(&image);
    if crate::show_progress() {
        eprint!("\r\x1b[2K");
    }
    let mut report = scanned?;
    for (name, origin, error) in selected.unavailable {
        report.add_unavailable_analyzer(name, origin, error);
    }

    if let Some(timings) = &report.timings {
        eprint!("{}", timings_text(timings));
    }
    if args.list_packages {
        let text = match args.format {
            ScanFormat::Json => serde_json::to_string_pretty(&Inventory::of(&report))? + "\n",
            ScanFormat::Table => inventory_table(&report),
            sbom => render_report(args, sbom, &report, None)?,
        };
        emit(&text, args.output.as_deref())?;
        return Ok(partial_or_success(&report));
    }

    let vulnerabilities = if args.scanners.contains(&ScannerKind::Vuln) {
        match_vulnerabilities(&args.vulnerabilities, &report, &filter_options)?
    } else {
        None
    };
    let text = render_report(args, args.format, &report, vulnerabilities.as_ref())?;
    emit(&text, args.output.as_deref())?;

    let gate = GateOptions {
        exit_code: i32::from(args.vulnerabilities.exit_code),
        fail_on_cvss: args.vulnerabilities.fail_on_cvss,
    };
    if let Some(filtered) = &vulnerabilities {
        let decision = evaluate_gate(filtered, &gate);
        if !decision.passed() {
            eprintln!(
                "{} vulnerabilities fail the gate (first: {} in {})",
                decision.blocking.len(),
                decision.blocking[0].vulnerability_id,
                decision.blocking[0].package
            );
            return Ok(ExitStatus::GateFailed(
                u8::try_from(decision.exit_code).unwrap_or(1),
            ));
        }
    }
    Ok(partial_or_success(&report))
}

/// One line on stderr, redrawn as layers finish.
fn draw_layer_progress(done: usize, total: usize) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "\r\x1b[2Kreading layers: {done} of {total}");
    let _ = stderr.flush();
}

fn partial_or_success(report: &ScanReport) -> ExitStatus {
    if report.partial {
        ExitStatus::Partial
    } else {
        ExitStatus::Success
    }
}

/// The filters the flags ask for, with the ignore file and VEX documents loaded, so a bad file
/// is reported before the scan starts.
fn filter_options(args: &VulnerabilityArgs) -> anyhow::Result<FilterOptions> {
    let severities = args.severity.as_deref().map(parse_severities).transpose()?;
    let ignore_path = args.ignorefile.clone().or_else(|| {
        let default = Path::new(DEFAULT_IGNORE_FILE);
        default.exists().then(|| default.to_owned())
    });
    let ignore_file = ignore_path.as_deref().map(IgnoreFile::load).transpose()?;
    let vex = args
        .vex
        .iter()
        .map(|path| VexDocument::load(path))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FilterOptions {
        severities,
        ignore_unfixed: args.ignore_unfixed,
        ignore_file,
        vex,
    })
}

/// Matches the inventory against the database and applies the filters; `None` when no
/// database is used.
fn match_vulnerabilities(
    args: &VulnerabilityArgs,
    report: &ScanReport,
    filters: &FilterOptions,
) -> anyhow::Result<Option<FilteredReport>> {
    if args.skip_db {
        return Ok(None);
    }
    let Some(database) = database::open_for_scan(args.db.as_deref(), args.db_max_age)? else {
        return Ok(None);
    };
    let matched = purser_match::match_scan(report, &database).with_context(|| {
        format!(
            "cannot match against the vulnerability database {}",
            database.path().display()
        )
    })?;
    Ok(Some(apply_filters(&matched, filters, clock::today())))
}

/// Renders the report in `format`.
fn render_report(
    args: &ScanArgs,
    format: ScanFormat,
    report: &ScanReport,
    vulnerabilities: Option<&FilteredReport>,
) -> anyhow::Result<String> {
    let format = match format {
        ScanFormat::Table => ReportFormat::Table,
        ScanFormat::Json => ReportFormat::Json,
        ScanFormat::Sarif => ReportFormat::Sarif,
        ScanFormat::Cyclonedx => ReportFormat::CycloneDx,
        ScanFormat::SpdxJson => ReportFormat::SpdxJson,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let options = RenderOptions {
        format,
        color: use_color(args.color, to_terminal),
        width: terminal_width(to_terminal),
        creation_time: Some(clock::now_rfc3339()),
    };
    let input = ReportInput {
        scan: report,
        vulnerabilities,
    };
    Ok(render(&input, &options)?)
}

/// Whether tables are coloured: `--color`, then `NO_COLOR`, then whether stdout is a terminal.
fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    let choice = match choice {
        ColorChoice::Always => purser_report::ColorChoice::Always,
        ColorChoice::Never => purser_report::ColorChoice::Never,
        ColorChoice::Auto => purser_report::ColorChoice::Auto,
    };
    purser_report::color_enabled(choice, to_terminal)
}

/// The width tables fit into: the terminal's, else 80.
fn terminal_width(to_terminal: bool) -> usize {
    const DEFAULT_WIDTH: usize = 80;
    if !to_terminal {
        return DEFAULT_WIDTH;
    }
    terminal_size::terminal_size().map_or(DEFAULT_WIDTH, |(width, _)| usize::from(width.0).max(40))
}

/// What `--list-packages --format json` prints.
#[derive(serde::Serialize)]
struct Inventory<'a> {
    schema_version: u32,
    partial: bool,
    image: &'a purser_engine::report::ImageReport,
    operating_system: &'a Option<Located<purser_plugin_api::OperatingSystem>>,
    packages: &'a [Located<purser_plugin_api::Package>],
    folded: &'a [purser_engine::report::FoldedPackage],
}

impl<'a> Inventory<'a> {
    fn of(report: &'a ScanReport) -> Self {
        Inventory {
            schema_version: report.schema_version,
            partial: report.partial,
            image: &report.image,
            operating_system: &report.operating_system,
            packages: &report.packages,
            folded: &report.folded,
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
