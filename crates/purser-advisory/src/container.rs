//! Walks the files of an advisory source: a directory tree, a zip, a tar (plain, gzip or zstd),
//! or one plain file.
//!
//! Hostile input is expected. Symbolic links are never followed (in a directory or an archive,
//! a link is skipped), each file is read through a size cap so a lying header cannot exhaust
//! memory, and a damaged member becomes a problem for that member, not a panic.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{AdvisoryError, RecordProblem};

/// Which files of a container to hand out.
pub(crate) struct EntryFilter<'a> {
    /// Only files at or under this relative path (`/`-separated) are read.
    pub under: Option<&'a str>,
    /// Whether a relative path names a file the reader wants.
    pub accept: fn(&str) -> bool,
    /// Files larger than this are reported as problems instead of read.
    pub max_bytes: u64,
}

impl EntryFilter<'_> {
    fn wants(&self, relative: &str) -> bool {
        let inside = match self.under {
            None => true,
            Some(under) => {
                let under = under.trim_matches('/');
                under.is_empty()
                    || relative == under
                    || relative
                        .strip_prefix(under)
                        .is_some_and(|rest| rest.starts_with('/'))
            }
        };
        inside && (self.accept)(relative)
    }
}

/// One file handed to a reader: its contents, or why they could not be read.
pub(crate) type Entry = (String, Result<Vec<u8>, String>);

/// The container kinds, chosen from the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Directory,
    Zip,
    Tar,
    TarGzip,
    TarZstd,
    PlainFile,
}

fn container_of(path: &Path) -> Container {
    if path.is_dir() {
        return Container::Directory;
    }
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".zip") {
        Container::Zip
    } else if name.ends_with(".tar") {
        Container::Tar
    } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Container::TarGzip
    } else if name.ends_with(".tar.zst") || name.ends_with(".tzst") {
        Container::TarZstd
    } else {
        Container::PlainFile
    }
}

/// Calls `visit` for every wanted file of the source at `path`, in a stable order for
/// directories and in archive order for archives.
///
/// # Errors
///
/// [`AdvisoryError::Open`] when `path` cannot be opened, [`AdvisoryError::Archive`] when an
/// archive's index or stream is damaged; a single unreadable member is an `Err` entry instead.
pub(crate) fn for_each_entry(
    path: &Path,
    filter: &EntryFilter<'_>,
    visit: &mut dyn FnMut(Entry),
) -> Result<(), AdvisoryError> {
    let container = container_of(path);
    tracing::debug!(path = %path.display(), ?container, "reading advisory source");

    match container {
        Container::Directory => walk_directory(path, filter, visit),
        Container::Zip => walk_zip(path, filter, visit),
        Container::Tar => walk_tar(path, open(path)?, filter, visit),
        Container::TarGzip => {
            let stream = flate2::read::MultiGzDecoder::new(BufReader::new(open(path)?));
            walk_tar(path, stream, filter, visit)
        }
        Container::TarZstd => {
            let stream = zstd::Decoder::new(open(path)?).map_err(|error| archive(path, error))?;
            walk_tar(path, stream, filter, visit)
        }
        Container::PlainFile => {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = open(path)?;
            let length = file.metadata().map(|meta| meta.len()).unwrap_or(0);
            visit((name, read_capped(file, length, filter.max_bytes)));
            Ok(())
        }
    }
}

fn open(path: &Path) -> Result<File, AdvisoryError> {
    File::open(path).map_err(|source| AdvisoryError::Open {
        path: path.to_owned(),
        source,
    })
}

fn archive(path: &Path, error: impl std::fmt::Display) -> AdvisoryError {
    AdvisoryError::Archive {
        path: path.to_owned(),
        message: error.to_string(),
    }
}

