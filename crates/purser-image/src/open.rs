//! Detecting what a path holds and opening it.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use serde::Serialize;

use crate::compression::Compression;
use crate::config::ImageConfig;
use crate::descriptor::LayerDescriptor;
use crate::docker_archive::load_docker_archive;
use crate::error::{ImageError, EXPECTED_INPUT};
use crate::image::{Image, ImageParts};
use crate::limits::Limits;
use crate::mapped::MappedFile;
use crate::oci_layout::load_oci_layout;
use crate::platform::Platform;
use crate::store::{ArchiveStore, Store};
use crate::tar_reader::is_tar_header;

/// Top-level directories that make a directory look like a root filesystem.
const ROOTFS_MARKERS: [&str; 3] = ["etc", "usr", "bin"];

/// How the image was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SourceKind {
    /// A `docker save` tar archive; `compressed` when the whole archive was gzip- or
    /// zstd-compressed (`docker save | gzip`).
    DockerArchive {
        /// The whole archive was compressed and was decompressed to a private temporary file.
        compressed: bool,
    },
    /// An extracted `docker save` archive (a directory holding `manifest.json`).
    DockerArchiveDirectory,
    /// An OCI image layout directory.
    OciLayoutDirectory,
    /// A tar of an OCI image layout (possibly compressed as a whole).
    OciLayoutArchive,
    /// A plain root filesystem directory, walked as one layer.
    RootfsDirectory,
}

impl std::fmt::Display for SourceKind {
    /// Short names for reports: `docker-archive`, `docker-archive (compressed)`,
    /// `docker-archive-directory`, `oci-layout`, `oci-archive`, `rootfs`.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            SourceKind::DockerArchive { compressed: false } => "docker-archive",
            SourceKind::DockerArchive { compressed: true } => "docker-archive (compressed)",
            SourceKind::DockerArchiveDirectory => "docker-archive-directory",
            SourceKind::OciLayoutDirectory => "oci-layout",
            SourceKind::OciLayoutArchive => "oci-archive",
            SourceKind::RootfsDirectory => "rootfs",
        })
    }
}

/// Options for [`open_image`].
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Which image of a multi-platform index (or multi-image docker archive) to open; the
    /// host's platform when `None`. With `None`, an index offering a single image yields that
    /// image whatever its platform.
    pub platform: Option<Platform>,
    /// Resource limits.
    pub limits: Limits,
}

/// Detects what `path` holds and opens it: a `docker save` archive (plain or compressed as a
/// whole), an OCI image layout (directory or tar), or a root filesystem directory.
///
/// # Errors
///
/// [`ImageError::Unrecognised`] with a one-line reason saying what was expected when the path
/// is missing, unreadable or holds something else; otherwise the errors of reading and
/// verifying metadata (missing blobs, digest mismatches, malformed JSON, no platform match).
pub fn open_image(path: &Path, options: &OpenOptions) -> Result<Image, ImageError> {
    let metadata = fs::metadata(path).map_err(|error| ImageError::Unrecognised {
        path: path.to_path_buf(),
        reason: format!("{}; expected {EXPECTED_INPUT}", describe_io_error(&error)),
    })?;

    let image = if metadata.is_dir() {
        open_directory(path, options)?
    } else {
        open_file(path, options)?
    };
    tracing::info!(
        path = %path.display(),
        kind = ?image.source_kind(),
        platform = %image.platform(),
        layers = image.layers().len(),
        "opened image"
    );
    Ok(image)
}

fn open_directory(path: &Path, options: &OpenOptions) -> Result<Image, ImageError> {
    let store = Store::Directory(path.to_path_buf());
    let platform = options.platform.as_ref();
    let limits = &options.limits;

    if store.contains("oci-layout") {
        tracing::debug!(path = %path.display(), "directory has oci-layout: an OCI image layout");
        let parts = load_oci_layout(&store, path, platform, limits)?;
        return Ok(image(
            path,
            SourceKind::OciLayoutDirectory,
            store,
            parts,
            limits,
        ));
    }
    if store.contains("manifest.json") {
        tracing::debug!(path = %path.display(), "directory has manifest.json: an extracted docker archive");
        let parts = load_docker_archive(&store, path, platform, limits)?;
        return Ok(image(
            path,
            SourceKind::DockerArchiveDirectory,
            store,
            parts,
            limits,
        ));
    }
    if ROOTFS_MARKERS
        .iter()
        .any(|marker| path.join(marker).is_dir())
    {
        tracing::debug!(path = %path.display(), "directory has etc/, usr/ or bin/: a root filesystem");
        return Ok(image(
            path,
            SourceKind::RootfsDirectory,
            store,
            rootfs_parts(),
            limits,
        ));
    }
    Err(ImageError::Unrecognised {
        path: path.to_path_buf(),
        reason: format!("not {EXPECTED_INPUT}"),
    })
}

