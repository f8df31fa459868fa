//! `purser verify` on real provenance vectors from `../shared/data/slsa` (its `manifest.json`
//! says what each vector is and the verdict it must get).

use std::path::PathBuf;
use std::process::Output;

use crate::support::{code, describe, fixture, run};

const SOURCE: &str = "github.com/slsa-framework/example-package";
const CONTAINER_BUILDER: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";
const DELEGATOR_BUILDER: &str =
    "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml";
const IMAGE_DIGEST: &str =
    "sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122";
const DELEGATOR_DIGEST: &str =
    "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
const BEACON_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// A file of the shared SLSA vectors, as a string argument.
fn vector(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/slsa")
        .join(relative);
    assert!(
        path.exists(),
        "{} is missing; these tests need the shared data folder `../shared/data` beside the repository",
        path.display()
    );
    path.display().to_string()
}

/// The slsa-github-generator v2.1.0 container image: an OCI layout saved by cosign, with its
/// cosign attestation and BuildKit's unsigned one (vectors `image-v2.1.0-*`).
fn signed_image() -> String {
    vector("slsa-verifier/image/gha_generic_container-v2.1.0")
}

/// The delegator artifact and its bundle (vectors `gha_delegator-v2.1.0-wd-*`).
fn delegator() -> (String, String) {
    let artifact =
        vector("slsa-verifier/artifact/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch");
    let bundle = format!("{artifact}.build.slsa");
    (artifact, bundle)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("no JSON on stdout ({error}): {}", describe(output)))
}

#[test]
fn an_image_with_cosign_provenance_passes() {
    let image = signed_image();
    let output = run(&[
        "verify",
        &image,
        "--source-uri",
        SOURCE,
        "--builder-id",
        CONTAINER_BUILDER,
        "--source-branch",
        "main",
    ]);

    assert_eq!(code(&output), 0, "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("verified"), "{stdout}");
    assert!(stdout.contains("Build L3"), "{stdout}");
    assert!(stdout.contains("refs/heads/main"), "{stdout}");
}

#[test]
fn an_image_with_a_rekor_intoto_0_0_1_attestation_passes() {
    // slsa-github-generator v1.4.0 signed with cosign 1.x: its log entry is intoto/0.0.1.
    let image = vector("slsa-verifier/image/gha_generic_container-v1.4.0");
    let output = run(&[
        "verify",
        &image,
        "--source-uri",
        SOURCE,
        "--builder-id",
        CONTAINER_BUILDER,
        "--format",
        "json",
    ]);

    assert_eq!(code(&output), 0, "{}", describe(&output));
    let report = json(&output);
    assert_eq!(
        report["claims"]["digest"],
        "sha256:a74d89d8dd863ca5dae4a29e0feede81ddf59197849a80784af5a02ab7786925"
    );
    assert!(report["claims"]["builder_id"]
        .as_str()
        .unwrap()
        .ends_with("generator_container_slsa3.yml@refs/tags/v1.4.0"));
}

#[test]
fn an_image_with_a_tampered_attestation_fails() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let copy = directory.path().join("layout");
    copy_dir(std::path::Path::new(&signed_image()), &copy);
    let envelope =
        copy.join("blobs/sha256/e163b472f2e5d66e5a2a45e26e020c51a0d2da7dc8b567b31fc2ebfd33dbc33a");
    let mut bytes = std::fs::read(&envelope).expect("read envelope");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&envelope, bytes).expect("write tampered envelope");

    let output = run(&["verify", copy.to_str().unwrap(), "--source-uri", SOURCE]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    let message = stderr(&output);
    assert!(
        message.contains(
            "blob sha256:e163b472f2e5d66e5a2a45e26e020c51a0d2da7dc8b567b31fc2ebfd33dbc33a"
        ),
        "{message}"
    );
    assert!(message.contains("its bytes hash to sha256:"), "{message}");
}

/// Copies a directory tree of plain files (the vector layouts are read-only).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::write(&target, std::fs::read(entry.path()).expect("read file"))
                .expect("write file");
        }
    }
}

