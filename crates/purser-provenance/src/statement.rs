//! in-toto Statements (v0.1 and v1, <https://github.com/in-toto/attestation/tree/main/spec>)
//! and the predicate fields the policy reads: SLSA provenance v0.2 and v1
//! (<https://slsa.dev/spec/v1.0/provenance>) and verification summaries (VSA v1).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::dsse::{required_string, wrong_type};
use crate::error::ProvenanceError;

/// `_type` of an in-toto Statement v0.1.
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// `_type` of an in-toto Statement v1.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// `predicateType` of SLSA provenance v0.2.
pub const PROVENANCE_V02: &str = "https://slsa.dev/provenance/v0.2";
/// `predicateType` of Google Cloud Build's provenance (v0.1 layout).
pub const PROVENANCE_V01: &str = "https://slsa.dev/provenance/v0.1";
/// `predicateType` of SLSA provenance v1.
pub const PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// `predicateType` of a SLSA verification summary v1.
pub const VSA_V1: &str = "https://slsa.dev/verification_summary/v1";

const DOCUMENT: &str = "in-toto statement";

/// A parsed in-toto Statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `_type`: REQUIRED, one of [`STATEMENT_V01`] or [`STATEMENT_V1`].
    pub statement_type: String,
    /// `subject`: REQUIRED, the artifacts this statement is about.
    pub subjects: Vec<Subject>,
    /// `predicateType`: REQUIRED, the URI of the predicate's schema.
    pub predicate_type: String,
    /// `predicate`: the predicate, kept as JSON; see [`Statement::provenance`].
    pub predicate: Value,
}

/// One `subject` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `name`: the artifact's name (may be empty).
    pub name: String,
    /// `digest`: algorithm → lowercase hex digest.
    pub digest: BTreeMap<String, String>,
}

/// What the policy reads from a provenance predicate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvenanceClaims {
    /// The builder's id (`builder.id` in v0.2, `runDetails.builder.id` in v1).
    pub builder_id: String,
    /// `buildType` (v0.2) or `buildDefinition.buildType` (v1).
    pub build_type: String,
    /// The source repository URI, e.g. `git+https://github.com/org/repo@refs/heads/main`.
    pub source_uri: Option<String>,
    /// The source ref (`refs/heads/…`, `refs/tags/…`), when the predicate records one.
    pub source_ref: Option<String>,
    /// The source commit (`sha1` or `gitCommit` digest), when recorded.
    pub source_digest: Option<String>,
}

/// What a verification summary (VSA v1) states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerificationSummary {
    /// `verifier.id`: REQUIRED.
    pub verifier_id: String,
    /// `resourceUri`: REQUIRED.
    pub resource_uri: String,
    /// `verificationResult`: REQUIRED, `PASSED` or `FAILED`.
    pub result: String,
    /// `verifiedLevels`: REQUIRED.
    pub verified_levels: Vec<String>,
}

impl Statement {
    /// Parses a statement from JSON bytes (a DSSE payload).
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Malformed`] for invalid JSON or an unknown `_type`; field errors
    /// for a missing or ill-typed `subject`, digest or `predicateType`.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ProvenanceError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| ProvenanceError::json(DOCUMENT, &e))?;
        Self::from_value(&value)
    }

    /// Parses a statement already read as JSON.
    ///
    /// # Errors
    ///
    /// As [`Statement::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, ProvenanceError> {
        let statement_type = required_string(DOCUMENT, value, "_type")?;
        if statement_type != STATEMENT_V01 && statement_type != STATEMENT_V1 {
            return Err(ProvenanceError::InvalidField {
                document: DOCUMENT.to_owned(),
                field: "_type".to_owned(),
                problem: format!("is {statement_type:?}, expected an in-toto Statement v0.1 or v1"),
            });
        }
        let predicate_type = required_string(DOCUMENT, value, "predicateType")?;
        let subjects = parse_subjects(value)?;
        let predicate = value.get("predicate").cloned().unwrap_or(Value::Null);

        Ok(Self {
            statement_type: statement_type.to_owned(),
            subjects,
            predicate_type: predicate_type.to_owned(),
            predicate,
        })
    }

    /// Whether a subject has `algorithm` digest `hex` (compared case-insensitively).
    pub fn has_subject_digest(&self, algorithm: &str, hex: &str) -> bool {
        self.subjects.iter().any(|subject| {
            subject
                .digest
                .get(algorithm)
                .is_some_and(|value| value.eq_ignore_ascii_case(hex))
        })
    }