fn open_file(path: &Path, options: &OpenOptions) -> Result<Image, ImageError> {
    let io_error = |cause| ImageError::Io {
        path: path.to_path_buf(),
        cause,
    };
    let file = File::open(path).map_err(|error| ImageError::Unrecognised {
        path: path.to_path_buf(),
        reason: format!("{}; expected {EXPECTED_INPUT}", describe_io_error(&error)),
    })?;
    let map = MappedFile::map(&file).map_err(io_error)?;

    let compression = Compression::from_magic(map.bytes());
    let (map, temporary) = match compression {
        Compression::None => (map, None),
        Compression::Gzip | Compression::Zstd => {
            let (map, temporary) =
                decompress_to_temporary(&map, compression, path, &options.limits)?;
            (map, Some(temporary))
        }
    };
    let compressed = temporary.is_some();

    if !is_tar_header(map.bytes()) {
        return Err(ImageError::Unrecognised {
            path: path.to_path_buf(),
            reason: format!("not {EXPECTED_INPUT}"),
        });
    }

    let store = Store::Archive(ArchiveStore::new(map, temporary, path, &options.limits)?);
    let platform = options.platform.as_ref();
    let limits = &options.limits;
    if store.contains("manifest.json") {
        let parts = load_docker_archive(&store, path, platform, limits)?;
        return Ok(image(
            path,
            SourceKind::DockerArchive { compressed },
            store,
            parts,
            limits,
        ));
    }
    if store.contains("oci-layout") {
        let parts = load_oci_layout(&store, path, platform, limits)?;
        return Ok(image(
            path,
            SourceKind::OciLayoutArchive,
            store,
            parts,
            limits,
        ));
    }
    Err(ImageError::Unrecognised {
        path: path.to_path_buf(),
        reason: format!(
            "a tar archive with neither manifest.json nor oci-layout; expected {EXPECTED_INPUT}"
        ),
    })
}

/// Decompresses a whole compressed archive into a private temporary file (unlinked at
/// creation, so it disappears when closed or if the process dies) and maps it.
fn decompress_to_temporary(
    compressed: &MappedFile,
    compression: Compression,
    path: &Path,
    limits: &Limits,
) -> Result<(MappedFile, File), ImageError> {
    let failed = |cause| ImageError::Decompress {
        path: path.to_path_buf(),
        cause,
    };
    let temporary = tempfile::tempfile().map_err(failed)?;
    tracing::debug!(
        path = %path.display(),
        %compression,
        temp_dir = %std::env::temp_dir().display(),
        "the archive is compressed as a whole; decompressing it once into a private temporary file"
    );

    let mut decoder: Box<dyn Read> = match compression {
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(compressed.bytes())),
        _ => {
            Box::new(zstd::stream::read::Decoder::with_buffer(compressed.bytes()).map_err(failed)?)
        }
    };

    // Look at the first block before decompressing everything: a compressed file that is not
    // a tar is refused without filling the disk.
    let mut first_block = Vec::with_capacity(512);
    (&mut decoder)
        .take(512)
        .read_to_end(&mut first_block)
        .map_err(failed)?;
    if !is_tar_header(&first_block) {
        return Err(ImageError::Unrecognised {
            path: path.to_path_buf(),
            reason: format!(
                "a {compression}-compressed file that is not a tar archive; expected {EXPECTED_INPUT}"
            ),
        });
    }

    let limit = limits.max_archive_uncompressed_bytes;
    let mut writer = BufWriter::with_capacity(1024 * 1024, &temporary);
    writer.write_all(&first_block).map_err(failed)?;
    let rest = limit
        .saturating_add(1)
        .saturating_sub(first_block.len() as u64);
    let written = first_block.len() as u64
        + io::copy(&mut decoder.take(rest), &mut writer).map_err(failed)?;
    writer.flush().map_err(failed)?;
    drop(writer);
    if written > limit {
        return Err(failed(io::Error::other(format!(
            "it decompresses to more than the max_archive_uncompressed_bytes limit of {limit}"
        ))));
    }
    tracing::debug!(path = %path.display(), bytes = written, "decompressed the archive");

    let map = MappedFile::map(&temporary).map_err(failed)?;
    Ok((map, temporary))
}

fn image(path: &Path, kind: SourceKind, store: Store, parts: ImageParts, limits: &Limits) -> Image {
    Image::new(path.to_path_buf(), kind, store, parts, limits.clone())
}

/// A root filesystem: one layer, no metadata.
fn rootfs_parts() -> ImageParts {
    ImageParts {
        manifest_digest: None,
        manifest_bytes: None,
        index_bytes: None,
        config_digest: None,
        config_bytes: Vec::new(),
        config: ImageConfig::default(),
        layers: vec![LayerDescriptor {
            index: 0,
            digest: None,
            diff_id: None,
            media_type: String::new(),
            compression: Compression::None,
            compressed_size: 0,
            created_by: None,
            history_comment: None,
        }],
        layer_locations: vec![String::new()],
    }
}

/// Lowercase descriptions for the common cases (the OS's own text is capitalised).
fn describe_io_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}
