//! Tests of the whole analyzer on real installed databases (sources in `testdata/SOURCES.md`
//! and the repository's alpine fixture image), and through the exported function table.

use purser_plugin_api::{Analyzer, FileInput, Finding, LayerContext, OwnedFiles, Package};
use purser_plugin_harness::Plugin;

use crate::{purser_analyzer_entry, ApkAnalyzer, INSTALLED_DATABASE};

fn database(contents: &[u8]) -> FileInput<'_> {
    FileInput {
        path: INSTALLED_DATABASE,
        size: contents.len() as u64,
        mode: 0o644,
        contents,
        truncated: false,
    }
}

/// Runs one layer through the trait, the way the engine does.
fn analyze(files: &[FileInput<'_>]) -> Vec<Finding> {
    let analyzer = ApkAnalyzer::new(&serde_json::Value::Null).expect("no options");
    let mut layer = analyzer
        .start_layer(&LayerContext::default())
        .expect("layer starts");
    let mut findings = Vec::new();
    for file in files {
        analyzer
            .analyze_file(&mut layer, file, &mut findings)
            .expect("never fails on data");
    }
    analyzer
        .finish_layer(layer, &mut findings)
        .expect("layer finishes");
    findings
}

fn packages(findings: &[Finding]) -> Vec<&Package> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Package(package) => Some(package),
            _ => None,
        })
        .collect()
}

fn name_version_files(findings: &[Finding]) -> Vec<(String, String, String)> {
    packages(findings)
        .into_iter()
        .map(|package| {
            (
                package.name.clone(),
                package.version.clone(),
                package.metadata["files"].clone(),
            )
        })
        .collect()
}

fn diagnostics(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some(diagnostic.message.clone()),
            _ => None,
        })
        .collect()
}

fn expected(rows: &[(&str, &str, usize)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(name, version, files)| ((*name).into(), (*version).into(), files.to_string()))
        .collect()
}

#[test]
fn an_alpine_3_16_database_gives_every_package_and_its_files() {
    let findings = analyze(&[database(include_bytes!("../testdata/syft-multiple-2"))]);
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );
    assert_eq!(
        name_version_files(&findings),
        expected(&[
            ("alpine-baselayout-data", "3.2.0-r22", 14),
            ("musl", "1.2.3-r0", 2),
            ("busybox", "1.35.0-r17", 7),
            ("alpine-baselayout", "3.2.0-r22", 14),
            ("alpine-keys", "2.4-r1", 41),
            ("ca-certificates-bundle", "20220614-r0", 2),
            ("libcrypto1.1", "1.1.1q-r0", 12),
            ("libssl1.1", "1.1.1q-r0", 2),
            ("ssl_client", "1.35.0-r17", 1),
            ("zlib", "1.2.12-r3", 2),
            ("apk-tools", "2.12.9-r3", 2),
            ("scanelf", "1.3.4-r0", 1),
            ("musl-utils", "1.2.3-r0", 5),
            ("libc-utils", "0.7.2-r3", 0),
        ])
    );

    let packages = packages(&findings);
    let libssl = packages
        .iter()
        .find(|package| package.name == "libssl1.1")
        .expect("libssl1.1");
    assert_eq!(libssl.metadata["origin"], "openssl");
    assert_eq!(libssl.metadata["architecture"], "x86_64");
    assert_eq!(libssl.licenses, ["OpenSSL"]);
    assert_eq!(
        libssl.purl.as_deref(),
        Some("pkg:apk/alpine/libssl1.1@1.1.1q-r0?arch=x86_64")
    );
    assert!(libssl.metadata.contains_key("commit"));
    assert!(libssl.metadata.contains_key("maintainer"));
}

#[test]
fn the_fixture_images_layers_each_give_their_database() {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/images/alpine/layers"
    );
    let read = |layer: u8| {
        let path = format!("{root}/{layer}/lib/apk/db/installed");
        std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
    };
    let base = read(0);
    let with_bash = read(1);

    assert_eq!(
        name_version_files(&analyze(&[database(&base)])),
        expected(&[
            ("musl", "1.2.4_git20230717-r4", 2),
            ("busybox-binsh", "1.36.1-r15", 1),
        ])
    );
    let findings = analyze(&[database(&with_bash)]);
    let names: Vec<&str> = packages(&findings)
        .iter()
        .map(|package| package.name.as_str())
        .collect();
    assert_eq!(names, ["musl", "busybox-binsh", "readline", "bash"]);
}

#[test]
fn a_garbage_line_is_a_warning_and_the_rest_is_read() {
    let findings = analyze(&[database(include_bytes!("../testdata/syft-corrupt"))]);
    assert_eq!(
        diagnostics(&findings),
        ["line 1: expected a `X:value` line; skipped"]
    );
    assert_eq!(
        name_version_files(&findings),
        expected(&[("alpine-baselayout-data", "3.2.0-r22", 14)])
    );
}

