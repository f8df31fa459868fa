//! Comparisons per second for each scheme, on real version pairs from the shared vectors.
//!
//! Each benchmark compares every pair of one vector file once per iteration; criterion reports
//! the throughput in comparisons (elements) per second. Beside each scheme, the same pairs
//! compared as plain strings give a baseline from the same run: the cost of touching the bytes
//! without understanding them.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use purser_version::Scheme;

const SCALIBR: &str = "osv-scalibr-semantic-versions.tar.zst";
const SCALIBR_DIR: &str = "osv-scalibr-semantic-versions/semantic/testdata";

/// The pairs of one osv-scalibr vector file that `scheme` accepts.
fn pairs(scheme: Scheme, file: &str) -> Vec<(String, String)> {
    let files = support::read_archive(SCALIBR);
    let path = format!("{SCALIBR_DIR}/{file}");
    let text = files
        .get(&path)
        .unwrap_or_else(|| panic!("{SCALIBR} has no {path}"));
    support::parse_comparison_lines(&path, text)
        .into_iter()
        .filter(|vector| scheme.compare(&vector.left, &vector.right).is_ok())
        .map(|vector| (vector.left, vector.right))
        .collect()
}

fn compare_per_scheme(c: &mut Criterion) {
    let cases = [
        (Scheme::Dpkg, "debian-versions-generated.txt"),
        (Scheme::Rpm, "redhat-versions.txt"),
        (Scheme::Apk, "alpine-versions-generated.txt"),
        (Scheme::Semver, "semver-versions.txt"),
        (Scheme::Pep440, "pypi-versions-generated.txt"),
        (Scheme::Maven, "maven-versions-generated.txt"),
        (Scheme::RubyGems, "rubygems-versions-generated.txt"),
        (Scheme::Composer, "packagist-versions-generated.txt"),
    ];

    let mut group = c.benchmark_group("compare");
    for (scheme, file) in cases {
        let pairs = pairs(scheme, file);
        group.throughput(Throughput::Elements(pairs.len() as u64));
        group.bench_function(scheme.name(), |bencher| {
            bencher.iter(|| {
                for (a, b) in &pairs {
                    let order = scheme.compare(black_box(a), black_box(b));
                    black_box(order.is_ok());
                }
            });
        });
        let baseline = format!("{} pairs as plain strings (baseline)", scheme.name());
        group.bench_function(baseline, |bencher| {
            bencher.iter(|| {
                for (a, b) in &pairs {
                    black_box(black_box(a.as_str()).cmp(black_box(b.as_str())));
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, compare_per_scheme);
criterion_main!(benches);
