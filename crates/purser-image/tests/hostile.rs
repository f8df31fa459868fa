//! Hostile and broken inputs fail with one clear line, or are walked safely with anomalies.

mod support;

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use purser_image::{
    open_image, AnomalyKind, Compression, Digest, EntryKind, ImageError, Limits, OpenOptions,
};
use serde_json::json;
use support::tar_writer::Fields;
use support::{
    gzip, sha, two_layer_image, write_docker_archive, write_layout_files, write_oci_dir, TarWriter,
    TestImage,
};

const EXPECTED: &str =
    "a docker save archive, an OCI image layout (directory or tar) or a root filesystem directory";

fn open(path: &Path) -> Result<purser_image::Image, ImageError> {
    open_image(path, &OpenOptions::default())
}

fn open_limited(path: &Path, limits: Limits) -> Result<purser_image::Image, ImageError> {
    open_image(
        path,
        &OpenOptions {
            limits,
            ..OpenOptions::default()
        },
    )
}

#[test]
fn a_missing_path_says_what_was_expected() {
    let error = open(Path::new("/nonexistent/image.tar")).expect_err("missing");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot open /nonexistent/image.tar: no such file or directory; expected {EXPECTED}"
        )
    );
}

#[test]
fn garbage_empty_and_unrelated_inputs_are_not_images() {
    let dir = tempfile::tempdir().expect("temp dir");
    let garbage = dir.path().join("garbage.bin");
    fs::write(&garbage, [0xde, 0xad, 0xbe, 0xef].repeat(1000)).expect("write");
    let empty = dir.path().join("empty");
    fs::write(&empty, b"").expect("write");
    let project = dir.path().join("project");
    fs::create_dir_all(project.join("src")).expect("mkdir");

    for path in [&garbage, &empty, &project] {
        let error = open(path).expect_err("not an image");
        assert_eq!(
            error.to_string(),
            format!("cannot open {}: not {EXPECTED}", path.display())
        );
        assert!(!error.to_string().contains('\n'));
    }

    let gzipped_text = dir.path().join("notes.gz");
    fs::write(
        &gzipped_text,
        gzip(&b"just some text, not a tar".repeat(100)),
    )
    .expect("write");
    let error = open(&gzipped_text).expect_err("not a tar");
    assert!(
        error
            .to_string()
            .contains("a gzip-compressed file that is not a tar archive"),
        "{error}"
    );

    let mut writer = TarWriter::new();
    writer.file("README", 0o644, b"hello");
    let plain_tar = dir.path().join("plain.tar");
    fs::write(&plain_tar, writer.finish()).expect("write");
    let error = open(&plain_tar).expect_err("no image metadata");
    assert!(
        error
            .to_string()
            .contains("neither manifest.json nor oci-layout"),
        "{error}"
    );
}

#[test]
fn a_layout_without_index_json_or_with_a_missing_manifest_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("oci-layout"),
        br#"{"imageLayoutVersion": "1.0.0"}"#,
    )
    .expect("write");
    let error = open(dir.path()).expect_err("no index.json");
    assert!(error.to_string().contains("without index.json"), "{error}");

    let absent = Digest::sha256(b"absent manifest");
    write_layout_files(
        dir.path(),
        vec![
            json!({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": absent.to_string(), "size": 10}),
        ],
    );
    let error = open(dir.path()).expect_err("missing manifest");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: manifest {absent} is missing: no blobs/sha256/{} in the image",
            dir.path().display(),
            absent.hex()
        )
    );
}

#[test]
fn a_manifest_pointing_to_a_missing_layer_blob_fails_at_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let built = write_oci_dir(dir.path(), &two_layer_image(), Compression::Gzip);
    fs::remove_file(support::blob_path(dir.path(), &built.layers[1])).expect("remove");
    let error = open(dir.path()).expect_err("missing layer");
    let message = error.to_string();
    assert!(message.contains("layer 1 (sha256:"), "{message}");
    assert!(
        message.contains("is missing: no blobs/sha256/"),
        "{message}"
    );
}

