//! The whole pipeline on the real advisory archives in `../shared/data/advisories`: every archive
//! one of the advisory readers understands (listed in `benches/support/shared_sources.rs`) is
//! read in place, one database is built from all of them, and known real advisories are looked
//! up in it.

#[path = "support/naive_evaluation.rs"]
mod naive_evaluation;
#[path = "../benches/support/shared_sources.rs"]
mod shared_sources;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::time::Instant;

use purser_advisory::{Advisory, RangeEvent, SourceRead};
use purser_vulndb::{normalise_name, Database, DatabaseBuilder, LookupProblem, PackageQuery};
use shared_sources::SOURCES;

/// At most this fraction of a source's records may fail to read.
const MAX_PROBLEM_FRACTION: f64 = 0.01;

/// What every test here shares: the sources as read and the database built from them.
struct Built {
    reads: Vec<SourceRead>,
    database: Database,
    /// Keeps the database file alive as long as the tests run.
    _directory: tempfile::TempDir,
}

/// Reads every source and builds the database, once for all tests.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let started = Instant::now();
        let reads = shared_sources::read_all();
        let read_time = started.elapsed();

        let directory = tempfile::tempdir().expect("temporary directory");
        let path = directory.path().join("shared.purser");
        let mut builder = DatabaseBuilder::new("2026-12-04T00:00:00Z");
        for read in &reads {
            builder.add_source(&read.name, read.advisories.iter().cloned());
        }
        let info = builder.write(&path).expect("database builds");
        eprintln!(
            "read {} advisories in {read_time:.2?}, built {} bytes ({} packages) in {:.2?}",
            info.advisories,
            info.file_size,
            info.packages,
            started.elapsed() - read_time
        );

        Built {
            reads,
            database: Database::open(&path).expect("database opens"),
            _directory: directory,
        }
    })
}

#[test]
fn every_source_gives_at_least_its_known_count() {
    let built = built();
    let mut short = Vec::new();
    for (source, read) in SOURCES.iter().zip(&built.reads) {
        eprintln!(
            "{:<20} {:>6} advisories {:>4} problems",
            read.name,
            read.advisories.len(),
            read.problems.len()
        );
        if read.advisories.len() < source.min_advisories {
            short.push(format!(
                "{}: {} advisories, expected at least {}",
                read.name,
                read.advisories.len(),
                source.min_advisories
            ));
        }
    }
    assert!(
        short.is_empty(),
        "sources lost records:\n{}",
        short.join("\n")
    );

    let info = built.database.info().expect("header metadata");
    for read in &built.reads {
        let recorded = info
            .sources
            .iter()
            .find(|source| source.name == read.name)
            .unwrap_or_else(|| panic!("the database header does not list {}", read.name));
        assert_eq!(
            recorded.records + recorded.withdrawn,
            read.advisories.len() as u64,
            "{}",
            read.name
        );
    }
}

/// A problem's kind: its message with numbers, quoted text and anything after the first `:`
/// removed, so problems of the same cause count together.
fn problem_kind(message: &str) -> String {
    let head = message.split(": ").next().unwrap_or(message);
    let mut kind = String::new();
    let mut quoted = None;
    for character in head.chars() {
        match (quoted, character) {
            (Some(close), c) if c == close => {
                quoted = None;
                kind.push('…');
            }
            (Some(_), _) => {}
            (None, '`' | '"') => quoted = Some(character),
            (None, c) if c.is_ascii_digit() => {
                if !kind.ends_with('N') {
                    kind.push('N');
                }
            }
            (None, c) => kind.push(c),
        }
    }
    kind
}

#[test]
fn record_problems_stay_rare() {
    let built = built();
    let mut too_many = Vec::new();
    for read in &built.reads {
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for problem in &read.problems {
            *kinds.entry(problem_kind(&problem.message)).or_default() += 1;
        }
        for (kind, count) in &kinds {
            eprintln!("{}: {count} × {kind}", read.name);
        }

        let records = read.advisories.len() + read.problems.len();
        let fraction = read.problems.len() as f64 / records.max(1) as f64;
        if fraction > MAX_PROBLEM_FRACTION {
            let examples: Vec<String> = read
                .problems
                .iter()
                .take(5)
                .map(ToString::to_string)
                .collect();
            too_many.push(format!(
                "{}: {} of {records} records unreadable, for example:\n  {}",
                read.name,
                read.problems.len(),
                examples.join("\n  ")
            ));
        }
    }
    assert!(
        too_many.is_empty(),
        "more than {:.0}% of the records failed:\n{}",
        MAX_PROBLEM_FRACTION * 100.0,
        too_many.join("\n")
    );
}

