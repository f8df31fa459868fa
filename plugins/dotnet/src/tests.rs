//! Tests of the whole analyzer through the exported function table, on the peers' `deps.json`
//! fixtures (origins in `testdata/SOURCES.md`), on hostile input, and of which paths the
//! requests select.

use std::path::Path;

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding};
use purser_plugin_harness::{package_ids, packages, path_selector, scan_one_layer, whole_file};

use crate::{purser_analyzer_entry, DotnetAnalyzer};

const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");

const APP: &str = "app/ExampleApp1.deps.json";

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

/// `name@version` of every package, sorted.
fn ids(findings: &[Finding]) -> Vec<String> {
    let mut ids = package_ids(findings);
    ids.sort();
    ids
}

/// `name@version` of the packages Trivy keeps: all but those the runtime target lists without
/// any runtime asset.
fn runtime_ids(findings: &[Finding]) -> Vec<String> {
    let mut ids: Vec<String> = packages(findings)
        .into_iter()
        .filter(|package| {
            package.metadata.get("runtime_assets").map(String::as_str) != Some("false")
        })
        .map(|package| format!("{}@{}", package.name, package.version))
        .collect();
    ids.sort();
    ids
}

#[test]
fn trivy_core_deps_fixtures_give_what_trivy_expects() {
    // trivy `pkg/dependency/parser/dotnet/core_deps/parse_test.go`: projects, runtime packs and
    // build-only packages are not packages; a package missing from the target is kept.
    for (file, expected) in [
        ("trivy-happy.deps.json", &["Newtonsoft.Json@13.0.1"][..]),
        (
            "trivy-self-contained.deps.json",
            &["Newtonsoft.Json@13.0.1"],
        ),
        ("trivy-multi-project.deps.json", &["Newtonsoft.Json@13.0.3"]),
        (
            "trivy-missing-target.deps.json",
            &["Newtonsoft.Json@13.0.1"],
        ),
        ("trivy-datacollector.deps.json", &["Newtonsoft.Json@9.0.1"]),
        (
            "trivy-without-runtime.deps.json",
            &[
                "JsonDiffPatch@2.0.61",
                "Libuv@1.9.1",
                "System.Collections.Immutable@1.3.0",
            ],
        ),
        ("trivy-no-libraries.deps.json", &[]),
    ] {
        let findings = scan_one(APP, file);
        assert_eq!(runtime_ids(&findings), expected, "{file}");
        assert!(diagnostics(&findings).is_empty(), "{file}");
    }

    let findings = scan_one(APP, "trivy-without-runtime.deps.json");
    assert_eq!(ids(&findings).len(), 7);
    let found = packages(&findings);
    let platforms = found
        .iter()
        .find(|package| package.name == "Microsoft.NETCore.Platforms")
        .unwrap();
    assert_eq!(platforms.metadata["runtime_assets"], "false");

    let findings = scan_one(APP, "trivy-happy.deps.json");
    let package = packages(&findings)[0];
    assert_eq!(
        package.purl.as_deref(),
        Some("pkg:nuget/Newtonsoft.Json@13.0.1")
    );
    assert_eq!(package.ecosystem, "NuGet");
    assert_eq!(package.source_path, APP);
    assert_eq!(package.metadata["evidence"], "deps-json");
    assert_eq!(package.metadata["package_path"], "newtonsoft.json/13.0.1");
    assert_eq!(package.metadata["runtime_assets"], "true");
    assert!(package.metadata["sha512"].starts_with("sha512-ppPFpBcv"));

    // Trivy fails on its cut file; here it is one warning naming the file.
    let findings = scan_one(APP, "trivy-invalid.deps.json");
    assert!(packages(&findings).is_empty());
    let diagnostics = diagnostics(&findings);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        (diagnostics[0].0, diagnostics[0].1.as_str()),
        (DiagnosticLevel::Warning, APP)
    );
}

