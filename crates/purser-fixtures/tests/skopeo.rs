//! An outside check of every fixture output: skopeo, an independent implementation of both
//! formats, must inspect each one and copy it (which re-verifies every blob digest), and must
//! report the digests this crate claims.
//!
//! Without skopeo the test fails when `CI` is set and is skipped (with a note) otherwise.
//! skopeo 1.9 cannot open a gzip-compressed `docker save` archive (its own output included:
//! "loading tar component manifest.json: unexpected EOF"), so that output is checked by
//! decompressing it first and requiring the same image as the plain archive.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use purser_fixtures::{
    build_all, outputs, sha256_digest, BuiltImage, BuiltManifest, DockerLayout, OutputFormat,
};
use serde_json::Value;

/// Whether skopeo can run here; panics in CI if it cannot.
fn skopeo_available() -> bool {
    let found = Command::new("skopeo")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "skopeo is required in CI: install it with `apt-get install -y skopeo`"
        );
        // Written past libtest's capture (which only takes the print macros) so it shows.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: skopeo is not installed (apt-get install -y skopeo)"
        );
    }
    found
}

/// Runs skopeo with `args` and returns its stdout; panics with its stderr on failure.
fn skopeo(args: &[&str]) -> Vec<u8> {
    let output = Command::new("skopeo")
        .arg("--insecure-policy")
        .args(args)
        .output()
        .expect("skopeo runs");
    assert!(
        output.status.success(),
        "skopeo {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// `skopeo inspect` as JSON.
fn inspect(platform_args: &[&str], source: &str) -> Value {
    let mut args = platform_args.to_vec();
    args.extend(["inspect", source]);
    serde_json::from_slice(&skopeo(&args)).expect("skopeo inspect prints JSON")
}

/// `skopeo copy SOURCE dir:DESTINATION`; returns the destination directory.
fn copy_to_dir(platform_args: &[&str], source: &str, destination: &Path) -> PathBuf {
    let target = format!("dir:{}", destination.display());
    let mut args = platform_args.to_vec();
    args.extend(["copy", "--quiet", source, &target]);
    skopeo(&args);
    destination.to_path_buf()
}

/// The skopeo transport references through which an output is read: none for a root
/// directory, two for a Docker 25+ archive (it is also an OCI layout tar).
fn transports(image: &BuiltImage, scratch: &Path) -> Vec<String> {
    let path = image.path.display();
    match image.format {
        OutputFormat::DockerArchive {
            gzipped: false,
            layout,
        } => {
            let mut sources = vec![format!("docker-archive:{path}")];
            if layout == DockerLayout::OciBlobs {
                sources.push(format!("oci-archive:{path}"));
            }
            sources
        }
        OutputFormat::DockerArchive { gzipped: true, .. } => {
            let plain = scratch.join(format!("{}.decompressed.tar", image.file_name()));
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(fs::File::open(&image.path).expect("archive exists"))
                .read_to_end(&mut bytes)
                .expect("valid gzip");
            fs::write(&plain, bytes).expect("scratch writable");
            vec![format!("docker-archive:{}", plain.display())]
        }
        OutputFormat::OciLayout { as_tar: false, .. } => vec![format!("oci:{path}")],
        OutputFormat::OciLayout { as_tar: true, .. } => vec![format!("oci-archive:{path}")],
        OutputFormat::RootDirectory => Vec::new(),
        _ => panic!("unknown output format {:?}", image.format),
    }
}

/// The `--override-*` arguments that select `manifest`'s platform.
fn platform_args(manifest: &BuiltManifest) -> Vec<&str> {
    let platform = &manifest.platform;
    let mut args = vec![
        "--override-os",
        platform.os.as_str(),
        "--override-arch",
        platform.architecture.as_str(),
    ];
    if let Some(variant) = &platform.variant {
        args.extend(["--override-variant", variant.as_str()]);
    }
    args
}

/// Checks what skopeo reports and copies for one single-platform image of an output.
fn check_image(source: &str, image: &BuiltImage, manifest: &BuiltManifest, copy_into: &Path) {
    let platform_args = platform_args(manifest);
    let inspected = inspect(&platform_args, source);
    let label = format!("{} ({})", image.file_name(), manifest.platform);
    assert_eq!(
        inspected["Architecture"],
        manifest.platform.architecture.as_str(),
        "{label}"
    );
    assert_eq!(inspected["Os"], manifest.platform.os.as_str(), "{label}");
    let layers: Vec<&str> = inspected["Layers"]
        .as_array()
        .expect("layers listed")
        .iter()
        .map(|layer| layer.as_str().expect("digest string"))
        .collect();
    assert_eq!(layers, manifest.layer_digests, "{label}: layer digests");

    // Through docker-archive skopeo synthesises a Docker manifest of its own, so only OCI
    // readings can be held to the manifest digest written here.
    let stored_manifest = manifest
        .manifest_digest
        .as_deref()
        .filter(|_| !source.starts_with("docker-archive:"));
    if let (Some(digest), None) = (stored_manifest, &image.index_digest) {
        assert_eq!(inspected["Digest"], digest, "{label}: manifest digest");
    }

    let copied = copy_to_dir(&platform_args, source, copy_into);
    let copied_manifest = fs::read(copied.join("manifest.json")).expect("manifest copied");
    if let Some(digest) = stored_manifest {
        assert_eq!(
            sha256_digest(&copied_manifest),
            digest,
            "{label}: copied manifest"
        );
    }
    let config_hex = manifest.config_digest.trim_start_matches("sha256:");
    let config = fs::read(copied.join(config_hex)).expect("config copied under its digest");
    assert_eq!(
        sha256_digest(&config),
        manifest.config_digest,
        "{label}: config"
    );
    let config: Value = serde_json::from_slice(&config).expect("config is JSON");
    let diff_ids: Vec<&str> = config["rootfs"]["diff_ids"]
        .as_array()
        .expect("diff_ids")
        .iter()
        .map(|diff_id| diff_id.as_str().expect("digest string"))
        .collect();
    assert_eq!(diff_ids, manifest.diff_ids, "{label}: diff_ids");
}

/// The bytes of `file` in the gzip-compressed layer tar `blob`.
fn file_in_gzip_layer(blob: &[u8], file: &str) -> Option<Vec<u8>> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(blob));
    for member in archive.entries().expect("layer is a tar") {
        let mut member = member.expect("member parses");
        if &*member.path_bytes() == file.as_bytes() {
            let mut contents = Vec::new();
            member.read_to_end(&mut contents).expect("readable");
            return Some(contents);
        }
    }
    None
}

