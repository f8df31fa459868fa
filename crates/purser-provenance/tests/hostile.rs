//! Hostile input: each way a provenance can be broken or forged gets an error that names what
//! was wrong. Real vectors come from `../shared/data/slsa` (read in place); key-signed
//! envelopes are made here with a fixed P-256 key, so a forgery differs from a good envelope
//! in exactly one respect.

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::pkcs8::EncodePublicKey as _;
use purser_provenance::attached::{find_attachments, LayoutDirectory, MAX_BLOB_BYTES};
use purser_provenance::dsse::pae;
use purser_provenance::keys::PublicKey;
use purser_provenance::policy::Policy;
use purser_provenance::sigstore::TrustedRoot;
use purser_provenance::{
    verify, CheckName, Evidence, ProvenanceError, TrustMaterial, Verdict, VerificationInput,
    MAX_EVIDENCE_BYTES,
};
use serde_json::{json, Value};

/// The digest of `sigstore-conformance/bundle-verify/a.txt`, the subject of the conformance
/// suite's DSSE bundles.
const A_TXT_SHA256: &str = "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

/// The conformance suite's signing identity (a GitHub workflow) and its OIDC issuer.
const BEACON: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

const IN_TOTO: &str = "application/vnd.in-toto+json";

/// A cosign-era attestation converted to a bundle (a Rekor intoto/0.0.1 entry), and the digest
/// of the image it attests.
const COSIGN_ERA_BUNDLE: &str =
    "slsa-verifier/image/derived/gha_generic_container-v1.4.0.cosign-attestation-as-bundle-v0.1.json";
const COSIGN_ERA_IMAGE: &str = "a74d89d8dd863ca5dae4a29e0feede81ddf59197849a80784af5a02ab7786925";

fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/slsa")
        .join(relative)
}

fn read(relative: &str) -> Vec<u8> {
    let path = shared(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(relative: &str) -> String {
    String::from_utf8(read(relative)).expect("UTF-8 vector")
}

fn conformance(case: &str, file: &str) -> String {
    text(&format!("sigstore-conformance/bundle-verify/{case}/{file}"))
}

/// A P-256 key made from a fixed scalar, so signatures are reproducible.
fn signing_key(seed: u8) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("a valid scalar")
}

fn public_key(name: &str, key: &p256::ecdsa::SigningKey) -> PublicKey {
    let pem = key
        .verifying_key()
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .expect("PEM");
    PublicKey::from_pem(name, &pem).expect("a usable key")
}

/// An in-toto statement v1 naming `sha256` as its one subject.
fn statement(sha256: &str) -> Vec<u8> {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app", "digest": {"sha256": sha256}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"buildDefinition": {"buildType": "https://example.com/build"}},
    })
    .to_string()
    .into_bytes()
}

/// A DSSE envelope over `payload` of `payload_type`, signed by `key` over the PAE.
fn envelope(payload_type: &str, payload: &[u8], key: &p256::ecdsa::SigningKey) -> Vec<u8> {
    let signature: p256::ecdsa::Signature = key.sign(&pae(payload_type, payload));
    let base64 = base64::engine::general_purpose::STANDARD;
    json!({
        "payloadType": payload_type,
        "payload": base64.encode(payload),
        "signatures": [{"keyid": "ci", "sig": base64.encode(signature.to_der().as_bytes())}],
    })
    .to_string()
    .into_bytes()
}

fn verify_envelope(json: Vec<u8>, policy: &Policy, keys: Vec<PublicKey>) -> Verdict {
    let input = VerificationInput {
        evidence: Evidence::DsseEnvelope {
            name: "envelope.json".to_owned(),
            json,
        },
        artifact: None,
    };
    let trust = TrustMaterial {
        keys,
        ..TrustMaterial::default()
    };
    verify(&input, policy, &trust)
}

