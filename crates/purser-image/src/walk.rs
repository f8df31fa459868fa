//! Walking a layer blob: verify, decompress, read tar entries, hand them to the visitor.
//!
//! Uncompressed blobs are hashed in one pass over the mapped bytes and verified before any
//! entry is visited; the walk then reads only headers (skipping file data is free on a slice)
//! and lends file contents straight from the map. Compressed blobs are hashed while streaming
//! (blob digest under the decompressor, diff ID above it), the tail after the tar end marker is
//! drained into the diff ID, and both are verified at the end: a visitor may then have seen
//! entries of a layer that turns out not to match, and must discard what it collected when
//! the walk fails.

use std::io::BufReader;

use serde::Serialize;

use crate::anomaly::{Anomaly, AnomalyLog};
use crate::blob::BlobBytes;
use crate::classify::{classify, ContentsKind, WrittenFiles};
use crate::compression::Compression;
use crate::descriptor::LayerDescriptor;
use crate::digest::Digest;
use crate::entry::{ContentSource, Contents, LayerEntry};
use crate::error::{ImageError, LayerName, WalkError};
use crate::layer_stream::LayerStream;
use crate::limits::Limits;
use crate::tar_reader::{SliceInput, StreamInput, TarError, TarInput, TarReader};

/// Buffer between a layer's decompressor and the tar reader.
const STREAM_BUFFER_SIZE: usize = 64 * 1024;

/// What walking one layer found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LayerSummary {
    /// Entries handed to the visitor.
    pub entries: u64,
    /// Of those, regular files.
    pub regular_files: u64,
    /// Bytes of the decompressed layer stream (for root filesystems: the regular files' total).
    pub uncompressed_size: u64,
    /// Unusual entries, at most 1000 per layer.
    pub anomalies: Vec<Anomaly>,
    /// Anomalies past the first 1000, counted only.
    pub anomalies_omitted: u64,
}

/// The visitor type of [`Image::walk_layer`](crate::Image::walk_layer).
///
/// `'data` is the lifetime of contents borrowed from a memory map (see
/// [`LayerEntry::mapped_contents`]).
pub type Visitor<'v, 'data> = dyn FnMut(&mut LayerEntry<'data, '_>) -> Result<(), WalkError> + 'v;

/// Why the entry loop stopped early.
enum Stop {
    Tar(TarError),
    TooManyEntries(u64),
    Visitor(WalkError),
}

/// Counters and anomalies of a walk in progress.
#[derive(Default)]
pub(crate) struct WalkState {
    pub entries: u64,
    pub regular_files: u64,
    pub anomalies: AnomalyLog,
    written: WrittenFiles,
    raw_entries: u64,
}

impl WalkState {
    pub(crate) fn into_summary(self, uncompressed_size: u64) -> LayerSummary {
        let (anomalies, anomalies_omitted) = self.anomalies.into_parts();
        LayerSummary {
            entries: self.entries,
            regular_files: self.regular_files,
            uncompressed_size,
            anomalies,
            anomalies_omitted,
        }
    }
}

impl<I: TarInput> ContentSource for TarReader<I> {
    fn read_contents(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.read_data(buf).map_err(|error| error.cause)
    }
}

/// Walks the tar layer in `bytes`, verifying it against `descriptor`.
pub(crate) fn walk_tar_layer<'data>(
    descriptor: &LayerDescriptor,
    bytes: &'data [u8],
    limits: &Limits,
    visitor: &mut Visitor<'_, 'data>,
) -> Result<LayerSummary, ImageError> {
    let name = descriptor.name();
    tracing::debug!(layer = %name, compression = %descriptor.compression, "walking layer");
    match descriptor.compression {
        Compression::None => walk_uncompressed(descriptor, &name, bytes, limits, visitor),
        Compression::Gzip | Compression::Zstd => walk_compressed(
            descriptor,
            &name,
            BlobBytes::Borrowed(bytes),
            limits,
            visitor,
        ),
    }
}

fn walk_uncompressed<'data>(
    descriptor: &LayerDescriptor,
    name: &LayerName,
    data: &'data [u8],
    limits: &Limits,
    visitor: &mut Visitor<'_, 'data>,
) -> Result<LayerSummary, ImageError> {
    if data.len() as u64 > limits.max_layer_uncompressed_bytes {
        return Err(ImageError::LayerLimit {
            layer: name.clone(),
            limit: "max_layer_uncompressed_bytes",
            value: limits.max_layer_uncompressed_bytes,
        });
    }

    // One pass over the mapped bytes gives both digests: for a plain tar they are the same.
    // When the image states the same value for both (always for legacy docker archives), a
    // mismatch is reported as the diff ID's.
    let actual = Digest::sha256(data);
    if descriptor.digest != descriptor.diff_id {
        verify_blob(descriptor, name, &actual)?;
    }
    verify_diff_id(descriptor, name, &actual)?;

    let mut reader = TarReader::new(SliceInput::new(data), limits.max_path_bytes);
    let mut state = WalkState::default();
    walk_entries(&mut reader, Some(data), limits, &mut state, visitor)
        .map_err(|stop| stop_error(stop, name, limits, false))?;
    Ok(state.into_summary(data.len() as u64))
}

