//! What one layer entry does to the filesystem.

use serde::Serialize;

use crate::entry::{EntryKind, LayerEntry};

/// One change a layer makes to a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PathChange {
    /// The affected path, normalised as [`LayerEntry::path`] gives paths: for whiteouts the
    /// deleted path, for opaque markers the directory (empty for the root).
    pub path: String,
    /// What happens to it.
    pub kind: ChangeKind,
}

/// The kinds of [`PathChange`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A regular file is written.
    File,
    /// A directory is written.
    Directory,
    /// A symbolic link is written.
    Symlink {
        /// The raw target.
        target: String,
    },
    /// A hard link is written.
    Hardlink {
        /// The normalised target path.
        target: String,
    },
    /// The path and its subtree are deleted from lower layers.
    Whiteout,
    /// The directory's lower-layer children are hidden.
    OpaqueDirectory,
    /// A device or fifo is written.
    Other,
}

impl PathChange {
    /// The change a layer entry makes.
    pub fn from_entry(entry: &LayerEntry<'_, '_>) -> PathChange {
        let (path, kind) = match entry.kind() {
            EntryKind::Regular => (entry.path(), ChangeKind::File),
            EntryKind::Directory => (entry.path(), ChangeKind::Directory),
            EntryKind::Symlink { target } => (
                entry.path(),
                ChangeKind::Symlink {
                    target: target.clone(),
                },
            ),
            EntryKind::Hardlink { target } => (
                entry.path(),
                ChangeKind::Hardlink {
                    target: target.clone(),
                },
            ),
            EntryKind::Whiteout { deleted } => (deleted.as_str(), ChangeKind::Whiteout),
            EntryKind::OpaqueDirectory { directory } => {
                (directory.as_str(), ChangeKind::OpaqueDirectory)
            }
            EntryKind::Device | EntryKind::Fifo => (entry.path(), ChangeKind::Other),
        };
        PathChange {
            path: path.to_owned(),
            kind,
        }
    }

    /// Shorthand for tests and callers building changes by hand.
    pub fn new(path: &str, kind: ChangeKind) -> PathChange {
        PathChange {
            path: path.to_owned(),
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Contents;

    fn entry(path: &str, kind: EntryKind) -> LayerEntry<'static, 'static> {
        LayerEntry {
            path: path.to_owned(),
            kind,
            mode: 0,
            size: 0,
            uid: 0,
            gid: 0,
            contents: Contents::Empty,
        }
    }

    #[test]
    fn whiteouts_and_opaque_markers_name_what_they_affect() {
        let whiteout = entry(
            "etc/.wh.passwd",
            EntryKind::Whiteout {
                deleted: "etc/passwd".into(),
            },
        );
        assert_eq!(
            PathChange::from_entry(&whiteout),
            PathChange::new("etc/passwd", ChangeKind::Whiteout)
        );

        let opaque = entry(
            "var/.wh..wh..opq",
            EntryKind::OpaqueDirectory {
                directory: "var".into(),
            },
        );
        assert_eq!(
            PathChange::from_entry(&opaque),
            PathChange::new("var", ChangeKind::OpaqueDirectory)
        );

        let device = entry("dev/null", EntryKind::Device);
        assert_eq!(PathChange::from_entry(&device).kind, ChangeKind::Other);

        let link = entry(
            "bin",
            EntryKind::Symlink {
                target: "usr/bin".into(),
            },
        );
        assert_eq!(
            PathChange::from_entry(&link).kind,
            ChangeKind::Symlink {
                target: "usr/bin".into()
            }
        );
    }
}
