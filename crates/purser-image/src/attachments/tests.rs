use std::collections::HashMap;
use std::path::PathBuf;

use super::*;

fn shared_layout(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/slsa/slsa-verifier/image")
        .join(name)
}

/// Finds the attachments of `manifest` in a layout directory, reading blobs as files.
fn search_directory(layout: &str, manifest: &str) -> Attachments {
    let root = shared_layout(layout);
    let index = std::fs::read(root.join("index.json")).expect("index.json");
    let read = |digest: &Digest| {
        let hex = digest.as_str().trim_start_matches("sha256:");
        match std::fs::read(root.join("blobs/sha256").join(hex)) {
            Ok(bytes) => {
                crate::verified::verify_digest(&bytes, digest, "blob")?;
                Ok(Some(bytes))
            }
            Err(_) => Ok(None),
        }
    };
    find_attachments(&index, &Digest::parse(manifest).unwrap(), &read).unwrap()
}

const V2_INDEX: &str = "sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122";
const V2_AMD64: &str = "sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69";
const V1_MANIFEST: &str = "sha256:a74d89d8dd863ca5dae4a29e0feede81ddf59197849a80784af5a02ab7786925";

#[test]
fn finds_the_cosign_attestation_of_the_index_and_the_buildkit_one_of_the_manifest() {
    let found = search_directory("gha_generic_container-v2.1.0", V2_AMD64);

    assert!(found.problems.is_empty(), "{:?}", found.problems);
    let cosign: Vec<_> = found
        .artifacts
        .iter()
        .filter(|artifact| artifact.kind == AttachmentKind::CosignAttestation)
        .collect();
    assert_eq!(cosign.len(), 1);
    assert_eq!(cosign[0].subject.as_str(), V2_INDEX);
    assert_eq!(
        cosign[0].media_type,
        "application/vnd.dsse.envelope.v1+json"
    );
    assert!(cosign[0]
        .annotations
        .contains_key("dev.sigstore.cosign/certificate"));

    let buildkit: Vec<_> = found
        .artifacts
        .iter()
        .filter(|artifact| artifact.kind == AttachmentKind::BuildKitAttestation)
        .collect();
    assert!(!buildkit.is_empty());
    assert!(buildkit
        .iter()
        .all(|artifact| artifact.subject.as_str() == V2_AMD64));
    assert!(buildkit
        .iter()
        .any(|artifact| artifact.media_type == "application/vnd.in-toto+json"));
}

#[test]
fn a_saved_single_image_has_its_cosign_attestation() {
    let found = search_directory("gha_generic_container-v1.4.0", V1_MANIFEST);

    assert_eq!(found.artifacts.len(), 1, "{:?}", found.problems);
    let artifact = &found.artifacts[0];
    assert_eq!(artifact.subject.as_str(), V1_MANIFEST);
    let annotations: serde_json::Value =
        serde_json::from_slice(&artifact.annotations_json()).unwrap();
    assert_eq!(annotations[SUBJECT_ANNOTATION], V1_MANIFEST);
    assert_eq!(annotations[KIND_ANNOTATION], "cosign-attestation");
    assert!(annotations["dev.sigstore.cosign/bundle"].is_string());
}

#[test]
fn attachments_of_another_image_are_left_out() {
    let found = search_directory("gha_generic_container-v2.1.0", V1_MANIFEST);
    assert!(found.artifacts.is_empty());
}

/// A layout in memory: `index.json` plus blobs by digest.
struct Memory {
    blobs: HashMap<Digest, Vec<u8>>,
}

impl Memory {
    fn add(&mut self, bytes: &[u8]) -> Digest {
        let digest = Digest::sha256(bytes);
        self.blobs.insert(digest.clone(), bytes.to_vec());
        digest
    }

    fn search(&self, index: &serde_json::Value, image: &Digest) -> Attachments {
        let read = |digest: &Digest| {
            let Some(bytes) = self.blobs.get(digest) else {
                return Ok(None);
            };
            crate::verified::verify_digest(bytes, digest, "blob")?;
            Ok(Some(bytes.clone()))
        };
        find_attachments(index.to_string().as_bytes(), image, &read).unwrap()
    }
}

fn descriptor(digest: &Digest, size: usize) -> serde_json::Value {
    serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": digest.to_string(),
        "size": size,
    })
}

#[test]
fn a_referrer_is_found_and_a_tampered_layer_is_a_problem_not_an_error() {
    let mut memory = Memory {
        blobs: HashMap::new(),
    };
    let image = Digest::sha256(b"an image manifest");
    let bundle = br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#;
    let bundle_digest = memory.add(bundle);
    let tampered = Digest::sha256(b"the original layer");
    memory.blobs.insert(tampered.clone(), b"swapped".to_vec());

    let referrer = serde_json::json!({
        "schemaVersion": 2,
        "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "subject": descriptor(&image, 17),
        "layers": [
            {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
             "digest": bundle_digest.to_string(), "size": bundle.len()},
            {"mediaType": "application/octet-stream", "digest": tampered.to_string(), "size": 7},
        ],
    })
    .to_string();
    let referrer_digest = memory.add(referrer.as_bytes());
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [descriptor(&image, 17), descriptor(&referrer_digest, referrer.len())],
    });

    let found = memory.search(&index, &image);
    assert_eq!(found.artifacts.len(), 1);
    assert_eq!(found.artifacts[0].kind, AttachmentKind::Referrer);
    assert_eq!(found.artifacts[0].data, bundle);
    assert_eq!(found.problems.len(), 1);
    assert!(
        found.problems[0].contains(&tampered.to_string()),
        "{}",
        found.problems[0]
    );

    // The same referrer does not belong to another image.
    let other = Digest::sha256(b"another image");
    assert!(memory.search(&index, &other).artifacts.is_empty());
}

#[test]
fn cosign_attestation_tags_name_their_subject() {
    let hex = "ab".repeat(32);
    let subject = cosign_attestation_subject(&format!("ghcr.io/o/r:sha256-{hex}.att")).unwrap();
    assert_eq!(subject.as_str(), format!("sha256:{hex}"));
    assert!(cosign_attestation_subject(&format!("sha256-{hex}.sig")).is_none());
    assert!(cosign_attestation_subject("latest").is_none());
}
