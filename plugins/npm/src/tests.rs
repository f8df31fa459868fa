//! Tests of the whole analyzer on real installed trees and real lock files (origins in
//! `testdata/SOURCES.md`), on hostile input, and through the exported function table.

mod scalibr;

use std::collections::BTreeSet;
use std::path::Path;

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding, LayerContext, Package};
use purser_plugin_harness::Plugin;

use crate::{purser_analyzer_entry, NpmAnalyzer};

const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");

/// The files of a test data folder, as (path in the image, contents), sorted by path.
fn tree(folder: &str, image_prefix: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(TESTDATA).join(folder);
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).expect("testdata folder") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(&root).expect("under root");
            let image_path = format!("{image_prefix}{}", relative.to_string_lossy());
            files.push((image_path, std::fs::read(&path).expect("testdata file")));
        }
    }
    files.sort();
    files
}

fn file_input<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
    FileInput {
        path,
        size: contents.len() as u64,
        mode: 0o644,
        contents,
        truncated: false,
    }
}

/// Runs files through the trait, the way the engine does for one layer.
fn analyze(files: &[FileInput<'_>]) -> Vec<Finding> {
    let analyzer = NpmAnalyzer::new(&serde_json::Value::Null).expect("no options");
    analyzer
        .start_layer(&LayerContext::default())
        .expect("layer starts");
    let mut findings = Vec::new();
    for file in files {
        analyzer
            .analyze_file(&mut (), file, &mut findings)
            .expect("never fails on data");
    }
    analyzer
        .finish_layer((), &mut findings)
        .expect("layer finishes");
    findings
}

fn analyze_tree(files: &[(String, Vec<u8>)]) -> Vec<Finding> {
    let inputs: Vec<FileInput<'_>> = files
        .iter()
        .map(|(path, contents)| file_input(path, contents))
        .collect();
    analyze(&inputs)
}

fn analyze_one(path: &str, testdata_file: &str) -> Vec<Finding> {
    let contents = std::fs::read(Path::new(TESTDATA).join(testdata_file)).expect("testdata");
    analyze(&[file_input(path, &contents)])
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

fn diagnostics(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some(diagnostic.message.clone()),
            _ => None,
        })
        .collect()
}

/// `name@version` of every package with the given evidence, sorted.
fn ids(findings: &[Finding], evidence: &str) -> Vec<String> {
    let mut ids: Vec<String> = packages(findings)
        .into_iter()
        .filter(|package| package.metadata["evidence"] == evidence)
        .map(|package| format!("{}@{}", package.name, package.version))
        .collect();
    ids.sort();
    ids
}

/// Trivy's expected production packages for `pnpm-lock_many.yaml`
/// (`pnpmMany` in trivy's `pkg/dependency/parser/nodejs/pnpm/parse_testcase.go`).
const TRIVY_PNPM_MANY_PRODUCTION: &str = include_str!("../testdata/goldens/trivy-pnpm-many.txt");

#[test]
fn a_real_npm_install_tree_matches_the_lock_npm_wrote_for_it() {
    let files = tree("npm-install", "app/");
    let findings = analyze_tree(&files);
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );

    let installed: BTreeSet<(String, String, String)> = packages(&findings)
        .into_iter()
        .filter(|package| package.metadata["evidence"] == "installed-package-json")
        .map(|package| {
            let folder = package.metadata["package_path"].trim_start_matches("app/");
            (
                package.name.clone(),
                package.version.clone(),
                folder.to_owned(),
            )
        })
        .collect();
    let locked: BTreeSet<(String, String, String)> = packages(&findings)
        .into_iter()
        .filter(|package| package.metadata["evidence"] == "package-lock")
        .map(|package| {
            let folder = package.metadata["install_path"].clone();
            (package.name.clone(), package.version.clone(), folder)
        })
        .collect();
    assert_eq!(installed.len(), 54);
    assert_eq!(installed, locked);

    let express = packages(&findings)
        .into_iter()
        .find(|package| {
            package.name == "express" && package.metadata["evidence"] == "installed-package-json"
        })
        .expect("express");
    assert_eq!(express.version, "4.16.0");
    assert_eq!(express.licenses, ["MIT"]);
    assert_eq!(express.purl.as_deref(), Some("pkg:npm/express@4.16.0"));
    assert_eq!(express.source_path, "app/node_modules/express/package.json");
    let scoped = packages(&findings)
        .into_iter()
        .find(|package| package.name == "@babel/helper-validator-identifier")
        .expect("a scoped package");
    assert_eq!(
        scoped.purl.as_deref(),
        Some("pkg:npm/%40babel/helper-validator-identifier@7.10.4")
    );
}

