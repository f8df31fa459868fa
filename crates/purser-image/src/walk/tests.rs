use std::io::Write;

use super::*;
use crate::anomaly::AnomalyKind;
use crate::entry::EntryKind;
use crate::test_tar_writer::{Fields, TarWriter};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("finish")
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).expect("zstd")
}

fn layer(blob: &[u8], tar: &[u8], compression: Compression) -> LayerDescriptor {
    LayerDescriptor {
        index: 1,
        digest: Some(Digest::sha256(blob)),
        diff_id: Some(Digest::sha256(tar)),
        media_type: String::new(),
        compression,
        compressed_size: blob.len() as u64,
        created_by: None,
        history_comment: None,
    }
}

/// Entries seen: (path, kind, mapped?, contents read with a 1 MiB bound).
type Seen = Vec<(String, EntryKind, bool, Vec<u8>)>;

fn walk(
    descriptor: &LayerDescriptor,
    blob: &[u8],
    limits: &Limits,
) -> Result<(Seen, LayerSummary), ImageError> {
    let mut seen = Vec::new();
    let summary = walk_tar_layer(descriptor, blob, limits, &mut |entry: &mut LayerEntry<
        '_,
        '_,
    >| {
        let mapped = entry.mapped_contents().is_some();
        let mut contents = Vec::new();
        entry.read_contents(&mut contents, 1 << 20)?;
        seen.push((
            entry.path().to_owned(),
            entry.kind().clone(),
            mapped,
            contents,
        ));
        Ok(())
    })?;
    Ok((seen, summary))
}

fn sample_tar() -> Vec<u8> {
    let mut writer = TarWriter::new();
    writer
        .dir("./", 0o755)
        .dir("etc/", 0o755)
        .file("etc/os-release", 0o644, b"ID=debian\n")
        .file("usr/bin/passwd", 0o4755, &[0x7f, b'E', b'L', b'F'])
        .symlink("bin", "usr/bin")
        .hardlink("usr/bin/passwd2", "usr/bin/passwd")
        .whiteout("etc/old")
        .opaque("var/cache")
        .char_device("dev/null", 1, 3);
    let mut tar = writer.finish();
    tar.extend_from_slice(b"bytes after the end marker count toward the diff ID");
    tar
}

fn expected_paths() -> Vec<&'static str> {
    vec![
        "etc",
        "etc/os-release",
        "usr/bin/passwd",
        "bin",
        "usr/bin/passwd2",
        "etc/.wh.old",
        "var/cache/.wh..wh..opq",
        "dev/null",
    ]
}

#[test]
fn uncompressed_layers_lend_contents_from_the_map() {
    let tar = sample_tar();
    let descriptor = layer(&tar, &tar, Compression::None);
    let (seen, summary) = walk(&descriptor, &tar, &Limits::default()).expect("walk");

    let paths: Vec<&str> = seen.iter().map(|(path, ..)| path.as_str()).collect();
    assert_eq!(paths, expected_paths());
    assert!(seen[1].2, "regular file contents are mapped");
    assert_eq!(seen[1].3, b"ID=debian\n");
    assert_eq!(
        seen[3].1,
        EntryKind::Symlink {
            target: "usr/bin".into()
        }
    );
    assert_eq!(
        seen[4].1,
        EntryKind::Hardlink {
            target: "usr/bin/passwd".into()
        }
    );
    assert_eq!(
        seen[5].1,
        EntryKind::Whiteout {
            deleted: "etc/old".into()
        }
    );
    assert_eq!(
        seen[6].1,
        EntryKind::OpaqueDirectory {
            directory: "var/cache".into()
        }
    );
    assert_eq!(seen[7].1, EntryKind::Device);

    assert_eq!(summary.entries, 8);
    assert_eq!(summary.regular_files, 2);
    assert_eq!(summary.uncompressed_size, tar.len() as u64);
    let kinds: Vec<_> = summary.anomalies.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::DeviceSkipped]);
}

