//! Reading the largest real rpm database in `testdata/`: `bench-rpmdb.sqlite`, 200 packages of 40
//! files each installed by rpm 4.18 (see `testdata/make.sh`). Throughput is in packages.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use purser_analyzer_rpm::header::parse_header;
use purser_analyzer_rpm::{read_database, DatabaseFormat};

const PATH: &str = "var/lib/rpm/rpmdb.sqlite";
const DATABASE: &[u8] = include_bytes!("../testdata/bench-rpmdb.sqlite");

fn read_sqlite(criterion: &mut Criterion) {
    let packages = read_database(PATH, DatabaseFormat::Sqlite, DATABASE)
        .packages
        .len();
    assert_eq!(packages, 200, "the fixture holds 200 packages");
    let blobs: Vec<Vec<u8>> = DatabaseFormat::Sqlite
        .read_blobs(DATABASE)
        .records
        .into_iter()
        .map(|record| record.blob.into_owned())
        .collect();

    let mut group = criterion.benchmark_group("rpmdb");
    group.throughput(Throughput::Elements(packages as u64));
    // The whole analysis of one file: b-tree walk, overflow assembly, header decoding, findings.
    group.bench_function(
        BenchmarkId::new("sqlite_to_findings", packages),
        |bencher| {
            bencher.iter(|| read_database(PATH, DatabaseFormat::Sqlite, DATABASE));
        },
    );
    // The SQLite layer alone: the blobs of the Packages table.
    group.bench_function(BenchmarkId::new("sqlite_blobs", packages), |bencher| {
        bencher.iter(|| DatabaseFormat::Sqlite.read_blobs(DATABASE));
    });
    // Header decoding alone.
    group.bench_function(BenchmarkId::new("headers", packages), |bencher| {
        bencher.iter(|| {
            blobs
                .iter()
                .map(|blob| parse_header(blob).is_ok())
                .filter(|ok| *ok)
                .count()
        });
    });
    group.finish();
}

criterion_group!(benches, read_sqlite);
criterion_main!(benches);
