//! The engine end to end with analyzers linked in (no plugin boundary): dispatch conditions and
//! the overlay merge of per-layer findings.

use std::path::{Path, PathBuf};

use purser_engine::report::{FileState, ScanReport};
use purser_engine::{InProcessAnalyzer, ScanAnalyzer, ScanOptions, Scanner};
use purser_fixtures::{
    write_oci_layout, HistoryEntry, ImageSpec, Layer, OciLayoutOptions, Platform,
};
use purser_image::{open_image, OpenOptions};
use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext, Package, Secret, Severity,
};

/// Reports every AWS-looking key ID, redacted, and every line `name version` of `packages.txt`.
struct KeysAndPackages;

impl Analyzer for KeysAndPackages {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "keys-and-packages".into(),
            version: "1".into(),
            description: String::new(),
        }
    }

    fn new(_: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Ok(KeysAndPackages)
    }

    fn requests(&self) -> AnalyzerRequests {
        let files = vec![
            FileRequest {
                all_files: true,
                text_only: true,
                contents: true,
                max_size: Some(4096),
                ..FileRequest::default()
            },
            FileRequest {
                file_names: vec!["packages.txt".into()],
                contents: true,
                ..FileRequest::default()
            },
        ];
        AnalyzerRequests {
            files,
            ..AnalyzerRequests::default()
        }
    }

    fn start_layer(&self, _: &LayerContext) -> Result<(), AnalyzerError> {
        Ok(())
    }

    fn analyze_file(
        &self,
        _: &mut (),
        file: &FileInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        let text = String::from_utf8_lossy(file.contents);
        for (number, line) in text.lines().enumerate() {
            if let Some(at) = line.find("AKIA") {
                let key = &line[at..(at + 20).min(line.len())];
                findings.push(Finding::Secret(Secret {
                    rule_id: "aws-access-key-id".into(),
                    severity: Severity::Critical,
                    path: file.path.into(),
                    line: Some(number as u64 + 1),
                    redacted_match: format!("{}****", &key[..4]),
                    ..Secret::default()
                }));
            }
            if file.file_name() == "packages.txt" {
                if let Some((name, version)) = line.split_once(' ') {
                    findings.push(Finding::Package(Package {
                        ecosystem: "test".into(),
                        name: name.into(),
                        version: version.into(),
                        source_path: file.path.into(),
                        ..Package::default()
                    }));
                }
            }
        }
        Ok(())
    }
}

fn scan(image: &Path) -> ScanReport {
    let backend =
        InProcessAnalyzer::<KeysAndPackages>::new(&serde_json::Value::Null).expect("analyzer");
    let analyzers = vec![ScanAnalyzer {
        backend: Box::new(backend),
        origin: "built in".into(),
    }];
    let scanner = Scanner::new(analyzers, ScanOptions::default()).expect("scanner");
    let image = open_image(image, &OpenOptions::default()).expect("image opens");
    scanner.scan(&image).expect("scan")
}

fn image_of(directory: &Path, layers: Vec<Layer>) -> PathBuf {
    let mut spec = ImageSpec::new("purser-tests/merge:1", Platform::linux_amd64());
    for (index, layer) in layers.into_iter().enumerate() {
        spec.layers.push(layer);
        spec.history
            .push(HistoryEntry::layer(format!("layer {index}")));
    }
    let out = directory.join("merge.oci");
    write_oci_layout(
        std::slice::from_ref(&spec),
        &out,
        OciLayoutOptions::default(),
    )
    .expect("image");
    out
}

#[test]
fn a_secret_in_a_deleted_file_is_reported_as_removed_but_still_in_the_image() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let built = purser_fixtures::build_all(directory.path()).expect("fixtures");
    assert!(!built.is_empty());
    let report = scan(&directory.path().join("debian.oci"));
    let secret = report
        .secrets
        .iter()
        .find(|secret| secret.item.path == "app/config/.env")
        .expect("the .env secret");
    assert_eq!(secret.layer, Some(1));
    assert_eq!(secret.file_state, FileState::Removed);
    assert_eq!(secret.changed_in_layer, Some(2));
    assert_eq!(secret.item.redacted_match, "AKIA****");
}

