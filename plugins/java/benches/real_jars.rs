//! Throughput of the java analyzer on a layer of real jars: every jar of the PySpark 3.3.2
//! distribution (Spark, Hadoop client, Hive, Jackson, Netty, ... : 248 jars, 289 MB), read from
//! the package PyPI serves, which the benchmark does not download itself:
//!
//! ```text
//! pip download pyspark==3.3.2 --no-deps -d target/pyspark
//! ```
//!
//! Without it the benchmark prints how to get it and measures nothing.
//!
//! Two baselines run over the same bytes in the same run: a sum of every byte (the cost of
//! touching the layer once) and SHA-1 of every jar, which the analyzer computes anyway for the
//! `sha1` metadata. The analyzer is `JavaAnalyzer::analyze_file` on each jar, as the engine
//! calls it.
//!
//! Before measuring, every jar is scanned once with an inflation limit of
//! [`INFLATION_CHECK_LIMIT`] per jar, which must not be hit: the analyzer reads the central
//! directory and a few metadata entries, never the class files, whose inflated size is printed
//! beside it for comparison.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use purser_analyzer_java::JavaAnalyzer;
use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding};
use sha1::{Digest, Sha1};

/// Where `pip download` leaves the PySpark package, relative to the workspace root.
const PYSPARK_DIRECTORY: &str = "target/pyspark";

/// The most one jar (with any jars nested in it) may inflate in the pre-flight check.
const INFLATION_CHECK_LIMIT: u64 = 1 << 20;

/// One jar of the layer: its path in the image and its bytes.
struct Jar {
    path: String,
    bytes: Vec<u8>,
}

/// The PySpark package file (sdist `.tar.gz` or wheel `.whl`) in [`PYSPARK_DIRECTORY`].
fn pyspark_package() -> Option<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(PYSPARK_DIRECTORY);
    let mut found: Vec<PathBuf> = std::fs::read_dir(directory)
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| {
                    name.starts_with("pyspark-")
                        && (name.ends_with(".tar.gz") || name.ends_with(".whl"))
                })
        })
        .collect();
    found.sort();
    found.pop()
}

/// The jars inside the PySpark package at `package`, as the layer a `pip install` would give:
/// each under `usr/lib/python3/dist-packages/pyspark/jars/`.
fn layer_jars(package: &Path) -> Vec<Jar> {
    let bytes = std::fs::read(package)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", package.display()));
    let mut members = if package
        .extension()
        .is_some_and(|extension| extension == "whl")
    {
        wheel_members(&bytes)
    } else {
        sdist_members(&bytes)
    };
    members.retain(|(name, _)| name.ends_with(".jar"));
    members.sort_by(|left, right| left.0.cmp(&right.0));

    members
        .into_iter()
        .map(|(name, bytes)| {
            let file = name.rsplit('/').next().unwrap_or(&name);
            Jar {
                path: format!("usr/lib/python3/dist-packages/pyspark/jars/{file}"),
                bytes,
            }
        })
        .collect()
}

/// Every regular member of a gzip-compressed tar (the sdist).
fn sdist_members(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut members = Vec::new();
    for entry in archive.entries().expect("sdist is a tar") {
        let mut entry = entry.expect("sdist member readable");
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .expect("member path")
            .to_string_lossy()
            .into_owned();
        let mut contents = Vec::new();
        entry.read_to_end(&mut contents).expect("member inflates");
        members.push((name, contents));
    }
    members
}

/// Every file of a zip archive (the wheel).
fn wheel_members(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("wheel is a zip");
    let mut members = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).expect("wheel member readable");
        if !file.is_file() {
            continue;
        }
        let name = file.name().to_owned();
        let mut contents = Vec::new();
        file.read_to_end(&mut contents).expect("member inflates");
        members.push((name, contents));
    }
    members
}

