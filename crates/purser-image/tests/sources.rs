//! Every source kind opens and walks to the same entries, with the metadata the API promises.

mod support;

use std::fs;
use std::io::Read;

use purser_image::overlay::{FilesystemView, PathChange, PathStatus};
use purser_image::{open_image, Compression, Digest, EntryKind, OpenOptions, SourceKind};
use support::{
    tar_directory, two_layer_image, walk, write_docker_archive, write_oci_dir, TestImage,
};

fn paths(walked: &support::Walked) -> Vec<&str> {
    walked.iter().map(|(path, _, _)| path.as_str()).collect()
}

/// Checks the two-layer image's entries and the merged view.
fn check_two_layer_image(image: &purser_image::Image) {
    assert_eq!(image.layers().len(), 2);
    let base = walk(image, 0);
    let upper = walk(image, 1);
    assert_eq!(
        paths(&base),
        [
            "etc",
            "etc/os-release",
            "etc/secret",
            "var/cache",
            "var/cache/old",
            "usr/bin",
            "usr/bin/passwd",
            "bin",
            "usr/bin/passwd-hard"
        ]
    );
    assert_eq!(base[1].2, b"ID=debian\nVERSION_ID=\"12\"\n");
    assert_eq!(
        upper[0].1,
        EntryKind::Whiteout {
            deleted: "etc/secret".into()
        }
    );

    let changes: Vec<Vec<PathChange>> = (0..2)
        .map(|index| {
            let mut changes = Vec::new();
            image
                .walk_layer(index, &mut |entry| {
                    changes.push(PathChange::from_entry(entry));
                    Ok(())
                })
                .expect("walk");
            changes
        })
        .collect();
    let view = FilesystemView::build(&changes);
    assert_eq!(view.status("etc/secret", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.status("var/cache/old", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.owner("var/cache/new"), Some(1));
    assert_eq!(view.owner("etc/os-release"), Some(0));
    assert_eq!(
        view.resolve("bin/passwd").as_deref(),
        Some("usr/bin/passwd")
    );
}

#[test]
fn docker_archive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.docker.tar");
    let test_image = two_layer_image();
    let built = write_docker_archive(&path, &test_image, false);

    let image = open_image(&path, &OpenOptions::default()).expect("open");
    assert_eq!(
        image.source_kind(),
        SourceKind::DockerArchive { compressed: false }
    );
    assert_eq!(image.path(), path);
    assert_eq!(image.platform().to_string(), "linux/amd64");
    assert_eq!(image.manifest_digest(), None);
    assert_eq!(image.config_bytes(), test_image.config());
    assert!(image.index_bytes().is_none());
    let manifest: serde_json::Value =
        serde_json::from_slice(image.manifest_bytes().expect("manifest entry")).expect("json");
    assert_eq!(manifest["RepoTags"][0], "test:latest");

    let layer = &image.layers()[1];
    assert_eq!(layer.compression, Compression::None);
    assert_eq!(
        layer.media_type,
        "application/vnd.docker.image.rootfs.diff.tar"
    );
    assert_eq!(
        layer.digest.as_ref().map(Digest::to_string),
        Some(built.layers[1].clone())
    );
    assert_eq!(layer.diff_id, layer.digest);
    assert_eq!(layer.created_by.as_deref(), Some("RUN step 1"));
    assert_eq!(layer.history_comment.as_deref(), Some("test"));
    assert_eq!(image.config().user(), Some("app"));

    let config_digest: Digest = built.config.parse().expect("digest");
    let config_blob = image.blob(&config_digest).expect("blob").expect("present");
    assert_eq!(&*config_blob, image.config_bytes());
    check_two_layer_image(&image);
}

#[test]
fn uncompressed_archive_layers_are_borrowed_from_the_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.tar");
    write_docker_archive(&path, &two_layer_image(), false);
    let image = open_image(&path, &OpenOptions::default()).expect("open");

    let mut mapped = 0;
    image
        .walk_layer(0, &mut |entry| {
            if *entry.kind() == EntryKind::Regular {
                let contents = entry.mapped_contents().expect("mapped");
                assert_eq!(contents.len() as u64, entry.size());
                mapped += 1;
            }
            Ok(())
        })
        .expect("walk");
    assert_eq!(mapped, 4);
}

