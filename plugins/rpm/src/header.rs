//! rpm package headers: the blob every rpmdb backend stores, one per installed package.
//!
//! Layout (rpm's `lib/header.c`, and the "Header structure" section of
//! <https://rpm-software-management.github.io/rpm/manual/format_header.html>), big-endian:
//!
//! ```text
//! u32 il                 number of index entries
//! u32 dl                 length of the data store in bytes
//! il × { u32 tag, u32 type, i32 offset, u32 count }
//! dl bytes of data       values, addressed by each entry's offset into the data store
//! ```
//!
//! A database blob has no lead and no header magic (those only exist in `.rpm` files). Only the
//! tags a package finding needs are decoded; every entry is still bounds-checked, so a header
//! whose index points outside its data store is rejected as a whole rather than half-read.

use std::borrow::Cow;

/// rpm refuses headers with more index entries than this (`hdrchkTags` in `lib/header.c`).
const MAX_INDEX_ENTRIES: u32 = 0xffff;

/// rpm refuses headers with a larger data store than this (`HEADER_DATA_MAX`, 256 MiB).
const MAX_DATA_BYTES: u32 = 256 * 1024 * 1024;

/// Bytes of one index entry.
const INDEX_ENTRY_BYTES: usize = 16;

/// The rpm tags this analyzer reads (`include/rpm/rpmtag.h`).
mod tag {
    pub const NAME: u32 = 1000;
    pub const VERSION: u32 = 1001;
    pub const RELEASE: u32 = 1002;
    pub const EPOCH: u32 = 1003;
    pub const SIZE: u32 = 1009;
    pub const VENDOR: u32 = 1011;
    pub const LICENSE: u32 = 1014;
    pub const ARCH: u32 = 1022;
    pub const OLDFILENAMES: u32 = 1027;
    pub const SOURCERPM: u32 = 1044;
    pub const DIRINDEXES: u32 = 1116;
    pub const BASENAMES: u32 = 1117;
    pub const DIRNAMES: u32 = 1118;
    pub const LONGSIZE: u32 = 5009;
    pub const MODULARITYLABEL: u32 = 5096;
}

/// The value types of index entries (`rpmTagType`).
mod kind {
    pub const INT32: u32 = 4;
    pub const INT64: u32 = 5;
    pub const STRING: u32 = 6;
    pub const STRING_ARRAY: u32 = 8;
    pub const I18NSTRING: u32 = 9;
    /// Types above this do not exist.
    pub const LAST: u32 = 9;
}

/// Why a header blob was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// Fewer bytes than the fixed part or than the sizes it declares.
    #[error("header is {actual} bytes, shorter than the {needed} bytes its counts require")]
    Truncated {
        /// Bytes the counts require.
        needed: u64,
        /// Bytes present.
        actual: usize,
    },
    /// More index entries or data than rpm itself accepts.
    #[error(
        "header declares {entries} index entries and {data_bytes} data bytes, over rpm's limits"
    )]
    TooLarge {
        /// Declared index entries.
        entries: u32,
        /// Declared data store bytes.
        data_bytes: u32,
    },
    /// An index entry of unknown type or whose value lies outside the data store.
    #[error("header index entry {index} (tag {tag}) {problem}")]
    BadEntry {
        /// Position of the entry in the index.
        index: usize,
        /// Its tag.
        tag: u32,
        /// What is wrong with it.
        problem: String,
    },
    /// A tag every package has (name, version) is missing.
    #[error("header has no {0} tag")]
    Missing(&'static str),
    /// The file lists disagree with each other.
    #[error("header file list is inconsistent: {0}")]
    FileList(String),
}