fn verify_bundle(name: &str, json: String, policy: &Policy, root: TrustedRoot) -> Verdict {
    let input = VerificationInput {
        evidence: Evidence::SigstoreBundle {
            name: name.to_owned(),
            json,
        },
        artifact: None,
    };
    let trust = TrustMaterial {
        trusted_root: Some(root),
        ..TrustMaterial::default()
    };
    verify(&input, policy, &trust)
}

fn requiring_subject(sha256: &str) -> Policy {
    Policy {
        subject_sha256: Some(sha256.to_owned()),
        ..Policy::default()
    }
}

/// The verdict's error, its check and its message; panics when the verdict passed.
fn failure(verdict: &Verdict) -> (CheckName, String) {
    assert!(!verdict.passed, "expected a failure: {:?}", verdict.checks);
    let error = verdict
        .error
        .as_ref()
        .expect("a failed verdict has an error");
    (error.check_name(), error.to_string())
}

fn public_good() -> TrustedRoot {
    TrustedRoot::public_good().expect("the bundled root")
}

/// The bundled public-good root changed by `edit` on its JSON, named `name`.
fn edited_public_good(name: &str, edit: impl FnOnce(&mut Value)) -> TrustedRoot {
    let mut root: Value =
        serde_json::from_str(&text("trust/sigstore-public-good.trusted_root.json")).expect("JSON");
    edit(&mut root);
    TrustedRoot::from_json(name, &root.to_string()).expect("root")
}

/// The cosign-era bundle verified against `root`, requiring the image it attests.
fn verify_cosign_era_bundle(root: TrustedRoot) -> Verdict {
    verify_bundle(
        "v1.4.0.json",
        text(COSIGN_ERA_BUNDLE),
        &requiring_subject(COSIGN_ERA_IMAGE),
        root,
    )
}

/// A policy the conformance suite's DSSE bundles satisfy: their subject, signed by the beacon.
fn conformance_signer_policy() -> Policy {
    Policy {
        subject_sha256: Some(A_TXT_SHA256.to_owned()),
        certificate_identity: Some((BEACON.to_owned(), GITHUB_ISSUER.to_owned())),
        ..Policy::default()
    }
}

/// `bundle` with its DSSE payload decoded, changed by `edit` and encoded again (the signature
/// is left as it was).
fn with_payload(bundle: &str, edit: impl FnOnce(Vec<u8>) -> Vec<u8>) -> String {
    let mut document: Value = serde_json::from_str(bundle).expect("JSON");
    let base64 = base64::engine::general_purpose::STANDARD;
    let payload = document["dsseEnvelope"]["payload"]
        .as_str()
        .expect("a payload");
    let payload = base64.decode(payload).expect("base64");
    document["dsseEnvelope"]["payload"] = Value::String(base64.encode(edit(payload)));
    document.to_string()
}

#[test]
fn truncated_json_is_named_as_truncated() {
    let bundle = read(
        "sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
    );
    let cut = &bundle[..bundle.len() / 2];

    let error = Evidence::from_file("bundle.sigstore.json", cut).expect_err("a truncated file");
    assert!(
        matches!(&error, ProvenanceError::Malformed { document, .. } if document == "bundle.sigstore.json"),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(
            "failed to parse bundle.sigstore.json: the JSON document is truncated (EOF while parsing"
        ),
        "{message}"
    );
}

#[test]
fn a_truncated_envelope_is_a_format_failure_naming_the_envelope() {
    let key = signing_key(7);
    let whole = envelope(IN_TOTO, &statement(A_TXT_SHA256), &key);
    let cut = whole[..whole.len() - 20].to_vec();

    let verdict = verify_envelope(cut, &Policy::default(), vec![public_key("ci", &key)]);
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Format);
    assert!(
        message.starts_with(
            "failed to parse envelope.json: the JSON document is truncated (EOF while parsing a \
             string at line 1 column "
        ),
        "{message}"
    );
}

