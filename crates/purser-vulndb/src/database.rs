//! Opening a database file: map it, check the fixed header, and nothing else.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use memmap2::Mmap;

use crate::ecosystem::{compare_stored, is_release_scoped, normalise_release, NormalisedName};
use crate::error::{Corruption, DbError};
use crate::format::{
    self, Header, SectionId, ECOSYSTEM_RECORD_LEN, FIXED_HEADER_LEN, KEY_RECORD_LEN, MAGIC,
    SCHEMA_VERSION, STRING_REF_LEN,
};
use crate::info::DatabaseInfo;
use crate::reader::{Section, StringRef, Strings};

/// The longest normalised package name `Database::find_key` compares from a stack buffer.
const NAME_BUFFER_LEN: usize = 256;

/// An open, memory-mapped vulnerability database.
///
/// Opening checks the header only; the body is read on demand with every offset bounds-checked,
/// so a damaged body gives [`DbError::Corrupt`] from the call that meets it. [`Database::verify`]
/// checks the whole file against its body checksum.
#[derive(Debug)]
pub struct Database {
    path: PathBuf,
    map: Mmap,
    header: Header,
}

/// An ecosystem the database has data for, with its releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The ecosystem's OSV name (`Debian`, `PyPI`).
    pub ecosystem: String,
    /// Normalised releases with data (`12`, `3.19`); empty for ecosystems that ignore releases.
    pub releases: Vec<String>,
}

/// One ecosystem record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EcosystemRecord {
    pub(crate) name: StringRef,
    pub(crate) first_key: u32,
    pub(crate) key_count: u32,
    pub(crate) first_release: u32,
    pub(crate) release_count: u32,
}

/// One key record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRecord {
    pub(crate) entries_offset: usize,
    pub(crate) entries_length: usize,
}

impl Database {
    /// Opens and maps the database at `path`, checking its magic, schema version, size and
    /// header checksum. The cost does not depend on the number of advisories.
    ///
    /// # Errors
    ///
    /// [`DbError::Read`] when the file cannot be opened or mapped; [`DbError::NotADatabase`],
    /// [`DbError::TooNew`], [`DbError::TooOld`], [`DbError::Truncated`] or [`DbError::Corrupt`] when it
    /// cannot be used.
    pub fn open(path: impl AsRef<Path>) -> Result<Database, DbError> {
        let path = path.as_ref();
        let read_error = |source| DbError::Read {
            path: path.to_owned(),
            source,
        };
        let mut file = File::open(path).map_err(read_error)?;
        let size = file.metadata().map_err(read_error)?.len();

        if size < FIXED_HEADER_LEN as u64 {
            return Err(short_file_error(path, &mut file, size));
        }
        let map = map_read_only(&file).map_err(read_error)?;
        let header = check_header(path, &map)?;
        tracing::debug!(path = %path.display(), size, "vulnerability database opened");
        Ok(Database {
            path: path.to_owned(),
            map,
            header,
        })
    }

    /// The file this database was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks the whole body against the checksum in the header.
    ///
    /// # Errors
    ///
    /// [`DbError::Corrupt`] when the body's SHA-256 differs from the recorded one.
    pub fn verify(&self) -> Result<(), DbError> {
        let body = &self.map[self.header.range(SectionId::Strings).start..];
        if format::body_checksum(body) != self.header.body_checksum {
            return Err(Corruption("body checksum mismatch".to_owned()).at(&self.path));
        }
        Ok(())
    }

    /// What the header says: build time, sources, sizes.
    ///
    /// # Errors
    ///
    /// [`DbError::Corrupt`] when the metadata is not the JSON this schema writes.
    pub fn info(&self) -> Result<DatabaseInfo, DbError> {
        let metadata = &self.map[FIXED_HEADER_LEN..self.header.range(SectionId::Strings).start];
        let mut info: DatabaseInfo = serde_json::from_slice(metadata).map_err(|error| {
            Corruption(format!("header metadata is not valid: {error}")).at(&self.path)
        })?;
        info.schema_version = self.header.schema_version;
        info.file_size = self.header.file_len;
        Ok(info)
    }

