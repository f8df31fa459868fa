//! Writes a database file from advisories.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use purser_advisory::Advisory;

use crate::display::AdvisoryDisplay;
use crate::ecosystem::{is_release_scoped, normalise_name, normalise_release};
use crate::error::DbError;
use crate::format::{self, Header, SectionId, FIXED_HEADER_LEN, SCHEMA_VERSION, SECTION_COUNT};
use crate::info::{DatabaseInfo, SourceInfo};
use crate::key_block::{self, Member};
use crate::strings::{StringTable, TooLarge};
use crate::Database;

/// Collects advisories and writes them as one database file.
///
/// The output depends only on the advisories, their order and the build time: the same input
/// gives a byte-identical file.
#[derive(Debug, Clone)]
pub struct DatabaseBuilder {
    built_at: String,
    sources: Vec<SourceInfo>,
    /// Advisories kept (not withdrawn), with the index of their source.
    advisories: Vec<(usize, Advisory)>,
}

/// The advisories grouped by `(ecosystem, normalised name)`, each key listing
/// `(advisory index, affected index)` pairs in input order.
type Keys = BTreeMap<(String, String), Vec<(usize, usize)>>;

impl DatabaseBuilder {
    /// A builder stamping `built_at` (RFC 3339, such as `2026-12-03T20:00:00Z`) into the header.
    pub fn new(built_at: impl Into<String>) -> Self {
        Self {
            built_at: built_at.into(),
            sources: Vec::new(),
            advisories: Vec::new(),
        }
    }

    /// Adds the advisories of one source. Withdrawn advisories are dropped and counted; a name
    /// given twice adds to the same source.
    pub fn add_source(
        &mut self,
        name: &str,
        advisories: impl IntoIterator<Item = Advisory>,
    ) -> &mut Self {
        let index = match self.sources.iter().position(|source| source.name == name) {
            Some(index) => index,
            None => {
                self.sources.push(SourceInfo {
                    name: name.to_owned(),
                    ..SourceInfo::default()
                });
                self.sources.len() - 1
            }
        };

        for advisory in advisories {
            self.sources[index].count(&advisory);
            if advisory.is_withdrawn() {
                tracing::debug!(id = %advisory.id, source = name, "dropping withdrawn advisory");
                continue;
            }
            self.advisories.push((index, advisory));
        }
        self
    }

    /// Writes the database to `path` through a temporary file in the same directory, checks it
    /// with [`Database::verify`], then renames it over `path`; `path` never holds a partial file.
    ///
    /// # Errors
    ///
    /// Returns [`DbError::Build`] when the build time is not RFC 3339 or a section would exceed
    /// 4 GiB, and [`DbError::Write`] when the file cannot be written or renamed.
    pub fn write(&self, path: &Path) -> Result<DatabaseInfo, DbError> {
        let bytes = self.to_bytes(path)?;
        let write_error = |source| DbError::Write {
            path: path.to_owned(),
            source,
        };

        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut temporary = tempfile::NamedTempFile::new_in(directory).map_err(write_error)?;
        temporary.write_all(&bytes).map_err(write_error)?;
        temporary.as_file().sync_all().map_err(write_error)?;
        make_world_readable(temporary.as_file()).map_err(write_error)?;

        let written = Database::open(temporary.path())?;
        written.verify()?;
        let info = written.info()?;
        drop(written);

        temporary
            .persist(path)
            .map_err(|error| write_error(error.error))?;
        tracing::info!(
            path = %path.display(),
            advisories = info.advisories,
            packages = info.packages,
            bytes = info.file_size,
            "vulnerability database written"
        );
        Ok(info)
    }

    /// The complete file, as [`DatabaseBuilder::write`] stores it; `path` only names the file in
    /// errors.
    ///
    /// # Errors
    ///
    /// Returns [`DbError::Build`] when the build time is not RFC 3339 or a section would exceed
    /// 4 GiB.
    pub fn to_bytes(&self, path: &Path) -> Result<Vec<u8>, DbError> {
        let build_error = |detail: String| DbError::Build {
            path: path.to_owned(),
            detail,
        };
        if !is_rfc3339(&self.built_at) {
            return Err(build_error(format!(
                "build time {:?} is not an RFC 3339 timestamp",
                self.built_at
            )));
        }

        let keys = self.group_keys();
        let sections = self
            .encode_sections(&keys)
            .map_err(|TooLarge| build_error("a section would exceed 4 GiB".to_owned()))?;
        let metadata = self.metadata(&keys);
        let metadata = serde_json::to_vec(&metadata)
            .map_err(|error| build_error(format!("cannot encode the metadata: {error}")))?;
        Ok(assemble(&metadata, &sections))
    }