#[test]
fn a_file_of_another_media_type_is_refused_naming_it() {
    let sbom = br#"{"mediaType": "application/vnd.cyclonedx+json", "bomFormat": "CycloneDX"}"#;
    let error = Evidence::from_file("sbom.json", sbom).expect_err("not provenance");
    assert_eq!(
        error.to_string(),
        "failed to parse sbom.json: media type application/vnd.cyclonedx+json is not a Sigstore \
         bundle's (application/vnd.dev.sigstore.bundle…)"
    );
}

#[test]
fn a_bundle_of_an_unknown_media_type_version_fails_its_format() {
    let bundle = conformance("bundle-unknown-version_fail", "bundle.sigstore.json");
    let media_type = serde_json::from_str::<Value>(&bundle).expect("JSON")["mediaType"]
        .as_str()
        .expect("a media type")
        .to_owned();

    let verdict = verify_bundle("unknown.json", bundle, &Policy::default(), public_good());
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Format, "{message}");
    assert!(
        message.starts_with(&format!(
            "failed to parse sigstore bundle unknown.json: JSON error: Invalid media type: {media_type}"
        )),
        "{message}"
    );
}

#[test]
fn a_signed_payload_that_is_not_in_toto_cannot_satisfy_a_subject_policy() {
    let key = signing_key(7);
    let signed = envelope("application/json", &statement(A_TXT_SHA256), &key);

    let verdict = verify_envelope(
        signed,
        &requiring_subject(A_TXT_SHA256),
        vec![public_key("ci", &key)],
    );
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Format);
    assert_eq!(
        message,
        "check format failed: envelope.json: payload type application/json is not \
         application/vnd.in-toto+json, so it names no subject to check"
    );
}

#[test]
fn a_signed_in_toto_payload_that_is_no_statement_cannot_satisfy_a_subject_policy() {
    let key = signing_key(7);
    let signed = envelope(IN_TOTO, br#"{"_type": "https://in-toto.io/Link/v1"}"#, &key);

    let verdict = verify_envelope(
        signed,
        &requiring_subject(A_TXT_SHA256),
        vec![public_key("ci", &key)],
    );
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Format);
    assert!(
        message.starts_with(
            "check format failed: envelope.json: the signed payload is not an in-toto statement: "
        ),
        "{message}"
    );
}

#[test]
fn a_huge_stream_is_refused_at_the_limit_without_reading_on() {
    /// Counts what the verifier pulls from a 200 MB stream.
    struct Counted<R> {
        inner: R,
        read: u64,
    }
    impl<R: Read> Read for Counted<R> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let count = self.inner.read(buffer)?;
            self.read += count as u64;
            Ok(count)
        }
    }

    let declared: u64 = 200 * 1024 * 1024;
    let mut stream = Counted {
        inner: std::io::repeat(b' ').take(declared),
        read: 0,
    };
    let error = Evidence::from_reader("stdin", &mut stream).expect_err("too large");
    assert!(
        matches!(error, ProvenanceError::TooLarge { size: None, limit, .. } if limit == MAX_EVIDENCE_BYTES),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("stdin is too large: more than the {MAX_EVIDENCE_BYTES}-byte limit")
    );
    assert_eq!(stream.read, MAX_EVIDENCE_BYTES + 1);
}

#[test]
fn a_huge_file_is_refused_by_its_size_before_reading() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join("provenance.intoto.jsonl");
    // Sparse: 200 MB declared, nothing written.
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(200 * 1024 * 1024).expect("set length");

    let error = Evidence::from_path(&path).expect_err("too large");
    assert_eq!(
        error.to_string(),
        format!(
            "{} is too large: 209715200 bytes, more than the {MAX_EVIDENCE_BYTES}-byte limit",
            path.display()
        )
    );
}

