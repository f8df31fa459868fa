//! A read-only reader of rpm's NDB package database, `Packages.db` (SUSE since 2021).
//!
//! The format is rpm's own and documented only by its source, `lib/backend/ndb/rpmpkg.c`. All
//! integers are little-endian:
//!
//! - a 32-byte file header: magic `RpmP`, version 0, generation, number of 4 KiB slot pages,
//!   next package index;
//! - the slot pages, directly after (the header takes the place of the first two slots): 16-byte
//!   slots of magic `Slot`, package index, block offset and block count. A slot with block offset
//!   0 is free;
//! - blobs, addressed in 16-byte blocks: a 16-byte head (magic `BlbS`, package index, timestamp,
//!   length), the header blob, zero padding, and a 12-byte tail (Adler-32 of head, blob and
//!   padding; length again; magic `BlbE`) ending exactly at `offset + count` blocks.
//!
//! Every field is checked against the file and against each other, and the checksum is
//! verified, so a damaged blob is one diagnostic naming its package index.

use std::borrow::Cow;

use crate::blob::{BlobRecord, Blobs, DatabaseError, MAX_BLOB_BYTES};

const FORMAT: &str = "ndb";
const FILE_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_HEAD_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const BLOB_TAIL_MAGIC: u32 = u32::from_le_bytes(*b"BlbE");
const HEADER_BYTES: usize = 32;
const SLOT_BYTES: usize = 16;
const BLOCK_BYTES: usize = 16;
const SLOT_PAGE_BYTES: usize = 4096;
const BLOB_HEAD_BYTES: usize = 16;
const BLOB_TAIL_BYTES: usize = 12;

/// Reads every header blob of an NDB `Packages.db`, in slot order.
///
/// Never fails as a whole: a file that is not NDB gives one error and no records.
pub fn read_ndb(contents: &[u8]) -> Blobs<'_> {
    let mut blobs = Blobs::default();
    let slot_pages = match slot_pages(contents) {
        Ok(pages) => pages,
        Err(error) => {
            blobs.errors.push(error);
            return blobs;
        }
    };

    let slots_end = slot_pages * SLOT_PAGE_BYTES;
    for (position, at) in (HEADER_BYTES..slots_end).step_by(SLOT_BYTES).enumerate() {
        let field = |offset| read_u32(contents, at + offset);
        if field(0) != SLOT_MAGIC {
            blobs.errors.push(malformed(format!(
                "slot {} has a bad magic; the slots after it are not read",
                position + 2
            )));
            break;
        }
        let (index, offset, count) = (field(4), field(8), field(12));
        if offset == 0 {
            continue;
        }
        match read_blob(contents, index, offset, count) {
            Ok(blob) => blobs.records.push(BlobRecord {
                record: u64::from(index),
                blob: Cow::Borrowed(blob),
            }),
            Err(problem) => blobs.errors.push(DatabaseError::Record {
                record: u64::from(index),
                problem,
            }),
        }
    }
    blobs
}

/// Checks the file header and returns the number of slot pages, all present in the file.
fn slot_pages(contents: &[u8]) -> Result<usize, DatabaseError> {
    if contents.len() < SLOT_PAGE_BYTES || read_u32(contents, 0) != FILE_MAGIC {
        return Err(malformed("the file does not start with an NDB header"));
    }
    let version = read_u32(contents, 4);
    if version != 0 {
        return Err(malformed(format!("unsupported version {version}")));
    }
    let pages = read_u32(contents, 12) as usize;
    if pages == 0 || pages > contents.len() / SLOT_PAGE_BYTES {
        return Err(malformed(format!(
            "{pages} slot pages declared, but the file holds {} pages",
            contents.len() / SLOT_PAGE_BYTES
        )));
    }
    Ok(pages)
}

/// The header blob of the slot (`index`, `offset`, `count`), fully checked.
fn read_blob(contents: &[u8], index: u32, offset: u32, count: u32) -> Result<&[u8], String> {
    let start = offset as usize * BLOCK_BYTES;
    let end = start + count as usize * BLOCK_BYTES;
    let Some(block) = contents.get(start..end) else {
        return Err(format!(
            "blocks {offset}+{count} lie beyond the end of the {}-byte file",
            contents.len()
        ));
    };
    if block.len() < BLOB_HEAD_BYTES + BLOB_TAIL_BYTES {
        return Err(format!("{count} blocks cannot hold a blob"));
    }
    if read_u32(block, 0) != BLOB_HEAD_MAGIC || read_u32(block, 4) != index {
        return Err("the blob head does not name this package".to_owned());
    }

    let length = read_u32(block, 12) as usize;
    let needed = (BLOB_HEAD_BYTES + length + BLOB_TAIL_BYTES).div_ceil(BLOCK_BYTES);
    if length as u64 > MAX_BLOB_BYTES || needed != count as usize {
        return Err(format!(
            "the blob declares {length} bytes, which do not fill its {count} blocks"
        ));
    }

    let tail = block.len() - BLOB_TAIL_BYTES;
    if read_u32(block, tail + 4) as usize != length || read_u32(block, tail + 8) != BLOB_TAIL_MAGIC
    {
        return Err("the blob tail does not match its head".to_owned());
    }
    let checksum = adler32(&block[..tail]);
    if read_u32(block, tail) != checksum {
        return Err("the blob's Adler-32 checksum does not match".to_owned());
    }
    Ok(&block[BLOB_HEAD_BYTES..BLOB_HEAD_BYTES + length])
}

