//! Whole-analyzer tests on the real signed layouts of `../shared/data/slsa` (slsa-verifier's
//! test images, whose attachments are collected as the engine collects them), and the exported
//! function table driven as the engine drives it.

use std::path::PathBuf;

use purser_image::{find_attachments, AttachedArtifact, AttachmentKind, Digest, ImageError};
use purser_plugin_api::{
    Analyzer, Attachment, Finding, ImageContext, ImageInput, ProvenanceFinding,
};
use purser_plugin_harness::Plugin;
use serde_json::json;

use crate::{purser_analyzer_entry, SlsaAnalyzer};

const V2_LAYOUT: &str = "gha_generic_container-v2.1.0";
const V2_AMD64: &str = "sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69";
const V1_LAYOUT: &str = "gha_generic_container-v1.4.0";
const V1_MANIFEST: &str = "sha256:a74d89d8dd863ca5dae4a29e0feede81ddf59197849a80784af5a02ab7786925";
const GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";

/// The attached artifacts of `manifest` in a shared layout, with their annotations as JSON.
fn attached(layout: &str, manifest: &str) -> Vec<(AttachedArtifact, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/slsa/slsa-verifier/image")
        .join(layout);
    let index = std::fs::read(root.join("index.json")).expect("index.json");
    let read = |digest: &Digest| -> Result<Option<Vec<u8>>, ImageError> {
        let path = root.join("blobs/sha256").join(&digest.as_str()[7..]);
        let bytes = std::fs::read(path).ok();
        assert!(bytes
            .as_ref()
            .is_none_or(|bytes| Digest::sha256(bytes) == *digest));
        Ok(bytes)
    };
    let found = find_attachments(&index, &Digest::parse(manifest).unwrap(), &read).unwrap();
    assert!(found.problems.is_empty(), "{:?}", found.problems);
    found
        .artifacts
        .into_iter()
        .map(|artifact| {
            let annotations = artifact.annotations_json();
            (artifact, annotations)
        })
        .collect()
}

fn image_input<'a>(manifest: &str, artifacts: &'a [(AttachedArtifact, Vec<u8>)]) -> ImageInput<'a> {
    ImageInput {
        context: ImageContext {
            manifest_digest: Some(manifest.to_owned()),
            ..ImageContext::default()
        },
        config_json: &[],
        manifest_json: &[],
        index_json: &[],
        attachments: artifacts
            .iter()
            .map(|(artifact, annotations)| Attachment {
                media_type: &artifact.media_type,
                digest: artifact.digest.as_str(),
                annotations_json: annotations,
                data: &artifact.data,
            })
            .collect(),
    }
}

fn analyze(options: serde_json::Value, image: &ImageInput<'_>) -> Vec<ProvenanceFinding> {
    let analyzer = SlsaAnalyzer::new(&options).expect("options accepted");
    let mut findings = Vec::new();
    analyzer.analyze_image(image, &mut findings).unwrap();
    findings
        .into_iter()
        .map(|finding| match finding {
            Finding::Provenance(provenance) => provenance,
            other => panic!("unexpected finding {other:?}"),
        })
        .collect()
}

fn level_of(findings: &[ProvenanceFinding]) -> &ProvenanceFinding {
    assert_eq!(findings[0].check, "slsa-level");
    &findings[0]
}

#[test]
fn cosign_attested_index_from_the_github_generator_is_build_l3() {
    let artifacts = attached(V2_LAYOUT, V2_AMD64);
    let findings = analyze(json!(null), &image_input(V2_AMD64, &artifacts));

    let level = level_of(&findings);
    assert!(level.passed, "{level:?}");
    assert_eq!(level.facts["level"], "3");
    assert_eq!(level.facts["verified"], "true");
    assert_eq!(
        level.facts["builder_id"],
        format!("{GENERATOR}@refs/tags/v2.1.0")
    );
    assert_eq!(
        level.facts["source_uri"],
        "https://github.com/slsa-framework/example-package"
    );
    // The cosign attestation and BuildKit's unsigned provenance were both tried.
    assert_eq!(level.facts["attempts"], "2");
    assert!(level.facts["provenance"].starts_with("cosign-attestation"));
    let checks: Vec<&str> = findings[1..].iter().map(|f| f.check.as_str()).collect();
    assert!(checks.contains(&"subject-digest"), "{checks:?}");
    assert!(findings[1..].iter().all(|finding| finding.passed));
}

