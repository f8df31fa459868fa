//! SPDX 2.3 JSON (`--format spdx-json`): an inventory of the image as an SPDX document
//! (<https://spdx.github.io/spdx-spec/v2.3/>).
//!
//! The document describes one package for the image (purpose `CONTAINER`), one for its
//! operating system when it was detected, and one per installed package; the image `CONTAINS`
//! every other package. Vulnerabilities and secrets are not part of it: SPDX 2.3 has no place
//! for findings, and secrets never belong in an inventory.
//!
//! Provenance checks are the exception, as they judge the image itself: each is a `REVIEW`
//! annotation of the image's package by the tool, dated with the document. The `slsa-level`
//! summary comes first in the scan's order and its comment carries the verdict and its facts
//! (`SLSA provenance: Build L3: ... (level 3, verified true, builder_id ..., ...)`); every other
//! check reads `SLSA provenance check <check> passed: <detail>` (or `failed`).
//!
//! Licences: a package's declared licences become `licenseDeclared` only as a valid SPDX
//! expression. Each declared entry that is not one (a free-text name, an unknown identifier)
//! becomes a `LicenseRef-` declared in `hasExtractedLicensingInfos` with the name as its text;
//! several entries are joined with `AND`. `licenseConcluded` is always `NOASSERTION`: purser
//! reads what packages declare and concludes nothing.
//!
//! The document is byte-identical for identical input: the namespace is derived from a
//! SHA-256 of the image and the document's content, and nothing else varies.

use std::collections::{BTreeMap, BTreeSet};

use purser_engine::report::{FileState, Located};
use purser_engine::ScanReport;
use purser_plugin_api::{Package, ProvenanceFinding};
use serde::Serialize;

use crate::cyclonedx::{image_purl, is_application, layer_diff_id, sha256_hex, SLSA_LEVEL_CHECK};
use crate::error::ReportError;
use crate::format::{to_json_text, RenderOptions, ReportFormat, ReportInput};

/// Where document namespaces live; `.invalid` never resolves, as SPDX allows for namespaces
/// that are identifiers only.
const NAMESPACE_PREFIX: &str = "https://purser.invalid/spdx/";

/// The SPDX identifier of the image's package.
const IMAGE_ID: &str = "SPDXRef-Image";

/// The SPDX identifier of the operating system's package.
const OPERATING_SYSTEM_ID: &str = "SPDXRef-OperatingSystem";

/// What SPDX writes for a fact the document does not assert.
const NO_ASSERTION: &str = "NOASSERTION";

/// Writes the SPDX 2.3 JSON document.
///
/// `options.creation_time` becomes `creationInfo.created` verbatim; SPDX requires the form
/// `YYYY-MM-DDThh:mm:ssZ`, and a time in another form makes validators reject the document.
///
/// # Errors
///
/// [`ReportError::MissingCreationTime`] when `options.creation_time` is `None`, and
/// [`ReportError::Serialise`] if the document cannot be serialised.
pub(crate) fn render_spdx(
    input: &ReportInput<'_>,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    let format = ReportFormat::SpdxJson.name();
    let created = options
        .creation_time
        .as_deref()
        .ok_or(ReportError::MissingCreationTime(format))?;

    let mut document = SpdxDocument::new(input.scan, created);

    // The namespace names the content: hash the document as written without it.
    let content = serde_json::to_vec(&document)
        .map_err(|source| ReportError::Serialise { format, source })?;
    let identity = image_identity(input.scan);
    document.document_namespace = format!(
        "{NAMESPACE_PREFIX}{}",
        sha256_hex(&[identity.as_bytes(), b"\n", &content])
    );

    tracing::debug!(
        packages = document.packages.len(),
        extracted_licences = document.has_extracted_licensing_infos.len(),
        "spdx document built"
    );
    to_json_text(&document, format)
}

/// The manifest digest when there is one, else the reference: what names the image.
fn image_identity(scan: &ScanReport) -> &str {
    scan.image
        .manifest_digest
        .as_deref()
        .unwrap_or(&scan.image.reference)
}

/// The document; field order here is the order in the output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxDocument<'a> {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: &'a str,
    document_namespace: String,
    creation_info: CreationInfo<'a>,
    packages: Vec<SpdxPackage<'a>>,
    relationships: Vec<Relationship>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicence>,
}

#[derive(Debug, Serialize)]
struct CreationInfo<'a> {
    created: &'a str,
    creators: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage<'a> {
    name: &'a str,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<&'a str>,
    download_location: &'static str,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalReference>,
    primary_package_purpose: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<Annotation<'a>>,
}

/// An SPDX 2.3 annotation (clause 12): who said what about an element, and when.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Annotation<'a> {
    annotation_date: &'a str,
    annotation_type: &'static str,
    annotator: String,
    comment: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalReference {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicence {
    license_id: String,
    extracted_text: String,
    name: String,
    comment: &'static str,
}

impl<'a> SpdxDocument<'a> {
    fn new(scan: &'a ScanReport, created: &'a str) -> SpdxDocument<'a> {
        let mut licences = LicenceReferences::default();
        let mut identifiers = BTreeSet::from([IMAGE_ID.to_owned(), OPERATING_SYSTEM_ID.to_owned()]);

        let mut packages = vec![image_package(scan, created)];
        let mut relationships = vec![Relationship {
            spdx_element_id: "SPDXRef-DOCUMENT".to_owned(),
            relationship_type: "DESCRIBES",
            related_spdx_element: IMAGE_ID.to_owned(),
        }];

        if let Some(os) = &scan.operating_system {
            packages.push(SpdxPackage {
                name: &os.item.family,
                spdx_id: OPERATING_SYSTEM_ID.to_owned(),
                version_info: non_empty(&os.item.version_id),
                download_location: NO_ASSERTION,
                files_analyzed: false,
                license_concluded: NO_ASSERTION,
                license_declared: NO_ASSERTION.to_owned(),
                source_info: Some(source_info(scan, os, &os.item.source_path)),
                external_refs: Vec::new(),
                primary_package_purpose: "OPERATING-SYSTEM",
                annotations: Vec::new(),
            });
            relationships.push(contains(OPERATING_SYSTEM_ID));
        }

        for package in &scan.packages {
            let spdx_id = unique_package_id(&package.item, &mut identifiers);
            relationships.push(contains(&spdx_id));
            packages.push(package_entry(scan, package, spdx_id, &mut licences));
        }

        SpdxDocument {
            spdx_version: "SPDX-2.3",
            data_license: "CC0-1.0",
            spdx_id: "SPDXRef-DOCUMENT",
            name: &scan.image.reference,
            document_namespace: String::new(),
            creation_info: CreationInfo {
                created,
                creators: vec![tool_identity()],
            },
            packages,
            relationships,
            has_extracted_licensing_infos: licences.into_declarations(),
        }
    }
}