#[test]
fn docker_manifest_paths_cannot_leave_the_archive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let image = TestImage::new(vec![TarWriter::new().finish()]);
    let config = image.config();
    let mut writer = TarWriter::new();
    writer.file("config.json", 0o644, &config);
    let manifest = json!([{"Config": "config.json", "Layers": ["../../etc/passwd"]}]);
    writer.file(
        "manifest.json",
        0o644,
        &serde_json::to_vec(&manifest).expect("json"),
    );
    let path = dir.path().join("escape.tar");
    fs::write(&path, writer.finish()).expect("write");

    let error = open(&path).expect_err("escaping path");
    assert!(
        error
            .to_string()
            .contains("path \"../../etc/passwd\" does not name a file inside the archive"),
        "{error}"
    );
}

#[test]
fn a_truncated_outer_archive_names_the_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.tar");
    write_docker_archive(&path, &two_layer_image(), false);
    let bytes = fs::read(&path).expect("read");
    fs::write(&path, &bytes[..2000]).expect("truncate");
    let error = open(&path).expect_err("truncated");
    assert!(
        error.to_string().contains("corrupt tar archive at offset"),
        "{error}"
    );
}

#[test]
fn metadata_over_the_limit_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_oci_dir(dir.path(), &two_layer_image(), Compression::Gzip);
    let limits = Limits {
        max_metadata_bytes: 100,
        ..Limits::default()
    };
    let error = open_limited(dir.path(), limits).expect_err("over the limit");
    assert!(
        error
            .to_string()
            .contains("over the max_metadata_bytes limit of 100"),
        "{error}"
    );
}

#[test]
fn a_tampered_layer_fails_its_digest_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let built = write_oci_dir(dir.path(), &two_layer_image(), Compression::Gzip);
    let blob_path = support::blob_path(dir.path(), &built.layers[0]);
    let mut bytes = fs::read(&blob_path).expect("read");
    // The gzip header's modification time: decompression still succeeds, only the digest
    // tells the blob was changed.
    bytes[4] ^= 0xff;
    fs::write(&blob_path, bytes).expect("write");

    let image = open(dir.path()).expect("open checks presence and size only");
    let error = image.walk_layer(0, &mut |_| Ok(())).expect_err("tampered");
    let message = error.to_string();
    let prefix = format!(
        "layer 0 ({}…): digest mismatch: expected {}, content hashes to sha256:",
        &built.layers[0][..19],
        built.layers[0]
    );
    assert!(message.starts_with(&prefix), "{message}");
}

#[test]
fn a_corrupt_gzip_trailer_is_a_read_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut image = two_layer_image();
    let mut blob = gzip(&image.layers[0]);
    let last = blob.len() - 5;
    blob[last] ^= 0xff;
    image.raw_blobs = Some(vec![blob, gzip(&image.layers[1])]);
    write_oci_dir(dir.path(), &image, Compression::Gzip);

    let opened = open(dir.path()).expect("open");
    let error = opened.walk_layer(0, &mut |_| Ok(())).expect_err("corrupt");
    assert!(
        error
            .to_string()
            .ends_with(": corrupt gzip stream does not have a matching checksum"),
        "{error}"
    );
}

#[test]
fn a_layer_not_matching_its_diff_id_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut image = two_layer_image();
    image.diff_ids = Some(vec![sha(b"not layer 0"), sha(&image.layers[1])]);
    write_oci_dir(dir.path(), &image, Compression::Zstd);

    let opened = open(dir.path()).expect("open");
    let error = opened.walk_layer(0, &mut |_| Ok(())).expect_err("diff id");
    let message = error.to_string();
    assert!(
        message.contains(": diff ID mismatch: config says "),
        "{message}"
    );
    assert!(
        message.contains(&format!("content hashes to {}", sha(&image.layers[0]))),
        "{message}"
    );
    opened
        .walk_layer(1, &mut |_| Ok(()))
        .expect("layer 1 is fine");

    let mut stream = opened.decompressed_layer(0).expect("stream");
    let error = std::io::copy(&mut stream, &mut std::io::sink()).expect_err("verified at the end");
    assert!(error.to_string().contains("diff ID mismatch"), "{error}");
}

#[test]
fn a_legacy_docker_layer_that_was_swapped_fails_as_a_diff_id_mismatch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.tar");
    let mut image = two_layer_image();
    image.diff_ids = Some(vec![sha(&image.layers[0]), sha(b"other")]);
    write_docker_archive(&path, &image, false);
    let opened = open(&path).expect("open");
    let error = opened.walk_layer(1, &mut |_| Ok(())).expect_err("swapped");
    assert!(
        matches!(error, ImageError::DiffIdMismatch { .. }),
        "{error}"
    );
}

