//! Finding and refusing plugins.

use crate::support::{
    code, describe, fixture, plugin_dir, plugin_library, purser, scan_json, OS_RELEASE,
    WRONG_VERSION,
};

#[test]
fn a_plugin_built_for_another_interface_is_refused_naming_both_versions() {
    let plugins = plugin_dir(&[OS_RELEASE, WRONG_VERSION]);
    let (report, output) = scan_json(&fixture("debian.oci"), plugins.path());
    assert_eq!(code(&output), 3, "{}", describe(&output));
    assert_eq!(
        report["operating_system"]["family"], "debian",
        "the other plugin still ran"
    );
    let refused = report["analyzers"]
        .as_array()
        .expect("analyzers")
        .iter()
        .find(|analyzer| analyzer["status"] == "failed")
        .expect("the refused plugin is listed");
    let error = refused["error"].as_str().expect("error");
    assert!(
        error.contains("libpurser_testplugin_wrong_version"),
        "{error}"
    );
    assert!(error.contains("0.9"), "{error}");
    assert!(
        error.contains(&purser_plugin_api::INTERFACE_VERSION.to_string()),
        "{error}"
    );
}

#[test]
fn a_library_that_is_not_a_plugin_is_reported_by_name() {
    let plugins = plugin_dir(&[OS_RELEASE]);
    let suffix = std::env::consts::DLL_SUFFIX;
    std::fs::write(
        plugins.path().join(format!("libgarbage{suffix}")),
        b"\x7fELF but not really",
    )
    .expect("write");
    // A real shared library that is not a Purser plugin: the C library itself, when the system
    // has one where Debian puts it.
    let libc = std::path::Path::new("/lib/x86_64-linux-gnu/libc.so.6");
    if libc.exists() {
        std::fs::copy(libc, plugins.path().join(format!("libc-copy{suffix}"))).expect("copy");
    }
    let output = purser()
        .arg("plugins")
        .args(["--no-default-plugins", "--plugin-dir"])
        .arg(plugins.path())
        .output()
        .expect("runs");
    assert_eq!(code(&output), 3, "{}", describe(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("libgarbage"), "{text}");
    assert!(text.contains("os-release"), "{text}");
    if libc.exists() {
        assert!(
            text.contains("libc-copy") && text.contains("does not export `purser_analyzer_entry`"),
            "{text}"
        );
    }
}

#[test]
fn a_plugin_directory_that_does_not_exist_is_an_error() {
    let output = purser()
        .arg("scan")
        .arg(fixture("debian.oci"))
        .args(["--plugin-dir", "/nonexistent/purser-plugins"])
        .output()
        .expect("runs");
    assert_eq!(code(&output), 2, "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/purser-plugins"), "{stderr}");
}

#[test]
fn the_plugins_command_lists_name_version_file_and_wants() {
    let plugins = plugin_dir(&[OS_RELEASE]);
    let output = purser()
        .args([
            "plugins",
            "--format",
            "json",
            "--no-default-plugins",
            "--plugin-dir",
        ])
        .arg(plugins.path())
        .output()
        .expect("runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let listing: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let plugin = &listing["plugins"][0];
    assert_eq!(plugin["name"], "os-release");
    assert_eq!(
        plugin["interface_version"],
        purser_plugin_api::INTERFACE_VERSION.to_string()
    );
    assert!(plugin["file"]
        .as_str()
        .expect("file")
        .ends_with(std::env::consts::DLL_SUFFIX));
    assert!(plugin["wants"]
        .as_str()
        .expect("wants")
        .contains("etc/os-release"));
}

#[test]
fn plugins_are_found_next_to_the_executable_and_in_the_plugin_path() {
    // A release layout: the binary with a `plugins` directory beside it.
    let release = tempfile::tempdir().expect("temporary directory");
    let binary = release.path().join("purser");
    std::fs::copy(env!("CARGO_BIN_EXE_purser"), &binary).expect("copy binary");
    std::fs::create_dir(release.path().join("plugins")).expect("plugins dir");
    let library = plugin_library(OS_RELEASE);
    std::fs::copy(
        &library,
        release
            .path()
            .join("plugins")
            .join(library.file_name().expect("name")),
    )
    .expect("copy plugin");
    let output = std::process::Command::new(&binary)
        .arg("plugins")
        .env_remove("PURSER_PLUGIN_PATH")
        .output()
        .expect("runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("os-release"),
        "{}",
        describe(&output)
    );

    // PURSER_PLUGIN_PATH adds directories.
    let extra = plugin_dir(&[crate::support::SETUID]);
    let output = std::process::Command::new(&binary)
        .args(["plugins", "--format", "json"])
        .env("PURSER_PLUGIN_PATH", extra.path())
        .output()
        .expect("runs");
    let listing: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let names: Vec<&str> = listing["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .map(|plugin| plugin["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        vec!["setuid-files", "os-release"],
        "PURSER_PLUGIN_PATH comes first"
    );
}
