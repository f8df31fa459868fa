//! Opens container images and walks their layers safely.
//!
//! An image is given as a path: a `docker save` archive (plain, or compressed as a whole with
//! gzip or zstd), an OCI image layout (a directory or a tar of one), an extracted docker
//! archive, or a plain root filesystem directory. [`open_image`] detects which, reads and
//! verifies the metadata, picks the image for the wanted platform from multi-platform
//! indexes, and returns an [`Image`] whose layers can be walked in parallel.
//!
//! Speed: archives are memory-mapped and indexed once; layers and blobs are slices of the map,
//! never extracted. Uncompressed layers lend file contents straight from the map; compressed
//! layers are decompressed as a stream, and hashed while streaming.
//!
//! Hostile input: every image is untrusted. Every blob digest and diff ID is verified; the tar
//! reader bounds every allocation and follows the runtime's (Go `archive/tar`) parsing rules
//! so it sees what a container would; `..` and absolute paths are clamped to the image root
//! and recorded as [`Anomaly`]s; devices and fifos are never read; [`Limits`] stop
//! decompression bombs and oversized layers with an error naming the layer and the limit.
//!
//! ```no_run
//! use purser_image::{open_image, OpenOptions, WalkError};
//!
//! let image = open_image("image.tar".as_ref(), &OpenOptions::default())?;
//! for layer in image.layers() {
//!     let mut buf = Vec::new();
//!     image.walk_layer(layer.index, &mut |entry| {
//!         if entry.path() == "etc/os-release" {
//!             entry.read_contents(&mut buf, 64 * 1024)?;
//!         }
//!         Ok::<(), WalkError>(())
//!     })?;
//! }
//! # Ok::<(), purser_image::ImageError>(())
//! ```
//!
//! # Limitations
//!
//! What this crate does not do, and what a user then sees:
//! - Sparse files (GNU `S` entries, PAX `GNU.sparse.*`) are visited as regular files with a
//!   `sparse-file` anomaly; reading their contents fails with [`WalkError::SparseContents`].
//!   Container build tools do not write them.
//! - PAX global headers are ignored, and extended attributes (file capabilities, SELinux
//!   labels) are not exposed.
//! - zstd frames that need a window over 128 MiB are refused (a read error naming the layer).
//! - Only `sha256` digests are accepted; Docker manifest schema 1 and artifacts are refused.
//! - A docker archive holding several images is opened at the first image matching the
//!   platform; there is no selection by tag.
//! - [`Image::blob`] serves blobs up to `max_metadata_bytes`; larger ones are an error.
//! - A compressed layer is verified when its stream ends, so a visitor may see entries of a
//!   layer that then fails; callers discard results of failed walks.
//! - A whole-archive compressed input needs free space in the temporary directory for the
//!   decompressed archive.
#![deny(missing_docs)]

mod anomaly;
mod archive_index;
mod attachments;
mod blob;
mod classify;
mod compression;
mod config;
mod descriptor;
mod digest;
mod docker_archive;
mod entry;
mod entry_path;
mod error;
mod image;
mod layer_list;
mod layer_stream;
mod limits;
mod mapped;
mod oci_layout;
mod oci_types;
mod open;
pub mod overlay;
mod platform;
mod platform_select;
mod rootfs_walk;
mod store;
mod tar_reader;
mod verified;
mod verifying_reader;
mod walk;

pub use crate::anomaly::{Anomaly, AnomalyKind};
pub use crate::attachments::{
    find_attachments, AttachedArtifact, AttachmentKind, Attachments, BlobRead, KIND_ANNOTATION,
    MANIFEST_ANNOTATION, SUBJECT_ANNOTATION,
};
pub use crate::compression::Compression;
pub use crate::config::{ContainerConfig, HistoryEntry, ImageConfig, RootFs};
pub use crate::descriptor::LayerDescriptor;
pub use crate::digest::Digest;
pub use crate::entry::{EntryKind, LayerEntry};
pub use crate::error::{ImageError, LayerName, WalkError};
pub use crate::image::Image;
pub use crate::limits::Limits;
pub use crate::open::{open_image, OpenOptions, SourceKind};
pub use crate::platform::Platform;
pub use crate::walk::{LayerSummary, Visitor};

/// The raw tar writer shared with the integration tests.
#[cfg(test)]
#[path = "../tests/support/tar_writer.rs"]
mod test_tar_writer;
