//! The SARIF 2.1.0 format, for code-scanning dashboards.
//!
//! The document follows the OASIS standard "Static Analysis Results Interchange Format (SARIF)
//! Version 2.1.0"; `tests/schemas/sarif-schema-2.1.0.json` is its JSON schema and tests
//! validate every rendered document against it. It holds one run. Its driver, `purser`, has
//! one rule per vulnerability ID, one per secret rule and one per provenance check
//! (`provenance/slsa-level`, `provenance/signature`, ...); each finding is a result pointing at
//! the file in the image it was read from, and provenance results point at the image itself.
//! A passed provenance check is a result of kind `pass`. Tool problems (files not analysed, analyzer
//! failures, ecosystems the database does not cover) are the invocation's notifications, so a
//! dashboard can tell "nothing found" from "not looked at".
//!
//! Secrets appear only in the analyzer's redacted form. The document is byte-identical for
//! identical input: rules are sorted by ID, results follow the targets' order, and no time or
//! machine name is written.
//!
//! The workspace declares no homepage yet, so `informationUri` is left out of the driver until
//! `homepage` is set in the workspace's package metadata.

use std::collections::BTreeMap;

use purser_advisory::SeverityRating;
use purser_engine::report::{AnalyzerStatus, FileState, Located};
use purser_engine::ScanReport;
use purser_match::{Vulnerability, VulnerabilityStatus};
use purser_plugin_api::{DiagnosticLevel, ProvenanceFinding, Secret};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::ReportError;
use crate::filter::FilteredReport;
use crate::format::{to_json_text, ReportInput};
use crate::severity::{rating_name, rating_of};
use crate::target::build_targets;

/// The schema every document names, as published with the standard.
const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of the fingerprint each result carries; its version changes if its input does.
const FINGERPRINT_KEY: &str = "purserFinding/v1";

/// The project's homepage from the package metadata; empty when none is declared.
const HOMEPAGE: &str = env!("CARGO_PKG_HOMEPAGE");

/// Writes the SARIF report.
///
/// # Errors
///
/// [`ReportError::Serialise`] if the document cannot be serialised.
pub(crate) fn render_sarif(input: &ReportInput<'_>) -> Result<String, ReportError> {
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [run(input)],
    };
    to_json_text(&log, "sarif")
}

/// `sarifLog`.
#[derive(Debug, Serialize)]
struct SarifLog {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

/// `run`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult>,
    properties: Value,
}

/// `tool`.
#[derive(Debug, Serialize)]
struct Tool {
    driver: Driver,
}

/// `toolComponent`, for the driver.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

/// `reportingDescriptor`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    short_description: Text,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

/// `reportingConfiguration`.
#[derive(Debug, Serialize)]
struct Configuration {
    level: &'static str,
}

/// The rule's property bag: GitHub reads `tags` and `security-severity`.
#[derive(Debug, Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

/// `message` and `multiformatMessageString`, plain text only.
#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Text {
        Text { text: text.into() }
    }
}

/// `result`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: Value,
}

/// `location`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

/// `physicalLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

/// `artifactLocation`.
#[derive(Debug, Serialize)]
struct ArtifactLocation {
    uri: String,
}

/// `region`; lines and columns are 1-based.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u64>,
}

/// `logicalLocation`, for findings that are not in a file.
#[derive(Debug, Serialize)]
struct LogicalLocation {
    name: String,
    kind: &'static str,
}

/// `invocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

/// `notification`.
#[derive(Debug, Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

