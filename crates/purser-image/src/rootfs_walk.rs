//! Walking a plain root filesystem directory as one layer.
//!
//! Depth-first, each directory's entries sorted by name bytes (deterministic, like a tar made
//! from a sorted walk). Symlinks are never followed: entries are examined with `lstat` and
//! only real directories are entered, so the walk stays inside the root. A second path to an
//! inode with several links is reported as a hard link to the first, as tar does. Names are not
//! interpreted as whiteouts: the directory is a finished filesystem, not a layer diff.
//!
//! Limitation: a directory swapped for a symlink by another process between its `lstat` and
//! its listing would be listed through the symlink; the user owns the directory being scanned,
//! so this race is accepted. Regular files are opened with `O_NOFOLLOW`, so reads cannot be
//! redirected that way.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use crate::anomaly::AnomalyKind;
use crate::entry::{Contents, EntryKind, LayerEntry};
use crate::entry_path::join;
use crate::error::{ImageError, LayerName};
use crate::limits::Limits;
use crate::walk::{LayerSummary, Visitor, WalkState};

/// A directory entry waiting to be visited.
struct Pending {
    full: PathBuf,
    relative: String,
    lossy: bool,
}

/// Walks the directory tree under `root`.
pub(crate) fn walk_rootfs(
    root: &Path,
    name: &LayerName,
    limits: &Limits,
    visitor: &mut Visitor<'_, '_>,
) -> Result<LayerSummary, ImageError> {
    let mut state = WalkState::default();
    let mut total_size = 0u64;
    let mut first_path_of_inode: HashMap<(u64, u64), String> = HashMap::new();
    let mut seen = 0u64;

    let mut stack = list_directory(root, "").map_err(|cause| ImageError::Io {
        path: root.to_path_buf(),
        cause,
    })?;

    // Every iteration pops one entry; directories push their children once (only real
    // directories are entered), so the loop is bounded by the size of the tree.
    while let Some(pending) = stack.pop() {
        seen += 1;
        if seen > limits.max_entries_per_layer {
            return Err(ImageError::LayerLimit {
                layer: name.clone(),
                limit: "max_entries_per_layer",
                value: limits.max_entries_per_layer,
            });
        }
        if pending.relative.len() > limits.max_path_bytes {
            let detail = format!(
                "path of {} bytes is over max_path_bytes",
                pending.relative.len()
            );
            state
                .anomalies
                .record(&pending.relative, AnomalyKind::PathTooLong, detail);
            continue;
        }
        if pending.lossy {
            let detail = "invalid UTF-8 replaced".to_owned();
            state
                .anomalies
                .record(&pending.relative, AnomalyKind::NonUtf8Path, detail);
        }

        let metadata = match fs::symlink_metadata(&pending.full) {
            Ok(metadata) => metadata,
            Err(error) => {
                let detail = format!("cannot stat: {error}");
                state
                    .anomalies
                    .record(&pending.relative, AnomalyKind::Unreadable, detail);
                continue;
            }
        };
        let Some((kind, contents)) =
            describe(&pending, &metadata, &mut first_path_of_inode, &mut state)
        else {
            continue;
        };

        tracing::trace!(path = %pending.relative, ?kind, "root filesystem entry");
        state.entries += 1;
        let size = if kind == EntryKind::Regular {
            state.regular_files += 1;
            total_size += metadata.len();
            metadata.len()
        } else {
            0
        };
        let is_directory = kind == EntryKind::Directory;
        let (uid, gid, mode) = ownership(&metadata);
        let mut entry = LayerEntry {
            path: pending.relative.clone(),
            kind,
            mode,
            size,
            uid,
            gid,
            contents,
        };
        visitor(&mut entry).map_err(|cause| ImageError::Visitor {
            layer: name.clone(),
            cause,
        })?;
        drop(entry);

        if is_directory {
            match list_directory(&pending.full, &pending.relative) {
                Ok(children) => stack.extend(children),
                Err(error) => {
                    let detail = format!("cannot list: {error}");
                    state
                        .anomalies
                        .record(&pending.relative, AnomalyKind::Unreadable, detail);
                }
            }
        }
    }
    Ok(state.into_summary(total_size))
}

