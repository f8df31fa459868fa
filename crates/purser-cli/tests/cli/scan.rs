//! `purser scan` end to end: real plugins through the plugin boundary, overlay merge, failures.

use std::path::{Path, PathBuf};

use purser_fixtures::{
    write_oci_layout, HistoryEntry, ImageSpec, Layer, OciLayoutOptions, Platform,
};

use crate::support::{
    code, describe, fixture, observed_paths, plugin_dir, purser, scan_json, FAILING, OS_RELEASE,
    PANICKING, SETUID,
};

#[test]
fn the_operating_system_is_found_through_the_plugin_boundary_in_every_encoding() {
    let plugins = plugin_dir(&[OS_RELEASE]);
    for name in [
        "debian.oci",
        "debian.docker.tar",
        "debian.oci-zstd",
        "debian.oci.tar",
        "debian.rootfs",
    ] {
        let (report, output) = scan_json(&fixture(name), plugins.path());
        assert_eq!(code(&output), 0, "{name}: {}", describe(&output));
        let os = &report["operating_system"];
        assert_eq!(os["family"], "debian", "{name}");
        assert_eq!(os["version_id"], "12.11", "{name}");
        assert_eq!(os["codename"], "bookworm", "{name}");
        assert_eq!(os["analyzer"], "os-release", "{name}");
        assert_eq!(report["partial"], false, "{name}");
    }

    let (report, _) = scan_json(&fixture("alpine.oci"), plugins.path());
    assert_eq!(report["operating_system"]["family"], "alpine");
    assert_eq!(report["operating_system"]["version_id"], "3.19.1");
}

