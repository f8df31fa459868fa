//! Scenario tests: a real `cargo auditable` executable (`testdata/auditable-demo`, see
//! `testdata/SOURCES.md`), hostile variants of it made by patching its bytes, the peers'
//! `Cargo.lock` fixtures, and the exported table driven through `purser-plugin-harness`.

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding, LayerContext};
use purser_plugin_harness::{packages, whole_file, Plugin};

use crate::{analyze_executable, purser_analyzer_entry, RustAnalyzer, SECTION_NAME};

/// The bytes of `testdata/<name>`.
fn testdata(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// A file input for `contents` at `path`.
fn input<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
    whole_file(path, contents, 0o755)
}

/// The findings of the exported table for the given files, in one layer.
fn scan(files: &[FileInput<'_>]) -> Vec<Finding> {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("header accepted");
    let instance = plugin.create(&serde_json::Value::Null).expect("instance");
    let mut session = instance
        .start_layer(&LayerContext::default())
        .expect("session");
    let mut findings = session.analyze_files(files).expect("analyzed");
    findings.extend(session.finish().expect("finished"));
    findings
}

/// The findings of the executable reader alone.
fn findings_of(contents: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    analyze_executable(&input("usr/bin/demo", contents), &mut findings);
    findings
}

/// `(name, version, source)` of the packages among `findings`.
fn summary(findings: &[Finding]) -> Vec<(String, String, String)> {
    packages(findings)
        .iter()
        .map(|package| {
            (
                package.name.clone(),
                package.version.clone(),
                package.metadata["source"].clone(),
            )
        })
        .collect()
}

/// The one diagnostic among `findings`, as `(level, message)`.
fn only_diagnostic(findings: &[Finding]) -> (DiagnosticLevel, String) {
    let diagnostics: Vec<_> = findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some((diagnostic.level, diagnostic.message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(diagnostics.len(), 1, "{findings:?}");
    diagnostics[0].clone()
}

fn triple(name: &str, version: &str, source: &str) -> (String, String, String) {
    (name.to_owned(), version.to_owned(), source.to_owned())
}

/// The file offset of the section header of `.dep-v0` in the little-endian ELF64 `file`.
fn dep_section_header(file: &[u8]) -> usize {
    let u64_at = |at: usize| u64::from_le_bytes(file[at..at + 8].try_into().expect("8 bytes"));
    let u32_at = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().expect("4 bytes"));
    let u16_at =
        |at: usize| usize::from(u16::from_le_bytes(file[at..at + 2].try_into().expect("2")));
    let table = u64_at(40) as usize;
    let names = u64_at(table + 64 * u16_at(62) + 24) as usize;
    (0..u16_at(60))
        .map(|index| table + 64 * index)
        .find(|header| {
            let name = names + u32_at(*header) as usize;
            file[name..].starts_with(SECTION_NAME.as_bytes())
        })
        .expect("the demo has a .dep-v0 section")
}

#[test]
fn real_auditable_executable_matches_syft() {
    let binary = testdata("auditable-demo");
    let findings = scan(&[input("usr/local/bin/auditable-demo", &binary)]);

    // `syft testdata/auditable-demo -o json` lists the same four crates.
    assert_eq!(
        summary(&findings),
        [
            triple("auditable-demo", "0.1.0", "local"),
            triple("base64", "0.5.1", "crates.io"),
            triple("byteorder", "1.5.0", "crates.io"),
            triple("smallvec", "1.6.0", "crates.io"),
        ]
    );
    let all = packages(&findings);
    assert_eq!(all[0].metadata["root"], "true");
    assert_eq!(all[0].purl, None);
    assert_eq!(all[3].purl.as_deref(), Some("pkg:cargo/smallvec@1.6.0"));
    assert!(all.iter().all(|package| package.ecosystem == "crates.io"
        && package.source_path == "usr/local/bin/auditable-demo"
        && package.metadata["evidence"] == "cargo-auditable"));
}

#[test]
fn hostile_variants_of_the_real_executable() {
    let binary = testdata("auditable-demo");
    let header = dep_section_header(&binary);

    // The section's offset beyond the end of the file.
    let mut outside = binary.clone();
    outside[header + 24..header + 32].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let (level, message) = only_diagnostic(&findings_of(&outside));
    assert_eq!(level, DiagnosticLevel::Warning);
    assert!(
        message.contains("section .dep-v0 lies outside the file"),
        "{message}"
    );

    // The section's bytes replaced by garbage.
    let mut garbage = binary.clone();
    let offset =
        u64::from_le_bytes(binary[header + 24..header + 32].try_into().expect("8")) as usize;
    garbage[offset..offset + 16].copy_from_slice(b"definitely!zlib?");
    let (_, message) = only_diagnostic(&findings_of(&garbage));
    assert!(message.contains("not a valid zlib stream"), "{message}");

    // Truncated: the section header table sits at the end, so any cut loses it.
    let (_, message) = only_diagnostic(&findings_of(&binary[..binary.len() / 2]));
    assert!(
        message.starts_with("not analyzed for cargo auditable data: unreadable ELF headers"),
        "{message}"
    );
    for length in (0..binary.len()).step_by(4099) {
        assert!(packages(&findings_of(&binary[..length])).is_empty());
    }
}

#[test]
fn executables_without_the_section_and_other_files_give_nothing() {
    let ls = std::fs::read("/bin/ls").expect("every Debian has /bin/ls");
    assert!(findings_of(&ls).is_empty());
    assert!(findings_of(b"#!/bin/sh\nexit 0\n").is_empty());
    assert!(findings_of(b"MZ").is_empty(), "too short to be anything");
    let broken_pe = [&b"MZ"[..], &[0u8; 62]].concat();
    let (level, message) = only_diagnostic(&findings_of(&broken_pe));
    assert_eq!(level, DiagnosticLevel::Warning);
    assert!(message.contains("unreadable PE headers"), "{message}");
}

#[test]
fn cargo_lock_fixtures_of_the_peers() {
    let analyze = |name: &str| {
        let contents = testdata(name);
        let mut file = input("src/Cargo.lock", &contents);
        file.mode = 0o644;
        let mut findings = Vec::new();
        RustAnalyzer
            .analyze_file(&mut (), &file, &mut findings)
            .expect("never fails");
        findings
    };

    // Version 1: no `version` key, checksums in `[metadata]`.
    let v1 = analyze("trivy-v1.lock");
    assert_eq!(packages(&v1).len(), 8);
    assert!(summary(&v1).contains(&triple("normal", "0.1.0", "path")));
    assert!(summary(&v1).contains(&triple("libc", "0.2.54", "crates.io")));

    let v3 = analyze("trivy-v3.lock");
    assert_eq!(packages(&v3).len(), 9);
    assert!(packages(&v3)
        .iter()
        .all(|package| package.metadata["source"] != "crates.io"
            || package.metadata.contains_key("checksum")));

    let git = analyze("syft-git-deps.lock");
    // The same regex 1.11.1 twice: from crates.io (with a purl) and from git (without).
    let regex: Vec<(&str, Option<&str>)> = packages(&git)
        .into_iter()
        .filter(|package| package.name == "regex")
        .map(|package| (package.metadata["source"].as_str(), package.purl.as_deref()))
        .collect();
    assert_eq!(
        regex,
        [("crates.io", Some("pkg:cargo/regex@1.11.1")), ("git", None)]
    );

    assert_eq!(
        summary(&analyze("scalibr-two-packages-with-local.lock")),
        [
            triple("addr2line", "0.15.2", "crates.io"),
            triple("local-rust-pkg", "0.1.0", "path")
        ]
    );

    let (level, message) = only_diagnostic(&analyze("trivy-invalid.lock"));
    assert_eq!(level, DiagnosticLevel::Warning);
    assert!(
        message.starts_with("not a readable Cargo.lock"),
        "{message}"
    );
}

#[test]
fn a_version_4_lock_gives_the_packages_of_trivys_golden_and_the_development_ones() {
    // Trivy's `integration/testdata/cargo.lock.json.golden` lists the project `app` and six
    // crates. It reads `Cargo.toml` beside the lock to leave out `winapi`, a dev-dependency, and
    // the two crates only it pulls in; Purser reads the lock alone and lists them too.
    let contents = testdata("trivy-integration-v4.lock");
    let mut file = input("src/app/Cargo.lock", &contents);
    file.mode = 0o644;
    let mut findings = Vec::new();
    RustAnalyzer
        .analyze_file(&mut (), &file, &mut findings)
        .expect("never fails");
    let mut found = summary(&findings);
    found.sort();
    assert_eq!(
        found,
        [
            triple("aho-corasick", "0.7.20", "crates.io"),
            triple("app", "0.1.0", "path"),
            triple("libc", "0.2.171", "crates.io"),
            triple("memchr", "1.0.2", "crates.io"),
            triple("memchr", "2.7.4", "crates.io"),
            triple("regex", "1.7.3", "crates.io"),
            triple("regex-syntax", "0.6.29", "crates.io"),
            triple("winapi", "0.3.9", "crates.io"),
            triple("winapi-i686-pc-windows-gnu", "0.4.0", "crates.io"),
            triple("winapi-x86_64-pc-windows-gnu", "0.4.0", "crates.io"),
        ]
    );
    assert_eq!(findings.len(), 10, "no diagnostic: {findings:?}");
}

#[test]
fn requests_every_executable_and_cargo_lock() {
    let requests = RustAnalyzer.requests();
    assert!(requests.files[0].all_files);
    assert_eq!(requests.files[0].mode_any, Some(0o111));
    assert_eq!(requests.files[2].file_names, ["Cargo.lock"]);
    assert!(RustAnalyzer::new(&serde_json::json!([])).is_err());
}
