//! Errors of this crate.
//!
//! Every message is complete on one line, lowercase, without a trailing period, and names the
//! file, layer, digest or entry concerned. Causes are written into the message itself instead of
//! being exposed through `source()`, so an error chain printed with `{:#}` never repeats text.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::digest::Digest;
use crate::platform::Platform;

/// What was expected at an image path, for "cannot open" messages.
pub(crate) const EXPECTED_INPUT: &str =
    "a docker save archive, an OCI image layout (directory or tar) or a root filesystem directory";

/// Names a layer in messages: `layer 2 (sha256:ab12cd34ef56…)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerName {
    /// Position of the layer in the image, base layer 0.
    pub index: usize,
    /// The blob digest, else the diff ID, when known.
    pub digest: Option<Digest>,
}

impl fmt::Display for LayerName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.digest {
            Some(digest) => write!(formatter, "layer {} ({})", self.index, digest.short()),
            None => write!(formatter, "layer {}", self.index),
        }
    }
}

/// An error opening an image, reading its metadata or blobs, or walking a layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The path does not hold an image in a supported form.
    #[error("cannot open {}: {reason}", path.display())]
    Unrecognised {
        /// The path given.
        path: PathBuf,
        /// What was wrong, including what was expected.
        reason: String,
    },

    /// A file of the image could not be read.
    #[error("failed to read {}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        cause: io::Error,
    },

    /// A metadata document (index, manifest, config, `manifest.json`) is malformed.
    #[error("invalid {what}: {reason}")]
    InvalidMetadata {
        /// The document, e.g. `manifest sha256:… in /x.tar`.
        what: String,
        /// What was wrong.
        reason: String,
    },

    /// A metadata document or requested blob is larger than `max_metadata_bytes`.
    #[error("{what} is {size} bytes, over the max_metadata_bytes limit of {limit}")]
    MetadataTooLarge {
        /// The document or blob.
        what: String,
        /// Its size.
        size: u64,
        /// The limit in force.
        limit: u64,
    },

    /// Metadata points to a blob or file the image does not contain.
    #[error("{}: {what} is missing: no {location} in the image", image.display())]
    MissingBlob {
        /// The image path.
        image: PathBuf,
        /// What was looked for, e.g. `layer 1 (sha256:…)`.
        what: String,
        /// Where it was looked for, e.g. `blobs/sha256/ab…`.
        location: String,
    },

    /// A blob's content does not hash to its digest.
    #[error("{what}: digest mismatch: expected {expected}, content hashes to {actual}")]
    DigestMismatch {
        /// The blob, e.g. `layer 2 (sha256:ab12…)` or `config sha256:…`.
        what: String,
        /// The digest metadata gave.
        expected: Digest,
        /// The digest of the content.
        actual: Digest,
    },

    /// A blob's size differs from its descriptor's.
    #[error("{what}: size mismatch: descriptor says {expected} bytes, blob has {actual}")]
    SizeMismatch {
        /// The blob.
        what: String,
        /// The descriptor's size.
        expected: u64,
        /// The blob's size.
        actual: u64,
    },

    /// A decompressed layer does not hash to its diff ID.
    #[error("{layer}: diff ID mismatch: config says {expected}, content hashes to {actual}")]
    DiffIdMismatch {
        /// The layer.
        layer: LayerName,
        /// The diff ID in the config.
        expected: Digest,
        /// The digest of the decompressed stream.
        actual: Digest,
    },

    /// A layer is truncated or corrupt (compression or tar structure).
    #[error("failed to read {layer} at offset {offset}: {cause}")]
    LayerRead {
        /// The layer.
        layer: LayerName,
        /// Offset reached in the decompressed stream.
        offset: u64,
        /// What went wrong.
        cause: io::Error,
    },

    /// A layer exceeds one of the [`Limits`](crate::Limits).
    #[error("{layer} exceeds the {limit} limit of {value}")]
    LayerLimit {
        /// The layer.
        layer: LayerName,
        /// The name of the limit, e.g. `max_layer_uncompressed_bytes`.
        limit: &'static str,
        /// The limit's value.
        value: u64,
    },

    /// No image in a multi-platform index matches the requested platform.
    #[error("no image for platform {wanted} in {}; available: {available}", path.display())]
    NoPlatformMatch {
        /// The image path.
        path: PathBuf,
        /// The platform asked for (the host's by default).
        wanted: Platform,
        /// The platforms present, comma separated.
        available: String,
    },

    /// A layer index past the end.
    #[error("layer index {index} is out of range: the image has {count} layers")]
    LayerIndex {
        /// The index asked for.
        index: usize,
        /// How many layers there are.
        count: usize,
    },

    /// The visitor given to [`Image::walk_layer`](crate::Image::walk_layer) failed.
    #[error("{layer}: {cause}")]
    Visitor {
        /// The layer.
        layer: LayerName,
        /// The visitor's error.
        cause: WalkError,
    },

    /// [`Image::decompressed_layer`](crate::Image::decompressed_layer) on a root filesystem.
    #[error("{layer} of {} is a directory tree and has no byte stream", path.display())]
    NoLayerStream {
        /// The layer.
        layer: LayerName,
        /// The root filesystem directory.
        path: PathBuf,
    },

    /// A digest string is malformed.
    #[error("invalid digest {input:?}: {reason}")]
    InvalidDigest {
        /// The text (shortened).
        input: String,
        /// What was wrong.
        reason: String,
    },

    /// A platform string is malformed.
    #[error("invalid platform {input:?}: expected os/arch[/variant], e.g. linux/arm64/v8")]
    InvalidPlatform {
        /// The text (shortened).
        input: String,
    },

    /// The image uses a feature this crate does not read.
    #[error("{what} is not supported: {reason}")]
    Unsupported {
        /// The feature's subject, e.g. `manifest sha256:…`.
        what: String,
        /// Why.
        reason: String,
    },

    /// A whole-archive compressed input could not be decompressed to its temporary file.
    #[error("failed to decompress {} into a temporary file: {cause}", path.display())]
    Decompress {
        /// The compressed archive.
        path: PathBuf,
        /// What went wrong.
        cause: io::Error,
    },
}