#[test]
fn the_platform_decides_which_image_of_an_index_is_scanned() {
    let plugins = plugin_dir(&[OS_RELEASE]);
    let output = purser()
        .arg("scan")
        .arg(fixture("multiarch.oci"))
        .args([
            "--platform",
            "linux/arm64/v8",
            "--format",
            "json",
            "--no-default-plugins",
            "--plugin-dir",
        ])
        .arg(plugins.path())
        .output()
        .expect("runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["artifact"]["platform"], "linux/arm64/v8");
    let pretty = report["operating_system"]["pretty_name"]
        .as_str()
        .expect("pretty name");
    assert!(pretty.contains("aarch64"), "{pretty}");
}

#[test]
fn reports_are_byte_identical_from_run_to_run() {
    let plugins = plugin_dir(&[OS_RELEASE, SETUID]);
    let (_, first) = scan_json(&fixture("debian.oci"), plugins.path());
    let (_, second) = scan_json(&fixture("debian.oci"), plugins.path());
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn an_example_analyzer_loads_from_its_own_directory() {
    let plugins = plugin_dir(&[SETUID]);
    let (report, output) = scan_json(&fixture("debian.docker.tar"), plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert_eq!(
        observed_paths(&report, "setuid-file"),
        vec!["usr/bin/passwd"]
    );
    assert_eq!(observed_paths(&report, "setgid-file"), vec!["usr/bin/wall"]);
    assert_eq!(report["analyzers"][0]["name"], "setuid-files");
    assert_eq!(report["analyzers"][0]["status"], "ok");
}

#[test]
fn files_a_later_layer_deleted_are_gone_from_the_final_picture() {
    // The panicking test plugin reports every file it sees; `app/config/.env` is deleted by the
    // top layer, `etc/passwd` is replaced by layer 1, `usr/bin/bash` is untouched.
    let plugins = plugin_dir(&[PANICKING]);
    let (report, output) = scan_json(&fixture("debian.oci"), plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let seen = observed_paths(&report, "test-file-seen");
    assert!(seen.contains(&"usr/bin/bash".to_owned()), "{seen:?}");
    assert!(
        !seen.contains(&"app/config/.env".to_owned()),
        "deleted in layer 2: {seen:?}"
    );
    let passwd: Vec<_> = report["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .filter(|observation| observation["path"] == "etc/passwd")
        .collect();
    assert_eq!(passwd.len(), 1, "only the final copy counts: {passwd:?}");
    assert_eq!(passwd[0]["layer"]["index"], 1);
}

/// A one-layer OCI image with the given files.
fn small_image(directory: &Path, files: &[&str]) -> PathBuf {
    let mut layer = Layer::new();
    for path in files {
        layer = layer.file(path, 0o644, format!("contents of {path}\n"));
    }
    let mut spec = ImageSpec::new("purser-tests/small:1", Platform::linux_amd64());
    spec.layers.push(layer);
    spec.history.push(HistoryEntry::layer("COPY files /"));
    let out = directory.join("small.oci");
    write_oci_layout(
        std::slice::from_ref(&spec),
        &out,
        OciLayoutOptions::default(),
    )
    .expect("image");
    out
}

#[test]
fn a_panicking_analyzer_is_contained_and_the_scan_goes_on() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let image = small_image(
        directory.path(),
        &["etc/hostname", "srv/panic-now", "usr/share/zzz"],
    );
    let plugins = plugin_dir(&[PANICKING, OS_RELEASE]);
    let (report, output) = scan_json(&image, plugins.path());
    assert_eq!(code(&output), 3, "a partial result: {}", describe(&output));
    assert_eq!(report["partial"], true);

    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let panic = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["path"] == "srv/panic-now")
        .unwrap_or_else(|| panic!("a diagnostic for the file: {diagnostics:?}"));
    assert_eq!(panic["analyzer"], "test-panicking");
    assert_eq!(panic["level"], "error");
    assert!(
        panic["message"]
            .as_str()
            .expect("message")
            .contains("panicked"),
        "{panic}"
    );

    let seen = observed_paths(&report, "test-file-seen");
    assert_eq!(
        seen,
        vec!["etc/hostname", "usr/share/zzz"],
        "files after the panic were analyzed"
    );
    let status: Vec<_> = report["analyzers"]
        .as_array()
        .expect("analyzers")
        .iter()
        .map(|a| (a["name"].clone(), a["status"].clone()))
        .collect();
    assert!(
        status.contains(&("test-panicking".into(), "partial".into())),
        "{status:?}"
    );
    assert!(
        status.contains(&("os-release".into(), "ok".into())),
        "{status:?}"
    );
    assert!(
        output.stderr.is_empty()
            || !String::from_utf8_lossy(&output.stderr).contains("panicked at"),
        "the panic is not printed raw: {}",
        describe(&output)
    );
}

#[test]
fn an_analyzer_error_names_the_analyzer_and_the_file() {
    let plugins = plugin_dir(&[FAILING]);
    let (report, output) = scan_json(&fixture("debian.oci"), plugins.path());
    assert_eq!(code(&output), 3, "{}", describe(&output));
    let failed: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|diagnostic| diagnostic["analyzer"] == "test-failing")
        .map(|diagnostic| diagnostic["path"].as_str().expect("path"))
        .collect();
    assert!(failed.contains(&"etc/debian_version"), "{failed:?}");
    assert!(
        failed.iter().all(|path| path.starts_with("etc/")),
        "{failed:?}"
    );

    let table = purser()
        .arg("scan")
        .arg(fixture("debian.oci"))
        .args(["--no-default-plugins", "--plugin-dir"])
        .arg(plugins.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("[test-failing layer 0] etc/debian_version:"),
        "{text}"
    );
    assert!(text.contains("The result is partial"), "{text}");
}

#[test]
fn analyzers_can_be_chosen_and_skipped_by_name() {
    let plugins = plugin_dir(&[OS_RELEASE, SETUID]);
    let run = |selection: &[&str]| {
        let output = purser()
            .arg("scan")
            .arg(fixture("debian.oci"))
            .args(["--format", "json", "--no-default-plugins", "--plugin-dir"])
            .arg(plugins.path())
            .args(selection)
            .output()
            .expect("runs");
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
        (report, output)
    };
    let (report, _) = run(&["--analyzers", "setuid-files"]);
    assert_eq!(report["analyzers"].as_array().expect("analyzers").len(), 1);
    assert!(report["operating_system"].is_null());
    let (report, _) = run(&["--skip-analyzers", "setuid-files"]);
    assert_eq!(report["analyzers"][0]["name"], "os-release");
    let (_, output) = run(&["--analyzers", "no-such-analyzer"]);
    assert_eq!(code(&output), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no-such-analyzer") && stderr.contains("os-release"),
        "{stderr}"
    );
}

#[test]
fn timings_show_each_layer_and_analyzer() {
    let plugins = plugin_dir(&[OS_RELEASE]);
    let output = purser()
        .arg("scan")
        .arg(fixture("debian.oci"))
        .args(["--timings", "--no-default-plugins", "--plugin-dir"])
        .arg(plugins.path())
        .output()
        .expect("runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("layer 2") && stderr.contains("analyzer os-release"),
        "{stderr}"
    );
}

#[test]
fn output_files_are_written_whole() {
    let plugins = plugin_dir(&[OS_RELEASE]);
    let directory = tempfile::tempdir().expect("temporary directory");
    let target = directory.path().join("report.json");
    std::fs::write(&target, "previous report").expect("write");
    let output = purser()
        .arg("scan")
        .arg(fixture("debian.oci"))
        .args(["--format", "json", "--no-default-plugins", "--plugin-dir"])
        .arg(plugins.path())
        .arg("--output")
        .arg(&target)
        .output()
        .expect("runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(output.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&target).expect("read")).expect("JSON");
    assert_eq!(report["operating_system"]["family"], "debian");
    assert_eq!(
        std::fs::read_dir(directory.path()).expect("list").count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn a_layer_that_fails_verification_stops_the_scan_with_an_error() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let copy = crate::support::corrupted_debian_archive(directory.path());
    let plugins = plugin_dir(&[OS_RELEASE]);
    let output = purser()
        .arg("scan")
        .arg(&copy)
        .args(["--no-default-plugins", "--plugin-dir"])
        .arg(plugins.path())
        .output()
        .expect("runs");
    assert_eq!(code(&output), 2, "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("diff ID mismatch"),
        "{}",
        describe(&output)
    );
}

#[test]
fn list_packages_prints_only_the_inventory() {
    let plugins = plugin_dir(&[crate::support::APK, OS_RELEASE]);
    let run = |format: &str| {
        purser()
            .arg("scan")
            .arg(fixture("alpine.oci"))
            .args([
                "--list-packages",
                "--format",
                format,
                "--no-default-plugins",
                "--plugin-dir",
            ])
            .arg(plugins.path())
            .output()
            .expect("runs")
    };
    let table = run("table");
    assert_eq!(code(&table), 0, "{}", describe(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("NAME"), "{text}");
    assert!(
        text.contains("pkg:apk/alpine/bash@5.2.21-r0?arch=x86_64"),
        "{text}"
    );
    assert!(!text.contains("Secrets"), "{text}");

    let json = run("json");
    let inventory: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(inventory["operating_system"]["family"], "alpine");
    assert_eq!(inventory["packages"].as_array().expect("packages").len(), 4);
    assert!(inventory.get("observations").is_none());
}
