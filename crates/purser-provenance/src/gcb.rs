//! Google Cloud Build provenance: the occurrence list `gcloud` prints for an image. Regional
//! `builtByGCB` keys sign the SHA-256 of the payload itself (not the DSSE PAE); the global
//! `provenanceSigner` keys sign the PAE. The unsigned copies beside the envelope must agree
//! with what was signed.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::check::{Check, CheckName};
use crate::dsse::{verify_any, Envelope};
use crate::error::ProvenanceError;
use crate::keys::PublicKey;
use crate::policy::{builder_matches, check_ref, check_source, Policy};
use crate::statement::Statement;
use crate::verify::{check_subject, VerifiedClaims};

const BUILDER_PREFIX: &str = "https://cloudbuild.googleapis.com/GoogleHostedWorker";

/// Cloud Build's public keys, by file stem (`us-west2`, `global-pae-provenanceSigner_1`).
#[derive(Debug, Clone, Default)]
pub struct GcbKeys {
    keys: HashMap<String, PublicKey>,
}

impl GcbKeys {
    /// Reads every `*.key` PEM file of `directory`.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Io`] when the folder or a file cannot be read,
    /// [`ProvenanceError::Key`] for an unusable key.
    pub fn from_dir(directory: &Path) -> Result<Self, ProvenanceError> {
        let io = |source| ProvenanceError::Io {
            path: directory.display().to_string(),
            source,
        };
        let mut keys = HashMap::new();
        for entry in std::fs::read_dir(directory).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            if path.extension().and_then(|e| e.to_str()) != Some("key") {
                continue;
            }
            let pem = std::fs::read_to_string(&path).map_err(|source| ProvenanceError::Io {
                path: path.display().to_string(),
                source,
            })?;
            keys.insert(stem.clone(), PublicKey::from_pem(&stem, &pem)?);
        }
        Ok(Self { keys })
    }

    /// The key a `keyid` names, and whether it signs the PAE (`true`) or the payload. Only
    /// the exact KMS form counts:
    /// `projects/verified-builder/locations/L/keyRings/attestor/cryptoKeys/K/cryptoKeyVersions/V`.
    fn for_keyid(&self, keyid: &str) -> Vec<(&PublicKey, bool)> {
        let parts: Vec<&str> = keyid.split('/').collect();
        let ["projects", "verified-builder", "locations", location, "keyRings", "attestor", "cryptoKeys", crypto_key, "cryptoKeyVersions", version] =
            parts.as_slice()
        else {
            return Vec::new();
        };
        if location.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        if *crypto_key == "builtByGCB" {
            found.extend(self.keys.get(*location).map(|key| (key, false)));
            if *location == "global" {
                found.extend(self.keys.get("global-pae").map(|key| (key, true)));
            }
        } else if *location == "global" {
            let stem = format!("global-pae-{crypto_key}_{version}");
            found.extend(self.keys.get(&stem).map(|key| (key, true)));
        }
        found
    }
}

/// Verifies an occurrence list: one provenance entry whose signature verifies and whose
/// statement agrees with its unsigned copies, then the policy.
pub(crate) fn verify_occurrence(
    name: &str,
    json: &[u8],
    keys: &GcbKeys,
    policy: &Policy,
    checks: &mut Vec<Check>,
    claims: &mut VerifiedClaims,
) -> Result<(), ProvenanceError> {
    let document: Value =
        serde_json::from_slice(json).map_err(|e| ProvenanceError::json(name, &e))?;

    // The unsigned image summary must name the image the policy asks about.
    if let Some(wanted) = &policy.subject_sha256 {
        let summary = document
            .pointer("/image_summary/digest")
            .and_then(Value::as_str)
            .unwrap_or("");
        if summary.strip_prefix("sha256:") != Some(wanted.as_str()) {
            return Err(ProvenanceError::check(
                CheckName::SubjectDigest,
                format!("expected image sha256:{wanted}, image summary names {summary:?}"),
            ));
        }
    }

    let entries = document
        .pointer("/provenance_summary/provenance")
        .and_then(Value::as_array)
        .ok_or_else(|| ProvenanceError::MissingField {
            document: name.to_owned(),
            field: "provenance_summary.provenance".to_owned(),
        })?;

    let mut first_error = None;
    for (index, entry) in entries.iter().enumerate() {
        let label = format!("{name} provenance[{index}]");
        match verify_entry(&label, entry, keys, policy) {
            Ok(statement) => {
                checks.push(Check::pass(
                    CheckName::Signature,
                    format!("{label} signed by Cloud Build"),
                ));
                return apply_policy(&statement, policy, checks, claims);
            }
            Err(error) => {
                tracing::debug!(%error, "cloud build provenance entry rejected");
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        ProvenanceError::check(
            CheckName::Signature,
            format!("{name} has no provenance entries"),
        )
    }))
}

