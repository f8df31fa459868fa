//! CycloneDX 1.6 JSON (`--format cyclonedx`): an SBOM of the image with the vulnerabilities
//! found in it (<https://cyclonedx.org/docs/1.6/json/>).
//!
//! The image is `metadata.component` (type `container`). Its operating system is a component
//! of type `operating-system`, every installed package one of type `library` (a Go binary's
//! main module one of type `application`). Each component's `bom-ref` is its package URL; when
//! two packages share one, both get the file they were read from appended. Purser's own facts
//! (layer, file, evidence, analyzer) are properties in the `purser:` namespace. Dependencies
//! state only what a scan knows: the image contains every component and the operating system
//! its packages. Vulnerabilities point at the components they affect. Secrets are not part of
//! an inventory and never appear.
//!
//! Provenance checks are properties of the image component in the `purser:slsa:` namespace:
//! the summary verdict (`purser:slsa:verdict`) and its facts (`purser:slsa:level`,
//! `purser:slsa:verified`, `purser:slsa:builder_id`, `purser:slsa:source_uri`, ...), then one
//! `purser:slsa:check:<check>` per check, its value `passed: ` or `failed: ` and the detail.
//! CycloneDX's `attestation` external reference needs a URL, which an attestation found in an
//! OCI layout or on the command line does not have, so it is not used.
//!
//! Limitation: findings suppressed by VEX statements or the ignore file are left out rather
//! than listed with an analysis state; a reader of the SBOM sees only the findings kept.
//!
//! The document is byte-identical for identical input: the serial number is a UUID derived
//! from a SHA-256 of the image digest and the document's content, and `metadata.timestamp` is
//! written only when the caller gives a creation time.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use purser_advisory::SeverityRating;
use purser_engine::report::{FileState, ImageReport, Located};
use purser_engine::ScanReport;
use purser_match::{CvssScore, Vulnerability, VulnerabilityStatus};
use purser_plugin_api::{Package, PackageUrl, ProvenanceFinding};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ReportError;
use crate::format::{to_json_text, RenderOptions, ReportFormat, ReportInput};
use crate::target::is_os_ecosystem;

/// The `bom-ref` of the operating system's component.
const OPERATING_SYSTEM_REF: &str = "purser:operating-system";

/// The provenance check that states the SLSA build level the image reaches.
pub(crate) const SLSA_LEVEL_CHECK: &str = "slsa-level";

/// Writes the CycloneDX 1.6 JSON document.
///
/// # Errors
///
/// [`ReportError::Serialise`] if the document cannot be serialised.
pub(crate) fn render_cyclonedx(
    input: &ReportInput<'_>,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    let format = ReportFormat::CycloneDx.name();
    let mut bom = Bom::new(input, options.creation_time.as_deref());

    // The serial number names the content: hash the document as written without it.
    let content =
        serde_json::to_vec(&bom).map_err(|source| ReportError::Serialise { format, source })?;
    let identity = input
        .scan
        .image
        .manifest_digest
        .as_deref()
        .unwrap_or(&input.scan.image.reference);
    bom.serial_number = content_uuid(&[identity.as_bytes(), b"\n", &content]);

    tracing::debug!(
        components = bom.components.len(),
        vulnerabilities = bom.vulnerabilities.len(),
        "cyclonedx document built"
    );
    to_json_text(&bom, format)
}

/// The lower-case hex SHA-256 of the concatenated parts.
pub(crate) fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    format!("{:x}", hasher.finalize())
}

/// `urn:uuid:` and a UUID made of the first 16 bytes of the parts' SHA-256, marked as version 8
/// (RFC 9562's custom, hash-based layout) with the RFC variant bits.
fn content_uuid(parts: &[&[u8]]) -> String {
    let hex = sha256_hex(parts);
    let mut bytes = [0_u8; 16];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[index * 2..index * 2 + 2], 16).unwrap_or_default();
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The diff ID of the image's layer `index`, when known.
pub(crate) fn layer_diff_id(scan: &ScanReport, index: usize) -> Option<&str> {
    scan.image
        .layers
        .iter()
        .find(|layer| layer.index == index)
        .and_then(|layer| layer.diff_id.as_deref())
}

/// What became of a finding's file in later layers, as the JSON report spells it; `None` for a
/// file still in the final filesystem.
fn later_file_state(state: FileState) -> Option<&'static str> {
    match state {
        FileState::Present => None,
        FileState::Replaced => Some("replaced"),
        FileState::Removed => Some("removed"),
        FileState::NotAFile => Some("not_a_file"),
    }
}

/// Whether a package is a program rather than a library: a Go binary's main module.
pub(crate) fn is_application(package: &Package) -> bool {
    package
        .metadata
        .get("main_module")
        .is_some_and(|value| value == "true")
}

