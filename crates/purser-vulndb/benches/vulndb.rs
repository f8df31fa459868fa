//! Opening, lookup and build speed of the vulnerability database, on 50,000 generated advisories
//! with realistic names and versions. Lookups are compared with a plain `HashMap` lookup of the
//! same names in the same run.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use std::collections::HashMap;
use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use purser_advisory::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, Reference, Score,
    ScoreKind, SeverityRating, VersionRange,
};
use purser_vulndb::{Database, DatabaseBuilder, PackageQuery};

const ADVISORIES: usize = 50_000;
const INVENTORY: usize = 2_000;

const STEMS: &[&str] = &[
    "django",
    "requests",
    "flask",
    "urllib3",
    "jinja",
    "pyyaml",
    "lodash",
    "express",
    "axios",
    "moment",
    "openssl",
    "zlib",
    "curl",
    "glibc",
    "libxml2",
    "busybox",
    "log4j",
    "jackson",
    "spring",
    "netty",
    "tokio",
    "serde",
    "hyper",
    "golang-jwt",
    "x-crypto",
    "protobuf",
    "grpc",
    "sqlite",
    "pillow",
    "numpy",
    "rails",
    "rack",
    "nokogiri",
    "symfony",
    "guzzle",
    "laravel",
];
const SUFFIXES: &[&str] = &[
    "", "-core", "-utils", "-client", "-server", "-parser", "-cli", "-extras", "-plugin", "-async",
];

/// One ecosystem of the generated data: OSV name, release, how versions look.
struct Flavour {
    ecosystem: &'static str,
    release: Option<&'static str>,
    version: fn(u32, u32, u32) -> String,
}

fn plain(major: u32, minor: u32, patch: u32) -> String {
    format!("{major}.{minor}.{patch}")
}

fn debian(major: u32, minor: u32, patch: u32) -> String {
    format!("{major}.{minor}.{patch}-{}+deb12u1", patch % 4 + 1)
}

fn alpine(major: u32, minor: u32, patch: u32) -> String {
    format!("{major}.{minor}.{patch}-r{}", patch % 5)
}

const FLAVOURS: &[Flavour] = &[
    Flavour {
        ecosystem: "PyPI",
        release: None,
        version: plain,
    },
    Flavour {
        ecosystem: "npm",
        release: None,
        version: plain,
    },
    Flavour {
        ecosystem: "Maven",
        release: None,
        version: plain,
    },
    Flavour {
        ecosystem: "Go",
        release: None,
        version: plain,
    },
    Flavour {
        ecosystem: "crates.io",
        release: None,
        version: plain,
    },
    Flavour {
        ecosystem: "Debian",
        release: Some("12"),
        version: debian,
    },
    Flavour {
        ecosystem: "Debian",
        release: Some("11"),
        version: debian,
    },
    Flavour {
        ecosystem: "Alpine",
        release: Some("v3.19"),
        version: alpine,
    },
];

/// A small deterministic generator (xorshift), so every run measures the same data.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) as u32
    }

    fn below(&mut self, bound: u32) -> u32 {
        self.next() % bound
    }
}

fn package_name(flavour: &Flavour, index: u32) -> String {
    let stem = STEMS[index as usize % STEMS.len()];
    let suffix = SUFFIXES[(index as usize / STEMS.len()) % SUFFIXES.len()];
    let serial = index as usize / (STEMS.len() * SUFFIXES.len());
    match flavour.ecosystem {
        "Maven" => format!("org.{stem}{serial}:{stem}{suffix}"),
        "Go" => format!("github.com/{stem}{serial}/{stem}{suffix}"),
        _ => format!("{stem}{suffix}{serial}"),
    }
}

