//! What the plugin boundary costs: the same analyzer scanning the same image, once loaded from
//! its shared library and called through the C function table, once linked in and called as a
//! Rust trait object.
//!
//! The analyzer is `test-line-counter`, which asks for the contents of every file and does
//! almost nothing with them, so the boundary is as visible as any analyzer can make it. The
//! summary printed at the end gives `plugin / in_process`; the target is at most 1.05.
//!
//! Layers are scanned one after another on one core: with two threads on a two-core machine
//! the scheduling noise (about 15% between identical runs, measured) would swamp the few
//! percent being measured. For the same reason the summary also gives the ratio of medians
//! from rounds that alternate the two backends, so that slow phases of the machine hit both.

#![expect(
    clippy::print_stdout,
    reason = "a benchmark prints its summary of ratios"
)]

mod support;

use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion};
use purser_engine::{load_plugin, InProcessAnalyzer, ScanAnalyzer, ScanOptions, Scanner};
use purser_image::{open_image, Image, OpenOptions};
use purser_testplugin_line_counter::LineCounter;

const GROUP: &str = "dispatch";

/// The line counter's shared library, which cargo builds next to this benchmark because the
/// plugin is one of its dependencies.
fn plugin_library() -> PathBuf {
    let executable = std::env::current_exe().expect("benchmark path");
    let name = format!(
        "{}purser_testplugin_line_counter{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let directory = executable.parent().expect("benchmark directory");
    [
        directory.to_owned(),
        directory.join(".."),
        directory.join("deps"),
    ]
    .into_iter()
    .map(|candidate| candidate.join(&name))
    .find(|candidate| candidate.exists())
    .unwrap_or_else(|| panic!("{name} not found next to {}", executable.display()))
}

fn plugin_scanner(library: &Path) -> Scanner {
    let plugin = load_plugin(library).expect("the line counter loads");
    let backend = plugin
        .instantiate(&serde_json::Value::Null)
        .expect("the line counter starts");
    let analyzer = ScanAnalyzer {
        backend: Box::new(backend),
        origin: library.display().to_string(),
    };
    Scanner::new(vec![analyzer], one_core()).expect("scanner")
}

fn one_core() -> ScanOptions {
    ScanOptions {
        parallel: false,
        ..ScanOptions::default()
    }
}

fn in_process_scanner() -> Scanner {
    let backend = InProcessAnalyzer::<LineCounter>::new(&serde_json::Value::Null).expect("starts");
    let analyzer = ScanAnalyzer {
        backend: Box::new(backend),
        origin: "built in".to_owned(),
    };
    Scanner::new(vec![analyzer], one_core()).expect("scanner")
}

fn scan(scanner: &Scanner, image: &Image) -> usize {
    let report = scanner.scan(image).expect("scan");
    assert!(!report.partial, "the benchmark analyzer must not fail");
    report.observations.len()
}

/// Median wall time of `rounds` alternating scans with each backend: (in process, plugin).
fn interleaved_medians(
    in_process: &Scanner,
    plugin: &Scanner,
    image: &Image,
    rounds: usize,
) -> (f64, f64) {
    let mut times = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = std::time::Instant::now();
        scan(in_process, image);
        times.0.push(started.elapsed().as_secs_f64());
        let started = std::time::Instant::now();
        scan(plugin, image);
        times.1.push(started.elapsed().as_secs_f64());
    }
    (median(times.0), median(times.1))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let images = support::bench_images();
    let library = plugin_library();
    let plugin = plugin_scanner(&library);
    let in_process = in_process_scanner();
    let mut criterion = Criterion::default().sample_size(10).configure_from_args();
    let encodings = [
        ("uncompressed", &images.docker),
        ("gzip", &images.oci_gzip),
        ("zstd", &images.oci_zstd),
    ];

    let mut group = criterion.benchmark_group(GROUP);
    for (encoding, path) in encodings {
        let image = open_image(path, &OpenOptions::default()).expect("bench image opens");
        assert_eq!(
            scan(&plugin, &image),
            scan(&in_process, &image),
            "both backends agree"
        );
        group.bench_function(BenchmarkId::new("in_process", encoding), |bench| {
            bench.iter(|| scan(&in_process, &image))
        });
        group.bench_function(BenchmarkId::new("plugin", encoding), |bench| {
            bench.iter(|| scan(&plugin, &image))
        });
    }
    group.finish();
    criterion.final_summary();

    println!(
        "\ndispatch summary ({} image):",
        if images.realistic {
            "realistic"
        } else {
            "synthetic"
        }
    );
    for (encoding, path) in encodings {
        let mean = |name: &str| support::mean_estimate_ns(GROUP, &format!("{name}/{encoding}"));
        let image = open_image(path, &OpenOptions::default()).expect("bench image opens");
        let (in_process_median, plugin_median) =
            interleaved_medians(&in_process, &plugin, &image, 9);
        if let (Some(in_process_mean), Some(plugin_mean)) = (mean("in_process"), mean("plugin")) {
            println!(
                "  {encoding:<12} plugin/in_process = {:.3} (criterion means), \
                 {:.3} (medians of 9 alternating rounds)",
                plugin_mean / in_process_mean,
                plugin_median / in_process_median
            );
        }
    }
}
