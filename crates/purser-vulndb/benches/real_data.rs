//! The vulnerability database on all the real advisory data in `../shared/data/advisories`:
//! opening it, matching a 2,000-package inventory drawn from it, and building it. Each figure
//! has a baseline from the same run: a one-advisory database for opening, a `HashMap` lookup of
//! the same keys for matching, and building from advisories already in memory for the full
//! build. Matching is measured twice: the decision alone (which entries affect each package)
//! and the full lookup, which also decodes every matching advisory for display.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

#[path = "support/shared_sources.rs"]
mod shared_sources;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use purser_advisory::{Advisory, Affected, RangeEvent, RangeKind, SourceRead, VersionRange};
use purser_version::Scheme;
use purser_vulndb::{normalise_name, Database, DatabaseBuilder, PackageQuery};
use shared_sources::SOURCES;

const INVENTORY: usize = 2_000;
const BUILT_AT: &str = "2026-12-04T00:00:00Z";

/// One installed package of the inventory: ecosystem, release, name, version.
type Installed = (String, Option<String>, String, String);

fn write_database(path: &Path, reads: &[SourceRead]) -> u64 {
    let mut builder = DatabaseBuilder::new(BUILT_AT);
    for read in reads {
        builder.add_source(&read.name, read.advisories.iter().cloned());
    }
    builder.write(path).expect("database builds").file_size
}

fn tiny_database(path: &Path) {
    let advisory = Advisory {
        id: "PYSEC-0000-1".to_owned(),
        affected: vec![Affected {
            ecosystem: purser_advisory::Ecosystem::parse("PyPI"),
            package: "example".to_owned(),
            ranges: vec![VersionRange {
                kind: RangeKind::Ecosystem,
                repo: None,
                events: vec![
                    RangeEvent::Introduced("0".to_owned()),
                    RangeEvent::Fixed("1.0".to_owned()),
                ],
            }],
            ..Affected::default()
        }],
        ..Advisory::default()
    };
    let mut builder = DatabaseBuilder::new(BUILT_AT);
    builder.add_source("tiny", [advisory]);
    builder.write(path).expect("tiny database builds");
}

/// The versions an affected entry names, as a scanner would find them installed: the range
/// bounds (`introduced` other than the start, `introduced after`, `fixed`, `last_affected`) and
/// listed versions.
fn versions_named(affected: &Affected) -> Vec<&str> {
    let mut versions: Vec<&str> = affected
        .ranges
        .iter()
        .filter(|range| range.kind != RangeKind::Git)
        .flat_map(|range| &range.events)
        .filter_map(|event| match event {
            RangeEvent::Introduced(version) if version != "0" && !version.starts_with("0.0.0") => {
                Some(version.as_str())
            }
            RangeEvent::Introduced(_) | RangeEvent::Limit(_) => None,
            RangeEvent::IntroducedAfter(version)
            | RangeEvent::Fixed(version)
            | RangeEvent::LastAffected(version) => Some(version.as_str()),
        })
        .collect();
    versions.extend(affected.versions.iter().map(String::as_str));
    versions
}

/// 2,000 real installed packages, each `(ecosystem, release, name)` at most once as in an
/// image, spread evenly over the ecosystems that have a version scheme and, within each, evenly
/// over its packages. Each gets the middle one (in text order) of the versions its advisories
/// name, so lookups land inside, at and beyond the ranges.
fn inventory(reads: &[SourceRead]) -> Vec<Installed> {
    type Package = (Option<String>, String);
    let mut by_ecosystem: BTreeMap<&str, BTreeMap<Package, BTreeSet<&str>>> = BTreeMap::new();
    for advisory in reads.iter().flat_map(|read| &read.advisories) {
        for affected in &advisory.affected {
            let ecosystem = affected.ecosystem.name.as_str();
            if Scheme::for_ecosystem(ecosystem).is_none() {
                continue;
            }
            let package = (affected.ecosystem.release.clone(), affected.package.clone());
            by_ecosystem
                .entry(ecosystem)
                .or_default()
                .entry(package)
                .or_default()
                .extend(versions_named(affected));
        }
    }

    let mut pools: Vec<Vec<Installed>> = by_ecosystem
        .into_iter()
        .map(|(ecosystem, packages)| {
            packages
                .into_iter()
                .filter_map(|((release, name), versions)| {
                    let version = versions.iter().nth(versions.len() / 2)?;
                    Some((ecosystem.to_owned(), release, name, (*version).to_owned()))
                })
                .collect()
        })
        .collect();

    // Smallest ecosystems first, so what they cannot fill passes to the larger ones.
    pools.sort_by_key(Vec::len);
    let mut chosen = Vec::with_capacity(INVENTORY);
    for (index, candidates) in pools.iter().enumerate() {
        let share = (INVENTORY - chosen.len()).div_ceil(pools.len() - index);
        let stride = (candidates.len() / share.max(1)).max(1);
        chosen.extend(candidates.iter().step_by(stride).take(share).cloned());
    }
    chosen.truncate(INVENTORY);
    chosen
}

fn baseline_key(ecosystem: &str, name: &str) -> String {
    format!("{ecosystem}\0{}", normalise_name(ecosystem, name))
}

