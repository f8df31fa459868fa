//! Whole-analyzer tests: real release files from `testdata/` (see `testdata/SOURCES.md`),
//! hostile inputs, and the exported function table driven as the engine drives it.

use std::path::{Path, PathBuf};

use purser_plugin_api::abi::PANIC_UNWIND;
use purser_plugin_api::{
    Analyzer, DiagnosticLevel, FileInput, Finding, LayerContext, OperatingSystem, INTERFACE_VERSION,
};
use purser_plugin_harness::Plugin;

use crate::{purser_analyzer_entry, OsReleaseAnalyzer, MAX_RELEASE_FILE_SIZE};

/// A file of a scenario: its path in the image and its bytes.
struct ImageFile {
    path: String,
    contents: Vec<u8>,
}

impl ImageFile {
    fn new(path: &str, contents: &[u8]) -> Self {
        ImageFile {
            path: path.to_owned(),
            contents: contents.to_vec(),
        }
    }

    fn input(&self) -> FileInput<'_> {
        FileInput {
            path: &self.path,
            size: self.contents.len() as u64,
            mode: 0o644,
            contents: &self.contents,
            truncated: false,
        }
    }
}

/// Every file of `testdata/<name>`, with paths relative to it, sorted.
fn scenario(name: &str) -> Vec<ImageFile> {
    fn walk(root: &Path, directory: &Path, files: &mut Vec<ImageFile>) {
        let entries = std::fs::read_dir(directory)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(root, &path, files);
                continue;
            }
            let relative = path.strip_prefix(root).expect("below the root");
            files.push(ImageFile {
                path: relative.to_string_lossy().replace('\\', "/"),
                contents: std::fs::read(&path).expect("a readable test file"),
            });
        }
    }

    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), "testdata", name]
        .iter()
        .collect();
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(!files.is_empty(), "scenario {name} has no files");
    files
}

/// Runs one layer through the trait methods, as the export glue does.
fn analyze_layer(files: &[FileInput<'_>]) -> Vec<Finding> {
    let analyzer = OsReleaseAnalyzer::new(&serde_json::json!({ "today": "2026-12-03" }))
        .expect("a valid date");
    let mut layer = analyzer
        .start_layer(&LayerContext::default())
        .expect("a layer starts");
    let mut findings = Vec::new();
    for file in files {
        analyzer
            .analyze_file(&mut layer, file, &mut findings)
            .expect("release files never fail the analyzer");
    }
    analyzer
        .finish_layer(layer, &mut findings)
        .expect("a layer finishes");
    findings
}

fn systems(findings: &[Finding]) -> Vec<&OperatingSystem> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::OperatingSystem(os) => Some(os),
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

/// What one scenario must give: per finding `(source_path, family, version_id, codename)`, in
/// order, and the number of diagnostics.
struct Expected {
    scenario: &'static str,
    systems: &'static [(
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    )],
    diagnostics: usize,
}