#[test]
fn a_huge_blob_in_an_oci_layout_is_refused_by_its_size() {
    let directory = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        directory.path().join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .expect("oci-layout");
    let index = directory.path().join("index.json");
    std::fs::File::create(&index)
        .and_then(|file| file.set_len(200 * 1024 * 1024))
        .expect("a sparse index.json");

    let layout = LayoutDirectory::open(directory.path()).expect("a layout");
    let error = find_attachments(&layout).expect_err("too large");
    assert!(
        matches!(error, ProvenanceError::TooLarge { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{} is too large: 209715200 bytes, more than the {MAX_BLOB_BYTES}-byte limit",
            index.display()
        )
    );
}

#[test]
fn a_valid_signature_by_an_untrusted_key_names_the_trusted_keys() {
    let signer = signing_key(7);
    let trusted = signing_key(9);
    let signed = envelope(IN_TOTO, &statement(A_TXT_SHA256), &signer);

    let verdict = verify_envelope(
        signed,
        &requiring_subject(A_TXT_SHA256),
        vec![public_key("release-key", &trusted)],
    );
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Signature);
    assert_eq!(
        message,
        "check signature failed: none of 1 signature(s) verifies over the PAE with key(s) \
         [release-key]"
    );
}

#[test]
fn a_valid_keyless_signature_by_another_identity_names_both() {
    let bundle = conformance("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let policy = Policy {
        subject_sha256: Some(A_TXT_SHA256.to_owned()),
        certificate_identity: Some((
            "https://github.com/example/release/.github/workflows/release.yml@refs/heads/main"
                .to_owned(),
            GITHUB_ISSUER.to_owned(),
        )),
        ..Policy::default()
    };

    let verdict = verify_bundle("dsse.json", bundle.clone(), &policy, public_good());
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Sigstore);
    assert!(
        message.ends_with(&format!(
            "identity mismatch: expected https://github.com/example/release/.github/workflows/\
             release.yml@refs/heads/main, got {BEACON}"
        )),
        "{message}"
    );

    // The same bundle passes when the identity is the signer's.
    let policy = Policy {
        certificate_identity: Some((BEACON.to_owned(), GITHUB_ISSUER.to_owned())),
        ..policy
    };
    assert!(verify_bundle("dsse.json", bundle, &policy, public_good()).passed);
}

#[test]
fn a_valid_keyless_signature_by_an_untrusted_builder_names_the_signer() {
    let bundle = conformance("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");

    let verdict = verify_bundle(
        "dsse.json",
        bundle,
        &requiring_subject(A_TXT_SHA256),
        public_good(),
    );
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::BuilderId, "{message}");
    assert_eq!(
        message,
        format!(
            "check builder-id failed: signing workflow {BEACON} is not a default trusted builder; \
             name it in the policy to trust it"
        )
    );
}

#[test]
fn a_tampered_key_signed_payload_fails_its_signature() {
    let key = signing_key(7);
    let signed = envelope(IN_TOTO, &statement(A_TXT_SHA256), &key);
    let mut document: Value = serde_json::from_slice(&signed).expect("JSON");
    let other = base64::engine::general_purpose::STANDARD.encode(statement(&"00".repeat(32)));
    document["payload"] = Value::String(other);

    let verdict = verify_envelope(
        document.to_string().into_bytes(),
        &requiring_subject(&"00".repeat(32)),
        vec![public_key("ci", &key)],
    );
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Signature);
    assert_eq!(
        message,
        "check signature failed: none of 1 signature(s) verifies over the PAE with key(s) [ci]"
    );
}

#[test]
fn a_tampered_keyless_payload_fails_the_sigstore_check() {
    let bundle = conformance("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let forged = with_payload(&bundle, |payload| {
        let mut statement: Value = serde_json::from_slice(&payload).expect("a statement");
        statement["predicate"] = json!({"forged": true});
        statement.to_string().into_bytes()
    });

    let policy = conformance_signer_policy();
    let verdict = verify_bundle("forged.json", forged, &policy, public_good());
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Sigstore);
    assert!(
        message.starts_with(
            "check sigstore failed: bundle forged.json against the bundled Sigstore public-good \
             root: invalid signature: DSSE signature verification failed"
        ),
        "{message}"
    );
}

