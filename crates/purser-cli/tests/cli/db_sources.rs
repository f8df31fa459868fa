//! `purser db build` from the language and distribution sources read straight from their
//! archives in `../shared/data/advisories` (the `KIND:ARCHIVE#FOLDER` form), then `db info`
//! and lookups in the database it wrote.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use purser_vulndb::{Database, Match, PackageQuery};

use crate::support::{code, db_info_json, describe, purser};

/// An archive of the shared advisory data, as a string argument.
fn archive(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/advisories")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing; these tests need the shared data folder `../shared/data` beside the repository",
        path.display()
    );
    path.display().to_string()
}

/// The database built once from RubySec, FriendsOfPHP, the Node.js security WG, Victims and
/// the `active/` folder of the Ubuntu CVE tracker, and what `db build` printed on stderr.
fn built() -> &'static (tempfile::TempDir, PathBuf, String) {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf, String)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let directory = tempfile::tempdir().expect("temporary directory");
        let path = directory.path().join("sources.purser");
        let sources = [
            format!("rubysec:{}", archive("ruby-advisory-db.tar.zst")),
            format!(
                "friendsofphp:{}",
                archive("friendsofphp-security-advisories.tar.zst")
            ),
            format!(
                "nodejs-security-wg:{}#nodejs-security-wg-vuln/vuln",
                archive("nodejs-security-wg-vuln.tar.zst")
            ),
            format!(
                "victims:{}#victims-cve-db/database",
                archive("victims-cve-db.tar.zst")
            ),
            format!(
                "ubuntu-cve-tracker:{}#ubuntu-cve-tracker-2020/active/",
                archive("ubuntu-cve-tracker-2020.tar.zst")
            ),
        ];
        let mut command = purser();
        command
            .args(["db", "build", "--strict", "--output"])
            .arg(&path);
        for source in &sources {
            command.args(["--from", source]);
        }
        let output = command
            .env("SOURCE_DATE_EPOCH", "1764806400")
            .output()
            .expect("purser runs");
        assert_eq!(code(&output), 0, "db build failed: {}", describe(&output));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (directory, path, stderr)
    })
}

fn database() -> &'static Path {
    &built().1
}

/// The matches of one installed package.
fn matches(ecosystem: &str, release: Option<&str>, name: &str, version: &str) -> Vec<Match> {
    let database = Database::open(database()).expect("database opens");
    let lookup = database
        .lookup(&PackageQuery {
            ecosystem,
            release,
            name,
            version,
        })
        .expect("lookup");
    assert!(lookup.problems.is_empty(), "{:?}", lookup.problems);
    lookup.matches
}

fn find<'a>(matches: &'a [Match], id: &str) -> Option<&'a Match> {
    matches
        .iter()
        .find(|found| found.advisory_id == id || found.aliases.iter().any(|alias| alias == id))
}

#[test]
fn db_info_lists_each_source_with_its_records() {
    let info = db_info_json(database());
    let sources: Vec<(&str, u64)> = info["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|source| {
            (
                source["name"].as_str().expect("name"),
                source["records"].as_u64().expect("records"),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("rubysec", 1173),
            ("friendsofphp", 1200),
            ("nodejs-security-wg", 467),
            ("victims", 217),
            ("ubuntu-cve-tracker", 6509),
        ],
        "{info}"
    );

    let table = purser()
        .args(["db", "info", "--db"])
        .arg(database())
        .output()
        .expect("purser runs");
    assert_eq!(code(&table), 0, "{}", describe(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.lines()
            .any(|line| line.starts_with("ubuntu-cve-tracker") && line.contains("6509")),
        "{text}"
    );
}

#[test]
fn db_build_says_what_it_left_out() {
    let stderr = &built().2;
    assert!(
        stderr.contains("read 1173 advisories from") && stderr.contains("(rubysec)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "note: rubysec left out 147 times: advisory for a language runtime, not a package"
        ),
        "{stderr}"
    );
    // Ranges that start just after a version are kept; what is left out is the Victims items
    // whose version series is no number.
    assert!(!stderr.contains("note: friendsofphp left out"), "{stderr}");
    assert!(
        stderr
            .contains("note: victims left out 4 times: unreadable or inexpressible version range"),
        "{stderr}"
    );
}

#[test]
fn language_packages_match_their_advisories() {
    // rack CVE-2020-8161: patched "~> 2.1.3", ">= 2.2.0".
    let vulnerable = matches("RubyGems", None, "rack", "2.1.2");
    let rack = find(&vulnerable, "CVE-2020-8161").expect("rack 2.1.2 is affected");
    assert_eq!(rack.source, "rubysec");
    assert_eq!(rack.fixed_versions, ["2.1.3"]);
    assert!(find(&matches("RubyGems", None, "rack", "2.1.3"), "CVE-2020-8161").is_none());
    assert!(find(&matches("RubyGems", None, "rack", "2.2.0"), "CVE-2020-8161").is_none());

    // twig/twig CVE-2022-39261, branch 3.x: >=3.0.0, <3.4.3.
    let twig = matches("Packagist", None, "twig/twig", "3.4.2");
    assert!(find(&twig, "CVE-2022-39261").is_some(), "{twig:?}");
    assert!(find(
        &matches("Packagist", None, "twig/twig", "3.4.3"),
        "CVE-2022-39261"
    )
    .is_none());

    // mqtt-packet NSWG-ECO-75: "<3.4.6 || > 4.0.0 <4.0.5"; 4.0.0 itself is safe.
    assert!(find(&matches("npm", None, "mqtt-packet", "4.0.2"), "NSWG-ECO-75").is_some());
    assert!(find(&matches("npm", None, "mqtt-packet", "4.0.0"), "NSWG-ECO-75").is_none());
    assert!(find(&matches("npm", None, "mqtt-packet", "3.4.5"), "NSWG-ECO-75").is_some());

    // Victims CVE-2014-3623: org.apache.cxf:cxf-rt-security "<=2.7.12,2", "<=3.0.1,3".
    let cxf = "org.apache.cxf:cxf-rt-security";
    let vulnerable = matches("Maven", None, cxf, "2.7.12");
    let found = find(&vulnerable, "CVE-2014-3623").expect("cxf 2.7.12 is affected");
    assert_eq!(found.source, "victims");
    assert!(find(&matches("Maven", None, cxf, "2.7.13"), "CVE-2014-3623").is_none());
    assert!(find(&matches("Maven", None, cxf, "3.0.1"), "CVE-2014-3623").is_some());
}

#[test]
fn ubuntu_statuses_and_priorities_stay_verbatim() {
    // CVE-2019-0136, bionic_linux: released (4.15.0-60.67); Priority: medium.
    let linux = matches("Ubuntu", Some("18.04"), "linux", "4.15.0-59.66");
    let wifi = find(&linux, "CVE-2019-0136").expect("bionic linux before the fix is affected");
    assert_eq!(wifi.source, "ubuntu-cve-tracker");
    assert_eq!(wifi.fixed_versions, ["4.15.0-60.67"]);
    assert_eq!(wifi.status_text.as_deref(), Some("released (4.15.0-60.67)"));
    assert_eq!(
        wifi.severity_source.as_deref(),
        Some("ubuntu priority: medium")
    );

    let fixed = matches("Ubuntu", Some("18.04"), "linux", "4.15.0-60.67");
    assert!(find(&fixed, "CVE-2019-0136").is_none());
}
