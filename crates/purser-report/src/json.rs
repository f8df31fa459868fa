//! Purser's JSON report: a versioned document with the facts a Trivy JSON user reads, in
//! snake_case. Every field is documented in `docs/json-schema.md`, and
//! `docs/report.schema.json` (JSON Schema draft 2020-12) describes the same document; tests
//! validate produced documents against it.
//!
//! The document is byte-identical for identical input: fields are in a fixed order, lists keep
//! the inputs' deterministic order, maps are sorted, and nothing varies from run to run.

use std::collections::BTreeMap;

use purser_advisory::SeverityRating;
use purser_engine::report::{
    AnalyzerStatus, FailureReport, FileState, Located, NotAnalyzedReport, PackageReference,
};
use purser_engine::ScanReport;
use purser_match::{CoverageGap, MatchProblem, SourceSummary, Vulnerability, VulnerabilityStatus};
use purser_plugin_api::{DiagnosticLevel, Package, Secret};
use serde::Serialize;

use crate::error::ReportError;
use crate::filter::Suppression;
use crate::format::{to_json_text, ReportInput};
use crate::ignore::ExpiredIgnore;
use crate::severity::rating_of;
use crate::target::{build_targets, Target};

/// Version of the JSON report's layout; bumped on every incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Writes the JSON report.
///
/// # Errors
///
/// [`ReportError::Serialise`] if the document cannot be serialised.
pub fn render_json(input: &ReportInput<'_>) -> Result<String, ReportError> {
    to_json_text(&JsonReport::new(input), "json")
}

/// The document; field order here is the order in the output.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    generator: Generator,
    artifact: Artifact<'a>,
    operating_system: Option<OperatingSystemEntry<'a>>,
    partial: bool,
    vulnerability_database: Option<DatabaseEntry<'a>>,
    results: Vec<ResultEntry<'a>>,
    suppressed: &'a [Suppression],
    expired_ignores: &'a [ExpiredIgnore],
    coverage_gaps: &'a [CoverageGap],
    folded: Vec<FoldedEntry<'a>>,
    match_problems: &'a [MatchProblem],
    observations: Vec<ObservationEntry<'a>>,
    analyzers: Vec<AnalyzerEntry<'a>>,
    diagnostics: Vec<DiagnosticEntry<'a>>,
    failures: &'a [FailureReport],
    not_analyzed: &'a [NotAnalyzedReport],
}

#[derive(Debug, Serialize)]
struct Generator {
    name: &'static str,
    version: &'static str,
}

#[derive(Debug, Serialize)]
struct Artifact<'a> {
    reference: &'a str,
    source_kind: &'a str,
    platform: &'a str,
    manifest_digest: Option<&'a str>,
    layers: Vec<LayerEntry<'a>>,
}

#[derive(Debug, Serialize)]
struct LayerEntry<'a> {
    index: usize,
    digest: Option<&'a str>,
    diff_id: Option<&'a str>,
    created_by: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct OperatingSystemEntry<'a> {
    family: &'a str,
    name: &'a str,
    version_id: &'a str,
    codename: Option<&'a str>,
    pretty_name: Option<&'a str>,
    end_of_life: Option<bool>,
    source_path: &'a str,
    layer: Option<LayerReference<'a>>,
    analyzer: &'a str,
}

#[derive(Debug, Serialize)]
struct DatabaseEntry<'a> {
    path: &'a str,
    built_at: &'a str,
    schema_version: u32,
    sources: &'a [SourceSummary],
}

#[derive(Debug, Serialize)]
struct ResultEntry<'a> {
    target: String,
    class: &'static str,
    #[serde(rename = "type")]
    kind: String,
    packages: Vec<PackageEntry<'a>>,
    vulnerabilities: Vec<VulnerabilityEntry<'a>>,
    secrets: Vec<SecretEntry<'a>>,
    provenance: Vec<ProvenanceEntry<'a>>,
}