#[test]
fn truncated_and_corrupt_gzip_layers_name_the_offset() {
    let mut writer = TarWriter::new();
    for index in 0..40 {
        let contents: Vec<u8> = (0..30_000u32)
            .map(|byte| (byte * 31 + index) as u8)
            .collect();
        writer.file(&format!("file{index}"), 0o644, &contents);
    }
    let tar = writer.finish();
    let full = gzip(&tar);
    let truncated = full[..full.len() / 2].to_vec();

    let dir = tempfile::tempdir().expect("temp dir");
    let mut image = TestImage::new(vec![tar.clone()]);
    image.raw_blobs = Some(vec![truncated.clone()]);
    write_oci_dir(dir.path(), &image, Compression::Gzip);
    let opened = open(dir.path()).expect("open");
    let error = opened
        .walk_layer(0, &mut |_| Ok(()))
        .expect_err("truncated");
    let message = error.to_string();
    let prefix = format!(
        "failed to read layer 0 ({}) at offset ",
        Digest::sha256(&truncated).short()
    );
    assert!(message.starts_with(&prefix), "{message}");
    assert!(message.ends_with(": unexpected end of file"), "{message}");

    let mut corrupt = full.clone();
    let middle = corrupt.len() / 2;
    corrupt[middle..middle + 64].fill(0xff);
    let dir = tempfile::tempdir().expect("temp dir");
    image.raw_blobs = Some(vec![corrupt]);
    write_oci_dir(dir.path(), &image, Compression::Gzip);
    let opened = open(dir.path()).expect("open");
    let error = opened.walk_layer(0, &mut |_| Ok(())).expect_err("corrupt");
    assert!(
        matches!(
            error,
            ImageError::LayerRead { .. } | ImageError::DiffIdMismatch { .. }
        ),
        "{error}"
    );
}