/// What an entry is and where its contents come from; `None` (with an anomaly) for sockets
/// and other types tar cannot hold.
fn describe<'p>(
    pending: &'p Pending,
    metadata: &Metadata,
    first_path_of_inode: &mut HashMap<(u64, u64), String>,
    state: &mut WalkState,
) -> Option<(EntryKind, Contents<'static, 'p>)> {
    let file_type = metadata.file_type();
    let path = &pending.relative;

    if file_type.is_dir() {
        return Some((EntryKind::Directory, Contents::Empty));
    }
    if file_type.is_symlink() {
        return match fs::read_link(&pending.full) {
            Ok(target) => {
                let target = target.to_string_lossy().into_owned();
                Some((EntryKind::Symlink { target }, Contents::Empty))
            }
            Err(error) => {
                let detail = format!("cannot read link: {error}");
                state
                    .anomalies
                    .record(path, AnomalyKind::Unreadable, detail);
                None
            }
        };
    }
    if file_type.is_file() {
        if let Some(inode) = shared_inode(metadata) {
            if let Some(first) = first_path_of_inode.get(&inode) {
                let target = first.clone();
                return Some((EntryKind::Hardlink { target }, Contents::Empty));
            }
            first_path_of_inode.insert(inode, path.clone());
        }
        return Some((EntryKind::Regular, Contents::File(&pending.full)));
    }
    special_file(path, metadata, state)
}

#[cfg(unix)]
fn special_file<'p>(
    path: &str,
    metadata: &Metadata,
    state: &mut WalkState,
) -> Option<(EntryKind, Contents<'static, 'p>)> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};

    let file_type = metadata.file_type();
    if file_type.is_char_device() || file_type.is_block_device() {
        let kind = if file_type.is_char_device() {
            "character"
        } else {
            "block"
        };
        let device = metadata.rdev();
        let detail = format!(
            "{kind} device {}:{}, not read",
            major(device),
            minor(device)
        );
        state
            .anomalies
            .record(path, AnomalyKind::DeviceSkipped, detail);
        return Some((EntryKind::Device, Contents::Empty));
    }
    if file_type.is_fifo() {
        state
            .anomalies
            .record(path, AnomalyKind::FifoSkipped, "fifo, not read".into());
        return Some((EntryKind::Fifo, Contents::Empty));
    }
    let detail = if file_type.is_socket() {
        "socket skipped"
    } else {
        "unknown file type skipped"
    };
    state
        .anomalies
        .record(path, AnomalyKind::UnknownEntryType, detail.into());
    None
}

#[cfg(not(unix))]
fn special_file<'p>(
    path: &str,
    _metadata: &Metadata,
    state: &mut WalkState,
) -> Option<(EntryKind, Contents<'static, 'p>)> {
    state.anomalies.record(
        path,
        AnomalyKind::UnknownEntryType,
        "unknown file type skipped".into(),
    );
    None
}

/// Linux's `major()` for a 64-bit `dev_t` (glibc's encoding).
#[cfg(unix)]
fn major(device: u64) -> u64 {
    ((device >> 32) & 0xffff_f000) | ((device >> 8) & 0x0000_0fff)
}

/// Linux's `minor()` for a 64-bit `dev_t` (glibc's encoding).
#[cfg(unix)]
fn minor(device: u64) -> u64 {
    ((device >> 12) & 0xffff_ff00) | (device & 0x0000_00ff)
}