/// Bytes of all files under each source's records folder, and of the archives holding them.
fn input_sizes() -> (u64, u64) {
    let mut unpacked = 0;
    let mut archives = BTreeSet::new();
    for source in SOURCES {
        let path = shared_sources::archive_path(source);
        let decoder = zstd::Decoder::new(File::open(&path).expect("archive opens"))
            .expect("zstd stream starts");
        let mut tar = tar::Archive::new(decoder);
        for entry in tar.entries().expect("archive is a tar") {
            let entry = entry.expect("tar entry is readable");
            let inside = entry
                .path()
                .map(|name| name.starts_with(source.under))
                .unwrap_or(false);
            if inside && entry.header().entry_type().is_file() {
                unpacked += entry.size();
            }
        }
        archives.insert(path);
    }
    let packed = archives
        .iter()
        .map(|path| std::fs::metadata(path).expect("archive metadata").len())
        .sum();
    (unpacked, packed)
}

fn open(c: &mut Criterion, full: &Path, tiny: &Path) {
    let mut group = c.benchmark_group("open");
    group.bench_function("full real database", |b| {
        b.iter(|| Database::open(black_box(full)).expect("opens"));
    });
    group.bench_function("one-advisory baseline", |b| {
        b.iter(|| Database::open(black_box(tiny)).expect("opens"));
    });
    group.finish();
}

fn lookups(c: &mut Criterion, database: &Database, reads: &[SourceRead]) {
    let inventory = inventory(reads);
    let queries: Vec<PackageQuery<'_>> = inventory
        .iter()
        .map(|(ecosystem, release, name, version)| PackageQuery {
            ecosystem,
            release: release.as_deref(),
            name,
            version,
        })
        .collect();
    let mut per_ecosystem: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hits = 0;
    let mut problems = 0;
    for query in &queries {
        *per_ecosystem.entry(query.ecosystem).or_default() += 1;
        let lookup = database.lookup(query).expect("lookup");
        hits += lookup.matches.len();
        problems += lookup.problems.len();
        for problem in &lookup.problems {
            eprintln!("  {} {}: {problem}", query.ecosystem, query.name);
        }
    }
    eprintln!(
        "inventory of {} real packages {per_ecosystem:?}: {hits} matches, {problems} problems",
        queries.len()
    );
    report_per_ecosystem(database, &queries);

    // Baseline: every advisory's affected packages in a HashMap keyed like the database's index.
    let mut baseline: HashMap<String, Vec<u32>> = HashMap::new();
    let advisories = reads.iter().flat_map(|read| &read.advisories);
    for (index, advisory) in advisories.enumerate() {
        for affected in &advisory.affected {
            let key = baseline_key(&affected.ecosystem.name, &affected.package);
            baseline.entry(key).or_default().push(index as u32);
        }
    }
    let keys: Vec<String> = inventory
        .iter()
        .map(|(ecosystem, _, name, _)| baseline_key(ecosystem, name))
        .collect();

    let mut group = c.benchmark_group("match 2000 real packages");
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("purser-vulndb lookup with matching", |b| {
        b.iter(|| {
            for query in &queries {
                black_box(database.lookup(black_box(query)).expect("lookup"));
            }
        });
    });
    group.bench_function("purser-vulndb decision only (affecting)", |b| {
        b.iter(|| {
            for query in &queries {
                black_box(database.affecting(black_box(query)).expect("affecting"));
            }
        });
    });
    group.bench_function("HashMap<String, _> key baseline", |b| {
        b.iter(|| {
            for key in &keys {
                black_box(baseline.get(black_box(key.as_str())));
            }
        });
    });
    group.finish();
}

/// Lookups per second for each ecosystem's share of the inventory, timed once over 20 rounds:
/// a rough breakdown beside criterion's figure for the whole inventory.
fn report_per_ecosystem(database: &Database, queries: &[PackageQuery<'_>]) {
    const ROUNDS: u32 = 20;
    let mut ecosystems: Vec<&str> = queries.iter().map(|query| query.ecosystem).collect();
    ecosystems.sort_unstable();
    ecosystems.dedup();
    for ecosystem in ecosystems {
        let share: Vec<&PackageQuery<'_>> = queries
            .iter()
            .filter(|query| query.ecosystem == ecosystem)
            .collect();
        let started = Instant::now();
        for _ in 0..ROUNDS {
            for query in &share {
                black_box(database.lookup(black_box(query)).expect("lookup"));
            }
        }
        let per_second = f64::from(ROUNDS) * share.len() as f64 / started.elapsed().as_secs_f64();
        eprintln!(
            "  {ecosystem:<10} {:>4} packages: {per_second:>10.0} lookups/s",
            share.len()
        );
    }
}

fn build(c: &mut Criterion, directory: &Path, reads: &[SourceRead]) {
    let (unpacked, packed) = input_sizes();
    let path = directory.join("build.purser");
    let output = write_database(&path, reads);
    eprintln!(
        "db build input: {unpacked} bytes of records ({packed} bytes packed); output: {output} \
         bytes ({:.2} × the records, {:.2} × packed)",
        output as f64 / unpacked as f64,
        output as f64 / packed as f64
    );

    let mut group = c.benchmark_group("db build from all shared data");
    group.sample_size(10);
    group.bench_function("read archives, build and write", |b| {
        b.iter(|| write_database(&path, &shared_sources::read_all()));
    });
    group.bench_function("build and write only (advisories in memory)", |b| {
        b.iter(|| write_database(&path, black_box(reads)));
    });
    group.finish();
}

fn real_data(c: &mut Criterion) {
    let reads = shared_sources::read_all();
    let directory = tempfile::tempdir().expect("temporary directory");
    let full: PathBuf = directory.path().join("full.purser");
    let tiny: PathBuf = directory.path().join("tiny.purser");
    write_database(&full, &reads);
    tiny_database(&tiny);

    open(c, &full, &tiny);
    let database = Database::open(&full).expect("full database opens");
    lookups(c, &database, &reads);
    build(c, directory.path(), &reads);
}

fn configured() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = configured();
    targets = real_data
}
criterion_main!(benches);
