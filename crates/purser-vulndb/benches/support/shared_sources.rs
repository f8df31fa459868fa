//! The shared advisory archives Purser's readers understand, and how to read each: used by the
//! `shared_data` test and the `real_data` benchmark, which include this file by path.
//!
//! Left out: the Ubuntu CVE tracker (read by its own reader, but its 370,000 entries would
//! triple the build time of every run), Elixir's advisories (Hex has no version scheme in
//! `purser-version`), RustSec's native Markdown (its OSV export is read) and the OSV schema's
//! own test data. A database built from this list has no data for Hex or Ubuntu, so
//! `Database::covers` answers `false` for them.

#![allow(
    dead_code,
    reason = "the test and the benchmark each use a different subset"
)]

use std::path::PathBuf;

use purser_advisory::{read_source_with, ReadOptions, SourceKind, SourceRead};

/// One archive of the shared data and how to read it.
pub struct SharedSource {
    /// The file name inside `shared/data/advisories`.
    pub archive: &'static str,
    /// The reader that understands its records.
    pub kind: SourceKind,
    /// The folder inside the archive that holds the records.
    pub under: &'static str,
    /// The source name given to the database.
    pub name: &'static str,
    /// Fewer advisories than this means the reader lost records (the counts in
    /// `shared/data/SOURCES.md`, rounded down).
    pub min_advisories: usize,
}

/// Every archive a reader understands, with the folder of its records.
pub const SOURCES: &[SharedSource] = &[
    SharedSource {
        archive: "pypa-advisory-database.tar.zst",
        kind: SourceKind::Osv,
        under: "pypa-advisory-database/vulns",
        name: "osv:PyPA",
        min_advisories: 2_600,
    },
    SharedSource {
        archive: "rustsec-advisory-db.tar.zst",
        kind: SourceKind::Osv,
        under: "rustsec-advisory-db/osv",
        name: "osv:RustSec",
        min_advisories: 1_200,
    },
    SharedSource {
        archive: "golang-vulndb-osv.tar.zst",
        kind: SourceKind::Osv,
        under: "golang-vulndb-osv/data/osv",
        name: "osv:Go",
        min_advisories: 4_200,
    },
    SharedSource {
        archive: "almalinux-osv-database.tar.zst",
        kind: SourceKind::Osv,
        under: "almalinux-osv-database/advisories",
        name: "osv:AlmaLinux",
        min_advisories: 5_600,
    },
    SharedSource {
        archive: "k8s-cve-feed-osv.tar.zst",
        kind: SourceKind::Osv,
        under: "k8s-cve-feed-osv/vulns",
        name: "osv:k8s-cve-feed",
        min_advisories: 45,
    },
    SharedSource {
        archive: "vuln-list-k8s.tar.zst",
        kind: SourceKind::Osv,
        under: "vuln-list-k8s/upstream",
        name: "osv:vuln-list-k8s",
        min_advisories: 40,
    },
    SharedSource {
        archive: "vuln-list-aqua.tar.zst",
        kind: SourceKind::Osv,
        under: "vuln-list-aqua/vulns",
        name: "osv:vuln-list-aqua",
        min_advisories: 2,
    },
    SharedSource {
        archive: "debian-security-tracker-2023.tar.zst",
        kind: SourceKind::DebianSecurityList,
        under: "debian-security-tracker-2023/data/DSA",
        name: "debian-dsa",
        min_advisories: 5_300,
    },
    SharedSource {
        archive: "debian-security-tracker-2023.tar.zst",
        kind: SourceKind::DebianSecurityList,
        under: "debian-security-tracker-2023/data/DLA",
        name: "debian-dla",
        min_advisories: 3_500,
    },
    SharedSource {
        archive: "ruby-advisory-db.tar.zst",
        kind: SourceKind::RubySec,
        under: "ruby-advisory-db/gems",
        name: "rubysec",
        min_advisories: 1_100,
    },
    SharedSource {
        archive: "friendsofphp-security-advisories.tar.zst",
        kind: SourceKind::FriendsOfPhp,
        under: "friendsofphp-security-advisories",
        name: "friendsofphp",
        min_advisories: 1_100,
    },
    SharedSource {
        archive: "nodejs-security-wg-vuln.tar.zst",
        kind: SourceKind::NodejsSecurityWg,
        under: "nodejs-security-wg-vuln/vuln",
        name: "nodejs-security-wg",
        min_advisories: 450,
    },
    SharedSource {
        archive: "victims-cve-db.tar.zst",
        kind: SourceKind::Victims,
        under: "victims-cve-db/database",
        name: "victims",
        min_advisories: 200,
    },
    // The archive keeps its release folders at the top, beside `_provenance/`, so the
    // provenance JSON is read too and reported as one problem (not a secdb document).
    SharedSource {
        archive: "alpine-secdb-2020.tar.zst",
        kind: SourceKind::AlpineSecdb,
        under: "alpine-secdb-2020",
        name: "alpine-secdb",
        min_advisories: 1_500,
    },
];

/// The folder holding the advisory archives, beside the repository.
pub fn advisories_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/advisories")
}

/// The path of `source`'s archive.
///
/// Panics with a message naming the missing file: CI always has `../shared/data`.
pub fn archive_path(source: &SharedSource) -> PathBuf {
    let path = advisories_dir().join(source.archive);
    assert!(
        path.is_file(),
        "{} is missing; the shared-data test and benchmark need the folder `../shared/data` \
         beside the repository",
        path.display()
    );
    path
}

/// Reads one source from its archive, records under [`SharedSource::under`] only.
///
/// Panics when the archive cannot be opened or its stream is damaged.
pub fn read(source: &SharedSource) -> SourceRead {
    let options = ReadOptions {
        name: Some(source.name.to_owned()),
        under: Some(source.under.to_owned()),
        ..ReadOptions::new(source.kind)
    };
    read_source_with(&archive_path(source), &options)
        .unwrap_or_else(|error| panic!("{} cannot be read: {error}", source.archive))
}

/// Reads every source, in parallel: the archives are independent and the slowest alone takes
/// most of the time. The reads come back in [`SOURCES`] order.
pub fn read_all() -> Vec<SourceRead> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = SOURCES
            .iter()
            .map(|source| scope.spawn(move || read(source)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("reader thread finished"))
            .collect()
    })
}
