//! Throughput of the secrets scanner with every built-in rule, against a plain scan of the same
//! bytes with the same keyword automaton (the baseline), over at least 100 MB of real text read
//! from this machine at start (see `support/text_corpus.rs`). Time is the CPU time of the
//! benchmark's thread (`support/cpu_time.rs`), so throughput is per core. A third measure is the
//! keyword prefilter alone, confirming every keyword occurrence: what the scanner pays before any
//! rule runs.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

#[path = "support/cpu_time.rs"]
mod cpu_time;
#[path = "support/text_corpus.rs"]
mod text_corpus;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use purser_analyzer_secrets::rule_set::RuleSet;
use purser_analyzer_secrets::Scanner;

use cpu_time::ThreadCpuTime;

/// How many bytes of text the benchmark scans per iteration.
const CORPUS_BYTES: usize = 100 * 1024 * 1024;

/// The corpus: real text files, repeated until [`CORPUS_BYTES`].
fn corpus() -> Vec<Vec<u8>> {
    let mut files = text_corpus::text_files(CORPUS_BYTES);
    assert!(
        !files.is_empty(),
        "no text files found under {:?}",
        text_corpus::SOURCES
    );
    let mut total: usize = files.iter().map(Vec::len).sum();
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

fn scan(criterion: &mut Criterion<ThreadCpuTime>) {
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
    if let Some(prefilter) = scanner.prefilter() {
        group.bench_function("keyword-prefilter-only", |bencher| {
            bencher.iter(|| {
                let mut keywords = 0usize;
                for file in &files {
                    prefilter.for_each_keyword(file, 0, file.len(), |_| keywords += 1);
                }
                keywords
            });
        });
    }
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

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = scan
}
criterion_main!(benches);