#[test]
fn a_tampered_cosign_era_payload_breaks_the_logged_hash() {
    let bundle = with_payload(&text(COSIGN_ERA_BUNDLE), |mut payload| {
        payload.push(b'\n');
        payload
    });

    let verdict = verify_bundle(
        "v1.4.0.json",
        bundle,
        &requiring_subject(COSIGN_ERA_IMAGE),
        public_good(),
    );
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Sigstore);
    assert!(
        message.starts_with(
            "check sigstore failed: bundle v1.4.0.json (rekor intoto/0.0.1 entry): payload hash sha256:"
        ),
        "{message}"
    );
    assert!(message.contains("differs from the logged"), "{message}");
}

/// The Sigstore check's message for a conformance case verified with its own trusted root and
/// artifact; panics when the case passes or fails another check.
fn conformance_sigstore_failure(case: &str) -> String {
    let root = TrustedRoot::from_json(case, &conformance(case, "trusted_root.json")).expect("root");
    let artifact = read(&format!(
        "sigstore-conformance/bundle-verify/{case}/artifact"
    ));
    let input = VerificationInput {
        evidence: Evidence::SigstoreBundle {
            name: case.to_owned(),
            json: conformance(case, "bundle.sigstore.json"),
        },
        artifact: Some(artifact),
    };
    let policy = Policy {
        certificate_identity: Some((BEACON.to_owned(), GITHUB_ISSUER.to_owned())),
        ..Policy::default()
    };
    let trust = TrustMaterial {
        trusted_root: Some(root),
        ..TrustMaterial::default()
    };
    let (check, message) = failure(&verify(&input, &policy, &trust));
    assert_eq!(check, CheckName::Sigstore, "{message}");
    message
}

#[test]
fn a_certificate_expired_at_the_log_time_is_refused_with_both_dates() {
    let message = conformance_sigstore_failure("intoto-set-outside-signing-cert-validity_fail");
    assert!(
        message.ends_with(
            "certificate chain is invalid: certificate chain validation failed: a certificate of \
             the chain had expired at the signing time 2023-02-02T00:00:00Z (valid until \
             2023-02-01T00:10:00Z)"
        ),
        "{message}"
    );
}

#[test]
fn a_certificate_not_yet_valid_at_the_log_time_is_refused_with_both_dates() {
    // The trusted root's CA certificate starts in 2030, after the entry was logged.
    let message = conformance_sigstore_failure("intoto-expired-certificate_fail");
    assert!(
        message.ends_with(
            "a certificate of the chain was not yet valid at the signing time \
             2023-02-01T00:00:00Z (valid from 2030-01-01T00:00:00Z)"
        ),
        "{message}"
    );
}

#[test]
fn a_certificate_expired_at_the_timestamp_authority_time_is_refused() {
    let message = conformance_sigstore_failure("intoto-tsa-timestamp-outside-cert-validity_fail");
    assert!(
        message.ends_with(
            "a certificate of the chain had expired at the signing time 2023-02-02T00:00:00Z \
             (valid until 2023-02-01T00:10:00Z)"
        ),
        "{message}"
    );
}

#[test]
fn a_cosign_era_entry_logged_before_any_trusted_authority_is_refused() {
    // The bundled root with its Fulcio authorities valid only from 2030 on.
    let root = edited_public_good("future-root.json", |root| {
        for authority in root["certificateAuthorities"]
            .as_array_mut()
            .expect("authorities")
        {
            authority["validFor"] = json!({"start": "2030-01-01T00:00:00Z"});
        }
    });

    let verdict = verify_cosign_era_bundle(root);
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Sigstore);
    assert!(
        message.starts_with("check sigstore failed: bundle v1.4.0.json (rekor intoto/0.0.1 entry): no Fulcio CA of the trusted root was valid at "),
        "{message}"
    );
}

