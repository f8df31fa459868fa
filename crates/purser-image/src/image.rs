//! An opened image: metadata, layer list, and access to blobs and layer contents.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::blob::BlobBytes;
use crate::config::ImageConfig;
use crate::descriptor::LayerDescriptor;
use crate::digest::Digest;
use crate::entry::LayerEntry;
use crate::error::ImageError;
use crate::error::WalkError;
use crate::layer_stream::LayerStream;
use crate::limits::Limits;
use crate::mapped::MappedFile;
use crate::open::SourceKind;
use crate::platform::Platform;
use crate::rootfs_walk::walk_rootfs;
use crate::store::{blob_location, Store};
use crate::verified::verify_digest;
use crate::verifying_reader::VerifyingReader;
use crate::walk::{walk_tar_layer, LayerSummary};

/// What a source loader found.
pub(crate) struct ImageParts {
    pub manifest_digest: Option<Digest>,
    pub manifest_bytes: Option<Vec<u8>>,
    pub index_bytes: Option<Vec<u8>>,
    pub config_digest: Option<Digest>,
    pub config_bytes: Vec<u8>,
    pub config: ImageConfig,
    pub layers: Vec<LayerDescriptor>,
    pub layer_locations: Vec<String>,
}

/// An opened container image. Cheap to share between threads: every method takes `&self`,
/// and layers can be walked in parallel.
pub struct Image {
    path: PathBuf,
    source_kind: SourceKind,
    store: Store,
    parts: ImageParts,
    limits: Limits,
    /// Memory maps of the layer blobs of a layout directory, made on first walk and kept for the
    /// image's lifetime so that borrowed file contents outlive a single visit. Archive sources
    /// need none: their whole archive is mapped once.
    layer_maps: Vec<OnceLock<MappedFile>>,
}

impl Image {
    pub(crate) fn new(
        path: PathBuf,
        source_kind: SourceKind,
        store: Store,
        parts: ImageParts,
        limits: Limits,
    ) -> Image {
        let layer_maps = parts.layers.iter().map(|_| OnceLock::new()).collect();
        Image {
            path,
            source_kind,
            store,
            parts,
            limits,
            layer_maps,
        }
    }

    /// The path the image was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What kind of input the path held.
    pub fn source_kind(&self) -> SourceKind {
        self.source_kind
    }

    /// The platform, from the config's `os`, `architecture` and `variant` (empty strings for
    /// root filesystems, whose platform is unknown).
    pub fn platform(&self) -> Platform {
        self.parts.config.platform()
    }

    /// Digest of the manifest bytes; `None` for root filesystems and docker archives without
    /// an OCI manifest.
    pub fn manifest_digest(&self) -> Option<&Digest> {
        self.parts.manifest_digest.as_ref()
    }

    /// The parsed config (default for root filesystems).
    pub fn config(&self) -> &ImageConfig {
        &self.parts.config
    }

    /// The raw config JSON (empty for root filesystems).
    pub fn config_bytes(&self) -> &[u8] {
        &self.parts.config_bytes
    }

    /// The raw OCI manifest JSON, or for docker archives without one the chosen
    /// `manifest.json` entry (re-serialised, keys sorted); `None` for root filesystems.
    pub fn manifest_bytes(&self) -> Option<&[u8]> {
        self.parts.manifest_bytes.as_deref()
    }

    /// The raw `index.json` when the image has one.
    pub fn index_bytes(&self) -> Option<&[u8]> {
        self.parts.index_bytes.as_deref()
    }

    /// The layers, base first.
    pub fn layers(&self) -> &[LayerDescriptor] {
        &self.parts.layers
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Raw blob bytes by digest, verified, for attached artifacts such as attestations;
    /// `None` when the image holds no such blob (always for root filesystems).
    ///
    /// Blobs in archives are borrowed from the memory map; blobs of layout directories are
    /// read into memory. Either way blobs over `max_metadata_bytes` are refused: layers are
    /// read with [`walk_layer`](Self::walk_layer) or
    /// [`decompressed_layer`](Self::decompressed_layer) instead.
    ///
    /// # Errors
    ///
    /// [`ImageError::MetadataTooLarge`] over the limit, [`ImageError::DigestMismatch`] when
    /// the bytes do not hash to `digest`, [`ImageError::Io`] when a file cannot be read.
    pub fn blob(&self, digest: &Digest) -> Result<Option<Cow<'_, [u8]>>, ImageError> {
        if self.source_kind == SourceKind::RootfsDirectory {
            return Ok(None);
        }
        if self.parts.config_digest.as_ref() == Some(digest) {
            return Ok(Some(Cow::Borrowed(&self.parts.config_bytes)));
        }
        if self.parts.manifest_digest.as_ref() == Some(digest) {
            if let Some(bytes) = &self.parts.manifest_bytes {
                return Ok(Some(Cow::Borrowed(bytes)));
            }
        }

        let location = self
            .parts
            .layers
            .iter()
            .position(|layer| layer.digest.as_ref() == Some(digest))
            .map_or_else(
                || blob_location(digest),
                |index| self.parts.layer_locations[index].clone(),
            );
        let what = format!("blob {digest}");
        let Some(size) = self.store.size(&location) else {
            return Ok(None);
        };
        if size > self.limits.max_metadata_bytes {
            return Err(ImageError::MetadataTooLarge {
                what,
                size,
                limit: self.limits.max_metadata_bytes,
            });
        }

        let bytes = match &self.store {
            Store::Archive(_) => match self.store.open_blob(&location)? {
                Some(crate::blob::BlobBytes::Borrowed(bytes)) => Cow::Borrowed(bytes),
                Some(other) => Cow::Owned(other.as_slice().to_vec()),
                None => return Ok(None),
            },
            Store::Directory(_) => {
                match self
                    .store
                    .read_limited(&location, self.limits.max_metadata_bytes, &what)?
                {
                    Some(bytes) => Cow::Owned(bytes),
                    None => return Ok(None),
                }
            }
        };
        verify_digest(&bytes, digest, &what)?;
        Ok(Some(bytes))
    }