fn contains(spdx_id: &str) -> Relationship {
    Relationship {
        spdx_element_id: IMAGE_ID.to_owned(),
        relationship_type: "CONTAINS",
        related_spdx_element: spdx_id.to_owned(),
    }
}

fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// `Tool: purser-<version>`, as SPDX names a tool that created or annotated something.
fn tool_identity() -> String {
    format!("Tool: {}-{}", crate::TOOL_NAME, crate::TOOL_VERSION)
}

fn image_package<'a>(scan: &'a ScanReport, created: &'a str) -> SpdxPackage<'a> {
    let external_refs = image_purl(&scan.image)
        .map(purl_reference)
        .into_iter()
        .collect();
    SpdxPackage {
        name: &scan.image.reference,
        spdx_id: IMAGE_ID.to_owned(),
        version_info: scan.image.manifest_digest.as_deref(),
        download_location: NO_ASSERTION,
        files_analyzed: false,
        license_concluded: NO_ASSERTION,
        license_declared: NO_ASSERTION.to_owned(),
        source_info: Some(format!(
            "{} image for {}",
            scan.image.source_kind, scan.image.platform
        )),
        external_refs,
        primary_package_purpose: "CONTAINER",
        annotations: scan
            .provenance
            .iter()
            .map(|check| provenance_annotation(&check.item, created))
            .collect(),
    }
}

/// A provenance check as the tool's review of the image, dated `created`.
fn provenance_annotation<'a>(check: &ProvenanceFinding, created: &'a str) -> Annotation<'a> {
    Annotation {
        annotation_date: created,
        annotation_type: "REVIEW",
        annotator: tool_identity(),
        comment: provenance_comment(check),
    }
}

/// `SLSA provenance: <verdict> (<fact> <value>, ...)` for the `slsa-level` summary, with its
/// non-empty facts level and verified first; `SLSA provenance check <check> passed: <detail>`
/// (or `failed`) for any other check.
fn provenance_comment(check: &ProvenanceFinding) -> String {
    if check.check != SLSA_LEVEL_CHECK {
        let outcome = if check.passed { "passed" } else { "failed" };
        return format!(
            "SLSA provenance check {} {outcome}: {}",
            check.check, check.detail
        );
    }

    let first = ["level", "verified"];
    let facts = first
        .iter()
        .filter_map(|name| check.facts.get_key_value(*name))
        .chain(
            check
                .facts
                .iter()
                .filter(|(name, _)| !first.contains(&name.as_str())),
        )
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name} {value}"))
        .collect::<Vec<String>>();
    if facts.is_empty() {
        format!("SLSA provenance: {}", check.detail)
    } else {
        format!("SLSA provenance: {} ({})", check.detail, facts.join(", "))
    }
}

fn package_entry<'a>(
    scan: &'a ScanReport,
    package: &'a Located<Package>,
    spdx_id: String,
    licences: &mut LicenceReferences,
) -> SpdxPackage<'a> {
    let item = &package.item;
    let purpose = if is_application(item) {
        "APPLICATION"
    } else {
        "LIBRARY"
    };
    SpdxPackage {
        name: non_empty(&item.name).unwrap_or("(unnamed)"),
        spdx_id,
        version_info: non_empty(&item.version),
        download_location: NO_ASSERTION,
        files_analyzed: false,
        license_concluded: NO_ASSERTION,
        license_declared: licences.declared(&item.licenses),
        source_info: Some(source_info(scan, package, &item.source_path)),
        external_refs: item.purl.clone().map(purl_reference).into_iter().collect(),
        primary_package_purpose: purpose,
        annotations: Vec::new(),
    }
}

fn purl_reference(purl: String) -> ExternalReference {
    ExternalReference {
        reference_category: "PACKAGE-MANAGER",
        reference_type: "purl",
        reference_locator: purl,
    }
}

/// Where a package was found, in words: `read by the dpkg analyzer from var/lib/dpkg/status in
/// layer 0 (sha256:...)`, and `; file later removed` when a later layer changed the file.
fn source_info<T>(scan: &ScanReport, found: &Located<T>, path: &str) -> String {
    let mut text = format!("read by the {} analyzer", found.analyzer);
    if !path.is_empty() {
        text.push_str(&format!(" from {path}"));
    }
    if let Some(index) = found.layer {
        match layer_diff_id(scan, index) {
            Some(diff_id) => text.push_str(&format!(" in layer {index} ({diff_id})")),
            None => text.push_str(&format!(" in layer {index}")),
        }
    }
    match found.file_state {
        FileState::Replaced => text.push_str("; file later replaced"),
        FileState::Removed => text.push_str("; file later removed"),
        FileState::Present | FileState::NotAFile => {}
    }
    text
}

/// `SPDXRef-Package-<ecosystem>-<name>-<version>` with every character SPDX identifiers do not
/// allow replaced by `-`; a second package with the same identifier gets `-2`, and so on.
fn unique_package_id(package: &Package, taken: &mut BTreeSet<String>) -> String {
    let base = format!(
        "SPDXRef-Package-{}",
        sanitise_identifier(&format!(
            "{}-{}-{}",
            package.ecosystem, package.name, package.version
        ))
    );
    let mut candidate = base.clone();
    let mut counter = 1;
    while taken.contains(&candidate) {
        counter += 1;
        candidate = format!("{base}-{counter}");
    }
    taken.insert(candidate.clone());
    candidate
}

/// Replaces every character outside `[A-Za-z0-9.-]` with `-`, as SPDX identifiers and
/// `LicenseRef-` names require.
fn sanitise_identifier(text: &str) -> String {
    let sanitised: String = text
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || matches!(character, '.' | '-') {
                character
            } else {
                '-'
            }
        })
        .collect();
    sanitised.trim_matches('-').to_owned()
}

