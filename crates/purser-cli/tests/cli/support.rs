//! Shared helpers: fixture images built once per test run, plugin directories holding exactly
//! the plugins a test wants, and running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The fixture images, built once into a temporary directory that lives as long as the tests.
pub fn fixtures() -> &'static Path {
    static BUILT: OnceLock<tempfile::TempDir> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let directory = tempfile::tempdir().expect("temporary directory");
            purser_fixtures::build_all(directory.path()).expect("fixture images build");
            directory
        })
        .path()
}

/// A fixture image by its output name (see `purser_fixtures::outputs`).
pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

/// The shared library of a plugin crate, as cargo built it for these tests (the plugins are
/// dev-dependencies, so their libraries sit next to the test executable).
pub fn plugin_library(crate_name: &str) -> PathBuf {
    let file = format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        crate_name.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    );
    let executable = std::env::current_exe().expect("test executable");
    let directory = executable.parent().expect("test directory");
    let library = directory.join(&file);
    assert!(
        library.exists(),
        "{} was not built; is {crate_name} a dev-dependency?",
        library.display()
    );
    library
}

/// A directory holding copies of the given plugin crates' libraries.
pub fn plugin_dir(crate_names: &[&str]) -> tempfile::TempDir {
    let directory = tempfile::tempdir().expect("temporary directory");
    for name in crate_names {
        let library = plugin_library(name);
        let copy = directory
            .path()
            .join(library.file_name().expect("file name"));
        std::fs::copy(&library, copy).expect("copy plugin");
    }
    directory
}

pub const OS_RELEASE: &str = "purser-analyzer-os-release";
pub const SETUID: &str = "purser-example-setuid";
pub const PANICKING: &str = "purser-testplugin-panicking";
pub const FAILING: &str = "purser-testplugin-failing";
pub const WRONG_VERSION: &str = "purser-testplugin-wrong-version";
pub const DPKG: &str = "purser-analyzer-dpkg";
pub const APK: &str = "purser-analyzer-apk";
pub const JAVA: &str = "purser-analyzer-java";
pub const PYTHON: &str = "purser-analyzer-python";
pub const RPM: &str = "purser-analyzer-rpm";
pub const SECRETS: &str = "purser-analyzer-secrets";

/// The `purser` binary under test.
pub fn purser() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_purser"));
    command
        .env_remove("PURSER_PLUGIN_PATH")
        .env_remove("RUST_LOG")
        .env_remove("PURSER_DB")
        // No default vulnerability database: a developer's own one must not change results.
        .env("XDG_CACHE_HOME", "/nonexistent/purser-test-cache")
        .env("NO_COLOR", "1");
    command
}

/// Runs `purser` with `args`.
pub fn run(args: &[&str]) -> Output {
    purser().args(args).output().expect("purser runs")
}

/// `purser scan IMAGE --format json` with only the plugins in `plugins`.
pub fn scan_json(image: &Path, plugins: &Path) -> (serde_json::Value, Output) {
    let output = purser()
        .arg("scan")
        .arg(image)
        .args(["--format", "json", "--no-default-plugins", "--plugin-dir"])
        .arg(plugins)
        .output()
        .expect("purser runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "scan printed no JSON ({error}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output)
}

/// `purser scan IMAGE --list-packages --format json` (the inventory: operating system and
/// packages, each with its analyzer, layer and source path) with only the plugins in `plugins`.
pub fn inventory_json(image: &Path, plugins: &Path) -> (serde_json::Value, Output) {
    let output = purser()
        .arg("scan")
        .arg(image)
        .args([
            "--list-packages",
            "--format",
            "json",
            "--no-default-plugins",
            "--plugin-dir",
        ])
        .arg(plugins)
        .output()
        .expect("purser runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "scan printed no JSON ({error}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output)
}

/// `purser db info --format json` of the database at `database`, after checking it exited 0.
pub fn db_info_json(database: &Path) -> serde_json::Value {
    let output = purser()
        .args(["db", "info", "--format", "json", "--db"])
        .arg(database)
        .output()
        .expect("purser runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("db info printed no JSON ({error}): {}", describe(&output)))
}

/// The process's exit code.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

/// Stdout and stderr, for assertion messages.
pub fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Observations of a report whose rule is `rule`, as their paths.
pub fn observed_paths(report: &serde_json::Value, rule: &str) -> Vec<String> {
    report["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .filter(|observation| observation["rule_id"] == rule)
        .map(|observation| observation["path"].as_str().expect("path").to_owned())
        .collect()
}

/// A copy of the debian docker archive in `directory` with one byte of the first layer's file
/// data flipped: the archive still parses, but the layer no longer hashes to its diff ID.
pub fn corrupted_debian_archive(directory: &Path) -> PathBuf {
    let copy = directory.join("debian.docker.tar");
    let mut bytes = std::fs::read(fixture("debian.docker.tar")).expect("read fixture");
    let marker = b"VERSION_CODENAME=bookworm";
    let at = bytes
        .windows(marker.len())
        .position(|window| window == marker)
        .expect("os-release text in layer 0");
    bytes[at] ^= 0x20;
    std::fs::write(&copy, bytes).expect("write corrupted copy");
    copy
}