#[test]
fn gzip_compressed_docker_archive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.docker.tar.gz");
    write_docker_archive(&path, &two_layer_image(), true);

    let image = open_image(&path, &OpenOptions::default()).expect("open");
    assert_eq!(
        image.source_kind(),
        SourceKind::DockerArchive { compressed: true }
    );
    check_two_layer_image(&image);
}

#[test]
fn extracted_docker_archive_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let archive = dir.path().join("image.tar");
    write_docker_archive(&archive, &two_layer_image(), false);
    let extracted = dir.path().join("extracted");
    let mut tar = tar::Archive::new(fs::File::open(&archive).expect("open"));
    tar.unpack(&extracted).expect("unpack");

    let image = open_image(&extracted, &OpenOptions::default()).expect("open");
    assert_eq!(image.source_kind(), SourceKind::DockerArchiveDirectory);
    check_two_layer_image(&image);
}

#[test]
fn oci_layout_directories_with_each_compression() {
    for compression in [Compression::Gzip, Compression::Zstd, Compression::None] {
        let dir = tempfile::tempdir().expect("temp dir");
        let built = write_oci_dir(dir.path(), &two_layer_image(), compression);

        let image = open_image(dir.path(), &OpenOptions::default()).expect("open");
        assert_eq!(image.source_kind(), SourceKind::OciLayoutDirectory);
        assert_eq!(
            image.manifest_digest().map(Digest::to_string),
            built.manifest.clone()
        );
        let manifest_digest = image.manifest_digest().expect("digest").clone();
        assert_eq!(
            Digest::sha256(image.manifest_bytes().expect("manifest")),
            manifest_digest
        );
        assert!(image.index_bytes().is_some());
        let layer = &image.layers()[0];
        assert_eq!(layer.compression, compression);
        assert_eq!(
            layer.digest.as_ref().map(Digest::to_string),
            Some(built.layers[0].clone())
        );
        check_two_layer_image(&image);
    }
}

#[test]
fn oci_layout_tar() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layout = dir.path().join("layout");
    let built = write_oci_dir(&layout, &two_layer_image(), Compression::None);
    let path = dir.path().join("image.oci.tar");
    fs::write(&path, tar_directory(&layout)).expect("write");

    let image = open_image(&path, &OpenOptions::default()).expect("open");
    assert_eq!(image.source_kind(), SourceKind::OciLayoutArchive);
    assert_eq!(
        image.manifest_digest().map(Digest::to_string),
        built.manifest
    );
    check_two_layer_image(&image);
}

#[test]
fn media_type_disagreeing_with_magic_bytes_uses_the_magic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let image = two_layer_image();
    let (descriptor, _) = support::write_image_blobs(
        dir.path(),
        &image,
        Compression::Zstd,
        Some("application/vnd.oci.image.layer.v1.tar+gzip"),
    );
    support::write_layout_files(dir.path(), vec![descriptor]);

    let opened = open_image(dir.path(), &OpenOptions::default()).expect("open");
    assert_eq!(opened.layers()[0].compression, Compression::Zstd);
    assert_eq!(
        opened.layers()[0].media_type,
        "application/vnd.oci.image.layer.v1.tar+gzip"
    );
    check_two_layer_image(&opened);
}

#[test]
fn root_filesystem_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir_all(root.join("etc")).expect("mkdir");
    fs::create_dir_all(root.join("usr/bin")).expect("mkdir");
    fs::write(root.join("etc/os-release"), b"ID=alpine\n").expect("write");
    std::os::unix::fs::symlink("usr/bin", root.join("bin")).expect("symlink");

    let image = open_image(root, &OpenOptions::default()).expect("open");
    assert_eq!(image.source_kind(), SourceKind::RootfsDirectory);
    assert_eq!(image.layers().len(), 1);
    assert_eq!(image.layers()[0].digest, None);
    assert!(image.config_bytes().is_empty());
    assert!(image.manifest_bytes().is_none());
    assert_eq!(image.platform().to_string(), "/");
    assert!(image.blob(&Digest::sha256(b"x")).expect("blob").is_none());

    let walked = walk(&image, 0);
    assert_eq!(
        paths(&walked),
        ["bin", "etc", "etc/os-release", "usr", "usr/bin"]
    );
    assert_eq!(walked[2].2, b"ID=alpine\n");

    let error = image.decompressed_layer(0).err().expect("no stream");
    assert!(error.to_string().contains("has no byte stream"), "{error}");
}