#[derive(Debug, Clone, Serialize)]
struct LayerReference<'a> {
    index: usize,
    diff_id: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct PackageEntry<'a> {
    name: &'a str,
    version: &'a str,
    ecosystem: &'a str,
    purl: Option<&'a str>,
    licenses: &'a [String],
    path: &'a str,
    layer: Option<LayerReference<'a>>,
    file_state: FileState,
    analyzer: &'a str,
    metadata: &'a BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct VulnerabilityEntry<'a> {
    vulnerability_id: &'a str,
    advisory_id: &'a str,
    aliases: &'a [String],
    package_name: &'a str,
    installed_version: &'a str,
    fixed_version: Option<String>,
    fixed_versions: &'a [String],
    status: VulnerabilityStatus,
    status_text: Option<&'a str>,
    severity: SeverityRating,
    severity_source: &'a str,
    cvss: Vec<CvssEntry<'a>>,
    title: Option<&'a str>,
    description: Option<&'a str>,
    references: &'a [String],
    published_date: Option<&'a str>,
    last_modified_date: Option<&'a str>,
    layer: Option<LayerReference<'a>>,
    package_identifier: PackageIdentifier<'a>,
    package_path: &'a str,
    matched_by: &'a str,
    data_source: &'a str,
}

#[derive(Debug, Serialize)]
struct CvssEntry<'a> {
    version: &'a str,
    vector: &'a str,
    base_score: Option<f32>,
    rating: SeverityRating,
}

#[derive(Debug, Serialize)]
struct PackageIdentifier<'a> {
    purl: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct SecretEntry<'a> {
    rule_id: &'a str,
    category: &'a str,
    title: &'a str,
    severity: SeverityRating,
    path: &'a str,
    location: Option<&'a str>,
    line: Option<u64>,
    column: Option<u64>,
    redacted_match: &'a str,
    layer: Option<LayerReference<'a>>,
    file_state: FileState,
    changed_in_layer: Option<LayerReference<'a>>,
}

#[derive(Debug, Serialize)]
struct ProvenanceEntry<'a> {
    check: &'a str,
    passed: bool,
    detail: &'a str,
    facts: &'a BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct ObservationEntry<'a> {
    rule_id: &'a str,
    title: &'a str,
    severity: SeverityRating,
    path: &'a str,
    detail: &'a str,
    layer: Option<LayerReference<'a>>,
}

/// A language package not reported because an operating-system package owns its file.
#[derive(Debug, Serialize)]
struct FoldedEntry<'a> {
    name: &'a str,
    version: &'a str,
    ecosystem: &'a str,
    purl: Option<&'a str>,
    path: &'a str,
    layer: Option<LayerReference<'a>>,
    analyzer: &'a str,
    owner: &'a PackageReference,
    owned_path: &'a str,
    ownership_source: &'a str,
}

#[derive(Debug, Serialize)]
struct AnalyzerEntry<'a> {
    name: &'a str,
    version: &'a str,
    origin: &'a str,
    status: AnalyzerStatus,
    error: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct DiagnosticEntry<'a> {
    level: DiagnosticLevel,
    path: &'a str,
    message: &'a str,
    analyzer: &'a str,
    layer: Option<usize>,
}

impl<'a> JsonReport<'a> {
    fn new(input: &ReportInput<'a>) -> JsonReport<'a> {
        let scan = input.scan;
        let filtered = input.vulnerabilities;
        let findings = filtered.map_or(&[][..], |report| report.kept.as_slice());
        let targets = build_targets(scan, findings);

        JsonReport {
            schema_version: JSON_SCHEMA_VERSION,
            generator: Generator {
                name: crate::TOOL_NAME,
                version: crate::TOOL_VERSION,
            },
            artifact: artifact(scan),
            operating_system: scan
                .operating_system
                .as_ref()
                .map(|os| OperatingSystemEntry {
                    family: &os.item.family,
                    name: &os.item.name,
                    version_id: &os.item.version_id,
                    codename: os.item.codename.as_deref(),
                    pretty_name: os.item.pretty_name.as_deref(),
                    end_of_life: os.item.end_of_life,
                    source_path: &os.item.source_path,
                    layer: layer_reference(scan, os.layer),
                    analyzer: &os.analyzer,
                }),
            partial: scan.partial,
            vulnerability_database: filtered.map(|report| DatabaseEntry {
                path: &report.database.path,
                built_at: &report.database.built_at,
                schema_version: report.database.schema_version,
                sources: &report.database.sources,
            }),
            results: targets
                .iter()
                .map(|target| result_entry(scan, target))
                .collect(),
            suppressed: filtered.map_or(&[], |report| &report.suppressed),
            expired_ignores: filtered.map_or(&[], |report| &report.expired_ignores),
            coverage_gaps: filtered.map_or(&[], |report| &report.coverage_gaps),
            folded: folded(scan),
            match_problems: filtered.map_or(&[], |report| &report.problems),
            observations: observations(scan),
            analyzers: scan
                .analyzers
                .iter()
                .map(|analyzer| AnalyzerEntry {
                    name: &analyzer.name,
                    version: &analyzer.version,
                    origin: &analyzer.origin,
                    status: analyzer.status,
                    error: analyzer.error.as_deref(),
                })
                .collect(),
            diagnostics: scan
                .diagnostics
                .iter()
                .map(|diagnostic| DiagnosticEntry {
                    level: diagnostic.item.level,
                    path: &diagnostic.item.path,
                    message: &diagnostic.item.message,
                    analyzer: &diagnostic.analyzer,
                    layer: diagnostic.layer,
                })
                .collect(),
            failures: &scan.failures,
            not_analyzed: &scan.not_analyzed,
        }
    }
}

fn artifact(scan: &ScanReport) -> Artifact<'_> {
    Artifact {
        reference: &scan.image.reference,
        source_kind: &scan.image.source_kind,
        platform: &scan.image.platform,
        manifest_digest: scan.image.manifest_digest.as_deref(),
        layers: scan
            .image
            .layers
            .iter()
            .map(|layer| LayerEntry {
                index: layer.index,
                digest: layer.digest.as_deref(),
                diff_id: layer.diff_id.as_deref(),
                created_by: layer.created_by.as_deref(),
            })
            .collect(),
    }
}

