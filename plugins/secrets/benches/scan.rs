//! Throughput of the secrets scanner with every built-in rule, against a plain scan of the same
//! bytes with the same keyword automaton (the baseline), over at least 100 MB of real text read
//! from this machine at start: Perl and Python sources and package documentation.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use purser_analyzer_secrets::rule_set::RuleSet;
use purser_analyzer_secrets::Scanner;

/// How many bytes of text the benchmark scans per iteration.
const CORPUS_BYTES: usize = 100 * 1024 * 1024;

/// Where the text comes from, in order.
const SOURCES: &[&str] = &[
    "/usr/share/perl",
    "/usr/share/perl5",
    "/usr/lib/python3",
    "/usr/lib/python3.11",
    "/usr/lib/python3.12",
    "/usr/lib/python3.13",
    "/usr/share/doc",
    "/usr/share/man",
    "/usr/share/vim",
    "/usr/include",
];

/// Text files under `directory`, appended to `files` until `budget` bytes.
fn collect(directory: &Path, files: &mut Vec<Vec<u8>>, total: &mut usize) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        if *total >= CORPUS_BYTES {
            return;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&entry.path(), files, total);
        } else if kind.is_file() {
            let Ok(bytes) = std::fs::read(entry.path()) else {
                continue;
            };
            let head = &bytes[..bytes.len().min(8192)];
            if bytes.is_empty() || head.contains(&0) {
                continue;
            }
            *total += bytes.len();
            files.push(bytes);
        }
    }
}

/// The corpus: real text files, repeated until [`CORPUS_BYTES`].
fn corpus() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut total = 0;
    for source in SOURCES {
        collect(Path::new(source), &mut files, &mut total);
    }
    assert!(!files.is_empty(), "no text files found under {SOURCES:?}");
    let distinct = files.len();
    let mut next = 0;
    while total < CORPUS_BYTES {
        let copy = files[next % distinct].clone();
        total += copy.len();
        files.push(copy);
        next += 1;
    }
    eprintln!(
        "corpus: {} files ({distinct} distinct), {:.1} MB",
        files.len(),
        total as f64 / 1e6
    );
    files
}

fn scan(criterion: &mut Criterion) {
    let files = corpus();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let scanner = Scanner::new(RuleSet::builtin().expect("built-in rules")).expect("automaton");

    let findings: usize = files.iter().map(|file| scanner.scan(file).len()).sum();
    let hits: usize = files
        .iter()
        .map(|file| scanner.automaton().find_iter(file.as_slice()).count())
        .sum();
    eprintln!("keyword hits: {hits}; findings with all rules: {findings}");

    let mut group = criterion.benchmark_group("secrets");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("keyword-automaton-only", |bencher| {
        bencher.iter(|| {
            files
                .iter()
                .map(|file| scanner.automaton().find_iter(file.as_slice()).count())
                .sum::<usize>()
        });
    });
    group.bench_function("all-rules", |bencher| {
        bencher.iter(|| {
            files
                .iter()
                .map(|file| scanner.scan(file).len())
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