/// The facts of one installed package, decoded from its header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageHeader {
    /// `NAME`.
    pub name: String,
    /// `EPOCH`, when the package declares one (`Epoch: 0` is kept as `Some(0)`).
    pub epoch: Option<u32>,
    /// `VERSION`.
    pub version: String,
    /// `RELEASE`.
    pub release: String,
    /// `ARCH` (`x86_64`, `noarch`); empty when absent (the `gpg-pubkey` pseudo-packages).
    pub architecture: String,
    /// `SOURCERPM`, the file name of the source package (`bash-5.1.8-6.el9.src.rpm`).
    pub source_rpm: String,
    /// `LICENSE`, as declared.
    pub license: String,
    /// `VENDOR`.
    pub vendor: String,
    /// `MODULARITYLABEL` (`nodejs:18:9020020230810:rhel9`), set for packages of a module stream.
    pub modularity_label: String,
    /// Installed size in bytes (`LONGSIZE`, else `SIZE`).
    pub size: Option<u64>,
    /// Number of files the package owns (`BASENAMES`, or `OLDFILENAMES` in old headers).
    pub files: usize,
    /// The paths of those files, relative to the root (`usr/bin/bash`), directories included
    /// when the package lists them. A name that is not valid UTF-8 has its invalid bytes
    /// replaced.
    pub paths: Vec<String>,
}

/// One index entry, as read.
#[derive(Debug, Clone, Copy)]
struct Entry {
    index: usize,
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

/// A header whose index has been checked against its data store.
struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

/// Decodes the header blob of one package.
///
/// # Errors
///
/// When the blob is shorter than its counts say, exceeds rpm's limits, has an index entry outside
/// its data store or of an unknown type, lacks a name or a version, or its file lists disagree.
pub fn parse_header(blob: &[u8]) -> Result<PackageHeader, HeaderError> {
    let header = Header::parse(blob)?;

    let name = header
        .string(tag::NAME)?
        .ok_or(HeaderError::Missing("NAME"))?;
    let version = header
        .string(tag::VERSION)?
        .ok_or(HeaderError::Missing("VERSION"))?;
    let text = |wanted| -> Result<String, HeaderError> {
        Ok(header.string(wanted)?.unwrap_or_default().into_owned())
    };

    let size = match header.integer(tag::LONGSIZE)? {
        Some(size) => Some(size),
        None => header.integer(tag::SIZE)?,
    };
    let epoch = header
        .integer(tag::EPOCH)?
        .map(|epoch| u32::try_from(epoch).unwrap_or(u32::MAX));

    let paths = header.file_paths()?;
    Ok(PackageHeader {
        name: name.into_owned(),
        epoch,
        version: version.into_owned(),
        release: text(tag::RELEASE)?,
        architecture: text(tag::ARCH)?,
        source_rpm: text(tag::SOURCERPM)?,
        license: text(tag::LICENSE)?,
        vendor: text(tag::VENDOR)?,
        modularity_label: text(tag::MODULARITYLABEL)?,
        size,
        files: paths.len(),
        paths,
    })
}

impl<'a> Header<'a> {
    /// Reads the index and checks every entry's type and offset.
    fn parse(blob: &'a [u8]) -> Result<Self, HeaderError> {
        let entry_count = read_u32(blob, 0).ok_or(HeaderError::Truncated {
            needed: 8,
            actual: blob.len(),
        })?;
        let data_bytes = read_u32(blob, 4).ok_or(HeaderError::Truncated {
            needed: 8,
            actual: blob.len(),
        })?;
        if entry_count > MAX_INDEX_ENTRIES || data_bytes > MAX_DATA_BYTES || entry_count == 0 {
            return Err(HeaderError::TooLarge {
                entries: entry_count,
                data_bytes,
            });
        }

        // Both counts are bounded above, so this cannot overflow.
        let index_end = 8 + entry_count as usize * INDEX_ENTRY_BYTES;
        let data_end = index_end + data_bytes as usize;
        if blob.len() < data_end {
            return Err(HeaderError::Truncated {
                needed: data_end as u64,
                actual: blob.len(),
            });
        }
        let data = &blob[index_end..data_end];

        let mut entries = Vec::with_capacity(entry_count as usize);
        for index in 0..entry_count as usize {
            let at = 8 + index * INDEX_ENTRY_BYTES;
            let field = |offset| read_u32(blob, at + offset).unwrap_or(0);
            let entry = Entry {
                index,
                tag: field(0),
                kind: field(4),
                offset: field(8) as usize,
                count: field(12) as usize,
            };
            check_entry(&entry, data.len())?;
            entries.push(entry);
        }
        Ok(Header { entries, data })
    }

