//! Parsing a large dpkg status file: 2,600 packages built in code by renaming the real stanzas of
//! `testdata/debian-12-status` (26 packages) a hundred times.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use purser_analyzer_dpkg::read_database;

const SAMPLE: &str = include_str!("../testdata/debian-12-status");
const COPIES: usize = 100;

/// The sample's stanzas repeated, each copy's package names suffixed with its number so that
/// every stanza names a distinct package.
fn large_status_file() -> (String, usize) {
    let stanzas: Vec<&str> = SAMPLE
        .split("\n\n")
        .filter(|stanza| !stanza.trim().is_empty())
        .collect();
    let mut text = String::with_capacity(SAMPLE.len() * COPIES + COPIES * stanzas.len() * 8);
    for copy in 0..COPIES {
        for stanza in &stanzas {
            for line in stanza.lines() {
                match line.strip_prefix("Package: ") {
                    Some(name) => text.push_str(&format!("Package: {name}-copy{copy}\n")),
                    None => {
                        text.push_str(line);
                        text.push('\n');
                    }
                }
            }
            text.push('\n');
        }
    }
    (text, COPIES * stanzas.len())
}

fn parse_status(criterion: &mut Criterion) {
    let (text, packages) = large_status_file();
    assert_eq!(
        read_database("var/lib/dpkg/status", text.as_bytes())
            .packages
            .len(),
        packages,
        "every generated stanza is an installed package"
    );

    let mut group = criterion.benchmark_group("parse_status");
    group.throughput(Throughput::Elements(packages as u64));
    group.bench_with_input(
        BenchmarkId::from_parameter(format!("{packages}_packages")),
        &text,
        |bencher, text| {
            bencher.iter(|| read_database("var/lib/dpkg/status", text.as_bytes()));
        },
    );
    group.finish();
}

criterion_group!(benches, parse_status);
criterion_main!(benches);