fn walk_compressed<'data>(
    descriptor: &LayerDescriptor,
    name: &LayerName,
    bytes: BlobBytes<'data>,
    limits: &Limits,
    visitor: &mut Visitor<'_, 'data>,
) -> Result<LayerSummary, ImageError> {
    let stream = LayerStream::new(
        bytes,
        descriptor.compression,
        limits.max_layer_uncompressed_bytes,
    )
    .map_err(|cause| ImageError::LayerRead {
        layer: name.clone(),
        offset: 0,
        cause,
    })?;
    // Tar headers are read 512 bytes at a time; a buffer keeps the decompressor working in
    // large chunks (measured: gzip walks went from 70% to about 95% of the plain
    // decompression speed). Bytes are hashed and counted when they leave the decompressor,
    // so buffered bytes are already part of the diff ID.
    let buffered = BufReader::with_capacity(STREAM_BUFFER_SIZE, stream);
    let mut reader = TarReader::new(StreamInput::new(buffered), limits.max_path_bytes);
    let mut state = WalkState::default();

    let walked = walk_entries(&mut reader, None, limits, &mut state, visitor);
    if let Err(stop) = walked {
        let limit_hit = reader.stream_mut().get_ref().limit_exceeded();
        return Err(stop_error(stop, name, limits, limit_hit));
    }

    let mut stream = reader.into_input().into_inner().into_inner();
    if let Err(cause) = stream.drain() {
        return Err(stream_error(name, limits, &stream, cause));
    }
    let uncompressed_size = stream.offset();
    let digests = stream.finish();
    verify_blob(descriptor, name, &digests.blob)?;
    verify_diff_id(descriptor, name, &digests.diff)?;
    Ok(state.into_summary(uncompressed_size))
}

/// Reads entries until the end marker, handing each kept entry to the visitor.
fn walk_entries<'data, I: TarInput>(
    reader: &mut TarReader<I>,
    mapped: Option<&'data [u8]>,
    limits: &Limits,
    state: &mut WalkState,
    visitor: &mut Visitor<'_, 'data>,
) -> Result<(), Stop> {
    while let Some(raw) = reader.next_entry().map_err(Stop::Tar)? {
        state.raw_entries += 1;
        if state.raw_entries > limits.max_entries_per_layer {
            return Err(Stop::TooManyEntries(limits.max_entries_per_layer));
        }
        let Some(classified) = classify(&raw, &mut state.anomalies, &mut state.written) else {
            continue;
        };
        tracing::trace!(path = %classified.path, kind = ?classified.kind, "layer entry");

        state.entries += 1;
        if classified.kind == crate::entry::EntryKind::Regular {
            state.regular_files += 1;
        }
        let mapped_contents = mapped.and_then(|data| {
            let start = usize::try_from(raw.data_offset).ok()?;
            let end = start.checked_add(usize::try_from(raw.size).ok()?)?;
            data.get(start..end)
        });
        let contents = match (classified.contents, mapped_contents) {
            (ContentsKind::Data, Some(slice)) => Contents::Mapped(slice),
            (ContentsKind::Data, None) => Contents::Stream {
                source: &mut *reader,
                consumed: false,
            },
            (ContentsKind::Empty, _) => Contents::Empty,
            (ContentsKind::Sparse, _) => Contents::Sparse,
        };
        let mut entry = LayerEntry {
            path: classified.path,
            kind: classified.kind,
            mode: raw.mode,
            size: classified.size,
            uid: raw.uid,
            gid: raw.gid,
            contents,
        };

        let visited = visitor(&mut entry);
        drop(entry);
        // A read through the entry that hit a corrupt stream fails the layer, whatever the
        // visitor made of the error.
        if let Some(failure) = reader.failure() {
            return Err(Stop::Tar(failure));
        }
        visited.map_err(Stop::Visitor)?;
    }
    Ok(())
}

fn stop_error(stop: Stop, name: &LayerName, limits: &Limits, limit_hit: bool) -> ImageError {
    match stop {
        Stop::Tar(_) if limit_hit => uncompressed_limit(name, limits),
        Stop::Tar(error) => ImageError::LayerRead {
            layer: name.clone(),
            offset: error.offset,
            cause: error.cause,
        },
        Stop::TooManyEntries(value) => ImageError::LayerLimit {
            layer: name.clone(),
            limit: "max_entries_per_layer",
            value,
        },
        Stop::Visitor(cause) => ImageError::Visitor {
            layer: name.clone(),
            cause,
        },
    }
}

fn stream_error(
    name: &LayerName,
    limits: &Limits,
    stream: &LayerStream<'_>,
    cause: std::io::Error,
) -> ImageError {
    if stream.limit_exceeded() {
        return uncompressed_limit(name, limits);
    }
    ImageError::LayerRead {
        layer: name.clone(),
        offset: stream.offset(),
        cause,
    }
}

fn uncompressed_limit(name: &LayerName, limits: &Limits) -> ImageError {
    ImageError::LayerLimit {
        layer: name.clone(),
        limit: "max_layer_uncompressed_bytes",
        value: limits.max_layer_uncompressed_bytes,
    }
}

/// Checks the blob digest, when the image states one.
pub(crate) fn verify_blob(
    descriptor: &LayerDescriptor,
    name: &LayerName,
    actual: &Digest,
) -> Result<(), ImageError> {
    match &descriptor.digest {
        Some(expected) if expected != actual => Err(ImageError::DigestMismatch {
            what: name.to_string(),
            expected: expected.clone(),
            actual: actual.clone(),
        }),
        _ => Ok(()),
    }
}

/// Checks the diff ID, when the config states one.
pub(crate) fn verify_diff_id(
    descriptor: &LayerDescriptor,
    name: &LayerName,
    actual: &Digest,
) -> Result<(), ImageError> {
    match &descriptor.diff_id {
        Some(expected) if expected != actual => Err(ImageError::DiffIdMismatch {
            layer: name.clone(),
            expected: expected.clone(),
            actual: actual.clone(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