fn run(input: &ReportInput<'_>) -> Run {
    let scan = input.scan;
    let findings = input
        .vulnerabilities
        .map_or(&[][..], |report| report.kept.as_slice());
    let targets = build_targets(scan, findings);

    // Findings in the targets' order, the order results are written in.
    let vulnerabilities: Vec<&Vulnerability> = targets
        .iter()
        .flat_map(|target| target.vulnerabilities.iter().copied())
        .collect();
    let secrets: Vec<&Located<Secret>> = targets
        .iter()
        .flat_map(|target| target.secrets.iter().copied())
        .collect();

    let provenance: Vec<&Located<ProvenanceFinding>> = targets
        .iter()
        .flat_map(|target| target.provenance.iter().copied())
        .collect();

    let mut rules = Rules::new(&vulnerabilities, &secrets);
    rules.add_provenance_rules(&provenance);
    let mut results: Vec<SarifResult> = vulnerabilities
        .iter()
        .map(|vulnerability| vulnerability_result(vulnerability, &rules))
        .collect();
    results.extend(secrets.iter().map(|secret| secret_result(secret, &rules)));
    results.extend(
        provenance
            .iter()
            .map(|check| provenance_result(check, &scan.image.reference, &rules)),
    );
    tracing::debug!(
        rules = rules.list.len(),
        results = results.len(),
        "rendering the SARIF report"
    );

    Run {
        tool: Tool {
            driver: Driver {
                name: crate::TOOL_NAME,
                version: crate::TOOL_VERSION,
                information_uri: (!HOMEPAGE.is_empty()).then_some(HOMEPAGE),
                rules: rules.list,
            },
        },
        invocations: [Invocation {
            execution_successful: !scan.partial,
            tool_execution_notifications: notifications(scan, input.vulnerabilities),
        }],
        // Secret columns count characters, not UTF-16 code units.
        column_kind: "unicodeCodePoints",
        results,
        properties: run_properties(scan, input.vulnerabilities),
    }
}

/// The driver's rules and where each ID sits in the list.
struct Rules {
    list: Vec<Rule>,
    index: BTreeMap<String, usize>,
}

impl Rules {
    /// One rule per vulnerability ID, sorted, then one per secret rule ID, sorted. A secret rule
    /// whose ID is also a vulnerability ID shares that rule.
    fn new(vulnerabilities: &[&Vulnerability], secrets: &[&Located<Secret>]) -> Rules {
        let mut by_id: BTreeMap<&str, Vec<&Vulnerability>> = BTreeMap::new();
        for vulnerability in vulnerabilities {
            by_id
                .entry(vulnerability.id.as_str())
                .or_default()
                .push(vulnerability);
        }
        let mut by_rule: BTreeMap<&str, Vec<&Secret>> = BTreeMap::new();
        for secret in secrets {
            by_rule
                .entry(secret.item.rule_id.as_str())
                .or_default()
                .push(&secret.item);
        }

        let mut rules = Rules {
            list: Vec::new(),
            index: BTreeMap::new(),
        };
        for (id, findings) in by_id {
            rules.push(vulnerability_rule(id, &findings));
        }
        for (id, found) in by_rule {
            if !rules.index.contains_key(id) {
                rules.push(secret_rule(id, &found));
            }
        }
        rules
    }

    /// One rule per provenance check name, sorted, after the others.
    fn add_provenance_rules(&mut self, checks: &[&Located<ProvenanceFinding>]) {
        let names: std::collections::BTreeSet<&str> = checks
            .iter()
            .map(|check| check.item.check.as_str())
            .collect();
        for name in names {
            let id = provenance_rule_id(name);
            if !self.index.contains_key(&id) {
                self.push(provenance_rule(&id, name));
            }
        }
    }

    fn push(&mut self, rule: Rule) {
        self.index.insert(rule.id.clone(), self.list.len());
        self.list.push(rule);
    }

    fn index_of(&self, id: &str) -> usize {
        // Every finding's ID was added in `Rules::new`, so the lookup cannot miss.
        self.index.get(id).copied().unwrap_or_default()
    }
}

fn vulnerability_rule(id: &str, findings: &[&Vulnerability]) -> Rule {
    let severity = findings
        .iter()
        .map(|finding| finding.severity)
        .max()
        .unwrap_or_default();
    let described = findings
        .iter()
        .find(|finding| finding.title.is_some())
        .or_else(|| findings.first());
    let title = described
        .and_then(|finding| finding.title.clone())
        .unwrap_or_else(|| id.to_owned());
    let description = described
        .and_then(|finding| finding.description.clone())
        .unwrap_or_else(|| title.clone());
    let references: Vec<&String> = findings
        .iter()
        .flat_map(|finding| finding.references.iter())
        .collect();
    let max_score = findings
        .iter()
        .filter_map(|finding| finding.max_cvss_score())
        .reduce(f32::max);

    let mut help = format!("{id}: {title}");
    if description != title {
        help.push_str(&format!("\n\n{description}"));
    }
    help.push_str(&format!("\n\nSeverity: {}", rating_name(severity)));
    if let Some(source) = described.map(|finding| &finding.severity_source) {
        if !source.is_empty() {
            help.push_str(&format!(" ({source})"));
        }
    }
    if !references.is_empty() {
        help.push_str("\n\nReferences:");
        for reference in &references {
            help.push_str(&format!("\n- {reference}"));
        }
    }

    Rule {
        id: id.to_owned(),
        short_description: Text::new(title),
        full_description: Text::new(description),
        help_uri: references
            .iter()
            .find(|reference| is_web_address(reference))
            .map(|reference| (*reference).clone()),
        help: Text::new(help),
        default_configuration: Configuration {
            level: level_of(severity),
        },
        properties: RuleProperties {
            tags: vec![
                "vulnerability".to_owned(),
                "security".to_owned(),
                rating_name(severity).to_owned(),
            ],
            security_severity: security_severity(max_score, severity),
        },
    }
}

