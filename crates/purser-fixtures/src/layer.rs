//! An image layer as an ordered list of tar members, built in code.

use std::io::{self, Write};

use crate::entry::{
    join, normalise_path, split_last, Entry, EntryKind, OPAQUE_MARKER, WHITEOUT_PREFIX,
};
use crate::tar_writer::TarWriter;

/// One image layer: tar members in exactly the order they were added.
///
/// Builder methods take paths relative to the image root; a leading `/` or `./` and a trailing
/// `/` are dropped (see [`Entry`]). No method checks that parents exist or that names are
/// unique: layers in the wild break both rules, and fixtures must be able to as well.
///
/// ```
/// use purser_fixtures::Layer;
///
/// let layer = Layer::new()
///     .dir("etc", 0o755)
///     .file("etc/hostname", 0o644, "fixture\n")
///     .symlink("bin", "usr/bin")
///     .whiteout("etc/motd");
/// let tar = layer.to_tar();
/// assert_eq!(tar.len() % 512, 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    entries: Vec<Entry>,
}

impl Layer {
    /// An empty layer; its tar is just the two end-of-archive blocks.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A layer holding `entries` in the given order.
    #[must_use]
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        Self { entries }
    }

    /// The members, in tar order.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The members, in tar order, consuming the layer.
    #[must_use]
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }

    /// Mutable access to the members, e.g. to change a mode after [`Layer::from_directory`].
    pub fn entries_mut(&mut self) -> &mut Vec<Entry> {
        &mut self.entries
    }

    /// Appends one member.
    #[must_use]
    pub fn push(mut self, entry: Entry) -> Self {
        self.entries.push(entry);
        self
    }

    /// Adds a directory with mode bits `mode` (e.g. `0o755`, `0o1777`).
    #[must_use]
    pub fn dir(self, path: impl AsRef<str>, mode: u32) -> Self {
        self.push_kind(path.as_ref(), EntryKind::Directory { mode })
    }

    /// Adds a regular file with mode bits `mode` (e.g. `0o644`, `0o4755` for setuid).
    #[must_use]
    pub fn file(self, path: impl AsRef<str>, mode: u32, contents: impl Into<Vec<u8>>) -> Self {
        let contents = contents.into();
        self.push_kind(path.as_ref(), EntryKind::File { mode, contents })
    }

    /// Adds a symbolic link whose target is stored verbatim (relative or absolute).
    #[must_use]
    pub fn symlink(self, path: impl AsRef<str>, target: impl AsRef<str>) -> Self {
        let target = target.as_ref().as_bytes().to_vec();
        self.push_kind(path.as_ref(), EntryKind::Symlink { target })
    }

    /// Adds a hard link to `target`, an earlier member; the target is normalised like a path.
    #[must_use]
    pub fn hardlink(self, path: impl AsRef<str>, target: impl AsRef<str>) -> Self {
        let target = normalise_path(target.as_ref());
        self.push_kind(path.as_ref(), EntryKind::Hardlink { target })
    }

    /// Adds a whiteout that deletes `deleted_path` of a lower layer: `DIR/.wh.NAME`.
    #[must_use]
    pub fn whiteout(self, deleted_path: impl AsRef<str>) -> Self {
        let deleted = normalise_path(deleted_path.as_ref());
        let (parent, deleted_name) = split_last(&deleted);
        let mut name = WHITEOUT_PREFIX.as_bytes().to_vec();
        name.extend_from_slice(deleted_name);
        let path = join(parent, &name);
        self.push(marker(path))
    }

    /// Marks directory `dir` opaque: lower layers' contents of it are hidden (`DIR/.wh..wh..opq`).
    #[must_use]
    pub fn opaque(self, dir: impl AsRef<str>) -> Self {
        let path = join(&normalise_path(dir.as_ref()), OPAQUE_MARKER.as_bytes());
        self.push(marker(path))
    }

    /// Adds a character device node with mode `0o666`.
    #[must_use]
    pub fn char_device(self, path: impl AsRef<str>, major: u32, minor: u32) -> Self {
        let kind = EntryKind::CharDevice {
            mode: 0o666,
            major,
            minor,
        };
        self.push_kind(path.as_ref(), kind)
    }

    /// Adds a regular file (mode `0o644`) whose header name is `raw_name`, byte for byte.
    ///
    /// This is how hostile layers are made: `../escape`, `/etc/cron.d/x`, names with NUL-free
    /// garbage. Nothing is normalised or checked.
    #[must_use]
    pub fn raw_name(self, raw_name: impl Into<Vec<u8>>, contents: impl Into<Vec<u8>>) -> Self {
        let entry = Entry {
            path: raw_name.into(),
            kind: EntryKind::File {
                mode: 0o644,
                contents: contents.into(),
            },
        };
        self.push(entry)
    }

    /// The layer as an uncompressed tar: ustar headers, mtime 1700000000, uid/gid 0, empty
    /// user and group names, two zero blocks at the end.
    ///
    /// # Panics
    ///
    /// Never: writing into a `Vec<u8>` cannot fail.
    #[must_use]
    pub fn to_tar(&self) -> Vec<u8> {
        let mut tar = Vec::with_capacity(self.estimated_tar_len());
        self.write_tar(&mut tar)
            .expect("writing a tar into a Vec<u8> cannot fail");
        tar
    }

    /// Streams the same bytes as [`Layer::to_tar`] into `out`.
    ///
    /// # Errors
    ///
    /// Returns the first error `out` reports.
    pub fn write_tar<W: Write>(&self, out: W) -> io::Result<W> {
        let mut writer = TarWriter::new(out);
        for entry in &self.entries {
            writer.append(entry)?;
        }
        writer.finish()
    }

    /// Appends a member whose path is given as a user path.
    fn push_kind(self, path: &str, kind: EntryKind) -> Self {
        let path = normalise_path(path);
        self.push(Entry { path, kind })
    }

    /// A close upper bound of the tar size when no PAX headers are needed.
    fn estimated_tar_len(&self) -> usize {
        let data: usize = self
            .entries
            .iter()
            .map(|entry| match &entry.kind {
                EntryKind::File { contents, .. } => contents.len().div_ceil(512) * 512,
                _ => 0,
            })
            .sum();
        data + 512 * self.entries.len() + 1024
    }
}