    fn group_keys(&self) -> Keys {
        let mut keys = Keys::new();
        for (advisory_index, (_, advisory)) in self.advisories.iter().enumerate() {
            for (affected_index, affected) in advisory.affected.iter().enumerate() {
                let ecosystem = &affected.ecosystem.name;
                let name = normalise_name(ecosystem, &affected.package);
                keys.entry((ecosystem.clone(), name))
                    .or_default()
                    .push((advisory_index, affected_index));
            }
        }
        keys
    }

    /// The normalised releases of each ecosystem (empty for ecosystems that ignore releases).
    fn coverage(&self) -> BTreeMap<&str, BTreeSet<&str>> {
        let mut coverage: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (_, advisory) in &self.advisories {
            for affected in &advisory.affected {
                let ecosystem = affected.ecosystem.name.as_str();
                let releases = coverage.entry(ecosystem).or_default();
                if let (true, Some(release)) =
                    (is_release_scoped(ecosystem), &affected.ecosystem.release)
                {
                    releases.insert(normalise_release(ecosystem, release));
                }
            }
        }
        coverage
    }

    fn encode_sections(&self, keys: &Keys) -> Result<[Vec<u8>; SECTION_COUNT], TooLarge> {
        let mut strings = StringTable::default();
        let mut ecosystems = Vec::new();
        let mut releases = Vec::new();
        let mut key_records = Vec::new();
        let mut entries = Vec::new();

        // Ecosystems and their releases; keys of one ecosystem are contiguous in `keys`.
        let mut first_key = 0usize;
        for (ecosystem, covered) in self.coverage() {
            let key_count = keys.range(key_bounds(ecosystem)).count();
            strings.write_ref(ecosystem, &mut ecosystems)?;
            push_u32(&mut ecosystems, first_key)?;
            push_u32(&mut ecosystems, key_count)?;
            push_u32(&mut ecosystems, releases.len() / format::STRING_REF_LEN)?;
            push_u32(&mut ecosystems, covered.len())?;
            for release in covered {
                strings.write_ref(release, &mut releases)?;
            }
            first_key += key_count;
        }

        for ((ecosystem, name), members) in keys {
            let block_offset = entries.len();
            let members = members
                .iter()
                .map(|&(advisory_index, affected_index)| {
                    Ok(Member {
                        advisory: u32::try_from(advisory_index).map_err(|_| TooLarge)?,
                        affected: &self.advisories[advisory_index].1.affected[affected_index],
                    })
                })
                .collect::<Result<Vec<_>, TooLarge>>()?;
            key_block::encode(ecosystem, &members, &mut strings, &mut entries)?;
            strings.write_ref(name, &mut key_records)?;
            push_u32(&mut key_records, block_offset)?;
            push_u32(&mut key_records, entries.len() - block_offset)?;
            push_u32(&mut key_records, members.len())?;
        }

        let mut advisory_records = Vec::new();
        let mut display = Vec::new();
        for (source, advisory) in &self.advisories {
            let start = display.len();
            let data = AdvisoryDisplay::new(advisory, &self.sources[*source].name);
            // Display data holds only strings, numbers and lists: encoding cannot fail.
            serde_json::to_writer(&mut display, &data).map_err(|_| TooLarge)?;
            push_u32(&mut advisory_records, start)?;
            push_u32(&mut advisory_records, display.len() - start)?;
        }

        let sections = [
            strings.into_bytes(),
            ecosystems,
            releases,
            key_records,
            entries,
            advisory_records,
            display,
        ];
        if sections
            .iter()
            .any(|section| section.len() > u32::MAX as usize)
        {
            return Err(TooLarge);
        }
        Ok(sections)
    }

