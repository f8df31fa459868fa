//! Indexing an outer tar archive (`docker save` output, a tar of an OCI layout) once: file
//! name → where its bytes lie in the memory map. Nothing is extracted.

use std::collections::HashMap;
use std::path::Path;

use crate::entry_path::{normalise, normalise_str, parent};
use crate::error::ImageError;
use crate::tar_reader::{Name, RawKind, SliceInput, TarReader};

/// Most link hops followed inside an archive (docker save links duplicate layers once).
const MAX_LINK_HOPS: usize = 8;

/// Where a file's bytes lie in the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// Offset of the first byte.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
}

/// Indexes the regular files of the tar in `data` by normalised name; symbolic and hard links
/// to files in the archive resolve to their targets' spans. Later entries of the same name
/// replace earlier ones, as extraction would. More than `max_entries` entries (the
/// per-layer entry limit) is refused, so a hostile archive of empty entries cannot grow the
/// index without bound.
pub(crate) fn index_archive(
    data: &[u8],
    path: &Path,
    max_name_bytes: usize,
    max_entries: u64,
) -> Result<HashMap<String, Span>, ImageError> {
    let mut reader = TarReader::new(SliceInput::new(data), max_name_bytes);
    let mut files = HashMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let read_error = |offset: u64, cause: std::io::Error| ImageError::Unrecognised {
        path: path.to_path_buf(),
        reason: format!("corrupt tar archive at offset {offset}: {cause}"),
    };

    let mut count = 0u64;
    // Each entry consumes at least one block of `data`, so the loop is bounded by its size.
    while let Some(entry) = reader
        .next_entry()
        .map_err(|error| read_error(error.offset, error.cause))?
    {
        count += 1;
        if count > max_entries {
            return Err(ImageError::Unrecognised {
                path: path.to_path_buf(),
                reason: format!(
                    "a tar archive of more than {max_entries} entries, over the max_entries_per_layer limit"
                ),
            });
        }
        let Name::Bytes(raw_name) = &entry.path else {
            tracing::debug!(archive = %path.display(), "skipping an archive entry with an overlong name");
            continue;
        };
        let name = normalise(raw_name).path;
        if name.is_empty() {
            continue;
        }
        match entry.kind {
            RawKind::Regular => {
                let end = entry.data_offset.saturating_add(entry.size);
                if end > data.len() as u64 {
                    let cause = std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("archive ends inside {name}"),
                    );
                    return Err(read_error(data.len() as u64, cause));
                }
                let span = Span {
                    offset: entry.data_offset,
                    length: entry.size,
                };
                files.insert(name, span);
            }
            RawKind::Symlink | RawKind::Hardlink => {
                if let Name::Bytes(target) = &entry.link {
                    let target = String::from_utf8_lossy(target);
                    let resolved = if entry.kind == RawKind::Symlink && !target.starts_with('/') {
                        normalise_str(&format!("{}/{target}", parent(&name))).path
                    } else {
                        normalise_str(&target).path
                    };
                    links.push((name, resolved));
                }
            }
            _ => {}
        }
    }

    resolve_links(&mut files, &links);
    Ok(files)
}

/// Gives each link the span of the file it leads to, following chains of links.
fn resolve_links(files: &mut HashMap<String, Span>, links: &[(String, String)]) {
    let link_targets: HashMap<&str, &str> = links
        .iter()
        .map(|(name, target)| (name.as_str(), target.as_str()))
        .collect();

    for (name, first_target) in links {
        let mut target = first_target.as_str();
        for _ in 0..MAX_LINK_HOPS {
            if let Some(span) = files.get(target).copied() {
                files.insert(name.clone(), span);
                break;
            }
            match link_targets.get(target) {
                Some(next) => target = next,
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_tar_writer::TarWriter;

    #[test]
    fn indexes_files_and_resolves_links() {
        let mut writer = TarWriter::new();
        writer.dir("./abc/", 0o755);
        writer.file("./abc/layer.tar", 0o644, b"layer bytes");
        writer.symlink("def/layer.tar", "../abc/layer.tar");
        writer.hardlink("ghi/layer.tar", "abc/layer.tar");
        writer.symlink("chain/layer.tar", "/def/layer.tar");
        writer.symlink("loop/a", "b");
        writer.symlink("loop/b", "a");
        writer.file("manifest.json", 0o644, b"[]");
        let data = writer.finish();

        let index = index_archive(&data, Path::new("x.tar"), 4096, 100).expect("index");
        let span = index["abc/layer.tar"];
        let bytes = &data[span.offset as usize..(span.offset + span.length) as usize];
        assert_eq!(bytes, b"layer bytes");
        assert_eq!(index["def/layer.tar"], span);
        assert_eq!(index["ghi/layer.tar"], span);
        assert_eq!(index["chain/layer.tar"], span);
        assert!(!index.contains_key("loop/a"));
        assert!(index.contains_key("manifest.json"));
        assert!(!index.contains_key("abc"));
    }

    #[test]
    fn too_many_entries_are_refused() {
        let mut writer = TarWriter::new();
        for index in 0..20 {
            writer.file(&format!("f{index}"), 0o644, b"");
        }
        let data = writer.finish();
        let error = index_archive(&data, Path::new("x.tar"), 4096, 10).expect_err("too many");
        assert!(
            error.to_string().contains("more than 10 entries"),
            "{error}"
        );
    }

    #[test]
    fn a_truncated_archive_names_the_entry() {
        let mut writer = TarWriter::new();
        writer.file("blobs/sha256/abc", 0o644, &[1u8; 4096]);
        let mut data = writer.finish();
        data.truncate(1024);

        let error = index_archive(&data, Path::new("x.tar"), 4096, 100).expect_err("truncated");
        let message = error.to_string();
        assert!(
            message.contains("archive ends inside blobs/sha256/abc"),
            "{message}"
        );
        assert!(
            message.starts_with("cannot open x.tar: corrupt tar archive at offset 1024"),
            "{message}"
        );
    }
}
