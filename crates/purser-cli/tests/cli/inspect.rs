//! `purser inspect` on every kind of source.

use crate::support::{code, describe, fixture, run};

fn inspect_json(name: &str, extra: &[&str]) -> serde_json::Value {
    let path = fixture(name);
    let mut args = vec![
        "inspect",
        path.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn every_encoding_of_the_debian_image_shows_the_same_layers() {
    let reference = inspect_json("debian.oci", &[]);
    let diff_ids = |inspection: &serde_json::Value| -> Vec<String> {
        inspection["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|layer| layer["diff_id"].as_str().expect("diff id").to_owned())
            .collect()
    };
    assert_eq!(diff_ids(&reference).len(), 3);
    for (name, source_kind, compression) in [
        ("debian.docker.tar", "docker-archive", "none"),
        (
            "debian.docker.tar.gz",
            "docker-archive (compressed)",
            "none",
        ),
        ("debian.docker-blobs.tar", "docker-archive", "none"),
        ("debian.oci-zstd", "oci-layout", "zstd"),
        ("debian.oci.tar", "oci-archive", "none"),
    ] {
        let inspection = inspect_json(name, &[]);
        assert_eq!(inspection["source_kind"], source_kind, "{name}");
        assert_eq!(inspection["platform"], "linux/amd64", "{name}");
        assert_eq!(diff_ids(&inspection), diff_ids(&reference), "{name}");
        assert_eq!(
            inspection["layers"][0]["compression"], compression,
            "{name}"
        );
        assert_eq!(inspection["config"]["config"]["User"], "app", "{name}");
        for (layer, expected) in inspection["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .zip(reference["layers"].as_array().expect("layers"))
        {
            assert_eq!(layer["regular_files"], expected["regular_files"], "{name}");
            assert_eq!(
                layer["uncompressed_size"], expected["uncompressed_size"],
                "{name}"
            );
        }
    }
    assert_eq!(reference["layers"][0]["compression"], "gzip");
}

#[test]
fn a_root_filesystem_is_one_layer() {
    let inspection = inspect_json("debian.rootfs", &[]);
    assert_eq!(inspection["source_kind"], "rootfs");
    assert_eq!(inspection["layers"].as_array().expect("layers").len(), 1);
    assert!(
        inspection["layers"][0]["regular_files"]
            .as_u64()
            .expect("count")
            > 10
    );
}

#[test]
fn the_platform_option_picks_from_an_index() {
    let arm = inspect_json("multiarch.oci", &["--platform", "linux/arm64/v8"]);
    assert_eq!(arm["platform"], "linux/arm64/v8");
    let amd = inspect_json("multiarch.oci", &["--platform", "linux/amd64"]);
    assert_eq!(amd["platform"], "linux/amd64");
    assert_ne!(arm["layers"][0]["diff_id"], amd["layers"][0]["diff_id"]);

    let path = fixture("multiarch.oci");
    let output = run(&[
        "inspect",
        path.to_str().expect("utf-8"),
        "--platform",
        "windows/riscv64",
    ]);
    assert_eq!(code(&output), 2, "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("linux/arm64/v8") && stderr.contains("linux/amd64"),
        "lists what is there: {stderr}"
    );
}

#[test]
fn output_is_byte_identical_from_run_to_run() {
    let path = fixture("debian.oci-zstd");
    let first = run(&["inspect", path.to_str().expect("utf-8"), "--format", "json"]);
    let second = run(&["inspect", path.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn the_table_names_layers_and_config() {
    let path = fixture("debian.oci");
    let output = run(&["inspect", path.to_str().expect("utf-8")]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "Platform:  linux/amd64",
        "Layers (3)",
        "User:        app",
        "APP_ENV=production",
        "device-skipped dev/null",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_path_that_is_no_image_gets_one_line_saying_what_was_expected() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let garbage = directory.path().join("not-an-image.tar");
    std::fs::write(&garbage, b"hello, this is not a tar archive").expect("write");
    for path in [garbage, directory.path().join("missing")] {
        let output = run(&["inspect", path.to_str().expect("utf-8")]);
        assert_eq!(code(&output), 2, "{}", describe(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains("OCI image layout"), "{stderr}");
    }
}

#[test]
fn a_corrupted_layer_is_an_error_naming_the_layer() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let copy = crate::support::corrupted_debian_archive(directory.path());
    let output = run(&["inspect", copy.to_str().expect("utf-8")]);
    assert_eq!(code(&output), 2, "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("layer 0") && stderr.contains("sha256:"),
        "{stderr}"
    );
    assert!(stderr.contains("mismatch"), "{stderr}");
}

#[test]
fn hostile_entries_are_clamped_and_reported_not_followed() {
    let inspection = inspect_json("hostile.docker.tar", &[]);
    let anomalies: Vec<String> = inspection["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .flat_map(|layer| layer["anomalies"].as_array().expect("anomalies").clone())
        .map(|anomaly| anomaly.as_str().expect("text").to_owned())
        .collect();
    assert!(
        anomalies
            .iter()
            .any(|anomaly| anomaly.starts_with("path-clamped")),
        "{anomalies:?}"
    );
}

#[test]
fn the_layer_size_limit_stops_an_oversized_layer_naming_it() {
    let path = fixture("debian.oci");
    let output = run(&[
        "inspect",
        path.to_str().expect("utf-8"),
        "--max-layer-size",
        "4K",
    ]);
    assert_eq!(code(&output), 2, "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Layers 0 and 1 are both over 4 KiB and are read in parallel: either may be named.
    assert!(
        (stderr.contains("layer 0 (sha256:") || stderr.contains("layer 1 (sha256:"))
            && stderr.contains("max_layer_uncompressed_bytes"),
        "{stderr}"
    );
}