fn verify_entry(
    label: &str,
    entry: &Value,
    keys: &GcbKeys,
    policy: &Policy,
) -> Result<Statement, ProvenanceError> {
    let kind = entry.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != "BUILD" {
        return Err(ProvenanceError::check(
            CheckName::Format,
            format!("{label}: occurrence kind is {kind:?}, expected BUILD"),
        ));
    }
    let envelope_value = entry
        .get("envelope")
        .ok_or_else(|| ProvenanceError::MissingField {
            document: label.to_owned(),
            field: "envelope".to_owned(),
        })?;
    let envelope = Envelope::from_value(label, envelope_value)?;
    verify_signatures(label, &envelope, keys)?;

    let statement_value: Value = serde_json::from_slice(&envelope.payload)
        .map_err(|e| ProvenanceError::malformed(label, e))?;
    let statement = Statement::from_value(&statement_value)?;

    // The unsigned resource URI and statement copy must agree with the signed payload.
    if let Some(wanted) = &policy.subject_sha256 {
        let uri = entry
            .get("resourceUri")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !uri.ends_with(&format!("@sha256:{wanted}")) {
            return Err(ProvenanceError::check(
                CheckName::SubjectDigest,
                format!("{label}: resource {uri} is not sha256:{wanted}"),
            ));
        }
    }
    let copy = entry
        .pointer("/build/intotoStatement")
        .unwrap_or(&Value::Null);
    let signed_predicate = statement_value
        .get("slsaProvenance")
        .or(statement_value.get("predicate"));
    let agree = copy.get("subject") == statement_value.get("subject")
        && copy.get("predicateType") == statement_value.get("predicateType")
        && copy.get("slsaProvenance") == signed_predicate;
    if !agree {
        return Err(ProvenanceError::check(
            CheckName::Consistency,
            format!("{label}: unsigned build.intotoStatement differs from the signed payload"),
        ));
    }
    Ok(statement)
}

fn verify_signatures(
    label: &str,
    envelope: &Envelope,
    keys: &GcbKeys,
) -> Result<(), ProvenanceError> {
    let pae = envelope.pae();
    for signature in &envelope.signatures {
        let Some(keyid) = signature.keyid.as_deref() else {
            continue;
        };
        for (key, signs_pae) in keys.for_keyid(keyid) {
            let message = if signs_pae { &pae } else { &envelope.payload };
            if verify_any(
                std::slice::from_ref(signature),
                std::slice::from_ref(key),
                message,
                "payload",
            )
            .is_ok()
            {
                return Ok(());
            }
        }
    }
    Err(ProvenanceError::check(
        CheckName::Signature,
        format!(
            "{label}: none of {} signature(s) verifies with a Cloud Build key named by its keyid",
            envelope.signatures.len()
        ),
    ))
}

fn apply_policy(
    statement: &Statement,
    policy: &Policy,
    checks: &mut Vec<Check>,
    claims: &mut VerifiedClaims,
) -> Result<(), ProvenanceError> {
    check_subject(statement, policy, checks, claims)?;
    let provenance = statement.provenance()?;

    let builder = provenance.builder_id.clone();
    match policy.builder_id.as_deref() {
        Some(expected)
            if !expected.starts_with(&format!("{BUILDER_PREFIX}@"))
                && expected != BUILDER_PREFIX =>
        {
            return Err(ProvenanceError::check(CheckName::BuilderId, format!("no verifier supports builder {expected}; Cloud Build ids start with {BUILDER_PREFIX}")));
        }
        Some(expected) if !builder_matches(expected, &builder) && expected != builder => {
            return Err(ProvenanceError::check(
                CheckName::BuilderId,
                format!("expected builder {expected}, provenance names {builder}"),
            ));
        }
        _ => {}
    }
    checks.push(Check::pass(
        CheckName::BuilderId,
        format!("builder {builder}"),
    ));
    claims.builder_id = Some(builder);

    if let Some(expected) = &policy.source_uri {
        checks.push(check_source(expected, provenance.source_uri.as_deref())?);
    }
    claims.source_uri = provenance.source_uri.clone();

    let tag = statement
        .predicate
        .pointer("/recipe/arguments/substitutions/TAG_NAME")
        .and_then(Value::as_str);
    let reference = tag.map(|tag| format!("refs/tags/{tag}"));
    if let Some(expected) = &policy.source_ref {
        checks.push(check_ref(expected, reference.as_deref())?);
    }
    claims.source_ref = reference;
    Ok(())
}