#[test]
fn a_truncated_line_of_json_lines_is_named_with_its_number() {
    let line = text(
        "slsa-verifier/artifact/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
    );
    let line = line.trim();
    let cut = format!("{line}\n{}", &line[..line.len() / 3]);

    let error = Evidence::from_file("provenance.intoto.jsonl", cut.as_bytes())
        .expect_err("a truncated second line");
    assert!(
        error.to_string().starts_with(
            "failed to parse provenance.intoto.jsonl line 2: the JSON document is truncated \
             (EOF while parsing"
        ),
        "{error}"
    );
}

#[test]
fn a_huge_buffer_is_refused_naming_its_size() {
    let huge = vec![b' '; usize::try_from(MAX_EVIDENCE_BYTES).expect("fits") + 1];
    let error = Evidence::from_file("upload.json", &huge).expect_err("too large");
    assert_eq!(
        error.to_string(),
        format!(
            "upload.json is too large: {} bytes, more than the {MAX_EVIDENCE_BYTES}-byte limit",
            MAX_EVIDENCE_BYTES + 1
        )
    );
}

#[test]
fn a_keyless_bundle_whose_payload_is_not_in_toto_is_a_format_failure() {
    let bundle = conformance("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let mut document: Value = serde_json::from_str(&bundle).expect("JSON");
    document["dsseEnvelope"]["payloadType"] = Value::String("application/json".to_owned());

    let policy = conformance_signer_policy();
    let verdict = verify_bundle("json.json", document.to_string(), &policy, public_good());
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Format);
    assert_eq!(
        message,
        "check format failed: bundle json.json: payload type application/json is not \
         application/vnd.in-toto+json, so it names no subject to check"
    );
}

#[test]
fn a_cosign_era_certificate_logged_by_an_untrusted_ct_log_is_refused() {
    // The bundled root without its CT logs: the certificate's SCT names a log it does not list.
    let root = edited_public_good("no-ct-logs.json", |root| root["ctlogs"] = json!([]));

    let verdict = verify_cosign_era_bundle(root);
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Sigstore);
    assert!(
        message.starts_with(
            "check sigstore failed: bundle v1.4.0.json (rekor intoto/0.0.1 entry): embedded SCT: \
             log "
        ),
        "{message}"
    );
    assert!(
        message.ends_with(" is not a CT log of the trusted root"),
        "{message}"
    );
}

#[test]
fn a_bundle_certificate_logged_by_an_untrusted_ct_log_is_refused() {
    // The bundled root with Rekor's keys in place of its CT logs: real keys, the wrong logs.
    let root = edited_public_good("wrong-ct-logs.json", |root| {
        root["ctlogs"] = root["tlogs"].clone();
    });
    let bundle = conformance("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let policy = conformance_signer_policy();

    let verdict = verify_bundle("dsse.json", bundle, &policy, root);
    let (check, message) = failure(&verdict);
    assert_eq!(check, CheckName::Sigstore);
    assert!(
        message.starts_with(
            "check sigstore failed: bundle dsse.json against wrong-ct-logs.json: invalid signed \
             certificate timestamp: SCT signature verification failed: Verification error: key \
             not found or not valid at 2024-12-16T18:42:56.255Z: "
        ),
        "{message}"
    );
}

#[test]
fn every_cut_of_a_real_bundle_is_reported_as_truncated() {
    let bundle = read(
        "sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
    );
    let whole = String::from_utf8(bundle.clone()).expect("UTF-8");
    let end = whole.trim_end().len();
    // Every cut inside the document, at character boundaries (the bundle is ASCII).
    for cut in (1..end).step_by(7) {
        let error = Evidence::from_file("cut.json", &bundle[..cut])
            .expect_err("a cut bundle is no evidence");
        assert!(
            error
                .to_string()
                .starts_with("failed to parse cut.json: the JSON document is truncated"),
            "cut at {cut}: {error}"
        );
    }
}
