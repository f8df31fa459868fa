//! The fixture images of the repository and every output built from them, in one list.

use std::path::{Path, PathBuf};

use crate::built::BuiltImage;
use crate::compression::Compression;
use crate::docker_archive::{write_docker_archive, DockerArchiveOptions, DockerLayout};
use crate::error::Result;
use crate::image_toml::load_image;
use crate::oci_layout::{write_oci_layout, OciLayoutOptions};
use crate::rootfs::write_rootfs;

/// File and directory names of the outputs of [`build_all`], relative to its output directory.
pub mod outputs {
    /// `debian` as a legacy `docker save` archive.
    pub const DEBIAN_DOCKER: &str = "debian.docker.tar";
    /// `debian` as a legacy `docker save` archive, the whole archive gzipped.
    pub const DEBIAN_DOCKER_GZIP: &str = "debian.docker.tar.gz";
    /// `debian` as a Docker 25+ `docker save` archive (OCI blobs layout).
    pub const DEBIAN_DOCKER_BLOBS: &str = "debian.docker-blobs.tar";
    /// `debian` as an OCI layout directory with gzip layers.
    pub const DEBIAN_OCI: &str = "debian.oci";
    /// `debian` as an OCI layout directory with zstd layers.
    pub const DEBIAN_OCI_ZSTD: &str = "debian.oci-zstd";
    /// `debian` as a tar of an OCI layout with uncompressed layers.
    pub const DEBIAN_OCI_TAR: &str = "debian.oci.tar";
    /// The merged root filesystem of `debian`, as a directory.
    pub const DEBIAN_ROOTFS: &str = "debian.rootfs";
    /// `alpine` as a legacy `docker save` archive.
    pub const ALPINE_DOCKER: &str = "alpine.docker.tar";
    /// `alpine` as an OCI layout directory with gzip layers.
    pub const ALPINE_OCI: &str = "alpine.oci";
    /// `almalinux` (os-release and a real SQLite rpm database) as an OCI layout directory.
    pub const ALMALINUX_OCI: &str = "almalinux.oci";
    /// `multiarch` (linux/amd64 and linux/arm64/v8) as an OCI layout with an image index.
    pub const MULTIARCH_OCI: &str = "multiarch.oci";
    /// `hostile` (path traversal, absolute names, escaping links) as a `docker save` archive.
    pub const HOSTILE_DOCKER: &str = "hostile.docker.tar";
}

/// The repository's `fixtures/` directory, found from this crate's location in the workspace.
#[must_use]
pub fn fixtures_dir() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().and_then(Path::parent).map_or_else(
        || manifest_dir.join("../../fixtures"),
        |root| root.join("fixtures"),
    )
}

/// Builds every fixture output from the repository's `fixtures/` into `out_dir`.
///
/// See [`build_all_from`].
///
/// # Errors
///
/// As [`build_all_from`].
pub fn build_all(out_dir: &Path) -> Result<Vec<BuiltImage>> {
    build_all_from(&fixtures_dir(), out_dir)
}