    /// Walks layer `index`'s entries in archive order, handing each to `visitor` once.
    ///
    /// The visitor may read an entry's contents (bounded) with
    /// [`LayerEntry::read_contents`](crate::LayerEntry::read_contents) or borrow them from the
    /// memory map with [`LayerEntry::mapped_contents`](crate::LayerEntry::mapped_contents)
    /// when the layer is uncompressed. An error from the visitor stops the walk.
    ///
    /// The blob digest and the diff ID (sha256 of the whole decompressed stream, including what
    /// follows the tar end marker) are verified: uncompressed layers before any entry is
    /// visited, compressed layers at the end. When this returns an error the visitor may have
    /// seen some entries; discard what it collected.
    ///
    /// # Errors
    ///
    /// [`ImageError::LayerIndex`] for a bad index; [`ImageError::DigestMismatch`] and
    /// [`ImageError::DiffIdMismatch`]; [`ImageError::LayerRead`] for truncated or corrupt
    /// layers, with the offset reached; [`ImageError::LayerLimit`] when a limit is exceeded;
    /// [`ImageError::Visitor`] when the visitor fails; [`ImageError::MissingBlob`] or
    /// [`ImageError::Io`] when the blob cannot be opened.
    pub fn walk_layer<'image>(
        &'image self,
        index: usize,
        visitor: &mut dyn FnMut(&mut LayerEntry<'image, '_>) -> Result<(), WalkError>,
    ) -> Result<LayerSummary, ImageError> {
        let descriptor = self.layer(index)?;
        if self.source_kind == SourceKind::RootfsDirectory {
            let summary = walk_rootfs(&self.path, &descriptor.name(), &self.limits, visitor)?;
            tracing::debug!(root = %self.path.display(), entries = summary.entries, "walked root filesystem");
            return Ok(summary);
        }

        let bytes = self.layer_blob(index)?;
        walk_tar_layer(descriptor, bytes, &self.limits, visitor)
    }

    /// The bytes of layer `index`'s blob, borrowed for the image's lifetime.
    fn layer_blob(&self, index: usize) -> Result<&[u8], ImageError> {
        if let Some(map) = self.layer_maps[index].get() {
            return Ok(map.bytes());
        }
        let descriptor = self.layer(index)?;
        let location = &self.parts.layer_locations[index];
        let bytes = self
            .store
            .open_blob(location)?
            .ok_or_else(|| ImageError::MissingBlob {
                image: self.path.clone(),
                what: descriptor.name().to_string(),
                location: location.clone(),
            })?;
        match bytes {
            BlobBytes::Borrowed(slice) => Ok(slice),
            BlobBytes::Mapped(map) => {
                // Two threads walking the same layer may both map it; the loser's map is dropped.
                let kept = match self.layer_maps[index].set(map) {
                    Ok(()) | Err(_) => self.layer_maps[index].get(),
                };
                let kept = kept.expect("the slot was filled just above");
                Ok(kept.bytes())
            }
        }
    }

    /// The plain decompressed byte stream of layer `index` (no tar parsing), e.g. as a
    /// benchmark baseline. The stream stops with an error past `max_layer_uncompressed_bytes`,
    /// and its final read fails with an `io::Error` wrapping an [`ImageError`] when the blob
    /// digest or diff ID does not match.
    ///
    /// # Errors
    ///
    /// [`ImageError::LayerIndex`]; [`ImageError::NoLayerStream`] for root filesystems;
    /// [`ImageError::MissingBlob`], [`ImageError::Io`] or [`ImageError::LayerRead`] when the
    /// blob cannot be opened or its decompressor cannot start.
    pub fn decompressed_layer(
        &self,
        index: usize,
    ) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        let descriptor = self.layer(index)?;
        if self.source_kind == SourceKind::RootfsDirectory {
            return Err(ImageError::NoLayerStream {
                layer: descriptor.name(),
                path: self.path.clone(),
            });
        }

        let bytes = BlobBytes::Borrowed(self.layer_blob(index)?);
        let limit = self.limits.max_layer_uncompressed_bytes;
        let stream = LayerStream::new(bytes, descriptor.compression, limit).map_err(|cause| {
            ImageError::LayerRead {
                layer: descriptor.name(),
                offset: 0,
                cause,
            }
        })?;
        Ok(Box::new(VerifyingReader::new(
            stream,
            descriptor.clone(),
            limit,
        )))
    }

    fn layer(&self, index: usize) -> Result<&LayerDescriptor, ImageError> {
        self.parts.layers.get(index).ok_or(ImageError::LayerIndex {
            index,
            count: self.parts.layers.len(),
        })
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Image")
            .field("path", &self.path)
            .field("source_kind", &self.source_kind)
            .field("manifest_digest", &self.parts.manifest_digest)
            .field("layers", &self.parts.layers.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn images_can_be_shared_between_threads() {
        assert_send_sync::<Image>();
    }
}