#[test]
fn gzip_and_zstd_layers_stream_the_same_entries() {
    let tar = sample_tar();
    for (blob, compression) in [
        (gzip(&tar), Compression::Gzip),
        (zstd(&tar), Compression::Zstd),
    ] {
        let descriptor = layer(&blob, &tar, compression);
        let (seen, summary) = walk(&descriptor, &blob, &Limits::default()).expect("walk");
        let paths: Vec<&str> = seen.iter().map(|(path, ..)| path.as_str()).collect();
        assert_eq!(paths, expected_paths(), "{compression}");
        assert!(!seen[1].2, "streamed contents are not mapped");
        assert_eq!(seen[1].3, b"ID=debian\n");
        assert_eq!(seen[2].3, [0x7f, b'E', b'L', b'F']);
        assert_eq!(summary.uncompressed_size, tar.len() as u64);
    }
}

#[test]
fn mode_uid_gid_and_size_are_reported() {
    let mut writer = TarWriter::new();
    let mut fields = Fields::new(b"usr/bin/sudo", b'0');
    fields.mode = 0o104_755;
    fields.uid = 0;
    fields.gid = 42;
    fields.size = 3;
    writer.entry(&fields, b"abc");
    let tar = writer.finish();
    let descriptor = layer(&tar, &tar, Compression::None);

    let mut seen = None;
    walk_tar_layer(
        &descriptor,
        &tar,
        &Limits::default(),
        &mut |entry: &mut LayerEntry<'_, '_>| {
            seen = Some((entry.mode(), entry.uid(), entry.gid(), entry.size()));
            Ok(())
        },
    )
    .expect("walk");
    assert_eq!(seen, Some((0o4755, 0, 42, 3)));
}

#[test]
fn digest_and_diff_id_mismatches_name_the_layer() {
    let tar = sample_tar();
    let blob = gzip(&tar);

    let mut wrong_digest = layer(&blob, &tar, Compression::Gzip);
    wrong_digest.digest = Some(Digest::sha256(b"something else"));
    let message = walk(&wrong_digest, &blob, &Limits::default())
        .expect_err("digest mismatch")
        .to_string();
    assert!(message.starts_with("layer 1 (sha256:"), "{message}");
    assert!(
        message.contains(": digest mismatch: expected sha256:"),
        "{message}"
    );

    let mut wrong_diff = layer(&blob, &tar, Compression::Gzip);
    wrong_diff.diff_id = Some(Digest::sha256(b"other diff"));
    let message = walk(&wrong_diff, &blob, &Limits::default())
        .expect_err("diff mismatch")
        .to_string();
    let expected = format!(
        "layer 1 ({}): diff ID mismatch: config says {}, content hashes to {}",
        Digest::sha256(&blob).short(),
        Digest::sha256(b"other diff"),
        Digest::sha256(&tar)
    );
    assert_eq!(message, expected);

    // Uncompressed layers are checked before any entry is visited.
    let mut plain = layer(&tar, &tar, Compression::None);
    plain.diff_id = Some(Digest::sha256(b"other diff"));
    let mut visited = 0;
    let error = walk_tar_layer(&plain, &tar, &Limits::default(), &mut |_| {
        visited += 1;
        Ok(())
    })
    .expect_err("mismatch");
    assert!(matches!(error, ImageError::DiffIdMismatch { .. }));
    assert_eq!(visited, 0);
}

#[test]
fn trailing_bytes_after_the_end_marker_are_part_of_the_diff_id() {
    let mut tar = sample_tar();
    let blob = gzip(&tar);
    let mut descriptor = layer(&blob, &tar, Compression::Gzip);
    tar.truncate(tar.len() - 10);
    descriptor.diff_id = Some(Digest::sha256(&tar));
    let error = walk(&descriptor, &blob, &Limits::default()).expect_err("tail not drained");
    assert!(
        matches!(error, ImageError::DiffIdMismatch { .. }),
        "{error}"
    );
}

#[test]
fn a_truncated_gzip_layer_fails_with_the_offset_reached() {
    let mut writer = TarWriter::new();
    for index in 0..50 {
        let contents: Vec<u8> = (0..20_000u32)
            .map(|byte| (byte * 7 + index) as u8)
            .collect();
        writer.file(&format!("file{index}"), 0o644, &contents);
    }
    let tar = writer.finish();
    let blob = gzip(&tar);
    let cut = &blob[..blob.len() / 2];
    let descriptor = layer(&blob, &tar, Compression::Gzip);

    let error = walk(&descriptor, cut, &Limits::default()).expect_err("truncated");
    let message = error.to_string();
    let ImageError::LayerRead { offset, cause, .. } = &error else {
        panic!("expected a read error, got {message}");
    };
    assert!(*offset > 0 && *offset < tar.len() as u64, "{message}");
    assert_eq!(cause.kind(), std::io::ErrorKind::UnexpectedEof, "{message}");
    assert!(
        message.starts_with(&format!(
            "failed to read layer 1 ({}) at offset ",
            Digest::sha256(&blob).short()
        )),
        "{message}"
    );
    assert!(message.ends_with(": unexpected end of file"), "{message}");
}

