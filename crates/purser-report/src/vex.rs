//! VEX input: statements by a vendor or a team that a vulnerability does not affect a product,
//! or is fixed in it. Two formats are read:
//!
//! - OpenVEX (<https://github.com/openvex/spec>, v0.2.0 and the older v0.0.x string forms):
//!   `statements[]` with `vulnerability.name` and `aliases`, `products[].@id` and their
//!   `subcomponents[].@id` (purls), `status` and `justification`;
//! - CycloneDX VEX (<https://cyclonedx.org/capabilities/vex/>): `vulnerabilities[]` with `id`,
//!   `analysis.state` and `affects[].ref`, a purl or the `bom-ref` of a component of the same
//!   document.
//!
//! A statement suppresses a finding when one of its IDs is the finding's ID, advisory ID or an
//! alias, one of its products names the finding's package (see [`Purl::names`]), and its status
//! is `not_affected` or `fixed` (CycloneDX `not_affected` and `false_positive` read as
//! not affected, `resolved` and `resolved_with_pedigree` as fixed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use purser_match::Vulnerability;
use serde::Serialize;
use serde_json::Value;

use crate::error::ReportError;
use crate::purl::Purl;

/// What a statement says about a vulnerability in its products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    /// The products are not affected: findings are suppressed.
    NotAffected,
    /// The products contain a fix: findings are suppressed.
    Fixed,
    /// The products are affected: findings stay.
    Affected,
    /// Not known yet: findings stay.
    UnderInvestigation,
}

impl VexStatus {
    /// Whether findings covered by a statement with this status are suppressed.
    pub fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// One statement, in either format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability ID and its aliases.
    pub vulnerability_ids: Vec<String>,
    /// Purls of the products (or subcomponents) the statement is about; statements whose
    /// products are not purls are kept with an empty list and match nothing.
    pub products: Vec<String>,
    /// The status.
    pub status: VexStatus,
    /// The justification or analysis detail, when given.
    pub justification: Option<String>,
}

/// A loaded VEX document.
#[derive(Debug, Clone, Default)]
pub struct VexDocument {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its statements, in document order.
    pub statements: Vec<VexStatement>,
}

impl VexDocument {
    /// Reads and parses the VEX document at `path`.
    ///
    /// # Errors
    ///
    /// [`ReportError::Read`] when the file cannot be read, and the errors of [`VexDocument::parse`].
    pub fn load(path: &Path) -> Result<VexDocument, ReportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReportError::Read {
            path: path.to_owned(),
            source,
        })?;
        VexDocument::parse(&text, path)
    }

    /// Parses an OpenVEX or CycloneDX VEX document; `path` is used in messages only.
    ///
    /// # Errors
    ///
    /// [`ReportError::Vex`] when the text is not JSON, is neither format, or a statement lacks
    /// its vulnerability or has an unknown status.
    pub fn parse(text: &str, path: &Path) -> Result<VexDocument, ReportError> {
        let invalid = |message: String| ReportError::Vex {
            path: path.to_owned(),
            message,
        };
        let document: Value =
            serde_json::from_str(text).map_err(|error| invalid(format!("not JSON: {error}")))?;

        let statements = if document.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
            cyclonedx_statements(&document).map_err(invalid)?
        } else if document.get("statements").is_some() {
            openvex_statements(&document).map_err(invalid)?
        } else {
            return Err(invalid(
                "neither OpenVEX (no `statements`) nor CycloneDX (no `bomFormat`)".to_owned(),
            ));
        };
        tracing::debug!(file = %path.display(), statements = statements.len(), "vex document loaded");
        Ok(VexDocument {
            path: path.to_owned(),
            statements,
        })
    }

    /// The first suppressing statement that covers `finding`, if any.
    pub fn statement_for(&self, finding: &Vulnerability) -> Option<&VexStatement> {
        let installed = finding.package.purl.as_deref().and_then(Purl::parse)?;
        self.statements.iter().find(|statement| {
            statement.status.suppresses()
                && statement.names_vulnerability(finding)
                && statement.products.iter().any(|product| {
                    Purl::parse(product).is_some_and(|product| product.names(&installed))
                })
        })
    }
}

impl VexStatement {
    fn names_vulnerability(&self, finding: &Vulnerability) -> bool {
        self.vulnerability_ids.iter().any(|id| {
            *id == finding.id || *id == finding.advisory_id || finding.aliases.contains(id)
        })
    }
}

