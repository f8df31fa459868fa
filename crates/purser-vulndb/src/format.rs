//! The database file's layout, schema version 3.
//!
//! All integers are little-endian. Offsets inside a section are `u32`, so no section may exceed
//! 4 GiB (the builder refuses larger ones). A *string reference* is 8 bytes, `offset: u32` and
//! `length: u32` into the strings section; offset `0xFFFF_FFFF` means "absent".
//!
//! # Fixed header (208 bytes)
//!
//! | offset | size | field |
//! |---:|---:|---|
//! | 0 | 8 | magic `PURSERDB` |
//! | 8 | 4 | schema version (`3`); a higher one is refused as too new, a lower one as unreadable |
//! | 12 | 4 | header length: 208 + metadata length; the body starts here |
//! | 16 | 8 | file length; a shorter file is refused as truncated |
//! | 24 | 32 | header checksum: SHA-256 of bytes 0..24, bytes 56..header length, the ecosystems and the releases sections |
//! | 56 | 32 | body checksum: SHA-256 of bytes header length..file length, checked by `verify` only |
//! | 88 | 112 | section table: seven `(offset: u64, length: u64)` pairs, in the order below |
//! | 200 | 4 | metadata length |
//! | 204 | 4 | reserved, zero |
//! | 208 | n | metadata: JSON with the build time and the sources ([`crate::DatabaseInfo`]) |
//!
//! # Sections (contiguous, in this order, from the header length to the file length)
//!
//! | # | section | content |
//! |---:|---|---|
//! | 0 | strings | UTF-8 bytes of every name, release and version, deduplicated |
//! | 1 | ecosystems | 24-byte records sorted by name: name (string ref), first key, key count, first release, release count |
//! | 2 | releases | 8-byte string refs: each ecosystem's normalised releases, sorted |
//! | 3 | keys | 20-byte records sorted by normalised name within each ecosystem: name (string ref), offset and length of the key's block in the entries section, entry count |
//! | 4 | entries | one block per key: its release table, its breakpoints, then its affected-entries, see below |
//! | 5 | advisories | 8-byte records: offset and length of the advisory's display JSON |
//! | 6 | display | JSON of each advisory's display data, decoded only for a hit |
//!
//! # A key's block
//!
//! The block starts with the key's *release table*: its row count (`u32`) and per row
//! ([`RELEASE_RECORD_LEN`] bytes) a normalised release (string ref, absent for entries without
//! a release) and the offset and length (`u32` each) of that release's entries, counted from the
//! first entry of the key. In a release-scoped ecosystem (Debian, Ubuntu, Alpine, AlmaLinux...)
//! the builder writes a key's entries grouped by release, groups in order of first appearance
//! and entries in database order within each, one row per group, so a lookup reads only the
//! entries of its release; elsewhere the table is empty and the entries keep database order.
//! Schema 3 added the table.
//!
//! The *breakpoint lists* follow: their count (`u32`, at most
//! [`MAX_BREAKPOINT_LISTS`]) and per list its version count (`u32`) and versions (string refs).
//! A list holds every distinct version (by the scheme's order, equal versions once) named by the
//! events of the key's ranges ordered by one scheme (the ecosystem's, or SemVer for `SEMVER`
//! ranges), sorted by that scheme, except `introduced: "0"`. A lookup binary-searches the
//! installed version in a list once; every event then compares by its rank, an integer.
//!
//! The entries follow, each: its byte length (`u32`, including itself), the advisory index
//! (`u32`), release, package as written, status text and severity source (string refs), status
//! (`u8`), severity (`u8`, 0 for none), the listed-version count (`u32`) and the versions (string
//! refs), then the range count (`u32`) and per range its kind (`u8`), the breakpoint list its
//! ranks index (`u8`, [`UNRANKED_RANGE`] for none), event count (`u32`) and per event
//! ([`EVENT_RECORD_LEN`] bytes) its kind (`u8`), rank (`u32`) and version (string ref).
//!
//! Event kinds: 0 `introduced`, 1 `fixed`, 2 `last_affected`, 3 `limit` (OSV's), and 4
//! `introduced after`, Purser's exclusive lower bound (a range starting just after its version),
//! added to schema 2 before any release. A reader meets a kind byte only when it evaluates that
//! range, so it refuses an unknown kind there, as a corrupt file, rather than at open: readers
//! built before kind 4 existed fail such a lookup with "unknown range event kind 4" instead of
//! answering without the range.
//!
//! A range with a list has its events sorted at build time as OSV's evaluation orders them, and
//! each event's rank is its version's index in the list ([`ZERO_RANK`] for `introduced: "0"`).
//! A range the builder could not sort (no scheme for its kind, or a version the scheme rejects)
//! has no list and keeps its events in the advisory's order with rank [`ZERO_RANK`]; a lookup
//! sorts it again to report why it was skipped.
//!
//! # Why these checksums
//!
//! The header checksum covers everything `open` trusts (sizes, metadata, the ecosystem table),
//! whose size grows with the number of sources and ecosystems but not with the number of
//! advisories, so opening stays constant-time. The keys and entries are guarded by bounds checks
//! on every read and, fully, by the body checksum. SHA-256 rather than a faster non-cryptographic
//! hash: the file arrives by download or `db import` from another machine, so the checksum also
//! detects deliberate tampering of a mirrored copy when compared with a published digest; it is
//! already a workspace dependency; and verifying a 100 MB file costs well under a second.