/// The image's package URL, `pkg:oci/<name>@<manifest digest>?repository_url=...&tag=...`;
/// `None` without a manifest digest, which the OCI purl type requires as its version.
///
/// The name is the reference's last path segment, lower-cased, with an archive extension
/// (`.tar`, `.tar.gz`, ...) removed. `repository_url` is written only when the reference's first
/// segment looks like a registry host (it has a `.` or `:`, or is `localhost`), so that local
/// paths are not presented as registries.
pub(crate) fn image_purl(image: &ImageReport) -> Option<String> {
    let digest = image.manifest_digest.as_deref()?;
    let (repository, tag) = split_reference(&image.reference);

    let last_segment = repository
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let name = [".tar.gz", ".tar.zst", ".tgz", ".tar"]
        .iter()
        .find_map(|extension| last_segment.strip_suffix(extension))
        .unwrap_or(last_segment)
        .to_ascii_lowercase();
    if name.is_empty() {
        return None;
    }

    let mut purl = PackageUrl::new("oci", &name).with_version(digest);
    if let Some(tag) = tag {
        purl = purl.with_qualifier("tag", tag);
    }
    if names_a_registry(repository) {
        purl = purl.with_qualifier("repository_url", &repository.to_ascii_lowercase());
    }
    Some(purl.to_string())
}

/// A reference split into repository and tag, dropping any `@digest`.
fn split_reference(reference: &str) -> (&str, Option<&str>) {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last_slash = without_digest.rfind('/').map_or(0, |index| index + 1);
    match without_digest[last_slash..].rfind(':') {
        Some(colon) => {
            let split = last_slash + colon;
            (&without_digest[..split], Some(&without_digest[split + 1..]))
        }
        None => (without_digest, None),
    }
}

fn names_a_registry(repository: &str) -> bool {
    let Some((host, _)) = repository.split_once('/') else {
        return false;
    };
    !repository.starts_with(['/', '.']) && (host.contains(['.', ':']) || host == "localhost")
}

/// The document; field order here is the order in the output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Component<'a>>,
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<VulnerabilityEntry<'a>>,
}

#[derive(Debug, Serialize)]
struct Metadata<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<&'a str>,
    tools: Tools,
    component: Component<'a>,
}

#[derive(Debug, Serialize)]
struct Tools {
    components: Vec<Tool>,
}

#[derive(Debug, Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'static str,
}

#[derive(Debug, Serialize)]
struct Component<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenceChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum LicenceChoice<'a> {
    Licence { license: Licence<'a> },
    Expression { expression: String },
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Licence<'a> {
    Listed { id: &'static str },
    Named { name: &'a str },
}

#[derive(Debug, Serialize)]
struct Property {
    name: Cow<'static, str>,
    value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

#[derive(Debug, Serialize)]
struct VulnerabilityEntry<'a> {
    id: &'a str,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<AliasReference<'a>>,
    ratings: Vec<Rating<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    affects: Vec<Affects<'a>>,
    properties: Vec<Property>,
}

#[derive(Debug, Clone, Serialize)]
struct Source {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Debug, Serialize)]
struct AliasReference<'a> {
    id: &'a str,
    source: Source,
}

#[derive(Debug, Serialize)]
struct Rating<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct Advisory<'a> {
    url: &'a str,
}

#[derive(Debug, Serialize)]
struct Affects<'a> {
    #[serde(rename = "ref")]
    reference: String,
    versions: Vec<AffectedVersion<'a>>,
}

#[derive(Debug, Serialize)]
struct AffectedVersion<'a> {
    version: &'a str,
    status: &'static str,
}

impl<'a> Bom<'a> {
    fn new(input: &ReportInput<'a>, creation_time: Option<&'a str>) -> Bom<'a> {
        let scan = input.scan;
        let image = image_component(scan);
        let references = component_references(scan, &image.bom_ref);

        let mut components = Vec::with_capacity(scan.packages.len() + 1);
        if let Some(os) = &scan.operating_system {
            components.push(operating_system_component(scan, os));
        }
        components.extend(
            scan.packages
                .iter()
                .zip(&references)
                .map(|(package, bom_ref)| package_component(scan, package, bom_ref.clone())),
        );

        let findings = input
            .vulnerabilities
            .map_or(&[][..], |report| report.kept.as_slice());
        let vulnerabilities = findings
            .iter()
            .map(|finding| vulnerability_entry(finding, scan, &references))
            .collect();

        Bom {
            schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
            bom_format: "CycloneDX",
            spec_version: "1.6",
            serial_number: String::new(),
            version: 1,
            dependencies: dependencies(scan, &image.bom_ref, &components, &references),
            metadata: Metadata {
                timestamp: creation_time,
                tools: Tools {
                    components: vec![Tool {
                        kind: "application",
                        name: crate::TOOL_NAME,
                        version: crate::TOOL_VERSION,
                    }],
                },
                component: image,
            },
            components,
            vulnerabilities,
        }
    }
}

fn image_component(scan: &ScanReport) -> Component<'_> {
    let image = &scan.image;
    let purl = image_purl(image);
    let mut properties = vec![
        property("purser:source_kind", &image.source_kind),
        property("purser:platform", &image.platform),
    ];
    properties.extend(provenance_properties(&scan.provenance));
    let bom_ref = purl
        .clone()
        .unwrap_or_else(|| format!("purser:image:{}", image.reference));
    Component {
        kind: "container",
        bom_ref,
        name: &image.reference,
        version: image.manifest_digest.as_deref(),
        description: None,
        licenses: Vec::new(),
        purl,
        properties,
    }
}

