//! Small image builders for the integration tests: docker save archives (legacy layout,
//! optionally compressed as a whole), OCI layouts (directories or tars, single or
//! multi-platform) and root filesystems, all built in memory from raw tars.
#![allow(dead_code)]

pub mod tar_writer;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use purser_image::{Compression, Digest, EntryKind, Image, LayerEntry, WalkError};
use serde_json::{json, Value};

pub use tar_writer::TarWriter;

/// An image to build: layer tars and config fields.
#[derive(Clone)]
pub struct TestImage {
    /// Uncompressed layer tars, base first.
    pub layers: Vec<Vec<u8>>,
    /// `os`.
    pub os: String,
    /// `architecture`.
    pub architecture: String,
    /// `variant`.
    pub variant: Option<String>,
    /// `history`: (created_by, empty_layer).
    pub history: Vec<(String, bool)>,
    /// Diff IDs to write instead of the layers' real ones (to make them lie).
    pub diff_ids: Option<Vec<String>>,
    /// Layer blobs to write as they are instead of compressing the tars (truncated, corrupt
    /// or hostile blobs).
    pub raw_blobs: Option<Vec<Vec<u8>>>,
}

impl TestImage {
    /// A linux/amd64 image of `layers`, one history entry per layer plus an ENV step.
    pub fn new(layers: Vec<Vec<u8>>) -> TestImage {
        let mut history = vec![("/bin/sh -c #(nop)  ENV A=b".to_owned(), true)];
        history.extend((0..layers.len()).map(|index| (format!("RUN step {index}"), false)));
        TestImage {
            layers,
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: None,
            history,
            diff_ids: None,
            raw_blobs: None,
        }
    }

    /// Sets the platform.
    pub fn platform(mut self, os: &str, architecture: &str, variant: Option<&str>) -> TestImage {
        self.os = os.into();
        self.architecture = architecture.into();
        self.variant = variant.map(str::to_owned);
        self
    }

    /// The config JSON, Docker style.
    pub fn config(&self) -> Vec<u8> {
        let diff_ids: Vec<String> = match &self.diff_ids {
            Some(diff_ids) => diff_ids.clone(),
            None => self.layers.iter().map(|tar| sha(tar)).collect(),
        };
        let history: Vec<Value> = self
            .history
            .iter()
            .map(|(created_by, empty)| {
                if *empty {
                    json!({"created_by": created_by, "empty_layer": true})
                } else {
                    json!({"created_by": created_by, "comment": "test"})
                }
            })
            .collect();
        let mut config = json!({
            "architecture": self.architecture,
            "os": self.os,
            "created": "2024-01-01T00:00:00Z",
            "config": {"Env": ["PATH=/usr/bin", "A=b"], "User": "app", "Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        });
        if let Some(variant) = &self.variant {
            config["variant"] = json!(variant);
        }
        serde_json::to_vec(&config).expect("json")
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn sha(bytes: &[u8]) -> String {
    Digest::sha256(bytes).to_string()
}

/// gzip (fast level).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("finish")
}

/// Compresses a layer tar.
pub fn compress(tar: &[u8], compression: Compression) -> Vec<u8> {
    match compression {
        Compression::None => tar.to_vec(),
        Compression::Gzip => gzip(tar),
        Compression::Zstd => zstd::encode_all(tar, 3).expect("zstd"),
    }
}

/// The OCI media type of a layer with `compression`.
pub fn layer_media_type(compression: Compression) -> &'static str {
    match compression {
        Compression::None => "application/vnd.oci.image.layer.v1.tar",
        Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
    }
}

/// Digests of what was written for one image.
#[derive(Clone, Debug)]
pub struct Built {
    /// The manifest digest (OCI) or `None` (legacy docker archive).
    pub manifest: Option<String>,
    /// The config digest.
    pub config: String,
    /// The layer blob digests.
    pub layers: Vec<String>,
}

/// Writes `bytes` as a blob of the layout at `dir`; returns its digest.
pub fn write_blob(dir: &Path, bytes: &[u8]) -> String {
    let digest = sha(bytes);
    let path = dir.join("blobs/sha256").join(&digest["sha256:".len()..]);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, bytes).expect("write blob");
    digest
}

/// Path of a blob of the layout at `dir`.
pub fn blob_path(dir: &Path, digest: &str) -> PathBuf {
    dir.join("blobs/sha256").join(&digest["sha256:".len()..])
}

/// Writes one image's config, layers and manifest into the layout at `dir`; returns the
/// manifest's descriptor (without platform) and the digests. `media_type_override` replaces
/// every layer's media type (to make it disagree with the magic bytes).
pub fn write_image_blobs(
    dir: &Path,
    image: &TestImage,
    compression: Compression,
    media_type_override: Option<&str>,
) -> (Value, Built) {
    let config = image.config();
    let config_digest = write_blob(dir, &config);
    let mut layer_descriptors = Vec::new();
    let mut layer_digests = Vec::new();
    for (index, tar) in image.layers.iter().enumerate() {
        let blob = match &image.raw_blobs {
            Some(blobs) => blobs[index].clone(),
            None => compress(tar, compression),
        };
        let digest = write_blob(dir, &blob);
        layer_descriptors.push(json!({
            "mediaType": media_type_override.unwrap_or(layer_media_type(compression)),
            "digest": digest,
            "size": blob.len(),
        }));
        layer_digests.push(digest);
    }
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config.len(),
        },
        "layers": layer_descriptors,
    }))
    .expect("json");
    let manifest_digest = write_blob(dir, &manifest);
    let descriptor = json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest,
        "size": manifest.len(),
    });
    let built = Built {
        manifest: Some(manifest_digest),
        config: config_digest,
        layers: layer_digests,
    };
    (descriptor, built)
}