use sha2::{Digest, Sha256};

use crate::error::Corruption;

/// The first eight bytes of every database file.
pub const MAGIC: [u8; 8] = *b"PURSERDB";

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 3;

/// Length of the fixed part of the header.
pub const FIXED_HEADER_LEN: usize = 208;

/// Number of sections in the body.
pub const SECTION_COUNT: usize = 7;

/// Size of a string reference.
pub const STRING_REF_LEN: usize = 8;

/// Size of an ecosystem record.
pub const ECOSYSTEM_RECORD_LEN: usize = 24;

/// Size of a key record.
pub const KEY_RECORD_LEN: usize = 20;

/// Size of an advisory record.
pub const ADVISORY_RECORD_LEN: usize = 8;

/// Size of one stored range event: kind, rank and version.
pub const EVENT_RECORD_LEN: usize = 13;

/// Size of one row of a key's release table: release, entries offset and entries length.
pub const RELEASE_RECORD_LEN: usize = 16;

/// The breakpoint-list byte of a range stored unsorted.
pub const UNRANKED_RANGE: u8 = 0xFF;

/// The rank of `introduced: "0"`, and of every event of a range stored unsorted.
pub const ZERO_RANK: u32 = u32::MAX;

/// The most breakpoint lists one key has: its ecosystem's scheme and SemVer.
pub const MAX_BREAKPOINT_LISTS: usize = 2;

/// The offset meaning "no string".
pub const ABSENT: u32 = u32::MAX;

/// The body's sections, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionId {
    /// Deduplicated strings.
    Strings = 0,
    /// Ecosystem records.
    Ecosystems = 1,
    /// Release string references.
    Releases = 2,
    /// Key records.
    Keys = 3,
    /// Affected-entries.
    Entries = 4,
    /// Advisory records.
    Advisories = 5,
    /// Display JSON.
    Display = 6,
}

impl SectionId {
    /// Every section, in file order.
    pub const ALL: [SectionId; SECTION_COUNT] = [
        SectionId::Strings,
        SectionId::Ecosystems,
        SectionId::Releases,
        SectionId::Keys,
        SectionId::Entries,
        SectionId::Advisories,
        SectionId::Display,
    ];

    /// The section's name in error messages.
    pub fn name(self) -> &'static str {
        match self {
            SectionId::Strings => "strings",
            SectionId::Ecosystems => "ecosystems",
            SectionId::Releases => "releases",
            SectionId::Keys => "keys",
            SectionId::Entries => "entries",
            SectionId::Advisories => "advisories",
            SectionId::Display => "display",
        }
    }

    /// The size of one record, for sections made of fixed records.
    fn record_len(self) -> Option<usize> {
        match self {
            SectionId::Ecosystems => Some(ECOSYSTEM_RECORD_LEN),
            SectionId::Releases => Some(STRING_REF_LEN),
            SectionId::Keys => Some(KEY_RECORD_LEN),
            SectionId::Advisories => Some(ADVISORY_RECORD_LEN),
            SectionId::Strings | SectionId::Entries | SectionId::Display => None,
        }
    }
}

/// The fixed header, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Schema version.
    pub schema_version: u32,
    /// Where the body starts.
    pub header_len: u64,
    /// Expected file size.
    pub file_len: u64,
    /// SHA-256 of the trusted header parts.
    pub header_checksum: [u8; 32],
    /// SHA-256 of the body.
    pub body_checksum: [u8; 32],
    /// `(offset, length)` of each section.
    pub sections: [(u64, u64); SECTION_COUNT],
    /// Length of the metadata JSON.
    pub metadata_len: u32,
}