fn secret_rule(id: &str, found: &[&Secret]) -> Rule {
    let severity = found
        .iter()
        .map(|secret| rating_of(secret.severity))
        .max()
        .unwrap_or_default();
    let first = found.first();
    let title = first
        .map(|secret| secret.title.clone())
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| id.to_owned());
    let category = first.map_or("", |secret| secret.category.as_str());
    let description = if category.is_empty() {
        format!("Secret found in the image: {title}.")
    } else {
        format!("Secret found in the image: {title} (category {category}).")
    };

    Rule {
        id: id.to_owned(),
        short_description: Text::new(title.clone()),
        full_description: Text::new(description.clone()),
        help_uri: None,
        help: Text::new(format!(
            "{description} Anyone who can pull the image can read it, even when a later layer \
             deleted the file: revoke the credential, then rebuild the image without it."
        )),
        default_configuration: Configuration {
            level: level_of(severity),
        },
        properties: RuleProperties {
            tags: vec![
                "secret".to_owned(),
                "security".to_owned(),
                rating_name(severity).to_owned(),
            ],
            security_severity: security_severity(None, severity),
        },
    }
}

fn vulnerability_result(vulnerability: &Vulnerability, rules: &Rules) -> SarifResult {
    let package = &vulnerability.package;
    let severity = rating_name(vulnerability.severity);
    let fix = match vulnerability.status {
        _ if vulnerability.has_fix() => {
            format!(
                "Fixed version: {}.",
                vulnerability.fixed_versions.join(", ")
            )
        }
        VulnerabilityStatus::WillNotFix => {
            "No fixed version: the distribution will not fix it.".to_owned()
        }
        VulnerabilityStatus::Deferred => "No fixed version: the fix is deferred.".to_owned(),
        VulnerabilityStatus::EndOfLife => {
            "No fixed version: the release is past its end of life.".to_owned()
        }
        VulnerabilityStatus::Affected => "No fixed version is known.".to_owned(),
    };
    let layer = package
        .layer
        .map_or_else(String::new, |layer| format!(" (layer {layer})"));
    let message = format!(
        "Package {} {} is affected by {} ({severity}). {fix} Read from {}{layer}.",
        package.name, package.version, vulnerability.id, package.path
    );

    SarifResult {
        rule_id: vulnerability.id.clone(),
        rule_index: rules.index_of(&vulnerability.id),
        kind: None,
        level: level_of(vulnerability.severity),
        message: Text::new(message),
        locations: vec![file_location(&package.path, None, None)],
        partial_fingerprints: fingerprint(&[
            "vulnerability",
            &vulnerability.id,
            &package.ecosystem,
            &package.name,
            &package.path,
        ]),
        properties: json!({
            "packageName": package.name,
            "installedVersion": package.version,
            "fixedVersions": vulnerability.fixed_versions,
            "purl": package.purl,
            "severity": severity,
            "severitySource": vulnerability.severity_source,
            "status": vulnerability.status,
            "layer": package.layer,
            "layerDiffId": package.layer_diff_id,
            "dataSource": vulnerability.data_source,
        }),
    }
}

