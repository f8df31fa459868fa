//! Tests of the whole analyzer on real database files (sources in `testdata/SOURCES.md`), on
//! this machine's own database, and through the exported function table.

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding, LayerContext, Package};
use purser_plugin_harness::Plugin;

use crate::{purser_analyzer_entry, DpkgAnalyzer};

fn file<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
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
    let analyzer = DpkgAnalyzer::new(&serde_json::Value::Null).expect("no options");
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

fn warnings(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => {
                Some(format!("{}: {}", diagnostic.path, diagnostic.message))
            }
            _ => None,
        })
        .collect()
}

fn find<'a>(packages: &[&'a Package], name: &str) -> &'a Package {
    packages
        .iter()
        .find(|package| package.name == name)
        .unwrap_or_else(|| panic!("{name} not found"))
}

#[test]
fn a_real_debian_12_status_file_gives_every_package_exactly() {
    let findings = analyze(&[file(
        "var/lib/dpkg/status",
        include_bytes!("../testdata/debian-12-status"),
    )]);
    assert!(warnings(&findings).is_empty(), "{:?}", warnings(&findings));
    let packages = packages(&findings);
    assert_eq!(packages.len(), 26);

    let bsdutils = find(&packages, "bsdutils");
    assert_eq!(bsdutils.version, "1:2.38.1-5+deb12u3");
    assert_eq!(
        bsdutils.purl.as_deref(),
        Some("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64")
    );
    assert_eq!(bsdutils.metadata["source_package"], "util-linux");
    assert_eq!(bsdutils.metadata["source_version"], "2.38.1-5+deb12u3");
    assert_eq!(bsdutils.source_path, "var/lib/dpkg/status");

    let bash = find(&packages, "bash");
    assert_eq!(bash.metadata["source_version"], "5.2.15-2");
    assert_eq!(bash.version, "5.2.15-2+b8");

    let adduser = find(&packages, "adduser");
    assert_eq!(adduser.metadata["architecture"], "all");
    assert_eq!(adduser.metadata["source_package"], "adduser");
    assert_eq!(adduser.metadata["source_version"], "3.134");
}

#[test]
fn the_fixture_image_database_leaves_out_removed_packages_and_counts_files() {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/images/debian/layers/0/var/lib/dpkg"
    );
    let read = |name: &str| {
        std::fs::read(format!("{root}/{name}")).unwrap_or_else(|error| panic!("{name}: {error}"))
    };
    let status = read("status");
    let base_files = read("info/base-files.list");
    let bsdutils = read("info/bsdutils.list");
    let findings = analyze(&[
        file("var/lib/dpkg/info/base-files.list", &base_files),
        file("var/lib/dpkg/status", &status),
        file("var/lib/dpkg/info/bsdutils.list", &bsdutils),
    ]);
    let packages = packages(&findings);
    assert_eq!(packages.len(), 18);

    let deinstalled = String::from_utf8_lossy(&status)
        .split("\n\n")
        .find(|stanza| stanza.contains("Status: deinstall ok config-files"))
        .and_then(|stanza| stanza.lines().next())
        .and_then(|line| line.strip_prefix("Package: "))
        .map(str::to_owned)
        .expect("the fixture holds a removed package");
    assert!(packages.iter().all(|package| package.name != deinstalled));

    assert_eq!(find(&packages, "base-files").metadata["files"], "87");
    assert_eq!(find(&packages, "bsdutils").metadata["files"], "33");
    assert!(!find(&packages, "bash").metadata.contains_key("files"));

    let owners: Vec<(&str, usize)> = findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::OwnedFiles(owned) => Some((owned.package.as_str(), owned.paths.len())),
            _ => None,
        })
        .collect();
    assert_eq!(owners, [("base-files", 87), ("bsdutils", 33)]);
    let base_files_paths = findings
        .iter()
        .find_map(|finding| match finding {
            Finding::OwnedFiles(owned) if owned.package == "base-files" => Some(&owned.paths),
            _ => None,
        })
        .expect("base-files owns files");
    assert!(base_files_paths.contains(&"usr/lib/os-release".to_owned()));
    assert!(base_files_paths.iter().all(|path| !path.starts_with('/')));
}