/// An error while visiting one entry of a layer; see
/// [`Image::walk_layer`](crate::Image::walk_layer).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalkError {
    /// Reading an entry's contents failed (a truncated or corrupt layer, or an I/O error on a
    /// root filesystem file).
    #[error("failed to read the contents of {path}: {cause}")]
    Read {
        /// The entry's path.
        path: String,
        /// What went wrong.
        cause: io::Error,
    },

    /// The contents of a streamed entry were read before; a stream can be read only once.
    #[error("the contents of {path} were already read")]
    AlreadyRead {
        /// The entry's path.
        path: String,
    },

    /// The entry is a GNU sparse file, whose contents this crate does not reassemble.
    #[error("the contents of sparse file {path} cannot be read")]
    SparseContents {
        /// The entry's path.
        path: String,
    },

    /// The visitor's own error.
    #[error("{0}")]
    Visitor(Box<dyn std::error::Error + Send + Sync>),
}

impl WalkError {
    /// Wraps a visitor's own error.
    pub fn visitor(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> WalkError {
        WalkError::Visitor(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_use_the_short_digest() {
        let digest = Digest::sha256(b"layer");
        let name = LayerName {
            index: 2,
            digest: Some(digest.clone()),
        };
        assert_eq!(name.to_string(), format!("layer 2 ({})", digest.short()));
        assert_eq!(
            LayerName {
                index: 0,
                digest: None
            }
            .to_string(),
            "layer 0"
        );
    }

    #[test]
    fn layer_read_message_has_the_documented_shape() {
        let error = ImageError::LayerRead {
            layer: LayerName {
                index: 1,
                digest: None,
            },
            offset: 1_234_567,
            cause: io::Error::from(io::ErrorKind::UnexpectedEof),
        };
        assert_eq!(
            error.to_string(),
            "failed to read layer 1 at offset 1234567: unexpected end of file"
        );
    }

    #[test]
    fn visitor_errors_wrap_strings() {
        let error = WalkError::visitor("plugin failed");
        assert_eq!(error.to_string(), "plugin failed");
    }
}