    /// Whether the database has data for `ecosystem` (OSV name) and, for distributions scoped
    /// by release, for `release` (`3.19` and `v3.19` are the same Alpine release). `false` is a
    /// coverage gap the caller reports; it does not mean "no vulnerabilities".
    ///
    /// # Errors
    ///
    /// [`DbError::Corrupt`] when an ecosystem or release record points outside the strings.
    pub fn covers(&self, ecosystem: &str, release: Option<&str>) -> Result<bool, DbError> {
        let Some(record) = self.find_ecosystem(ecosystem)? else {
            return Ok(false);
        };
        let release = match release {
            Some(release) if is_release_scoped(ecosystem) => normalise_release(ecosystem, release),
            _ => return Ok(true),
        };
        for index in 0..record.release_count {
            let reference = self.release_ref(record.first_release.saturating_add(index))?;
            if self
                .strings()
                .bytes(reference)
                .map_err(|c| c.at(&self.path))?
                == release.as_bytes()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Every ecosystem the database has data for, sorted by name.
    ///
    /// # Errors
    ///
    /// [`DbError::Corrupt`] when an ecosystem or release record points outside the strings.
    pub fn coverage(&self) -> Result<Vec<Coverage>, DbError> {
        let count = self.section(SectionId::Ecosystems).len() / ECOSYSTEM_RECORD_LEN;
        let mut coverage = Vec::with_capacity(count);
        for index in 0..count {
            let record = self.ecosystem_record(index).map_err(|c| c.at(&self.path))?;
            let name = self.text(record.name)?;
            let mut releases = Vec::new();
            for offset in 0..record.release_count {
                let reference = self.release_ref(record.first_release.saturating_add(offset))?;
                releases.push(self.text(reference)?.to_owned());
            }
            coverage.push(Coverage {
                ecosystem: name.to_owned(),
                releases,
            });
        }
        Ok(coverage)
    }

    /// The bytes of one section.
    pub(crate) fn section(&self, id: SectionId) -> Section<'_> {
        Section::new(id, &self.map[self.header.range(id)])
    }

    /// The strings section.
    pub(crate) fn strings(&self) -> Strings<'_> {
        Strings(self.section(SectionId::Strings))
    }

    /// Attaches this file's path to a corruption.
    pub(crate) fn corrupt(&self, corruption: Corruption) -> DbError {
        corruption.at(&self.path)
    }

    fn text(&self, reference: StringRef) -> Result<&str, DbError> {
        self.strings().text(reference).map_err(|c| c.at(&self.path))
    }

    fn release_ref(&self, index: u32) -> Result<StringRef, DbError> {
        let releases = self.section(SectionId::Releases);
        let mut cursor = releases.cursor(index as usize * STRING_REF_LEN);
        cursor.string_ref().map_err(|c| c.at(&self.path))
    }

    fn ecosystem_record(&self, index: usize) -> Result<EcosystemRecord, Corruption> {
        let section = self.section(SectionId::Ecosystems);
        let mut cursor = section.cursor(index * ECOSYSTEM_RECORD_LEN);
        Ok(EcosystemRecord {
            name: cursor.string_ref()?,
            first_key: cursor.u32()?,
            key_count: cursor.u32()?,
            first_release: cursor.u32()?,
            release_count: cursor.u32()?,
        })
    }

    /// Binary search of the ecosystem table by exact OSV name.
    pub(crate) fn find_ecosystem(&self, name: &str) -> Result<Option<EcosystemRecord>, DbError> {
        let strings = self.strings();
        let (mut low, mut high) = (
            0,
            self.section(SectionId::Ecosystems).len() / ECOSYSTEM_RECORD_LEN,
        );
        while low < high {
            let middle = low + (high - low) / 2;
            let record = self
                .ecosystem_record(middle)
                .map_err(|c| c.at(&self.path))?;
            let stored = strings.bytes(record.name).map_err(|c| c.at(&self.path))?;
            match stored.cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(Some(record)),
            }
        }
        Ok(None)
    }

    /// Binary search of one ecosystem's keys for `name`, normalised on the fly.
    pub(crate) fn find_key(
        &self,
        ecosystem: &str,
        record: &EcosystemRecord,
        name: &str,
    ) -> Result<Option<KeyRecord>, Corruption> {
        let keys = self.section(SectionId::Keys);
        let strings = self.strings();
        let first = record.first_key as usize;
        // The name is normalised once into a buffer when it fits, so that each step of the
        // search is a plain byte comparison; a longer name is normalised again at each step.
        let mut buffer = [0u8; NAME_BUFFER_LEN];
        let mut normalised_len = 0;
        let mut fits = true;
        for byte in NormalisedName::new(ecosystem, name) {
            let Some(slot) = buffer.get_mut(normalised_len) else {
                fits = false;
                break;
            };
            *slot = byte;
            normalised_len += 1;
        }
        let normalised = &buffer[..normalised_len];
        let (mut low, mut high) = (first, first.saturating_add(record.key_count as usize));
        while low < high {
            let middle = low + (high - low) / 2;
            let mut cursor = keys.cursor(middle * KEY_RECORD_LEN);
            let stored = strings.bytes(cursor.string_ref()?)?;
            let order = if fits {
                stored.cmp(normalised)
            } else {
                compare_stored(stored, NormalisedName::new(ecosystem, name))
            };
            match order {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => {
                    return Ok(Some(KeyRecord {
                        entries_offset: cursor.u32()? as usize,
                        entries_length: cursor.u32()? as usize,
                    }))
                }
            }
        }
        Ok(None)
    }
}