/// The `LicenseRef-`s a document uses, each with the text it stands for.
#[derive(Debug, Default)]
struct LicenceReferences {
    /// Reference to the declared name it was made from.
    declared: BTreeMap<String, String>,
}

impl LicenceReferences {
    /// The `licenseDeclared` value for a package's declared licences: `NOASSERTION` for none,
    /// else each entry as a valid expression or a `LicenseRef-`, joined with `AND`.
    fn declared(&mut self, licences: &[String]) -> String {
        let parts: Vec<String> = licences
            .iter()
            .filter(|licence| !licence.trim().is_empty())
            .map(|licence| self.expression_for(licence, licences.len() > 1))
            .collect();
        if parts.is_empty() {
            NO_ASSERTION.to_owned()
        } else {
            parts.join(" AND ")
        }
    }

    fn expression_for(&mut self, licence: &str, parenthesise: bool) -> String {
        if let Some(parsed) = parse_licence_expression(licence) {
            for reference in &parsed.licence_references {
                self.declared
                    .entry(reference.clone())
                    .or_insert_with(|| licence.to_owned());
            }
            return if parenthesise && parsed.is_compound {
                format!("({})", parsed.text)
            } else {
                parsed.text
            };
        }

        tracing::debug!(
            licence,
            "declared licence is no SPDX expression; using a LicenseRef"
        );
        self.reference_for(licence)
    }

    /// A `LicenseRef-` for a name: the name sanitised, with a hash of the name appended when
    /// another name already sanitised to the same reference.
    fn reference_for(&mut self, name: &str) -> String {
        let sanitised = sanitise_identifier(name);
        let mut reference = format!("LicenseRef-{sanitised}");
        let taken_by_other = self
            .declared
            .get(&reference)
            .is_some_and(|existing| existing != name);
        if sanitised.is_empty() || taken_by_other {
            let hash = sha256_hex(&[name.as_bytes()]);
            let short_hash = &hash[..8];
            reference = if sanitised.is_empty() {
                format!("LicenseRef-{short_hash}")
            } else {
                format!("LicenseRef-{sanitised}-{short_hash}")
            };
        }
        self.declared
            .entry(reference.clone())
            .or_insert_with(|| name.to_owned());
        reference
    }

    fn into_declarations(self) -> Vec<ExtractedLicence> {
        self.declared
            .into_iter()
            .map(|(license_id, name)| ExtractedLicence {
                license_id,
                extracted_text: name.clone(),
                name,
                comment: "the licence as a package declared it; purser reads no licence texts",
            })
            .collect()
    }
}

/// A licence text that is a valid SPDX licence expression, normalised: identifiers in the SPDX
/// list's spelling, operators in upper case, one space between tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LicenceExpression {
    /// The normalised expression.
    pub(crate) text: String,
    /// The listed identifier when the whole expression is exactly one (`MIT`), as CycloneDX's
    /// `license.id` takes it.
    pub(crate) single_identifier: Option<&'static str>,
    /// Whether it has an operator at its top level or inside, so that joining it with others
    /// needs parentheses.
    pub(crate) is_compound: bool,
    /// `LicenseRef-` names used in it.
    pub(crate) licence_references: Vec<String>,
}

/// Nesting deeper than this is refused rather than recursed into.
const MAXIMUM_NESTING: usize = 32;

/// Parses `text` as an SPDX 2.3 licence expression (Annex D): licence identifiers from the SPDX
/// list (any case, optionally with `+`), `LicenseRef-` names, `WITH` and a listed exception,
/// `AND`, `OR` (upper or lower case) and parentheses. `None` for anything else, including
/// identifiers the list does not hold and `DocumentRef-` references.
pub(crate) fn parse_licence_expression(text: &str) -> Option<LicenceExpression> {
    let tokens = tokenise(text);
    let mut parser = ExpressionParser {
        tokens: &tokens,
        position: 0,
        references: Vec::new(),
        operators: 0,
    };
    let normalised = parser.or_expression(0)?;
    if parser.position != tokens.len() {
        return None;
    }

    let single_identifier = match tokens.as_slice() {
        [word] => licence_list::canonical_licence(word),
        _ => None,
    };
    Some(LicenceExpression {
        text: normalised,
        single_identifier,
        is_compound: parser.operators > 0,
        licence_references: parser.references,
    })
}

fn tokenise(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (index, character) in text.char_indices() {
        let separator = character.is_whitespace() || matches!(character, '(' | ')');
        if separator {
            if let Some(begin) = start.take() {
                tokens.push(&text[begin..index]);
            }
            if !character.is_whitespace() {
                tokens.push(&text[index..index + 1]);
            }
        } else if start.is_none() {
            start = Some(index);
        }
    }
    if let Some(begin) = start {
        tokens.push(&text[begin..]);
    }
    tokens
}

struct ExpressionParser<'t> {
    tokens: &'t [&'t str],
    position: usize,
    references: Vec<String>,
    operators: usize,
}