#[test]
fn trivys_installed_tree_gives_every_nested_package() {
    let findings = analyze_tree(&tree("trivy-installed", ""));
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );
    assert_eq!(
        ids(&findings, "installed-package-json"),
        [
            "@babel/parser@7.23.6",
            "body-parser@1.18.3",
            "debug@2.6.9",
            "debug@2.6.9",
            "express@4.16.4",
            "ms@2.0.0",
            "ms@2.0.0",
            "ms@2.1.1",
        ]
    );
}

#[test]
fn package_lock_v1_nested_dependencies_and_dev_flags() {
    let findings = analyze_one("app/package-lock.json", "trivy-package-lock_v1.json");
    assert!(diagnostics(&findings).is_empty());
    let all = packages(&findings);
    assert_eq!(all.len(), 33);
    let dev: Vec<String> = all
        .iter()
        .filter(|package| package.metadata["dev"] == "true")
        .map(|package| format!("{}@{}", package.name, package.version))
        .collect();
    assert_eq!(dev, ["debug@2.5.2", "ms@0.7.2"]);
    assert!(all.iter().any(|package| {
        package.metadata["install_path"] == "node_modules/body-parser/node_modules/debug"
    }));
}

#[test]
fn package_lock_v3_workspaces_aliases_and_legacy_licences() {
    let findings = analyze_one(
        "app/package-lock.json",
        "trivy-package-lock_v3_with_workspace.json",
    );
    assert_eq!(
        ids(&findings, "package-lock"),
        [
            "debug@2.5.2",
            "debug@2.6.9",
            "ms@0.7.2",
            "ms@2.0.0",
            "nested_func@1.0.0"
        ]
    );
    let workspace = packages(&findings)
        .into_iter()
        .find(|package| package.name == "nested_func")
        .expect("the workspace member");
    assert_eq!(
        workspace.metadata["workspace_path"],
        "functions/nested_func"
    );

    let findings = analyze_one("package-lock.json", "syft-alias-package-lock-2.json");
    assert_eq!(
        ids(&findings, "package-lock"),
        ["@bundled-es-modules/chai@4.2.2", "case@1.6.2", "case@1.6.3"]
    );

    let findings = analyze_one(
        "package-lock.json",
        "trivy-package-lock_v3_with_legacy_licenses.json",
    );
    let licenses: Vec<(String, Vec<String>)> = packages(&findings)
        .into_iter()
        .map(|package| (package.name.clone(), package.licenses.clone()))
        .collect();
    assert_eq!(
        licenses,
        [
            ("mustache".to_owned(), vec!["MIT".to_owned()]),
            (
                "pause-stream".to_owned(),
                vec!["MIT".to_owned(), "Apache2".to_owned()]
            ),
            (
                "tv4".to_owned(),
                vec!["Public Domain".to_owned(), "MIT".to_owned()]
            ),
        ]
    );
}