/// The image's provenance checks as `purser:slsa:` properties, in the scan's order: the
/// `slsa-level` summary as `purser:slsa:verdict` and one property per non-empty fact, every
/// other check as `purser:slsa:check:<check>` with `passed: ` or `failed: ` before its detail.
fn provenance_properties(checks: &[Located<ProvenanceFinding>]) -> Vec<Property> {
    let mut properties = Vec::new();
    for check in checks {
        let item = &check.item;
        if item.check == SLSA_LEVEL_CHECK {
            properties.push(property("purser:slsa:verdict", &item.detail));
            let facts = item.facts.iter().filter(|(_, value)| !value.is_empty());
            properties.extend(
                facts.map(|(name, value)| named_property(format!("purser:slsa:{name}"), value)),
            );
        } else {
            let outcome = if item.passed { "passed" } else { "failed" };
            properties.push(named_property(
                format!("purser:slsa:check:{}", item.check),
                &format!("{outcome}: {}", item.detail),
            ));
        }
    }
    properties
}

fn operating_system_component<'a>(
    scan: &'a ScanReport,
    os: &'a Located<purser_plugin_api::OperatingSystem>,
) -> Component<'a> {
    let mut properties = location_properties(scan, os, &os.item.source_path);
    if let Some(codename) = &os.item.codename {
        properties.push(property("purser:codename", codename));
    }
    Component {
        kind: "operating-system",
        bom_ref: OPERATING_SYSTEM_REF.to_owned(),
        name: &os.item.family,
        version: Some(os.item.version_id.as_str()).filter(|version| !version.is_empty()),
        description: os.item.pretty_name.as_deref(),
        licenses: Vec::new(),
        purl: None,
        properties,
    }
}

/// One `bom-ref` per package, in the scan's order: the purl (or, without one,
/// `ecosystem:name@version`); when several packages share it, each gets ` (source path)`
/// appended, and a number after that if they still collide.
fn component_references(scan: &ScanReport, image_ref: &str) -> Vec<String> {
    let bases: Vec<String> = scan
        .packages
        .iter()
        .map(|package| match &package.item.purl {
            Some(purl) => purl.clone(),
            None => format!(
                "{}:{}@{}",
                package.item.ecosystem, package.item.name, package.item.version
            ),
        })
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for base in &bases {
        *counts.entry(base.as_str()).or_default() += 1;
    }

    let mut taken = BTreeSet::from([image_ref.to_owned(), OPERATING_SYSTEM_REF.to_owned()]);
    let mut references = Vec::with_capacity(bases.len());
    for (base, package) in bases.iter().zip(&scan.packages) {
        let shared = counts.get(base.as_str()).is_some_and(|count| *count > 1);
        let preferred = if shared {
            format!("{base} ({})", package.item.source_path)
        } else {
            base.clone()
        };
        let mut candidate = preferred.clone();
        let mut counter = 1;
        while taken.contains(&candidate) {
            counter += 1;
            candidate = format!("{preferred} #{counter}");
        }
        taken.insert(candidate.clone());
        references.push(candidate);
    }
    references
}

fn package_component<'a>(
    scan: &'a ScanReport,
    package: &'a Located<Package>,
    bom_ref: String,
) -> Component<'a> {
    let item = &package.item;
    let mut properties = vec![property("purser:ecosystem", &item.ecosystem)];
    properties.extend(location_properties(scan, package, &item.source_path));
    if let Some(evidence) = item.metadata.get("evidence") {
        properties.push(property("purser:evidence", evidence));
    }
    Component {
        kind: if is_application(item) {
            "application"
        } else {
            "library"
        },
        bom_ref,
        name: &item.name,
        version: Some(item.version.as_str()).filter(|version| !version.is_empty()),
        description: None,
        licenses: licences(&item.licenses),
        purl: item.purl.clone(),
        properties,
    }
}

/// Where a finding was read: analyzer, file, layer index and diff ID, and what later layers did
/// to the file.
fn location_properties<T>(scan: &ScanReport, found: &Located<T>, path: &str) -> Vec<Property> {
    let mut properties = vec![property("purser:analyzer", &found.analyzer)];
    if !path.is_empty() {
        properties.push(property("purser:source_path", path));
    }
    if let Some(state) = later_file_state(found.file_state) {
        properties.push(property("purser:file_state", state));
    }
    if let Some(index) = found.layer {
        properties.push(property("purser:layer_index", &index.to_string()));
        if let Some(diff_id) = layer_diff_id(scan, index) {
            properties.push(property("purser:layer_diff_id", diff_id));
        }
    }
    properties
}

fn property(name: &'static str, value: &str) -> Property {
    Property {
        name: Cow::Borrowed(name),
        value: value.to_owned(),
    }
}

fn named_property(name: String, value: &str) -> Property {
    Property {
        name: Cow::Owned(name),
        value: value.to_owned(),
    }
}

/// CycloneDX takes either licences (listed identifiers or free names) or one expression, never
/// both. A single declared licence that is an SPDX expression becomes that expression (or the
/// listed identifier it is); otherwise each entry is a listed identifier or a name.
fn licences(declared: &[String]) -> Vec<LicenceChoice<'_>> {
    let declared: Vec<&String> = declared
        .iter()
        .filter(|licence| !licence.trim().is_empty())
        .collect();
    if let [only] = declared.as_slice() {
        if let Some(parsed) = crate::spdx::parse_licence_expression(only) {
            if parsed.single_identifier.is_none() {
                return vec![LicenceChoice::Expression {
                    expression: parsed.text,
                }];
            }
        }
    }
    declared
        .into_iter()
        .map(|licence| {
            let listed = crate::spdx::parse_licence_expression(licence)
                .and_then(|parsed| parsed.single_identifier);
            LicenceChoice::Licence {
                license: match listed {
                    Some(id) => Licence::Listed { id },
                    None => Licence::Named { name: licence },
                },
            }
        })
        .collect()
}