impl<'t> ExpressionParser<'t> {
    fn peek(&self) -> Option<&'t str> {
        self.tokens.get(self.position).copied()
    }

    fn next_is_operator(&self, operator: &str) -> bool {
        self.peek().is_some_and(|token| {
            token == operator || token == operator.to_ascii_lowercase().as_str()
        })
    }

    fn or_expression(&mut self, depth: usize) -> Option<String> {
        let mut text = self.and_expression(depth)?;
        while self.next_is_operator("OR") {
            self.position += 1;
            self.operators += 1;
            text = format!("{text} OR {}", self.and_expression(depth)?);
        }
        Some(text)
    }

    fn and_expression(&mut self, depth: usize) -> Option<String> {
        let mut text = self.with_expression(depth)?;
        while self.next_is_operator("AND") {
            self.position += 1;
            self.operators += 1;
            text = format!("{text} AND {}", self.with_expression(depth)?);
        }
        Some(text)
    }

    fn with_expression(&mut self, depth: usize) -> Option<String> {
        let text = self.primary(depth)?;
        if !self.next_is_operator("WITH") {
            return Some(text);
        }
        self.position += 1;
        self.operators += 1;
        let exception = licence_list::canonical_exception(self.peek()?)?;
        self.position += 1;
        Some(format!("{text} WITH {exception}"))
    }

    fn primary(&mut self, depth: usize) -> Option<String> {
        let token = self.peek()?;
        self.position += 1;
        if token == "(" {
            if depth >= MAXIMUM_NESTING {
                return None;
            }
            let inner = self.or_expression(depth + 1)?;
            if self.peek() != Some(")") {
                return None;
            }
            self.position += 1;
            return Some(format!("({inner})"));
        }
        self.licence(token)
    }

    /// A listed identifier (as a whole, or followed by `+`) or a `LicenseRef-`.
    fn licence(&mut self, token: &str) -> Option<String> {
        if let Some(identifier) = licence_list::canonical_licence(token) {
            return Some(identifier.to_owned());
        }
        if let Some(identifier) = token
            .strip_suffix('+')
            .and_then(licence_list::canonical_licence)
        {
            return Some(format!("{identifier}+"));
        }
        let name = token.strip_prefix("LicenseRef-")?;
        let valid = !name.is_empty()
            && name.chars().all(|character| {
                character.is_ascii_alphanumeric() || matches!(character, '.' | '-')
            });
        if !valid {
            return None;
        }
        self.references.push(token.to_owned());
        Some(token.to_owned())
    }
}

