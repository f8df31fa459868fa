//! Conformance against the real vectors in `../shared/data/version-vectors`, read in place.
//!
//! Every vector of each source must hold, in both directions, except those in a scheme's
//! allowlist, each with the reason we are sure the vector (not this crate) is wrong or speaks
//! for another tool. An allowlist entry that starts passing fails the test, so the lists stay
//! exact.

mod support;

use std::cmp::Ordering;

use purser_version::pep440::Pep440Version;
use purser_version::rubygems::GemVersion;
use purser_version::{Scheme, VersionError};
use support::Vector;

const SCALIBR: &str = "osv-scalibr-semantic-versions.tar.zst";
const SCALIBR_DIR: &str = "osv-scalibr-semantic-versions/semantic/testdata";
const UNIVERS: &str = "univers-testdata.tar.zst";
const UNIVERS_DIR: &str = "univers-testdata/tests/data";
const APK_TOOLS: &str = "go-apk-version-data.tar.zst";

/// A vector known to fail, with why: `(left, right, reason)`.
type Allowed = (&'static str, &'static str, &'static str);

/// Runs `vectors` through `compare` and checks the outcome against `allowed`.
fn check(
    name: &str,
    compare: impl Fn(&str, &str) -> Result<Ordering, VersionError>,
    vectors: &[Vector],
    allowed: &[Allowed],
) {
    assert!(!vectors.is_empty(), "{name}: no vectors were read");

    let mut unexpected = Vec::new();
    let mut allowed_failures = 0;
    let mut stale: Vec<&Allowed> = allowed.iter().collect();
    for vector in vectors {
        let outcome = compare(&vector.left, &vector.right);
        let reverse = compare(&vector.right, &vector.left);
        let holds = match (&outcome, &reverse) {
            (Ok(forward), Ok(backward)) => {
                vector.expected.holds(*forward) && *backward == forward.reverse()
            }
            _ => false,
        };
        if holds {
            continue;
        }

        let entry = allowed
            .iter()
            .find(|(left, right, _)| *left == vector.left && *right == vector.right);
        match entry {
            Some(entry) => {
                allowed_failures += 1;
                stale.retain(|other| !std::ptr::eq(*other, entry));
            }
            None => unexpected.push(format!(
                "{}: {} vs {}: expected {:?}, got {:?} (reverse {:?})",
                vector.origin, vector.left, vector.right, vector.expected, outcome, reverse
            )),
        }
    }

    eprintln!(
        "{name}: {} vectors, {} pass, {} allowlisted failures",
        vectors.len(),
        vectors.len() - allowed_failures - unexpected.len(),
        allowed_failures
    );
    assert!(
        unexpected.is_empty(),
        "{name}: {} vectors failed:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "{name}: allowlisted vectors that now pass or no longer exist: {stale:?}"
    );
}

fn lines_from(archive: &str, paths: &[String]) -> Vec<Vector> {
    let files = support::read_archive(archive);
    paths
        .iter()
        .flat_map(|path| {
            let text = files
                .get(path)
                .unwrap_or_else(|| panic!("{archive} has no {path}"));
            support::parse_comparison_lines(path, text)
        })
        .collect()
}

fn univers_json(file: &str) -> Vec<Vector> {
    let files = support::read_archive(UNIVERS);
    let path = format!("{UNIVERS_DIR}/schema/{file}");
    let text = files
        .get(&path)
        .unwrap_or_else(|| panic!("{UNIVERS} has no {path}"));
    support::parse_univers_json(&path, text)
}

fn scalibr(files: &[&str]) -> Vec<Vector> {
    let paths: Vec<String> = files
        .iter()
        .map(|file| format!("{SCALIBR_DIR}/{file}"))
        .collect();
    lines_from(SCALIBR, &paths)
}

fn scheme(scheme: Scheme) -> impl Fn(&str, &str) -> Result<Ordering, VersionError> {
    move |a, b| scheme.compare(a, b)
}

#[test]
fn dpkg_matches_osv_scalibr_debian_vectors() {
    let vectors = scalibr(&["debian-versions.txt", "debian-versions-generated.txt"]);
    check("dpkg/osv-scalibr", scheme(Scheme::Dpkg), &vectors, &[]);
}

#[test]
fn dpkg_matches_univers_deb_vectors() {
    let vectors = univers_json("deb_version_python_pkg_test.json");
    check("dpkg/univers", scheme(Scheme::Dpkg), &vectors, &[]);
}

#[test]
fn rpm_matches_rpmvercmp_at() {
    let files = support::read_archive(UNIVERS);
    let path = format!("{UNIVERS_DIR}/rpmvercmp.at");
    let vectors = support::parse_rpmvercmp_at(&path, &files[&path]);
    check("rpm/rpmvercmp.at", scheme(Scheme::Rpm), &vectors, &[]);
}

#[test]
fn rpm_matches_osv_scalibr_redhat_vectors() {
    let vectors = scalibr(&["redhat-versions.txt"]);
    check("rpm/osv-scalibr", scheme(Scheme::Rpm), &vectors, &[]);
}

#[test]
fn apk_matches_apk_tools_version_data() {
    let vectors = lines_from(APK_TOOLS, &["go-apk-version-data/version.data".to_owned()]);
    check("apk/apk-tools", scheme(Scheme::Apk), &vectors, &[]);
}

#[test]
fn apk_matches_univers_alpine_vectors() {
    let mut vectors = univers_json("alpine_version_cmp.json");
    vectors.extend(lines_from(
        UNIVERS,
        &[format!("{UNIVERS_DIR}/alpine_test.txt")],
    ));
    check("apk/univers", scheme(Scheme::Apk), &vectors, &[]);
}

/// Where apk-tools releases disagree (the vector file says so in its comments), osv-scalibr
/// follows the newest apk-tools; this crate follows the 2.x tokenizer, whose own `version.data`
/// passes in full above.
const APK_NEWER_TOOLS: &str = "apk-tools 2.x orders this differently from the newest apk-tools";

const APK_ALLOWED: &[Allowed] = &[
    ("1-r-0", "1-r0", APK_NEWER_TOOLS),
    ("1-r-1", "1-r0", APK_NEWER_TOOLS),
    ("0.r1", "0r2", APK_NEWER_TOOLS),
    ("0.8.21.r2", "0.8.21r2", APK_NEWER_TOOLS),
    ("1.2.0A", "1.2.0d", APK_NEWER_TOOLS),
    ("1.2.0D", "1.2.0d", APK_NEWER_TOOLS),
    ("1", "1-ruff", APK_NEWER_TOOLS),
    ("1-ruff2", "1--ruff1", APK_NEWER_TOOLS),
];

#[test]
fn apk_matches_osv_scalibr_alpine_vectors() {
    let vectors = scalibr(&["alpine-versions.txt", "alpine-versions-generated.txt"]);
    check(
        "apk/osv-scalibr",
        scheme(Scheme::Apk),
        &vectors,
        APK_ALLOWED,
    );
}

#[test]
fn semver_matches_osv_scalibr_semver_vectors() {
    let vectors = scalibr(&["semver-versions.txt"]);

    // osv-scalibr's SemVer parser is lenient; these two are not SemVer 2.0.0 versions.
    let allowed: &[Allowed] = &[
        (
            "999999999999999999999999999991",
            "999999999999999999999999999999",
            "a bare number is not major.minor.patch",
        ),
        (
            "1.1.3.4.5",
            "1.1.3.4.5",
            "five numeric components are not major.minor.patch",
        ),
    ];
    check(
        "semver/osv-scalibr",
        scheme(Scheme::Semver),
        &vectors,
        allowed,
    );
}

#[test]
fn pep440_matches_osv_scalibr_pypi_vectors() {
    let vectors = scalibr(&["pypi-versions.txt", "pypi-versions-generated.txt"]);

    // osv-scalibr still orders pre-PEP 440 "legacy" strings (`0.3m1`, `4.11-final`, dates) the
    // way packaging < 22 did; PEP 440 does not define them and packaging ≥ 22 rejects them, as
    // this crate does. Such vectors are set aside, counted exactly, and every string in them
    // must be one this crate rejects.
    let is_valid = |version: &str| version.parse::<Pep440Version>().is_ok();
    let (pep440, legacy): (Vec<Vector>, Vec<Vector>) = vectors
        .into_iter()
        .partition(|vector| is_valid(&vector.left) && is_valid(&vector.right));
    eprintln!(
        "pep440/osv-scalibr: {} vectors with a legacy version set aside",
        legacy.len()
    );
    assert_eq!(legacy.len(), 80, "vectors with a non-PEP 440 version");

    check("pep440/osv-scalibr", scheme(Scheme::Pep440), &pep440, &[]);
}

#[test]
fn maven_matches_osv_scalibr_maven_vectors() {
    let vectors = scalibr(&["maven-versions.txt", "maven-versions-generated.txt"]);

    // Maven 3.x keeps `ga-1` as a nested list after dropping the `ga`, so `1-ga-1` < `1-1`, and
    // univers' vectors agree with that parse; osv-scalibr expects a newer Maven rule that treats
    // the two as equal, which this crate does not implement.
    let allowed: &[Allowed] = &[(
        "1-1",
        "1-ga-1",
        "newer Maven rule for a release qualifier in a list",
    )];
    check(
        "maven/osv-scalibr",
        scheme(Scheme::Maven),
        &vectors,
        allowed,
    );
}

#[test]
fn maven_matches_univers_maven_vectors() {
    let vectors = univers_json("maven_version_cmp.json");
    check("maven/univers", scheme(Scheme::Maven), &vectors, &[]);
}

#[test]
fn rubygems_matches_osv_scalibr_rubygems_vectors() {
    let vectors = scalibr(&["rubygems-versions.txt", "rubygems-versions-generated.txt"]);

    // osv-scalibr also orders strings `Gem::Version.new` rejects (`1beta`); this crate rejects
    // them too. Such vectors are set aside and counted exactly.
    let is_valid = |version: &str| version.parse::<GemVersion>().is_ok();
    let (valid, malformed): (Vec<Vector>, Vec<Vector>) = vectors
        .into_iter()
        .partition(|vector| is_valid(&vector.left) && is_valid(&vector.right));
    eprintln!(
        "rubygems/osv-scalibr: {} vectors with a malformed version set aside",
        malformed.len()
    );
    assert_eq!(malformed.len(), 2, "vectors with a malformed version");

    check(
        "rubygems/osv-scalibr",
        scheme(Scheme::RubyGems),
        &valid,
        &[],
    );
}

#[test]
fn composer_matches_osv_scalibr_packagist_vectors() {
    let vectors = scalibr(&["packagist-versions.txt", "packagist-versions-generated.txt"]);

    // osv-scalibr's own edge cases say `1.2.3.#` equals both `1.2.3` and `1.2.3.1`, which
    // cannot both hold since those two differ. PHP canonicalises it to `1.2.3.`, whose empty
    // last part ranks below the end of `1.2.3`.
    const HASH: &str = "`1.2.3.#` is `1.2.3.` to PHP, not a number";
    let allowed: &[Allowed] = &[("1.2.3.#", "1.2.3", HASH), ("1.2.3.#", "1.2.3.1", HASH)];
    check(
        "composer/osv-scalibr",
        scheme(Scheme::Composer),
        &vectors,
        allowed,
    );
}
