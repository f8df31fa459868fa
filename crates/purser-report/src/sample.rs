//! A small scan and vulnerability report shared by the tests of every format.

use std::collections::BTreeMap;

use purser_advisory::SeverityRating;
use purser_engine::report::{FileState, ImageReport, LayerReport, Located};
use purser_engine::ScanReport;
use purser_match::{
    CoverageGap, CvssScore, DatabaseSummary, MatchedPackage, SourceSummary, Vulnerability,
    VulnerabilityReport, VulnerabilityStatus,
};
use purser_plugin_api::{OperatingSystem, Package, ProvenanceFinding, Secret, Severity};

/// The secret as it was in the file: it must never appear in any output.
pub const UNREDACTED_SECRET: &str = "AKIAIOSFODNN7EXAMPLE";

/// The analyzer's redacted form of [`UNREDACTED_SECRET`].
pub const REDACTED_SECRET: &str = "AKIA************MPLE";

fn located<T>(item: T, analyzer: &str, layer: usize) -> Located<T> {
    Located {
        item,
        analyzer: analyzer.to_owned(),
        layer: Some(layer),
        file_state: FileState::Present,
        changed_in_layer: None,
    }
}

fn package(ecosystem: &str, name: &str, version: &str, purl: &str, path: &str) -> Package {
    Package {
        ecosystem: ecosystem.to_owned(),
        name: name.to_owned(),
        version: version.to_owned(),
        purl: Some(purl.to_owned()),
        licenses: vec!["MIT".to_owned()],
        source_path: path.to_owned(),
        metadata: BTreeMap::new(),
    }
}

/// An image with two Debian packages, an npm lock file, a Python requirements file, a secret in
/// `app/.env` and a failed signature check.
pub fn sample_scan() -> ScanReport {
    let layers = (0..2)
        .map(|index| LayerReport {
            index,
            digest: Some(format!("sha256:{index:064x}")),
            diff_id: Some(format!("sha256:{:064x}", index + 10)),
            created_by: Some(format!("RUN step {index}")),
            ..LayerReport::default()
        })
        .collect();
    let mut zlib = package(
        "deb",
        "zlib1g",
        "1:1.2.13.dfsg-1",
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
        "var/lib/dpkg/status",
    );
    zlib.licenses = vec!["Zlib".to_owned(), "custom licence text".to_owned()];
    ScanReport {
        schema_version: purser_engine::report::REPORT_SCHEMA_VERSION,
        image: ImageReport {
            reference: "registry.example/shop:1.0".to_owned(),
            source_kind: "oci-layout".to_owned(),
            platform: "linux/amd64".to_owned(),
            manifest_digest: Some(format!("sha256:{}", "ab".repeat(32))),
            layers,
        },
        operating_system: Some(located(
            OperatingSystem {
                family: "debian".to_owned(),
                name: "Debian GNU/Linux".to_owned(),
                version_id: "12".to_owned(),
                codename: Some("bookworm".to_owned()),
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".to_owned()),
                end_of_life: Some(false),
                source_path: "etc/os-release".to_owned(),
            },
            "os-release",
            0,
        )),
        packages: vec![
            located(
                package(
                    "deb",
                    "openssl",
                    "3.0.11-1~deb12u2",
                    "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
                    "var/lib/dpkg/status",
                ),
                "dpkg",
                0,
            ),
            located(zlib, "dpkg", 0),
            located(
                package(
                    "npm",
                    "lodash",
                    "4.17.20",
                    "pkg:npm/lodash@4.17.20",
                    "app/package-lock.json",
                ),
                "npm",
                1,
            ),
            located(
                package(
                    "PyPI",
                    "requests",
                    "2.31.0",
                    "pkg:pypi/requests@2.31.0",
                    "app/requirements.txt",
                ),
                "python",
                1,
            ),
        ],
        secrets: vec![located(
            Secret {
                rule_id: "aws-access-key-id".to_owned(),
                category: "AWS".to_owned(),
                title: "AWS Access Key ID".to_owned(),
                severity: Severity::Critical,
                path: "app/.env".to_owned(),
                location: None,
                line: Some(3),
                column: Some(19),
                redacted_match: format!("AWS_ACCESS_KEY_ID={REDACTED_SECRET}"),
            },
            "secrets",
            1,
        )],
        provenance: vec![located(
            ProvenanceFinding {
                check: "signature".to_owned(),
                passed: false,
                detail: "no signature found for the manifest digest".to_owned(),
                facts: BTreeMap::new(),
            },
            "provenance",
            0,
        )],
        ..ScanReport::default()
    }
}

