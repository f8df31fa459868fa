//! Inputs shared by the benchmarks: the realistic image `cargo xtask bench-image` builds, or, when
//! it has not been built, a synthetic stand-in generated here.

use std::path::{Path, PathBuf};

use purser_fixtures::{
    write_docker_archive, write_oci_layout, Compression, DockerArchiveOptions, HistoryEntry,
    ImageSpec, Layer, OciLayoutOptions, Platform,
};

/// The three encodings of the benchmark image.
pub struct BenchImages {
    /// Where they are; a temporary directory is kept alive here for synthetic images.
    _temporary: Option<tempfile::TempDir>,
    /// Uncompressed layers in a docker archive.
    pub docker: PathBuf,
    /// Gzip layers in an OCI layout.
    pub oci_gzip: PathBuf,
    /// Zstd layers in an OCI layout.
    pub oci_zstd: PathBuf,
    /// Whether these are the real Debian-package image.
    pub realistic: bool,
}

/// The workspace's `target/` directory.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// The realistic image if `cargo xtask bench-image` built it, else a synthetic one.
pub fn bench_images() -> BenchImages {
    let built = target_dir().join("bench-image");
    let docker = built.join("bench.docker.tar");
    let oci_gzip = built.join("bench.oci");
    let oci_zstd = built.join("bench.oci-zstd");
    if docker.exists() && oci_gzip.exists() && oci_zstd.exists() {
        return BenchImages {
            _temporary: None,
            docker,
            oci_gzip,
            oci_zstd,
            realistic: true,
        };
    }
    eprintln!(
        "note: {} not found; run `cargo xtask bench-image` for the realistic image (Debian \
         packages, ~470 MB). Using a synthetic image instead.",
        built.display()
    );
    synthetic_images()
}

/// Four layers of many small text files, like a package tree.
fn synthetic_images() -> BenchImages {
    let temporary = tempfile::tempdir().expect("temporary directory");
    let mut spec = ImageSpec::new("bench/synthetic:1", Platform::linux_amd64());
    for layer_index in 0..4 {
        let mut layer = Layer::new();
        for file_index in 0..4000u32 {
            let size = 512 + (file_index as usize * 7919) % 16384;
            let line = format!("layer {layer_index} file {file_index} some text to compress\n");
            let contents: Vec<u8> = line.bytes().cycle().take(size).collect();
            let path = format!(
                "usr/share/bench{layer_index}/d{}/f{file_index}.txt",
                file_index % 64
            );
            layer = layer.file(path, 0o644, contents);
        }
        spec.layers.push(layer);
        spec.history.push(HistoryEntry::layer(format!(
            "synthetic layer {layer_index}"
        )));
    }
    let directory = temporary.path();
    let docker = directory.join("bench.docker.tar");
    let oci_gzip = directory.join("bench.oci");
    let oci_zstd = directory.join("bench.oci-zstd");
    write_docker_archive(&spec, &docker, DockerArchiveOptions::default()).expect("docker archive");
    let gzip = OciLayoutOptions {
        layer_compression: Compression::Gzip,
        as_tar: false,
    };
    write_oci_layout(std::slice::from_ref(&spec), &oci_gzip, gzip).expect("gzip layout");
    let zstd = OciLayoutOptions {
        layer_compression: Compression::Zstd,
        as_tar: false,
    };
    write_oci_layout(std::slice::from_ref(&spec), &oci_zstd, zstd).expect("zstd layout");
    BenchImages {
        _temporary: Some(temporary),
        docker,
        oci_gzip,
        oci_zstd,
        realistic: false,
    }
}

/// Reads criterion's estimate (mean, nanoseconds) of a benchmark from its output directory.
#[allow(
    dead_code,
    reason = "used by the criterion benchmarks, not by the memory measurement"
)]
pub fn mean_estimate_ns(group: &str, name: &str) -> Option<f64> {
    let path = target_dir()
        .join("criterion")
        .join(group)
        .join(name)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["mean"]["point_estimate"].as_f64()
}
