//! A criterion measurement of the CPU time of the benchmark's thread, read from Linux's
//! `/proc/thread-self/schedstat`: throughput per core, which other processes on a shared
//! machine change far less than they change wall-clock time. The kernel updates the figure at
//! each scheduler tick of a running thread, so a reading may lag by a few milliseconds; an
//! iteration of the benchmark takes hundreds.

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::Throughput;

/// CPU time of the current thread, in nanoseconds.
pub struct ThreadCpuTime;

/// Reads the thread's CPU time so far, in nanoseconds.
///
/// # Panics
///
/// When `/proc/thread-self/schedstat` cannot be read or parsed: the benchmark needs Linux with
/// scheduler statistics.
fn thread_cpu_nanoseconds() -> u64 {
    let path = "/proc/thread-self/schedstat";
    let statistics = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("failed to read {path} (Linux only): {error}"));
    statistics
        .split_whitespace()
        .next()
        .and_then(|field| field.parse().ok())
        .unwrap_or_else(|| panic!("{path} does not start with a CPU time: {statistics:?}"))
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_nanoseconds()
    }

    fn end(&self, started: u64) -> u64 {
        thread_cpu_nanoseconds().saturating_sub(started)
    }

    fn add(&self, first: &u64, second: &u64) -> u64 {
        first + second
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuTimeFormatter
    }
}

/// Shows CPU time in milliseconds and throughput in MiB (or MB, or elements) per CPU second.
struct CpuTimeFormatter;

impl ValueFormatter for CpuTimeFormatter {
    fn scale_values(&self, _typical: f64, values: &mut [f64]) -> &'static str {
        for value in values.iter_mut() {
            *value /= 1e6;
        }
        "ms (CPU)"
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let (per_iteration, unit, name) = match throughput {
            Throughput::Bytes(bytes) => (*bytes as f64, 1024.0 * 1024.0, "MiB/CPU-s"),
            Throughput::BytesDecimal(bytes) => (*bytes as f64, 1e6, "MB/CPU-s"),
            Throughput::Elements(elements) => (*elements as f64, 1.0, "elem/CPU-s"),
        };
        for value in values.iter_mut() {
            *value = per_iteration / unit / (*value / 1e9);
        }
        name
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
