//! Choosing the image from multi-platform indexes.

mod support;

use std::path::Path;

use purser_image::{open_image, Compression, ImageError, OpenOptions, Platform};
use serde_json::json;
use support::{walk, write_blob, write_image_blobs, write_layout_files, TarWriter, TestImage};

/// An image whose single file tells which platform it is.
fn marked_image(os: &str, architecture: &str, variant: Option<&str>) -> TestImage {
    let mut layer = TarWriter::new();
    let marker = format!("{os}/{architecture}/{}", variant.unwrap_or("-"));
    layer.file("etc/platform", 0o644, marker.as_bytes());
    TestImage::new(vec![layer.finish()]).platform(os, architecture, variant)
}

fn marker_of(image: &purser_image::Image) -> String {
    let walked = walk(image, 0);
    String::from_utf8(walked[0].2.clone()).expect("utf-8")
}

fn open_with(path: &Path, platform: Option<&str>) -> Result<purser_image::Image, ImageError> {
    let options = OpenOptions {
        platform: platform.map(|text| Platform::parse(text).expect("platform")),
        ..OpenOptions::default()
    };
    open_image(path, &options)
}

/// A layout with amd64 and arm64/v8 images and a Docker attestation manifest.
fn write_multiarch(dir: &Path) {
    let mut manifests = Vec::new();
    for image in [
        marked_image("linux", "amd64", None),
        marked_image("linux", "arm64", Some("v8")),
    ] {
        let (mut descriptor, _) = write_image_blobs(dir, &image, Compression::Gzip, None);
        let mut platform = json!({"os": image.os, "architecture": image.architecture});
        if let Some(variant) = &image.variant {
            platform["variant"] = json!(variant);
        }
        descriptor["platform"] = platform;
        manifests.push(descriptor);
    }
    let (mut attestation, _) = write_image_blobs(
        dir,
        &marked_image("linux", "amd64", None),
        Compression::Gzip,
        None,
    );
    attestation["platform"] = json!({"os": "unknown", "architecture": "unknown"});
    attestation["annotations"] = json!({
        "vnd.docker.reference.type": "attestation-manifest",
        "vnd.docker.reference.digest": manifests[0]["digest"],
    });
    manifests.insert(0, attestation);
    write_layout_files(dir, manifests);
}

#[test]
fn the_host_platform_is_the_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_multiarch(dir.path());
    let host = Platform::host();
    let result = open_with(dir.path(), None);
    match (host.os.as_str(), host.architecture.as_str()) {
        ("linux", "amd64") => assert_eq!(marker_of(&result.expect("open")), "linux/amd64/-"),
        ("linux", "arm64") => assert_eq!(marker_of(&result.expect("open")), "linux/arm64/v8"),
        _ => assert!(matches!(result, Err(ImageError::NoPlatformMatch { .. }))),
    }
}

#[test]
fn an_explicit_platform_selects_its_image() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_multiarch(dir.path());

    let arm = open_with(dir.path(), Some("linux/arm64")).expect("open arm64");
    assert_eq!(marker_of(&arm), "linux/arm64/v8");
    assert_eq!(arm.platform().to_string(), "linux/arm64/v8");

    let arm_v8 = open_with(dir.path(), Some("linux/arm64/v8")).expect("open arm64/v8");
    assert_eq!(marker_of(&arm_v8), "linux/arm64/v8");

    let amd = open_with(dir.path(), Some("linux/amd64")).expect("open amd64");
    assert_eq!(marker_of(&amd), "linux/amd64/-");
}

#[test]
fn no_match_lists_the_available_platforms() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_multiarch(dir.path());
    let error = open_with(dir.path(), Some("linux/riscv64")).expect_err("no riscv64 image");
    assert_eq!(
        error.to_string(),
        format!(
            "no image for platform linux/riscv64 in {}; available: linux/amd64, linux/arm64/v8",
            dir.path().display()
        )
    );
    assert!(open_with(dir.path(), Some("linux/arm64/v7")).is_err());
}

#[test]
fn nested_indexes_are_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut inner = Vec::new();
    for image in [
        marked_image("linux", "amd64", None),
        marked_image("linux", "arm64", Some("v8")),
    ] {
        let (mut descriptor, _) = write_image_blobs(dir.path(), &image, Compression::Gzip, None);
        descriptor["platform"] = json!({"os": image.os, "architecture": image.architecture});
        inner.push(descriptor);
    }
    let nested = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": inner,
    }))
    .expect("json");
    let nested_digest = write_blob(dir.path(), &nested);
    write_layout_files(
        dir.path(),
        vec![json!({
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": nested_digest,
            "size": nested.len(),
        })],
    );

    let image = open_with(dir.path(), Some("linux/arm64")).expect("open");
    assert_eq!(marker_of(&image), "linux/arm64/v8");
}