/// Maps `file` read-only.
#[expect(
    unsafe_code,
    reason = "memory-mapping a file is unsafe in Rust's model"
)]
fn map_read_only(file: &File) -> std::io::Result<Mmap> {
    // SAFETY: the map is read-only and the file is opened read-only. Purser never modifies a
    // database file in place: builds and updates write a new file and rename it over the old
    // path, which leaves this mapping on the old inode intact. Any other writer to the file would
    // violate that contract, and even then every read is bounds-checked against the map length.
    unsafe { Mmap::map(file) }
}

/// The error for a file shorter than the fixed header: not a database unless it starts with
/// (a prefix of) the magic.
fn short_file_error(path: &Path, file: &mut File, size: u64) -> DbError {
    let mut start = Vec::new();
    if let Err(source) = file.take(MAGIC.len() as u64).read_to_end(&mut start) {
        return DbError::Read {
            path: path.to_owned(),
            source,
        };
    }
    if start.is_empty() || !MAGIC.starts_with(&start) {
        return DbError::NotADatabase {
            path: path.to_owned(),
        };
    }
    DbError::Truncated {
        path: path.to_owned(),
        expected: FIXED_HEADER_LEN as u64,
        actual: size,
    }
}

/// Checks magic, version, size, layout and header checksum, in that order.
fn check_header(path: &Path, map: &[u8]) -> Result<Header, DbError> {
    if map[..MAGIC.len()] != MAGIC {
        return Err(DbError::NotADatabase {
            path: path.to_owned(),
        });
    }
    let mut fixed = [0; FIXED_HEADER_LEN];
    fixed.copy_from_slice(&map[..FIXED_HEADER_LEN]);
    let header = Header::decode(&fixed);

    if header.schema_version > SCHEMA_VERSION {
        return Err(DbError::TooNew {
            path: path.to_owned(),
            found: header.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    if header.schema_version < SCHEMA_VERSION {
        return Err(DbError::TooOld {
            path: path.to_owned(),
            found: header.schema_version,
            supported: SCHEMA_VERSION,
        });
    }

    let actual = map.len() as u64;
    if actual < header.file_len {
        return Err(DbError::Truncated {
            path: path.to_owned(),
            expected: header.file_len,
            actual,
        });
    }
    if actual > header.file_len {
        return Err(Corruption(format!(
            "{} bytes follow the recorded end of file",
            actual - header.file_len
        ))
        .at(path));
    }
    header.check_layout().map_err(|c| c.at(path))?;

    if format::header_checksum(map, &header) != header.header_checksum {
        return Err(Corruption("header checksum mismatch".to_owned()).at(path));
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use purser_advisory::{Advisory, Affected, Ecosystem, RangeEvent, RangeKind, VersionRange};

    use crate::{DatabaseBuilder, PackageQuery};

    fn advisory(id: &str, package: &str) -> Advisory {
        Advisory {
            id: id.to_owned(),
            affected: vec![Affected {
                ecosystem: Ecosystem::parse("PyPI"),
                package: package.to_owned(),
                ranges: vec![VersionRange {
                    kind: RangeKind::Ecosystem,
                    repo: None,
                    events: vec![
                        RangeEvent::Introduced("0".to_owned()),
                        RangeEvent::Fixed("2.0".to_owned()),
                    ],
                }],
                ..Affected::default()
            }],
            ..Advisory::default()
        }
    }

    #[test]
    fn names_longer_than_the_buffer_are_found_too() {
        let long = format!("{}_end", "Long.Name".repeat(40));
        let names = ["aaa", "Zope.Interface", long.as_str(), "zzz"];
        let advisories = names
            .iter()
            .enumerate()
            .map(|(index, name)| advisory(&format!("PYSEC-0000-{index}"), name));
        let directory = tempfile::tempdir().expect("temporary directory");
        let path = directory.path().join("names.purser");
        DatabaseBuilder::new("2026-12-04T00:00:00Z")
            .add_source("names", advisories)
            .write(&path)
            .expect("database builds");
        let database = crate::Database::open(&path).expect("database opens");

        let spelled_long = long.replace('.', "-").replace('_', ".").to_uppercase();
        for name in ["AAA", "zope_interface", spelled_long.as_str(), "zzz"] {
            let query = PackageQuery {
                ecosystem: "PyPI",
                release: None,
                name,
                version: "1.0",
            };
            let found = database.affecting(&query).expect("lookup");
            assert_eq!(found.entries, 1, "{name}");
        }
        let missing = format!("{}_enc", "long.name".repeat(40));
        let query = PackageQuery {
            ecosystem: "PyPI",
            release: None,
            name: &missing,
            version: "1.0",
        };
        assert_eq!(database.affecting(&query).expect("lookup").entries, 0);
    }
}