/// A real advisory and a package it names: the last version it affects and the version that
/// fixed it, both from the record itself.
struct Known {
    advisory: &'static str,
    ecosystem: &'static str,
    release: Option<&'static str>,
    name: &'static str,
    vulnerable: &'static str,
    fixed: &'static str,
}

const KNOWN: &[Known] = &[
    // CVE-2018-18074: Authorization header sent on an https-to-http redirect.
    Known {
        advisory: "PYSEC-2018-28",
        ecosystem: "PyPI",
        release: None,
        name: "requests",
        vulnerable: "2.19.1",
        fixed: "2.20.0",
    },
    // CVE-2019-19844, a password-reset hijack; the record has two ranges (1.x and 2.2.x), and
    // the query spells the name as PyPI shows it.
    Known {
        advisory: "PYSEC-2019-16",
        ecosystem: "PyPI",
        release: None,
        name: "Django",
        vulnerable: "2.2.8",
        fixed: "2.2.9",
    },
    Known {
        advisory: "PYSEC-2019-16",
        ecosystem: "PyPI",
        release: None,
        name: "django",
        vulnerable: "1.11.26",
        fixed: "1.11.27",
    },
    // CVE-2020-26235, segfault in `time`'s local-offset lookup.
    Known {
        advisory: "RUSTSEC-2020-0071",
        ecosystem: "crates.io",
        release: None,
        name: "time",
        vulnerable: "0.2.22",
        fixed: "0.2.23",
    },
    // CVE-2021-38561, out-of-bounds read in language tag parsing.
    Known {
        advisory: "GO-2021-0113",
        ecosystem: "Go",
        release: None,
        name: "golang.org/x/text",
        vulnerable: "v0.3.6",
        fixed: "v0.3.7",
    },
    Known {
        advisory: "ALSA-2022:6224",
        ecosystem: "AlmaLinux",
        release: Some("9"),
        name: "openssl",
        vulnerable: "1:3.0.1-23.el9_0",
        fixed: "1:3.0.1-41.el9_0",
    },
    Known {
        advisory: "DSA-5380-1",
        ecosystem: "Debian",
        release: Some("11"),
        name: "xorg-server",
        vulnerable: "2:1.20.11-1+deb11u5",
        fixed: "2:1.20.11-1+deb11u6",
    },
    Known {
        advisory: "DLA-3377-1",
        ecosystem: "Debian",
        release: Some("10"),
        name: "systemd",
        vulnerable: "241-7~deb10u8",
        fixed: "241-7~deb10u9",
    },
    Known {
        advisory: "CVE-2019-14904",
        ecosystem: "Alpine",
        release: Some("v3.11"),
        name: "ansible",
        vulnerable: "2.9.2-r0",
        fixed: "2.9.3-r0",
    },
];

fn matched_ids(database: &Database, known: &Known, version: &str) -> Vec<String> {
    let query = PackageQuery {
        ecosystem: known.ecosystem,
        release: known.release,
        name: known.name,
        version,
    };
    let lookup = database
        .lookup(&query)
        .unwrap_or_else(|error| panic!("lookup of {} {version}: {error}", known.name));
    assert!(
        lookup.problems.is_empty(),
        "{} {version}: {:?}",
        known.name,
        lookup.problems
    );
    lookup
        .matches
        .into_iter()
        .map(|found| found.advisory_id)
        .collect()
}