fn result_entry<'a>(scan: &'a ScanReport, target: &Target<'a>) -> ResultEntry<'a> {
    ResultEntry {
        target: target.name.clone(),
        class: target.class.name(),
        kind: target.kind.clone(),
        packages: target
            .packages
            .iter()
            .map(|package| package_entry(scan, package))
            .collect(),
        vulnerabilities: target
            .vulnerabilities
            .iter()
            .map(|vulnerability| vulnerability_entry(vulnerability))
            .collect(),
        secrets: target
            .secrets
            .iter()
            .map(|secret| secret_entry(scan, secret))
            .collect(),
        provenance: target
            .provenance
            .iter()
            .map(|check| ProvenanceEntry {
                check: &check.item.check,
                passed: check.item.passed,
                detail: &check.item.detail,
                facts: &check.item.facts,
            })
            .collect(),
    }
}

/// The layer at `index` with its diff ID from the image's layer list.
fn layer_reference(scan: &ScanReport, index: Option<usize>) -> Option<LayerReference<'_>> {
    index.map(|index| LayerReference {
        index,
        diff_id: scan
            .image
            .layers
            .iter()
            .find(|layer| layer.index == index)
            .and_then(|layer| layer.diff_id.as_deref()),
    })
}

fn package_entry<'a>(scan: &'a ScanReport, package: &'a Located<Package>) -> PackageEntry<'a> {
    PackageEntry {
        name: &package.item.name,
        version: &package.item.version,
        ecosystem: &package.item.ecosystem,
        purl: package.item.purl.as_deref(),
        licenses: &package.item.licenses,
        path: &package.item.source_path,
        layer: layer_reference(scan, package.layer),
        file_state: package.file_state,
        analyzer: &package.analyzer,
        metadata: &package.item.metadata,
    }
}

fn vulnerability_entry(vulnerability: &Vulnerability) -> VulnerabilityEntry<'_> {
    let package = &vulnerability.package;
    VulnerabilityEntry {
        vulnerability_id: &vulnerability.id,
        advisory_id: &vulnerability.advisory_id,
        aliases: &vulnerability.aliases,
        package_name: &package.name,
        installed_version: &package.version,
        fixed_version: (!vulnerability.fixed_versions.is_empty())
            .then(|| vulnerability.fixed_versions.join(", ")),
        fixed_versions: &vulnerability.fixed_versions,
        status: vulnerability.status,
        status_text: vulnerability.status_text.as_deref(),
        severity: vulnerability.severity,
        severity_source: &vulnerability.severity_source,
        cvss: vulnerability
            .cvss
            .iter()
            .map(|score| CvssEntry {
                version: &score.version,
                vector: &score.vector,
                base_score: score.base_score,
                rating: score.rating,
            })
            .collect(),
        title: vulnerability.title.as_deref(),
        description: vulnerability.description.as_deref(),
        references: &vulnerability.references,
        published_date: vulnerability.published.as_deref(),
        last_modified_date: vulnerability.modified.as_deref(),
        layer: package.layer.map(|index| LayerReference {
            index,
            diff_id: package.layer_diff_id.as_deref(),
        }),
        package_identifier: PackageIdentifier {
            purl: package.purl.as_deref(),
        },
        package_path: &package.path,
        matched_by: &vulnerability.matched_by,
        data_source: &vulnerability.data_source,
    }
}