/// Builds every output named in [`outputs`] from the fixture tree `fixtures` into `out_dir`,
/// replacing earlier outputs, and returns them in the order of [`outputs`].
///
/// The same fixture tree gives the same bytes on every machine and every run.
///
/// # Errors
///
/// Any error of [`load_image`] for the descriptions under `fixtures/images/`, and any write
/// error of the output writers.
pub fn build_all_from(fixtures: &Path, out_dir: &Path) -> Result<Vec<BuiltImage>> {
    let images = fixtures.join("images");
    let debian = load_image(&images.join("debian"))?;
    let alpine = load_image(&images.join("alpine"))?;
    let multiarch = [
        load_image(&images.join("multiarch/amd64"))?,
        load_image(&images.join("multiarch/arm64-v8"))?,
    ];
    let hostile = load_image(&images.join("hostile"))?;
    let almalinux = load_image(&images.join("almalinux"))?;

    let docker = DockerArchiveOptions::default();
    let docker_gzip = DockerArchiveOptions {
        gzip_whole_archive: true,
        ..docker
    };
    let docker_blobs = DockerArchiveOptions {
        layout: DockerLayout::OciBlobs,
        ..docker
    };
    let oci = |layer_compression, as_tar| OciLayoutOptions {
        layer_compression,
        as_tar,
    };
    let out = |name: &str| out_dir.join(name);

    let built = vec![
        write_docker_archive(&debian, &out(outputs::DEBIAN_DOCKER), docker)?,
        write_docker_archive(&debian, &out(outputs::DEBIAN_DOCKER_GZIP), docker_gzip)?,
        write_docker_archive(&debian, &out(outputs::DEBIAN_DOCKER_BLOBS), docker_blobs)?,
        write_oci_layout(
            std::slice::from_ref(&debian),
            &out(outputs::DEBIAN_OCI),
            oci(Compression::Gzip, false),
        )?,
        write_oci_layout(
            std::slice::from_ref(&debian),
            &out(outputs::DEBIAN_OCI_ZSTD),
            oci(Compression::Zstd, false),
        )?,
        write_oci_layout(
            std::slice::from_ref(&debian),
            &out(outputs::DEBIAN_OCI_TAR),
            oci(Compression::None, true),
        )?,
        write_rootfs(&debian, &out(outputs::DEBIAN_ROOTFS))?,
        write_docker_archive(&alpine, &out(outputs::ALPINE_DOCKER), docker)?,
        write_oci_layout(
            std::slice::from_ref(&alpine),
            &out(outputs::ALPINE_OCI),
            oci(Compression::Gzip, false),
        )?,
        write_oci_layout(
            std::slice::from_ref(&almalinux),
            &out(outputs::ALMALINUX_OCI),
            oci(Compression::Gzip, false),
        )?,
        write_oci_layout(
            &multiarch,
            &out(outputs::MULTIARCH_OCI),
            oci(Compression::Gzip, false),
        )?,
        write_docker_archive(&hostile, &out(outputs::HOSTILE_DOCKER), docker)?,
    ];
    tracing::info!(out_dir = %out_dir.display(), outputs = built.len(), "built fixture images");
    Ok(built)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;
    use std::time::Instant;

    use super::*;
    use crate::built::BuiltManifest;

    /// Every file under `root` (recursively, symlinks not followed) with its bytes or target.
    fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut pending = vec![root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for child in fs::read_dir(&dir).expect("listable") {
                let path = child.expect("entry").path();
                let relative = path.strip_prefix(root).expect("inside").to_path_buf();
                let metadata = fs::symlink_metadata(&path).expect("stat");
                if metadata.is_dir() {
                    files.insert(relative, b"<dir>".to_vec());
                    pending.push(path);
                } else if metadata.is_symlink() {
                    let target = fs::read_link(&path).expect("link");
                    files.insert(relative, target.into_os_string().into_encoded_bytes());
                } else {
                    files.insert(relative, fs::read(&path).expect("readable"));
                }
            }
        }
        files
    }

    #[test]
    fn two_builds_are_byte_identical_and_fast() {
        let first = tempfile::tempdir().expect("temp dir");
        let second = tempfile::tempdir().expect("temp dir");

        let started = Instant::now();
        let built = build_all(first.path()).expect("first build");
        let elapsed = started.elapsed();
        let rebuilt = build_all(second.path()).expect("second build");

        let digests = |images: &[BuiltImage]| -> Vec<_> {
            images
                .iter()
                .map(|image| (image.file_name(), image.manifests.clone()))
                .collect()
        };
        assert_eq!(digests(&built), digests(&rebuilt));
        assert_eq!(snapshot(first.path()), snapshot(second.path()));
        assert!(elapsed.as_secs_f64() < 5.0, "build_all took {elapsed:?}");
    }

    #[test]
    fn every_named_output_is_built_in_order() {
        let out = tempfile::tempdir().expect("temp dir");
        let built = build_all(out.path()).expect("build");
        let names: Vec<String> = built.iter().map(BuiltImage::file_name).collect();
        assert_eq!(
            names,
            [
                outputs::DEBIAN_DOCKER,
                outputs::DEBIAN_DOCKER_GZIP,
                outputs::DEBIAN_DOCKER_BLOBS,
                outputs::DEBIAN_OCI,
                outputs::DEBIAN_OCI_ZSTD,
                outputs::DEBIAN_OCI_TAR,
                outputs::DEBIAN_ROOTFS,
                outputs::ALPINE_DOCKER,
                outputs::ALPINE_OCI,
                outputs::ALMALINUX_OCI,
                outputs::MULTIARCH_OCI,
                outputs::HOSTILE_DOCKER,
            ]
        );
        for image in &built {
            assert!(image.path.exists(), "{} missing", image.path.display());
        }
    }

    #[test]
    fn same_image_has_same_diff_ids_in_every_format() {
        let out = tempfile::tempdir().expect("temp dir");
        let built = build_all(out.path()).expect("build");
        let debian: Vec<&BuiltManifest> = built
            .iter()
            .filter(|image| image.file_name().starts_with("debian.") && !image.manifests.is_empty())
            .map(|image| &image.manifests[0])
            .collect();
        assert_eq!(debian.len(), 6);
        for manifest in &debian {
            assert_eq!(manifest.diff_ids, debian[0].diff_ids);
            assert_eq!(manifest.config_digest, debian[0].config_digest);
            assert_eq!(manifest.diff_ids.len(), 3);
        }
        assert_ne!(
            debian[3].layer_digests, debian[4].layer_digests,
            "gzip vs zstd blobs"
        );
    }

    #[test]
    fn debian_rootfs_shows_the_merged_result() {
        use std::os::unix::fs::MetadataExt;

        let out = tempfile::tempdir().expect("temp dir");
        build_all(out.path()).expect("build");
        let root = out.path().join(outputs::DEBIAN_ROOTFS);

        let os_release = fs::read_to_string(root.join("etc/os-release")).expect("via symlink");
        assert!(os_release.contains("VERSION_CODENAME=bookworm"));
        assert!(!root.join("app/config/.env").exists(), "secret whited out");
        assert!(!root.join("etc/motd").exists(), "motd whited out");
        assert!(
            !root.join("app/static/old-index.html").exists(),
            "opaque dir hides lower files"
        );
        assert!(root.join("app/static/index.html").exists());
        assert!(fs::read_to_string(root.join("etc/passwd"))
            .expect("passwd")
            .contains("\napp:"));
        let mode =
            |path: &str| fs::symlink_metadata(root.join(path)).expect("stat").mode() & 0o7777;
        assert_eq!(mode("usr/bin/passwd"), 0o4755);
        assert_eq!(mode("usr/bin/wall"), 0o2755);
        assert_eq!(mode("tmp"), 0o1777);
        assert!(!root.join("dev/null").exists(), "no device files");
    }
}
