//! The vulnerability database and matching through the real binary: `purser db build` from the
//! bundled fixture advisories (real PyPA OSV records and a Debian tracker excerpt), then
//! `purser scan` of the Debian fixture image against it, with the filters and gates CI uses.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{
    code, db_info_json, describe, fixture, plugin_dir, purser, DPKG, OS_RELEASE, PYTHON,
};

/// The repository's `fixtures/advisories`.
fn advisories() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/advisories")
}

/// A database built once from the fixture advisories.
fn database() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = BUILT.get_or_init(|| {
        let directory = tempfile::tempdir().expect("temporary directory");
        let path = directory.path().join("fixture.purser");
        let output = build_database(&path);
        assert_eq!(code(&output), 0, "db build failed: {}", describe(&output));
        (directory, path)
    });
    path
}

fn build_database(path: &Path) -> std::process::Output {
    let advisories = advisories();
    purser()
        .args(["db", "build", "--output"])
        .arg(path)
        .arg("--from")
        .arg(format!("osv:{}", advisories.join("pypi").display()))
        .arg("--from")
        .arg(format!(
            "debian-tracker:{}",
            advisories
                .join("debian/tracker-bookworm-excerpt.json")
                .display()
        ))
        .env("SOURCE_DATE_EPOCH", "1764806400")
        .output()
        .expect("purser runs")
}

/// The analyzers the Debian fixture's packages come from.
fn plugins() -> &'static Path {
    static DIRECTORY: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIRECTORY
        .get_or_init(|| plugin_dir(&[OS_RELEASE, DPKG, PYTHON]))
        .path()
}

/// `purser scan` of the Debian fixture with the fixture analyzers and `args`.
fn scan_command(args: &[&str]) -> std::process::Command {
    let mut command = purser();
    command
        .arg("scan")
        .arg(fixture("debian.oci"))
        .args(["--no-default-plugins", "--plugin-dir"])
        .arg(plugins())
        .args(args);
    command
}

/// `purser scan` of the Debian fixture against the fixture database, with `extra` flags.
fn scan(extra: &[&str]) -> (Value, std::process::Output) {
    let output = scan_command(&["--format", "json", "--db"])
        .arg(database())
        .args(extra)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("purser runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("scan printed no JSON ({error}): {}", describe(&output));
    });
    (report, output)
}