fn secret_entry<'a>(scan: &'a ScanReport, secret: &'a Located<Secret>) -> SecretEntry<'a> {
    SecretEntry {
        rule_id: &secret.item.rule_id,
        category: &secret.item.category,
        title: &secret.item.title,
        severity: rating_of(secret.item.severity),
        path: &secret.item.path,
        location: secret.item.location.as_deref(),
        line: secret.item.line,
        column: secret.item.column,
        redacted_match: &secret.item.redacted_match,
        layer: layer_reference(scan, secret.layer),
        file_state: secret.file_state,
        changed_in_layer: layer_reference(scan, secret.changed_in_layer),
    }
}

fn folded(scan: &ScanReport) -> Vec<FoldedEntry<'_>> {
    scan.folded
        .iter()
        .map(|fold| FoldedEntry {
            name: &fold.package.item.name,
            version: &fold.package.item.version,
            ecosystem: &fold.package.item.ecosystem,
            purl: fold.package.item.purl.as_deref(),
            path: &fold.package.item.source_path,
            layer: layer_reference(scan, fold.package.layer),
            analyzer: &fold.package.analyzer,
            owner: &fold.owner,
            owned_path: &fold.owned_path,
            ownership_source: &fold.ownership_source,
        })
        .collect()
}

fn observations(scan: &ScanReport) -> Vec<ObservationEntry<'_>> {
    scan.observations
        .iter()
        .map(|observation| ObservationEntry {
            rule_id: &observation.item.rule_id,
            title: &observation.item.title,
            severity: rating_of(observation.item.severity),
            path: &observation.item.path,
            detail: &observation.item.detail,
            layer: layer_reference(scan, observation.layer),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::OnceLock;

    use purser_engine::report::{AnalyzerReport, LayerReport};
    use purser_match::{CvssScore, MatchedPackage, VulnerabilityReport};
    use purser_plugin_api::{Diagnostic, Observation, Severity};
    use serde_json::{json, Value};

    use super::*;
    use crate::date::Date;
    use crate::filter::{apply_filters, FilterOptions, FilteredReport};
    use crate::ignore::IgnoreFile;
    use crate::sample::{sample_scan, sample_vulnerabilities};
    use crate::severity::parse_severities;
    use crate::vex::VexDocument;

    fn today() -> Date {
        Date::parse("2026-01-01").expect("valid date")
    }

    fn render(scan: &ScanReport, vulnerabilities: Option<&FilteredReport>) -> String {
        let input = ReportInput {
            scan,
            vulnerabilities,
        };
        render_json(&input).expect("renders")
    }

    fn sample_filtered() -> FilteredReport {
        apply_filters(
            &sample_vulnerabilities(),
            &FilterOptions::default(),
            today(),
        )
    }

    fn sample_text() -> String {
        render(&sample_scan(), Some(&sample_filtered()))
    }

    fn inventory_only_text() -> String {
        render(&sample_scan(), None)
    }

    fn every_section_text() -> String {
        render(
            &scan_with_every_section(),
            Some(&filtered_with_every_section()),
        )
    }

    fn document() -> Value {
        serde_json::from_str(&sample_text()).expect("valid JSON")
    }

    fn located<T>(item: T, analyzer: &str, layer: Option<usize>, state: FileState) -> Located<T> {
        Located {
            item,
            analyzer: analyzer.to_owned(),
            layer,
            file_state: state,
            changed_in_layer: None,
        }
    }

    /// The sample scan with every list filled and every optional fact missing somewhere: a
    /// layer without digests, an OS without code name, a package without purl or layer, a
    /// secret in image metadata, a failed analyzer.
    fn scan_with_every_section() -> ScanReport {
        let mut scan = sample_scan();
        scan.partial = true;
        scan.image.layers.push(LayerReport {
            index: 2,
            ..LayerReport::default()
        });
        if let Some(os) = &mut scan.operating_system {
            os.item.codename = None;
            os.item.pretty_name = None;
            os.item.end_of_life = None;
            os.layer = None;
        }

        scan.packages[0]
            .item
            .metadata
            .insert("source_package".to_owned(), "openssl".to_owned());
        scan.packages[3].file_state = FileState::Removed;
        scan.packages[3].changed_in_layer = Some(2);
        scan.packages.push(located(
            Package {
                ecosystem: "Go".to_owned(),
                name: "example.com/tool".to_owned(),
                version: "v1.2.3".to_owned(),
                purl: None,
                licenses: Vec::new(),
                source_path: "usr/bin/tool".to_owned(),
                metadata: BTreeMap::new(),
            },
            "go-binary",
            None,
            FileState::Present,
        ));

        scan.secrets.push(located(
            Secret {
                rule_id: "github-pat".to_owned(),
                category: "GitHub".to_owned(),
                title: "GitHub personal access token".to_owned(),
                severity: Severity::High,
                path: String::new(),
                location: Some("config.Env".to_owned()),
                line: None,
                column: None,
                redacted_match: "GITHUB_TOKEN=ghp_****************************1234".to_owned(),
            },
            "secrets",
            None,
            FileState::NotAFile,
        ));
        scan.provenance[0]
            .item
            .facts
            .insert("subject".to_owned(), "registry.example/shop".to_owned());
        scan.observations.push(located(
            Observation {
                rule_id: "setuid-file".to_owned(),
                title: "setuid executable".to_owned(),
                severity: Severity::Medium,
                path: "usr/bin/tool".to_owned(),
                detail: "mode 4755, owner root".to_owned(),
            },
            "setuid-files",
            Some(2),
            FileState::Present,
        ));

        scan.analyzers = vec![
            AnalyzerReport {
                name: "dpkg".to_owned(),
                version: "1.0.0".to_owned(),
                origin: "built in".to_owned(),
                status: AnalyzerStatus::Ok,
                error: None,
            },
            AnalyzerReport {
                name: "npm".to_owned(),
                version: "1.0.0".to_owned(),
                origin: "plugins/libpurser_analyzer_npm.so".to_owned(),
                status: AnalyzerStatus::Partial,
                error: None,
            },
        ];
        scan.add_unavailable_analyzer(
            "libbroken.so".to_owned(),
            "plugins/libbroken.so".to_owned(),
            "undefined symbol purser_analyzer_entry".to_owned(),
        );
        scan.diagnostics = vec![
            located(
                Diagnostic::warning("app/package-lock.json", "2 entries without a version"),
                "npm",
                Some(1),
                FileState::Present,
            ),
            located(
                Diagnostic::error("", "image configuration has no history"),
                "provenance",
                None,
                FileState::NotAFile,
            ),
        ];
        scan.failures = vec![
            FailureReport {
                analyzer: "npm".to_owned(),
                layer: Some(1),
                stage: "analyze_files".to_owned(),
                paths: vec!["app/node_modules/.package-lock.json".to_owned()],
                message: "the plugin panicked: index out of bounds".to_owned(),
            },
            FailureReport {
                analyzer: "provenance".to_owned(),
                layer: None,
                stage: "analyze_image".to_owned(),
                paths: Vec::new(),
                message: "attestation manifest unreadable".to_owned(),
            },
        ];
        scan.not_analyzed = vec![NotAnalyzedReport {
            analyzer: "java".to_owned(),
            layer: 1,
            path: "app/huge.jar".to_owned(),
            reason: "larger than --max-file-size (64 MiB)".to_owned(),
        }];
        scan
    }

    /// The sample findings plus a LOW one and one without any optional fact, filtered so that
    /// every kind of suppression occurs once and one ignore entry has expired.
    fn filtered_with_every_section() -> FilteredReport {
        let mut report: VulnerabilityReport = sample_vulnerabilities();
        report.findings.push(Vulnerability {
            id: "CVE-2020-28500".to_owned(),
            advisory_id: "GHSA-29mw-wpgm-hmr9".to_owned(),
            package: report.findings[2].package.clone(),
            fixed_versions: vec!["4.17.21".to_owned()],
            severity: SeverityRating::Low,
            severity_source: "CVSS_V3 score 3.7".to_owned(),
            matched_by: "introduced 0, fixed 4.17.21".to_owned(),
            data_source: "osv:npm".to_owned(),
            ..Vulnerability::default()
        });
        report.findings.push(Vulnerability {
            id: "GO-2024-2687".to_owned(),
            advisory_id: "GO-2024-2687".to_owned(),
            package: MatchedPackage {
                ecosystem: "Go".to_owned(),
                name: "example.com/tool".to_owned(),
                version: "v1.2.3".to_owned(),
                path: "usr/bin/tool".to_owned(),
                ..MatchedPackage::default()
            },
            fixed_versions: vec!["v1.2.4".to_owned(), "v1.3.1".to_owned()],
            status: VulnerabilityStatus::EndOfLife,
            severity: SeverityRating::High,
            severity_source: "database_specific.severity: HIGH".to_owned(),
            cvss: vec![CvssScore {
                version: "4.0".to_owned(),
                vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"
                    .to_owned(),
                base_score: None,
                rating: SeverityRating::Unknown,
            }],
            matched_by: "introduced 1.0.0, fixed 1.2.4".to_owned(),
            data_source: "osv:Go".to_owned(),
            ..Vulnerability::default()
        });
        report.problems.push(MatchProblem {
            package: "tool@v1.2.3+dirty".to_owned(),
            path: "usr/bin/tool".to_owned(),
            message: "cannot read the version v1.2.3+dirty".to_owned(),
        });

        let ignore_file = IgnoreFile::parse(
            "[[ignore]]\nid = \"CVE-2024-0727\"\nexpires = 2026-06-30\nreason = \"PKCS12 files are never parsed\"\n\n[[ignore]]\nid = \"CVE-2019-10744\"\npackage = \"lodash\"\npath = \"app/**\"\nexpires = 2025-12-31\nreason = \"until the upgrade\"\n",
            Path::new(".purserignore"),
        )
        .expect("valid ignore file");
        let vex = VexDocument::parse(
            r#"{"statements": [{"vulnerability": "CVE-2021-23337",
                "products": ["pkg:npm/lodash"], "status": "not_affected",
                "justification": "vulnerable_code_not_in_execute_path"}]}"#,
            Path::new("app.vex.json"),
        )
        .expect("valid VEX");
        let options = FilterOptions {
            severities: Some(parse_severities("CRITICAL,HIGH").expect("valid list")),
            ignore_unfixed: true,
            ignore_file: Some(ignore_file),
            vex: vec![vex],
        };
        apply_filters(&report, &options, today())
    }

    /// Mistakes a change to the renderer could make, each applied to the sample document, with
    /// where in the document the schema must report it.
    fn mistakes() -> Vec<(&'static str, &'static str, Value)> {
        let edit = |change: &dyn Fn(&mut Value)| {
            let mut document = document();
            change(&mut document);
            document
        };
        let first = "$.results[0].vulnerabilities[0]";
        vec![
            (
                "severity-outside-the-enum",
                "$.results[0].vulnerabilities[0].severity",
                edit(&|doc| doc["results"][0]["vulnerabilities"][0]["severity"] = json!("SEVERE")),
            ),
            (
                "trivy-status-word",
                "$.results[0].vulnerabilities[0].status",
                edit(&|doc| doc["results"][0]["vulnerabilities"][0]["status"] = json!("fixed")),
            ),
            (
                "missing-required-field",
                first,
                edit(&|doc| {
                    if let Some(entry) = doc["results"][0]["vulnerabilities"][0].as_object_mut() {
                        entry.remove("installed_version");
                    }
                }),
            ),
            (
                "unknown-field",
                first,
                edit(&|doc| doc["results"][0]["vulnerabilities"][0]["PkgName"] = json!("openssl")),
            ),
            (
                "unknown-class",
                "$.results[1].class",
                edit(&|doc| doc["results"][1]["class"] = json!("lang-packages")),
            ),
            (
                "fixed-version-without-fix",
                "$.results[0].vulnerabilities[1].fixed_version",
                edit(&|doc| {
                    doc["results"][0]["vulnerabilities"][1]["fixed_version"] = json!("1.3")
                }),
            ),
            (
                "secret-in-a-package-target",
                "$.results[0].secrets",
                edit(&|doc| {
                    let secret = doc["results"][3]["secrets"][0].clone();
                    doc["results"][0]["secrets"] = json!([secret]);
                }),
            ),
            (
                "newer-schema-version",
                "$.schema_version",
                edit(&|doc| doc["schema_version"] = json!(2)),
            ),
            (
                "digest-without-algorithm",
                "$.artifact.layers[0].diff_id",
                edit(&|doc| doc["artifact"]["layers"][0]["diff_id"] = json!("0a".repeat(32))),
            ),
        ]
    }

    fn schema_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report.schema.json")
    }

    /// What check-jsonschema said about each document, by file stem; an empty list means valid.
    type Verdicts = BTreeMap<String, Vec<String>>;

    /// Validates every document of these tests in one run of check-jsonschema (starting it
    /// takes seconds), the first time a test asks; `None` when the tool is not installed and
    /// `CI` is not set.
    fn verdicts() -> Option<&'static Verdicts> {
        static VERDICTS: OnceLock<Option<Verdicts>> = OnceLock::new();
        VERDICTS.get_or_init(run_check_jsonschema).as_ref()
    }

    fn run_check_jsonschema() -> Option<Verdicts> {
        let mut documents = vec![
            ("sample".to_owned(), sample_text()),
            ("inventory-only".to_owned(), inventory_only_text()),
            ("every-section".to_owned(), every_section_text()),
        ];
        for (name, _, document) in mistakes() {
            documents.push((format!("mistake-{name}"), document.to_string()));
        }

        let directory = tempfile::tempdir().expect("temporary directory");
        let mut files = Vec::new();
        for (name, text) in &documents {
            let file = directory.path().join(format!("{name}.json"));
            std::fs::write(&file, text).expect("document written");
            files.push(file);
        }

        let output = match Command::new("check-jsonschema")
            .arg("--output-format")
            .arg("json")
            .arg("--schemafile")
            .arg(schema_path())
            .args(&files)
            .output()
        {
            Ok(output) => output,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let in_ci = std::env::var_os("CI").is_some_and(|value| !value.is_empty());
                assert!(
                    !in_ci,
                    "check-jsonschema is not installed (CI is set, so this fails); run \
                     scripts/install-test-tools or `pip install check-jsonschema`"
                );
                // Written to the stream itself, not through `eprintln!`, so that the test
                // harness does not swallow it: the skip must be visible in a passing run.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping JSON Schema validation: check-jsonschema is not installed \
                     (`pip install check-jsonschema`)"
                );
                return None;
            }
            Err(error) => panic!("failed to run check-jsonschema: {error}"),
        };

        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
            panic!(
                "check-jsonschema gave no JSON verdict (is {} a valid schema?):\n{}\n{}",
                schema_path().display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let mut verdicts: Verdicts = documents
            .iter()
            .map(|(name, _)| (name.clone(), Vec::new()))
            .collect();
        let problems = ["errors", "parse_errors"]
            .iter()
            .filter_map(|key| report[*key].as_array())
            .flatten();
        for problem in problems {
            let file = problem["filename"].as_str().unwrap_or_default();
            let stem = Path::new(file)
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            let path = problem["path"].as_str().unwrap_or("(unparsed)");
            let message = problem["message"].as_str().unwrap_or_default();
            verdicts
                .entry(stem)
                .or_default()
                .push(format!("{path}: {message}"));
        }

        // Were the tool to change the shape of its output, no error would be read above and
        // every document would pass; a failing run must therefore list at least one error.
        let failed = report["status"] != "ok";
        let listed = verdicts.values().any(|errors| !errors.is_empty());
        assert_eq!(
            failed,
            listed,
            "check-jsonschema's status disagrees with its error list:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
        Some(verdicts)
    }

    fn assert_valid(name: &str) {
        let Some(verdicts) = verdicts() else {
            return;
        };
        let errors = verdicts.get(name).expect("document was validated");
        assert!(
            errors.is_empty(),
            "the {name} document does not match docs/report.schema.json:\n{}",
            errors.join("\n")
        );
    }

    #[test]
    fn sample_report_matches_the_schema() {
        assert_valid("sample");
    }

    #[test]
    fn inventory_only_report_matches_the_schema() {
        assert_valid("inventory-only");
    }

    #[test]
    fn report_with_every_section_filled_matches_the_schema() {
        let document: Value = serde_json::from_str(&every_section_text()).expect("valid JSON");
        let kinds: Vec<&str> = document["suppressed"]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|suppression| suppression["reason"]["kind"].as_str())
            .collect();
        assert_eq!(kinds, vec!["ignored", "unfixed", "vex", "severity"]);
        for section in [
            "expired_ignores",
            "coverage_gaps",
            "match_problems",
            "observations",
            "diagnostics",
            "failures",
            "not_analyzed",
        ] {
            assert!(
                document[section]
                    .as_array()
                    .is_some_and(|list| !list.is_empty()),
                "{section} is empty, so the schema check would not cover it"
            );
        }

        assert_valid("every-section");
    }

    #[test]
    fn schema_rejects_common_mistakes() {
        let Some(verdicts) = verdicts() else {
            return;
        };
        for (name, location, _) in mistakes() {
            let errors = verdicts
                .get(&format!("mistake-{name}"))
                .expect("document was validated");
            assert!(
                errors
                    .iter()
                    .any(|error| error.starts_with(&format!("{location}: "))),
                "the schema did not report the mistake {name} at {location}: {errors:?}"
            );
        }
    }

    #[test]
    fn every_schema_field_is_documented() {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(schema_path()).expect("docs/report.schema.json exists"),
        )
        .expect("the schema is JSON");
        let guide = std::fs::read_to_string(schema_path().with_file_name("json-schema.md"))
            .expect("docs/json-schema.md exists");

        let mut fields = Vec::new();
        collect_property_names(&schema, &mut fields);
        assert!(fields.len() > 50, "only {} fields found", fields.len());
        let missing: Vec<&String> = fields
            .iter()
            .filter(|field| !guide.contains(&format!("`{field}`")))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/json-schema.md does not mention {missing:?}"
        );
    }

    fn collect_property_names(schema: &Value, names: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    names.extend(properties.keys().cloned());
                }
                for value in map.values() {
                    collect_property_names(value, names);
                }
            }
            Value::Array(values) => {
                for value in values {
                    collect_property_names(value, names);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn rendering_twice_gives_identical_bytes() {
        assert_eq!(sample_text(), sample_text());
        assert_eq!(inventory_only_text(), inventory_only_text());
        assert_eq!(every_section_text(), every_section_text());
        assert!(sample_text().ends_with("}\n"));
    }

    #[test]
    fn vulnerabilities_carry_the_facts_trivy_users_read() {
        let document = document();
        assert_eq!(document["schema_version"], 1);
        let os = &document["results"][0];
        assert_eq!(os["class"], "os-pkgs");
        assert_eq!(os["type"], "debian");

        let openssl = &os["vulnerabilities"][0];
        assert_eq!(openssl["vulnerability_id"], "CVE-2024-0727");
        assert_eq!(openssl["package_name"], "openssl");
        assert_eq!(openssl["installed_version"], "3.0.11-1~deb12u2");
        assert_eq!(openssl["fixed_version"], "3.0.13-1~deb12u1");
        assert_eq!(openssl["status"], "affected");
        assert_eq!(openssl["severity"], "CRITICAL");
        assert_eq!(openssl["severity_source"], "CVSS_V3 score 9.8");
        assert_eq!(openssl["published_date"], "2024-01-26T09:15:07Z");
        assert_eq!(openssl["layer"]["diff_id"], format!("sha256:{:064x}", 10));
        assert!(openssl["package_identifier"]["purl"]
            .as_str()
            .is_some_and(|purl| purl.starts_with("pkg:deb/debian/openssl@")));

        let zlib = &os["vulnerabilities"][1];
        assert_eq!(zlib["fixed_version"], Value::Null);
        assert_eq!(zlib["status"], "will_not_fix");
    }

    #[test]
    fn multiple_fixed_versions_are_joined_like_trivy() {
        let document: Value = serde_json::from_str(&every_section_text()).expect("valid JSON");
        let go = document["results"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|result| result["type"] == "Go")
            .expect("a Go target");
        assert_eq!(go["vulnerabilities"][0]["fixed_version"], "v1.2.4, v1.3.1");
        assert_eq!(go["vulnerabilities"][0]["layer"], Value::Null);
    }

    #[test]
    fn secrets_appear_only_redacted() {
        let text = document().to_string();
        assert!(text.contains(crate::sample::REDACTED_SECRET));
        assert!(!text.contains(crate::sample::UNREDACTED_SECRET));
    }

    #[test]
    fn inventory_only_reports_have_no_database() {
        let document: Value = serde_json::from_str(&inventory_only_text()).expect("valid JSON");
        assert_eq!(document["vulnerability_database"], Value::Null);
        assert_eq!(
            document["results"][0]["packages"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(
            document["results"][0]["vulnerabilities"],
            serde_json::json!([])
        );
    }
}