    /// Reads the provenance fields the policy needs from a SLSA v0.1, v0.2 or v1 predicate.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::InvalidField`] for another predicate type, field errors for a missing
    /// or ill-typed builder id.
    pub fn provenance(&self) -> Result<ProvenanceClaims, ProvenanceError> {
        match self.predicate_type.as_str() {
            PROVENANCE_V02 | PROVENANCE_V01 => provenance_v02(&self.predicate),
            PROVENANCE_V1 => provenance_v1(&self.predicate),
            other => Err(ProvenanceError::InvalidField {
                document: DOCUMENT.to_owned(),
                field: "predicateType".to_owned(),
                problem: format!("is {other:?}, expected SLSA provenance v0.2 or v1"),
            }),
        }
    }

    /// Reads a VSA v1 predicate.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::InvalidField`] for another predicate type, field errors for missing
    /// or ill-typed VSA fields.
    pub fn verification_summary(&self) -> Result<VerificationSummary, ProvenanceError> {
        if self.predicate_type != VSA_V1 {
            return Err(ProvenanceError::InvalidField {
                document: DOCUMENT.to_owned(),
                field: "predicateType".to_owned(),
                problem: format!("is {:?}, expected {VSA_V1}", self.predicate_type),
            });
        }
        let document = "verification summary";
        let predicate = &self.predicate;
        let verifier_id = string_at(document, predicate, &["verifier", "id"])?
            .ok_or_else(|| missing(document, "predicate.verifier.id"))?;
        let resource_uri = string_at(document, predicate, &["resourceUri"])?
            .ok_or_else(|| missing(document, "predicate.resourceUri"))?;
        let result = string_at(document, predicate, &["verificationResult"])?
            .ok_or_else(|| missing(document, "predicate.verificationResult"))?;
        let verified_levels = match predicate.get("verifiedLevels") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str().map(str::to_owned).ok_or_else(|| {
                        wrong_type(document, "predicate.verifiedLevels[]", item, "a string")
                    })
                })
                .collect::<Result<_, _>>()?,
            None | Some(Value::Null) => Vec::new(),
            Some(other) => {
                return Err(wrong_type(
                    document,
                    "predicate.verifiedLevels",
                    other,
                    "an array",
                ))
            }
        };
        Ok(VerificationSummary {
            verifier_id,
            resource_uri,
            result,
            verified_levels,
        })
    }
}

fn parse_subjects(value: &Value) -> Result<Vec<Subject>, ProvenanceError> {
    let items = match value.get("subject") {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => return Err(missing(DOCUMENT, "subject")),
        Some(other) => return Err(wrong_type(DOCUMENT, "subject", other, "an array")),
    };
    let mut subjects = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let name = match item.get("name") {
            Some(Value::String(name)) => name.clone(),
            None | Some(Value::Null) => String::new(),
            Some(other) => {
                return Err(wrong_type(
                    DOCUMENT,
                    &format!("subject[{index}].name"),
                    other,
                    "a string",
                ))
            }
        };
        let digest = match item.get("digest") {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(algorithm, hex)| match hex {
                    Value::String(hex) => Ok((algorithm.clone(), hex.to_ascii_lowercase())),
                    other => Err(wrong_type(
                        DOCUMENT,
                        &format!("subject[{index}].digest.{algorithm}"),
                        other,
                        "a string",
                    )),
                })
                .collect::<Result<_, _>>()?,
            None | Some(Value::Null) => BTreeMap::new(),
            Some(other) => {
                return Err(wrong_type(
                    DOCUMENT,
                    &format!("subject[{index}].digest"),
                    other,
                    "an object",
                ))
            }
        };
        subjects.push(Subject { name, digest });
    }
    Ok(subjects)
}

fn provenance_v02(predicate: &Value) -> Result<ProvenanceClaims, ProvenanceError> {
    let document = "slsa provenance v0.2";
    let builder_id = string_at(document, predicate, &["builder", "id"])?
        .ok_or_else(|| missing(document, "predicate.builder.id"))?;
    let build_type = string_at(document, predicate, &["buildType"])?
        .or(string_at(document, predicate, &["recipe", "type"])?)
        .unwrap_or_default();

    // v0.2 names the source in `invocation.configSource`; v0.1 (Cloud Build) in `materials`.
    let mut source_uri = string_at(document, predicate, &["invocation", "configSource", "uri"])?;
    let mut source_digest = string_at(
        document,
        predicate,
        &["invocation", "configSource", "digest", "sha1"],
    )?;
    if source_uri.is_none() {
        source_uri = string_at(document, predicate, &["materials", "0", "uri"])?;
        source_digest = string_at(document, predicate, &["materials", "0", "digest", "sha1"])?;
    }
    let source_ref = string_at(
        document,
        predicate,
        &["invocation", "environment", "github_ref"],
    )?
    .or_else(|| source_uri.as_deref().and_then(ref_from_uri));

    Ok(ProvenanceClaims {
        builder_id,
        build_type,
        source_uri,
        source_ref,
        source_digest,
    })
}

