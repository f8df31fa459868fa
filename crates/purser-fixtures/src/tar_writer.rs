//! A byte-exact tar writer: every header field is chosen here, none comes from the host.
//!
//! Headers are POSIX ustar (`magic "ustar\0"`, version `"00"`), as Go's `archive/tar` and
//! therefore Docker write them. A name that fits neither the 100-byte name field nor the
//! ustar name/prefix split, and a link target over 100 bytes, go into a PAX extended header
//! (`typeflag 'x'`, records `path=` and `linkpath=`), again as Go does. The archive ends with
//! the two zero blocks POSIX requires and no further record padding.
//!
//! `tar::Builder` would refuse or rewrite hostile names such as `../x` or `/abs`; this writer
//! copies every name verbatim, so the caller decides what is valid.

use std::io::{self, Write};

use tar::{EntryType, Header};

use crate::entry::{Entry, EntryKind};

/// The modification time of every member: 2023-11-14T22:13:20Z.
pub const FIXED_MTIME: u64 = 1_700_000_000;

/// Size of one tar block.
const BLOCK: usize = 512;

/// Length of the ustar `name` and `linkname` fields.
const NAME_FIELD: usize = 100;

/// Length of the ustar `prefix` field.
const PREFIX_FIELD: usize = 155;

/// Writes tar members to `out` one at a time, then the end-of-archive marker.
pub(crate) struct TarWriter<W: Write> {
    out: W,
}

impl<W: Write> TarWriter<W> {
    /// Starts an archive on `out`.
    pub(crate) fn new(out: W) -> Self {
        Self { out }
    }

    /// Appends one member: an optional PAX header, the ustar header, then the padded data.
    pub(crate) fn append(&mut self, entry: &Entry) -> io::Result<()> {
        let name = member_name(entry);
        let link = link_target(entry);

        // Names that ustar cannot hold travel in a PAX header written just before.
        let mut records = Vec::new();
        let placed_name = place_name(&name);
        if placed_name.is_none() {
            push_pax_record(&mut records, "path", &name);
        }
        if let Some(link) = link {
            if link.len() > NAME_FIELD {
                push_pax_record(&mut records, "linkpath", link);
            }
        }
        if !records.is_empty() {
            self.write_pax_header(entry, &records)?;
        }

        let header = build_header(entry, &name, placed_name, link);
        self.out.write_all(header.as_bytes())?;
        if let EntryKind::File { contents, .. } = &entry.kind {
            self.write_padded(contents)?;
        }
        Ok(())
    }

    /// Writes the two zero blocks that end the archive and returns the inner writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&[0; 2 * BLOCK])?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Writes a `typeflag 'x'` member carrying `records` for the member that follows.
    fn write_pax_header(&mut self, entry: &Entry, records: &[u8]) -> io::Result<()> {
        let mut name = b"PaxHeaders.0/".to_vec();
        let room = NAME_FIELD - name.len();
        let file_name = entry.file_name();
        name.extend_from_slice(&file_name[..file_name.len().min(room)]);

        let mut header = Header::new_ustar();
        copy_field(&mut header.as_old_mut().name, &name);
        header.set_entry_type(EntryType::XHeader);
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(FIXED_MTIME);
        header.set_size(records.len() as u64);
        header.set_cksum();

        self.out.write_all(header.as_bytes())?;
        self.write_padded(records)
    }

    /// Writes `data` and zero-fills to the next block boundary.
    fn write_padded(&mut self, data: &[u8]) -> io::Result<()> {
        self.out.write_all(data)?;
        let remainder = data.len() % BLOCK;
        if remainder != 0 {
            self.out.write_all(&[0; BLOCK][..BLOCK - remainder])?;
        }
        Ok(())
    }
}

/// Where a name goes in a ustar header: `(prefix, name)`; `None` if it needs PAX.
type PlacedName<'a> = Option<(&'a [u8], &'a [u8])>;

/// Builds the ustar header of `entry`; `placed` is `None` when a PAX record holds the name.
fn build_header(entry: &Entry, name: &[u8], placed: PlacedName<'_>, link: Option<&[u8]>) -> Header {
    let mut header = Header::new_ustar();
    let ustar = header
        .as_ustar_mut()
        .expect("Header::new_ustar always yields a ustar header");
    match placed {
        Some((prefix, short_name)) => {
            copy_field(&mut ustar.prefix, prefix);
            copy_field(&mut ustar.name, short_name);
        }
        None => copy_field(&mut ustar.name, &name[..name.len().min(NAME_FIELD)]),
    }
    if let Some(link) = link {
        copy_field(&mut ustar.linkname, &link[..link.len().min(NAME_FIELD)]);
    }
    if let EntryKind::CharDevice { major, minor, .. } = entry.kind {
        ustar.set_device_major(major);
        ustar.set_device_minor(minor);
    }

    let (entry_type, mode, size) = match &entry.kind {
        EntryKind::Directory { mode } => (EntryType::Directory, *mode, 0),
        EntryKind::File { mode, contents } => (EntryType::Regular, *mode, contents.len()),
        EntryKind::Symlink { .. } => (EntryType::Symlink, 0o777, 0),
        EntryKind::Hardlink { .. } => (EntryType::Link, 0o644, 0),
        EntryKind::CharDevice { mode, .. } => (EntryType::Char, *mode, 0),
    };
    header.set_entry_type(entry_type);
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(FIXED_MTIME);
    header.set_size(size as u64);
    header.set_cksum();
    header
}

