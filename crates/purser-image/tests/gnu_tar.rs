//! Layers written by GNU tar in its three formats read back as the same entries.

mod support;

use std::fs;
use std::process::Command;

use purser_image::{open_image, Compression, EntryKind, OpenOptions};
use support::{walk, write_oci_dir, TestImage};

#[test]
fn gnu_pax_and_ustar_layers_read_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tree = dir.path().join("tree");
    let long_dir = tree.join("a".repeat(60)).join("b".repeat(60));
    fs::create_dir_all(&long_dir).expect("mkdir");
    fs::write(
        long_dir.join("file-with-a-long-name.txt"),
        b"long path contents",
    )
    .expect("write");
    fs::write(tree.join("short"), b"short contents").expect("write");
    fs::hard_link(tree.join("short"), tree.join("hard")).expect("hard link");
    std::os::unix::fs::symlink("short", tree.join("link")).expect("symlink");

    let mut results = Vec::new();
    for format in ["gnu", "pax", "ustar"] {
        let tar_path = dir.path().join(format!("{format}.tar"));
        let status = Command::new("tar")
            .arg(format!("--format={format}"))
            .args(["--sort=name", "--owner=0", "--group=0", "--numeric-owner"])
            .arg("-cf")
            .arg(&tar_path)
            .arg("-C")
            .arg(&tree)
            .arg(".")
            .status()
            .expect("GNU tar is installed");
        assert!(status.success(), "tar --format={format}");

        let layout = dir.path().join(format!("{format}.oci"));
        let tar = fs::read(&tar_path).expect("read tar");
        write_oci_dir(&layout, &TestImage::new(vec![tar]), Compression::Gzip);
        let image = open_image(&layout, &OpenOptions::default()).expect("open");
        results.push(walk(&image, 0));
    }

    let long_path = format!(
        "{}/{}/file-with-a-long-name.txt",
        "a".repeat(60),
        "b".repeat(60)
    );
    let gnu = &results[0];
    let file = gnu
        .iter()
        .find(|(path, _, _)| *path == long_path)
        .expect("long path entry");
    assert_eq!(file.2, b"long path contents");
    let kind_of = |wanted: &str| {
        gnu.iter()
            .find(|(path, _, _)| path == wanted)
            .map(|(_, kind, _)| kind.clone())
    };
    // "hard" sorts first, so it holds the data and "short" links to it.
    assert_eq!(kind_of("hard"), Some(EntryKind::Regular));
    assert_eq!(
        kind_of("short"),
        Some(EntryKind::Hardlink {
            target: "hard".into()
        })
    );
    assert_eq!(
        kind_of("link"),
        Some(EntryKind::Symlink {
            target: "short".into()
        })
    );
    assert_eq!(results[0], results[1], "gnu and pax formats differ");
    assert_eq!(results[0], results[2], "gnu and ustar formats differ");
}
