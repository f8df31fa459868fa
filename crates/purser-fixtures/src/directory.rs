//! Turning a directory on disk into a layer, with everything the host adds normalised away.

use std::collections::HashMap;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::entry::{join, Entry, EntryKind};
use crate::error::{FixtureError, Result};
use crate::layer::Layer;

impl Layer {
    /// Reads `dir` recursively into a layer whose members are relative to `dir`.
    ///
    /// The walk is depth-first with each directory's children sorted by their byte names, so
    /// the order depends only on the names. Ownership and times are not read. Modes are
    /// normalised, because git keeps only the executable bit: directories get `0o755`, files
    /// `0o755` if any execute bit is set and `0o644` otherwise. Symlinks are kept with their
    /// targets verbatim. A file with several links inside `dir` is stored once, and its later
    /// names (in walk order) become hard links to the first.
    ///
    /// # Errors
    ///
    /// [`FixtureError::Read`] if a directory, file or link cannot be read, and
    /// [`FixtureError::UnsupportedFileType`] for sockets, FIFOs and device nodes.
    pub fn from_directory(dir: &Path) -> Result<Self> {
        let mut walk = Walk::default();
        walk.visit(dir, &[])?;
        tracing::debug!(dir = %dir.display(), entries = walk.entries.len(), "read layer directory");
        Ok(Self::from_entries(walk.entries))
    }
}

/// State of one directory walk.
#[derive(Default)]
struct Walk {
    entries: Vec<Entry>,
    /// First path seen for each (device, inode) with more than one link.
    first_link: HashMap<(u64, u64), Vec<u8>>,
}

impl Walk {
    /// Appends the children of `dir` (whose layer path is `prefix`), recursing into directories.
    fn visit(&mut self, dir: &Path, prefix: &[u8]) -> Result<()> {
        let mut children = fs::read_dir(dir)
            .map_err(FixtureError::read(dir))?
            .map(|child| child.map(|child| child.file_name()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(FixtureError::read(dir))?;
        children.sort_by(|left, right| left.as_bytes().cmp(right.as_bytes()));

        for name in children {
            let path = dir.join(&name);
            let layer_path = join(prefix, name.as_bytes());
            let metadata = fs::symlink_metadata(&path).map_err(FixtureError::read(&path))?;
            tracing::trace!(path = %path.display(), "layer entry");

            let file_type = metadata.file_type();
            if file_type.is_dir() {
                self.entries.push(Entry {
                    path: layer_path.clone(),
                    kind: EntryKind::Directory { mode: 0o755 },
                });
                self.visit(&path, &layer_path)?;
            } else if file_type.is_symlink() {
                let target = fs::read_link(&path).map_err(FixtureError::read(&path))?;
                let target = target.as_os_str().as_bytes().to_vec();
                self.entries.push(Entry {
                    path: layer_path,
                    kind: EntryKind::Symlink { target },
                });
            } else if file_type.is_file() {
                self.push_file(&path, layer_path, &metadata)?;
            } else {
                return Err(FixtureError::UnsupportedFileType { path });
            }
        }
        Ok(())
    }

    /// Appends a regular file, or a hard link if its inode was already stored.
    fn push_file(
        &mut self,
        path: &Path,
        layer_path: Vec<u8>,
        metadata: &fs::Metadata,
    ) -> Result<()> {
        if metadata.nlink() > 1 {
            let inode = (metadata.dev(), metadata.ino());
            if let Some(first) = self.first_link.get(&inode) {
                let target = first.clone();
                self.entries.push(Entry {
                    path: layer_path,
                    kind: EntryKind::Hardlink { target },
                });
                return Ok(());
            }
            self.first_link.insert(inode, layer_path.clone());
        }

        let contents = fs::read(path).map_err(FixtureError::read(path))?;
        let mode = if metadata.mode() & 0o111 != 0 {
            0o755
        } else {
            0o644
        };
        self.entries.push(Entry {
            path: layer_path,
            kind: EntryKind::File { mode, contents },
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{symlink, PermissionsExt};

    use super::*;

    #[test]
    fn walk_is_sorted_depth_first_with_normalised_modes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        fs::create_dir_all(root.join("b/inner")).expect("mkdir");
        fs::write(root.join("b/inner/z"), "z").expect("write");
        fs::write(root.join("a.txt"), "a").expect("write");
        fs::write(root.join("run.sh"), "#!/bin/sh\n").expect("write");
        fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o700)).expect("chmod");
        fs::set_permissions(root.join("a.txt"), fs::Permissions::from_mode(0o600)).expect("chmod");
        fs::set_permissions(root.join("b"), fs::Permissions::from_mode(0o700)).expect("chmod");
        symlink("b/inner", root.join("c")).expect("symlink");
        fs::hard_link(root.join("a.txt"), root.join("d.txt")).expect("hard link");

        let layer = Layer::from_directory(root).expect("layer");
        let summary: Vec<(String, String)> = layer
            .entries()
            .iter()
            .map(|entry| {
                let kind = match &entry.kind {
                    EntryKind::Directory { mode } => format!("dir {mode:o}"),
                    EntryKind::File { mode, .. } => format!("file {mode:o}"),
                    EntryKind::Symlink { target } => {
                        format!("symlink {}", String::from_utf8_lossy(target))
                    }
                    EntryKind::Hardlink { target } => {
                        format!("hardlink {}", String::from_utf8_lossy(target))
                    }
                    EntryKind::CharDevice { .. } => "device".to_owned(),
                };
                (String::from_utf8_lossy(&entry.path).into_owned(), kind)
            })
            .collect();
        let expected = [
            ("a.txt", "file 644"),
            ("b", "dir 755"),
            ("b/inner", "dir 755"),
            ("b/inner/z", "file 644"),
            ("c", "symlink b/inner"),
            ("d.txt", "hardlink a.txt"),
            ("run.sh", "file 755"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(path, kind)| ((*path).to_owned(), (*kind).to_owned()))
            .collect();
        assert_eq!(summary, expected);
    }

    #[test]
    fn missing_directory_names_the_path() {
        let error =
            Layer::from_directory(Path::new("/nonexistent/purser-fixture")).expect_err("must fail");
        let message = error.to_string();
        assert!(
            message.starts_with("failed to read /nonexistent/purser-fixture"),
            "{message}"
        );
    }
}
