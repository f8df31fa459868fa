//! Tests of the whole analyzer on real rpm databases (sources in `testdata/SOURCES.md`), on an
//! NDB file built from the real headers, and through the exported function table.

use std::collections::BTreeMap;

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding, LayerContext, Package};
use purser_plugin_harness::Plugin;

use crate::database::DatabaseFormat;
use crate::header::build::{header, Value};
use crate::ndb::build::ndb;
use crate::{purser_analyzer_entry, read_database, RpmAnalyzer};

const BUILT_SQLITE: &[u8] = include_bytes!("../testdata/built-rpmdb.sqlite");
const BENCH_SQLITE: &[u8] = include_bytes!("../testdata/bench-rpmdb.sqlite");
const SYFT_BDB: &[u8] = include_bytes!("../testdata/syft-Packages");
const SCALIBR_BDB: &[u8] = include_bytes!("../testdata/scalibr-Packages_epoch");

fn database<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
    FileInput {
        path,
        size: contents.len() as u64,
        mode: 0o644,
        contents,
        truncated: false,
    }
}

/// Runs one layer through the trait, the way the engine does.
fn analyze(files: &[FileInput<'_>]) -> Vec<Finding> {
    let analyzer = RpmAnalyzer::new(&serde_json::Value::Null).expect("no options");
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

fn diagnostics(findings: &[Finding]) -> Vec<(DiagnosticLevel, String)> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some((diagnostic.level, diagnostic.message.clone())),
            _ => None,
        })
        .collect()
}

/// Each owned-files finding as (package, list file, paths).
fn owned_files(findings: &[Finding]) -> Vec<(String, String, Vec<String>)> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::OwnedFiles(owned) => Some((
                owned.package.clone(),
                owned.source_path.clone(),
                owned.paths.clone(),
            )),
            _ => None,
        })
        .collect()
}

fn name_versions(findings: &[Finding]) -> Vec<(String, String)> {
    packages(findings)
        .into_iter()
        .map(|package| (package.name.clone(), package.version.clone()))
        .collect()
}

fn metadata(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// The list `rpm -qa --qf '%{NAME}\t%{EVR}\n'` printed for the root `make.sh` built.
fn built_packages() -> Vec<(String, String)> {
    [
        ("purser-empty", "0:0.1-7"),
        ("purser-tools", "2.5-1.el9"),
        ("purser-hello", "2:1.0.4-3.fc40"),
        ("purser-suse", "15.6-150600.2.1"),
    ]
    .iter()
    .map(|(name, version)| ((*name).to_owned(), (*version).to_owned()))
    .collect()
}

fn sorted(mut list: Vec<(String, String)>) -> Vec<(String, String)> {
    list.sort();
    list
}

#[test]
fn a_real_sqlite_rpmdb_gives_every_package_with_its_facts() {
    let findings = analyze(&[database("var/lib/rpm/rpmdb.sqlite", BUILT_SQLITE)]);
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );
    assert_eq!(sorted(name_versions(&findings)), sorted(built_packages()));

    let packages = packages(&findings);
    let hello = packages
        .iter()
        .find(|package| package.name == "purser-hello")
        .expect("purser-hello");
    assert_eq!(hello.ecosystem, "rpm");
    assert_eq!(hello.licenses, ["MIT"]);
    assert_eq!(hello.source_path, "var/lib/rpm/rpmdb.sqlite");
    assert_eq!(
        hello.purl.as_deref(),
        Some("pkg:rpm/fedora/purser-hello@1.0.4-3.fc40?arch=noarch&epoch=2")
    );
    let mut facts = hello.metadata.clone();
    assert!(facts.remove("installed_size").is_some());
    assert_eq!(
        facts,
        metadata(&[
            ("epoch", "2"),
            ("version", "1.0.4"),
            ("release", "3.fc40"),
            ("architecture", "noarch"),
            ("source_rpm", "purser-hello-1.0.4-3.fc40.src.rpm"),
            ("source_package", "purser-hello"),
            ("vendor", "Fedora Project"),
            ("files", "3"),
        ])
    );

    let suse = packages
        .iter()
        .find(|package| package.name == "purser-suse")
        .expect("purser-suse");
    assert_eq!(
        suse.metadata["modularity_label"],
        "nodejs:18:9020020230810:rhel9"
    );
    assert_eq!(
        suse.purl.as_deref(),
        Some("pkg:rpm/suse/purser-suse@15.6-150600.2.1?arch=noarch")
    );
    let tools = packages
        .iter()
        .find(|package| package.name == "purser-tools")
        .expect("purser-tools");
    assert_eq!(tools.licenses, ["GPL-2.0-or-later AND MIT"]);
    assert!(!tools.metadata.contains_key("epoch"));
    assert_eq!(
        tools.purl.as_deref(),
        Some("pkg:rpm/redhat/purser-tools@2.5-1.el9?arch=noarch")
    );
    let empty = packages
        .iter()
        .find(|package| package.name == "purser-empty")
        .expect("purser-empty");
    assert_eq!(empty.metadata["files"], "0");
    assert_eq!(empty.metadata["epoch"], "0");
    assert!(!empty.metadata.contains_key("vendor"));
}