    fn find(&self, wanted: u32) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.tag == wanted)
    }

    /// The first string of a `STRING`, `I18NSTRING` or `STRING_ARRAY` entry.
    fn string(&self, wanted: u32) -> Result<Option<Cow<'a, str>>, HeaderError> {
        let Some(entry) = self.find(wanted) else {
            return Ok(None);
        };
        match entry.kind {
            kind::STRING | kind::I18NSTRING | kind::STRING_ARRAY => {
                let bytes = self.strings(entry)?.first().copied().unwrap_or_default();
                Ok(Some(String::from_utf8_lossy(bytes)))
            }
            other => Err(bad_entry(
                entry,
                format!("is of type {other}, not a string"),
            )),
        }
    }

    /// The first value of an `INT32` or `INT64` entry.
    fn integer(&self, wanted: u32) -> Result<Option<u64>, HeaderError> {
        let Some(entry) = self.find(wanted) else {
            return Ok(None);
        };
        let value = match entry.kind {
            kind::INT32 => read_u32(self.data, entry.offset).map(u64::from),
            kind::INT64 => read_u64(self.data, entry.offset),
            other => {
                return Err(bad_entry(
                    entry,
                    format!("is of type {other}, not an integer"),
                ))
            }
        };
        Ok(value)
    }

    /// The `count` NUL-terminated strings of an entry, each checked to end inside the data store.
    fn strings(&self, entry: &Entry) -> Result<Vec<&'a [u8]>, HeaderError> {
        let wanted = if entry.kind == kind::STRING {
            1
        } else {
            entry.count
        };
        let mut strings = Vec::with_capacity(wanted.min(1024));
        let mut rest = &self.data[entry.offset..];
        for _ in 0..wanted {
            let Some(end) = rest.iter().position(|byte| *byte == 0) else {
                return Err(bad_entry(
                    entry,
                    "has a string that runs past the data store",
                ));
            };
            strings.push(&rest[..end]);
            rest = &rest[end + 1..];
        }
        Ok(strings)
    }

    /// Files the package owns, relative to the root. Modern headers split paths into
    /// `BASENAMES`, `DIRNAMES` and `DIRINDEXES` (one directory index per base name); old ones
    /// list `OLDFILENAMES`.
    fn file_paths(&self) -> Result<Vec<String>, HeaderError> {
        let Some(basenames) = self.find(tag::BASENAMES) else {
            let Some(old_names) = self.find(tag::OLDFILENAMES) else {
                return Ok(Vec::new());
            };
            let names = self.strings(old_names)?;
            return Ok(names
                .into_iter()
                .map(|name| relative_path(&[name]))
                .collect());
        };
        let basenames = self.strings(basenames)?;
        let files = basenames.len();

        let Some(indexes) = self.find(tag::DIRINDEXES) else {
            return Err(HeaderError::FileList(
                "BASENAMES without DIRINDEXES".to_owned(),
            ));
        };
        let directories = match self.find(tag::DIRNAMES) {
            Some(dirnames) => self.strings(dirnames)?,
            None => Vec::new(),
        };
        if indexes.kind != kind::INT32 || indexes.count != files {
            return Err(HeaderError::FileList(format!(
                "{files} base names but {} directory indexes",
                indexes.count
            )));
        }
        let mut paths = Vec::with_capacity(files);
        for (position, basename) in basenames.into_iter().enumerate() {
            let index = read_u32(self.data, indexes.offset + position * 4).unwrap_or(u32::MAX);
            let Some(directory) = directories.get(index as usize) else {
                return Err(HeaderError::FileList(format!(
                    "file {position} names directory {index} of {}",
                    directories.len()
                )));
            };
            paths.push(relative_path(&[directory, basename]));
        }
        Ok(paths)
    }
}