/// Reads at most `max_bytes`; a declared or actual size above it is an error, so a header
/// that lies about the size cannot make us allocate more.
fn read_capped(reader: impl Read, declared: u64, max_bytes: u64) -> Result<Vec<u8>, String> {
    if declared > max_bytes {
        return Err(format!(
            "file is {declared} bytes, over the {max_bytes}-byte limit"
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| error.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("file is over the {max_bytes}-byte limit"));
    }
    Ok(bytes)
}

fn walk_directory(
    root: &Path,
    filter: &EntryFilter<'_>,
    visit: &mut dyn FnMut(Entry),
) -> Result<(), AdvisoryError> {
    // A depth-first walk in path order: each directory's children are pushed in reverse order,
    // so they come off the stack sorted, and files are read in the order their paths sort.
    let mut pending: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
    push_children(root, &mut pending)?;

    while let Some((path, kind)) = pending.pop() {
        let relative = relative_path(root, &path);

        // `file_type` does not follow links: a link is neither a file nor a directory
        // here, so links (even ones pointing inside the tree) are never read.
        if kind.is_dir() {
            push_children(&path, &mut pending)?;
        } else if kind.is_file() && filter.wants(&relative) {
            tracing::trace!(file = %relative, "reading advisory file");
            let contents = File::open(&path)
                .map_err(|error| error.to_string())
                .and_then(|file| {
                    let length = file.metadata().map(|meta| meta.len()).unwrap_or(0);
                    read_capped(file, length, filter.max_bytes)
                });
            visit((relative, contents));
        } else if kind.is_symlink() {
            tracing::debug!(file = %relative, "skipping symbolic link in advisory source");
        }
    }
    Ok(())
}

/// Pushes the entries of `directory` onto `pending`, last name first.
fn push_children(
    directory: &Path,
    pending: &mut Vec<(PathBuf, std::fs::FileType)>,
) -> Result<(), AdvisoryError> {
    let listing = std::fs::read_dir(directory).map_err(|source| AdvisoryError::Open {
        path: directory.to_owned(),
        source,
    })?;
    let mut children: Vec<_> = listing
        .filter_map(Result::ok)
        .filter_map(|child| Some((child.path(), child.file_type().ok()?)))
        .collect();
    children.sort_by(|left, right| right.0.cmp(&left.0));
    pending.extend(children);
    Ok(())
}

fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn walk_zip(
    path: &Path,
    filter: &EntryFilter<'_>,
    visit: &mut dyn FnMut(Entry),
) -> Result<(), AdvisoryError> {
    let mut zip =
        zip::ZipArchive::new(BufReader::new(open(path)?)).map_err(|error| archive(path, error))?;

    for index in 0..zip.len() {
        let member = match zip.by_index(index) {
            Ok(member) => member,
            Err(error) => {
                visit((format!("#{index}"), Err(error.to_string())));
                continue;
            }
        };
        let name = member.name().trim_start_matches('/').to_owned();
        if !member.is_file() || member.is_symlink() || !filter.wants(&name) {
            continue;
        }
        tracing::trace!(file = %name, "reading advisory zip member");
        let size = member.size();
        visit((name, read_capped(member, size, filter.max_bytes)));
    }
    Ok(())
}

fn walk_tar(
    path: &Path,
    stream: impl Read,
    filter: &EntryFilter<'_>,
    visit: &mut dyn FnMut(Entry),
) -> Result<(), AdvisoryError> {
    let mut tar = tar::Archive::new(stream);
    let entries = tar.entries().map_err(|error| archive(path, error))?;

    for entry in entries {
        // A broken header ends the stream: later members cannot be located.
        let entry = entry.map_err(|error| archive(path, error))?;
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            continue;
        }
        let name = match entry.path() {
            Ok(name) => relative_path(Path::new(""), &name),
            Err(error) => {
                visit(("<unnamed tar member>".to_owned(), Err(error.to_string())));
                continue;
            }
        };
        let name = name.trim_start_matches("./").to_owned();
        if !filter.wants(&name) {
            continue;
        }
        tracing::trace!(file = %name, "reading advisory tar member");
        let size = entry.size();
        visit((name, read_capped(entry, size, filter.max_bytes)));
    }
    Ok(())
}