#[test]
fn decompressed_layer_streams_and_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let test_image = two_layer_image();
    write_oci_dir(dir.path(), &test_image, Compression::Gzip);
    let image = open_image(dir.path(), &OpenOptions::default()).expect("open");

    let mut bytes = Vec::new();
    image
        .decompressed_layer(1)
        .expect("stream")
        .read_to_end(&mut bytes)
        .expect("read");
    assert_eq!(bytes, test_image.layers[1]);

    let error = image.decompressed_layer(5).err().expect("out of range");
    assert_eq!(
        error.to_string(),
        "layer index 5 is out of range: the image has 2 layers"
    );
}

#[test]
fn layers_walk_in_parallel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut layers = Vec::new();
    for layer in 0..6 {
        let mut writer = support::TarWriter::new();
        for file in 0..200 {
            writer.file(
                &format!("l{layer}/f{file}"),
                0o644,
                format!("{layer}-{file}").as_bytes(),
            );
        }
        layers.push(writer.finish());
    }
    write_oci_dir(dir.path(), &TestImage::new(layers), Compression::Gzip);
    let image = open_image(dir.path(), &OpenOptions::default()).expect("open");

    let counts: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..image.layers().len())
            .map(|index| {
                let image = &image;
                scope.spawn(move || {
                    image
                        .walk_layer(index, &mut |_| Ok(()))
                        .expect("walk")
                        .entries
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("thread"))
            .collect()
    });
    assert_eq!(counts, [200; 6]);
}

#[test]
fn blobs_by_digest_are_verified() {
    let dir = tempfile::tempdir().expect("temp dir");
    let built = write_oci_dir(dir.path(), &two_layer_image(), Compression::Gzip);
    let attestation = br#"{"_type": "https://in-toto.io/Statement/v1"}"#;
    let attestation_digest: Digest = support::write_blob(dir.path(), attestation)
        .parse()
        .expect("digest");
    let image = open_image(dir.path(), &OpenOptions::default()).expect("open");

    let found = image
        .blob(&attestation_digest)
        .expect("blob")
        .expect("present");
    assert_eq!(&*found, attestation);
    let manifest: Digest = built.manifest.expect("manifest").parse().expect("digest");
    assert!(image.blob(&manifest).expect("blob").is_some());
    assert!(image
        .blob(&Digest::sha256(b"absent"))
        .expect("blob")
        .is_none());

    fs::write(
        support::blob_path(dir.path(), attestation_digest.as_str()),
        b"tampered",
    )
    .expect("write");
    let error = image.blob(&attestation_digest).expect_err("tampered");
    assert!(error.to_string().contains("digest mismatch"), "{error}");

    let limited = open_image(
        dir.path(),
        &OpenOptions {
            limits: purser_image::Limits {
                max_metadata_bytes: 4,
                ..purser_image::Limits::default()
            },
            ..OpenOptions::default()
        },
    );
    assert!(limited.is_err(), "metadata over the limit is refused");
}

#[test]
fn the_same_layer_gives_the_same_entries_from_every_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let test_image = two_layer_image();
    let docker = dir.path().join("docker.tar");
    write_docker_archive(&docker, &test_image, false);
    let oci = dir.path().join("oci");
    write_oci_dir(&oci, &test_image, Compression::Zstd);

    let from_docker = walk(
        &open_image(&docker, &OpenOptions::default()).expect("open"),
        0,
    );
    let from_oci = walk(&open_image(&oci, &OpenOptions::default()).expect("open"), 0);
    assert_eq!(from_docker, from_oci);
}