#[test]
fn the_bench_sqlite_rpmdb_gives_all_200_packages() {
    let reading = read_database(
        "var/lib/rpm/rpmdb.sqlite",
        DatabaseFormat::Sqlite,
        BENCH_SQLITE,
    );
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    assert_eq!(reading.packages.len(), 200);
    assert!(reading
        .packages
        .iter()
        .all(|package| package.metadata["files"] == "40"
            && package.metadata["vendor"] == "AlmaLinux"));
    let mut names: Vec<&str> = reading
        .packages
        .iter()
        .map(|package| package.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 200);
}

/// Syft's `syft/pkg/cataloger/redhat/testdata/Packages`: its test expects exactly `dive`
/// 0.9.2-1, x86_64, MIT, 12406784 bytes, one file.
#[test]
fn syft_berkeley_db_fixture_gives_dive() {
    let findings = analyze(&[database("var/lib/rpm/Packages", SYFT_BDB)]);
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );
    let packages = packages(&findings);
    let [dive] = packages.as_slice() else {
        panic!("expected one package, got {findings:?}")
    };
    assert_eq!(
        (dive.name.as_str(), dive.version.as_str()),
        ("dive", "0.9.2-1")
    );
    assert_eq!(dive.licenses, ["MIT"]);
    assert_eq!(dive.metadata["architecture"], "x86_64");
    assert_eq!(dive.metadata["installed_size"], "12406784");
    assert_eq!(dive.metadata["source_rpm"], "dive-0.9.2-1.src.rpm");
    assert_eq!(dive.metadata["files"], "1");
    assert_eq!(
        dive.purl.as_deref(),
        Some("pkg:rpm/redhat/dive@0.9.2-1?arch=x86_64")
    );
    assert_eq!(
        owned_files(&findings),
        [(
            "dive".to_owned(),
            "var/lib/rpm/Packages".to_owned(),
            vec!["usr/local/bin/dive".to_owned()]
        )]
    );
}

/// OSV-SCALIBR's `extractor/filesystem/os/rpm/testdata/Packages_epoch`: its test expects exactly
/// one package, `hello` 0.0.1-rls with epoch 1, x86_64, GPL, from `hello-0.0.1-rls.src.rpm`. The
/// file also holds the bytes of a deleted `dive` header in a free page, which must not be
/// reported.
#[test]
fn scalibr_berkeley_db_fixture_gives_hello_with_its_epoch() {
    let findings = analyze(&[database("var/lib/rpm/Packages", SCALIBR_BDB)]);
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );
    assert_eq!(
        name_versions(&findings),
        [("hello".to_owned(), "1:0.0.1-rls".to_owned())]
    );
    let packages = packages(&findings);
    assert_eq!(packages[0].licenses, ["GPL"]);
    assert_eq!(packages[0].metadata["epoch"], "1");
    assert_eq!(packages[0].metadata["source_package"], "hello");
    assert_eq!(
        packages[0].purl.as_deref(),
        Some("pkg:rpm/redhat/hello@0.0.1-rls?arch=x86_64&epoch=1")
    );
}

/// No NDB database can be produced here (Debian's rpm lacks the backend) and no peer fixture has
/// one, so the real headers of the SQLite fixture are stored in an NDB file laid out as rpm's
/// `rpmpkgPut` does.
#[test]
fn an_ndb_database_of_real_headers_gives_the_same_packages() {
    let blobs = DatabaseFormat::Sqlite.read_blobs(BUILT_SQLITE);
    let headers: Vec<&[u8]> = blobs
        .records
        .iter()
        .map(|record| record.blob.as_ref())
        .collect();
    let file = ndb(&headers);

    let findings = analyze(&[database("usr/lib/sysimage/rpm/Packages.db", &file)]);
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );
    assert_eq!(sorted(name_versions(&findings)), sorted(built_packages()));
    assert!(packages(&findings)
        .iter()
        .all(|package| package.source_path == "usr/lib/sysimage/rpm/Packages.db"));
}