/// The name written for `entry`: its path, plus a trailing `/` for directories.
fn member_name(entry: &Entry) -> Vec<u8> {
    let mut name = entry.path.clone();
    if matches!(entry.kind, EntryKind::Directory { .. }) && !name.ends_with(b"/") {
        name.push(b'/');
    }
    name
}

/// The link target of symlinks and hard links.
fn link_target(entry: &Entry) -> Option<&[u8]> {
    match &entry.kind {
        EntryKind::Symlink { target } | EntryKind::Hardlink { target } => Some(target),
        _ => None,
    }
}

/// Fits `name` into ustar's name field, or splits it at a `/` into prefix and name.
///
/// Like Go's `archive/tar`, the split keeps as much as possible in the name field.
fn place_name(name: &[u8]) -> PlacedName<'_> {
    if name.len() <= NAME_FIELD {
        return Some((&[], name));
    }
    let search_from = name.len().saturating_sub(NAME_FIELD + 1);
    let slash = search_from + name[search_from..].iter().position(|&byte| byte == b'/')?;
    let (prefix, short_name) = (&name[..slash], &name[slash + 1..]);
    let fits = !prefix.is_empty()
        && prefix.len() <= PREFIX_FIELD
        && !short_name.is_empty()
        && short_name.len() <= NAME_FIELD;
    fits.then_some((prefix, short_name))
}

/// Appends one PAX record, `"<length> <key>=<value>\n"`, whose length counts itself.
fn push_pax_record(records: &mut Vec<u8>, key: &str, value: &[u8]) {
    let body_len = 1 + key.len() + 1 + value.len() + 1;
    let mut total = body_len + 1;
    while total != body_len + total.to_string().len() {
        total = body_len + total.to_string().len();
    }
    records.extend_from_slice(total.to_string().as_bytes());
    records.push(b' ');
    records.extend_from_slice(key.as_bytes());
    records.push(b'=');
    records.extend_from_slice(value);
    records.push(b'\n');
}

/// Copies `value` into a NUL-padded header field; callers never pass more than fits.
fn copy_field(field: &mut [u8], value: &[u8]) {
    field[..value.len()].copy_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_one(entry: &Entry) -> Vec<u8> {
        let mut writer = TarWriter::new(Vec::new());
        writer.append(entry).expect("writing to a Vec cannot fail");
        writer.finish().expect("writing to a Vec cannot fail")
    }

    fn entry(path: &[u8], kind: EntryKind) -> Entry {
        Entry {
            path: path.to_vec(),
            kind,
        }
    }

    #[test]
    fn pax_record_length_counts_its_own_digits() {
        let mut records = Vec::new();
        // 99 bytes besides the length: two digits would make 101, so three are needed.
        push_pax_record(&mut records, "path", &[b'a'; 92]);
        let text = String::from_utf8(records).expect("ascii");
        let (length, _) = text.split_once(' ').expect("length then space");
        assert_eq!(length.parse::<usize>().expect("decimal"), text.len());
        assert_eq!(text.len(), 102);
    }

    #[test]
    fn long_names_split_into_prefix_and_name() {
        let name = format!("{}/{}", "d".repeat(120), "f".repeat(90));
        let (prefix, short) = place_name(name.as_bytes()).expect("fits ustar");
        assert_eq!(prefix.len(), 120);
        assert_eq!(short.len(), 90);
        assert!(place_name("x".repeat(101).as_bytes()).is_none());
    }

    #[test]
    fn names_beyond_ustar_use_a_pax_header_that_tar_readers_honour() {
        let long = format!("{}/{}", "deep/".repeat(60), "file.txt");
        let archive = write_one(&entry(
            long.as_bytes(),
            EntryKind::File {
                mode: 0o644,
                contents: b"data".to_vec(),
            },
        ));
        assert_eq!(archive[156], b'x', "first member is a PAX header");

        let mut reader = tar::Archive::new(archive.as_slice());
        let mut members = reader.entries().expect("archive opens");
        let member = members.next().expect("one member").expect("member parses");
        assert_eq!(&*member.path_bytes(), long.as_bytes());
        assert!(members.next().is_none());
    }

    #[test]
    fn long_link_targets_use_a_pax_linkpath() {
        let target = "t".repeat(150);
        let archive = write_one(&entry(
            b"link",
            EntryKind::Symlink {
                target: target.as_bytes().to_vec(),
            },
        ));
        let mut reader = tar::Archive::new(archive.as_slice());
        let member = reader
            .entries()
            .expect("archive opens")
            .next()
            .expect("one member")
            .expect("member parses");
        assert_eq!(member.link_name_bytes().as_deref(), Some(target.as_bytes()));
    }

    #[test]
    fn archive_ends_with_two_zero_blocks_and_nothing_else() {
        let archive = write_one(&entry(
            b"a",
            EntryKind::File {
                mode: 0o644,
                contents: vec![7; 513],
            },
        ));
        assert_eq!(archive.len(), BLOCK + 2 * BLOCK + 2 * BLOCK);
        assert!(archive[archive.len() - 2 * BLOCK..].iter().all(|&b| b == 0));
        assert_eq!(archive[BLOCK + 512], 7, "second data block holds byte 513");
    }
}