/// The image contains every component; the operating system contains its packages.
fn dependencies(
    scan: &ScanReport,
    image_ref: &str,
    components: &[Component<'_>],
    references: &[String],
) -> Vec<Dependency> {
    let mut dependencies = vec![Dependency {
        reference: image_ref.to_owned(),
        depends_on: components
            .iter()
            .map(|component| component.bom_ref.clone())
            .collect(),
    }];
    if scan.operating_system.is_some() {
        let os_packages = scan
            .packages
            .iter()
            .zip(references)
            .filter(|(package, _)| is_os_ecosystem(&package.item.ecosystem))
            .map(|(_, reference)| reference.clone())
            .collect();
        dependencies.push(Dependency {
            reference: OPERATING_SYSTEM_REF.to_owned(),
            depends_on: os_packages,
        });
    }
    dependencies
}

fn vulnerability_entry<'a>(
    finding: &'a Vulnerability,
    scan: &ScanReport,
    references: &[String],
) -> VulnerabilityEntry<'a> {
    let source = Source {
        name: finding.data_source.clone(),
        url: finding.references.first().cloned(),
    };
    let aliases = finding
        .aliases
        .iter()
        .filter(|alias| **alias != finding.id)
        .map(|alias| AliasReference {
            id: alias,
            source: alias_source(alias, &finding.data_source),
        })
        .collect();

    let mut ratings: Vec<Rating<'a>> = finding.cvss.iter().filter_map(cvss_rating).collect();
    ratings.push(Rating {
        score: None,
        severity: severity_name(finding.severity),
        method: "other",
        vector: None,
        justification: Some(finding.severity_source.as_str()).filter(|text| !text.is_empty()),
    });

    let affects = match affected_reference(finding, scan, references) {
        Some(reference) => vec![Affects {
            reference,
            versions: vec![AffectedVersion {
                version: &finding.package.version,
                status: "affected",
            }],
        }],
        None => {
            tracing::debug!(
                id = %finding.id,
                package = %finding.package.name,
                "finding names a package the scan does not list; written without affects"
            );
            Vec::new()
        }
    };

    VulnerabilityEntry {
        id: &finding.id,
        source,
        references: aliases,
        ratings,
        description: finding.description.as_deref().or(finding.title.as_deref()),
        recommendation: recommendation(finding),
        advisories: finding
            .references
            .iter()
            .map(|url| Advisory { url })
            .collect(),
        published: finding.published.as_deref().map(date_time),
        updated: finding.modified.as_deref().map(date_time),
        affects,
        properties: vulnerability_properties(finding),
    }
}

/// The component a finding's package is: same file, and same purl (or name and version when
/// either has no purl).
fn affected_reference(
    finding: &Vulnerability,
    scan: &ScanReport,
    references: &[String],
) -> Option<String> {
    let wanted = &finding.package;
    scan.packages
        .iter()
        .zip(references)
        .find(|(package, _)| {
            let item = &package.item;
            let same_package = match (&item.purl, &wanted.purl) {
                (Some(have), Some(want)) => have == want,
                _ => item.name == wanted.name && item.version == wanted.version,
            };
            same_package && item.source_path == wanted.path
        })
        .map(|(_, reference)| reference.clone())
}

fn cvss_rating(score: &CvssScore) -> Option<Rating<'_>> {
    let method = match score.version.as_str() {
        "2.0" | "2" => "CVSSv2",
        "3.0" | "3" => "CVSSv3",
        "3.1" => "CVSSv31",
        "4.0" | "4" => "CVSSv4",
        other => {
            tracing::debug!(
                version = other,
                "cvss version unknown to cyclonedx; score left out"
            );
            return None;
        }
    };
    Some(Rating {
        // Scores come with one decimal; going through text keeps 9.8 from becoming
        // 9.800000190734863.
        score: score
            .base_score
            .and_then(|value| format!("{value}").parse::<f64>().ok()),
        severity: severity_name(score.rating),
        method,
        // Some sources (RubySec, Victims) give a bare number instead of a vector; the number
        // is already the score, and CycloneDX's vector field is for vectors only.
        vector: Some(score.vector.as_str())
            .filter(|vector| !vector.is_empty() && vector.parse::<f64>().is_err()),
        justification: None,
    })
}

/// CycloneDX's severity words; negligible is its `info`.
fn severity_name(rating: SeverityRating) -> &'static str {
    match rating {
        SeverityRating::Critical => "critical",
        SeverityRating::High => "high",
        SeverityRating::Medium => "medium",
        SeverityRating::Low => "low",
        SeverityRating::Negligible => "info",
        SeverityRating::Unknown => "unknown",
    }
}