#[test]
fn indexes_nested_too_deep_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut descriptor, _) = write_image_blobs(
        dir.path(),
        &marked_image("linux", "amd64", None),
        Compression::Gzip,
        None,
    );
    for _ in 0..6 {
        let index = serde_json::to_vec(&json!({"schemaVersion": 2, "manifests": [descriptor]}))
            .expect("json");
        let digest = write_blob(dir.path(), &index);
        descriptor = json!({
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": digest,
            "size": index.len(),
        });
    }
    write_layout_files(dir.path(), vec![descriptor]);
    let error = open_with(dir.path(), None).expect_err("too deep");
    assert!(
        error.to_string().contains("nested more than 4 deep"),
        "{error}"
    );
}

#[test]
fn a_single_image_is_taken_unless_another_platform_is_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let image = marked_image("linux", "s390x", None);
    let (mut descriptor, _) = write_image_blobs(dir.path(), &image, Compression::Gzip, None);
    descriptor["platform"] = json!({"os": "linux", "architecture": "s390x"});
    write_layout_files(dir.path(), vec![descriptor]);

    let opened = open_with(dir.path(), None).expect("the only image");
    assert_eq!(marker_of(&opened), "linux/s390x/-");
    let error = open_with(dir.path(), Some("linux/amd64")).expect_err("explicit mismatch");
    assert!(
        error.to_string().contains("available: linux/s390x"),
        "{error}"
    );
}

#[test]
fn platforms_missing_from_the_index_come_from_the_configs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut manifests = Vec::new();
    for image in [
        marked_image("linux", "ppc64le", None),
        marked_image("linux", "arm64", Some("v8")),
    ] {
        manifests.push(write_image_blobs(dir.path(), &image, Compression::Gzip, None).0);
    }
    write_layout_files(dir.path(), manifests);
    let image = open_with(dir.path(), Some("linux/ppc64le")).expect("open");
    assert_eq!(marker_of(&image), "linux/ppc64le/-");
}

#[test]
fn artifacts_and_schema_1_are_not_images() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = write_blob(dir.path(), b"{}");
    let artifact = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/vnd.example.sbom",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
        "layers": [],
    }))
    .expect("json");
    let artifact_digest = write_blob(dir.path(), &artifact);
    write_layout_files(
        dir.path(),
        vec![json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": artifact_digest,
            "size": artifact.len(),
        })],
    );
    let error = open_with(dir.path(), None).expect_err("artifact");
    assert!(error.to_string().contains("it is an artifact"), "{error}");

    let schema1 = br#"{"schemaVersion": 1, "name": "x", "fsLayers": []}"#;
    let schema1_digest = write_blob(dir.path(), schema1);
    write_layout_files(
        dir.path(),
        vec![
            json!({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": schema1_digest, "size": schema1.len()}),
        ],
    );
    let error = open_with(dir.path(), None).expect_err("schema 1");
    assert!(error.to_string().contains("schema 1"), "{error}");
}

#[test]
fn multi_image_docker_archives_pick_by_platform() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("two.tar");
    let amd = marked_image("linux", "amd64", None);
    let arm = marked_image("linux", "arm64", Some("v8"));

    let mut writer = TarWriter::new();
    let mut entries = Vec::new();
    for (index, image) in [&amd, &arm].into_iter().enumerate() {
        let config = image.config();
        let config_name = format!("{}.json", &support::sha(&config)["sha256:".len()..]);
        let layer_name = format!("{:064x}/layer.tar", index + 1);
        writer.file(&config_name, 0o644, &config);
        writer.file(&layer_name, 0o644, &image.layers[0]);
        entries.push(json!({"Config": config_name, "RepoTags": [], "Layers": [layer_name]}));
    }
    writer.file(
        "manifest.json",
        0o644,
        &serde_json::to_vec(&entries).expect("json"),
    );
    std::fs::write(&path, writer.finish()).expect("write");

    let arm_image = open_with(&path, Some("linux/arm64")).expect("open");
    assert_eq!(marker_of(&arm_image), "linux/arm64/v8");
    let error = open_with(&path, Some("windows/amd64")).expect_err("none");
    assert!(
        error
            .to_string()
            .contains("available: linux/amd64, linux/arm64/v8"),
        "{error}"
    );
}