/// The SPDX License List, version 3.28: licence identifiers (deprecated ones included, which
/// validators still accept) and exception identifiers.
///
/// Limitation: identifiers added to the list after 3.28 are not known; a package declaring one
/// gets a `LicenseRef-` in SPDX documents and a licence name in CycloneDX ones.
mod licence_list {
    /// The identifier in the list's spelling, matched without regard to case.
    pub(super) fn canonical_licence(word: &str) -> Option<&'static str> {
        find(LICENCES, word)
    }

    /// The exception identifier in the list's spelling, matched without regard to case.
    pub(super) fn canonical_exception(word: &str) -> Option<&'static str> {
        find(EXCEPTIONS, word)
    }

    fn find(list: &'static str, word: &str) -> Option<&'static str> {
        list.split_ascii_whitespace()
            .find(|identifier| identifier.eq_ignore_ascii_case(word))
    }

    const LICENCES: &str = "
0BSD 3D-Slicer-1.0 AAL Abstyles AdaCore-doc Adobe-2006 Adobe-Display-PostScript Adobe-Glyph
Adobe-Utopia ADSL Advanced-Cryptics-Dictionary AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0 Afmparse
AGPL-1.0 AGPL-1.0-only AGPL-1.0-or-later AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later Aladdin
ALGLIB-Documentation AMD-newlib AMDPLPA AML AML-glslang AMPAS ANTLR-PD ANTLR-PD-fallback
any-OSI any-OSI-perl-modules Apache-1.0 Apache-1.1 Apache-2.0 APAFML APL-1.0 App-s2p APSL-1.0
APSL-1.1 APSL-1.2 APSL-2.0 Arphic-1999 Artistic-1.0 Artistic-1.0-cl8 Artistic-1.0-Perl
Artistic-2.0 Artistic-dist Aspell-RU ASWF-Digital-Assets-1.0 ASWF-Digital-Assets-1.1 Baekmuk
Bahyph Barr bcrypt-Solar-Designer Beerware Bitstream-Charter Bitstream-Vera BitTorrent-1.0
BitTorrent-1.1 blessing BlueOak-1.0.0 Boehm-GC Boehm-GC-without-fee BOLA-1.1 Borceux
Brian-Gladman-2-Clause Brian-Gladman-3-Clause BSD-1-Clause BSD-2-Clause BSD-2-Clause-Darwin
BSD-2-Clause-first-lines BSD-2-Clause-FreeBSD BSD-2-Clause-NetBSD BSD-2-Clause-Patent
BSD-2-Clause-pkgconf-disclaimer BSD-2-Clause-Views BSD-3-Clause BSD-3-Clause-acpica
BSD-3-Clause-Attribution BSD-3-Clause-Clear BSD-3-Clause-flex BSD-3-Clause-HP BSD-3-Clause-LBNL
BSD-3-Clause-Modification BSD-3-Clause-No-Military-License BSD-3-Clause-No-Nuclear-License
BSD-3-Clause-No-Nuclear-License-2014 BSD-3-Clause-No-Nuclear-Warranty BSD-3-Clause-Open-MPI
BSD-3-Clause-Sun BSD-3-Clause-Tso BSD-4-Clause BSD-4-Clause-Shortened BSD-4-Clause-UC
BSD-4.3RENO BSD-4.3TAHOE BSD-Advertising-Acknowledgement BSD-Attribution-HPND-disclaimer
BSD-Inferno-Nettverk BSD-Mark-Modifications BSD-Protection BSD-Source-beginning-file
BSD-Source-Code BSD-Systemics BSD-Systemics-W3Works BSL-1.0 Buddy BUSL-1.1 bzip2-1.0.5
bzip2-1.0.6 C-UDA-1.0 CAL-1.0 CAL-1.0-Combined-Work-Exception Caldera Caldera-no-preamble
CAPEC-tou Catharon CATOSL-1.1 CC-BY-1.0 CC-BY-2.0 CC-BY-2.5 CC-BY-2.5-AU CC-BY-3.0 CC-BY-3.0-AT
CC-BY-3.0-AU CC-BY-3.0-DE CC-BY-3.0-IGO CC-BY-3.0-NL CC-BY-3.0-US CC-BY-4.0 CC-BY-NC-1.0
CC-BY-NC-2.0 CC-BY-NC-2.5 CC-BY-NC-3.0 CC-BY-NC-3.0-DE CC-BY-NC-4.0 CC-BY-NC-ND-1.0
CC-BY-NC-ND-2.0 CC-BY-NC-ND-2.5 CC-BY-NC-ND-3.0 CC-BY-NC-ND-3.0-DE CC-BY-NC-ND-3.0-IGO
CC-BY-NC-ND-4.0 CC-BY-NC-SA-1.0 CC-BY-NC-SA-2.0 CC-BY-NC-SA-2.0-DE CC-BY-NC-SA-2.0-FR
CC-BY-NC-SA-2.0-UK CC-BY-NC-SA-2.5 CC-BY-NC-SA-3.0 CC-BY-NC-SA-3.0-DE CC-BY-NC-SA-3.0-IGO
CC-BY-NC-SA-4.0 CC-BY-ND-1.0 CC-BY-ND-2.0 CC-BY-ND-2.5 CC-BY-ND-3.0 CC-BY-ND-3.0-DE
CC-BY-ND-4.0 CC-BY-SA-1.0 CC-BY-SA-2.0 CC-BY-SA-2.0-UK CC-BY-SA-2.1-JP CC-BY-SA-2.5
CC-BY-SA-3.0 CC-BY-SA-3.0-AT CC-BY-SA-3.0-DE CC-BY-SA-3.0-IGO CC-BY-SA-4.0 CC-PDDC CC-PDM-1.0
CC-SA-1.0 CC0-1.0 CDDL-1.0 CDDL-1.1 CDL-1.0 CDLA-Permissive-1.0 CDLA-Permissive-2.0
CDLA-Sharing-1.0 CECILL-1.0 CECILL-1.1 CECILL-2.0 CECILL-2.1 CECILL-B CECILL-C CERN-OHL-1.1
CERN-OHL-1.2 CERN-OHL-P-2.0 CERN-OHL-S-2.0 CERN-OHL-W-2.0 CFITSIO check-cvs checkmk ClArtistic
Clips CMU-Mach CMU-Mach-nodoc CNRI-Jython CNRI-Python CNRI-Python-GPL-Compatible COIL-1.0
Community-Spec-1.0 Condor-1.1 copyleft-next-0.3.0 copyleft-next-0.3.1 Cornell-Lossless-JPEG
CPAL-1.0 CPL-1.0 CPOL-1.02 Cronyx Crossword CryptoSwift CrystalStacker CUA-OPL-1.0 Cube curl
cve-tou D-FSL-1.0 DEC-3-Clause diffmark DL-DE-BY-2.0 DL-DE-ZERO-2.0 DOC DocBook-DTD
DocBook-Schema DocBook-Stylesheet DocBook-XML Dotseqn DRL-1.0 DRL-1.1 DSDP dtoa dvipdfm ECL-1.0
ECL-2.0 eCos-2.0 EFL-1.0 EFL-2.0 eGenix Elastic-2.0 Entessa EPICS EPL-1.0 EPL-2.0 ErlPL-1.1
ESA-PL-permissive-2.4 ESA-PL-strong-copyleft-2.4 ESA-PL-weak-copyleft-2.4 etalab-2.0 EUDatagrid
EUPL-1.0 EUPL-1.1 EUPL-1.2 Eurosym Fair FBM FDK-AAC Ferguson-Twofish Frameworx-1.0 FreeBSD-DOC
FreeImage FSFAP FSFAP-no-warranty-disclaimer FSFUL FSFULLR FSFULLRSD FSFULLRWD FSL-1.1-ALv2
FSL-1.1-MIT FTL Furuseth fwlw Game-Programming-Gems GCR-docs GD generic-xts GFDL-1.1
GFDL-1.1-invariants-only GFDL-1.1-invariants-or-later GFDL-1.1-no-invariants-only
GFDL-1.1-no-invariants-or-later GFDL-1.1-only GFDL-1.1-or-later GFDL-1.2
GFDL-1.2-invariants-only GFDL-1.2-invariants-or-later GFDL-1.2-no-invariants-only
GFDL-1.2-no-invariants-or-later GFDL-1.2-only GFDL-1.2-or-later GFDL-1.3
GFDL-1.3-invariants-only GFDL-1.3-invariants-or-later GFDL-1.3-no-invariants-only
GFDL-1.3-no-invariants-or-later GFDL-1.3-only GFDL-1.3-or-later Giftware GL2PS Glide Glulxe
GLWTPL gnuplot GPL-1.0 GPL-1.0+ GPL-1.0-only GPL-1.0-or-later GPL-2.0 GPL-2.0+ GPL-2.0-only
GPL-2.0-or-later GPL-2.0-with-autoconf-exception GPL-2.0-with-bison-exception
GPL-2.0-with-classpath-exception GPL-2.0-with-font-exception GPL-2.0-with-GCC-exception GPL-3.0
GPL-3.0+ GPL-3.0-only GPL-3.0-or-later GPL-3.0-with-autoconf-exception
GPL-3.0-with-GCC-exception Graphics-Gems gSOAP-1.3b gtkbook Gutmann HaskellReport HDF5 hdparm
HIDAPI Hippocratic-2.1 HP-1986 HP-1989 HPND HPND-DEC HPND-doc HPND-doc-sell HPND-export-US
HPND-export-US-acknowledgement HPND-export-US-modify HPND-export2-US HPND-Fenneberg-Livingston
HPND-INRIA-IMAG HPND-Intel HPND-Kevlin-Henney HPND-Markus-Kuhn HPND-merchantability-variant
HPND-MIT-disclaimer HPND-Netrek HPND-Pbmplus HPND-sell-MIT-disclaimer-xserver HPND-sell-regexpr
HPND-sell-variant HPND-sell-variant-critical-systems HPND-sell-variant-MIT-disclaimer
HPND-sell-variant-MIT-disclaimer-rev HPND-SMC HPND-UC HPND-UC-export-US HTMLTIDY
hyphen-bulgarian IBM-pibs ICU IEC-Code-Components-EULA IJG IJG-short ImageMagick iMatix Imlib2
Info-ZIP Inner-Net-2.0 InnoSetup Intel Intel-ACPI Interbase-1.0 IPA IPL-1.0 ISC ISC-Veillard
ISO-permission Jam JasPer-2.0 jove JPL-image JPNIC JSON Kastrup Kazlib Knuth-CTAN LAL-1.2
LAL-1.3 Latex2e Latex2e-translated-notice Leptonica LGPL-2.0 LGPL-2.0+ LGPL-2.0-only
LGPL-2.0-or-later LGPL-2.1 LGPL-2.1+ LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0+
LGPL-3.0-only LGPL-3.0-or-later LGPLLR Libpng libpng-1.6.35 libpng-2.0 libselinux-1.0 libtiff
libutil-David-Nugent LiLiQ-P-1.1 LiLiQ-R-1.1 LiLiQ-Rplus-1.1 Linux-man-pages-1-para
Linux-man-pages-copyleft Linux-man-pages-copyleft-2-para Linux-man-pages-copyleft-var
Linux-OpenIB LOOP LPD-document LPL-1.0 LPL-1.02 LPPL-1.0 LPPL-1.1 LPPL-1.2 LPPL-1.3a LPPL-1.3c
lsof Lucida-Bitmap-Fonts LZMA-SDK-9.11-to-9.20 LZMA-SDK-9.22 Mackerras-3-Clause
Mackerras-3-Clause-acknowledgment magaz mailprio MakeIndex man2html Martin-Birgmeier
McPhee-slideshow metamail Minpack MIPS MirOS MIT MIT-0 MIT-advertising MIT-Click MIT-CMU
MIT-enna MIT-feh MIT-Festival MIT-Khronos-old MIT-Modern-Variant MIT-open-group MIT-STK
MIT-testregex MIT-Wu MITNFA MMIXware MMPL-1.0.1 Motosoto MPEG-SSG mpi-permissive mpich2 MPL-1.0
MPL-1.1 MPL-2.0 MPL-2.0-no-copyleft-exception mplus MS-LPL MS-PL MS-RL MTLL MulanPSL-1.0
MulanPSL-2.0 Multics Mup NAIST-2003 NASA-1.3 Naumen NBPL-1.0 NCBI-PD NCGL-UK-2.0 NCL NCSA
Net-SNMP NetCDF Newsletr NGPL ngrep NICTA-1.0 NIST-PD NIST-PD-fallback NIST-PD-TNT
NIST-Software NLOD-1.0 NLOD-2.0 NLPL Nokia NOSL Noweb NPL-1.0 NPL-1.1 NPOSL-3.0 NRL NTIA-PD NTP
NTP-0 Nunit O-UDA-1.0 OAR OCCT-PL OCLC-2.0 ODbL-1.0 ODC-By-1.0 OFFIS OFL-1.0 OFL-1.0-no-RFN
OFL-1.0-RFN OFL-1.1 OFL-1.1-no-RFN OFL-1.1-RFN OGC-1.0 OGDL-Taiwan-1.0 OGL-Canada-2.0
OGL-UK-1.0 OGL-UK-2.0 OGL-UK-3.0 OGTSL OLDAP-1.1 OLDAP-1.2 OLDAP-1.3 OLDAP-1.4 OLDAP-2.0
OLDAP-2.0.1 OLDAP-2.1 OLDAP-2.2 OLDAP-2.2.1 OLDAP-2.2.2 OLDAP-2.3 OLDAP-2.4 OLDAP-2.5 OLDAP-2.6
OLDAP-2.7 OLDAP-2.8 OLFL-1.3 OML OpenMDW-1.0 OpenPBS-2.3 OpenSSL OpenSSL-standalone OpenVision
OPL-1.0 OPL-UK-3.0 OPUBL-1.0 OSC-1.0 OSET-PL-2.1 OSL-1.0 OSL-1.1 OSL-2.0 OSL-2.1 OSL-3.0 OSSP
PADL ParaType-Free-Font-1.3 Parity-6.0.0 Parity-7.0.0 PDDL-1.0 PHP-3.0 PHP-3.01 Pixar pkgconf
Plexus pnmstitch PolyForm-Noncommercial-1.0.0 PolyForm-Small-Business-1.0.0 PostgreSQL PPL
PSF-2.0 psfrag psutils Python-2.0 Python-2.0.1 python-ldap Qhull QPL-1.0 QPL-1.0-INRIA-2004
radvd Rdisc RHeCos-1.1 RPL-1.1 RPL-1.5 RPSL-1.0 RSA-MD RSCPL Ruby Ruby-pty SAX-PD SAX-PD-2.0
Saxpath SCEA SchemeReport Sendmail Sendmail-8.23 Sendmail-Open-Source-1.1 SGI-B-1.0 SGI-B-1.1
SGI-B-2.0 SGI-OpenGL SGMLUG-PM SGP4 SHL-0.5 SHL-0.51 SimPL-2.0 SISSL SISSL-1.2 SL Sleepycat
SMAIL-GPL SMLNJ SMPPL SNIA snprintf SOFA softSurfer Soundex Spencer-86 Spencer-94 Spencer-99
SPL-1.0 ssh-keyscan SSH-OpenSSH SSH-short SSLeay-standalone SSPL-1.0 StandardML-NJ
SugarCRM-1.1.3 SUL-1.0 Sun-PPP Sun-PPP-2000 SunPro SWL swrule Symlinks TAPR-OHL-1.0 TCL
TCP-wrappers TekHVC TermReadKey TGPPL-1.0 ThirdEye threeparttable TMate TORQUE-1.1 TOSL TPDL
TPL-1.0 TrustedQSL TTWL TTYP0 TU-Berlin-1.0 TU-Berlin-2.0 Ubuntu-font-1.0 UCAR UCL-1.0 ulem
UMich-Merit Unicode-3.0 Unicode-DFS-2015 Unicode-DFS-2016 Unicode-TOU UnixCrypt Unlicense
Unlicense-libtelnet Unlicense-libwhirlpool UnRAR UPL-1.0 URT-RLE Vim Vixie-Cron VOSTROM VSL-1.0
W3C W3C-19980720 W3C-20150513 w3m Watcom-1.0 Widget-Workshop WordNet Wsuipa WTFNMFPL WTFPL wwl
wxWindows X11 X11-distribute-modifications-variant X11-no-permit-persons X11-swapped
Xdebug-1.03 Xerox Xfig XFree86-1.1 xinetd xkeyboard-config-Zinoviev xlock Xnet xpp XSkat xzoom
YPL-1.0 YPL-1.1 Zed Zeeff Zend-2.0 Zimbra-1.3 Zimbra-1.4 Zlib zlib-acknowledgement ZPL-1.1
ZPL-2.0 ZPL-2.1 GPL-CC-1.0 Linux-syscall-note LLGPL SHL-2.0 SHL-2.1
";

    const EXCEPTIONS: &str = "
389-exception Asterisk-exception Asterisk-linking-protocols-exception Autoconf-exception-2.0
Autoconf-exception-3.0 Autoconf-exception-generic Autoconf-exception-generic-3.0
Autoconf-exception-macro Bison-exception-1.24 Bison-exception-2.2 Bootloader-exception
CGAL-linking-exception Classpath-exception-2.0 Classpath-exception-2.0-short
CLISP-exception-2.0 cryptsetup-OpenSSL-exception Digia-Qt-LGPL-exception-1.1
DigiRule-FOSS-exception eCos-exception-2.0 erlang-otp-linking-exception
Fawkes-Runtime-exception FLTK-exception fmt-exception Font-exception-2.0 freertos-exception-2.0
GCC-exception-2.0 GCC-exception-2.0-note GCC-exception-3.1 Gmsh-exception GNAT-exception
GNOME-examples-exception GNU-compiler-exception gnu-javamail-exception
GPL-3.0-389-ds-base-exception GPL-3.0-interface-exception GPL-3.0-linking-exception
GPL-3.0-linking-source-exception GStreamer-exception-2005 GStreamer-exception-2008
harbour-exception i2p-gpl-java-exception Independent-modules-exception
KiCad-libraries-exception kvirc-openssl-exception LGPL-3.0-linking-exception
libpri-OpenH323-exception Libtool-exception LLVM-exception LZMA-exception mif-exception
mxml-exception Nokia-Qt-exception-1.1 OCaml-LGPL-linking-exception OCCT-exception-1.0
OpenJDK-assembly-exception-1.0 openvpn-openssl-exception PCRE2-exception polyparse-exception
PS-or-PDF-font-exception-20170817 QPL-1.0-INRIA-2004-exception Qt-GPL-exception-1.0
Qt-LGPL-exception-1.1 Qwt-exception-1.0 romic-exception RRDtool-FLOSS-exception-2.0
rsync-linking-exception SANE-exception Simple-Library-Usage-exception
sqlitestudio-OpenSSL-exception stunnel-exception SWI-exception Swift-exception
Texinfo-exception u-boot-exception-2.0 UBDL-exception Universal-FOSS-exception-1.0
vsftpd-openssl-exception WxWindows-exception-3.1 x11vnc-openssl-exception
";
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use serde_json::Value;

    use super::*;
    use crate::cyclonedx::test_support::{
        assert_golden, assert_success, render_edge_cases, render_sample, run_validator,
        write_temporary, BUILDER_ID, CREATION_TIME,
    };
    use crate::format::render;
    use crate::sample::{sample_scan, REDACTED_SECRET, UNREDACTED_SECRET};

    fn sample_document() -> Value {
        serde_json::from_str(&render_sample(ReportFormat::SpdxJson)).expect("valid JSON")
    }

    #[test]
    fn matches_the_golden_file() {
        assert_golden("spdx.json", &render_sample(ReportFormat::SpdxJson));
    }

    #[test]
    fn pyspdxtools_accepts_the_document() {
        assert_pyspdxtools_accepts(&render_sample(ReportFormat::SpdxJson));
    }

    fn assert_pyspdxtools_accepts(text: &str) {
        let (_directory, path) = write_temporary("sbom.spdx.json", text);
        let mut command = Command::new("pyspdxtools");
        command.arg("-i").arg(&path);
        if let Some(output) = run_validator("pyspdxtools (spdx-tools)", &mut command) {
            assert_success("pyspdxtools", &output);
            // It reports problems as log lines; a valid document prints nothing.
            assert!(
                output.stdout.is_empty() && output.stderr.is_empty(),
                "pyspdxtools printed messages:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    #[test]
    fn pyspdxtools_accepts_the_edge_cases() {
        assert_pyspdxtools_accepts(&render_edge_cases(ReportFormat::SpdxJson));
    }

    #[test]
    fn secrets_are_left_out() {
        let text = render_sample(ReportFormat::SpdxJson);
        assert!(!text.contains(UNREDACTED_SECRET));
        assert!(!text.contains(REDACTED_SECRET));
        assert!(!text.contains("app/.env"));
    }

    #[test]
    fn a_creation_time_is_required() {
        let scan = sample_scan();
        let input = ReportInput {
            scan: &scan,
            vulnerabilities: None,
        };
        let options = RenderOptions {
            format: ReportFormat::SpdxJson,
            ..RenderOptions::default()
        };
        let error = render(&input, &options).expect_err("no creation time");
        assert!(matches!(
            error,
            ReportError::MissingCreationTime("spdx-json")
        ));
    }

    #[test]
    fn the_image_contains_every_package() {
        let document = sample_document();
        assert_eq!(document["creationInfo"]["created"], CREATION_TIME);
        assert_eq!(
            document["creationInfo"]["creators"][0],
            format!("Tool: purser-{}", crate::TOOL_VERSION)
        );
        let packages = document["packages"].as_array().expect("packages");
        let purposes: Vec<&str> = packages
            .iter()
            .filter_map(|package| package["primaryPackagePurpose"].as_str())
            .collect();
        assert_eq!(
            purposes,
            [
                "CONTAINER",
                "OPERATING-SYSTEM",
                "LIBRARY",
                "LIBRARY",
                "LIBRARY",
                "LIBRARY"
            ]
        );
        let openssl = &packages[2];
        assert_eq!(
            openssl["SPDXID"],
            "SPDXRef-Package-deb-openssl-3.0.11-1-deb12u2"
        );
        assert_eq!(openssl["externalRefs"][0]["referenceType"], "purl");
        assert_eq!(
            openssl["sourceInfo"],
            format!(
                "read by the dpkg analyzer from var/lib/dpkg/status in layer 0 (sha256:{:064x})",
                10
            )
        );

        let relationships = document["relationships"].as_array().expect("relationships");
        assert_eq!(relationships.len(), packages.len());
        assert_eq!(relationships[0]["relationshipType"], "DESCRIBES");
        assert!(relationships[1..].iter().all(|relationship| {
            relationship["relationshipType"] == "CONTAINS"
                && relationship["spdxElementId"] == IMAGE_ID
        }));
    }

    #[test]
    fn a_failed_provenance_check_annotates_the_image() {
        let document = sample_document();
        let image = &document["packages"][0];
        assert_eq!(image["SPDXID"], IMAGE_ID);
        assert_eq!(
            image["annotations"],
            serde_json::json!([{
                "annotationDate": CREATION_TIME,
                "annotationType": "REVIEW",
                "annotator": format!("Tool: purser-{}", crate::TOOL_VERSION),
                "comment": "SLSA provenance check signature failed: \
                    no signature found for the manifest digest",
            }])
        );
        let packages = document["packages"].as_array().expect("packages");
        assert!(packages[1..]
            .iter()
            .all(|package| package.get("annotations").is_none()));
    }

    #[test]
    fn the_slsa_level_annotation_names_level_verdict_and_builder() {
        let document: Value =
            serde_json::from_str(&render_edge_cases(ReportFormat::SpdxJson)).expect("JSON");
        let annotations = document["packages"][0]["annotations"]
            .as_array()
            .expect("annotations");
        assert_eq!(annotations.len(), 2);
        let summary = annotations[0]["comment"].as_str().expect("a comment");
        assert!(
            summary.starts_with("SLSA provenance: Build L3: provenance verified, built by "),
            "{summary}"
        );
        assert!(
            summary.contains(&format!(
                "(level 3, verified true, attempts 1, builder_id {BUILDER_ID}, "
            )),
            "{summary}"
        );
        assert!(summary.ends_with("source_uri git+https://github.com/example/shop)"));
        assert_eq!(
            annotations[1]["comment"],
            "SLSA provenance check sigstore passed: certificate chain, SCT and Rekor entry verified"
        );
    }

    #[test]
    fn unlisted_licences_become_declared_licence_references() {
        let document = sample_document();
        let zlib = &document["packages"][3];
        assert_eq!(
            zlib["licenseDeclared"],
            "Zlib AND LicenseRef-custom-licence-text"
        );
        assert_eq!(zlib["licenseConcluded"], "NOASSERTION");
        assert_eq!(
            document["hasExtractedLicensingInfos"][0]["licenseId"],
            "LicenseRef-custom-licence-text"
        );
        assert_eq!(
            document["hasExtractedLicensingInfos"][0]["extractedText"],
            "custom licence text"
        );

        let mut references = LicenceReferences::default();
        let declared = references.declared(&[
            "GPL-2+".to_owned(),
            "GPL 2+".to_owned(),
            "mit or apache-2.0".to_owned(),
        ]);
        let hash = &sha256_hex(&[b"GPL 2+"])[..8];
        assert_eq!(
            declared,
            format!("LicenseRef-GPL-2 AND LicenseRef-GPL-2-{hash} AND (MIT OR Apache-2.0)")
        );
        assert_eq!(references.declared(&[]), "NOASSERTION");
        assert_eq!(references.into_declarations().len(), 2);
    }

    #[test]
    fn package_identifiers_are_sanitised_and_unique() {
        let mut scan = sample_scan();
        let mut copy = scan.packages[2].clone();
        copy.item.name = "@scope/lodash".to_owned();
        scan.packages.push(copy.clone());
        scan.packages.push(copy);
        let document = SpdxDocument::new(&scan, CREATION_TIME);
        let identifiers: Vec<&str> = document.packages[6..]
            .iter()
            .map(|package| package.spdx_id.as_str())
            .collect();
        assert_eq!(
            identifiers,
            [
                "SPDXRef-Package-npm--scope-lodash-4.17.20",
                "SPDXRef-Package-npm--scope-lodash-4.17.20-2"
            ]
        );
    }

    #[test]
    fn the_namespace_is_derived_from_the_content() {
        let first = sample_document()["documentNamespace"].clone();
        assert_eq!(first, sample_document()["documentNamespace"]);
        let namespace = first.as_str().expect("a string");
        let hash = namespace
            .strip_prefix(NAMESPACE_PREFIX)
            .expect("purser's prefix");
        assert_eq!(hash.len(), 64);

        let mut scan = sample_scan();
        scan.packages.pop();
        let input = ReportInput {
            scan: &scan,
            vulnerabilities: None,
        };
        let options = RenderOptions {
            format: ReportFormat::SpdxJson,
            creation_time: Some(CREATION_TIME.to_owned()),
            ..RenderOptions::default()
        };
        let text = render(&input, &options).expect("renders");
        let document: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_ne!(document["documentNamespace"], first);
    }

    #[test]
    fn licence_expressions_are_normalised() {
        let normalised = |text: &str| parse_licence_expression(text).map(|parsed| parsed.text);
        assert_eq!(
            normalised("mit and (apache-2.0 or gpl-2.0-or-later+)").as_deref(),
            Some("MIT AND (Apache-2.0 OR GPL-2.0-or-later+)")
        );
        assert_eq!(
            normalised("GPL-2.0-only  WITH classpath-exception-2.0").as_deref(),
            Some("GPL-2.0-only WITH Classpath-exception-2.0")
        );
        assert_eq!(normalised("GPL-2.0+").as_deref(), Some("GPL-2.0+"));

        let parsed = parse_licence_expression("LicenseRef-acme AND mit").expect("valid");
        assert_eq!(parsed.licence_references, ["LicenseRef-acme"]);
        assert!(parsed.is_compound);
        assert_eq!(
            parse_licence_expression("zlib").and_then(|parsed| parsed.single_identifier),
            Some("Zlib")
        );
    }

    #[test]
    fn malformed_or_unlisted_expressions_are_refused() {
        for text in [
            "",
            "custom licence text",
            "GPL",
            "MIT AND",
            "(MIT",
            "MIT)",
            "MIT WITH MIT",
            "MIT OR OR Zlib",
            "LicenseRef-",
            "LicenseRef-a_b",
            "DocumentRef-x:LicenseRef-y",
            "MIT/Apache-2.0",
        ] {
            assert_eq!(parse_licence_expression(text), None, "{text:?}");
        }
        let deep = format!("{}MIT{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(parse_licence_expression(&deep), None);
        let shallow = format!("{}MIT{}", "(".repeat(3), ")".repeat(3));
        assert_eq!(
            parse_licence_expression(&shallow).map(|parsed| parsed.text),
            Some("(((MIT)))".to_owned())
        );
    }
}