/// Where an alias is published, by its prefix; the finding's data source for other prefixes.
fn alias_source(alias: &str, data_source: &str) -> Source {
    let known = [
        ("CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/"),
        (
            "GHSA-",
            "GitHub Advisory Database",
            "https://github.com/advisories/",
        ),
        (
            "DSA-",
            "Debian Security Tracker",
            "https://security-tracker.debian.org/tracker/",
        ),
        (
            "DLA-",
            "Debian Security Tracker",
            "https://security-tracker.debian.org/tracker/",
        ),
        (
            "GO-",
            "Go Vulnerability Database",
            "https://pkg.go.dev/vuln/",
        ),
        (
            "RUSTSEC-",
            "RustSec Advisory Database",
            "https://rustsec.org/advisories/",
        ),
        (
            "PYSEC-",
            "PyPA Advisory Database",
            "https://osv.dev/vulnerability/",
        ),
    ];
    match known
        .iter()
        .find(|(prefix, _, _)| alias.starts_with(prefix))
    {
        Some((_, name, url)) => Source {
            name: (*name).to_owned(),
            url: Some(format!("{url}{alias}")),
        },
        None => Source {
            name: data_source.to_owned(),
            url: None,
        },
    }
}

fn recommendation(finding: &Vulnerability) -> Option<String> {
    let package = &finding.package.name;
    match finding.fixed_versions.as_slice() {
        [] => None,
        [version] => Some(format!("upgrade {package} to {version}")),
        versions => Some(format!(
            "upgrade {package} to one of {}",
            versions.join(", ")
        )),
    }
}

/// An RFC 3339 date-time as CycloneDX requires; a bare `YYYY-MM-DD` gets midnight UTC.
fn date_time(text: &str) -> String {
    let is_bare_date = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
    if is_bare_date {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    }
}

fn vulnerability_properties(finding: &Vulnerability) -> Vec<Property> {
    let status = match finding.status {
        VulnerabilityStatus::Affected => "affected",
        VulnerabilityStatus::WillNotFix => "will_not_fix",
        VulnerabilityStatus::Deferred => "deferred",
        VulnerabilityStatus::EndOfLife => "end_of_life",
    };
    let mut properties = vec![
        property("purser:advisory_id", &finding.advisory_id),
        property("purser:status", status),
    ];
    if let Some(text) = &finding.status_text {
        properties.push(property("purser:status_text", text));
    }
    if let Some(title) = finding
        .title
        .as_deref()
        .filter(|_| finding.description.is_some())
    {
        properties.push(property("purser:title", title));
    }
    properties.push(property("purser:matched_by", &finding.matched_by));
    properties.push(property("purser:package_path", &finding.package.path));
    properties
}