#[test]
fn pnpm_v5_production_packages_equal_trivys_golden() {
    let findings = analyze_one("app/pnpm-lock.yaml", "trivy-pnpm-lock_many.yaml");
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );
    let mut production: Vec<String> = packages(&findings)
        .into_iter()
        .filter(|package| package.metadata.get("dev").map(String::as_str) == Some("false"))
        .map(|package| format!("{}@{}", package.name, package.version))
        .collect();
    production.sort();
    let mut golden: Vec<String> = TRIVY_PNPM_MANY_PRODUCTION
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    golden.sort();
    assert_eq!(production, golden);
    assert!(packages(&findings).iter().any(|package| package
        .metadata
        .get("dev")
        .map(String::as_str)
        == Some("true")));
}

#[test]
fn pnpm_peer_suffixes_multiple_documents_and_cycles() {
    let findings = analyze_one("pnpm-lock.yaml", "syft-pnpm-v5-peer-suffix.yaml");
    assert_eq!(
        ids(&findings, "pnpm-lock"),
        ["acorn-jsx@5.3.2", "acorn@8.8.0", "webpack-cli@4.10.0"]
    );

    let findings = analyze_one("pnpm-lock.yaml", "syft-pnpm-v6.yaml");
    assert_eq!(ids(&findings, "pnpm-lock").len(), 10);
    assert!(ids(&findings, "pnpm-lock").contains(&"@testing-library/react@13.4.0".to_owned()));

    let findings = analyze_one("pnpm-lock.yaml", "syft-pnpm-multi-doc.yaml");
    assert_eq!(ids(&findings, "pnpm-lock"), ["minimist@1.2.0"]);

    // browserslist and update-browserslist-db depend on each other.
    let findings = analyze_one("pnpm-lock.yaml", "trivy-pnpm-lock_v9_cyclic_import.yaml");
    assert_eq!(
        ids(&findings, "pnpm-lock"),
        [
            "browserslist@4.23.0",
            "caniuse-lite@1.0.30001627",
            "electron-to-chromium@1.4.789",
            "escalade@3.1.2",
            "node-releases@2.0.14",
            "picocolors@1.0.1",
            "update-browserslist-db@1.0.16",
        ]
    );
    assert!(packages(&findings)
        .iter()
        .all(|package| package.metadata["dev"] == "false"));
}

#[test]
fn yarn_classic_and_berry_locks() {
    let findings = analyze_one("app/yarn.lock", "trivy-yarn_happy.lock");
    assert!(diagnostics(&findings).is_empty());
    let classic = ids(&findings, "yarn-lock");
    assert_eq!(classic.len(), 18);
    assert!(classic.contains(&"@babel/helper-regex@7.4.4".to_owned()));
    assert!(classic.contains(&"ansi-regex@2.1.1".to_owned()));
    assert!(classic.contains(&"ansi-regex@3.0.0".to_owned()));

    let findings = analyze_one("app/yarn.lock", "trivy-yarn_v2_happy.lock");
    assert!(diagnostics(&findings).is_empty());
    let berry = ids(&findings, "yarn-lock");
    assert_eq!(berry.len(), 17);
    assert!(berry.contains(&"fsevents@2.1.3".to_owned()));

    // Syft's berry lock repeats the `@types/qs` entry, which strict YAML parsers refuse.
    let findings = analyze_one("yarn.lock", "syft-yarn-berry.lock");
    assert!(diagnostics(&findings).is_empty());
    assert_eq!(
        ids(&findings, "yarn-lock"),
        [
            "@babel/code-frame@7.10.4",
            "@types/minimatch@3.0.3",
            "@types/qs@6.9.4",
            "ajv@6.12.3",
            "asn1.js@4.10.1",
            "atob@2.1.2",
            "aws-sdk@2.706.0",
            "jhipster-core@7.3.4",
        ]
    );
}