fn openvex_statements(document: &Value) -> Result<Vec<VexStatement>, String> {
    let statements = document
        .get("statements")
        .and_then(Value::as_array)
        .ok_or("`statements` is not an array")?;
    statements
        .iter()
        .enumerate()
        .map(|(index, statement)| {
            openvex_statement(statement).map_err(|message| format!("statement {index}: {message}"))
        })
        .collect()
}

fn openvex_statement(statement: &Value) -> Result<VexStatement, String> {
    let vulnerability = statement.get("vulnerability").ok_or("no `vulnerability`")?;
    let mut vulnerability_ids = match vulnerability {
        Value::String(name) => vec![name.clone()],
        Value::Object(fields) => {
            let name = fields.get("name").and_then(Value::as_str);
            let id = fields.get("@id").and_then(Value::as_str);
            name.or(id)
                .map(|text| vec![text.to_owned()])
                .ok_or("the vulnerability has no `name`")?
        }
        _ => return Err("`vulnerability` is neither a string nor an object".to_owned()),
    };
    vulnerability_ids.extend(strings(vulnerability.get("aliases")));

    let mut products = Vec::new();
    for product in statement
        .get("products")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let subcomponents: Vec<String> = product
            .get("subcomponents")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(element_id)
            .collect();
        // A product with subcomponents is the image; the statement is about those components.
        if subcomponents.is_empty() {
            products.extend(element_id(product));
        } else {
            products.extend(subcomponents);
        }
    }

    let status_text = statement
        .get("status")
        .and_then(Value::as_str)
        .ok_or("no `status`")?;
    let status = match status_text {
        "not_affected" => VexStatus::NotAffected,
        "fixed" => VexStatus::Fixed,
        "affected" => VexStatus::Affected,
        "under_investigation" => VexStatus::UnderInvestigation,
        other => return Err(format!("unknown status {other:?}")),
    };
    let justification = statement
        .get("justification")
        .or_else(|| statement.get("impact_statement"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(VexStatement {
        vulnerability_ids,
        products,
        status,
        justification,
    })
}

/// The identifier of an OpenVEX product or subcomponent: a string, or an object's `@id` (or
/// its `identifiers.purl`).
fn element_id(element: &Value) -> Option<String> {
    match element {
        Value::String(id) => Some(id.clone()),
        Value::Object(fields) => fields
            .get("identifiers")
            .and_then(|identifiers| identifiers.get("purl"))
            .or_else(|| fields.get("@id"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

fn cyclonedx_statements(document: &Value) -> Result<Vec<VexStatement>, String> {
    let mut purls_by_reference = BTreeMap::new();
    collect_component_purls(document.get("components"), &mut purls_by_reference);

    let vulnerabilities = document
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or("no `vulnerabilities` array")?;
    vulnerabilities
        .iter()
        .enumerate()
        .filter(|(_, vulnerability)| vulnerability.get("analysis").is_some())
        .map(|(index, vulnerability)| {
            cyclonedx_statement(vulnerability, &purls_by_reference)
                .map_err(|message| format!("vulnerability {index}: {message}"))
        })
        .collect()
}

fn cyclonedx_statement(
    vulnerability: &Value,
    purls_by_reference: &BTreeMap<String, String>,
) -> Result<VexStatement, String> {
    let id = vulnerability
        .get("id")
        .and_then(Value::as_str)
        .ok_or("no `id`")?;
    let mut vulnerability_ids = vec![id.to_owned()];
    for reference in vulnerability
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        vulnerability_ids.extend(
            reference
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned),
        );
    }

    let analysis = vulnerability.get("analysis").ok_or("no `analysis`")?;
    let state = analysis
        .get("state")
        .and_then(Value::as_str)
        .ok_or("the analysis has no `state`")?;
    let status = match state {
        "not_affected" | "false_positive" => VexStatus::NotAffected,
        "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "exploitable" => VexStatus::Affected,
        "in_triage" => VexStatus::UnderInvestigation,
        other => return Err(format!("unknown analysis state {other:?}")),
    };
    let justification = analysis
        .get("justification")
        .or_else(|| analysis.get("detail"))
        .and_then(Value::as_str)
        .map(str::to_owned);

    let products = vulnerability
        .get("affects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|affected| affected.get("ref").and_then(Value::as_str))
        .filter_map(|reference| resolve_reference(reference, purls_by_reference))
        .collect();
    Ok(VexStatement {
        vulnerability_ids,
        products,
        status,
        justification,
    })
}

/// A purl for an `affects[].ref`: the purl of the component with that `bom-ref` (also in the
/// `urn:cdx:serial/version#bom-ref` link form), or the reference itself when it is a purl.
fn resolve_reference(reference: &str, purls: &BTreeMap<String, String>) -> Option<String> {
    let local = reference
        .strip_prefix("urn:cdx:")
        .and_then(|link| link.split_once('#'))
        .map_or(reference, |(_, bom_reference)| bom_reference);
    purls
        .get(local)
        .cloned()
        .or_else(|| local.starts_with("pkg:").then(|| local.to_owned()))
}

fn collect_component_purls(components: Option<&Value>, purls: &mut BTreeMap<String, String>) {
    for component in components.and_then(Value::as_array).into_iter().flatten() {
        let reference = component.get("bom-ref").and_then(Value::as_str);
        let purl = component.get("purl").and_then(Value::as_str);
        if let (Some(reference), Some(purl)) = (reference, purl) {
            purls.insert(reference.to_owned(), purl.to_owned());
        }
        collect_component_purls(component.get("components"), purls);
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_vulnerabilities;

    fn parse(text: &str) -> VexDocument {
        VexDocument::parse(text, Path::new("vex.json")).expect("valid VEX")
    }

    #[test]
    fn openvex_not_affected_suppresses_by_alias_and_subcomponent() {
        let document = parse(
            r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "shop team",
  "timestamp": "2026-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "GHSA-35jh-r3h4-6jhm"},
      "products": [{"@id": "pkg:oci/shop", "subcomponents": [{"@id": "pkg:npm/lodash@4.17.20"}]}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path"
    },
    {
      "vulnerability": "CVE-2024-0727",
      "products": ["pkg:deb/debian/openssl"],
      "status": "under_investigation"
    }
  ]
}"#,
        );
        let findings = sample_vulnerabilities().findings;

        let statement = document
            .statement_for(&findings[2])
            .expect("lodash is covered");
        assert_eq!(statement.status, VexStatus::NotAffected);
        assert_eq!(
            statement.justification.as_deref(),
            Some("vulnerable_code_not_in_execute_path")
        );
        assert!(
            document.statement_for(&findings[0]).is_none(),
            "under investigation"
        );
        assert!(
            document.statement_for(&findings[1]).is_none(),
            "other vulnerability"
        );
    }

    #[test]
    fn cyclonedx_vex_resolves_bom_refs_to_purls() {
        let document = parse(
            r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "components": [{"type": "library", "bom-ref": "zlib", "name": "zlib1g",
                  "purl": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"}],
  "vulnerabilities": [
    {"id": "CVE-2023-45853", "analysis": {"state": "not_affected", "justification": "code_not_present"},
     "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#zlib"}]},
    {"id": "CVE-2024-0727", "analysis": {"state": "resolved"},
     "affects": [{"ref": "pkg:deb/debian/openssl@3.0.11-1~deb12u2"}]},
    {"id": "CVE-2021-23337", "analysis": {"state": "exploitable"},
     "affects": [{"ref": "pkg:npm/lodash@4.17.20"}]}
  ]
}"#,
        );
        let findings = sample_vulnerabilities().findings;

        assert_eq!(
            document.statement_for(&findings[1]).map(|s| s.status),
            Some(VexStatus::NotAffected)
        );
        assert_eq!(
            document.statement_for(&findings[0]).map(|s| s.status),
            Some(VexStatus::Fixed)
        );
        assert!(
            document.statement_for(&findings[2]).is_none(),
            "exploitable stays"
        );
    }

    #[test]
    fn a_statement_for_another_version_does_not_apply() {
        let document = parse(
            r#"{"statements": [{"vulnerability": "CVE-2021-23337",
                "products": ["pkg:npm/lodash@4.17.21"], "status": "not_affected"}]}"#,
        );
        let findings = sample_vulnerabilities().findings;
        assert!(document.statement_for(&findings[2]).is_none());
    }

    #[test]
    fn unknown_documents_and_statuses_are_errors() {
        let path = Path::new("vex.json");
        let neither = VexDocument::parse("{}", path).expect_err("no format");
        assert!(
            neither
                .to_string()
                .starts_with("invalid VEX document vex.json:"),
            "{neither}"
        );

        let status = VexDocument::parse(
            r#"{"statements": [{"vulnerability": "CVE-1", "status": "maybe"}]}"#,
            path,
        )
        .expect_err("unknown status");
        assert!(
            status
                .to_string()
                .contains("statement 0: unknown status \"maybe\""),
            "{status}"
        );
    }
}
