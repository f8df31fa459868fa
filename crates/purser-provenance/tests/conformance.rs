//! Runs every vector of `../shared/data/slsa/manifest.json` (read in place) through
//! `purser_provenance::verify` and compares the verdict with the expected one.

#![expect(
    clippy::print_stdout,
    reason = "the conformance figures and disagreements are this test's report"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use purser_provenance::gcb::GcbKeys;
use purser_provenance::keys::PublicKey;
use purser_provenance::policy::{Policy, SourceRef, SummaryPolicy};
use purser_provenance::sigstore::TrustedRoot;
use purser_provenance::{verify, Evidence, TrustMaterial, VerificationInput};
use serde_json::Value;

/// Vectors whose expectation (not `derived`) this crate does not meet yet, and why. None
/// today: keep an entry here only with the reason, so a disagreement is never silent.
const ALLOWED_DISAGREEMENTS: &[(&str, &str)] = &[];

/// The vector folder beside the repository (`../shared/data/slsa`).
fn vectors_dir() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let manifest_dir = manifest_dir.canonicalize().unwrap_or(manifest_dir);
    manifest_dir.join("../../../shared/data/slsa")
}

fn read(base: &Path, relative: &str) -> Vec<u8> {
    std::fs::read(base.join(relative)).unwrap_or_else(|error| {
        panic!("cannot read vector file {relative}: {error}; these tests need the shared data folder `../shared/data` beside the repository")
    })
}