#[test]
fn syft_deps_json_fixtures_give_what_syft_expects() {
    // syft `syft/pkg/cataloger/dotnet/cataloger_test.go`, `dir-example-1`: the twelve NuGet
    // packages (two only to build), not the projects.
    let findings = scan_one("app/TestLibrary.deps.json", "syft-TestLibrary.deps.json");
    assert_eq!(
        ids(&findings),
        [
            "AWSSDK.Core@3.7.10.6",
            "Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0",
            "Microsoft.Extensions.DependencyInjection@6.0.0",
            "Microsoft.Extensions.Logging.Abstractions@6.0.0",
            "Microsoft.Extensions.Logging@6.0.0",
            "Microsoft.Extensions.Options@6.0.0",
            "Microsoft.Extensions.Primitives@6.0.0",
            "Newtonsoft.Json@13.0.1",
            "Serilog.Sinks.Console@4.0.1",
            "Serilog@2.10.0",
            "System.Diagnostics.DiagnosticSource@6.0.0",
            "System.Runtime.CompilerServices.Unsafe@6.0.0",
        ]
    );
    assert_eq!(runtime_ids(&findings).len(), 10);

    // `deps-with-referenceassembly`: reference assemblies are not packages.
    let findings = scan_one("app/MyApp.deps.json", "syft-MyApp.deps.json");
    assert_eq!(ids(&findings), ["Newtonsoft.Json@13.0.3"]);
}

#[test]
fn two_projects_and_a_runtime_specific_target() {
    // trivy `ambiguous-root.deps.json`: two projects and no way to tell which is the
    // application; neither is a package, their one dependency is.
    let findings = scan_one(APP, "trivy-ambiguous-root.deps.json");
    assert_eq!(ids(&findings), ["Newtonsoft.Json@13.0.3"]);
    assert!(diagnostics(&findings).is_empty());

    // syft `net8-app-single-file.deps.json`: the runtime target is `.NETCoreApp,Version=v8.0/
    // win-x64`, beside a target without runtime. The runtime pack and the project are not
    // packages; the 51 NuGet packages are. Only two bring code: the `Humanizer` metapackage
    // has no assets, and the 48 `Humanizer.Core.<locale>` packages only satellite resource
    // assemblies, which hold no code.
    let findings = scan_one(APP, "syft-net8-app-single-file.deps.json");
    assert!(diagnostics(&findings).is_empty());
    let all = ids(&findings);
    assert_eq!(all.len(), 51);
    assert!(all.contains(&"Humanizer.Core.zh-Hant@2.14.1".to_owned()));
    assert!(!all.iter().any(|id| id.starts_with("runtimepack.")));
    assert_eq!(
        runtime_ids(&findings),
        ["Humanizer.Core@2.14.1", "Newtonsoft.Json@13.0.3"]
    );
}

#[test]
fn hostile_input_gives_warnings_naming_the_file_never_a_panic() {
    let garbage: Vec<u8> = (0..10u32 << 20)
        .map(|index| (index.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let deep = format!("{{\"libraries\": {}", "[".repeat(100_000));
    let real = testdata("syft-TestLibrary.deps.json");
    for contents in [
        &garbage[..],
        deep.as_bytes(),
        &real[..real.len() / 2],
        b"null",
    ] {
        let findings = scan(&[input(APP, contents)]);
        assert!(packages(&findings).is_empty());
        let diagnostics = diagnostics(&findings);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(
            (diagnostics[0].0, diagnostics[0].1.as_str()),
            (DiagnosticLevel::Warning, APP)
        );
    }

    let analyzer = DotnetAnalyzer::new(&serde_json::json!({"max_file_size": 10})).unwrap();
    let mut findings = Vec::new();
    analyzer
        .analyze_file(&mut (), &input(APP, &real), &mut findings)
        .unwrap();
    assert!(diagnostics(&findings)[0].2.contains("option max_file_size"));
}

#[test]
fn requests_select_deps_json_only() {
    let requests = DotnetAnalyzer::default().requests().files;
    let selected = path_selector(&requests);
    assert!(selected(APP));
    assert!(selected(
        "usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json"
    ));
    for path in [
        "app/ExampleApp1.runtimeconfig.json",
        "app/deps.json.bak",
        "app/ExampleApp1.dll",
    ] {
        assert!(!selected(path), "{path}");
    }
}