fn secret_result(secret: &Located<Secret>, rules: &Rules) -> SarifResult {
    let item = &secret.item;
    let in_file = !item.path.is_empty();
    let place = if in_file {
        item.path.clone()
    } else {
        item.location
            .clone()
            .unwrap_or_else(|| "image metadata".to_owned())
    };
    let state = match (secret.file_state, secret.changed_in_layer) {
        (FileState::Removed, Some(layer)) => {
            format!(" The file was removed in layer {layer} but is still in the image.")
        }
        (FileState::Replaced, Some(layer)) => {
            format!(
                " The file was replaced in layer {layer} but this version is still in the image."
            )
        }
        (FileState::Removed | FileState::Replaced, None) => {
            " A later layer changed the file but this version is still in the image.".to_owned()
        }
        (FileState::Present | FileState::NotAFile, _) => String::new(),
    };
    // Only the analyzer's redacted form of the match is ever written.
    let message = format!(
        "{} ({}) in {place}: {}.{state}",
        item.title, item.rule_id, item.redacted_match
    );

    let location = if in_file {
        file_location(&item.path, item.line, item.column)
    } else {
        Location {
            physical_location: None,
            logical_locations: vec![LogicalLocation {
                name: place,
                kind: "resource",
            }],
        }
    };

    SarifResult {
        rule_id: item.rule_id.clone(),
        rule_index: rules.index_of(&item.rule_id),
        kind: None,
        level: level_of(rating_of(item.severity)),
        message: Text::new(message),
        locations: vec![location],
        partial_fingerprints: fingerprint(&[
            "secret",
            &item.rule_id,
            &item.path,
            item.location.as_deref().unwrap_or(""),
            &item.redacted_match,
        ]),
        properties: json!({
            "category": item.category,
            "severity": rating_name(rating_of(item.severity)),
            "layer": secret.layer,
            "fileState": secret.file_state,
            "changedInLayer": secret.changed_in_layer,
        }),
    }
}

fn provenance_rule_id(check: &str) -> String {
    format!("provenance/{check}")
}

fn provenance_rule(id: &str, check: &str) -> Rule {
    let description =
        format!("Supply-chain provenance check `{check}` of the image's SLSA attestations.");
    Rule {
        id: id.to_owned(),
        short_description: Text::new(format!("Provenance: {check}")),
        full_description: Text::new(description.clone()),
        help_uri: Some("https://slsa.dev/spec/v1.0/levels".to_owned()),
        help: Text::new(format!(
            "{description} A failed check means the image's build cannot be traced to the \
             expected builder and source; `purser verify` shows every check with the values \
             it compared."
        )),
        default_configuration: Configuration { level: "warning" },
        properties: RuleProperties {
            tags: vec!["provenance".to_owned(), "supply-chain".to_owned()],
            security_severity: None,
        },
    }
}

/// A provenance check as a result about the image: `pass` when it passed, a warning when not;
/// the summary `slsa-level` check is a note either way.
fn provenance_result(
    check: &Located<ProvenanceFinding>,
    image: &str,
    rules: &Rules,
) -> SarifResult {
    let item = &check.item;
    let id = provenance_rule_id(&item.check);
    let (kind, level) = match (item.check.as_str(), item.passed) {
        ("slsa-level", _) => (None, "note"),
        (_, true) => (Some("pass"), "none"),
        (_, false) => (None, "warning"),
    };
    let outcome = if item.passed { "passed" } else { "failed" };
    SarifResult {
        rule_index: rules.index_of(&id),
        kind,
        level,
        message: Text::new(format!("{} {outcome}: {}", item.check, item.detail)),
        locations: vec![Location {
            physical_location: None,
            logical_locations: vec![LogicalLocation {
                name: image.to_owned(),
                kind: "resource",
            }],
        }],
        partial_fingerprints: fingerprint(&["provenance", &item.check, image]),
        properties: json!({ "facts": item.facts, "passed": item.passed }),
        rule_id: id,
    }
}

/// A location in a file of the image; a position is written only when it is a valid one.
fn file_location(path: &str, line: Option<u64>, column: Option<u64>) -> Location {
    let region = line.filter(|line| *line >= 1).map(|start_line| Region {
        start_line,
        start_column: column.filter(|column| *column >= 1),
    });
    Location {
        physical_location: Some(PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: relative_uri(path),
            },
            region,
        }),
        logical_locations: Vec::new(),
    }
}

/// Tool problems as notifications: what was not analysed, not checked or not run.
fn notifications(scan: &ScanReport, filtered: Option<&FilteredReport>) -> Vec<Notification> {
    let mut notes = Notes(Vec::new());
    if let Some(report) = filtered {
        database_notes(&mut notes, report);
    }
    scan_notes(&mut notes, scan);
    notes.0
}