const EXPECTED: &[Expected] = &[
    Expected {
        scenario: "debian-12",
        systems: &[
            ("usr/lib/os-release", "debian", "12.11", Some("bookworm")),
            ("etc/debian_version", "debian", "12.11", None),
        ],
        diagnostics: 0,
    },
    Expected {
        scenario: "alpine-3.11",
        systems: &[
            ("etc/os-release", "alpine", "3.11.5", None),
            ("etc/alpine-release", "alpine", "3.11.5", None),
        ],
        diagnostics: 0,
    },
    Expected {
        scenario: "ubuntu-20.04",
        systems: &[("etc/os-release", "ubuntu", "20.04", Some("focal"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "ubuntu-18.04",
        systems: &[("etc/lsb-release", "ubuntu", "18.04", Some("bionic"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "rhel-9.4",
        systems: &[("etc/os-release", "redhat", "9.4", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "rhel-8.10",
        systems: &[("etc/redhat-release", "redhat", "8.10", Some("Ootpa"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "centos-7",
        systems: &[
            ("etc/os-release", "centos", "7", None),
            ("etc/centos-release", "centos", "7.6.1810", Some("Core")),
        ],
        diagnostics: 0,
    },
    Expected {
        scenario: "centos-5.7",
        systems: &[("etc/redhat-release", "centos", "5.7", Some("Final"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "centos-6-cpe",
        systems: &[],
        diagnostics: 1,
    },
    Expected {
        scenario: "rocky-9.3",
        systems: &[("etc/os-release", "rocky", "9.3", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "rocky-8.4",
        systems: &[("etc/rocky-release", "rocky", "8.4", Some("Green Obsidian"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "almalinux-9.4",
        systems: &[("etc/os-release", "almalinux", "9.4", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "almalinux-8.4",
        systems: &[(
            "etc/almalinux-release",
            "almalinux",
            "8.4",
            Some("Electric Cheetah"),
        )],
        diagnostics: 0,
    },
    Expected {
        scenario: "fedora-42",
        systems: &[("etc/os-release", "fedora", "42", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "fedora-29",
        systems: &[("etc/fedora-release", "fedora", "29", Some("Twenty Nine"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "oracle-8.10",
        systems: &[("etc/os-release", "oracle", "8.10", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "oracle-7.6",
        systems: &[("etc/oracle-release", "oracle", "7.6", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "amazon-2",
        systems: &[("etc/os-release", "amazon", "2", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "opensuse-leap-15.2",
        systems: &[("etc/os-release", "opensuse.leap", "15.2", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "opensuse-leap-42.3",
        systems: &[("etc/os-release", "opensuse.leap", "42.3", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "opensuse-tumbleweed",
        systems: &[("etc/os-release", "opensuse.tumbleweed", "20220412", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "sles-15.3",
        systems: &[("etc/os-release", "sles", "15.3", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "sle-micro-5.3",
        systems: &[("etc/os-release", "sle-micro", "5.3", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "photon-4.0",
        systems: &[("etc/os-release", "photon", "4.0", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "mariner-2.0",
        systems: &[("etc/os-release", "mariner", "2.0", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "azurelinux-3.0",
        systems: &[("etc/os-release", "azurelinux", "3.0", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "wolfi",
        systems: &[("etc/os-release", "wolfi", "20220914", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "chainguard",
        systems: &[("etc/os-release", "chainguard", "20230214", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "arch",
        systems: &[("etc/os-release", "arch", "", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "echo",
        systems: &[("etc/os-release", "echo", "1", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "postmarketos",
        systems: &[("etc/os-release", "postmarketos", "v25.06", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "debian-sid",
        systems: &[("usr/lib/os-release", "debian", "", Some("trixie"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "debian-buster-sid",
        systems: &[("etc/debian_version", "debian", "", Some("buster"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "debian-8",
        systems: &[("usr/lib/os-release", "debian", "8", Some("jessie"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "debian-8-crlf",
        systems: &[("etc/os-release", "debian", "8", Some("jessie"))],
        diagnostics: 0,
    },
    Expected {
        scenario: "distroless-debian-10",
        systems: &[
            ("etc/os-release", "debian", "10.8", None),
            ("etc/debian_version", "debian", "10.8", None),
        ],
        diagnostics: 0,
    },
    Expected {
        scenario: "debian-13.5",
        systems: &[
            ("etc/os-release", "debian", "13.5", Some("trixie")),
            ("etc/debian_version", "debian", "13.5", None),
        ],
        diagnostics: 0,
    },
    Expected {
        scenario: "missing-id",
        systems: &[("usr/lib/os-release", "debian", "8", None)],
        diagnostics: 1,
    },
    Expected {
        scenario: "unknown-id",
        systems: &[("usr/lib/os-release", "debian", "8", None)],
        diagnostics: 0,
    },
    Expected {
        scenario: "no-id",
        systems: &[],
        diagnostics: 1,
    },
    Expected {
        scenario: "empty",
        systems: &[],
        diagnostics: 1,
    },
    Expected {
        scenario: "alpine-3.18-with-prompt",
        systems: &[("etc/os-release", "alpine", "3.18.1", None)],
        diagnostics: 1,
    },
];

#[test]
fn every_real_scenario_gives_the_expected_systems() {
    for expected in EXPECTED {
        let files = scenario(expected.scenario);
        let inputs: Vec<FileInput<'_>> = files.iter().map(ImageFile::input).collect();
        let findings = analyze_layer(&inputs);

        let found: Vec<(&str, &str, &str, Option<&str>)> = systems(&findings)
            .into_iter()
            .map(|os| {
                (
                    os.source_path.as_str(),
                    os.family.as_str(),
                    os.version_id.as_str(),
                    os.codename.as_deref(),
                )
            })
            .collect();
        assert_eq!(found, expected.systems, "scenario {}", expected.scenario);
        assert_eq!(
            warnings(&findings).len(),
            expected.diagnostics,
            "scenario {}: {:?}",
            expected.scenario,
            warnings(&findings)
        );
    }
}

#[test]
fn every_scenario_directory_is_in_the_table() {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), "testdata"].iter().collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(root)
        .expect("testdata exists")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.is_dir())
        .map(|path| {
            path.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|e| e.scenario.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn names_and_pretty_names_come_from_the_file() {
    let files = scenario("debian-12");
    let inputs: Vec<FileInput<'_>> = files.iter().map(ImageFile::input).collect();
    let findings = analyze_layer(&inputs);
    let os = systems(&findings)[0];
    assert_eq!(os.name, "Debian GNU/Linux");
    assert_eq!(
        os.pretty_name.as_deref(),
        Some("Debian GNU/Linux 12 (bookworm)")
    );
    assert_eq!(
        os.end_of_life,
        Some(false),
        "Debian 12 is supported until mid-2028"
    );
}

#[test]
fn ubuntus_debian_version_is_not_reported_as_debian() {
    // Ubuntu 20.04's etc/debian_version reads `bullseye/sid` (as recorded in check_mk's agent
    // test tables); its os-release is Grype's testdata os/ubuntu.
    let mut files = scenario("ubuntu-20.04");
    files.push(ImageFile::new("etc/debian_version", b"bullseye/sid\n"));
    let inputs: Vec<FileInput<'_>> = files.iter().map(ImageFile::input).collect();
    let findings = analyze_layer(&inputs);

    let families: Vec<&str> = systems(&findings)
        .iter()
        .map(|os| os.family.as_str())
        .collect();
    assert_eq!(families, ["ubuntu"]);
    let notes = warnings(&findings);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("etc/debian_version: not reported as Debian"),
        "{notes:?}"
    );
}

#[test]
fn distroless_status_entries_give_debian_with_the_layers_version() {
    // `libsqlite3-0` is the status entry of Syft's testdata image-distroless-deb; the layer's
    // etc/debian_version is that of Syft's from-debian_version scenario.
    let status = ImageFile::new("var/lib/dpkg/status.d/libsqlite3-0", b"");
    let version = ImageFile::new("etc/debian_version", b"10.8\n");
    let mut status_input = status.input();
    status_input.size = 546;
    let findings = analyze_layer(&[status_input, version.input()]);

    let found: Vec<(&str, &str)> = systems(&findings)
        .iter()
        .map(|os| (os.source_path.as_str(), os.version_id.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("etc/debian_version", "10.8"),
            ("var/lib/dpkg/status.d/libsqlite3-0", "10.8"),
        ]
    );
}

#[test]
fn hostile_files_give_warnings_not_findings() {
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    elf.extend(std::iter::repeat_n(0xAA, 200));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("etc/os-release", elf, "NUL"),
        (
            "etc/os-release",
            b"\xff\xfe\xfd garbage \xc3\x28\n".to_vec(),
            "not valid UTF-8",
        ),
        (
            "etc/os-release",
            b"NAME=\"x\"\nVERSION_ID=1\n".to_vec(),
            "neither ID",
        ),
        (
            "etc/lsb-release",
            b"DISTRIB_RELEASE=1\n".to_vec(),
            "DISTRIB_ID",
        ),
        ("etc/alpine-release", b"\xc3\x28\n".to_vec(), "UTF-8"),
        ("etc/debian_version", b"\n\n".to_vec(), "empty"),
    ];
    for (path, contents, expected) in cases {
        let file = ImageFile::new(path, &contents);
        let findings = analyze_layer(&[file.input()]);
        assert!(systems(&findings).is_empty(), "{path}: {findings:?}");
        let notes = warnings(&findings);
        assert!(
            notes.iter().any(|note| note.contains(expected)),
            "{path}: expected {expected:?} in {notes:?}"
        );
    }
}

#[test]
fn invalid_utf8_in_a_value_still_names_the_system_with_a_warning() {
    let file = ImageFile::new(
        "etc/os-release",
        b"NAME=\"Caf\xe9 Linux\"\nID=debian\nVERSION_ID=12\n",
    );
    let findings = analyze_layer(&[file.input()]);
    assert_eq!(systems(&findings)[0].name, "Caf\u{fffd} Linux");
    assert_eq!(warnings(&findings).len(), 1);
}

#[test]
fn oversized_and_truncated_files_are_not_read() {
    let file = ImageFile::new("etc/os-release", b"ID=debian\n");
    let mut huge = file.input();
    huge.size = 10 * MAX_RELEASE_FILE_SIZE;
    huge.truncated = true;
    let findings = analyze_layer(&[huge]);
    assert!(systems(&findings).is_empty());
    assert!(warnings(&findings)[0].contains("655360 bytes"));
}

/// A small deterministic generator (xorshift64), so the hostile-input test needs no crate.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize, alphabet: &[u8]) -> Vec<u8> {
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn random_and_mutated_files_never_panic_and_keep_their_paths() {
    // Bytes biased towards the characters the parsers care about.
    let alphabet: Vec<u8> = b"ID=VERSION_\"'\\\n\r #()./-release sid0123456789"
        .iter()
        .copied()
        .chain([0xC3, 0x28, 0xFF, 0x00])
        .collect();
    let real = scenario("debian-12");
    let paths: Vec<&str> = crate::release_file_paths().collect();
    let mut noise = Noise(0x5eed_1234_abcd_0001);

    for round in 0..3000 {
        let path = paths[round % paths.len()];
        let contents = if round % 2 == 0 {
            let len = (noise.next() % 300) as usize;
            noise.bytes(len, &alphabet)
        } else {
            let mut mutated = real[round % real.len()].contents.clone();
            for _ in 0..(noise.next() % 8) {
                let at = (noise.next() as usize) % mutated.len();
                mutated[at] = alphabet[(noise.next() % alphabet.len() as u64) as usize];
            }
            mutated
        };
        let file = ImageFile::new(path, &contents);
        let findings = analyze_layer(&[file.input()]);
        for finding in &findings {
            assert_eq!(
                finding.source_path(),
                Some(path),
                "round {round}: {finding:?}"
            );
        }
    }
}

#[test]
fn options_other_than_today_are_refused() {
    assert!(OsReleaseAnalyzer::new(&serde_json::json!({})).is_ok());
    let error =
        OsReleaseAnalyzer::new(&serde_json::json!({"strict": true})).expect_err("unknown options");
    assert!(error.message().contains("takes no options"), "{error}");
    let error = OsReleaseAnalyzer::new(&serde_json::json!({"today": "2026-12-03", "strict": 1}))
        .expect_err("unknown beside a known option");
    assert!(error.message().contains("`strict`"), "{error}");
    let error =
        OsReleaseAnalyzer::new(&serde_json::json!({"today": "3 Dec"})).expect_err("not a date");
    assert!(error.message().contains("YYYY-MM-DD"), "{error}");
}

#[test]
fn end_of_life_is_judged_on_the_given_day() {
    let files = [ImageFile::new("etc/alpine-release", b"3.19.1\n")];
    let inputs: Vec<FileInput<'_>> = files.iter().map(ImageFile::input).collect();
    let findings = analyze_layer(&inputs);
    assert_eq!(
        systems(&findings)[0].end_of_life,
        Some(true),
        "Alpine 3.19 lost support on 2025-11-01"
    );
}

#[test]
fn unrequested_files_are_an_error_for_that_file() {
    let analyzer = OsReleaseAnalyzer::default();
    let mut layer = analyzer
        .start_layer(&LayerContext::default())
        .expect("starts");
    let file = ImageFile::new("etc/passwd", b"root:x:0:0::/root:/bin/sh\n");
    let error = analyzer
        .analyze_file(&mut layer, &file.input(), &mut Vec::new())
        .expect_err("not requested");
    assert!(error.message().contains("did not request"));
}

#[test]
fn the_requests_ask_for_release_files_and_status_entries() {
    let requests = OsReleaseAnalyzer::default().requests();
    let [release, status] = requests.files.as_slice() else {
        panic!("expected two requests, got {:?}", requests.files)
    };
    assert!(release.contents);
    assert_eq!(release.max_size, Some(64 * 1024));
    assert!(release
        .exact_paths
        .iter()
        .any(|path| path == "etc/os-release"));
    assert!(release
        .exact_paths
        .iter()
        .all(|path| !path.starts_with('/')));
    assert_eq!(status.globs, ["var/lib/dpkg/status.d/*"]);
    assert!(!status.contents);
    assert!(!requests.image.any());
}

// The exported table, driven as the engine drives it.

fn plugin() -> Plugin {
    Plugin::from_entry(purser_analyzer_entry).expect("the exported header is accepted")
}

#[test]
fn the_exported_header_is_current_and_unwinds() {
    let header = plugin().header();
    assert_eq!(header.interface_version, INTERFACE_VERSION);
    assert_eq!(header.panic_strategy, PANIC_UNWIND);
    let info = plugin().describe().expect("describe works");
    assert_eq!(info, OsReleaseAnalyzer::info());
    assert_eq!(info.name, "os-release");
}

#[test]
fn a_layer_through_the_table_matches_the_trait() {
    let plugin = plugin();
    let instance = plugin.create(&serde_json::Value::Null).expect("created");
    assert_eq!(
        instance.requests(),
        &OsReleaseAnalyzer::default().requests()
    );

    let files = scenario("debian-13.5");
    let inputs: Vec<FileInput<'_>> = files.iter().map(ImageFile::input).collect();
    let through_table = instance
        .scan_layer(&LayerContext::default(), &inputs)
        .expect("the layer is analyzed");
    assert_eq!(through_table, analyze_layer(&inputs));
    assert_eq!(systems(&through_table)[0].version_id, "13.5");
}

#[test]
fn files_split_over_batches_still_refine_each_other() {
    let plugin = plugin();
    let instance = plugin.create(&serde_json::Value::Null).expect("created");
    let files = scenario("debian-12");
    let inputs: Vec<FileInput<'_>> = files.iter().map(ImageFile::input).collect();

    let mut session = instance
        .start_layer(&LayerContext::default())
        .expect("started");
    for input in &inputs {
        assert!(session
            .analyze_files(std::slice::from_ref(input))
            .expect("a batch")
            .is_empty());
    }
    let findings = session.finish().expect("finished");
    assert_eq!(systems(&findings)[0].version_id, "12.11");
}

#[test]
fn layers_run_in_parallel_on_one_instance() {
    let plugin = plugin();
    let instance = plugin.create(&serde_json::Value::Null).expect("created");
    let scenarios = ["alpine-3.11", "centos-7", "debian-12", "wolfi"];

    let families: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let instance = &instance;
                scope.spawn(move || {
                    let files = scenario(name);
                    let inputs: Vec<FileInput<'_>> = files.iter().map(ImageFile::input).collect();
                    let layer = LayerContext {
                        index,
                        ..LayerContext::default()
                    };
                    let findings = instance.scan_layer(&layer, &inputs).expect("analyzed");
                    systems(&findings)[0].family.clone()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("no panic"))
            .collect()
    });
    assert_eq!(families, ["alpine", "centos", "debian", "wolfi"]);
}

#[test]
fn bad_options_are_refused_through_the_table() {
    let plugin = plugin();
    let error = plugin
        .create(&serde_json::json!({"strict": true}))
        .err()
        .expect("refused");
    assert!(!error.is_panic());
    assert!(error
        .message()
        .is_some_and(|m| m.contains("takes no options")));

    let error = plugin.create_raw(b"{not json").err().expect("refused");
    assert!(error
        .message()
        .is_some_and(|m| m.contains("not valid JSON")));
}

#[test]
fn hostile_files_through_the_table_are_warnings() {
    let plugin = plugin();
    let instance = plugin.create(&serde_json::Value::Null).expect("created");
    let garbage = ImageFile::new("etc/os-release", b"\0\x01\x02\x03");
    let findings = instance
        .scan_layer(&LayerContext::default(), &[garbage.input()])
        .expect("analyzed");
    let [Finding::Diagnostic(diagnostic)] = findings.as_slice() else {
        panic!("expected one diagnostic, got {findings:?}")
    };
    assert_eq!(diagnostic.level, DiagnosticLevel::Warning);
    assert_eq!(diagnostic.path, "etc/os-release");
}