#[test]
fn corrupt_gzip_fails_as_a_read_error() {
    let tar = sample_tar();
    let mut blob = gzip(&tar);
    let middle = blob.len() / 2;
    for byte in &mut blob[middle..middle + 16] {
        *byte ^= 0x5a;
    }
    let descriptor = layer(&blob, &tar, Compression::Gzip);
    let error = walk(&descriptor, &blob, &Limits::default()).expect_err("corrupt");
    assert!(
        matches!(
            error,
            ImageError::LayerRead { .. } | ImageError::DiffIdMismatch { .. }
        ),
        "{error}"
    );
}

#[test]
fn a_read_error_swallowed_by_the_visitor_still_fails_the_layer() {
    let mut writer = TarWriter::new();
    writer.file("big", 0o644, &vec![3u8; 300_000]);
    let tar = writer.finish();
    let blob = gzip(&tar);
    let cut = &blob[..blob.len() / 3];
    let descriptor = layer(&blob, &tar, Compression::Gzip);

    let error = walk_tar_layer(&descriptor, cut, &Limits::default(), &mut |entry| {
        let mut buf = Vec::new();
        let result = entry.read_contents(&mut buf, u64::MAX);
        assert!(matches!(result, Err(WalkError::Read { .. })));
        Ok(())
    })
    .expect_err("truncated");
    assert!(matches!(error, ImageError::LayerRead { .. }), "{error}");
}

/// A small gzip of `members` MiB of zeros behind a tar header claiming them all: one member
/// compressing 1 MiB of zeros, repeated (a layer may hold many members), so the test never
/// materialises or compresses the whole stream.
fn gzip_bomb(members: usize) -> Vec<u8> {
    let mut header = TarWriter::new();
    let mut fields = Fields::new(b"zeros", b'0');
    fields.size = (members as u64) << 20;
    header.entry(&fields, b"");
    let mut blob = gzip(&header.unterminated());
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; 1 << 20]).expect("compress");
    let member = encoder.finish().expect("finish");
    for _ in 0..members {
        blob.extend_from_slice(&member);
    }
    blob
}