/// Adler-32 (RFC 1950, section 8.2).
fn adler32(bytes: &[u8]) -> u32 {
    const MODULUS: u32 = 65521;
    let (mut low, mut high) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `high` could overflow a u32.
    for chunk in bytes.chunks(5552) {
        for byte in chunk {
            low += u32::from(*byte);
            high += low;
        }
        low %= MODULUS;
        high %= MODULUS;
    }
    (high << 16) | low
}

/// A little-endian u32, or 0 past the end (no magic or count is 0 where it matters).
fn read_u32(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|slice| slice.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn malformed(problem: impl Into<String>) -> DatabaseError {
    DatabaseError::Format {
        format: FORMAT,
        problem: problem.into(),
    }
}

/// Writes NDB files the way rpm's `rpmpkgPut` lays them out, for tests: no NDB database can be
/// produced on this machine (Debian's rpm is built without the NDB backend) and none of the peer
/// fixtures carries one.
#[cfg(test)]
pub(crate) mod build {
    use super::*;

    /// An NDB file holding `blobs` under package indexes 1, 2, ...
    pub fn ndb(blobs: &[&[u8]]) -> Vec<u8> {
        let mut file = vec![0u8; SLOT_PAGE_BYTES];
        file[..4].copy_from_slice(b"RpmP");
        file[8..12].copy_from_slice(&1u32.to_le_bytes());
        file[12..16].copy_from_slice(&1u32.to_le_bytes());
        file[16..20].copy_from_slice(&(blobs.len() as u32 + 1).to_le_bytes());
        for slot in (HEADER_BYTES..SLOT_PAGE_BYTES).step_by(SLOT_BYTES) {
            file[slot..slot + 4].copy_from_slice(b"Slot");
        }

        for (position, blob) in blobs.iter().enumerate() {
            let index = position as u32 + 1;
            let offset = file.len() / BLOCK_BYTES;
            let count = (BLOB_HEAD_BYTES + blob.len() + BLOB_TAIL_BYTES).div_ceil(BLOCK_BYTES);

            let mut block = Vec::with_capacity(count * BLOCK_BYTES);
            block.extend_from_slice(b"BlbS");
            block.extend_from_slice(&index.to_le_bytes());
            block.extend_from_slice(&1_700_000_000u32.to_le_bytes());
            block.extend_from_slice(&(blob.len() as u32).to_le_bytes());
            block.extend_from_slice(blob);
            block.resize(count * BLOCK_BYTES - BLOB_TAIL_BYTES, 0);
            let checksum = adler32(&block);
            block.extend_from_slice(&checksum.to_le_bytes());
            block.extend_from_slice(&(blob.len() as u32).to_le_bytes());
            block.extend_from_slice(b"BlbE");
            file.extend_from_slice(&block);

            let slot = HEADER_BYTES + position * SLOT_BYTES;
            file[slot + 4..slot + 8].copy_from_slice(&index.to_le_bytes());
            file[slot + 8..slot + 12].copy_from_slice(&(offset as u32).to_le_bytes());
            file[slot + 12..slot + 16].copy_from_slice(&(count as u32).to_le_bytes());
        }
        file
    }
}

#[cfg(test)]
mod tests {
    use super::build::ndb;
    use super::*;

    #[test]
    fn adler32_matches_rfc_1950() {
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(adler32(&[0xff; 100_000]), {
            let (mut low, mut high) = (1u64, 0u64);
            for _ in 0..100_000 {
                low = (low + 0xff) % 65521;
                high = (high + low) % 65521;
            }
            ((high << 16) | low) as u32
        });
    }

    #[test]
    fn every_blob_comes_back_under_its_index() {
        let file = ndb(&[b"first blob", b"second, longer blob of bytes"]);
        let blobs = read_ndb(&file);
        assert!(blobs.errors.is_empty(), "{:?}", blobs.errors);
        let records: Vec<(u64, &[u8])> = blobs
            .records
            .iter()
            .map(|record| (record.record, record.blob.as_ref()))
            .collect();
        assert_eq!(
            records,
            [
                (1, b"first blob".as_slice()),
                (2, b"second, longer blob of bytes".as_slice())
            ]
        );
    }

    #[test]
    fn a_damaged_blob_is_one_record_error_and_the_others_survive() {
        let mut file = ndb(&[b"first blob", b"second blob"]);
        // Flip a byte of the first blob: its checksum no longer matches.
        file[SLOT_PAGE_BYTES + BLOB_HEAD_BYTES] ^= 1;
        let blobs = read_ndb(&file);
        assert_eq!(blobs.records.len(), 1);
        assert_eq!(
            blobs.errors,
            [DatabaseError::Record {
                record: 1,
                problem: "the blob's Adler-32 checksum does not match".into()
            }]
        );
    }

    #[test]
    fn a_huge_or_out_of_file_slot_is_refused() {
        let mut file = ndb(&[b"blob"]);
        let slot = HEADER_BYTES;
        file[slot + 12..slot + 16].copy_from_slice(&u32::MAX.to_le_bytes());
        let blobs = read_ndb(&file);
        assert!(blobs.records.is_empty());
        assert!(blobs.errors[0].to_string().contains("beyond the end"));
    }

    #[test]
    fn truncated_files_and_foreign_files_are_format_errors() {
        let file = ndb(&[b"blob"]);
        assert!(matches!(
            read_ndb(&file[..100]).errors[..],
            [DatabaseError::Format { .. }]
        ));
        let truncated = read_ndb(&file[..file.len() - 4]);
        assert!(truncated.records.is_empty());
        assert_eq!(truncated.errors.len(), 1);
        assert!(matches!(
            read_ndb(&[0u8; 8192]).errors[..],
            [DatabaseError::Format { .. }]
        ));
    }
}