#[test]
fn known_advisories_match_vulnerable_versions_only() {
    let database = &built().database;
    let mut wrong = Vec::new();
    for known in KNOWN {
        let place = match known.release {
            Some(release) => format!("{}:{release} {}", known.ecosystem, known.name),
            None => format!("{} {}", known.ecosystem, known.name),
        };

        let at_vulnerable = matched_ids(database, known, known.vulnerable);
        if !at_vulnerable.iter().any(|id| id == known.advisory) {
            wrong.push(format!(
                "{place} {} is not matched by {} (matches: {at_vulnerable:?})",
                known.vulnerable, known.advisory
            ));
        }

        let at_fixed = matched_ids(database, known, known.fixed);
        if at_fixed.iter().any(|id| id == known.advisory) {
            wrong.push(format!(
                "{place} {} is fixed but still matched by {}",
                known.fixed, known.advisory
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The reason the database gives for `advisory` affecting `name` at `version`, or `None` when
/// the advisory does not match.
fn reason_at(ecosystem: &str, name: &str, version: &str, advisory: &str) -> Option<String> {
    let query = PackageQuery {
        ecosystem,
        release: None,
        name,
        version,
    };
    let lookup = built()
        .database
        .lookup(&query)
        .unwrap_or_else(|error| panic!("lookup of {name} {version}: {error}"));
    assert!(
        lookup.problems.is_empty(),
        "{name} {version}: {:?}",
        lookup.problems
    );
    lookup
        .matches
        .into_iter()
        .find(|found| found.advisory_id == advisory)
        .map(|found| found.reason)
}

#[test]
fn ranges_starting_just_after_a_version_exclude_it() {
    // rack CVE-2018-16470 (RubySec): unaffected "<= 2.0.3", patched ">= 2.0.6".
    let rack = |version| reason_at("RubyGems", "rack", version, "CVE-2018-16470");
    assert_eq!(rack("2.0.3"), None);
    assert_eq!(
        rack("2.0.4").as_deref(),
        Some("introduced after 2.0.3, fixed 2.0.6")
    );
    assert!(rack("2.0.5").is_some());
    assert_eq!(rack("2.0.6"), None);

    // drupal/core CVE-2019-6342 (FriendsOfPHP), branch 8.7.x: >8.7.3, <8.7.5.
    let drupal = |version| reason_at("Packagist", "drupal/core", version, "CVE-2019-6342");
    assert_eq!(drupal("8.7.3"), None);
    assert_eq!(
        drupal("8.7.4").as_deref(),
        Some("introduced after 8.7.3, fixed 8.7.5")
    );
    assert_eq!(drupal("8.7.5"), None);
}

#[test]
fn other_releases_and_unknown_packages_match_nothing() {
    let database = &built().database;

    // DSA-5380-1 names bullseye only: the same version in bookworm is not its business.
    let bookworm = PackageQuery {
        ecosystem: "Debian",
        release: Some("12"),
        name: "xorg-server",
        version: "2:1.20.11-1+deb11u5",
    };
    let lookup = database.lookup(&bookworm).expect("lookup");
    assert!(
        lookup
            .matches
            .iter()
            .all(|found| found.advisory_id != "DSA-5380-1"),
        "{:?}",
        lookup.matches
    );

    let unknown = PackageQuery {
        ecosystem: "PyPI",
        release: None,
        name: "purser-no-such-package",
        version: "1.0",
    };
    assert!(database
        .lookup(&unknown)
        .expect("lookup")
        .matches
        .is_empty());
    assert!(database.path().is_file());
}

#[test]
fn coverage_shows_what_the_shared_data_lacks() {
    let database = &built().database;
    let covers = |ecosystem: &str, release: Option<&str>| {
        database
            .covers(ecosystem, release)
            .unwrap_or_else(|error| panic!("coverage of {ecosystem}: {error}"))
    };

    for (ecosystem, release) in [
        ("PyPI", None),
        ("crates.io", None),
        ("Go", None),
        ("AlmaLinux", Some("8")),
        ("AlmaLinux", Some("9")),
        ("Debian", Some("11")),
        ("Alpine", Some("3.11")),
        ("RubyGems", None),
        ("Packagist", None),
        ("npm", None),
        ("Maven", None),
    ] {
        assert!(covers(ecosystem, release), "{ecosystem} {release:?}");
    }

    // Elixir's feed is in the shared data, but Hex has no version scheme; the Ubuntu tracker is
    // left out of this list for its size.
    assert!(!covers("Hex", None));
    assert!(!covers("Ubuntu", Some("20.04")));
    // Alpine secdb 2020 stops at v3.11.
    assert!(!covers("Alpine", Some("3.19")));
}

/// One package of the database as a lookup names it, with the versions its advisories name.
#[derive(Default)]
struct NamedPackage<'a> {
    advisories: Vec<&'a Advisory>,
    versions: BTreeSet<&'a str>,
}

/// Every `(ecosystem, release, name)` the advisories name, with their advisories in database
/// order and every version their ranges and lists name.
fn named_packages(
    reads: &[SourceRead],
) -> BTreeMap<(&str, Option<&str>, String), NamedPackage<'_>> {
    let mut packages: BTreeMap<_, NamedPackage<'_>> = BTreeMap::new();
    let advisories = reads.iter().flat_map(|read| &read.advisories);
    for advisory in advisories.filter(|advisory| !advisory.is_withdrawn()) {
        for affected in &advisory.affected {
            let ecosystem = affected.ecosystem.name.as_str();
            let name = normalise_name(ecosystem, &affected.package);
            let key = (ecosystem, affected.ecosystem.release.as_deref(), name);
            let package = packages.entry(key).or_default();
            if package
                .advisories
                .last()
                .is_none_or(|last| !std::ptr::eq(*last, advisory))
            {
                package.advisories.push(advisory);
            }
            let events = affected.ranges.iter().flat_map(|range| &range.events);
            package.versions.extend(events.map(|event| match event {
                RangeEvent::Introduced(v)
                | RangeEvent::IntroducedAfter(v)
                | RangeEvent::Fixed(v)
                | RangeEvent::LastAffected(v)
                | RangeEvent::Limit(v) => v.as_str(),
            }));
            package
                .versions
                .extend(affected.versions.iter().map(String::as_str));
        }
    }
    packages
}

/// Up to five of a package's versions: the ends, the middle and their neighbours in text order.
fn sample_versions<'a>(versions: &BTreeSet<&'a str>) -> Vec<&'a str> {
    let all: Vec<&str> = versions.iter().copied().collect();
    let last = all.len().saturating_sub(1);
    let mut picks: Vec<usize> = vec![0, 1, all.len() / 2, last.saturating_sub(1), last];
    picks.sort_unstable();
    picks.dedup();
    picks
        .into_iter()
        .filter_map(|index| all.get(index).copied())
        .collect()
}

#[test]
fn every_package_matches_as_the_plain_evaluation_says() {
    let built = built();
    let started = Instant::now();
    let mut lookups = 0;
    let mut matched = 0;
    let mut wrong = Vec::new();
    for ((ecosystem, release, name), package) in named_packages(&built.reads) {
        for version in sample_versions(&package.versions) {
            let query = PackageQuery {
                ecosystem,
                release,
                name: &name,
                version,
            };
            let lookup = built
                .database
                .lookup(&query)
                .unwrap_or_else(|error| panic!("lookup of {name} {version}: {error}"));
            let affecting = built
                .database
                .affecting(&query)
                .unwrap_or_else(|error| panic!("affecting {name} {version}: {error}"));
            if affecting.entries as usize != lookup.matches.len()
                || affecting.not_matchable != lookup.not_matchable
                || affecting.problems != lookup.problems
            {
                wrong.push(format!(
                    "{ecosystem}:{release:?} {name} {version}: the decision alone found \
                     {affecting:?}, the full lookup {} matches, {} not matchable, problems {:?}",
                    lookup.matches.len(),
                    lookup.not_matchable,
                    lookup.problems
                ));
            }
            let found: Vec<(String, String)> = lookup
                .matches
                .into_iter()
                .map(|found| (found.advisory_id, found.reason))
                .collect();
            let skipped = lookup
                .problems
                .iter()
                .filter(|problem| matches!(problem, LookupProblem::AdvisoryVersion { .. }))
                .count();
            let (expected, expected_skipped) =
                naive_evaluation::evaluate(&package.advisories, ecosystem, release, &name, version);
            lookups += 1;
            matched += found.len();
            if found != expected || skipped != expected_skipped {
                wrong.push(format!(
                    "{ecosystem}:{release:?} {name} {version}: database {found:?} ({skipped} \
                     skipped), plain evaluation {expected:?} ({expected_skipped} skipped)"
                ));
            }
        }
    }
    eprintln!(
        "{lookups} lookups, {matched} matches, compared in {:.2?}",
        started.elapsed()
    );
    assert!(lookups > 10_000, "only {lookups} lookups were compared");
    assert!(
        wrong.is_empty(),
        "{} of {lookups} lookups differ, for example:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(10)].join("\n")
    );
}