/// Notifications being collected.
struct Notes(Vec<Notification>);

impl Notes {
    /// Adds one; `path`, when not empty, becomes its location.
    fn add(&mut self, level: &'static str, message: String, path: Option<&str>) {
        let locations = path
            .filter(|path| !path.is_empty())
            .map(|path| vec![file_location(path, None, None)])
            .unwrap_or_default();
        self.0.push(Notification {
            level,
            message: Text::new(message),
            locations,
        });
    }
}

/// Packages no advisory data covers, and packages that could not be matched.
fn database_notes(notes: &mut Notes, report: &FilteredReport) {
    for gap in &report.coverage_gaps {
        notes.add(
            "warning",
            format!(
                "{} {} package(s) not checked: {}",
                gap.packages, gap.ecosystem, gap.reason
            ),
            None,
        );
    }
    for problem in &report.problems {
        notes.add(
            "warning",
            format!(
                "{} could not be matched: {}",
                problem.package, problem.message
            ),
            Some(&problem.path),
        );
    }
}

/// Analyzers that did not run or failed, their diagnostics, and files they did not get.
fn scan_notes(notes: &mut Notes, scan: &ScanReport) {
    for analyzer in &scan.analyzers {
        if analyzer.status == AnalyzerStatus::Failed {
            let error = analyzer.error.as_deref().unwrap_or("unknown error");
            notes.add(
                "error",
                format!("analyzer {} did not run: {error}", analyzer.name),
                None,
            );
        }
    }
    for failure in &scan.failures {
        let layer = failure
            .layer
            .map_or_else(String::new, |layer| format!(" in layer {layer}"));
        notes.add(
            "error",
            format!(
                "analyzer {} failed at {}{layer}: {}",
                failure.analyzer, failure.stage, failure.message
            ),
            failure.paths.first().map(String::as_str),
        );
    }
    for diagnostic in &scan.diagnostics {
        let level = match diagnostic.item.level {
            DiagnosticLevel::Info => "note",
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Error => "error",
        };
        notes.add(
            level,
            format!("{}: {}", diagnostic.analyzer, diagnostic.item.message),
            Some(&diagnostic.item.path),
        );
    }
    for skipped in &scan.not_analyzed {
        notes.add(
            "warning",
            format!(
                "{} did not analyse a file of layer {}: {}",
                skipped.analyzer, skipped.layer, skipped.reason
            ),
            Some(&skipped.path),
        );
    }
}

/// The image, the database and what filters left out, for readers of the raw document.
fn run_properties(scan: &ScanReport, filtered: Option<&FilteredReport>) -> Value {
    let operating_system = scan.operating_system.as_ref().map(|os| {
        json!({
            "family": os.item.family,
            "name": os.item.name,
            "versionId": os.item.version_id,
            "endOfLife": os.item.end_of_life,
        })
    });
    let database = filtered.map(|report| {
        json!({
            "path": report.database.path,
            "builtAt": report.database.built_at,
            "schemaVersion": report.database.schema_version,
        })
    });
    json!({
        "imageReference": scan.image.reference,
        "manifestDigest": scan.image.manifest_digest,
        "platform": scan.image.platform,
        "sourceKind": scan.image.source_kind,
        "operatingSystem": operating_system,
        "vulnerabilityDatabase": database,
        "partial": scan.partial,
        "suppressedFindings": filtered.map(FilteredReport::suppressed_by_kind).unwrap_or_default(),
        "expiredIgnoreEntries": filtered.map_or(0, |report| report.expired_ignores.len()),
    })
}

/// `error` for CRITICAL and HIGH, `warning` for MEDIUM, `note` for the rest.
fn level_of(rating: SeverityRating) -> &'static str {
    match rating {
        SeverityRating::Critical | SeverityRating::High => "error",
        SeverityRating::Medium => "warning",
        SeverityRating::Low | SeverityRating::Negligible | SeverityRating::Unknown => "note",
    }
}

/// GitHub's `security-severity`: the highest CVSS score (`"9.8"`). Without any score, the
/// lowest score of the rating's CVSS band, so dashboards that rank by score still rank the
/// finding by its rating; nothing for NEGLIGIBLE and UNKNOWN.
fn security_severity(max_score: Option<f32>, rating: SeverityRating) -> Option<String> {
    if let Some(score) = max_score {
        return Some(format!("{score:.1}"));
    }
    match rating {
        SeverityRating::Critical => Some("9.0".to_owned()),
        SeverityRating::High => Some("7.0".to_owned()),
        SeverityRating::Medium => Some("4.0".to_owned()),
        SeverityRating::Low => Some("0.1".to_owned()),
        SeverityRating::Negligible | SeverityRating::Unknown => None,
    }
}

