//! Every report format of real scans of the Debian, Alpine and AlmaLinux fixtures against the
//! fixture database: the Debian ones checked against golden files (`UPDATE_GOLDEN=1` rewrites
//! them), all of them by outside validators
//! (check-jsonschema, cyclonedx-python-lib, spdx-tools; installed by scripts/install-test-tools).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::support::{
    code, describe, fixtures, plugin_dir, purser, APK, DPKG, OS_RELEASE, PYTHON, RPM, SECRETS,
};

/// The build time stamped into the database and the documents, so output is reproducible.
const SOURCE_DATE_EPOCH: &str = "1764806400";

/// The database file, built once beside the fixture images so scans can name it relatively.
const DATABASE: &str = "formats.purser";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The plugins the report is made from, and their directory (which appears in the JSON report
/// as each analyzer's origin and is replaced by `<plugins>` before comparing).
fn plugins() -> &'static Path {
    static DIRECTORY: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIRECTORY
        .get_or_init(|| plugin_dir(&[OS_RELEASE, DPKG, APK, RPM, PYTHON, SECRETS]))
        .path()
}

fn prepare_database() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let advisories = repository().join("fixtures/advisories");
        let output = purser()
            .current_dir(fixtures())
            .args(["db", "build", "--output", DATABASE, "--from"])
            .arg(format!("osv:{}", advisories.join("pypi").display()))
            .arg("--from")
            .arg(format!(
                "debian-tracker:{}",
                advisories
                    .join("debian/tracker-bookworm-excerpt.json")
                    .display()
            ))
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .output()
            .expect("purser runs");
        assert_eq!(code(&output), 0, "db build: {}", describe(&output));
    });
}

/// The fixture images every format is validated on; the first also has golden files.
const IMAGES: [&str; 3] = ["debian.oci", "alpine.oci", "almalinux.oci"];

/// The report of the Debian fixture in `format`, with the plugin directory masked.
fn report(format: &str) -> String {
    report_of(IMAGES[0], format)
}

/// The reports of every fixture in [`IMAGES`] in `format`, written to files in `directory`.
fn reports_in(directory: &tempfile::TempDir, format: &str, extension: &str) -> Vec<PathBuf> {
    IMAGES
        .iter()
        .map(|image| {
            let name = format!("{}.{extension}", image.replace('.', "-"));
            temporary(directory, &name, &report_of(image, format))
        })
        .collect()
}

/// The report of fixture `image` in `format`, with the plugin directory masked.
fn report_of(image: &str, format: &str) -> String {
    prepare_database();
    let output = purser()
        .current_dir(fixtures())
        .args(["scan", image, "--db", DATABASE, "--no-default-plugins"])
        .arg("--plugin-dir")
        .arg(plugins())
        .args(["--format", format])
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .output()
        .expect("purser runs");
    assert_eq!(code(&output), 0, "{format}: {}", describe(&output));
    String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .replace(&plugins().display().to_string(), "<plugins>")
}

/// Compares `text` with the golden file, or rewrites it under `UPDATE_GOLDEN=1`.
fn assert_golden(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden folder")).expect("create folder");
        std::fs::write(&path, text).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {} ({error}); run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    assert!(
        expected == text,
        "{name} differs from {}; if the change is intended, rerun with UPDATE_GOLDEN=1\n{text}",
        path.display()
    );
}

/// Runs a validator; `None` (after a note) when it is not installed outside CI.
fn run_validator(name: &str, command: &mut Command) -> Option<Output> {
    match command.output() {
        Ok(output) => Some(output),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{name} is not installed; scripts/install-test-tools installs it"
            );
            eprintln!("skipping validation: {name} is not installed");
            None
        }
        Err(error) => panic!("cannot run {name}: {error}"),
    }
}

fn assert_valid(name: &str, command: &mut Command) {
    if let Some(output) = run_validator(name, command) {
        assert!(
            output.status.success(),
            "{name} rejected the document: {}",
            describe(&output)
        );
    }
}

