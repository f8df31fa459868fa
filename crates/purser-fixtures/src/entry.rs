//! One member of a layer tar, before it is written.

/// File name prefix that marks a whiteout, from the OCI image spec (`layer.md`, "Whiteouts").
pub const WHITEOUT_PREFIX: &str = ".wh.";

/// File name that marks a directory as opaque, from the OCI image spec (`layer.md`).
pub const OPAQUE_MARKER: &str = ".wh..wh..opq";

/// One tar member: a path and what lives there.
///
/// Paths are raw bytes because hostile entries (see [`crate::Layer::raw_name`]) need not be
/// UTF-8. Every other builder method stores the path relative to the root, without a leading
/// `/` or `./` and without a trailing `/`; the tar writer adds the trailing `/` of directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The member's name, exactly as it goes into the tar header (plus `/` for directories).
    pub path: Vec<u8>,
    /// What the member is.
    pub kind: EntryKind,
}

/// The kind of a tar member, with the fields that kind needs.
///
/// Whiteouts and opaque markers are ordinary empty [`EntryKind::File`] members whose names
/// follow the OCI conventions; readers recognise them by name, and so does this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A directory with its permission bits (including sticky, setuid, setgid).
    Directory {
        /// Mode bits, e.g. `0o755` or `0o1777`.
        mode: u32,
    },
    /// A regular file.
    File {
        /// Mode bits, e.g. `0o644` or `0o4755`.
        mode: u32,
        /// The file's bytes.
        contents: Vec<u8>,
    },
    /// A symbolic link; `target` is stored verbatim.
    Symlink {
        /// The link target, relative or absolute.
        target: Vec<u8>,
    },
    /// A hard link to an earlier member of the same layer.
    Hardlink {
        /// The path of the earlier member, as written in its header.
        target: Vec<u8>,
    },
    /// A character device node.
    CharDevice {
        /// Mode bits, e.g. `0o666`.
        mode: u32,
        /// Device major number.
        major: u32,
        /// Device minor number.
        minor: u32,
    },
}

impl Entry {
    /// The last path component, or the whole path if it has no `/`.
    #[must_use]
    pub fn file_name(&self) -> &[u8] {
        split_last(&self.path).1
    }

    /// The path without its last component; empty for members at the root.
    #[must_use]
    pub fn parent(&self) -> &[u8] {
        split_last(&self.path).0
    }

    /// Whether this member is an opaque-directory marker (`DIR/.wh..wh..opq`).
    #[must_use]
    pub fn is_opaque_marker(&self) -> bool {
        self.file_name() == OPAQUE_MARKER.as_bytes()
    }

    /// If this member is a whiteout (`DIR/.wh.NAME`), the path it deletes (`DIR/NAME`).
    ///
    /// Opaque markers are not whiteouts of a single path and return `None`.
    #[must_use]
    pub fn whited_out_path(&self) -> Option<Vec<u8>> {
        if self.is_opaque_marker() {
            return None;
        }
        let name = self.file_name().strip_prefix(WHITEOUT_PREFIX.as_bytes())?;
        Some(join(self.parent(), name))
    }
}

/// Turns a user-supplied path into the stored form: no leading `/` or `./`, no trailing `/`.
///
/// Only leading and trailing separators are touched; `..` components are kept, since this
/// crate also builds hostile layers on purpose.
pub(crate) fn normalise_path(path: &str) -> Vec<u8> {
    let mut rest = path;
    loop {
        if let Some(stripped) = rest.strip_prefix('/') {
            rest = stripped;
        } else if let Some(stripped) = rest.strip_prefix("./") {
            rest = stripped;
        } else {
            break;
        }
    }
    rest.trim_end_matches('/').as_bytes().to_vec()
}

/// Splits a path at its last `/` into parent and name; the parent is empty at the root.
pub(crate) fn split_last(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|&byte| byte == b'/') {
        Some(slash) => (&path[..slash], &path[slash + 1..]),
        None => (&[], path),
    }
}

/// Joins a parent path and a name with `/`, leaving the name alone at the root.
pub(crate) fn join(parent: &[u8], name: &[u8]) -> Vec<u8> {
    if parent.is_empty() {
        return name.to_vec();
    }
    let mut joined = Vec::with_capacity(parent.len() + 1 + name.len());
    joined.extend_from_slice(parent);
    joined.push(b'/');
    joined.extend_from_slice(name);
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Entry {
        Entry {
            path: path.as_bytes().to_vec(),
            kind: EntryKind::File {
                mode: 0o644,
                contents: Vec::new(),
            },
        }
    }

    #[test]
    fn normalise_strips_leading_and_trailing_separators_only() {
        assert_eq!(normalise_path("/etc/passwd"), b"etc/passwd");
        assert_eq!(normalise_path("./usr/bin/"), b"usr/bin");
        assert_eq!(normalise_path("//./a/../b"), b"a/../b");
        assert_eq!(normalise_path("plain"), b"plain");
    }

    #[test]
    fn whiteout_names_resolve_to_the_deleted_path() {
        assert_eq!(
            file("app/config/.wh..env").whited_out_path(),
            Some(b"app/config/.env".to_vec())
        );
        assert_eq!(file(".wh.top").whited_out_path(), Some(b"top".to_vec()));
        assert_eq!(file("app/.wh..wh..opq").whited_out_path(), None);
        assert!(file("app/.wh..wh..opq").is_opaque_marker());
        assert_eq!(file("app/config/settings").whited_out_path(), None);
    }

    #[test]
    fn parent_and_file_name_split_at_the_last_slash() {
        let entry = file("usr/bin/passwd");
        assert_eq!(entry.parent(), b"usr/bin");
        assert_eq!(entry.file_name(), b"passwd");
        assert_eq!(file("bin").parent(), b"");
    }
}