fn provenance_v1(predicate: &Value) -> Result<ProvenanceClaims, ProvenanceError> {
    let document = "slsa provenance v1";
    let builder_id = string_at(document, predicate, &["runDetails", "builder", "id"])?
        .ok_or_else(|| missing(document, "predicate.runDetails.builder.id"))?;
    let build_type = string_at(document, predicate, &["buildDefinition", "buildType"])?
        .ok_or_else(|| missing(document, "predicate.buildDefinition.buildType"))?;

    // GitHub builders record the workflow in `externalParameters.workflow`; others name the
    // source as the first resolved dependency.
    let external = &["buildDefinition", "externalParameters"];
    let workflow_repository = string_at(
        document,
        predicate,
        &[external[0], external[1], "workflow", "repository"],
    )?;
    let workflow_ref = string_at(
        document,
        predicate,
        &[external[0], external[1], "workflow", "ref"],
    )?;
    let dependency_uri = string_at(
        document,
        predicate,
        &["buildDefinition", "resolvedDependencies", "0", "uri"],
    )?;
    let source_digest = string_at(
        document,
        predicate,
        &[
            "buildDefinition",
            "resolvedDependencies",
            "0",
            "digest",
            "gitCommit",
        ],
    )?
    .or(string_at(
        document,
        predicate,
        &[
            "buildDefinition",
            "resolvedDependencies",
            "0",
            "digest",
            "sha1",
        ],
    )?);

    let source_uri = dependency_uri.clone().or(workflow_repository);
    let source_ref = workflow_ref.or_else(|| dependency_uri.as_deref().and_then(ref_from_uri));
    Ok(ProvenanceClaims {
        builder_id,
        build_type,
        source_uri,
        source_ref,
        source_digest,
    })
}

/// The `@refs/…` suffix of `git+https://host/org/repo@refs/tags/v1`.
fn ref_from_uri(uri: &str) -> Option<String> {
    uri.rsplit_once('@')
        .map(|(_, reference)| reference)
        .filter(|reference| reference.starts_with("refs/"))
        .map(str::to_owned)
}

/// The string at `path` (object keys, or decimal indexes into arrays); `None` when absent.
pub(crate) fn string_at(
    document: &str,
    value: &Value,
    path: &[&str],
) -> Result<Option<String>, ProvenanceError> {
    let mut current = value;
    for step in path {
        let next = match current {
            Value::Object(map) => map.get(*step),
            Value::Array(items) => step.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(found) => current = found,
            None => return Ok(None),
        }
    }
    match current {
        Value::String(text) => Ok(Some(text.clone())),
        Value::Null => Ok(None),
        other => Err(wrong_type(
            document,
            &format!("predicate.{}", path.join(".")),
            other,
            "a string",
        )),
    }
}

fn missing(document: &str, field: &str) -> ProvenanceError {
    ProvenanceError::MissingField {
        document: document.to_owned(),
        field: field.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(predicate_type: &str, predicate: Value) -> Statement {
        let json = serde_json::json!({
            "_type": STATEMENT_V1,
            "subject": [{"name": "a", "digest": {"sha256": "ABCD"}}],
            "predicateType": predicate_type,
            "predicate": predicate,
        });
        Statement::from_value(&json).unwrap()
    }

    #[test]
    fn reads_v02_config_source() {
        let statement = statement(
            PROVENANCE_V02,
            serde_json::json!({
                "builder": {"id": "https://example/builder@refs/tags/v1"},
                "buildType": "bt",
                "invocation": {"configSource": {
                    "uri": "git+https://github.com/o/r@refs/tags/v1.2.3",
                    "digest": {"sha1": "abc"}}}
            }),
        );
        assert!(statement.has_subject_digest("sha256", "abcd"));
        let claims = statement.provenance().unwrap();
        assert_eq!(claims.source_ref.as_deref(), Some("refs/tags/v1.2.3"));
        assert_eq!(claims.source_digest.as_deref(), Some("abc"));
    }

    #[test]
    fn reports_ill_typed_builder_id() {
        let statement = statement(
            PROVENANCE_V1,
            serde_json::json!({"runDetails": {"builder": {"id": 3}}}),
        );
        let error = statement.provenance().unwrap_err();
        assert_eq!(
            error.to_string(),
            "slsa provenance v1: field `predicate.runDetails.builder.id` is a number, expected a string"
        );
    }

    #[test]
    fn rejects_unknown_statement_type() {
        let json = serde_json::json!({"_type": "x", "subject": [], "predicateType": "p"});
        assert!(Statement::from_value(&json).is_err());
    }
}