/// Writes `text` to a temporary file named `name`.
fn temporary(directory: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = directory.path().join(name);
    std::fs::write(&path, text).expect("write document");
    path
}

#[test]
fn the_table_matches_its_golden_file() {
    assert_golden("debian.table.txt", &report("table"));
}

#[test]
fn the_json_report_matches_its_golden_file_and_schema() {
    assert_golden("debian.json", &report("json"));
    let directory = tempfile::tempdir().expect("temporary directory");
    assert_valid(
        "check-jsonschema",
        Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(repository().join("docs/report.schema.json"))
            .args(reports_in(&directory, "json", "json")),
    );
}

#[test]
fn sarif_matches_its_golden_file_and_the_sarif_schema() {
    assert_golden("debian.sarif", &report("sarif"));
    let directory = tempfile::tempdir().expect("temporary directory");
    assert_valid(
        "check-jsonschema",
        Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(repository().join("crates/purser-report/tests/schemas/sarif-schema-2.1.0.json"))
            .args(reports_in(&directory, "sarif", "sarif")),
    );
}

/// Validates CycloneDX JSON with cyclonedx-python-lib's strict validator; exit 3 means the
/// library is missing.
const VALIDATE_CYCLONEDX: &str = "
import sys
try:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
except ImportError:
    sys.exit(3)
failed = False
for name in sys.argv[1:]:
    with open(name, encoding='utf-8') as document:
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(document.read())
    if error is not None:
        print(name, error)
        failed = True
sys.exit(1 if failed else 0)
";

#[test]
fn cyclonedx_matches_its_golden_file_and_validates() {
    assert_golden("debian.cdx.json", &report("cyclonedx"));
    let directory = tempfile::tempdir().expect("temporary directory");
    let Some(output) = run_validator(
        "python3",
        Command::new("python3")
            .args(["-c", VALIDATE_CYCLONEDX])
            .args(reports_in(&directory, "cyclonedx", "cdx.json")),
    ) else {
        return;
    };
    if output.status.code() == Some(3) {
        assert!(
            std::env::var_os("CI").is_none(),
            "cyclonedx-python-lib is not installed; scripts/install-test-tools installs it"
        );
        eprintln!("skipping validation: cyclonedx-python-lib is not installed");
        return;
    }
    assert!(
        output.status.success(),
        "CycloneDX rejected: {}",
        describe(&output)
    );
}

#[test]
fn spdx_matches_its_golden_file_and_validates() {
    assert_golden("debian.spdx.json", &report("spdx-json"));
    let directory = tempfile::tempdir().expect("temporary directory");
    // pyspdxtools reads one document per run.
    for document in reports_in(&directory, "spdx-json", "spdx.json") {
        let Some(output) = run_validator(
            "pyspdxtools",
            Command::new("pyspdxtools").arg("-i").arg(&document),
        ) else {
            return;
        };
        assert!(
            output.status.success(),
            "SPDX rejected {}: {}",
            document.display(),
            describe(&output)
        );
        assert!(
            output.stdout.is_empty() && output.stderr.is_empty(),
            "pyspdxtools reported problems with {}: {}",
            document.display(),
            describe(&output)
        );
    }
}

#[test]
fn an_sbom_lists_only_the_inventory() {
    prepare_database();
    let output = purser()
        .current_dir(fixtures())
        .args([
            "scan",
            "debian.oci",
            "--list-packages",
            "--format",
            "cyclonedx",
        ])
        .args(["--no-default-plugins", "--plugin-dir"])
        .arg(plugins())
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .output()
        .expect("purser runs");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(document["components"]
        .as_array()
        .is_some_and(|components| components.len() >= 21));
    assert!(document["vulnerabilities"]
        .as_array()
        .is_none_or(Vec::is_empty));
}