#[test]
fn a_single_saved_image_is_build_l3_too() {
    let artifacts = attached(V1_LAYOUT, V1_MANIFEST);
    let findings = analyze(json!({}), &image_input(V1_MANIFEST, &artifacts));
    let level = level_of(&findings);
    assert_eq!(level.facts["level"], "3", "{level:?}");
    assert_eq!(
        level.facts["builder_id"],
        format!("{GENERATOR}@refs/tags/v1.4.0")
    );
}

#[test]
fn buildkit_provenance_alone_is_unsigned_and_build_l1() {
    let artifacts: Vec<_> = attached(V2_LAYOUT, V2_AMD64)
        .into_iter()
        .filter(|(artifact, _)| artifact.kind == AttachmentKind::BuildKitAttestation)
        .collect();
    let findings = analyze(json!(null), &image_input(V2_AMD64, &artifacts));

    let level = level_of(&findings);
    assert!(!level.passed);
    assert_eq!(level.facts["level"], "1");
    assert_eq!(level.facts["verified"], "false");
    assert!(
        level.detail.contains("unsigned provenance"),
        "{}",
        level.detail
    );
    let signature = findings.last().unwrap();
    assert_eq!(signature.check, "signature");
    assert!(!signature.passed);
}

#[test]
fn no_attachment_is_build_l0() {
    let findings = analyze(json!(null), &image_input(V2_AMD64, &[]));
    assert_eq!(findings.len(), 1);
    let level = level_of(&findings);
    assert!(!level.passed);
    assert_eq!(level.facts["level"], "0");
    assert_eq!(level.facts["verified"], "false");
    assert_eq!(level.facts["builder_id"], "");
}

#[test]
fn provenance_for_another_image_fails_its_subject_check() {
    // v1.4.0's attestation handed over as if it were attached to the v2.1.0 image.
    let mut artifacts = attached(V1_LAYOUT, V1_MANIFEST);
    for (artifact, annotations) in &mut artifacts {
        artifact.subject = Digest::parse(V2_AMD64).unwrap();
        *annotations = artifact.annotations_json();
    }
    let findings = analyze(json!(null), &image_input(V2_AMD64, &artifacts));

    let level = level_of(&findings);
    assert_eq!(level.facts["level"], "1");
    assert_eq!(level.facts["verified"], "false");
    let failed = findings.last().unwrap();
    assert_eq!(failed.check, "subject-digest");
    assert!(!failed.passed);
    assert!(failed.detail.contains(&V2_AMD64[7..]), "{}", failed.detail);
}

#[test]
fn the_builder_map_decides_the_level_of_verified_provenance() {
    let artifacts = attached(V1_LAYOUT, V1_MANIFEST);
    let image = image_input(V1_MANIFEST, &artifacts);

    let capped = analyze(json!({"trusted_builders": {GENERATOR: "L2"}}), &image);
    assert_eq!(level_of(&capped).facts["level"], "2");

    // Verified, but from a builder the configured map does not list.
    let unlisted = analyze(
        json!({"trusted_builders": {"https://example.com/builder": 3}}),
        &image,
    );
    let level = level_of(&unlisted);
    assert_eq!(level.facts["verified"], "true");
    assert_eq!(level.facts["level"], "1");
}

#[test]
fn tampered_attestation_bytes_are_unverified() {
    let mut artifacts = attached(V1_LAYOUT, V1_MANIFEST);
    let (artifact, _) = &mut artifacts[0];
    let text = String::from_utf8(artifact.data.clone()).unwrap();
    // Flip one base64 character of the DSSE payload.
    let at = text.find("\"payload\":\"").unwrap() + 20;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    artifact.data = bytes;

    let findings = analyze(json!(null), &image_input(V1_MANIFEST, &artifacts));
    let level = level_of(&findings);
    assert_eq!(level.facts["level"], "1", "{level:?}");
    assert_eq!(level.facts["verified"], "false");
}

#[test]
fn the_exported_table_reports_the_same_level() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("header accepted");
    assert_eq!(plugin.describe().unwrap().name, "slsa");
    let instance = plugin.create(&serde_json::Value::Null).expect("created");
    assert!(instance.requests().image.attachments);

    let artifacts = attached(V1_LAYOUT, V1_MANIFEST);
    let findings = instance
        .analyze_image(&image_input(V1_MANIFEST, &artifacts))
        .expect("analyzed");
    let Finding::Provenance(level) = &findings[0] else {
        panic!("expected the level first, got {findings:?}");
    };
    assert_eq!(level.facts["level"], "3");
}

#[test]
fn bad_options_are_refused() {
    let error = SlsaAnalyzer::new(&json!({"trusted_builders": {"b": "L9"}})).unwrap_err();
    assert!(error.message().contains("builder b"), "{error}");
}