/// Joins raw name parts (a directory ending in `/` and a base name, or one whole name) into a
/// path relative to the root, as every path in a finding is.
fn relative_path(parts: &[&[u8]]) -> String {
    let joined: Vec<u8> = parts.concat();
    String::from_utf8_lossy(&joined)
        .trim_start_matches('/')
        .to_owned()
}

/// Checks that an entry's type exists and that its fixed-size values fit in the data store.
/// Strings are checked when read, since their length is only known by scanning for NUL.
fn check_entry(entry: &Entry, data_len: usize) -> Result<(), HeaderError> {
    if entry.kind > kind::LAST {
        return Err(bad_entry(entry, format!("has unknown type {}", entry.kind)));
    }
    if entry.offset > data_len || (entry.offset == data_len && entry.count > 0) {
        return Err(bad_entry(
            entry,
            format!(
                "points at offset {} beyond the {data_len}-byte data store",
                entry.offset
            ),
        ));
    }
    let width = match entry.kind {
        1 | 2 | 7 => 1,
        3 => 2,
        kind::INT32 => 4,
        kind::INT64 => 8,
        _ => 0,
    };
    let end = entry
        .count
        .checked_mul(width)
        .and_then(|bytes| bytes.checked_add(entry.offset));
    match end {
        Some(end) if end <= data_len => Ok(()),
        _ => Err(bad_entry(
            entry,
            format!(
                "holds {} values that run past the {data_len}-byte data store",
                entry.count
            ),
        )),
    }
}

fn bad_entry(entry: &Entry, problem: impl Into<String>) -> HeaderError {
    HeaderError::BadEntry {
        index: entry.index,
        tag: entry.tag,
        problem: problem.into(),
    }
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(slice.try_into().ok()?))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let slice = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_be_bytes(slice.try_into().ok()?))
}

/// Builds header blobs for tests, in the layout rpm writes.
#[cfg(test)]
pub(crate) mod build {
    /// A value of a test header.
    pub enum Value<'a> {
        Int32(&'a [u32]),
        Text(&'a str),
        Strings(&'a [&'a str]),
    }

    /// Encodes `(tag, value)` pairs as a header blob.
    pub fn header(entries: &[(u32, Value<'_>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, value) in entries {
            let (kind, count) = match value {
                Value::Int32(values) => {
                    while data.len() % 4 != 0 {
                        data.push(0);
                    }
                    (4u32, values.len())
                }
                Value::Text(_) => (6, 1),
                Value::Strings(values) => (8, values.len()),
            };
            for field in [*tag, kind, data.len() as u32, count as u32] {
                index.extend_from_slice(&field.to_be_bytes());
            }
            match value {
                Value::Int32(values) => {
                    values
                        .iter()
                        .for_each(|value| data.extend_from_slice(&value.to_be_bytes()));
                }
                Value::Text(text) => {
                    data.extend_from_slice(text.as_bytes());
                    data.push(0);
                }
                Value::Strings(values) => {
                    for text in *values {
                        data.extend_from_slice(text.as_bytes());
                        data.push(0);
                    }
                }
            }
        }
        let mut blob = Vec::new();
        blob.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        blob.extend_from_slice(&(data.len() as u32).to_be_bytes());
        blob.extend_from_slice(&index);
        blob.extend_from_slice(&data);
        blob
    }
}

#[cfg(test)]
mod tests {
    use super::build::{header, Value};
    use super::*;

    fn bash() -> Vec<u8> {
        header(&[
            (tag::NAME, Value::Text("bash")),
            (tag::EPOCH, Value::Int32(&[1])),
            (tag::VERSION, Value::Text("5.1.8")),
            (tag::RELEASE, Value::Text("6.el9")),
            (tag::ARCH, Value::Text("x86_64")),
            (tag::SOURCERPM, Value::Text("bash-5.1.8-6.el9.src.rpm")),
            (tag::LICENSE, Value::Text("GPLv3+")),
            (tag::SIZE, Value::Int32(&[7_000_000])),
            (tag::BASENAMES, Value::Strings(&["bash", "sh", "README"])),
            (
                tag::DIRNAMES,
                Value::Strings(&["/usr/bin/", "/usr/share/doc/bash/"]),
            ),
            (tag::DIRINDEXES, Value::Int32(&[0, 0, 1])),
        ])
    }