/// Writes `oci-layout` and an `index.json` listing `manifests`.
pub fn write_layout_files(dir: &Path, manifests: Vec<Value>) {
    fs::create_dir_all(dir).expect("mkdir");
    fs::write(
        dir.join("oci-layout"),
        br#"{"imageLayoutVersion": "1.0.0"}"#,
    )
    .expect("write");
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": manifests,
    });
    fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&index).expect("json"),
    )
    .expect("write");
}

/// A single-image OCI layout directory.
pub fn write_oci_dir(dir: &Path, image: &TestImage, compression: Compression) -> Built {
    let (mut descriptor, built) = write_image_blobs(dir, image, compression, None);
    descriptor["annotations"] = json!({"org.opencontainers.image.ref.name": "latest"});
    write_layout_files(dir, vec![descriptor]);
    built
}

/// A multi-platform OCI layout directory: one manifest per image, with platforms.
pub fn write_multi_platform_dir(dir: &Path, images: &[TestImage]) -> Vec<Built> {
    let mut manifests = Vec::new();
    let mut built = Vec::new();
    for image in images {
        let (mut descriptor, digests) = write_image_blobs(dir, image, Compression::Gzip, None);
        let mut platform = json!({"os": image.os, "architecture": image.architecture});
        if let Some(variant) = &image.variant {
            platform["variant"] = json!(variant);
        }
        descriptor["platform"] = platform;
        manifests.push(descriptor);
        built.push(digests);
    }
    write_layout_files(dir, manifests);
    built
}

/// A tar of every file under `dir` (sorted, paths relative to `dir`).
pub fn tar_directory(dir: &Path) -> Vec<u8> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files);
    files.sort();
    let mut writer = TarWriter::new();
    for relative in files {
        let bytes = fs::read(dir.join(&relative)).expect("read");
        let name = relative.to_string_lossy().into_owned();
        if name.len() > 100 {
            writer.long_name(name.as_bytes());
        }
        writer.file(&name[..name.len().min(100)], 0o644, &bytes);
    }
    writer.finish()
}

fn collect_files(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_files(root, &path, files);
        } else {
            files.push(path.strip_prefix(root).expect("inside").to_path_buf());
        }
    }
}

/// A legacy `docker save` archive (`<id>/layer.tar`, `<hex>.json`, `manifest.json`,
/// `repositories`) written to `path`; gzip-compressed as a whole when asked.
pub fn write_docker_archive(path: &Path, image: &TestImage, gzip_whole: bool) -> Built {
    let config = image.config();
    let config_digest = sha(&config);
    let config_name = format!("{}.json", &config_digest["sha256:".len()..]);

    let mut writer = TarWriter::new();
    let mut layer_paths = Vec::new();
    for (index, tar) in image.layers.iter().enumerate() {
        // Layer directories are v1 IDs, not digests, in real archives.
        let id = format!("{:064x}", index + 1);
        writer.dir(&format!("{id}/"), 0o755);
        writer.file(&format!("{id}/VERSION"), 0o644, b"1.0");
        writer.file(&format!("{id}/layer.tar"), 0o644, tar);
        layer_paths.push(format!("{id}/layer.tar"));
    }
    writer.file(&config_name, 0o644, &config);
    let manifest = json!([{
        "Config": config_name,
        "RepoTags": ["test:latest"],
        "Layers": layer_paths,
    }]);
    writer.file(
        "manifest.json",
        0o644,
        &serde_json::to_vec(&manifest).expect("json"),
    );
    writer.file("repositories", 0o644, br#"{"test":{"latest":"x"}}"#);
    let archive = writer.finish();

    let bytes = if gzip_whole { gzip(&archive) } else { archive };
    fs::write(path, bytes).expect("write archive");
    Built {
        manifest: None,
        config: config_digest,
        layers: image.layers.iter().map(|tar| sha(tar)).collect(),
    }
}

/// Everything a walk saw: (path, kind, contents up to 1 MiB).
pub type Walked = Vec<(String, EntryKind, Vec<u8>)>;

/// Walks layer `index` and records every entry.
pub fn walk(image: &Image, index: usize) -> Walked {
    let mut seen = Vec::new();
    image
        .walk_layer(index, &mut |entry: &mut LayerEntry<'_, '_>| {
            let mut contents = Vec::new();
            entry.read_contents(&mut contents, 1 << 20)?;
            seen.push((entry.path().to_owned(), entry.kind().clone(), contents));
            Ok::<(), WalkError>(())
        })
        .expect("walk layer");
    seen
}

/// A small two-layer image: a base with a few files, and an upper layer that deletes one,
/// makes a directory opaque and adds files.
pub fn two_layer_image() -> TestImage {
    let mut base = TarWriter::new();
    base.dir("etc/", 0o755)
        .file("etc/os-release", 0o644, b"ID=debian\nVERSION_ID=\"12\"\n")
        .file("etc/secret", 0o600, b"AKIAIOSFODNN7EXAMPLE")
        .dir("var/cache/", 0o755)
        .file("var/cache/old", 0o644, b"old")
        .dir("usr/bin/", 0o755)
        .file("usr/bin/passwd", 0o4755, b"\x7fELF")
        .symlink("bin", "usr/bin")
        .hardlink("usr/bin/passwd-hard", "usr/bin/passwd");
    let mut upper = TarWriter::new();
    upper
        .whiteout("etc/secret")
        .dir("var/cache/", 0o755)
        .opaque("var/cache")
        .file("var/cache/new", 0o644, b"new")
        .file("app/main.py", 0o644, b"print('hi')\n");
    TestImage::new(vec![base.finish(), upper.finish()])
}