    fn metadata(&self, keys: &Keys) -> DatabaseInfo {
        DatabaseInfo {
            schema_version: SCHEMA_VERSION,
            file_size: 0,
            built_at: self.built_at.clone(),
            sources: self.sources.clone(),
            advisories: self.advisories.len() as u64,
            packages: keys.len() as u64,
            entries: keys.values().map(|members| members.len() as u64).sum(),
        }
    }
}

/// One end of a key range in a [`Keys`] map.
type KeyBound = std::ops::Bound<(String, String)>;

/// The key range of one ecosystem in a [`Keys`] map.
fn key_bounds(ecosystem: &str) -> (KeyBound, KeyBound) {
    let start = (ecosystem.to_owned(), String::new());
    // Every key of the ecosystem sorts below the same ecosystem name followed by a NUL byte.
    let end = (format!("{ecosystem}\0"), String::new());
    (
        std::ops::Bound::Included(start),
        std::ops::Bound::Excluded(end),
    )
}

fn push_u32(out: &mut Vec<u8>, value: usize) -> Result<(), TooLarge> {
    let value = u32::try_from(value).map_err(|_| TooLarge)?;
    out.extend_from_slice(&value.to_le_bytes());
    Ok(())
}

/// Lays out header, metadata and sections, then fills in both checksums.
fn assemble(metadata: &[u8], sections: &[Vec<u8>; SECTION_COUNT]) -> Vec<u8> {
    let header_len = (FIXED_HEADER_LEN + metadata.len()) as u64;
    let mut table = [(0, 0); SECTION_COUNT];
    let mut next = header_len;
    for (slot, section) in table.iter_mut().zip(sections) {
        *slot = (next, section.len() as u64);
        next += section.len() as u64;
    }
    let mut header = Header {
        schema_version: SCHEMA_VERSION,
        header_len,
        file_len: next,
        header_checksum: [0; 32],
        body_checksum: [0; 32],
        sections: table,
        metadata_len: u32::try_from(metadata.len()).expect("metadata of a few sources fits u32"),
    };

    let mut file = header.encode();
    file.extend_from_slice(metadata);
    for section in sections {
        file.extend_from_slice(section);
    }

    header.body_checksum = format::body_checksum(&file[header.range(SectionId::Strings).start..]);
    file[56..88].copy_from_slice(&header.body_checksum);
    header.header_checksum = format::header_checksum(&file, &header);
    file[24..56].copy_from_slice(&header.header_checksum);
    file
}

/// Whether `text` has the shape of an RFC 3339 timestamp: `YYYY-MM-DDTHH:MM:SS`, optional
/// fraction, then `Z` or `±HH:MM`.
fn is_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let at = |index: usize, expected: &[u8]| bytes.get(index).is_some_and(|b| expected.contains(b));
    if !(digits(0..4)
        && at(4, b"-")
        && digits(5..7)
        && at(7, b"-")
        && digits(8..10)
        && at(10, b"Tt ")
        && digits(11..13)
        && at(13, b":")
        && digits(14..16)
        && at(16, b":")
        && digits(17..19))
    {
        return false;
    }

    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return false;
        }
        rest = &fraction[end..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(unix)]
fn make_world_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn make_world_readable(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_times_must_be_rfc3339() {
        assert!(is_rfc3339("2026-12-03T20:00:00Z"));
        assert!(is_rfc3339("2026-12-03T20:00:00.123+01:00"));
        assert!(!is_rfc3339("2026-12-03"));
        assert!(!is_rfc3339("2026-12-03T20:00:00"));
        assert!(!is_rfc3339("2026-12-03T20:00:00.Z"));
        assert!(!is_rfc3339("yesterday at noon"));

        let error = DatabaseBuilder::new("now")
            .to_bytes(Path::new("db"))
            .unwrap_err();
        assert!(error.to_string().contains("not an RFC 3339 timestamp"));
    }

    #[test]
    fn key_bounds_cover_one_ecosystem_only() {
        let mut keys = Keys::new();
        for (ecosystem, name) in [("Go", "a"), ("Go", "zz"), ("Go2", "a"), ("G", "z")] {
            keys.insert((ecosystem.to_owned(), name.to_owned()), Vec::new());
        }
        assert_eq!(keys.range(key_bounds("Go")).count(), 2);
    }
}