#[test]
fn stanzas_without_maintainer_or_licence_still_give_packages() {
    let findings = analyze(&[database(include_bytes!("../testdata/grype-installed"))]);
    let packages = packages(&findings);
    let ko = packages
        .iter()
        .find(|package| package.name == "ko")
        .expect("ko");
    assert!(ko.licenses.is_empty());
    assert!(!ko.metadata.contains_key("maintainer"));
    assert_eq!(ko.metadata["origin"], "ko");
    assert_eq!(
        ko.purl.as_deref(),
        Some("pkg:apk/alpine/ko@0.15.1?arch=x86_64")
    );
    assert_eq!(packages.len(), 3);
}

#[test]
fn a_repeated_database_in_one_layer_keeps_the_later_one() {
    let findings = analyze(&[
        database(include_bytes!("../testdata/syft-multiple-2")),
        database(include_bytes!("../testdata/trivy-installed")),
    ]);
    assert_eq!(
        name_version_files(&findings),
        expected(&[("musl", "1.1.24-r2", 2)])
    );
}

#[test]
fn a_truncated_database_drops_its_cut_stanza_and_says_so() {
    let findings = analyze(&[FileInput {
        size: 1_000_000,
        truncated: true,
        ..database(b"P:a\nV:1\n\nP:b\nV:2.0-")
    }]);
    assert_eq!(name_version_files(&findings), expected(&[("a", "1", 0)]));
    let diagnostics = diagnostics(&findings);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(diagnostics[0].contains("read limit"), "{diagnostics:?}");
}

#[test]
fn an_unrequested_file_is_refused() {
    let analyzer = ApkAnalyzer;
    let mut layer = crate::LayerState::default();
    let file = FileInput {
        path: "etc/apk/world",
        ..database(b"bash\n")
    };
    assert!(analyzer
        .analyze_file(&mut layer, &file, &mut Vec::new())
        .is_err());
}

#[test]
fn options_are_refused() {
    let error = ApkAnalyzer::new(&serde_json::json!(["x"])).expect_err("refused");
    assert!(error.message().contains("takes no options"), "{error}");
}

#[test]
fn the_exported_table_reports_packages_through_json() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    assert_eq!(plugin.describe().expect("describes").name, "apk");
    let instance = plugin
        .create(&serde_json::json!({}))
        .expect("instance created");
    assert_eq!(
        instance.requests().files[0].exact_paths,
        [INSTALLED_DATABASE]
    );

    let findings = instance
        .scan_layer(
            &LayerContext::default(),
            &[database(include_bytes!("../testdata/trivy-installed"))],
        )
        .expect("layer scanned");
    let packages = packages(&findings);
    let [musl] = packages.as_slice() else {
        panic!("expected one package, got {findings:?}")
    };
    assert_eq!(musl.ecosystem, "apk");
    assert_eq!(musl.licenses, ["MIT"]);
    assert_eq!(
        musl.metadata["commit"],
        "4024cc3b29ad4c65544ad068b8f59172b5494306"
    );
    assert_eq!(musl.source_path, INSTALLED_DATABASE);

    let owned: Vec<&OwnedFiles> = findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::OwnedFiles(owned) => Some(owned),
            _ => None,
        })
        .collect();
    let [owned] = owned.as_slice() else {
        panic!("expected musl's owned files, got {findings:?}")
    };
    assert_eq!(owned.package, "musl");
    assert_eq!(owned.paths.len(), 3, "{:?}", owned.paths);
    assert!(owned.paths.iter().all(|path| path.starts_with("lib")));
}

#[test]
fn every_package_with_files_owns_its_directories_and_files() {
    let findings = analyze(&[database(include_bytes!("../testdata/syft-multiple-2"))]);
    let owned: Vec<(&str, usize)> = findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::OwnedFiles(owned) => Some((owned.package.as_str(), owned.paths.len())),
            _ => None,
        })
        .collect();
    // One list per package but libc-utils, which installs nothing; each holds at least the
    // package's `R:` files.
    assert_eq!(owned.len(), 13, "{owned:?}");
    assert!(owned.iter().all(|(name, _)| *name != "libc-utils"));
    let zlib_paths = findings
        .iter()
        .find_map(|finding| match finding {
            Finding::OwnedFiles(owned) if owned.package == "zlib" => Some(&owned.paths),
            _ => None,
        })
        .expect("zlib owns files");
    assert!(
        zlib_paths
            .iter()
            .any(|path| path.starts_with("lib/libz.so")),
        "{zlib_paths:?}"
    );
}