/// An empty marker file (whiteout or opaque), mode `0o644`.
fn marker(path: Vec<u8>) -> Entry {
    Entry {
        path,
        kind: EntryKind::File {
            mode: 0o644,
            contents: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::tar_writer::FIXED_MTIME;

    fn sample() -> Layer {
        Layer::new()
            .dir("/usr/bin/", 0o755)
            .file("usr/bin/passwd", 0o4755, "#!/bin/sh\n")
            .hardlink("usr/bin/passwd-link", "/usr/bin/passwd")
            .symlink("bin", "usr/bin")
            .char_device("dev/null", 1, 3)
            .whiteout("etc/motd")
            .opaque("app/static")
    }

    #[test]
    fn headers_are_ustar_with_fixed_owner_time_and_names() {
        let tar = sample().to_tar();
        let mut archive = tar::Archive::new(tar.as_slice());
        let mut seen = Vec::new();
        for member in archive.entries().expect("archive opens") {
            let member = member.expect("member parses");
            let header = member.header();
            assert!(header.as_ustar().is_some(), "ustar magic");
            assert_eq!(header.uid().expect("uid"), 0);
            assert_eq!(header.gid().expect("gid"), 0);
            assert_eq!(header.mtime().expect("mtime"), FIXED_MTIME);
            assert_eq!(header.username_bytes(), Some(&b""[..]));
            assert_eq!(header.groupname_bytes(), Some(&b""[..]));
            assert_eq!(member.header().cksum().expect("cksum"), {
                let mut copy = header.clone();
                copy.set_cksum();
                copy.cksum().expect("cksum")
            });
            seen.push((
                String::from_utf8_lossy(&member.path_bytes()).into_owned(),
                header.entry_type(),
                header.mode().expect("mode"),
            ));
        }
        let expected = [
            ("usr/bin/", tar::EntryType::Directory, 0o755),
            ("usr/bin/passwd", tar::EntryType::Regular, 0o4755),
            ("usr/bin/passwd-link", tar::EntryType::Link, 0o644),
            ("bin", tar::EntryType::Symlink, 0o777),
            ("dev/null", tar::EntryType::Char, 0o666),
            ("etc/.wh.motd", tar::EntryType::Regular, 0o644),
            ("app/static/.wh..wh..opq", tar::EntryType::Regular, 0o644),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(path, kind, mode)| ((*path).to_owned(), *kind, *mode))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn links_devices_and_contents_round_trip() {
        let tar = sample().to_tar();
        let mut archive = tar::Archive::new(tar.as_slice());
        for member in archive.entries().expect("archive opens") {
            let mut member = member.expect("member parses");
            let path = member.path_bytes().into_owned();
            match path.as_slice() {
                b"usr/bin/passwd" => {
                    let mut text = String::new();
                    member.read_to_string(&mut text).expect("readable");
                    assert_eq!(text, "#!/bin/sh\n");
                }
                b"usr/bin/passwd-link" => {
                    assert_eq!(
                        member.link_name_bytes().as_deref(),
                        Some(&b"usr/bin/passwd"[..])
                    );
                }
                b"bin" => assert_eq!(member.link_name_bytes().as_deref(), Some(&b"usr/bin"[..])),
                b"dev/null" => {
                    assert_eq!(member.header().device_major().expect("major"), Some(1));
                    assert_eq!(member.header().device_minor().expect("minor"), Some(3));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn hostile_raw_names_are_written_verbatim() {
        let names: [&[u8]; 4] = [
            b"../escape.txt",
            b"/etc/cron.d/evil",
            b"a/../../b",
            b"\xff\xfe",
        ];
        let mut layer = Layer::new();
        for name in names {
            layer = layer.raw_name(name, "x");
        }
        let tar = layer.to_tar();

        for (index, name) in names.iter().enumerate() {
            let header = &tar[index * 1024..index * 1024 + 100];
            assert_eq!(&header[..name.len()], *name);
            assert!(header[name.len()..].iter().all(|&byte| byte == 0));
        }
        let mut archive = tar::Archive::new(tar.as_slice());
        let read: Vec<Vec<u8>> = archive
            .entries()
            .expect("archive opens")
            .map(|member| member.expect("member parses").path_bytes().into_owned())
            .collect();
        assert_eq!(read, names.map(<[u8]>::to_vec));
    }

    #[test]
    fn same_layer_gives_same_bytes() {
        assert_eq!(sample().to_tar(), sample().to_tar());
        assert_ne!(sample().to_tar(), sample().file("x", 0o644, "").to_tar());
    }

    #[test]
    fn empty_layer_is_two_zero_blocks() {
        assert_eq!(Layer::new().to_tar(), vec![0; 1024]);
    }
}