#[test]
fn a_malformed_header_is_an_error_naming_the_record_and_the_others_survive() {
    let good = header(&[(1000, Value::Text("good")), (1001, Value::Text("1"))]);
    let mut bad = header(&[(1000, Value::Text("bad")), (1001, Value::Text("1"))]);
    // Point NAME's offset far outside the data store.
    bad[16..20].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
    let file = ndb(&[&good, &bad]);

    let findings = analyze(&[database("var/lib/rpm/Packages.db", &file)]);
    assert_eq!(
        name_versions(&findings),
        [("good".to_owned(), "1".to_owned())]
    );
    assert_eq!(
        diagnostics(&findings),
        [(
            DiagnosticLevel::Error,
            "failed to read rpm record 2: header index entry 0 (tag 1000) points at offset \
             16777215 beyond the 6-byte data store"
                .to_owned()
        )]
    );
}

#[test]
fn truncated_and_foreign_files_are_diagnostics_not_failures() {
    let findings = analyze(&[database("var/lib/rpm/rpmdb.sqlite", b"garbage")]);
    assert!(packages(&findings).is_empty());
    assert_eq!(
        diagnostics(&findings),
        [(
            DiagnosticLevel::Error,
            "failed to read the rpm database: malformed sqlite database: the file does not start \
             with the SQLite header"
                .to_owned()
        )]
    );

    let cut = &BUILT_SQLITE[..40 * 4096];
    let mut file = database("var/lib/rpm/rpmdb.sqlite", cut);
    file.size = BUILT_SQLITE.len() as u64;
    file.truncated = true;
    let findings = analyze(&[file]);
    let diagnostics = diagnostics(&findings);
    assert!(
        diagnostics[0].1.contains("exceeds the engine's read limit"),
        "{diagnostics:?}"
    );
    assert!(diagnostics.len() >= 2, "{diagnostics:?}");
}

#[test]
fn a_layer_with_an_old_and_a_new_database_reports_only_the_new_one() {
    let findings = analyze(&[
        database("var/lib/rpm/Packages", SYFT_BDB),
        database("var/lib/rpm/rpmdb.sqlite", BUILT_SQLITE),
    ]);
    assert_eq!(sorted(name_versions(&findings)), sorted(built_packages()));
    assert!(owned_files(&findings)
        .iter()
        .all(|(_, source, _)| source == "var/lib/rpm/rpmdb.sqlite"));
    assert_eq!(
        diagnostics(&findings),
        [(
            DiagnosticLevel::Info,
            "rpm database not reported: var/lib/rpm/rpmdb.sqlite in the same layer is the one \
             rpm uses"
                .to_owned()
        )]
    );
}

#[test]
fn options_and_unrequested_files_are_refused() {
    let error = RpmAnalyzer::new(&serde_json::json!(["x"])).expect_err("refused");
    assert!(error.message().contains("takes no options"), "{error}");

    let analyzer = RpmAnalyzer;
    let mut layer = analyzer
        .start_layer(&LayerContext::default())
        .expect("starts");
    let result = analyzer.analyze_file(
        &mut layer,
        &database("etc/Packages", SYFT_BDB),
        &mut Vec::new(),
    );
    assert!(result.is_err());
}

#[test]
fn the_exported_table_reports_packages_through_json() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    assert_eq!(plugin.describe().expect("describes").name, "rpm");
    let instance = plugin
        .create(&serde_json::json!({}))
        .expect("instance created");
    let paths = &instance.requests().files[0].exact_paths;
    assert_eq!(paths.len(), 9);
    assert!(paths.contains(&"usr/lib/sysimage/rpm/rpmdb.sqlite".to_owned()));

    let findings = instance
        .scan_layer(
            &LayerContext::default(),
            &[database("var/lib/rpm/Packages", SCALIBR_BDB)],
        )
        .expect("layer scanned");
    let packages = packages(&findings);
    let [hello] = packages.as_slice() else {
        panic!("expected one package, got {findings:?}")
    };
    assert_eq!(hello.ecosystem, "rpm");
    assert_eq!(hello.version, "1:0.0.1-rls");
    let owned = owned_files(&findings);
    let [(name, _, paths)] = owned.as_slice() else {
        panic!("expected hello's owned files, got {owned:?}")
    };
    assert_eq!(name, "hello");
    assert_eq!(
        paths.len(),
        hello.metadata["files"].parse::<usize>().ok().unwrap_or(0)
    );
}
