//! The SLSA analyzer in a normal scan: the fixture image as built (no provenance, Build L0), and
//! copies of it carrying real attestations from `../shared/data/slsa` the way BuildKit and cosign
//! attach them. The signed layouts of the shared data leave out their filesystem layers, so
//! `purser scan` cannot open them; their attestations are attached to the fixture instead.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::support::{code, describe, fixture, plugin_dir, purser};

const SLSA: &str = "purser-analyzer-slsa";

/// The v1.4.0 layout of slsa-verifier's test image, signed by the GitHub container generator.
const COSIGN_LAYOUT: &str = "slsa-verifier/image/gha_generic_container-v1.4.0";
/// Its cosign attestation manifest (`kind: dev.cosignproject.cosign/atts`).
const COSIGN_MANIFEST: &str = "738d456c898daf28d211c2e0b8ecf5dc67b9a1d631c99ef2c4b4669bcb7a0354";
/// The layout holding BuildKit's unsigned provenance statement.
const BUILDKIT_LAYOUT: &str = "slsa-verifier/image/gha_generic_container-v2.1.0";
/// That statement (in-toto Statement v0.1, SLSA provenance v0.2).
const BUILDKIT_STATEMENT: &str = "8d63b5e440cc7cfa68622b4a3cae2dbe215f8f8dcc9f2fa4ffd3078d40d61a84";

fn shared_slsa(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/slsa")
        .join(path)
}

/// `purser scan IMAGE --skip-db --format FORMAT` with only the slsa analyzer.
fn scan(image: &Path, format: &str) -> std::process::Output {
    let plugins = plugin_dir(&[SLSA]);
    purser()
        .arg("scan")
        .arg(image)
        .args(["--skip-db", "--no-default-plugins", "--plugin-dir"])
        .arg(plugins.path())
        .args(["--format", format])
        .output()
        .expect("purser runs")
}

/// The provenance findings of a JSON report.
fn provenance(image: &Path) -> Vec<Value> {
    let output = scan(image, "json");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|result| result["provenance"].as_array().into_iter().flatten())
        .cloned()
        .collect()
}

fn level(findings: &[Value]) -> &Value {
    findings
        .iter()
        .find(|finding| finding["check"] == "slsa-level")
        .unwrap_or_else(|| panic!("an slsa-level finding: {findings:?}"))
}

/// A copy of the debian OCI layout whose `index.json` also lists `entry`, with `blobs` (file
/// names under `blobs/sha256/` of a shared layout, or new blobs) copied in.
struct Attached {
    directory: tempfile::TempDir,
}

impl Attached {
    fn new() -> Self {
        let directory = tempfile::tempdir().expect("temporary directory");
        copy_tree(&fixture("debian.oci"), directory.path());
        Attached { directory }
    }

    fn path(&self) -> &Path {
        self.directory.path()
    }

    /// The digest (`sha256:HEX`) of the image manifest `index.json` lists.
    fn image_manifest(&self) -> String {
        let index = self.index();
        index["manifests"][0]["digest"]
            .as_str()
            .expect("a manifest digest")
            .to_owned()
    }

    fn index(&self) -> Value {
        let bytes = std::fs::read(self.path().join("index.json")).expect("index.json");
        serde_json::from_slice(&bytes).expect("index JSON")
    }

    fn copy_blob(&self, layout: &str, hex: &str) -> u64 {
        let from = shared_slsa(layout).join("blobs/sha256").join(hex);
        std::fs::copy(from, self.path().join("blobs/sha256").join(hex)).expect("copy blob")
    }

    fn add_blob(&self, bytes: &[u8]) -> String {
        let digest = purser_fixtures::sha256_digest(bytes);
        let hex = digest.trim_start_matches("sha256:");
        std::fs::write(self.path().join("blobs/sha256").join(hex), bytes).expect("write blob");
        format!("sha256:{hex}")
    }

    fn list(&self, entry: Value) {
        let mut index = self.index();
        index["manifests"]
            .as_array_mut()
            .expect("manifests")
            .push(entry);
        std::fs::write(self.path().join("index.json"), index.to_string()).expect("index.json");
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

#[test]
fn an_image_without_attestations_is_build_l0_in_json_and_table() {
    for image in ["debian.oci", "debian.docker.tar"] {
        let findings = provenance(&fixture(image));
        assert_eq!(findings.len(), 1, "{image}: {findings:?}");
        let level = level(&findings);
        assert_eq!(level["passed"], false);
        assert_eq!(level["facts"]["level"], "0");
        assert_eq!(level["facts"]["verified"], "false");
        assert!(level["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("no provenance")));
    }

    let table = scan(&fixture("debian.oci"), "table");
    assert_eq!(code(&table), 0, "{}", describe(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("slsa-level"), "{text}");
}

#[test]
fn the_sboms_carry_the_slsa_level_of_the_image() {
    let image = fixture("debian.oci");

    let output = scan(&image, "cyclonedx");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let document: Value = serde_json::from_slice(&output.stdout).expect("CycloneDX JSON");
    let properties = document["metadata"]["component"]["properties"]
        .as_array()
        .expect("image properties");
    let property = |name: &str| {
        properties
            .iter()
            .find(|property| property["name"] == name)
            .and_then(|property| property["value"].as_str())
            .unwrap_or_else(|| panic!("a {name} property: {properties:?}"))
    };
    assert_eq!(property("purser:slsa:level"), "0");
    assert_eq!(property("purser:slsa:verified"), "false");
    assert_eq!(
        property("purser:slsa:verdict"),
        "Build L0: no provenance is attached to the image"
    );

    let output = scan(&image, "spdx-json");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let document: Value = serde_json::from_slice(&output.stdout).expect("SPDX JSON");
    let image_package = &document["packages"][0];
    assert_eq!(image_package["primaryPackagePurpose"], "CONTAINER");
    assert_eq!(image_package["annotations"][0]["annotationType"], "REVIEW");
    assert_eq!(
        image_package["annotations"][0]["comment"],
        "SLSA provenance: Build L0: no provenance is attached to the image \
         (level 0, verified false)"
    );
}

#[test]
fn buildkit_provenance_is_unsigned_and_build_l1() {
    let image = Attached::new();
    let subject = image.image_manifest();
    let size = image.copy_blob(BUILDKIT_LAYOUT, BUILDKIT_STATEMENT);
    let config = image.add_blob(b"{}");
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": 2},
        "layers": [{
            "mediaType": "application/vnd.in-toto+json",
            "digest": format!("sha256:{BUILDKIT_STATEMENT}"),
            "size": size,
            "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"},
        }],
    })
    .to_string();
    let digest = image.add_blob(manifest.as_bytes());
    image.list(json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": digest,
        "size": manifest.len(),
        "platform": {"architecture": "unknown", "os": "unknown"},
        "annotations": {
            "vnd.docker.reference.type": "attestation-manifest",
            "vnd.docker.reference.digest": subject,
        },
    }));