    #[test]
    fn a_complete_header_gives_every_field() {
        let package = parse_header(&bash()).expect("valid header");
        assert_eq!(package.name, "bash");
        assert_eq!(package.epoch, Some(1));
        assert_eq!(package.version, "5.1.8");
        assert_eq!(package.release, "6.el9");
        assert_eq!(package.architecture, "x86_64");
        assert_eq!(package.source_rpm, "bash-5.1.8-6.el9.src.rpm");
        assert_eq!(package.license, "GPLv3+");
        assert_eq!(package.size, Some(7_000_000));
        assert_eq!(package.files, 3);
        assert_eq!(
            package.paths,
            ["usr/bin/bash", "usr/bin/sh", "usr/share/doc/bash/README"]
        );
        assert_eq!(package.vendor, "");
    }

    #[test]
    fn old_headers_list_whole_file_names() {
        let blob = header(&[
            (tag::NAME, Value::Text("zlib")),
            (tag::VERSION, Value::Text("1.2.3")),
            (
                tag::OLDFILENAMES,
                Value::Strings(&["/usr/lib/libz.so.1", "/usr/share/doc/zlib"]),
            ),
        ]);
        let package = parse_header(&blob).expect("valid header");
        assert_eq!(package.files, 2);
        assert_eq!(package.paths, ["usr/lib/libz.so.1", "usr/share/doc/zlib"]);
    }

    #[test]
    fn an_offset_beyond_the_data_store_is_rejected() {
        let mut blob = bash();
        // The third entry (VERSION): its offset field is at 8 + 2 * 16 + 8.
        blob[48..52].copy_from_slice(&0x7fff_0000u32.to_be_bytes());
        let error = parse_header(&blob).expect_err("bad offset");
        assert!(
            matches!(
                error,
                HeaderError::BadEntry {
                    index: 2,
                    tag: 1001,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn counts_larger_than_the_blob_or_rpm_limits_are_rejected() {
        let blob = bash();
        assert!(matches!(
            parse_header(&blob[..blob.len() - 1]),
            Err(HeaderError::Truncated { .. })
        ));
        assert!(matches!(
            parse_header(&blob[..5]),
            Err(HeaderError::Truncated { .. })
        ));
        let mut huge = blob.clone();
        huge[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            parse_header(&huge),
            Err(HeaderError::TooLarge { .. })
        ));
        assert!(matches!(
            parse_header(&[0; 8]),
            Err(HeaderError::TooLarge { .. })
        ));
    }

    #[test]
    fn an_unterminated_string_is_rejected() {
        let mut blob = bash();
        let last = blob.len() - 1;
        // The data store ends with the DIRINDEXES integers; make the name run into them by
        // pointing NAME at the last byte.
        let data_start =
            blob.len() - u32::from_be_bytes([blob[4], blob[5], blob[6], blob[7]]) as usize;
        blob[16..20].copy_from_slice(&((last - data_start) as u32).to_be_bytes());
        blob[last] = b'x';
        assert!(matches!(
            parse_header(&blob),
            Err(HeaderError::BadEntry { index: 0, .. })
        ));
    }

    #[test]
    fn a_directory_index_out_of_range_is_rejected() {
        let blob = header(&[
            (tag::NAME, Value::Text("x")),
            (tag::VERSION, Value::Text("1")),
            (tag::BASENAMES, Value::Strings(&["a"])),
            (tag::DIRNAMES, Value::Strings(&["/"])),
            (tag::DIRINDEXES, Value::Int32(&[3])),
        ]);
        assert!(matches!(parse_header(&blob), Err(HeaderError::FileList(_))));
    }

    #[test]
    fn a_header_without_a_name_is_rejected() {
        let blob = header(&[(tag::VERSION, Value::Text("1"))]);
        assert_eq!(parse_header(&blob), Err(HeaderError::Missing("NAME")));
    }
}