fn matched(
    ecosystem: &str,
    name: &str,
    version: &str,
    purl: &str,
    path: &str,
    layer: usize,
) -> MatchedPackage {
    MatchedPackage {
        ecosystem: ecosystem.to_owned(),
        name: name.to_owned(),
        version: version.to_owned(),
        purl: Some(purl.to_owned()),
        path: path.to_owned(),
        layer: Some(layer),
        layer_diff_id: Some(format!("sha256:{:064x}", layer + 10)),
        matched_ecosystem: ecosystem.to_owned(),
        matched_name: name.to_owned(),
        matched_version: version.to_owned(),
    }
}

fn cvss(vector: &str, score: f32) -> CvssScore {
    CvssScore {
        version: "3.1".to_owned(),
        vector: vector.to_owned(),
        base_score: Some(score),
        rating: SeverityRating::from_cvss_score(score),
    }
}

/// Three findings: a critical fixed one in openssl, a high unfixed one in zlib1g with a long
/// title, and a high fixed one in lodash with a GHSA alias.
pub fn sample_vulnerabilities() -> VulnerabilityReport {
    let openssl = Vulnerability {
        id: "CVE-2024-0727".to_owned(),
        advisory_id: "DSA-5639-1".to_owned(),
        aliases: vec!["DSA-5639-1".to_owned()],
        package: matched(
            "deb",
            "openssl",
            "3.0.11-1~deb12u2",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            "var/lib/dpkg/status",
            0,
        ),
        fixed_versions: vec!["3.0.13-1~deb12u1".to_owned()],
        severity: SeverityRating::Critical,
        severity_source: "CVSS_V3 score 9.8".to_owned(),
        cvss: vec![cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)],
        title: Some("openssl: denial of service via null dereference".to_owned()),
        description: Some("Processing a maliciously formatted PKCS12 file may crash.".to_owned()),
        references: vec!["https://security-tracker.debian.org/tracker/CVE-2024-0727".to_owned()],
        published: Some("2024-01-26T09:15:07Z".to_owned()),
        modified: Some("2024-02-08T10:15:13Z".to_owned()),
        matched_by: "introduced 0, fixed 3.0.13-1~deb12u1".to_owned(),
        data_source: "debian-tracker".to_owned(),
        ..Vulnerability::default()
    };
    let zlib = Vulnerability {
        id: "CVE-2023-45853".to_owned(),
        advisory_id: "CVE-2023-45853".to_owned(),
        package: matched(
            "deb",
            "zlib1g",
            "1:1.2.13.dfsg-1",
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
            "var/lib/dpkg/status",
            0,
        ),
        status: VulnerabilityStatus::WillNotFix,
        status_text: Some("no-dsa".to_owned()),
        severity: SeverityRating::High,
        severity_source: "CVSS_V3 score 9.8".to_owned(),
        cvss: vec![cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)],
        title: Some(
            "zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6"
                .to_owned(),
        ),
        matched_by: "introduced 0".to_owned(),
        data_source: "debian-tracker".to_owned(),
        ..Vulnerability::default()
    };
    let lodash = Vulnerability {
        id: "CVE-2021-23337".to_owned(),
        advisory_id: "GHSA-35jh-r3h4-6jhm".to_owned(),
        aliases: vec!["GHSA-35jh-r3h4-6jhm".to_owned()],
        package: matched(
            "npm",
            "lodash",
            "4.17.20",
            "pkg:npm/lodash@4.17.20",
            "app/package-lock.json",
            1,
        ),
        fixed_versions: vec!["4.17.21".to_owned()],
        severity: SeverityRating::High,
        severity_source: "CVSS_V3 score 7.2".to_owned(),
        cvss: vec![cvss("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2)],
        title: Some("Command Injection in lodash".to_owned()),
        references: vec!["https://github.com/advisories/GHSA-35jh-r3h4-6jhm".to_owned()],
        published: Some("2021-02-15T11:15:12Z".to_owned()),
        matched_by: "introduced 0, fixed 4.17.21".to_owned(),
        data_source: "osv:npm".to_owned(),
        ..Vulnerability::default()
    };
    VulnerabilityReport {
        database: DatabaseSummary {
            path: "purser.db".to_owned(),
            built_at: "2026-12-01T00:00:00Z".to_owned(),
            schema_version: 1,
            sources: vec![SourceSummary {
                name: "debian-tracker".to_owned(),
                newest_record: Some("2026-11-30".to_owned()),
                advisories: 42,
            }],
        },
        findings: vec![openssl, zlib, lodash],
        coverage_gaps: vec![CoverageGap {
            ecosystem: "PyPI".to_owned(),
            packages: 1,
            reason: "the database holds no PyPI advisories".to_owned(),
        }],
        problems: Vec::new(),
    }
}
