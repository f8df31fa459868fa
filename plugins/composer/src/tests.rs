//! Tests of the whole analyzer through the exported function table, on the peers' Composer
//! fixtures (origins in `testdata/SOURCES.md`), on hostile input, and of which paths the
//! requests select.

use std::path::Path;

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding};
use purser_plugin_harness::{
    package_ids_with, packages, path_selector, scan_one_layer, whole_file,
};

use crate::{purser_analyzer_entry, ComposerAnalyzer};

const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");

const INSTALLED: &str = "var/www/vendor/composer/installed.json";

/// The bytes of `testdata/<name>`.
fn testdata(name: &str) -> Vec<u8> {
    let path = Path::new(TESTDATA).join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn input<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
    whole_file(path, contents, 0o644)
}

/// The findings of the exported table for the given files, in one layer.
fn scan(files: &[FileInput<'_>]) -> Vec<Finding> {
    scan_one_layer(purser_analyzer_entry, files)
}

/// The findings for one test data file placed at `path` in the image.
fn scan_one(path: &str, testdata_file: &str) -> Vec<Finding> {
    let contents = testdata(testdata_file);
    scan(&[input(path, &contents)])
}

/// `(level, path, message)` of every diagnostic.
fn diagnostics(findings: &[Finding]) -> Vec<(DiagnosticLevel, String, String)> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some((
                diagnostic.level,
                diagnostic.path.clone(),
                diagnostic.message.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// `name@version dev` of every package, in order (`-` when the file does not say).
fn ids(findings: &[Finding]) -> Vec<String> {
    package_ids_with(findings, "dev")
}

#[test]
fn syft_installed_json_of_composer_1_and_2() {
    // syft `syft/pkg/cataloger/php/parse_installed_json_test.go`: the same two packages from
    // both layouts.
    let findings = scan_one(INSTALLED, "syft-composer-1-installed.json");
    assert_eq!(
        ids(&findings),
        ["asm89/stack-cors@1.3.0 -", "behat/mink@v1.8.1 -"]
    );
    let findings = scan_one(INSTALLED, "syft-composer-2-installed.json");
    assert_eq!(
        ids(&findings),
        ["asm89/stack-cors@1.3.0 false", "behat/mink@v1.8.1 true"]
    );
    let found = packages(&findings);
    assert_eq!(
        found[0].purl.as_deref(),
        Some("pkg:composer/asm89/stack-cors@1.3.0")
    );
    assert_eq!(found[0].licenses, ["MIT"]);
    assert_eq!(found[0].source_path, INSTALLED);
    assert_eq!(found[0].metadata["evidence"], "installed-json");
    assert_eq!(found[0].metadata["package_type"], "library");
    assert_eq!(
        found[0].metadata["source_reference"],
        "b9c31def6a83f84b4d4a40d35996d375755f0e08"
    );
    assert!(diagnostics(&findings).is_empty());
}

#[test]
fn syft_and_trivy_locks_give_production_and_dev_packages() {
    // syft `syft/pkg/cataloger/php/parse_composer_lock_test.go`.
    let findings = scan_one("app/composer.lock", "syft-composer.lock");
    assert_eq!(
        ids(&findings),
        [
            "adoy/fastcgi-client@1.0.2 false",
            "alcaeus/mongo-php-adapter@1.1.11 false",
            "behat/gherkin@v4.6.2 true",
            "codeception/codeception@4.1.6 true",
        ]
    );

    // trivy `pkg/dependency/parser/php/composer/parse_test.go`: the eight `packages`; trivy
    // drops `packages-dev`, which are kept here with the dev flag.
    let findings = scan_one("app/composer.lock", "trivy-happy.lock");
    let production: Vec<String> = ids(&findings)
        .into_iter()
        .filter(|id| id.ends_with(" false"))
        .collect();
    assert_eq!(
        production,
        [
            "guzzlehttp/guzzle@6.5.8 false",
            "guzzlehttp/promises@1.5.2 false",
            "guzzlehttp/psr7@1.9.0 false",
            "psr/http-message@1.0.1 false",
            "ralouphie/getallheaders@3.0.3 false",
            "symfony/polyfill-intl-idn@v1.27.0 false",
            "symfony/polyfill-intl-normalizer@v1.27.0 false",
            "symfony/polyfill-php72@v1.27.0 false",
        ]
    );
    let found = packages(&findings);
    assert_eq!(found[7].licenses, ["MIT or BSD-2-Clause"]);
    assert_eq!(
        found[7].purl.as_deref(),
        Some("pkg:composer/symfony/polyfill-php72@v1.27.0")
    );

    // trivy `pkg/fanal/analyzer/language/php/composer/composer_test.go`, `with-dev`.
    let findings = scan_one("app/composer.lock", "trivy-with-dev.lock");
    assert_eq!(
        ids(&findings),
        [
            "psr/log@1.1.4 false",
            "pear/log@1.14.6 true",
            "pear/pear_exception@v1.0.2 true",
        ]
    );

    // trivy `.../composer_vendor_test.go`, `happy`.
    let findings = scan_one(INSTALLED, "trivy-happy-installed.json");
    assert_eq!(
        ids(&findings),
        ["pear/log@1.13.3 false", "pear/pear_exception@v1.0.2 false"]
    );
}

#[test]
fn trivys_integration_repositories_give_the_packages_of_its_goldens() {
    // `integration/testdata/composer.lock.json.golden` and `composer.vendor.json.golden`:
    // the same packages, each with the MIT licence.
    let findings = scan_one("srv/app/composer.lock", "trivy-integration.lock");
    assert_eq!(
        ids(&findings),
        [
            "guzzlehttp/guzzle@7.4.4 false",
            "guzzlehttp/psr7@1.8.3 false"
        ]
    );
    assert!(packages(&findings)
        .iter()
        .all(|package| package.licenses == ["MIT"]));

    let findings = scan_one(INSTALLED, "trivy-integration-installed.json");
    assert_eq!(
        ids(&findings),
        [
            "guzzlehttp/psr7@1.8.3 false",
            "psr/http-message@1.1 false",
            "ralouphie/getallheaders@3.0.3 false",
        ]
    );
    assert!(packages(&findings)
        .iter()
        .all(|package| package.licenses == ["MIT"]));
    assert!(diagnostics(&findings).is_empty());
}

#[test]
fn hostile_input_gives_warnings_naming_the_file_never_a_panic() {
    // Trivy's `sad` fixtures: one `{`.
    for (path, file) in [
        ("app/composer.lock", "trivy-sad.lock"),
        (INSTALLED, "trivy-sad-installed.json"),
    ] {
        let findings = scan_one(path, file);
        assert!(packages(&findings).is_empty());
        let diagnostics = diagnostics(&findings);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(
            (diagnostics[0].0, diagnostics[0].1.as_str()),
            (DiagnosticLevel::Warning, path)
        );
    }

    let garbage: Vec<u8> = (0..10u32 << 20)
        .map(|index| (index.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let deep = "[".repeat(100_000);
    let lock = testdata("syft-composer.lock");
    for contents in [&garbage[..], deep.as_bytes(), &lock[..lock.len() / 2]] {
        for path in ["app/composer.lock", INSTALLED] {
            let findings = scan(&[input(path, contents)]);
            assert!(packages(&findings).is_empty(), "{path}");
            let diagnostics = diagnostics(&findings);
            assert_eq!(diagnostics.len(), 1, "{path}: {diagnostics:?}");
            assert_eq!(diagnostics[0].1, path);
        }
    }

    let analyzer = ComposerAnalyzer::new(&serde_json::json!({"max_file_size": 10})).unwrap();
    let mut findings = Vec::new();
    analyzer
        .analyze_file(&mut (), &input("composer.lock", &lock), &mut findings)
        .unwrap();
    assert!(diagnostics(&findings)[0].2.contains("option max_file_size"));
}

#[test]
fn requests_select_installed_json_and_locks_only() {
    let requests = ComposerAnalyzer::default().requests().files;
    let selected = path_selector(&requests);
    for path in [
        INSTALLED,
        "app/lib/composer/installed.json",
        "composer.lock",
        "srv/composer.lock",
    ] {
        assert!(selected(path), "{path}");
    }
    for path in [
        "app/installed.json",
        "app/composer.json",
        "vendor/composer/installed.php",
    ] {
        assert!(!selected(path), "{path}");
    }
}
