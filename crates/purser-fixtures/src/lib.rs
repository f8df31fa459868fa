//! Deterministic container images for Purser's tests and benchmarks, built without Docker.
//!
//! Every image is made in code, from [`Layer`]s assembled with builder methods or read from
//! a directory, and written as a `docker save` archive ([`write_docker_archive`]), an OCI
//! image layout ([`write_oci_layout`]) or a merged root directory ([`write_rootfs`]). Nothing
//! is taken from the host: tar members have mtime 1700000000, uid and gid 0, empty owner
//! names and normalised modes; JSON documents have a fixed field order; gzip and zstd run
//! with fixed settings. The same input therefore gives the same bytes and the same digests
//! on every machine.
//!
//! The repository's own fixtures live under `fixtures/images/<name>/` (an `image.toml` plus
//! layer directories, documented in `fixtures/README.md`); [`build_all`] builds all of them
//! into a directory in well under a second, and `cargo xtask fixtures` does the same from the
//! command line.
//!
//! ```no_run
//! let out = tempfile::tempdir()?;
//! let built = purser_fixtures::build_all(out.path())?;
//! let debian_oci = out.path().join(purser_fixtures::outputs::DEBIAN_OCI);
//! assert!(built.iter().any(|image| image.path == debian_oci));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Formats follow the OCI image spec v1.1 (`image-layout.md`, `image-index.md`,
//! `manifest.md`, `config.md`, `layer.md`) and the two layouts of `docker save`, the legacy
//! one of Docker up to 24 and the OCI-blobs one of Docker 25 and later.

#![deny(missing_docs)]

mod atomic;
mod built;
mod bundle;
mod catalog;
mod compression;
mod digest;
mod directory;
mod docker_archive;
mod entry;
mod error;
mod image_spec;
mod image_toml;
mod layer;
mod oci_layout;
mod prepared;
mod rootfs;
mod spec_json;
mod tar_writer;

pub use built::{BuiltImage, BuiltManifest, OutputFormat};
pub use catalog::{build_all, build_all_from, fixtures_dir, outputs};
pub use compression::Compression;
pub use digest::sha256_digest;
pub use docker_archive::{write_docker_archive, DockerArchiveOptions, DockerLayout};
pub use entry::{Entry, EntryKind, OPAQUE_MARKER, WHITEOUT_PREFIX};
pub use error::{FixtureError, Result};
pub use image_spec::{HistoryEntry, ImageSpec, Platform, FIXED_CREATED};
pub use image_toml::{load_image, IMAGE_DESCRIPTION_FILE};
pub use layer::Layer;
pub use oci_layout::{write_oci_layout, OciLayoutOptions};
pub use rootfs::write_rootfs;
pub use spec_json::{
    CONTAINERD_NAME_ANNOTATION, OCI_CONFIG_MEDIA_TYPE, OCI_INDEX_MEDIA_TYPE,
    OCI_MANIFEST_MEDIA_TYPE, REF_NAME_ANNOTATION,
};
pub use tar_writer::FIXED_MTIME;