/// Runs the analyzer over every jar, as the engine would, and returns the findings.
fn analyze(analyzer: &JavaAnalyzer, jars: &[Jar]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for jar in jars {
        let file = FileInput {
            path: &jar.path,
            size: jar.bytes.len() as u64,
            mode: 0o644,
            contents: &jar.bytes,
            truncated: false,
        };
        analyzer
            .analyze_file(&mut (), &file, &mut findings)
            .expect("the java analyzer never fails a file");
    }
    findings
}

/// Scans every jar with [`INFLATION_CHECK_LIMIT`] and panics if any jar hit it; prints the
/// packages found and how much the class files would inflate to.
fn check_inflation(jars: &[Jar]) {
    let options = serde_json::json!({ "max_inflated_bytes": INFLATION_CHECK_LIMIT });
    let analyzer = JavaAnalyzer::new(&options).expect("valid options");
    let findings = analyze(&analyzer, jars);

    let limit_hits: Vec<&str> = findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic)
                if diagnostic.level != DiagnosticLevel::Info
                    && diagnostic.message.contains("limit") =>
            {
                Some(diagnostic.path.as_str())
            }
            _ => None,
        })
        .collect();
    assert!(
        limit_hits.is_empty(),
        "jars inflating more than {INFLATION_CHECK_LIMIT} bytes: {limit_hits:?}"
    );

    let packages = findings
        .iter()
        .filter(|finding| matches!(finding, Finding::Package(_)))
        .count();
    let (entries, inflated) = jars.iter().fold((0, 0), |(entries, inflated), jar| {
        let mut archive = zip::ZipArchive::new(Cursor::new(&jar.bytes[..])).expect("jar is a zip");
        let sizes: u64 = (0..archive.len())
            .filter_map(|index| archive.by_index_raw(index).ok().map(|file| file.size()))
            .sum();
        (entries + archive.len(), inflated + sizes)
    });
    eprintln!(
        "{packages} packages from {} jars; every jar read with at most {} KiB inflated, while \
         their {entries} entries inflate to {:.1} MB",
        jars.len(),
        INFLATION_CHECK_LIMIT >> 10,
        inflated as f64 / 1e6
    );
}

fn real_jars(criterion: &mut Criterion) {
    let Some(package) = pyspark_package() else {
        eprintln!(
            "skipped: no PySpark package in {PYSPARK_DIRECTORY}; run \
             `pip download pyspark==3.3.2 --no-deps -d {PYSPARK_DIRECTORY}` first"
        );
        return;
    };
    let jars = layer_jars(&package);
    let bytes: u64 = jars.iter().map(|jar| jar.bytes.len() as u64).sum();
    eprintln!(
        "layer: {} jars, {:.1} MB from {}",
        jars.len(),
        bytes as f64 / 1e6,
        package.display()
    );
    check_inflation(&jars);
    let analyzer = JavaAnalyzer::default();

    let mut group = criterion.benchmark_group("java-real-jars-bytes");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("baseline-byte-sum", |bencher| {
        bencher.iter(|| {
            jars.iter()
                .flat_map(|jar| jar.bytes.iter())
                .fold(0_u64, |sum, &byte| sum.wrapping_add(u64::from(byte)))
        });
    });
    group.bench_function("baseline-sha1", |bencher| {
        bencher.iter(|| {
            jars.iter()
                .map(|jar| Sha1::digest(&jar.bytes)[0])
                .fold(0_u8, u8::wrapping_add)
        });
    });
    group.bench_function("analyzer", |bencher| {
        bencher.iter(|| analyze(&analyzer, &jars).len());
    });
    group.finish();

    let mut group = criterion.benchmark_group("java-real-jars-count");
    group.throughput(Throughput::Elements(jars.len() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("analyzer", |bencher| {
        bencher.iter(|| analyze(&analyzer, &jars).len());
    });
    group.finish();
}

criterion_group!(benches, real_jars);
criterion_main!(benches);