/// Every `(package, vulnerability ID)` pair of a JSON report.
fn findings(report: &Value) -> BTreeSet<(String, String)> {
    report["results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|result| result["vulnerabilities"].as_array().into_iter().flatten())
        .map(|finding| {
            (
                finding["package_name"].as_str().unwrap_or("?").to_owned(),
                finding["vulnerability_id"]
                    .as_str()
                    .unwrap_or("?")
                    .to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    expected
        .iter()
        .map(|(package, id)| ((*package).to_owned(), (*id).to_owned()))
        .collect()
}

/// What the fixture image must produce against the fixture advisories, worked out by hand: the
/// pinned Flask 2.2.2, requests 2.28.1 and urllib3 1.26.12 inside the fixed ranges of the PyPA
/// records, and the Debian packages whose source package has an open bookworm entry. perl's
/// CVE-2023-31484 is fixed in 5.36.0-7+deb12u1, older than the installed +deb12u2, so it is
/// absent.
const EXPECTED: &[(&str, &str)] = &[
    ("Flask", "CVE-2023-30861"),
    ("requests", "CVE-2023-32681"),
    ("urllib3", "CVE-2023-43804"),
    ("urllib3", "CVE-2023-45803"),
    ("coreutils", "CVE-2016-2781"),
    ("coreutils", "CVE-2017-18018"),
    ("libc6", "CVE-2010-4756"),
    ("libc6", "CVE-2019-1010022"),
    ("perl-base", "CVE-2011-4116"),
    ("login", "CVE-2007-5686"),
    ("passwd", "CVE-2007-5686"),
    ("bsdutils", "CVE-2022-0563"),
    ("gcc-12-base", "CVE-2022-27943"),
    ("libgcc-s1", "CVE-2022-27943"),
];

#[test]
fn the_fixture_image_has_exactly_the_expected_vulnerabilities() {
    let (report, output) = scan(&[]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert_eq!(findings(&report), pairs(EXPECTED));

    let flask = report["results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|result| result["vulnerabilities"].as_array().into_iter().flatten())
        .find(|finding| finding["package_name"] == "Flask")
        .expect("Flask finding");
    assert_eq!(flask["installed_version"], "2.2.2");
    assert_eq!(
        flask["fixed_version"], "2.2.5, 2.3.2",
        "every fixing release, as Trivy lists them"
    );
    assert!(report["vulnerability_database"]["sources"]
        .as_array()
        .is_some_and(|sources| sources.len() == 2));
}

#[test]
fn db_info_describes_the_sources() {
    let info = db_info_json(database());
    assert_eq!(info["built_at"], "2025-12-04T00:00:00Z");
    let records: Vec<u64> = info["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|source| source["records"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|count| *count > 0), "{info}");
}

#[test]
fn the_same_inputs_build_the_same_database() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let again = directory.path().join("again.purser");
    let output = build_database(&again);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert_eq!(
        std::fs::read(&again).expect("read"),
        std::fs::read(database()).expect("read")
    );
}

#[test]
fn filters_leave_out_what_they_say() {
    let (report, _) = scan(&["--ignore-unfixed"]);
    let kept = findings(&report);
    assert_eq!(
        kept,
        pairs(&EXPECTED[..4]),
        "Debian's open entries have no fix"
    );

    let (report, _) = scan(&["--severity", "HIGH,CRITICAL"]);
    assert!(findings(&report)
        .iter()
        .all(|(package, _)| !["coreutils", "libc6", "gcc-12-base"].contains(&package.as_str())));
}

#[test]
fn the_exit_code_gate_fails_only_when_findings_remain() {
    let (_, output) = scan(&["--exit-code", "5"]);
    assert_eq!(code(&output), 5, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("fail the gate"));

    let (_, output) = scan(&[
        "--exit-code",
        "5",
        "--severity",
        "CRITICAL",
        "--ignore-unfixed",
    ]);
    let (report, _) = scan(&["--severity", "CRITICAL", "--ignore-unfixed"]);
    let expected = if findings(&report).is_empty() { 0 } else { 5 };
    assert_eq!(code(&output), expected, "{}", describe(&output));
}

#[test]
fn an_ignore_file_accepts_findings_until_it_expires() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let ignore = directory.path().join("ignore.toml");
    std::fs::write(
        &ignore,
        "[[ignore]]\nid = \"CVE-2023-30861\"\nreason = \"not exposed\"\n\n\
         [[ignore]]\nid = \"CVE-2023-32681\"\nexpires = \"2020-01-01\"\nreason = \"old\"\n",
    )
    .expect("write");
    let (report, output) = scan(&["--ignorefile", ignore.to_str().expect("UTF-8")]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let kept = findings(&report);
    assert!(!kept.contains(&("Flask".to_owned(), "CVE-2023-30861".to_owned())));
    assert!(kept.contains(&("requests".to_owned(), "CVE-2023-32681".to_owned())));
    assert_eq!(report["expired_ignores"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_vex_statement_suppresses_and_says_why() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let vex = directory.path().join("app.openvex.json");
    std::fs::write(
        &vex,
        r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "app team",
  "timestamp": "2025-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "CVE-2023-43804"},
      "products": [{"@id": "pkg:pypi/urllib3@1.26.12"}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path"
    }
  ]
}"#,
    )
    .expect("write");
    let (report, output) = scan(&["--vex", vex.to_str().expect("UTF-8")]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(!findings(&report).contains(&("urllib3".to_owned(), "CVE-2023-43804".to_owned())));
    assert_eq!(report["suppressed"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_corrupt_database_is_refused_with_what_to_run() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let corrupt = directory.path().join("corrupt.purser");
    let mut bytes = std::fs::read(database()).expect("read");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&corrupt, bytes).expect("write");

    let output = scan_command(&["--db"])
        .arg(&corrupt)
        .output()
        .expect("purser runs");
    assert_eq!(code(&output), 2, "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("corrupt.purser"), "{stderr}");
    assert!(stderr.contains("purser db"), "{stderr}");
}

#[test]
fn a_named_database_must_exist() {
    let output = scan_command(&["--db", "/nonexistent/vulndb.purser"])
        .output()
        .expect("purser runs");
    assert_eq!(code(&output), 2, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("purser db build"));
}

#[test]
fn import_installs_a_checked_copy() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let installed = directory.path().join("cache/purser/vulndb.purser");
    let output = purser()
        .args(["db", "import"])
        .arg(database())
        .arg("--db")
        .arg(&installed)
        .output()
        .expect("purser runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert_eq!(
        std::fs::read(&installed).expect("installed"),
        std::fs::read(database()).expect("original")
    );

    let garbage = directory.path().join("garbage.purser");
    std::fs::write(&garbage, b"not a database").expect("write");
    let output = purser()
        .args(["db", "import"])
        .arg(&garbage)
        .arg("--db")
        .arg(&installed)
        .output()
        .expect("purser runs");
    assert_eq!(code(&output), 2, "{}", describe(&output));
    assert_eq!(
        std::fs::read(&installed).expect("still installed"),
        std::fs::read(database()).expect("original"),
        "a failed import leaves the installed database alone"
    );
}

#[test]
fn the_cvss_gate_accepts_scores_up_to_its_threshold() {
    // urllib3's CVE-2023-43804 scores 8.1 (CVSS 3.1), its CVE-2023-45803 4.2; the rest have no
    // score and cannot cross a CVSS threshold.
    let (_, output) = scan(&["--fail-on-cvss", "8.0"]);
    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CVE-2023-43804"));

    let (_, output) = scan(&["--fail-on-cvss", "8.1"]);
    assert_eq!(
        code(&output),
        0,
        "8.1 itself is accepted: {}",
        describe(&output)
    );

    let (_, output) = scan(&["--fail-on-cvss", "4.0", "--exit-code", "7"]);
    assert_eq!(code(&output), 7, "{}", describe(&output));
}

#[test]
fn settings_come_from_purser_toml_and_flags_win() {
    let directory = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        directory.path().join("purser.toml"),
        "severity = [\"HIGH\", \"CRITICAL\"]\nexit-code = 4\n",
    )
    .expect("write settings");
    let run = |extra: &[&str]| {
        scan_command(&["--format", "json", "--db"])
            .arg(database())
            .args(extra)
            .current_dir(directory.path())
            .output()
            .expect("purser runs")
    };

    let output = run(&[]);
    assert_eq!(code(&output), 4, "{}", describe(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        findings(&report),
        pairs(&[("urllib3", "CVE-2023-43804")]),
        "only HIGH and CRITICAL remain"
    );

    let output = run(&["--exit-code", "0"]);
    assert_eq!(code(&output), 0, "the flag wins: {}", describe(&output));

    std::fs::write(directory.path().join("purser.toml"), "severty = \"HIGH\"\n").expect("write");
    let output = run(&[]);
    assert_eq!(code(&output), 2, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("severty"));
}

#[test]
fn scanners_choose_what_is_looked_for() {
    let (report, output) = scan(&["--scanners", "secret"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(findings(&report).is_empty());
    assert_eq!(report["vulnerability_database"], Value::Null);
}

#[test]
fn a_cyclonedx_vex_document_suppresses_too() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let vex = directory.path().join("app.cdx.json");
    std::fs::write(
        &vex,
        r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "vulnerabilities": [
    {
      "id": "CVE-2023-32681",
      "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
      "affects": [{"ref": "pkg:pypi/requests@2.28.1"}]
    }
  ]
}"#,
    )
    .expect("write");
    let (report, output) = scan(&["--vex", vex.to_str().expect("UTF-8")]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(!findings(&report).contains(&("requests".to_owned(), "CVE-2023-32681".to_owned())));
    assert_eq!(report["suppressed"].as_array().map(Vec::len), Some(1));
}

#[test]
fn logs_can_be_json_lines_for_collectors() {
    let (_, output) = scan(&["--log-format", "json", "-v"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let events: Vec<Value> = stderr
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("each log line is JSON"))
        .collect();
    assert!(!events.is_empty(), "{stderr}");
    assert!(events.iter().all(|event| event["level"].is_string()));
}
