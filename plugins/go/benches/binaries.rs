//! The `go` analyzer over about 100 MB of executables, in memory as the engine hands them over:
//!
//! - `go-executables`: the real Go executable `/usr/bin/skopeo` (installed by
//!   `scripts/install-test-tools`) repeated to reach 100 MB, so every file has build information;
//! - `usr-bin`: the executables of `/usr/bin` of at most 8 MB each, up to 100 MB, mostly C, as
//!   an image holds them (the size cap keeps a few huge files from making up the whole corpus).
//!
//! Each runs twice, once measured in bytes (MB/s) and once in files (files/s), beside a baseline
//! on the same corpus in the same run: `baseline-scan` looks for the build-information magic
//! through every byte of every file with `memchr`'s SIMD substring search, as a reader that
//! does not trust the headers would. The analyzer reads only the headers and the one region they
//! point at, so the ratio of the two says what trusting the headers saves.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memchr::memmem;
use purser_analyzer_go::{analyze_executable, BUILD_INFO_MAGIC};
use purser_plugin_api::FileInput;

/// How many bytes each corpus holds, at least.
const CORPUS_BYTES: usize = 100 << 20;

/// Largest `/usr/bin` file taken into the `usr-bin` corpus.
const MAX_USR_BIN_FILE: u64 = 8 << 20;

/// `/usr/bin/skopeo` repeated until the corpus holds [`CORPUS_BYTES`].
fn go_executables() -> Vec<(String, Vec<u8>)> {
    let skopeo = std::fs::read("/usr/bin/skopeo")
        .unwrap_or_else(|error| panic!("/usr/bin/skopeo: {error}; run scripts/install-test-tools"));
    let copies = CORPUS_BYTES.div_ceil(skopeo.len().max(1));
    (0..copies)
        .map(|index| (format!("usr/bin/skopeo-{index}"), skopeo.clone()))
        .collect()
}

/// Executable regular files of `/usr/bin`, in name order, until [`CORPUS_BYTES`].
fn usr_bin() -> Vec<(String, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;

    let mut paths: Vec<_> = std::fs::read_dir("/usr/bin")
        .expect("/usr/bin is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    paths.sort();
    let mut corpus = Vec::new();
    let mut total = 0;
    for path in paths {
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if !metadata.is_file()
            || metadata.permissions().mode() & 0o111 == 0
            || metadata.len() > MAX_USR_BIN_FILE
        {
            continue;
        }
        let Ok(contents) = std::fs::read(&path) else {
            continue;
        };
        total += contents.len();
        corpus.push((path.display().to_string(), contents));
        if total >= CORPUS_BYTES {
            break;
        }
    }
    corpus
}

/// Analyzes every file of `corpus` and returns how many findings there were.
fn analyze_all(corpus: &[(String, Vec<u8>)]) -> usize {
    let mut findings = Vec::new();
    for (path, contents) in corpus {
        let file = FileInput {
            path,
            size: contents.len() as u64,
            mode: 0o755,
            contents,
            truncated: false,
        };
        analyze_executable(&file, &mut findings);
    }
    findings.len()
}

/// Counts the occurrences of the build-information magic in every byte of every file of
/// `corpus`: the baseline.
fn scan_all(corpus: &[(String, Vec<u8>)]) -> usize {
    let finder = memmem::Finder::new(BUILD_INFO_MAGIC);
    corpus
        .iter()
        .map(|(_, contents)| finder.find_iter(contents).count())
        .sum()
}

fn binaries(criterion: &mut Criterion) {
    for (name, corpus) in [("go-executables", go_executables()), ("usr-bin", usr_bin())] {
        let bytes: usize = corpus.iter().map(|(_, contents)| contents.len()).sum();
        eprintln!("corpus {name}: {} files, {} MB", corpus.len(), bytes >> 20);
        let mut group = criterion.benchmark_group(format!("go/{name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function("bytes", |bencher| {
            bencher.iter(|| black_box(analyze_all(&corpus)))
        });
        group.bench_function("baseline-scan", |bencher| {
            bencher.iter(|| black_box(scan_all(&corpus)))
        });
        group.throughput(Throughput::Elements(corpus.len() as u64));
        group.bench_function("files", |bencher| {
            bencher.iter(|| black_box(analyze_all(&corpus)))
        });
        group.finish();
    }
}

criterion_group!(benches, binaries);
criterion_main!(benches);