#[test]
fn skopeo_reads_and_verifies_every_fixture() {
    if !skopeo_available() {
        return;
    }
    let out = tempfile::tempdir().expect("temp dir");
    let scratch = tempfile::tempdir().expect("temp dir");
    let built = build_all(out.path()).expect("fixtures build");

    let mut checked = 0;
    for image in &built {
        for (reading, source) in transports(image, scratch.path()).iter().enumerate() {
            for (index, manifest) in image.manifests.iter().enumerate() {
                let name = format!("{}-{reading}-{index}.dir", image.file_name());
                check_image(source, image, manifest, &scratch.path().join(name));
                checked += 1;
            }
        }
    }
    // Ten single-platform outputs, one of them read twice, and two multiarch platforms.
    assert_eq!(checked, 13);
}

#[test]
fn skopeo_picks_each_platform_of_the_multiarch_index() {
    if !skopeo_available() {
        return;
    }
    let out = tempfile::tempdir().expect("temp dir");
    let scratch = tempfile::tempdir().expect("temp dir");
    let built = build_all(out.path()).expect("fixtures build");
    let multiarch = built
        .iter()
        .find(|image| image.file_name() == outputs::MULTIARCH_OCI)
        .expect("multiarch built");
    let source = format!("oci:{}", multiarch.path.display());

    for (manifest, machine) in multiarch.manifests.iter().zip(["x86_64", "aarch64"]) {
        let copied = copy_to_dir(
            &platform_args(manifest),
            &source,
            &scratch.path().join(machine),
        );
        let copied_manifest = fs::read(copied.join("manifest.json")).expect("manifest copied");
        assert_eq!(
            Some(sha256_digest(&copied_manifest)),
            manifest.manifest_digest
        );

        let layer_hex = manifest.layer_digests[0].trim_start_matches("sha256:");
        let layer = fs::read(copied.join(layer_hex)).expect("layer copied");
        let os_release = file_in_gzip_layer(&layer, "etc/os-release").expect("os-release in layer");
        let os_release = String::from_utf8(os_release).expect("text");
        assert!(
            os_release.contains(&format!("VARIANT_ID={machine}\n")),
            "{machine}: {os_release}"
        );
    }
}