/// What the CycloneDX and SPDX tests share: the sample rendered, golden files and the outside
/// validators.
#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    use purser_advisory::SeverityRating;
    use purser_engine::report::{FileState, Located};
    use purser_match::CvssScore;
    use purser_plugin_api::ProvenanceFinding;

    use crate::date::Date;
    use crate::filter::{apply_filters, FilterOptions};
    use crate::format::{render, RenderOptions, ReportFormat, ReportInput};
    use crate::sample::{sample_scan, sample_vulnerabilities};

    /// The creation time every test document carries.
    pub(crate) const CREATION_TIME: &str = "2026-12-01T12:00:00Z";

    /// The sample scan and findings rendered in `format` with [`CREATION_TIME`].
    pub(crate) fn render_sample(format: ReportFormat) -> String {
        let scan = sample_scan();
        let filtered = apply_filters(
            &sample_vulnerabilities(),
            &FilterOptions::default(),
            Date::parse("2026-01-01").expect("valid date"),
        );
        let input = ReportInput {
            scan: &scan,
            vulnerabilities: Some(&filtered),
        };
        let options = RenderOptions {
            format,
            creation_time: Some(CREATION_TIME.to_owned()),
            ..RenderOptions::default()
        };
        render(&input, &options).expect("the sample renders")
    }

    /// The sample with what real images bring that it lacks: no manifest digest and no
    /// operating system, a Go program, a package without purl or version, one purl in two
    /// files, licence references and exceptions, CVSS v2 and v4, dates without a time, several
    /// fixed versions, a finding whose package the scan does not list, and a verified SLSA
    /// provenance with its level summary and a passed check.
    pub(crate) fn render_edge_cases(format: ReportFormat) -> String {
        let mut scan = sample_scan();
        scan.image.reference = "/srv/images/Shop Image.tar".to_owned();
        scan.image.manifest_digest = None;
        scan.operating_system = None;
        scan.provenance = verified_provenance();

        let mut program = scan.packages[2].clone();
        program.item.ecosystem = "Go".to_owned();
        program.item.name = "example.com/shop/cmd/ünicode server".to_owned();
        program.item.purl = Some("pkg:golang/example.com/shop/cmd/server@v1.2.3".to_owned());
        program.item.licenses = vec!["LicenseRef-acme-proprietary".to_owned()];
        program
            .item
            .metadata
            .insert("main_module".to_owned(), "true".to_owned());
        let mut unnamed = scan.packages[3].clone();
        unnamed.item.name = String::new();
        unnamed.item.version = String::new();
        unnamed.item.purl = None;
        unnamed.item.licenses = vec!["GPL-2.0-or-later WITH Classpath-exception-2.0".to_owned()];
        unnamed.layer = None;
        unnamed.file_state = FileState::Removed;
        let mut second_copy = scan.packages[2].clone();
        second_copy.item.source_path = "srv/other/package-lock.json".to_owned();
        second_copy.item.licenses = vec!["(MIT OR Apache-2.0) AND BSD-3-Clause".to_owned()];
        scan.packages.extend([program, unnamed, second_copy]);

        let mut vulnerabilities = sample_vulnerabilities();
        let lodash = &mut vulnerabilities.findings[2];
        lodash.published = Some("2021-02-15".to_owned());
        lodash.fixed_versions = vec!["4.17.21".to_owned(), "5.0.0".to_owned()];
        lodash.cvss.push(CvssScore {
            version: "2.0".to_owned(),
            vector: "AV:N/AC:L/Au:S/C:C/I:C/A:C".to_owned(),
            base_score: Some(9.0),
            rating: SeverityRating::High,
        });
        lodash.cvss.push(CvssScore {
            version: "4.0".to_owned(),
            vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".to_owned(),
            base_score: None,
            rating: SeverityRating::Unknown,
        });
        let mut orphan = vulnerabilities.findings[0].clone();
        orphan.package.path = "nowhere/status".to_owned();
        orphan.severity = SeverityRating::Negligible;
        vulnerabilities.findings.push(orphan);

        let filtered = apply_filters(
            &vulnerabilities,
            &FilterOptions::default(),
            Date::parse("2026-01-01").expect("valid date"),
        );
        let input = ReportInput {
            scan: &scan,
            vulnerabilities: Some(&filtered),
        };
        let options = RenderOptions {
            format,
            creation_time: Some(CREATION_TIME.to_owned()),
            ..RenderOptions::default()
        };
        render(&input, &options).expect("the edge cases render")
    }

    /// The findings of the SLSA analyzer for an image whose provenance verified: the
    /// `slsa-level` summary with its facts, then a passed check.
    pub(crate) fn verified_provenance() -> Vec<Located<ProvenanceFinding>> {
        let facts = [
            ("attempts", "1"),
            ("builder_id", BUILDER_ID),
            ("level", "3"),
            ("provenance", "cosign-attestation sha256-ab.att"),
            ("source_ref", "refs/tags/v1.0"),
            ("source_uri", "git+https://github.com/example/shop"),
            ("verified", "true"),
        ];
        let summary = ProvenanceFinding {
            check: super::SLSA_LEVEL_CHECK.to_owned(),
            passed: true,
            detail: format!("Build L3: provenance verified, built by {BUILDER_ID}"),
            facts: facts
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        };
        let signature = ProvenanceFinding {
            check: "sigstore".to_owned(),
            passed: true,
            detail: "certificate chain, SCT and Rekor entry verified".to_owned(),
            facts: BTreeMap::new(),
        };
        [summary, signature]
            .into_iter()
            .map(|item| Located {
                item,
                analyzer: "slsa".to_owned(),
                layer: None,
                file_state: FileState::Present,
                changed_in_layer: None,
            })
            .collect()
    }

    /// The builder [`verified_provenance`] names.
    pub(crate) const BUILDER_ID: &str =
        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.0.0";

    /// Compares `text` with `tests/golden/<name>` byte for byte; `UPDATE_GOLDEN=1` rewrites the
    /// file instead.
    pub(crate) fn assert_golden(name: &str, text: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
            std::fs::create_dir_all(path.parent().expect("golden directory"))
                .expect("golden directory is writable");
            std::fs::write(&path, text).expect("golden file is writable");
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "cannot read {}: {error}; run with UPDATE_GOLDEN=1 to create it",
                path.display()
            )
        });
        assert!(
            expected == text,
            "{} differs from the rendered document; run with UPDATE_GOLDEN=1 to accept:\n{text}",
            path.display()
        );
    }

    /// Writes `text` to a temporary file named `file_name`, returning the directory (deleted on
    /// drop) and the file's path.
    pub(crate) fn write_temporary(file_name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let directory = tempfile::tempdir().expect("temporary directory");
        let path = directory.path().join(file_name);
        std::fs::write(&path, text).expect("temporary file is writable");
        (directory, path)
    }

    /// The exit code a validator script uses to say its Python packages are not installed.
    pub(crate) const TOOL_MISSING: i32 = 3;

    /// Runs an outside validator; `None` when it is not installed (the program cannot be
    /// started, or it exits with [`TOOL_MISSING`]). A missing tool skips the test with a line
    /// saying so, except under CI (the `CI` variable set), where it is a failure.
    pub(crate) fn run_validator(tool: &str, command: &mut Command) -> Option<Output> {
        let output = command
            .output()
            .ok()
            .filter(|output| output.status.code() != Some(TOOL_MISSING));
        if output.is_none() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{tool} is missing; install it with scripts/install-test-tools"
            );
            eprintln!("skipped: {tool} is not installed (scripts/install-test-tools installs it)");
        }
        output
    }

    /// Panics with the tool's output unless it exited successfully.
    pub(crate) fn assert_success(tool: &str, output: &Output) {
        assert!(
            output.status.success(),
            "{tool} rejected the document ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use serde_json::Value;

    use super::test_support::{
        assert_golden, assert_success, render_edge_cases, render_sample, run_validator,
        write_temporary, BUILDER_ID, CREATION_TIME,
    };
    use super::*;
    use crate::format::render;
    use crate::sample::{sample_scan, REDACTED_SECRET, UNREDACTED_SECRET};

    /// Validates each file named by an argument, in one process because importing the
    /// validator takes seconds; exits with `TOOL_MISSING` when the library or its
    /// JSON-validation extra is not installed.
    const VALIDATE: &str = "import sys
try:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
except ImportError:
    sys.exit(3)
validator = JsonStrictValidator(SchemaVersion.V1_6)
failed = False
for name in sys.argv[1:]:
    with open(name, encoding='utf-8') as document:
        error = validator.validate_str(document.read())
    if error is not None:
        print(name, error)
        failed = True
sys.exit(1 if failed else 0)
";

    fn sample_document() -> Value {
        serde_json::from_str(&render_sample(ReportFormat::CycloneDx)).expect("valid JSON")
    }

    #[test]
    fn matches_the_golden_file() {
        assert_golden("cyclonedx.json", &render_sample(ReportFormat::CycloneDx));
    }

    #[test]
    fn the_cyclonedx_library_accepts_the_sample_and_the_edge_cases() {
        let sample = render_sample(ReportFormat::CycloneDx);
        let edge_cases = render_edge_cases(ReportFormat::CycloneDx);
        let (_sample_directory, sample_path) = write_temporary("sample.cdx.json", &sample);
        let (_edge_directory, edge_path) = write_temporary("edge.cdx.json", &edge_cases);

        let mut command = Command::new("python3");
        command
            .args(["-c", VALIDATE])
            .arg(&sample_path)
            .arg(&edge_path);
        if let Some(output) = run_validator("cyclonedx-python-lib[json-validation]", &mut command) {
            assert_success("JsonStrictValidator", &output);
        }
    }

    #[test]
    fn a_bare_number_from_the_source_is_a_score_not_a_vector() {
        let bare = CvssScore {
            version: "3.1".to_owned(),
            vector: "8.6".to_owned(),
            base_score: Some(8.6),
            rating: SeverityRating::High,
        };
        let rating = cvss_rating(&bare).expect("a CVSS 3.1 rating");
        assert_eq!(rating.score, Some(8.6));
        assert_eq!(rating.vector, None);

        let vector = CvssScore {
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".to_owned(),
            ..bare
        };
        let rating = cvss_rating(&vector).expect("a CVSS 3.1 rating");
        assert_eq!(rating.vector, Some(vector.vector.as_str()));
    }

    #[test]
    fn secrets_are_left_out() {
        let text = render_sample(ReportFormat::CycloneDx);
        assert!(!text.contains(UNREDACTED_SECRET));
        assert!(!text.contains(REDACTED_SECRET));
        assert!(!text.contains("app/.env"));
    }

    #[test]
    fn describes_the_image_and_its_packages() {
        let document = sample_document();
        assert_eq!(document["specVersion"], "1.6");
        assert_eq!(document["metadata"]["timestamp"], CREATION_TIME);
        let image = &document["metadata"]["component"];
        assert_eq!(image["type"], "container");
        let digest = format!("sha256:{}", "ab".repeat(32));
        assert_eq!(
            image["purl"],
            format!("pkg:oci/shop@{digest}?repository_url=registry.example%2Fshop&tag=1.0")
        );

        let components = document["components"].as_array().expect("components");
        let kinds: Vec<&str> = components
            .iter()
            .filter_map(|component| component["type"].as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "operating-system",
                "library",
                "library",
                "library",
                "library"
            ]
        );
        let openssl = &components[1];
        assert_eq!(openssl["bom-ref"], openssl["purl"]);
        let property = |name: &str| {
            openssl["properties"]
                .as_array()
                .and_then(|properties| properties.iter().find(|entry| entry["name"] == name))
                .map(|entry| entry["value"].clone())
        };
        assert_eq!(
            property("purser:layer_diff_id"),
            Some(Value::from(format!("sha256:{:064x}", 10)))
        );
        assert_eq!(
            property("purser:source_path"),
            Some(Value::from("var/lib/dpkg/status"))
        );

        let dependencies = document["dependencies"].as_array().expect("dependencies");
        assert_eq!(dependencies[0]["ref"], image["bom-ref"]);
        assert_eq!(
            dependencies[0]["dependsOn"].as_array().map(Vec::len),
            Some(5)
        );
        assert_eq!(dependencies[1]["ref"], OPERATING_SYSTEM_REF);
        assert_eq!(
            dependencies[1]["dependsOn"].as_array().map(Vec::len),
            Some(2)
        );
    }

    #[test]
    fn vulnerabilities_point_at_their_components() {
        let document = sample_document();
        let vulnerabilities = document["vulnerabilities"].as_array().expect("findings");
        assert_eq!(vulnerabilities.len(), 3);

        let openssl = &vulnerabilities[0];
        assert_eq!(openssl["id"], "CVE-2024-0727");
        assert_eq!(
            openssl["affects"][0]["ref"],
            document["components"][1]["bom-ref"]
        );
        assert_eq!(openssl["affects"][0]["versions"][0]["status"], "affected");
        assert_eq!(
            openssl["recommendation"],
            "upgrade openssl to 3.0.13-1~deb12u1"
        );
        assert_eq!(openssl["ratings"][0]["method"], "CVSSv31");
        assert_eq!(openssl["ratings"][0]["score"], 9.8);
        assert_eq!(openssl["ratings"][0]["severity"], "critical");
        assert_eq!(openssl["references"][0]["id"], "DSA-5639-1");

        let lodash = &vulnerabilities[2];
        assert_eq!(lodash["affects"][0]["ref"], "pkg:npm/lodash@4.17.20");
        assert_eq!(
            lodash["references"][0]["source"]["url"],
            "https://github.com/advisories/GHSA-35jh-r3h4-6jhm"
        );
    }

    #[test]
    fn licences_are_identifiers_names_or_one_expression() {
        let document = sample_document();
        let zlib = &document["components"][2];
        assert_eq!(
            zlib["licenses"],
            serde_json::json!([
                {"license": {"id": "Zlib"}},
                {"license": {"name": "custom licence text"}}
            ])
        );
        let compound = ["mit or apache-2.0".to_owned()];
        let choice = serde_json::to_value(licences(&compound)).expect("serialisable");
        assert_eq!(
            choice,
            serde_json::json!([{"expression": "MIT OR Apache-2.0"}])
        );
    }

    #[test]
    fn packages_sharing_a_purl_get_distinct_references() {
        let mut scan = sample_scan();
        let mut copy = scan.packages[2].clone();
        copy.item.source_path = "other/package-lock.json".to_owned();
        scan.packages.push(copy.clone());
        scan.packages.push(copy);

        let references = component_references(&scan, "image");
        assert_eq!(
            references[2],
            "pkg:npm/lodash@4.17.20 (app/package-lock.json)"
        );
        assert_eq!(
            references[4],
            "pkg:npm/lodash@4.17.20 (other/package-lock.json)"
        );
        assert_eq!(
            references[5],
            "pkg:npm/lodash@4.17.20 (other/package-lock.json) #2"
        );
        let unique: BTreeSet<&String> = references.iter().collect();
        assert_eq!(unique.len(), references.len());
    }

    #[test]
    fn the_serial_number_is_a_content_uuid() {
        let first = sample_document()["serialNumber"].clone();
        assert_eq!(first, sample_document()["serialNumber"]);
        let serial = first.as_str().expect("a string");
        let uuid = serial.strip_prefix("urn:uuid:").expect("a UUID URN");
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "8");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));

        let scan = sample_scan();
        let inventory_only = ReportInput {
            scan: &scan,
            vulnerabilities: None,
        };
        let options = RenderOptions {
            format: ReportFormat::CycloneDx,
            ..RenderOptions::default()
        };
        let text = render(&inventory_only, &options).expect("renders");
        let document: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_ne!(document["serialNumber"], first);
        assert!(document.get("vulnerabilities").is_none());
        assert!(document["metadata"].get("timestamp").is_none());
    }

    /// The value of the image component's property `name`, if it has one.
    fn image_property(document: &Value, name: &str) -> Option<String> {
        document["metadata"]["component"]["properties"]
            .as_array()?
            .iter()
            .find(|property| property["name"] == name)
            .and_then(|property| property["value"].as_str())
            .map(str::to_owned)
    }

    #[test]
    fn a_failed_provenance_check_is_a_property_of_the_image() {
        let document = sample_document();
        assert_eq!(
            image_property(&document, "purser:slsa:check:signature").as_deref(),
            Some("failed: no signature found for the manifest digest")
        );
        assert_eq!(image_property(&document, "purser:slsa:verdict"), None);
    }

    #[test]
    fn the_slsa_level_and_its_facts_are_properties_of_the_image() {
        let document: Value =
            serde_json::from_str(&render_edge_cases(ReportFormat::CycloneDx)).expect("JSON");
        let property = |name: &str| image_property(&document, name);
        assert_eq!(property("purser:slsa:level").as_deref(), Some("3"));
        assert_eq!(property("purser:slsa:verified").as_deref(), Some("true"));
        assert_eq!(
            property("purser:slsa:builder_id").as_deref(),
            Some(BUILDER_ID)
        );
        assert_eq!(
            property("purser:slsa:source_uri").as_deref(),
            Some("git+https://github.com/example/shop")
        );
        assert!(property("purser:slsa:verdict").is_some_and(|text| text.starts_with("Build L3")));
        assert_eq!(
            property("purser:slsa:check:sigstore").as_deref(),
            Some("passed: certificate chain, SCT and Rekor entry verified")
        );
    }

    #[test]
    fn an_image_without_provenance_findings_has_no_slsa_properties() {
        let mut scan = sample_scan();
        scan.provenance.clear();
        let properties = image_component(&scan).properties;
        assert!(properties
            .iter()
            .all(|property| !property.name.starts_with("purser:slsa:")));
        assert_eq!(properties.len(), 2);
    }

    #[test]
    fn image_purls_need_a_digest_and_name_registries_only() {
        let digest = format!("sha256:{}", "cd".repeat(32));
        let image = |reference: &str, digest: Option<&str>| ImageReport {
            reference: reference.to_owned(),
            manifest_digest: digest.map(str::to_owned),
            ..ImageReport::default()
        };
        assert_eq!(image_purl(&image("shop:1.0", None)), None);
        assert_eq!(
            image_purl(&image("/srv/images/Alpine-3.19.tar", Some(&digest))),
            Some(format!("pkg:oci/alpine-3.19@{digest}"))
        );
        assert_eq!(
            image_purl(&image(
                "localhost:5000/team/api:v2@sha256:ff",
                Some(&digest)
            )),
            Some(format!(
                "pkg:oci/api@{digest}?repository_url=localhost:5000%2Fteam%2Fapi&tag=v2"
            ))
        );
    }
}