/// Turns an unreadable entry into a problem, or hands its bytes on.
pub(crate) fn entry_bytes(
    (file, contents): Entry,
    problems: &mut Vec<RecordProblem>,
) -> Option<(String, Vec<u8>)> {
    match contents {
        Ok(bytes) => Some((file, bytes)),
        Err(message) => {
            problems.push(RecordProblem::in_file(file, message));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &str) -> bool {
        true
    }

    fn collect(path: &Path, filter: &EntryFilter<'_>) -> Vec<Entry> {
        let mut entries = Vec::new();
        for_each_entry(path, filter, &mut |entry| entries.push(entry)).expect("source opens");
        entries
    }

    #[test]
    fn directory_walk_skips_links_and_respects_under() {
        let root = tempfile::tempdir().expect("temporary directory");
        let outside = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir_all(root.path().join("a/b")).expect("mkdir");
        std::fs::write(root.path().join("a/b/one.json"), b"1").expect("write");
        std::fs::write(root.path().join("top.json"), b"2").expect("write");
        std::fs::write(outside.path().join("secret.json"), b"3").expect("write");
        std::os::unix::fs::symlink(outside.path(), root.path().join("a/link")).expect("link");
        std::os::unix::fs::symlink(
            outside.path().join("secret.json"),
            root.path().join("a/secret.json"),
        )
        .expect("link");

        let filter = EntryFilter {
            under: None,
            accept: any,
            max_bytes: 10,
        };
        let names: Vec<String> = collect(root.path(), &filter)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, vec!["a/b/one.json", "top.json"]);

        let filter = EntryFilter {
            under: Some("a"),
            ..filter
        };
        let names: Vec<String> = collect(root.path(), &filter)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, vec!["a/b/one.json"]);
    }

    #[test]
    fn oversized_files_become_problems() {
        let root = tempfile::tempdir().expect("temporary directory");
        std::fs::write(root.path().join("big.json"), vec![b' '; 100]).expect("write");
        let filter = EntryFilter {
            under: None,
            accept: any,
            max_bytes: 10,
        };
        let entries = collect(root.path(), &filter);
        assert_eq!(entries.len(), 1);
        let message = entries[0].1.as_ref().expect_err("over the cap");
        assert!(message.contains("limit"), "{message}");
    }

    #[test]
    fn tar_skips_links_and_reads_files() {
        let root = tempfile::tempdir().expect("temporary directory");
        let tar_path = root.path().join("feed.tar");
        let mut builder = tar::Builder::new(File::create(&tar_path).expect("create"));
        let mut header = tar::Header::new_gnu();
        header.set_size(2);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, "feed/x.json", &b"{}"[..])
            .expect("append");
        let mut link = tar::Header::new_gnu();
        link.set_entry_type(tar::EntryType::Symlink);
        link.set_size(0);
        builder
            .append_link(&mut link, "feed/y.json", "/etc/passwd")
            .expect("append link");
        builder.finish().expect("finish");
        drop(builder);

        let filter = EntryFilter {
            under: Some("feed"),
            accept: any,
            max_bytes: 10,
        };
        let entries = collect(&tar_path, &filter);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0, "feed/x.json");
        assert_eq!(entries[0].1.as_deref(), Ok(&b"{}"[..]));
    }

    #[test]
    fn truncated_zip_is_an_archive_error() {
        let root = tempfile::tempdir().expect("temporary directory");
        let zip_path = root.path().join("all.zip");
        std::fs::write(&zip_path, b"PK\x03\x04garbage").expect("write");
        let filter = EntryFilter {
            under: None,
            accept: any,
            max_bytes: 10,
        };
        let error = for_each_entry(&zip_path, &filter, &mut |_| {}).expect_err("damaged");
        assert!(error.to_string().contains("all.zip"), "{error}");
    }
}