/// `name@version` of the packages with the given evidence whose `dev` metadata is `dev`.
fn ids_by_dev(findings: &[Finding], evidence: &str, dev: &str) -> Vec<String> {
    let mut ids: Vec<String> = packages(findings)
        .into_iter()
        .filter(|package| package.metadata["evidence"] == evidence)
        .filter(|package| package.metadata.get("dev").map(String::as_str) == Some(dev))
        .map(|package| format!("{}@{}", package.name, package.version))
        .collect();
    ids.sort();
    ids
}

#[test]
fn trivys_integration_repositories_give_the_packages_of_its_goldens() {
    // `integration/testdata/npm.json.golden` lists the 12 production packages of the lock and
    // `npm-with-dev.json.golden` adds `z-lock@1.0.0` as a development one.
    let findings = analyze_tree(&tree("trivy-integration-npm", "srv/app/"));
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    let production = [
        "asap@2.0.6",
        "jquery@3.3.9",
        "js-tokens@4.0.0",
        "loose-envify@1.4.0",
        "object-assign@4.1.1",
        "promise@8.0.3",
        "prop-types@15.7.2",
        "react-is@16.8.6",
        "react@16.8.6",
        "redux@4.0.1",
        "scheduler@0.13.6",
        "symbol-observable@1.2.0",
    ];
    assert_eq!(ids_by_dev(&findings, "package-lock", "false"), production);
    assert_eq!(
        ids_by_dev(&findings, "package-lock", "true"),
        ["z-lock@1.0.0"]
    );
    // Trivy takes licences from the installed `package.json` files; so does Purser, for the
    // findings of those files: the goldens give MIT to exactly these six.
    let licensed: Vec<String> = packages(&findings)
        .into_iter()
        .filter(|package| package.metadata["evidence"] == "installed-package-json")
        .map(|package| {
            format!(
                "{}@{} {}",
                package.name,
                package.version,
                package.licenses.join(",")
            )
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        licensed,
        [
            "jquery@3.3.9 MIT",
            "promise@8.0.3 MIT",
            "react-is@16.8.6 MIT",
            "react@16.8.6 MIT",
            "redux@4.0.1 MIT",
            "z-lock@1.0.0 MIT",
        ]
    );

    // `pnpm.json.golden`: the two production dependencies of a lockfile v6.
    let findings = analyze_one("srv/app/pnpm-lock.yaml", "trivy-integration-pnpm.yaml");
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    assert_eq!(
        ids_by_dev(&findings, "pnpm-lock", "false"),
        ["jquery@3.3.9", "lodash@4.17.4"]
    );

    // `yarn.json.golden` lists `jquery@3.2.1` and the project itself: Trivy reads the
    // project's `package.json` beside the lock to leave out `promise` and `asap`, which only
    // `devDependencies` reach, and to add the root. A classic yarn.lock says neither, and Purser
    // reads the lock alone: all three locked packages are listed, without a `dev` flag, and the
    // project, which no lock entry installs, is not.
    let findings = analyze_one("srv/app/yarn.lock", "trivy-integration-yarn.lock");
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    assert_eq!(
        ids(&findings, "yarn-lock"),
        ["asap@2.0.6", "jquery@3.2.1", "promise@8.0.3"]
    );
    assert!(packages(&findings)
        .iter()
        .all(|package| !package.metadata.contains_key("dev")));
}

#[test]
fn a_100_mb_package_json_is_not_read_and_says_which_option_to_raise() {
    let findings = analyze(&[FileInput {
        path: "app/node_modules/big/package.json",
        size: 100 << 20,
        mode: 0o644,
        contents: &[],
        truncated: false,
    }]);
    assert!(packages(&findings).is_empty());
    let messages = diagnostics(&findings);
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("104857600 bytes"), "{messages:?}");
    assert!(
        messages[0].contains("max_package_json_size"),
        "{messages:?}"
    );

    let analyzer =
        NpmAnalyzer::new(&serde_json::json!({"max_package_json_size": 10})).expect("valid options");
    let mut findings = Vec::new();
    analyzer
        .analyze_file(
            &mut (),
            &file_input(
                "node_modules/a/package.json",
                br#"{"name":"a","version":"1.0.0"}"#,
            ),
            &mut findings,
        )
        .expect("never fails on data");
    assert!(diagnostics(&findings)[0].contains("limit of 10 bytes"));
}