#[test]
fn a_decompression_bomb_is_stopped_by_the_limit() {
    // 2 GiB of zeros as 2048 gzip members of 1 MiB each, about 2 MiB in all.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; 1 << 20]).expect("compress");
    let member = encoder.finish().expect("finish");
    let mut header = TarWriter::new();
    let mut fields = Fields::new(b"bomb", b'0');
    fields.size = 2 << 30;
    header.entry(&fields, b"");
    let mut bomb = gzip(&header.unterminated());
    for _ in 0..2048 {
        bomb.extend_from_slice(&member);
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let mut image = TestImage::new(vec![b"unused".to_vec()]);
    image.raw_blobs = Some(vec![bomb]);
    write_oci_dir(dir.path(), &image, Compression::Gzip);
    let limits = Limits {
        max_layer_uncompressed_bytes: 32 << 20,
        ..Limits::default()
    };
    let opened = open_limited(dir.path(), limits).expect("open");

    let started = std::time::Instant::now();
    let error = opened
        .walk_layer(0, &mut |entry| {
            let mut buf = Vec::new();
            entry.read_contents(&mut buf, 1 << 20)?;
            Ok(())
        })
        .expect_err("bomb");
    assert!(
        error
            .to_string()
            .ends_with("exceeds the max_layer_uncompressed_bytes limit of 33554432"),
        "{error}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));

    let mut stream = opened.decompressed_layer(0).expect("stream");
    let mut sink = Vec::new();
    let error = stream.read_to_end(&mut sink).expect_err("bomb");
    assert!(
        error.to_string().contains("max_layer_uncompressed_bytes"),
        "{error}"
    );
}

#[test]
fn hostile_layer_entries_are_walked_safely() {
    let mut writer = TarWriter::new();
    writer
        .file("../../../../etc/cron.d/evil", 0o644, b"* * * * * root sh")
        .file("/etc/passwd", 0o644, b"root::0:0::/:/bin/sh")
        .char_device("dev/mem", 1, 1)
        .fifo("tmp/fifo")
        .hardlink("etc/shadow-link", "../../etc/shadow");
    writer
        .long_name(&vec![b'x'; 10_000])
        .file("ignored", 0o644, b"");
    let mut claim = Fields::new(b"././@LongLink", b'L');
    claim.size = 10 << 30;
    writer.entry(&claim, b"");
    let tar = writer.unterminated();

    let dir = tempfile::tempdir().expect("temp dir");
    write_oci_dir(dir.path(), &TestImage::new(vec![tar]), Compression::Gzip);
    let image = open(dir.path()).expect("open");

    let mut seen = Vec::new();
    let error = image
        .walk_layer(0, &mut |entry| {
            seen.push((entry.path().to_owned(), entry.kind().clone()));
            Ok(())
        })
        .expect_err("the 10 GiB long-name claim runs past the end of the layer");
    assert!(
        error.to_string().ends_with("unexpected end of file"),
        "{error}"
    );
    assert_eq!(
        seen,
        [
            ("etc/cron.d/evil".to_owned(), EntryKind::Regular),
            ("etc/passwd".to_owned(), EntryKind::Regular),
            ("dev/mem".to_owned(), EntryKind::Device),
            ("tmp/fifo".to_owned(), EntryKind::Fifo),
            (
                "etc/shadow-link".to_owned(),
                EntryKind::Hardlink {
                    target: "etc/shadow".into()
                }
            ),
        ]
    );
}

#[test]
fn anomalies_are_summarised() {
    let mut writer = TarWriter::new();
    writer
        .file("../escape", 0o644, b"")
        .file("/absolute", 0o644, b"")
        .char_device("dev/null", 1, 3);
    writer
        .long_name(&vec![b'x'; 5000])
        .file("ignored", 0o644, b"");
    let tar = writer.finish();
    let dir = tempfile::tempdir().expect("temp dir");
    write_oci_dir(dir.path(), &TestImage::new(vec![tar]), Compression::None);
    let image = open(dir.path()).expect("open");
    let summary = image.walk_layer(0, &mut |_| Ok(())).expect("walk");
    let kinds: Vec<AnomalyKind> = summary
        .anomalies
        .iter()
        .map(|anomaly| anomaly.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            AnomalyKind::PathClamped,
            AnomalyKind::AbsolutePath,
            AnomalyKind::DeviceSkipped,
            AnomalyKind::PathTooLong
        ]
    );
    assert_eq!(summary.entries, 3);
}

#[test]
fn too_many_entries_stop_the_walk() {
    let mut writer = TarWriter::new();
    for index in 0..100 {
        writer.file(&format!("f{index}"), 0o644, b"");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write_oci_dir(
        dir.path(),
        &TestImage::new(vec![writer.finish()]),
        Compression::Gzip,
    );
    let limits = Limits {
        max_entries_per_layer: 50,
        ..Limits::default()
    };
    let image = open_limited(dir.path(), limits).expect("open");
    let error = image.walk_layer(0, &mut |_| Ok(())).expect_err("too many");
    assert!(
        error
            .to_string()
            .ends_with("exceeds the max_entries_per_layer limit of 50"),
        "{error}"
    );
}

#[test]
fn a_whole_archive_bomb_is_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.tar");
    write_docker_archive(&path, &two_layer_image(), false);
    let mut archive = fs::read(&path).expect("read");
    archive.extend(vec![0u8; 4 << 20]);
    let gzipped = dir.path().join("image.tar.gz");
    fs::write(&gzipped, gzip(&archive)).expect("write");

    let limits = Limits {
        max_archive_uncompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    let error = open_limited(&gzipped, limits).expect_err("over the archive limit");
    assert!(
        error
            .to_string()
            .contains("max_archive_uncompressed_bytes limit of 1048576"),
        "{error}"
    );
    open(&gzipped).expect("fine with the default limit");
}

#[test]
fn corrupted_archives_never_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.tar");
    write_docker_archive(&path, &two_layer_image(), false);
    let original = fs::read(&path).expect("read");

    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..200 {
        let mut bytes = original.clone();
        for _ in 0..1 + next() % 16 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = next() as u8;
        }
        fs::write(&path, &bytes).expect("write");
        // Any outcome but a panic is acceptable.
        if let Ok(image) = open(&path) {
            for index in 0..image.layers().len() {
                let _ = image.walk_layer(index, &mut |entry| {
                    let mut buf = Vec::new();
                    let _ = entry.read_contents(&mut buf, 1 << 16);
                    Ok(())
                });
            }
        }
    }
}