    let findings = provenance(image.path());
    let level = level(&findings);
    assert_eq!(level["passed"], false, "{findings:?}");
    assert_eq!(level["facts"]["level"], "1");
    assert_eq!(level["facts"]["verified"], "false");
    assert!(level["facts"]["provenance"]
        .as_str()
        .is_some_and(|name| name.starts_with("buildkit-attestation")));
    assert!(findings
        .iter()
        .any(|finding| finding["check"] == "signature" && finding["passed"] == false));
}

#[test]
fn a_real_cosign_attestation_for_another_image_verifies_its_signature_but_not_its_subject() {
    let image = Attached::new();
    let subject = image.image_manifest();
    let manifest_size = image.copy_blob(COSIGN_LAYOUT, COSIGN_MANIFEST);
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(
            shared_slsa(COSIGN_LAYOUT)
                .join("blobs/sha256")
                .join(COSIGN_MANIFEST),
        )
        .expect("cosign manifest"),
    )
    .expect("manifest JSON");
    for blob in [&manifest["config"]]
        .into_iter()
        .chain(manifest["layers"].as_array().expect("layers"))
    {
        let hex = blob["digest"]
            .as_str()
            .expect("digest")
            .trim_start_matches("sha256:");
        image.copy_blob(COSIGN_LAYOUT, hex);
    }
    // Tagged as cosign tags attestations: by the digest of the image they attest.
    let tag = format!("sha256-{}.att", subject.trim_start_matches("sha256:"));
    image.list(json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": format!("sha256:{COSIGN_MANIFEST}"),
        "size": manifest_size,
        "annotations": {"org.opencontainers.image.ref.name": tag},
    }));

    let findings = provenance(image.path());
    let level = level(&findings);
    assert_eq!(level["facts"]["level"], "1", "{findings:?}");
    assert_eq!(level["facts"]["verified"], "false");
    assert!(level["facts"]["provenance"]
        .as_str()
        .is_some_and(|name| name.starts_with("cosign-attestation")));
    let check = |name: &str| {
        findings
            .iter()
            .find(|finding| finding["check"] == name)
            .unwrap_or_else(|| panic!("a {name} check: {findings:?}"))
    };
    assert_eq!(check("sigstore")["passed"], true);
    let subject_check = check("subject-digest");
    assert_eq!(subject_check["passed"], false);
    assert!(subject_check["detail"]
        .as_str()
        .is_some_and(|detail| detail.contains(subject.trim_start_matches("sha256:"))));
}

#[test]
fn a_tampered_attestation_is_reported_as_a_failure_and_the_scan_goes_on() {
    let image = Attached::new();
    let subject = image.image_manifest();
    let statement = format!("sha256:{BUILDKIT_STATEMENT}");
    // The statement's blob holds other bytes than its digest says.
    std::fs::write(
        image.path().join("blobs/sha256").join(BUILDKIT_STATEMENT),
        b"{\"_type\":\"https://in-toto.io/Statement/v0.1\"}",
    )
    .expect("write blob");
    let manifest = json!({
        "schemaVersion": 2,
        "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": statement, "size": 45}],
    })
    .to_string();
    let digest = image.add_blob(manifest.as_bytes());
    image.list(json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": digest,
        "size": manifest.len(),
        "annotations": {
            "vnd.docker.reference.type": "attestation-manifest",
            "vnd.docker.reference.digest": subject,
        },
    }));

    // A partial scan exits with 3.
    let output = scan(image.path(), "json");
    assert_eq!(code(&output), 3, "{}", describe(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["partial"], true);
    let failure = report["failures"]
        .as_array()
        .and_then(|failures| failures.first())
        .unwrap_or_else(|| panic!("a failure: {report}"));
    assert_eq!(failure["analyzer"], "slsa");
    assert_eq!(failure["stage"], "collect_attachments");
    assert!(failure["message"]
        .as_str()
        .is_some_and(|message| message.contains(&statement)));
    let findings: Vec<&Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|result| result["provenance"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["facts"]["level"], "0");
}