#[test]
fn a_100_mb_package_json_under_a_raised_limit_is_read_in_one_pass() {
    // The whole file is one object whose `description` holds 100 MB: parsed once, the package
    // kept, and nothing of the description copied into the finding.
    let mut contents =
        br#"{"name": "big", "version": "1.0.0", "license": "MIT", "description": ""#.to_vec();
    contents.resize(contents.len() + (100 << 20), b'a');
    contents.extend_from_slice(br#""}"#);
    let analyzer = NpmAnalyzer::new(&serde_json::json!({"max_package_json_size": 128 << 20}))
        .expect("valid options");
    let mut findings = Vec::new();
    analyzer
        .analyze_file(
            &mut (),
            &file_input("app/node_modules/big/package.json", &contents),
            &mut findings,
        )
        .expect("never fails on data");
    assert_eq!(ids(&findings, "installed-package-json"), ["big@1.0.0"]);
    assert!(diagnostics(&findings).is_empty());
    let size: usize = packages(&findings)[0]
        .metadata
        .values()
        .map(String::len)
        .sum();
    assert!(size < 1024, "{size} bytes of metadata");
}

#[test]
fn hostile_contents_give_diagnostics_not_panics() {
    let deep_json = "[".repeat(100_000);
    let deep_yaml = format!("lockfileVersion: '9.0'\npackages: {}", "[".repeat(100_000));
    let cut = br#"{"name": "a", "version": "1.0.0"}"#;
    let files = [
        file_input(
            "a/node_modules/x/package.json",
            b"{\"name\": \"x\", \"version\": ",
        ),
        file_input("a/node_modules/y/package.json", deep_json.as_bytes()),
        file_input("a/package-lock.json", deep_json.as_bytes()),
        file_input("a/pnpm-lock.yaml", deep_yaml.as_bytes()),
        file_input("a/yarn.lock", &[0xff, 0x00, 0x3a, 0x0a, 0x20, 0x20, 0x76]),
        FileInput {
            truncated: true,
            size: 10_000,
            ..file_input("a/node_modules/z/package.json", cut)
        },
    ];
    let findings = analyze(&files);
    assert!(packages(&findings).is_empty());
    let levels: Vec<(String, DiagnosticLevel)> = findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some((diagnostic.path.clone(), diagnostic.level)),
            _ => None,
        })
        .collect();
    assert_eq!(levels.len(), 6, "{levels:?}");
}

#[test]
fn locks_inside_node_modules_and_non_root_package_json_are_ignored() {
    let lock = br#"{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"}}}"#;
    let package = br#"{"name": "a", "version": "1.0.0"}"#;
    let findings = analyze(&[
        file_input("app/node_modules/x/package-lock.json", lock),
        file_input("app/node_modules/x/test/fixture/package.json", package),
        file_input("app/package.json", package),
    ]);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn the_exported_table_reports_packages_through_json() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    assert_eq!(plugin.describe().expect("describes").name, "npm");
    let instance = plugin
        .create(&serde_json::json!({"max_lock_file_size": 1000000}))
        .expect("instance created");
    assert_eq!(instance.requests().files.len(), 3);

    let files = tree("trivy-installed", "srv/");
    let inputs: Vec<FileInput<'_>> = files
        .iter()
        .map(|(path, contents)| file_input(path, contents))
        .collect();
    let findings = instance
        .scan_layer(&LayerContext::default(), &inputs)
        .expect("layer scanned");
    assert_eq!(ids(&findings, "installed-package-json").len(), 8);
    assert!(!ids(&findings, "package-lock").is_empty());
    assert!(plugin.create(&serde_json::json!({"bogus": 1})).is_err());
}
