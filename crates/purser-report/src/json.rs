//! Purser's JSON report: a versioned document with the facts a Trivy JSON user reads, in
//! snake_case. Every field is documented in `docs/json-schema.md`, and
//! `docs/report.schema.json` (JSON Schema draft 2020-12) describes the same document; tests
//! validate produced documents against it.
//!
//! The document is byte-identical for identical input: fields are in a fixed order, lists keep
//! the inputs' deterministic order, maps are sorted, and nothing varies from run to run.

use std::collections::BTreeMap;

use purser_advisory::SeverityRating;
use purser_engine::report::{AnalyzerStatus, FailureReport, FileState, Located, NotAnalyzedReport};
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
    end_of_life: Option<bool>,
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
                    end_of_life: os.item.end_of_life,
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
    }
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
    use serde_json::Value;

    use super::*;
    use crate::date::Date;
    use crate::filter::{apply_filters, FilterOptions};
    use crate::sample::{sample_scan, sample_vulnerabilities};

    fn document() -> Value {
        let scan = sample_scan();
        let filtered = apply_filters(
            &sample_vulnerabilities(),
            &FilterOptions::default(),
            Date::parse("2026-01-01").expect("valid"),
        );
        let input = ReportInput {
            scan: &scan,
            vulnerabilities: Some(&filtered),
        };
        serde_json::from_str(&render_json(&input).expect("renders")).expect("valid JSON")
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
    fn secrets_appear_only_redacted() {
        let text = document().to_string();
        assert!(text.contains(crate::sample::REDACTED_SECRET));
        assert!(!text.contains(crate::sample::UNREDACTED_SECRET));
    }

    #[test]
    fn inventory_only_reports_have_no_database() {
        let scan = sample_scan();
        let input = ReportInput {
            scan: &scan,
            vulnerabilities: None,
        };
        let document: Value =
            serde_json::from_str(&render_json(&input).expect("renders")).expect("valid JSON");
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
