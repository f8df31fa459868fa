//! Throughput of the java analyzer on a layer of real jars: the jars of two Spark distributions
//! installed side by side, as in an image holding two apps: PySpark 3.3.2 (248 jars, 302 MB:
//! Spark, Hadoop client, Hive, Jackson, Netty, ...) and the older PySpark 2.4.8 (226 jars,
//! 244 MB: Scala 2.11 builds of Spark, Hadoop 2.7, Jackson 2.6, ...). The layer holds 474 jars
//! and 546 MB; 36 jars are in both, so 438 differ in content. They are read from the packages
//! PyPI serves, which the benchmark does not download itself:
//!
//! ```text
//! pip download pyspark==3.3.2 --no-deps -d target/pyspark
//! pip download pyspark==2.4.8 --no-deps --no-build-isolation -d target/pyspark
//! ```
//!
//! The second needs `--no-build-isolation` and a Python environment with `setuptools` and
//! `wheel` installed (a fresh virtual environment will do): under build isolation pip installs
//! a current `pypandoc` for the 2.4.8 `setup.py`, which calls a function `pypandoc` no longer
//! has, and the download fails while preparing metadata.
//!
//! Without both packages the benchmark prints how to get them and measures nothing.
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

use std::collections::HashSet;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use purser_analyzer_java::JavaAnalyzer;
use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding};
use sha1::{Digest, Sha1};

/// Where `pip download` leaves the PySpark packages, relative to the workspace root.
const PYSPARK_DIRECTORY: &str = "target/pyspark";

/// The most one jar (with any jars nested in it) may inflate in the pre-flight check.
const INFLATION_CHECK_LIMIT: u64 = 1 << 20;

/// One Spark distribution of the layer: the PySpark release it comes from, where its jars are
/// installed in the image and how to download it.
struct Distribution {
    version: &'static str,
    jar_folder: &'static str,
    download: &'static str,
}

/// The distributions the layer holds, each in its own folder as two apps would install them.
const DISTRIBUTIONS: [Distribution; 2] = [
    Distribution {
        version: "3.3.2",
        jar_folder: "usr/lib/python3/dist-packages/pyspark/jars",
        download: "pip download pyspark==3.3.2 --no-deps -d target/pyspark",
    },
    Distribution {
        version: "2.4.8",
        jar_folder: "opt/legacy-etl/venv/lib/python3.7/site-packages/pyspark/jars",
        download: "pip download pyspark==2.4.8 --no-deps --no-build-isolation -d target/pyspark \
                   (from an environment with setuptools and wheel)",
    },
];

/// One jar of the layer: its path in the image and its bytes.
struct Jar {
    path: String,
    bytes: Vec<u8>,
}

/// The package file (sdist `.tar.gz` or wheel `.whl`) of PySpark `version` in
/// [`PYSPARK_DIRECTORY`].
fn pyspark_package(version: &str) -> Option<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(PYSPARK_DIRECTORY);
    let sdist = format!("pyspark-{version}.tar.gz");
    let wheel_prefix = format!("pyspark-{version}-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(directory)
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| {
                    name == sdist || (name.starts_with(&wheel_prefix) && name.ends_with(".whl"))
                })
        })
        .collect();
    found.sort();
    found.pop()
}

/// The jars inside the PySpark package at `package`, as the layer a `pip install` would give:
/// each under `jar_folder`.
fn layer_jars(package: &Path, jar_folder: &str) -> Vec<Jar> {
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
                path: format!("{jar_folder}/{file}"),
                bytes,
            }
        })
        .collect()
}

/// The jars of every distribution in [`DISTRIBUTIONS`], or the download commands of the
/// packages missing from [`PYSPARK_DIRECTORY`].
fn layer_of_all_distributions() -> Result<Vec<Jar>, Vec<&'static str>> {
    let mut packages = Vec::new();
    let mut missing = Vec::new();
    for distribution in &DISTRIBUTIONS {
        match pyspark_package(distribution.version) {
            Some(package) => packages.push((distribution, package)),
            None => missing.push(distribution.download),
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }

    let mut jars = Vec::new();
    for (distribution, package) in packages {
        let distribution_jars = layer_jars(&package, distribution.jar_folder);
        let bytes: u64 = distribution_jars
            .iter()
            .map(|jar| jar.bytes.len() as u64)
            .sum();
        eprintln!(
            "PySpark {}: {} jars, {:.1} MB from {}, under {}/",
            distribution.version,
            distribution_jars.len(),
            bytes as f64 / 1e6,
            package.display(),
            distribution.jar_folder
        );
        jars.extend(distribution_jars);
    }
    Ok(jars)
}

/// How many jars of the layer differ in content (by SHA-1).
fn distinct_jars(jars: &[Jar]) -> usize {
    let digests: HashSet<[u8; 20]> = jars
        .iter()
        .map(|jar| Sha1::digest(&jar.bytes).into())
        .collect();
    digests.len()
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
    let jars = match layer_of_all_distributions() {
        Ok(jars) => jars,
        Err(missing) => {
            eprintln!(
                "skipped: PySpark packages missing from {PYSPARK_DIRECTORY}; from the workspace \
                 root run:\n  {}",
                missing.join("\n  ")
            );
            return;
        }
    };
    let bytes: u64 = jars.iter().map(|jar| jar.bytes.len() as u64).sum();
    eprintln!(
        "layer: {} jars ({} distinct), {:.1} MB",
        jars.len(),
        distinct_jars(&jars),
        bytes as f64 / 1e6
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