fn advisories() -> Vec<Advisory> {
    let mut random = Random(0x5eed_cafe);
    (0..ADVISORIES)
        .map(|index| {
            let flavour = &FLAVOURS[index % FLAVOURS.len()];
            let package = package_name(flavour, random.below(3_000));
            let (major, minor) = (random.below(5), random.below(20));
            let introduced = (flavour.version)(major, minor, 0);
            let fixed = (flavour.version)(major, minor, 1 + random.below(30));
            let base = 5.0 + (random.below(50) as f32) / 10.0;
            Advisory {
                id: format!("GHSA-bench-{index:06}"),
                aliases: vec![format!("CVE-2026-{index:05}")],
                summary: Some(format!("{package} mishandles crafted input")),
                published: Some("2026-01-02T03:04:05Z".to_owned()),
                modified: Some("2026-06-07T08:09:10Z".to_owned()),
                scores: vec![Score {
                    kind: ScoreKind::CvssV3,
                    vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".to_owned(),
                    base_score: Some(base),
                    rating: SeverityRating::from_cvss_score(base),
                }],
                references: vec![Reference {
                    kind: "ADVISORY".to_owned(),
                    url: format!("https://example.org/advisories/{index}"),
                }],
                affected: vec![Affected {
                    ecosystem: Ecosystem {
                        name: flavour.ecosystem.to_owned(),
                        release: flavour.release.map(str::to_owned),
                    },
                    package,
                    ranges: vec![VersionRange {
                        kind: RangeKind::Ecosystem,
                        repo: None,
                        events: vec![RangeEvent::Introduced(introduced), RangeEvent::Fixed(fixed)],
                    }],
                    status: AffectedStatus::Affected,
                    ..Affected::default()
                }],
                source: "bench".to_owned(),
                ..Advisory::default()
            }
        })
        .collect()
}

/// Owned queries: half name packages in the database, half names it does not hold.
fn inventory() -> Vec<(String, Option<String>, String, String)> {
    let mut random = Random(0xfeed_beef);
    (0..INVENTORY)
        .map(|index| {
            let flavour = &FLAVOURS[index % FLAVOURS.len()];
            let name = if index % 2 == 0 {
                package_name(flavour, random.below(3_000))
            } else {
                format!("absent-{}", package_name(flavour, random.below(3_000)))
            };
            let version = (flavour.version)(random.below(5), random.below(20), random.below(40));
            let release = flavour
                .release
                .map(|r| r.trim_start_matches('v').to_owned());
            (flavour.ecosystem.to_owned(), release, name, version)
        })
        .collect()
}

fn build_file(directory: &Path) -> std::path::PathBuf {
    let path = directory.join("bench.purser");
    let mut builder = DatabaseBuilder::new("2026-12-03T00:00:00Z");
    builder.add_source("bench", advisories());
    builder.write(&path).expect("bench database builds");
    path
}

fn open(c: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = build_file(directory.path());
    c.bench_function("open 50k advisories", |b| {
        b.iter(|| Database::open(black_box(&path)).expect("opens"));
    });
}

fn lookups(c: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = Database::open(build_file(directory.path())).expect("opens");
    let inventory = inventory();
    let queries: Vec<PackageQuery<'_>> = inventory
        .iter()
        .map(|(ecosystem, release, name, version)| PackageQuery {
            ecosystem,
            release: release.as_deref(),
            name,
            version,
        })
        .collect();
    let hits: usize = queries
        .iter()
        .map(|query| database.lookup(query).expect("lookup").matches.len())
        .sum();
    eprintln!("inventory of {INVENTORY} packages: {hits} matches");

    // Baseline: the same names in a HashMap of advisory indices, keyed by ecosystem and name.
    let mut baseline: HashMap<String, Vec<u32>> = HashMap::new();
    for (index, advisory) in advisories().iter().enumerate() {
        let affected = &advisory.affected[0];
        let key = format!("{}\0{}", affected.ecosystem.name, affected.package);
        baseline.entry(key).or_default().push(index as u32);
    }
    let keys: Vec<String> = inventory
        .iter()
        .map(|(ecosystem, _, name, _)| format!("{ecosystem}\0{name}"))
        .collect();

    let mut group = c.benchmark_group("lookup 2000-package inventory");
    group.throughput(Throughput::Elements(INVENTORY as u64));
    group.bench_function("purser-vulndb (with matching)", |b| {
        b.iter(|| {
            for query in &queries {
                black_box(database.lookup(black_box(query)).expect("lookup"));
            }
        });
    });
    group.bench_function("HashMap<String, _> baseline (name only)", |b| {
        b.iter(|| {
            for key in &keys {
                black_box(baseline.get(black_box(key.as_str())));
            }
        });
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    let advisories = advisories();
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("encode 50k advisories", |b| {
        b.iter_batched(
            || advisories.clone(),
            |advisories| {
                let mut builder = DatabaseBuilder::new("2026-12-03T00:00:00Z");
                builder.add_source("bench", advisories);
                builder
                    .to_bytes(Path::new("bench.purser"))
                    .expect("encodes")
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, open, lookups, build);
criterion_main!(benches);