#[test]
fn distroless_status_entries_are_read_and_their_companions_skipped() {
    let findings = analyze(&[
        file(
            "var/lib/dpkg/status.d/libsqlite3-0",
            include_bytes!("../testdata/distroless/libsqlite3-0"),
        ),
        file(
            "var/lib/dpkg/status.d/libsqlite3-0.md5sums",
            include_bytes!("../testdata/distroless/libsqlite3-0.md5sums"),
        ),
    ]);
    assert!(warnings(&findings).is_empty(), "{:?}", warnings(&findings));
    let packages = packages(&findings);
    let [sqlite] = packages.as_slice() else {
        panic!("expected one package, got {packages:?}")
    };
    assert_eq!(sqlite.name, "libsqlite3-0");
    assert_eq!(sqlite.version, "3.34.1-3");
    assert_eq!(sqlite.source_path, "var/lib/dpkg/status.d/libsqlite3-0");
    assert_eq!(sqlite.metadata["source_package"], "sqlite3");
    assert_eq!(sqlite.metadata["source_version"], "3.34.1-3");
    assert_eq!(sqlite.metadata["installed_size"], "1490");
    assert!(!sqlite.metadata.contains_key("status"));
    assert_eq!(
        sqlite.purl.as_deref(),
        Some("pkg:deb/debian/libsqlite3-0@3.34.1-3?arch=arm64")
    );
}

#[test]
fn an_ubuntu_database_gives_ubuntu_purls_and_drops_config_files_only_kernels() {
    let findings = analyze(&[file(
        "var/lib/dpkg/status",
        include_bytes!("../testdata/syft-deinstall-ubuntu"),
    )]);
    let packages = packages(&findings);
    let [kernel] = packages.as_slice() else {
        panic!("expected one package, got {packages:?}")
    };
    assert_eq!(kernel.name, "linux-image-6.14.0-1012-aws");
    assert_eq!(
        kernel.purl.as_deref(),
        Some("pkg:deb/ubuntu/linux-image-6.14.0-1012-aws@6.14.0-1012.12~24.04.1?arch=amd64")
    );
    assert_eq!(kernel.metadata["source_package"], "linux-signed-aws-6.14");
}

#[test]
fn a_source_without_version_takes_the_binary_version() {
    let findings = analyze(&[file(
        "var/lib/dpkg/status",
        include_bytes!("../testdata/grype-status"),
    )]);
    let packages = packages(&findings);
    let apt = find(&packages, "apt");
    assert_eq!(apt.metadata["source_package"], "apt-dev");
    assert_eq!(apt.metadata["source_version"], "1.8.2");
}

#[test]
fn a_corrupt_file_gives_warnings_with_lines_and_no_package() {
    let findings = analyze(&[file(
        "var/lib/dpkg/status.d/corrupt",
        include_bytes!("../testdata/syft-corrupt"),
    )]);
    assert!(packages(&findings).is_empty());
    let warnings = warnings(&findings);
    assert!(
        warnings.iter().any(|warning| warning
            == "var/lib/dpkg/status.d/corrupt: line 5: expected `Field: value`, found no colon; skipped"),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|warning| warning
            == "var/lib/dpkg/status.d/corrupt: stanza at line 1 has no Package field; skipped"),
        "{warnings:?}"
    );
}

#[test]
fn a_truncated_database_drops_its_cut_stanza_and_says_so() {
    let contents = b"Package: a\nVersion: 1.0\n\nPackage: b\nVersion: 2.0-";
    let findings = analyze(&[FileInput {
        size: 1_000_000,
        truncated: true,
        ..file("var/lib/dpkg/status", contents)
    }]);
    let names: Vec<&str> = packages(&findings)
        .iter()
        .map(|package| package.name.as_str())
        .collect();
    assert_eq!(names, ["a"]);
    let warnings = warnings(&findings);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("read limit"), "{warnings:?}");
}