fn text(base: &Path, relative: &str) -> String {
    String::from_utf8_lossy(&read(base, relative)).into_owned()
}

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn policy_of(inputs: &Value) -> Policy {
    let empty = Value::Null;
    let policy = inputs.get("policy").unwrap_or(&empty);
    let digest = string(inputs, "artifact_sha256")
        .or_else(|| string(policy, "image_digest_override"))
        .or_else(|| string(inputs, "image_digest"))
        .map(|d| d.trim_start_matches("sha256:").to_owned());
    let source_ref = string(policy, "branch")
        .map(SourceRef::Branch)
        .or_else(|| string(policy, "tag").map(SourceRef::Tag))
        .or_else(|| string(policy, "versioned_tag").map(SourceRef::VersionedTag));
    let summary = policy.get("verifier_id").map(|_| SummaryPolicy {
        subject_digests: strings(policy, "subject_digests"),
        verifier_id: string(policy, "verifier_id"),
        resource_uri: string(policy, "resource_uri"),
        verified_levels: strings(policy, "verified_levels"),
    });
    Policy {
        subject_sha256: digest,
        source_uri: string(policy, "source_uri"),
        builder_id: string(policy, "builder_id"),
        source_ref,
        certificate_identity: string(inputs, "identity").zip(string(inputs, "issuer")),
        summary,
        signature_only: false,
    }
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Runs one vector; `Ok(passed)` or `Err(reason)` when the vector cannot be set up.
fn run_vector(base: &Path, vector: &Value, roots: &mut BTreeMap<String, String>) -> (bool, String) {
    let kind = vector["kind"].as_str().unwrap_or("");
    let file = vector["file"].as_str().unwrap_or("");
    let empty = Value::Null;
    let inputs = vector.get("inputs").unwrap_or(&empty);
    let extra = vector.get("inputs_extra").unwrap_or(&empty);
    let mut policy = policy_of(inputs);
    let mut trust = TrustMaterial::default();

    if let Some(root) = string(inputs, "trusted_root") {
        let json = roots
            .entry(root.clone())
            .or_insert_with(|| text(base, &root))
            .clone();
        match TrustedRoot::from_json(&root, &json) {
            Ok(root) => trust.trusted_root = Some(root),
            Err(error) => return (false, error.to_string()),
        }
    }
    for key_field in ["public_key", "key"] {
        if let Some(path) = string(extra, key_field).or_else(|| string(inputs, key_field)) {
            let name = string(inputs, "public_key_id").unwrap_or_else(|| path.clone());
            match PublicKey::from_pem(&name, &text(base, &path)) {
                Ok(key) => trust.keys.push(key),
                Err(error) => return (false, error.to_string()),
            }
        }
    }
    if kind == "vsa" {
        trust.required_key_id = string(inputs, "public_key_id");
    }
    if let Some(directory) = string(inputs, "keys") {
        match GcbKeys::from_dir(&base.join(directory)) {
            Ok(keys) => trust.gcb_keys = Some(keys),
            Err(error) => return (false, error.to_string()),
        }
    }

    let name = file.to_owned();
    let evidence = match kind {
        "dsse-envelope" | "vsa" | "slsa-provenance-legacy-dsse-with-cert" => {
            Evidence::DsseEnvelope {
                name,
                json: read(base, file),
            }
        }
        "gcb-provenance" => Evidence::GcbOccurrence {
            name,
            json: read(base, file),
        },
        "oci-layout-buildx-attestation" => Evidence::UnsignedStatement {
            name,
            json: read(base, file),
        },
        "oci-layout-cosign-attestation" => {
            let layout = base.join(string(inputs, "layout").unwrap_or_default());
            let manifest = string(inputs, "cosign_attestation_manifest").unwrap_or_default();
            match purser_provenance::cosign::attestation_bundle_from_layout(&layout, &manifest) {
                Ok(json) => Evidence::SigstoreBundle { name, json },
                Err(error) => return (false, error.to_string()),
            }
        }
        "sigstore-bundle-signature-layer" => {
            policy.signature_only = true;
            Evidence::SigstoreBundle {
                name,
                json: text(base, file),
            }
        }
        _ => Evidence::SigstoreBundle {
            name,
            json: text(base, file),
        },
    };
    if inputs
        .get("policy")
        .and_then(|p| p.get("image_reference"))
        .is_some()
    {
        // A reference by tag only: the verifier must refuse to resolve it.
        return match purser_provenance::cosign::require_digest_reference(
            "ghcr.io/slsa-framework/example-package:latest",
        ) {
            Ok(_) => (true, "accepted a mutable reference".to_owned()),
            Err(error) => (false, error.to_string()),
        };
    }
    let artifact = string(inputs, "artifact").map(|path| read(base, &path));
    let input = VerificationInput { evidence, artifact };

    let verdict = verify(&input, &policy, &trust);
    let detail = verdict
        .error
        .as_ref()
        .map_or_else(|| "passed".to_owned(), ToString::to_string);
    (verdict.passed, detail)
}

#[test]
fn every_vector_agrees_with_its_expectation() {
    let base = vectors_dir();
    let manifest: Value =
        serde_json::from_slice(&read(&base, "manifest.json")).expect("manifest.json is JSON");
    let vectors = manifest["vectors"]
        .as_array()
        .expect("manifest lists vectors");
    let mut roots = BTreeMap::new();

    let mut passed = 0;
    let mut failed = Vec::new();
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for vector in vectors {
        let id = vector["id"].as_str().unwrap_or("?");
        let expected_pass = vector["expected"].as_str() == Some("pass");
        let derived = vector["derived"].as_bool().unwrap_or(false);
        let (outcome, detail) = run_vector(&base, vector, &mut roots);
        let group = groups
            .entry(vector["kind"].as_str().unwrap_or("?").to_owned())
            .or_default();
        if outcome == expected_pass {
            passed += 1;
            group.0 += 1;
        } else {
            group.1 += 1;
            failed.push((id.to_owned(), derived, expected_pass, detail));
        }
    }

    println!("{passed} passed, {} failed", failed.len());
    for (group, (ok, bad)) in &groups {
        println!("  {group}: {ok} passed, {bad} failed");
    }
    let mut unexplained = Vec::new();
    for (id, derived, expected_pass, detail) in &failed {
        let expected = if *expected_pass { "pass" } else { "fail" };
        println!(
            "  disagreement {id} (expected {expected}{}): {detail}",
            if *derived { ", derived" } else { "" }
        );
        if !derived
            && !ALLOWED_DISAGREEMENTS
                .iter()
                .any(|(allowed, _)| allowed == id)
        {
            unexplained.push(id.clone());
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} disagreements with non-derived expectations: {unexplained:?}",
        unexplained.len()
    );
}