/// A stable identity for a finding, from the parts that stay the same across rescans (not the
/// installed version, so an upgrade that does not fix it keeps the same alert).
fn fingerprint(parts: &[&str]) -> BTreeMap<&'static str, String> {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    BTreeMap::from([(FINGERPRINT_KEY, format!("{:x}", hasher.finalize()))])
}

/// A path in the image as a relative URI reference: no leading `/`, and every byte outside
/// RFC 3986's unreserved characters, sub-delimiters, `@` and `/` percent-encoded (`:` too, so
/// the first segment is never read as a scheme).
fn relative_uri(path: &str) -> String {
    let mut uri = String::new();
    for byte in path.trim_start_matches('/').bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// Whether a reference can be a `helpUri`: an absolute `http(s)` address of printable ASCII.
fn is_web_address(reference: &str) -> bool {
    let scheme = reference.starts_with("https://") || reference.starts_with("http://");
    let printable = reference
        .bytes()
        .all(|byte| byte.is_ascii_graphic() && !b"<>\"{}|\\^`".contains(&byte));
    scheme && printable
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::*;
    use crate::date::Date;
    use crate::filter::{apply_filters, FilterOptions};
    use crate::sample::{sample_scan, sample_vulnerabilities, REDACTED_SECRET, UNREDACTED_SECRET};

    fn crate_path(relative: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
    }

    fn filtered() -> FilteredReport {
        apply_filters(
            &sample_vulnerabilities(),
            &FilterOptions::default(),
            Date::parse("2026-01-01").expect("valid date"),
        )
    }

    fn rendered(scan: &ScanReport, report: Option<&FilteredReport>) -> String {
        render_sarif(&ReportInput {
            scan,
            vulnerabilities: report,
        })
        .expect("the SARIF document renders")
    }

    fn document() -> Value {
        serde_json::from_str(&rendered(&sample_scan(), Some(&filtered()))).expect("valid JSON")
    }

    #[test]
    fn sarif_document_matches_its_golden_file() {
        let text = rendered(&sample_scan(), Some(&filtered()));
        let path = crate_path("tests/golden/sarif.json");

        if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
            std::fs::write(&path, &text).expect("golden file can be written");
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "cannot read {}: {error}; run with UPDATE_GOLDEN=1",
                path.display()
            )
        });
        assert_eq!(
            text,
            expected,
            "{} differs; rerun with UPDATE_GOLDEN=1 if the change is intended",
            path.display()
        );
        assert!(text.contains(REDACTED_SECRET));
        assert!(!text.contains(UNREDACTED_SECRET));
    }

    /// The sample with everything that takes another path through the writer: a secret in the
    /// image configuration, a removed one, odd file names, references that are no address, and
    /// every kind of tool problem.
    fn troubled_scan_and_report() -> (ScanReport, FilteredReport) {
        let mut scan = sample_scan();
        let mut metadata_secret = scan.secrets[0].clone();
        metadata_secret.item.path = String::new();
        metadata_secret.item.location = Some("config.Env".to_owned());
        metadata_secret.item.line = None;
        metadata_secret.item.column = None;
        metadata_secret.file_state = FileState::NotAFile;
        scan.secrets.push(metadata_secret);
        scan.secrets[0].file_state = FileState::Removed;
        scan.secrets[0].changed_in_layer = Some(1);
        scan.failures.push(purser_engine::report::FailureReport {
            analyzer: "npm".to_owned(),
            layer: Some(1),
            stage: "analyze_files".to_owned(),
            paths: vec!["app/odd dir/package-lock.json".to_owned()],
            message: "unexpected end of JSON".to_owned(),
        });
        scan.not_analyzed
            .push(purser_engine::report::NotAnalyzedReport {
                analyzer: "java".to_owned(),
                layer: 1,
                path: "opt/a:b/big [1].jar".to_owned(),
                reason: "larger than the 64 MiB limit".to_owned(),
            });
        scan.diagnostics.push(Located {
            item: purser_plugin_api::Diagnostic {
                level: DiagnosticLevel::Info,
                path: String::new(),
                message: "skipped a symlink loop".to_owned(),
            },
            analyzer: "python".to_owned(),
            layer: Some(1),
            file_state: FileState::Present,
            changed_in_layer: None,
        });
        scan.add_unavailable_analyzer(
            "rpm".to_owned(),
            "plugins/librpm.so".to_owned(),
            "not a plugin".to_owned(),
        );

        let mut report = filtered();
        report.kept[2].references = vec!["see the advisory".to_owned()];
        report.kept[2].package.path = "/app/my app/package-lock.json".to_owned();
        report.problems.push(purser_match::MatchProblem {
            package: "foo@not-a-version".to_owned(),
            path: "app/requirements.txt".to_owned(),
            message: "the version cannot be read".to_owned(),
        });
        (scan, report)
    }

    #[test]
    fn documents_validate_against_the_sarif_schema() {
        let directory = tempfile::tempdir().expect("a temporary directory");
        let with_database = directory.path().join("vulnerabilities.sarif.json");
        let inventory = directory.path().join("inventory.sarif.json");
        let troubled = directory.path().join("troubled.sarif.json");
        let (troubled_scan, troubled_report) = troubled_scan_and_report();
        std::fs::write(&with_database, rendered(&sample_scan(), Some(&filtered())))
            .expect("written");
        std::fs::write(&inventory, rendered(&sample_scan(), None)).expect("written");
        std::fs::write(&troubled, rendered(&troubled_scan, Some(&troubled_report)))
            .expect("written");

        let schema = crate_path("tests/schemas/sarif-schema-2.1.0.json");
        let outcome = Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(&schema)
            .arg(&with_database)
            .arg(&inventory)
            .arg(&troubled)
            .output();
        let output = match outcome {
            Ok(output) => output,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "check-jsonschema is not installed; scripts/install-test-tools installs it"
                );
                eprintln!("skipping SARIF schema validation: check-jsonschema is not installed");
                return;
            }
            Err(error) => panic!("cannot run check-jsonschema: {error}"),
        };
        assert!(
            output.status.success(),
            "check-jsonschema rejected the SARIF documents:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    #[test]
    fn one_rule_per_vulnerability_and_secret_rule_with_github_properties() {
        let document = document();
        let run = &document["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "purser");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .filter_map(|rule| rule["id"].as_str())
            .collect();
        assert_eq!(
            ids,
            vec![
                "CVE-2021-23337",
                "CVE-2023-45853",
                "CVE-2024-0727",
                "aws-access-key-id",
                "provenance/signature"
            ]
        );

        let openssl = &driver["rules"][2];
        assert_eq!(
            openssl["shortDescription"]["text"],
            "openssl: denial of service via null dereference"
        );
        assert_eq!(
            openssl["helpUri"],
            "https://security-tracker.debian.org/tracker/CVE-2024-0727"
        );
        assert_eq!(openssl["properties"]["security-severity"], "9.8");
        assert_eq!(
            openssl["properties"]["tags"],
            json!(["vulnerability", "security", "CRITICAL"])
        );
        assert_eq!(driver["rules"][3]["properties"]["security-severity"], "9.0");
    }

    #[test]
    fn results_name_package_versions_and_point_into_the_image() {
        let document = document();
        let results = document["runs"][0]["results"].as_array().expect("results");
        assert_eq!(
            results.len(),
            5,
            "three vulnerabilities, a secret, a provenance check"
        );
        let provenance = &results[4];
        assert_eq!(provenance["ruleId"], "provenance/signature");
        assert_eq!(provenance["level"], "warning");
        assert_eq!(
            provenance["locations"][0]["logicalLocations"][0]["name"],
            "registry.example/shop:1.0"
        );

        let openssl = &results[0];
        assert_eq!(openssl["ruleId"], "CVE-2024-0727");
        assert_eq!(openssl["ruleIndex"], 2);
        assert_eq!(openssl["level"], "error");
        let message = openssl["message"]["text"].as_str().expect("a message");
        assert!(message.contains("openssl 3.0.11-1~deb12u2"), "{message}");
        assert!(
            message.contains("Fixed version: 3.0.13-1~deb12u1."),
            "{message}"
        );
        assert_eq!(
            openssl["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "var/lib/dpkg/status"
        );
        assert_eq!(
            openssl["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .map(str::len),
            Some(64)
        );

        let zlib_message = results[1]["message"]["text"].as_str().expect("a message");
        assert!(zlib_message.contains("the distribution will not fix it"));

        let secret = &results[3];
        assert_eq!(secret["ruleId"], "aws-access-key-id");
        let region = &secret["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 3);
        assert_eq!(region["startColumn"], 19);
        assert!(secret["message"]["text"]
            .as_str()
            .is_some_and(|text| text.contains(REDACTED_SECRET)));
    }

    #[test]
    fn coverage_gaps_become_notifications_and_inventory_has_no_vulnerabilities() {
        let document = document();
        let notes = &document["runs"][0]["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(
            notes[0]["message"]["text"],
            "1 PyPI package(s) not checked: the database holds no PyPI advisories"
        );

        let inventory: Value =
            serde_json::from_str(&rendered(&sample_scan(), None)).expect("valid JSON");
        let results = inventory["runs"][0]["results"].as_array().expect("results");
        assert_eq!(
            results.len(),
            2,
            "only the secret and the provenance check remain"
        );
        assert_eq!(
            inventory["runs"][0]["properties"]["vulnerabilityDatabase"],
            Value::Null
        );
    }

    #[test]
    fn problems_configuration_secrets_and_odd_paths_are_written_safely() {
        let (scan, report) = troubled_scan_and_report();
        let document: Value =
            serde_json::from_str(&rendered(&scan, Some(&report))).expect("valid JSON");
        let run = &document["runs"][0];
        let text = document.to_string();

        assert!(!text.contains(UNREDACTED_SECRET));
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        let notes: Vec<&str> = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .filter_map(|note| note["message"]["text"].as_str())
            .collect();
        assert_eq!(notes.len(), 6, "{notes:?}");
        assert!(notes.contains(&"analyzer rpm did not run: not a plugin"));

        let results = run["results"].as_array().expect("results");
        let lodash = &results[2];
        assert_eq!(
            lodash["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "app/my%20app/package-lock.json"
        );
        assert_eq!(run["tool"]["driver"]["rules"][0]["helpUri"], Value::Null);

        let removed = &results[3];
        assert!(removed["message"]["text"]
            .as_str()
            .is_some_and(|text| text.contains("removed in layer 1 but is still in the image")));
        let configuration = &results[4];
        assert_eq!(
            configuration["locations"][0]["physicalLocation"],
            Value::Null
        );
        assert_eq!(
            configuration["locations"][0]["logicalLocations"][0]["name"],
            "config.Env"
        );
    }

    #[test]
    fn fingerprints_ignore_the_installed_version_but_not_the_package() {
        let report = filtered();
        let mut upgraded = report.clone();
        upgraded.kept[0].package.version = "3.0.11-1~deb12u3".to_owned();
        let mut other = report.clone();
        other.kept[0].package.name = "libssl3".to_owned();

        let print = |report: &FilteredReport| -> Value {
            let document: Value =
                serde_json::from_str(&rendered(&sample_scan(), Some(report))).expect("valid JSON");
            document["runs"][0]["results"][0]["partialFingerprints"].clone()
        };
        assert_eq!(print(&report), print(&upgraded));
        assert_ne!(print(&report), print(&other));
    }

    #[test]
    fn levels_and_scores_follow_the_rating() {
        assert_eq!(level_of(SeverityRating::High), "error");
        assert_eq!(level_of(SeverityRating::Medium), "warning");
        assert_eq!(level_of(SeverityRating::Negligible), "note");
        assert_eq!(
            security_severity(Some(7.26), SeverityRating::High).as_deref(),
            Some("7.3")
        );
        assert_eq!(security_severity(None, SeverityRating::Unknown), None);
    }

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(relative_uri("/app/lib/my app.jar"), "app/lib/my%20app.jar");
        assert_eq!(relative_uri("a:b/c#d?e%"), "a%3Ab/c%23d%3Fe%25");
        assert_eq!(relative_uri("usr/share/ü"), "usr/share/%C3%BC");
        assert!(is_web_address(
            "https://github.com/advisories/GHSA-35jh-r3h4-6jhm"
        ));
        assert!(!is_web_address("see the tracker"));
        assert!(!is_web_address("https://example.org/a b"));
    }
}
