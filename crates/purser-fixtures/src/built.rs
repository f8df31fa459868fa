//! What a writer reports about the image it wrote, so tests can assert on digests.

use std::path::PathBuf;

use crate::compression::Compression;
use crate::image_spec::Platform;

/// The on-disk form of a built fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputFormat {
    /// A `docker save` archive; `gzipped` when the whole tar is gzip-compressed.
    DockerArchive {
        /// Which of the two `docker save` layouts was written.
        layout: crate::DockerLayout,
        /// Whether the whole archive is gzip-compressed.
        gzipped: bool,
    },
    /// An OCI image layout, as a directory or as one tar of that directory.
    OciLayout {
        /// How the layer blobs are compressed.
        layer_compression: Compression,
        /// True for a tar file holding the layout, false for a directory.
        as_tar: bool,
    },
    /// A plain directory holding the merged root filesystem of an image.
    RootDirectory,
}

/// One written output: where it is and the digests a reader should find in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltImage {
    /// The output file or directory.
    pub path: PathBuf,
    /// Its form.
    pub format: OutputFormat,
    /// For a multi-platform OCI layout, the digest of the image index blob that `index.json`
    /// points at; `None` otherwise.
    pub index_digest: Option<String>,
    /// One entry per image, in the order the images were given; empty for a root directory.
    pub manifests: Vec<BuiltManifest>,
}

/// The digests of one single-platform image inside an output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltManifest {
    /// The image reference, e.g. `purser-fixtures/debian:12`.
    pub reference: String,
    /// The platform its config declares.
    pub platform: Platform,
    /// The `sha256:` digest of the image manifest blob; `None` for the legacy `docker save`
    /// layout, which stores no manifest blob (a reader that converts it computes its own).
    pub manifest_digest: Option<String>,
    /// The digest of the config blob, which Docker also calls the image ID.
    pub config_digest: String,
    /// The digests of the layer blobs as stored (compressed if the layers are compressed).
    pub layer_digests: Vec<String>,
    /// `rootfs.diff_ids`: the digests of the uncompressed layer tars.
    pub diff_ids: Vec<String>,
}

impl BuiltImage {
    /// The manifest digests of all images, skipping images stored without a manifest blob.
    #[must_use]
    pub fn manifest_digests(&self) -> Vec<&str> {
        self.manifests
            .iter()
            .filter_map(|manifest| manifest.manifest_digest.as_deref())
            .collect()
    }

    /// The file or directory name of the output, e.g. `debian.oci`.
    #[must_use]
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}