impl Header {
    /// Encodes the fixed header (208 bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(FIXED_HEADER_LEN);
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&self.schema_version.to_le_bytes());
        let header_len = u32::try_from(self.header_len).expect("header length fits u32");
        bytes.extend_from_slice(&header_len.to_le_bytes());
        bytes.extend_from_slice(&self.file_len.to_le_bytes());
        bytes.extend_from_slice(&self.header_checksum);
        bytes.extend_from_slice(&self.body_checksum);
        for (offset, length) in self.sections {
            bytes.extend_from_slice(&offset.to_le_bytes());
            bytes.extend_from_slice(&length.to_le_bytes());
        }
        bytes.extend_from_slice(&self.metadata_len.to_le_bytes());
        bytes.extend_from_slice(&[0; 4]);
        bytes
    }

    /// Decodes the fixed header from the first [`FIXED_HEADER_LEN`] bytes; the caller has checked
    /// the magic and the length.
    pub fn decode(bytes: &[u8; FIXED_HEADER_LEN]) -> Header {
        let u32_at = |at: usize| u32::from_le_bytes(array(&bytes[at..at + 4]));
        let u64_at = |at: usize| u64::from_le_bytes(array(&bytes[at..at + 8]));

        let mut sections = [(0, 0); SECTION_COUNT];
        for (index, section) in sections.iter_mut().enumerate() {
            let at = 88 + index * 16;
            *section = (u64_at(at), u64_at(at + 8));
        }
        Header {
            schema_version: u32_at(8),
            header_len: u64::from(u32_at(12)),
            file_len: u64_at(16),
            header_checksum: array(&bytes[24..56]),
            body_checksum: array(&bytes[56..88]),
            sections,
            metadata_len: u32_at(200),
        }
    }

    /// Checks that the sections tile the body exactly and that record sections hold whole records.
    pub(crate) fn check_layout(&self) -> Result<(), Corruption> {
        let expected_header = FIXED_HEADER_LEN as u64 + u64::from(self.metadata_len);
        if self.header_len != expected_header {
            return Err(Corruption(format!(
                "header length {} does not match its metadata length {}",
                self.header_len, self.metadata_len
            )));
        }

        let mut next = self.header_len;
        for (id, (offset, length)) in SectionId::ALL.iter().zip(self.sections) {
            if offset != next {
                return Err(Corruption(format!(
                    "section {} starts at {offset}, expected {next}",
                    id.name()
                )));
            }
            if length > u64::from(u32::MAX) {
                return Err(Corruption(format!(
                    "section {} is {length} bytes, over 4 GiB",
                    id.name()
                )));
            }
            if let Some(record_len) = id.record_len() {
                if length % record_len as u64 != 0 {
                    return Err(Corruption(format!(
                        "section {} is {length} bytes, not whole {record_len}-byte records",
                        id.name()
                    )));
                }
            }
            next = offset + length;
        }
        if next != self.file_len {
            return Err(Corruption(format!(
                "sections end at {next}, but the file is {} bytes",
                self.file_len
            )));
        }
        Ok(())
    }

    /// The byte range of a section, as checked when the header was read.
    pub fn range(&self, id: SectionId) -> std::ops::Range<usize> {
        let (offset, length) = self.sections[id as usize];
        // check_layout bounded both by the file length, which fits the mapped length (usize).
        let start = usize::try_from(offset).expect("section offset checked against the file");
        let end = usize::try_from(offset + length).expect("section end checked against the file");
        start..end
    }
}

/// SHA-256 over the parts of the file `open` trusts: the fixed header before the checksum
/// fields, the rest of the header (after the checksums), and the ecosystems and releases sections.
pub fn header_checksum(file: &[u8], header: &Header) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(&file[..24]);
    hasher.update(&file[56..header.range(SectionId::Strings).start]);
    hasher.update(&file[header.range(SectionId::Ecosystems)]);
    hasher.update(&file[header.range(SectionId::Releases)]);
    hasher.finalize().into()
}

/// SHA-256 of the body.
pub fn body_checksum(body: &[u8]) -> [u8; 32] {
    Sha256::digest(body).into()
}

/// Copies a slice of known length into an array.
fn array<const N: usize>(slice: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(slice);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Header {
        let mut sections = [(0, 0); SECTION_COUNT];
        let mut next = 210;
        for (index, section) in sections.iter_mut().enumerate() {
            let length = if index == 3 { 40 } else { 8 * index as u64 * 3 };
            *section = (next, length);
            next += length;
        }
        Header {
            schema_version: SCHEMA_VERSION,
            header_len: 210,
            file_len: next,
            header_checksum: [1; 32],
            body_checksum: [2; 32],
            sections,
            metadata_len: 2,
        }
    }

    #[test]
    fn header_round_trips() {
        let header = sample();
        let bytes = header.encode();
        assert_eq!(bytes.len(), FIXED_HEADER_LEN);
        assert_eq!(&bytes[..8], b"PURSERDB");
        let decoded = Header::decode(&array(&bytes));
        assert_eq!(decoded, header);
        assert_eq!(decoded.check_layout(), Ok(()));
    }

    #[test]
    fn layout_gaps_and_partial_records_are_refused() {
        let mut gap = sample();
        gap.sections[2].0 += 1;
        assert!(gap
            .check_layout()
            .unwrap_err()
            .0
            .contains("section releases"));

        let mut partial = sample();
        partial.sections[3].1 = 41;
        partial.file_len += 1;
        for later in 4..SECTION_COUNT {
            partial.sections[later].0 += 1;
        }
        assert!(partial
            .check_layout()
            .unwrap_err()
            .0
            .contains("20-byte records"));

        let mut short = sample();
        short.file_len -= 1;
        assert!(short.check_layout().unwrap_err().0.contains("sections end"));
    }
}
