//! How much walking a layer costs over decompressing it, and how walking scales over layers.
//!
//! For each encoding of the benchmark image, in the same run:
//! - `decompress`: read every layer's decompressed stream to the end, one layer after another,
//!   on one core (the baseline: the least any scanner must do);
//! - `walk`: walk every layer's tar entries (headers parsed, paths normalised, digests verified,
//!   path changes recorded for the overlay), one layer after another, on one core;
//! - `walk_parallel`: the same, layers spread over all cores with rayon.
//!
//! The summary printed at the end gives `walk / decompress` (the target: at most 1.10) and
//! `walk / walk_parallel` (the speed-up from parallel layers).

#![expect(
    clippy::print_stdout,
    reason = "a benchmark prints its summary of ratios"
)]

mod support;

use std::io::Read;

use criterion::{BenchmarkId, Criterion, Throughput};
use purser_image::overlay::PathChange;
use purser_image::{open_image, Image, OpenOptions, WalkError};
use rayon::prelude::*;

const GROUP: &str = "layer_walk";

fn decompress_all(image: &Image) -> u64 {
    let mut total = 0;
    let mut buffer = vec![0u8; 256 * 1024];
    for index in 0..image.layers().len() {
        let mut stream = image.decompressed_layer(index).expect("layer stream");
        loop {
            let read = stream.read(&mut buffer).expect("decompression");
            if read == 0 {
                break;
            }
            total += read as u64;
        }
    }
    total
}

fn walk_one(image: &Image, index: usize) -> usize {
    let mut changes = Vec::new();
    image
        .walk_layer(index, &mut |entry| {
            changes.push(PathChange::from_entry(entry));
            Ok::<(), WalkError>(())
        })
        .expect("walk");
    changes.len()
}

fn walk_all(image: &Image) -> usize {
    (0..image.layers().len())
        .map(|index| walk_one(image, index))
        .sum()
}

fn walk_all_parallel(image: &Image) -> usize {
    (0..image.layers().len())
        .into_par_iter()
        .map(|index| walk_one(image, index))
        .sum()
}

fn main() {
    let images = support::bench_images();
    let mut criterion = Criterion::default().sample_size(10).configure_from_args();
    let encodings = [
        ("uncompressed", &images.docker),
        ("gzip", &images.oci_gzip),
        ("zstd", &images.oci_zstd),
    ];

    let mut group = criterion.benchmark_group(GROUP);
    for (encoding, path) in encodings {
        let image = open_image(path, &OpenOptions::default()).expect("bench image opens");
        let bytes = decompress_all(&image);
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(BenchmarkId::new("decompress", encoding), |bench| {
            bench.iter(|| decompress_all(&image))
        });
        group.bench_function(BenchmarkId::new("walk", encoding), |bench| {
            bench.iter(|| walk_all(&image))
        });
        group.bench_function(BenchmarkId::new("walk_parallel", encoding), |bench| {
            bench.iter(|| walk_all_parallel(&image))
        });
    }
    group.finish();
    criterion.final_summary();

    println!(
        "\nlayer_walk summary ({} image):",
        if images.realistic {
            "realistic"
        } else {
            "synthetic"
        }
    );
    for (encoding, _) in encodings {
        let mean = |name: &str| support::mean_estimate_ns(GROUP, &format!("{name}/{encoding}"));
        if let (Some(decompress), Some(walk), Some(parallel)) =
            (mean("decompress"), mean("walk"), mean("walk_parallel"))
        {
            println!(
                "  {encoding:<12} walk/decompress = {:.3}   walk/walk_parallel = {:.2}x",
                walk / decompress,
                walk / parallel
            );
        }
    }
}