#[test]
fn options_are_refused() {
    let error = DpkgAnalyzer::new(&serde_json::json!({"x": 1})).expect_err("refused");
    assert!(error.message().contains("takes no options"), "{error}");
}

/// The live database of the machine running the tests, against dpkg's own count.
#[test]
fn this_machines_database_matches_dpkg_query() {
    let Ok(contents) = std::fs::read("/var/lib/dpkg/status") else {
        return;
    };
    let Ok(output) = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Abbrev}\\n"])
        .output()
    else {
        return;
    };
    let expected = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with("ii"))
        .count();

    let findings = analyze(&[file("var/lib/dpkg/status", &contents)]);
    assert!(warnings(&findings).is_empty(), "{:?}", warnings(&findings));
    assert_eq!(packages(&findings).len(), expected);
}

/// Every copyright file of the machine running the tests: none may panic, and this Debian
/// release writes most of them in the machine-readable format.
#[test]
fn this_machines_copyright_files_are_read() {
    let Ok(directories) = std::fs::read_dir("/usr/share/doc") else {
        return;
    };
    let (mut machine_readable, mut free_form) = (0, 0);
    for directory in directories.flatten() {
        let Ok(contents) = std::fs::read(directory.path().join("copyright")) else {
            continue;
        };
        match crate::copyright::declared_licenses(&contents) {
            Some(licenses) if !licenses.is_empty() => machine_readable += 1,
            Some(_) | None => free_form += 1,
        }
    }
    assert!(
        machine_readable >= free_form,
        "{machine_readable} machine-readable, {free_form} not"
    );
}

#[test]
fn the_exported_table_reports_packages_through_json() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    assert_eq!(plugin.describe().expect("describes").name, "dpkg");
    let instance = plugin
        .create(&serde_json::Value::Null)
        .expect("instance created");
    let request = &instance.requests().files[0];
    assert!(request.contents);
    assert_eq!(request.exact_paths, ["var/lib/dpkg/status"]);

    let status = b"Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n\
                   Version: 1:1.2.13.dfsg-1\nSource: zlib\n\nbroken line\n";
    let findings = instance
        .scan_layer(
            &LayerContext::default(),
            &[
                file("var/lib/dpkg/status", status),
                file("var/lib/dpkg/info/zlib1g:amd64.list", b"/.\n/usr\n"),
                file(
                    "usr/share/doc/zlib1g/copyright",
                    b"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n\
                      Files: *\nLicense: Zlib\n",
                ),
            ],
        )
        .expect("layer scanned");

    let packages = packages(&findings);
    let [zlib] = packages.as_slice() else {
        panic!("expected one package, got {findings:?}")
    };
    assert_eq!(zlib.ecosystem, "deb");
    assert_eq!(zlib.metadata["files"], "1");
    assert_eq!(zlib.licenses, ["Zlib"]);
    assert_eq!(zlib.metadata["source_version"], "1:1.2.13.dfsg-1");
    let owned = findings
        .iter()
        .find_map(|finding| match finding {
            Finding::OwnedFiles(owned) => Some(owned),
            _ => None,
        })
        .expect("the file list crosses the boundary as owned files");
    assert_eq!(
        (owned.package.as_str(), owned.paths.as_slice()),
        ("zlib1g", ["usr".to_owned()].as_slice())
    );
    assert_eq!(owned.source_path, "var/lib/dpkg/info/zlib1g:amd64.list");
    let diagnostic = findings
        .iter()
        .find_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some(diagnostic),
            _ => None,
        })
        .expect("a warning for the broken line");
    assert_eq!(diagnostic.level, DiagnosticLevel::Warning);
    assert_eq!(diagnostic.path, "var/lib/dpkg/status");
}