#[test]
fn a_wrong_source_uri_fails_naming_both_sources() {
    let image = signed_image();
    let wrong = "github.com/slsa-framework/example-packageA";
    let output = run(&["verify", &image, "--source-uri", wrong]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    let message = stderr(&output);
    assert!(message.contains("source-uri"), "{message}");
    assert!(
        message.contains(&format!("expected source https://{wrong},")),
        "{message}"
    );
    assert!(
        message.contains(&format!("built from https://{SOURCE}")),
        "{message}"
    );
}

#[test]
fn a_wrong_branch_fails_naming_both_refs() {
    let image = signed_image();
    let output = run(&[
        "verify",
        &image,
        "--source-uri",
        SOURCE,
        "--source-branch",
        "master",
    ]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    let message = stderr(&output);
    assert!(message.contains("master"), "{message}");
    assert!(message.contains("main"), "{message}");
}

#[test]
fn a_file_and_its_bundle_pass_with_json_claims() {
    let (artifact, bundle) = delegator();
    let output = run(&[
        "verify",
        &artifact,
        "--provenance",
        &bundle,
        "--source-uri",
        SOURCE,
        "--builder-id",
        DELEGATOR_BUILDER,
        "--format",
        "json",
    ]);

    assert_eq!(code(&output), 0, "{}", describe(&output));
    let report = json(&output);
    assert_eq!(report["verified"], true);
    assert_eq!(report["subject_digests"][0], DELEGATOR_DIGEST);
    assert_eq!(report["claims"]["digest"], DELEGATOR_DIGEST);
    assert_eq!(report["claims"]["source_uri"], format!("https://{SOURCE}"));
    assert_eq!(report["claims"]["source_ref"], "refs/heads/main");
    assert!(report["claims"]["builder_id"]
        .as_str()
        .unwrap()
        .starts_with(DELEGATOR_BUILDER));
    // The delegator's builder is trusted because --builder-id names it, but it is not among
    // the builders whose provenance earns Build L3 by default.
    assert_eq!(report["claims"]["slsa_level"], "Build L1");
    assert!(report["error"].is_null());

    let checks = report["checks"].as_array().expect("checks");
    let names: Vec<&str> = checks
        .iter()
        .map(|check| check["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["sigstore", "subject-digest", "builder-id", "source-uri"]
    );
    assert!(checks.iter().all(|check| check["passed"] == true));
    assert!(checks.iter().all(|check| check["detail"].is_string()));
    assert_eq!(report["attempts"].as_array().unwrap().len(), 1);
}

#[test]
fn a_failure_in_json_names_the_failed_check_and_attempts() {
    let image = signed_image();
    let output = run(&[
        "verify",
        &image,
        "--source-uri",
        "github.com/other/repo",
        "--format",
        "json",
    ]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    let report = json(&output);
    assert_eq!(report["verified"], false);
    assert_eq!(report["subject_digests"][0], IMAGE_DIGEST);
    assert!(report["error"]
        .as_str()
        .unwrap()
        .starts_with("check source-uri failed"));
    let last = report["checks"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["name"], "source-uri");
    assert_eq!(last["passed"], false);

    // The cosign attestation got furthest; BuildKit's unsigned one was tried too.
    let attempts = report["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(attempts[1]["error"]
        .as_str()
        .unwrap()
        .contains("unsigned provenance"));
}

#[test]
fn a_tampered_file_fails_its_subject_digest() {
    let (artifact, bundle) = delegator();
    let directory = tempfile::tempdir().expect("temporary directory");
    let tampered = directory
        .path()
        .join("binary-linux-amd64-workflow_dispatch");
    let mut bytes = std::fs::read(&artifact).expect("read artifact");
    bytes.push(b'\n');
    std::fs::write(&tampered, bytes).expect("write tampered copy");

    let output = run(&[
        "verify",
        tampered.to_str().unwrap(),
        "--provenance",
        &bundle,
        "--source-uri",
        SOURCE,
        "--builder-id",
        DELEGATOR_BUILDER,
    ]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    let message = stderr(&output);
    assert!(message.contains("subject-digest"), "{message}");
    assert!(
        message.contains(DELEGATOR_DIGEST.trim_start_matches("sha256:")),
        "{message}"
    );
}

#[test]
fn a_tampered_envelope_fails_its_signature() {
    let digest = format!("sha256:{}", "0".repeat(64));
    let output = run(&[
        "verify",
        &digest,
        "--provenance",
        &vector("dsse/protocol-hello-world/envelope.tampered-payload.json"),
        "--key",
        &vector("dsse/protocol-hello-world/public_key.pem"),
    ]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    let message = stderr(&output);
    assert!(message.contains("check signature failed"), "{message}");
    assert!(message.contains("public_key.pem"), "{message}");

    let untouched = run(&[
        "verify",
        &digest,
        "--provenance",
        &vector("dsse/protocol-hello-world/envelope.json"),
        "--key",
        &vector("dsse/protocol-hello-world/public_key.pem"),
    ]);
    // The untouched envelope's signature holds, but its payload is no in-toto statement, so it
    // names no subject and cannot vouch for the digest asked about.
    assert_eq!(code(&untouched), 1, "{}", describe(&untouched));
    let message = stderr(&untouched);
    assert!(!message.contains("check signature failed"), "{message}");
    assert!(message.contains("names no subject to check"), "{message}");
}

#[test]
fn unsigned_buildkit_provenance_never_passes() {
    let output = run(&[
        "verify",
        "sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69",
        "--provenance",
        &vector("slsa-verifier/image/gha_generic_container-v2.1.0/blobs/sha256/8d63b5e440cc7cfa68622b4a3cae2dbe215f8f8dcc9f2fa4ffd3078d40d61a84"),
    ]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(stderr(&output).contains("unsigned provenance"));
}

#[test]
fn a_plain_bundle_verifies_against_a_certificate_identity() {
    let artifact = vector("sigstore-conformance/bundle-verify/a.txt");
    let bundle = vector("sigstore-conformance/bundle-verify/happy-path-v0.3/bundle.sigstore.json");
    let verify_as = |identity: &str| {
        run(&[
            "verify",
            &artifact,
            "--provenance",
            &bundle,
            "--cert-identity",
            identity,
            "--cert-oidc-issuer",
            GITHUB_ISSUER,
        ])
    };

    let output = verify_as(BEACON_IDENTITY);
    assert_eq!(code(&output), 0, "{}", describe(&output));

    let output = verify_as("https://github.com/someone/else");
    assert_eq!(code(&output), 1, "{}", describe(&output));
    let message = stderr(&output);
    assert!(
        message.contains("https://github.com/someone/else"),
        "{message}"
    );
    assert!(message.contains(BEACON_IDENTITY), "{message}");
}

#[test]
fn an_image_without_provenance_fails() {
    let image = fixture("debian.oci.tar");
    let output = run(&["verify", image.to_str().unwrap(), "--source-uri", SOURCE]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(
        stderr(&output).contains("no provenance is attached"),
        "{}",
        describe(&output)
    );
}

#[test]
fn an_image_without_a_digest_is_unusable() {
    // `docker save` archives of the classic format carry no manifest digest to be named.
    let image = fixture("debian.docker.tar");
    let output = run(&["verify", image.to_str().unwrap(), "--source-uri", SOURCE]);

    assert_eq!(code(&output), 2, "{}", describe(&output));
    assert!(
        stderr(&output).contains("has no image digest"),
        "{}",
        describe(&output)
    );
}

#[test]
fn unusable_input_exits_2() {
    let (artifact, _) = delegator();
    let directory = tempfile::tempdir().expect("temporary directory");
    let not_provenance = directory.path().join("not-provenance.json");
    std::fs::write(&not_provenance, br#"{"hello": "world"}"#).expect("write");
    let not_provenance = not_provenance.to_str().unwrap();

    let cases: [(Vec<&str>, &str); 5] = [
        (
            vec!["verify", &artifact, "--provenance", not_provenance],
            "not-provenance.json",
        ),
        (vec!["verify", &artifact], "--provenance"),
        (vec!["verify", "no/such/subject"], "no/such/subject"),
        (vec!["verify", "sha256:1234"], "sha256:1234"),
        (
            vec![
                "verify",
                &artifact,
                "--provenance",
                not_provenance,
                "--trusted-root",
                not_provenance,
            ],
            "not-provenance.json",
        ),
    ];
    for (args, named) in cases {
        let output = run(&args);
        assert_eq!(code(&output), 2, "{args:?}: {}", describe(&output));
        assert!(
            stderr(&output).contains(named),
            "{args:?} should name {named}: {}",
            describe(&output)
        );
    }
}

#[test]
fn identity_and_slsa_flags_cannot_be_mixed() {
    let output = run(&[
        "verify",
        "sha256:1234",
        "--cert-identity",
        BEACON_IDENTITY,
        "--cert-oidc-issuer",
        GITHUB_ISSUER,
        "--source-uri",
        SOURCE,
    ]);
    assert_eq!(code(&output), 2, "{}", describe(&output));
}

#[test]
fn cloud_build_provenance_verifies_with_a_key_directory() {
    let verify_with_builder = |builder: &str| {
        run(&[
            "verify",
            "sha256:f472ca4b68898c951ac3b476cba919d0d56fca4ced631fabcead51e4b2b690e7",
            "--provenance",
            &vector("slsa-verifier/gcb_container/v0.3/gcloud-container-github.json"),
            "--key",
            &vector("trust/gcb-keys"),
            "--source-uri",
            "github.com/laurentsimon/gcb-tests",
            "--builder-id",
            builder,
        ])
    };

    let output = verify_with_builder("https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3");
    assert_eq!(code(&output), 0, "{}", describe(&output));

    let output = verify_with_builder("https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2");
    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(
        stderr(&output).contains("builder-id"),
        "{}",
        describe(&output)
    );
}

#[test]
fn hostile_provenance_files_exit_2_with_what_is_wrong() {
    let (artifact, bundle) = delegator();
    let whole = std::fs::read(&bundle).expect("the delegator bundle");
    let directory = tempfile::tempdir().expect("temporary directory");

    let truncated = directory.path().join("truncated.build.slsa");
    std::fs::write(&truncated, &whole[..whole.len() / 2]).expect("write");
    let sbom = directory.path().join("sbom.json");
    std::fs::write(
        &sbom,
        br#"{"mediaType": "application/vnd.cyclonedx+json", "bomFormat": "CycloneDX"}"#,
    )
    .expect("write");
    // Sparse: 200 MB declared, nothing written.
    let huge = directory.path().join("huge.intoto.jsonl");
    std::fs::File::create(&huge)
        .and_then(|file| file.set_len(200 * 1024 * 1024))
        .expect("a sparse file");

    let cases = [
        (
            &truncated,
            "the JSON document is truncated (EOF while parsing",
        ),
        (
            &sbom,
            "media type application/vnd.cyclonedx+json is not a Sigstore bundle's",
        ),
        (
            &huge,
            "is too large: 209715200 bytes, more than the 16777216-byte limit",
        ),
    ];
    for (file, expected) in cases {
        let output = run(&[
            "verify",
            &artifact,
            "--provenance",
            file.to_str().unwrap(),
            "--source-uri",
            SOURCE,
        ]);
        assert_eq!(code(&output), 2, "{file:?}: {}", describe(&output));
        let message = stderr(&output);
        assert!(message.contains(file.to_str().unwrap()), "{message}");
        assert!(message.contains(expected), "{file:?}: {message}");
    }
}

#[test]
fn a_certificate_expired_at_the_signing_time_fails_with_both_dates() {
    let case = "sigstore-conformance/bundle-verify/intoto-set-outside-signing-cert-validity_fail";
    let output = run(&[
        "verify",
        &vector(&format!("{case}/artifact")),
        "--provenance",
        &vector(&format!("{case}/bundle.sigstore.json")),
        "--trusted-root",
        &vector(&format!("{case}/trusted_root.json")),
        "--cert-identity",
        BEACON_IDENTITY,
        "--cert-oidc-issuer",
        GITHUB_ISSUER,
    ]);

    assert_eq!(code(&output), 1, "{}", describe(&output));
    let message = stderr(&output);
    assert!(
        message.contains(
            "a certificate of the chain had expired at the signing time 2023-02-02T00:00:00Z \
             (valid until 2023-02-01T00:10:00Z)"
        ),
        "{message}"
    );
}