#[test]
fn a_replaced_file_keeps_its_old_secret_and_packages_follow_the_final_file() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let image = image_of(
        directory.path(),
        vec![
            Layer::new()
                .file("etc/key", 0o600, "id=AKIAOLDOLDOLDOLDOLD1\n")
                .file("var/lib/test/packages.txt", 0o644, "alpha 1\nbeta 1\n"),
            Layer::new()
                .file("etc/key", 0o600, "id=AKIANEWNEWNEWNEWNEW2\n")
                .file(
                    "var/lib/test/packages.txt",
                    0o644,
                    "alpha 1\nbeta 2\ngamma 1\n",
                ),
        ],
    );
    let report = scan(&image);

    let states: Vec<_> = report
        .secrets
        .iter()
        .filter(|secret| secret.item.path == "etc/key")
        .map(|secret| (secret.layer, secret.file_state, secret.changed_in_layer))
        .collect();
    assert_eq!(
        states,
        vec![
            (Some(0), FileState::Replaced, Some(1)),
            (Some(1), FileState::Present, None)
        ]
    );

    let packages: Vec<_> = report
        .packages
        .iter()
        .map(|package| {
            (
                package.item.name.as_str(),
                package.item.version.as_str(),
                package.layer,
            )
        })
        .collect();
    assert_eq!(
        packages,
        vec![
            ("alpha", "1", Some(0)),
            ("beta", "2", Some(1)),
            ("gamma", "1", Some(1))
        ]
    );
}

#[test]
fn binary_and_oversized_files_are_not_dispatched_and_oversized_ones_are_reported() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let mut binary = b"\x7fELF\x00\x00".to_vec();
    binary.extend_from_slice(b"AKIABINARYBINARYBIN1\n");
    let large = format!("{}\nAKIALARGELARGELARGE1\n", "x".repeat(5000));
    let image = image_of(
        directory.path(),
        vec![Layer::new()
            .file("usr/bin/tool", 0o755, binary)
            .file("srv/large.txt", 0o644, large)
            .file("srv/small.txt", 0o644, "AKIASMALLSMALLSMALL1\n")],
    );
    let report = scan(&image);
    let paths: Vec<_> = report
        .secrets
        .iter()
        .map(|secret| secret.item.path.as_str())
        .collect();
    assert_eq!(paths, vec!["srv/small.txt"]);
    assert_eq!(report.not_analyzed.len(), 1);
    assert_eq!(report.not_analyzed[0].path, "srv/large.txt");
    assert!(
        report.not_analyzed[0].reason.contains("4096"),
        "{}",
        report.not_analyzed[0].reason
    );
}

#[test]
fn parallel_and_sequential_scans_give_the_same_report() {
    let directory = tempfile::tempdir().expect("temporary directory");
    purser_fixtures::build_all(directory.path()).expect("fixtures");
    let image = open_image(
        &directory.path().join("debian.oci-zstd"),
        &OpenOptions::default(),
    )
    .expect("image");
    let report_with = |parallel| {
        let backend =
            InProcessAnalyzer::<KeysAndPackages>::new(&serde_json::Value::Null).expect("analyzer");
        let analyzers = vec![ScanAnalyzer {
            backend: Box::new(backend),
            origin: "built in".into(),
        }];
        let options = ScanOptions {
            parallel,
            batch_files: 2,
            ..ScanOptions::default()
        };
        let report = Scanner::new(analyzers, options)
            .expect("scanner")
            .scan(&image)
            .expect("scan");
        serde_json::to_string(&report).expect("JSON")
    };
    assert_eq!(report_with(true), report_with(false));
}

#[test]
fn progress_is_told_once_per_layer_up_to_the_total() {
    let directory = tempfile::tempdir().expect("temporary directory");
    purser_fixtures::build_all(directory.path()).expect("fixtures");
    let image = open_image(
        &directory.path().join("debian.oci"),
        &OpenOptions::default(),
    )
    .expect("image");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = std::sync::Arc::clone(&seen);
    let backend =
        InProcessAnalyzer::<KeysAndPackages>::new(&serde_json::Value::Null).expect("analyzer");
    let options = ScanOptions {
        progress: Some(purser_engine::LayerProgress(std::sync::Arc::new(
            move |done, total| record.lock().expect("lock").push((done, total)),
        ))),
        ..ScanOptions::default()
    };
    Scanner::new(
        vec![ScanAnalyzer {
            backend: Box::new(backend),
            origin: "built in".into(),
        }],
        options,
    )
    .expect("scanner")
    .scan(&image)
    .expect("scan");

    let mut calls = seen.lock().expect("lock").clone();
    calls.sort_unstable();
    assert_eq!(calls, [(1, 3), (2, 3), (3, 3)]);
}
