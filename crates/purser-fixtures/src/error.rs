//! The one error type of this crate.

use std::io;
use std::path::PathBuf;

/// Shorthand for results whose error is a [`FixtureError`].
pub type Result<T, E = FixtureError> = std::result::Result<T, E>;

/// Everything that can go wrong while reading a fixture tree or writing an image.
///
/// Messages are lowercase and name the file, image or entry concerned; the underlying I/O or
/// parse error is not repeated in the message but returned by [`std::error::Error::source`],
/// so a chain printer (`anyhow`'s `{:#}`) shows each cause once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// A file or directory of a fixture tree could not be read.
    #[error("failed to read {path}")]
    Read {
        /// The file or directory that could not be read.
        path: PathBuf,
        /// What the operating system reported.
        source: io::Error,
    },

    /// An output file or directory could not be written.
    #[error("failed to write {path}")]
    Write {
        /// The file or directory that could not be written.
        path: PathBuf,
        /// What the operating system reported.
        source: io::Error,
    },

    /// A fixture tree holds something a layer cannot carry (a socket, a FIFO, a device).
    #[error("unsupported file type at {path}: only files, directories and symlinks become layer entries")]
    UnsupportedFileType {
        /// The offending path.
        path: PathBuf,
    },

    /// An `image.toml` could not be parsed.
    #[error("failed to parse image description {path}")]
    Toml {
        /// The `image.toml` file.
        path: PathBuf,
        /// The parser's diagnosis, with line and column.
        source: Box<toml::de::Error>,
    },

    /// An `image.toml` parsed but describes something impossible.
    #[error("invalid image description {path}: {message}")]
    InvalidDescription {
        /// The `image.toml` file.
        path: PathBuf,
        /// What is wrong, naming the layer or entry.
        message: String,
    },

    /// The history of an image does not line up with its layers.
    #[error(
        "image {reference} has {layers} layers but {history} history entries without empty_layer"
    )]
    HistoryMismatch {
        /// The image's reference, e.g. `purser-fixtures/debian:12`.
        reference: String,
        /// How many layers the image has.
        layers: usize,
        /// How many history entries claim a layer.
        history: usize,
    },

    /// An image reference has no tag after its last `:`.
    #[error("image reference {reference} has no tag: expected NAME:TAG")]
    MissingTag {
        /// The reference as given.
        reference: String,
    },

    /// [`crate::write_oci_layout`] was given no image.
    #[error("cannot write OCI layout {path}: no image given")]
    NoImages {
        /// The requested output path.
        path: PathBuf,
    },

    /// A layer entry cannot be placed in a root filesystem directory.
    #[error("cannot place layer entry {entry} of image {reference} in a root directory: {reason}")]
    UnsafeRootfsEntry {
        /// The image's reference.
        reference: String,
        /// The entry's path, lossily decoded.
        entry: String,
        /// Why it was refused.
        reason: &'static str,
    },
}

impl FixtureError {
    /// Wraps an I/O error met while reading `path`.
    pub(crate) fn read(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| Self::Read { path, source }
    }

    /// Wraps an I/O error met while writing `path`.
    pub(crate) fn write(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| Self::Write { path, source }
    }
}