#[test]
fn a_decompression_bomb_stops_at_the_limit() {
    // 4 GiB of zeros in about 4 MiB of gzip.
    let blob = gzip_bomb(4096);
    assert!(blob.len() < 8 << 20);
    let limits = Limits {
        max_layer_uncompressed_bytes: 16 << 20,
        ..Limits::default()
    };
    let descriptor = layer(&blob, b"unknown", Compression::Gzip);
    let started = std::time::Instant::now();
    let error = walk(&descriptor, &blob, &limits).expect_err("bomb");
    assert_eq!(
        error.to_string(),
        format!(
            "layer 1 ({}) exceeds the max_layer_uncompressed_bytes limit of 16777216",
            Digest::sha256(&blob).short()
        )
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn zstd_bombs_stop_too() {
    // 2 GiB of zeros: one frame of 1 MiB repeated (a layer may hold many frames).
    let frame = zstd(&vec![0u8; 1 << 20]);
    let blob: Vec<u8> = frame
        .iter()
        .copied()
        .cycle()
        .take(frame.len() * 2048)
        .collect();
    let limits = Limits {
        max_layer_uncompressed_bytes: 8 << 20,
        ..Limits::default()
    };
    let descriptor = layer(&blob, b"unknown", Compression::Zstd);
    let error = walk(&descriptor, &blob, &limits).expect_err("bomb");
    assert!(
        matches!(
            error,
            ImageError::LayerLimit {
                limit: "max_layer_uncompressed_bytes",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn too_many_entries_fail_the_layer() {
    let mut writer = TarWriter::new();
    for index in 0..20 {
        writer.file(&format!("f{index}"), 0o644, b"");
    }
    let tar = writer.finish();
    let descriptor = layer(&tar, &tar, Compression::None);
    let limits = Limits {
        max_entries_per_layer: 10,
        ..Limits::default()
    };
    let error = walk(&descriptor, &tar, &limits).expect_err("too many");
    assert!(
        error
            .to_string()
            .ends_with("exceeds the max_entries_per_layer limit of 10"),
        "{error}"
    );
}

#[test]
fn hostile_entries_are_clamped_and_recorded() {
    let mut writer = TarWriter::new();
    writer
        .file("../../../etc/passwd", 0o644, b"root::0:0::/:/bin/sh\n")
        .file("/abs/path", 0o644, b"x")
        .fifo("run/fifo");
    writer
        .long_name(&vec![b'n'; 6000])
        .file("short", 0o644, b"skipped");
    let mut claim = Fields::new(b"././@LongLink", b'L');
    claim.size = 10 << 30;
    let tar = writer.finish();
    let descriptor = layer(&tar, &tar, Compression::None);

    let (seen, summary) = walk(&descriptor, &tar, &Limits::default()).expect("walk");
    let paths: Vec<&str> = seen.iter().map(|(path, ..)| path.as_str()).collect();
    assert_eq!(paths, ["etc/passwd", "abs/path", "run/fifo"]);
    let kinds: Vec<_> = summary.anomalies.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AnomalyKind::PathClamped,
            AnomalyKind::AbsolutePath,
            AnomalyKind::FifoSkipped,
            AnomalyKind::PathTooLong
        ]
    );

    // A long-name header claiming 10 GiB inside a gzip stream: skipped without allocating,
    // and the stream ends long before.
    let mut writer = TarWriter::new();
    writer.entry(&claim, b"").file("after", 0o644, b"");
    let tar = writer.finish();
    let blob = gzip(&tar);
    let gzip_descriptor = layer(&blob, &tar, Compression::Gzip);
    let error = walk(&gzip_descriptor, &blob, &Limits::default()).expect_err("claim past the end");
    assert!(
        error.to_string().ends_with("unexpected end of file"),
        "{error}"
    );
}

#[test]
fn visitor_errors_are_reported_with_the_layer() {
    let tar = sample_tar();
    let descriptor = layer(&tar, &tar, Compression::None);
    let error = walk_tar_layer(&descriptor, &tar, &Limits::default(), &mut |entry| {
        if entry.path() == "bin" {
            return Err(WalkError::visitor(format!(
                "plugin failed on {}",
                entry.path()
            )));
        }
        Ok(())
    })
    .expect_err("visitor error");
    assert!(
        error.to_string().ends_with(": plugin failed on bin"),
        "{error}"
    );
}

#[test]
fn garbage_instead_of_a_tar_is_a_read_error_at_offset_zero() {
    let garbage = vec![0xabu8; 4096];
    let blob = gzip(&garbage);
    let descriptor = layer(&blob, &garbage, Compression::Gzip);
    let error = walk(&descriptor, &blob, &Limits::default()).expect_err("garbage");
    let ImageError::LayerRead { offset, .. } = error else {
        panic!("expected a read error, got {error}");
    };
    assert_eq!(offset, 0);
}

/// A small deterministic generator (xorshift64*), so corruption tests need no extra crate.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

#[test]
fn random_corruption_never_panics() {
    let tar = sample_tar();
    let blobs = [
        (tar.clone(), Compression::None),
        (gzip(&tar), Compression::Gzip),
        (zstd(&tar), Compression::Zstd),
    ];
    let mut random = Xorshift(0x9e37_79b9_7f4a_7c15);
    for round in 0..600 {
        let (original, compression) = &blobs[round % blobs.len()];
        let mut blob = original.clone();
        match random.below(3) {
            0 => {
                for _ in 0..1 + random.below(8) {
                    let at = random.below(blob.len());
                    blob[at] = random.next() as u8;
                }
            }
            1 => blob.truncate(random.below(blob.len())),
            _ => {
                let at = random.below(blob.len());
                let length = random.below(600).min(blob.len() - at);
                blob[at..at + length].fill(random.next() as u8);
            }
        }
        let descriptor = LayerDescriptor {
            digest: None,
            diff_id: None,
            ..layer(&blob, &tar, *compression)
        };
        let limits = Limits {
            max_layer_uncompressed_bytes: 1 << 20,
            ..Limits::default()
        };
        // Any outcome but a panic or a hang is acceptable.
        let _ = walk(&descriptor, &blob, &limits);
    }
}