/// `(device, inode)` of a file with more than one link.
#[cfg(unix)]
fn shared_inode(metadata: &Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    (metadata.nlink() > 1).then(|| (metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn shared_inode(_metadata: &Metadata) -> Option<(u64, u64)> {
    None
}

/// `(uid, gid, permission bits)`.
#[cfg(unix)]
fn ownership(metadata: &Metadata) -> (u64, u64, u32) {
    use std::os::unix::fs::MetadataExt;
    (
        u64::from(metadata.uid()),
        u64::from(metadata.gid()),
        metadata.mode() & 0o7777,
    )
}

#[cfg(not(unix))]
fn ownership(metadata: &Metadata) -> (u64, u64, u32) {
    let mode = if metadata.permissions().readonly() {
        0o444
    } else {
        0o644
    };
    (0, 0, mode)
}

/// The entries of `directory`, sorted by name bytes and reversed (the stack pops the first).
fn list_directory(directory: &Path, relative: &str) -> io::Result<Vec<Pending>> {
    let mut names: Vec<OsString> = fs::read_dir(directory)?
        .map(|entry| entry.map(|entry| entry.file_name()))
        .collect::<io::Result<_>>()?;
    names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));

    Ok(names
        .into_iter()
        .rev()
        .map(|name| {
            let text = name.to_string_lossy();
            let lossy = name.to_str().is_none();
            Pending {
                full: directory.join(&name),
                relative: join(relative, &text),
                lossy,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WalkError;

    /// Entries seen: (path, kind, contents).
    type Seen = Vec<(String, EntryKind, Vec<u8>)>;

    fn walk(root: &Path, limits: &Limits) -> Result<(Seen, LayerSummary), ImageError> {
        let mut seen = Vec::new();
        let name = LayerName {
            index: 0,
            digest: None,
        };
        let summary = walk_rootfs(root, &name, limits, &mut |entry: &mut LayerEntry<
            '_,
            '_,
        >| {
            let mut contents = Vec::new();
            entry.read_contents(&mut contents, 1024)?;
            seen.push((entry.path().to_owned(), entry.kind().clone(), contents));
            Ok(())
        })?;
        Ok((seen, summary))
    }

    #[test]
    fn walks_sorted_without_following_symlinks() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        fs::create_dir_all(root.join("etc/ssl")).expect("mkdir");
        fs::create_dir_all(root.join("usr/bin")).expect("mkdir");
        fs::write(root.join("etc/os-release"), b"ID=test\n").expect("write");
        fs::write(root.join("usr/bin/tool"), b"#!/bin/sh\n").expect("write");
        fs::hard_link(root.join("usr/bin/tool"), root.join("usr/bin/tool2")).expect("link");
        std::os::unix::fs::symlink("usr/bin", root.join("bin")).expect("symlink");
        std::os::unix::fs::symlink("/", root.join("etc/ssl/escape")).expect("symlink");

        let (seen, summary) = walk(root, &Limits::default()).expect("walk");
        let paths: Vec<&str> = seen.iter().map(|(path, _, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "bin",
                "etc",
                "etc/os-release",
                "etc/ssl",
                "etc/ssl/escape",
                "usr",
                "usr/bin",
                "usr/bin/tool",
                "usr/bin/tool2"
            ]
        );
        assert_eq!(
            seen[0].1,
            EntryKind::Symlink {
                target: "usr/bin".into()
            }
        );
        assert_eq!(seen[2].2, b"ID=test\n");
        assert_eq!(seen[4].1, EntryKind::Symlink { target: "/".into() });
        assert_eq!(
            seen[8].1,
            EntryKind::Hardlink {
                target: "usr/bin/tool".into()
            }
        );
        assert_eq!(summary.entries, 9);
        assert_eq!(summary.regular_files, 2);
        assert_eq!(summary.uncompressed_size, 8 + 10);
        assert!(summary.anomalies.is_empty());
    }

    #[test]
    fn fifos_are_reported_not_opened() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("pipe");
        // libc's mkfifo would need unsafe code; coreutils' mkfifo is on every Linux machine.
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let (seen, summary) = walk(dir.path(), &Limits::default()).expect("walk");
        assert_eq!(seen[0].1, EntryKind::Fifo);
        assert_eq!(summary.anomalies[0].kind, AnomalyKind::FifoSkipped);
    }

    #[test]
    fn limits_apply() {
        let dir = tempfile::tempdir().expect("temp dir");
        for index in 0..5 {
            fs::write(dir.path().join(format!("f{index}")), b"x").expect("write");
        }
        let deep = dir.path().join("a".repeat(50));
        fs::create_dir(&deep).expect("mkdir");
        fs::write(deep.join("b".repeat(60)), b"x").expect("write");

        let limits = Limits {
            max_entries_per_layer: 3,
            ..Limits::default()
        };
        let error = walk(dir.path(), &limits).expect_err("too many entries");
        assert!(
            error.to_string().contains("max_entries_per_layer"),
            "{error}"
        );

        let limits = Limits {
            max_path_bytes: 100,
            ..Limits::default()
        };
        let (seen, summary) = walk(dir.path(), &limits).expect("walk");
        assert_eq!(seen.len(), 6);
        assert_eq!(summary.anomalies[0].kind, AnomalyKind::PathTooLong);
    }

    #[test]
    fn visitor_errors_stop_the_walk() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("f"), b"x").expect("write");
        let name = LayerName {
            index: 0,
            digest: None,
        };
        let error = walk_rootfs(dir.path(), &name, &Limits::default(), &mut |_entry| {
            Err(WalkError::visitor("stop here"))
        })
        .expect_err("visitor error");
        assert_eq!(error.to_string(), "layer 0: stop here");
    }
}
