//! Peak heap memory of a scan, by image size: not a timing benchmark, a measurement.
//!
//! A counting allocator records the largest number of heap bytes live at once while the engine
//! scans (sequentially, one layer at a time) the first layer of the benchmark image, then the
//! first half of its layers, then all of them. Streaming keeps the peak flat as the image grows;
//! memory-mapped input is not heap and is not counted (the kernel pages it in and out).
//!
//! Run with `cargo bench -p purser-benches --bench peak_memory`.

#![expect(clippy::print_stdout, reason = "a measurement prints its results")]

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use purser_engine::{InProcessAnalyzer, ScanAnalyzer, ScanOptions, Scanner};
use purser_image::{open_image, Image, OpenOptions};
use purser_testplugin_line_counter::LineCounter;

/// The system allocator, counting live and peak bytes.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters only observe.
#[expect(
    unsafe_code,
    reason = "a global allocator is an unsafe trait; this one only counts"
)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded; the pointer came from `alloc` with this layout.
        unsafe { System.dealloc(pointer, layout) };
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Scans the first `layers` layers and returns (uncompressed bytes, peak heap bytes during the
/// scan above what was live before it).
fn measure(image: &Image, layers: usize) -> (u64, usize) {
    let backend =
        InProcessAnalyzer::<LineCounter>::new(&serde_json::Value::Null).expect("analyzer");
    let analyzers = vec![ScanAnalyzer {
        backend: Box::new(backend),
        origin: "built in".into(),
    }];
    let options = ScanOptions {
        parallel: false,
        ..ScanOptions::default()
    };
    let scanner = Scanner::new(analyzers, options).expect("scanner");
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let report = scanner.scan_layers(image, layers).expect("scan");
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let bytes = report
        .image
        .layers
        .iter()
        .map(|layer| layer.uncompressed_size)
        .sum();
    (bytes, peak)
}

fn main() {
    let images = support::bench_images();
    println!(
        "peak heap during a sequential scan ({} image)",
        if images.realistic {
            "realistic"
        } else {
            "synthetic"
        }
    );
    for (encoding, path) in [
        ("uncompressed", &images.docker),
        ("gzip", &images.oci_gzip),
        ("zstd", &images.oci_zstd),
    ] {
        let image = open_image(path, &OpenOptions::default()).expect("bench image opens");
        let total = image.layers().len();
        for layers in [1, total.div_ceil(2), total] {
            let (bytes, peak) = measure(&image, layers);
            println!(
                "  {encoding:<12} {layers} of {total} layers, {:>6.1} MB uncompressed: peak heap {:>6.1} MB",
                bytes as f64 / 1e6,
                peak as f64 / 1e6
            );
        }
    }
}
