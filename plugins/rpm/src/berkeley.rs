//! A read-only reader of the Berkeley DB hash databases rpm used before 4.16 (`Packages` of
//! RHEL/CentOS up to 8, Amazon Linux 2, openSUSE before 2021).
//!
//! Layout, from Berkeley DB's `dbinc/db_page.h` (byte order is the writer's; the metadata
//! magic tells which):
//!
//! - every page starts with a 26-byte header: LSN (8), page number (4), previous and next page
//!   (4 + 4), entry count (2), high free offset (2), tree level (1) and page type (1);
//! - page 0 is the hash metadata page (type 8): magic `0x061561` at byte 12, page size at 20,
//!   encryption algorithm at 24, last page number at 32;
//! - hash pages (type 13, or 2 for the unsorted pages of old releases) hold an array of 2-byte
//!   item offsets after the header; items come in key/value pairs, and an item's length is the
//!   distance to the previous item's offset (the first item ends at the page end);
//! - a key is `H_KEYDATA` (type byte 1, then the bytes): for rpm, the 4-byte header instance;
//! - a value is either `H_KEYDATA` (type 1, bytes inline) or, for anything larger than a
//!   quarter page and so for nearly every header, `H_OFFPAGE` (type 3: 3 unused bytes, the
//!   first overflow page and the total length);
//! - overflow pages (type 7) chain through their next-page field and hold, after the header,
//!   as many bytes as their high-free-offset field says.
//!
//! Every hash page is visited in file order; pages no bucket reaches (freed pages) are skipped
//! by type, so deleted packages left in free pages are not reported.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::blob::{BlobRecord, Blobs, DatabaseError, MAX_BLOB_BYTES};

const FORMAT: &str = "berkeley-db";
const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER_BYTES: usize = 26;
const HASH_METADATA_PAGE: u8 = 8;
const HASH_UNSORTED_PAGE: u8 = 2;
const HASH_PAGE: u8 = 13;
const OVERFLOW_PAGE: u8 = 7;
const KEY_DATA_ITEM: u8 = 1;
const OFF_PAGE_ITEM: u8 = 3;

/// Reads every header blob of a Berkeley DB hash `Packages` database.
///
/// Never fails as a whole: a file that is not a Berkeley DB hash gives one error and no records.
pub fn read_hash_database(contents: &[u8]) -> Blobs<'_> {
    let mut blobs = Blobs::default();
    let database = match Database::open(contents) {
        Ok(database) => database,
        Err(error) => {
            blobs.errors.push(error);
            return blobs;
        }
    };

    for number in 1..=database.last_page {
        let page = match database.page(number) {
            Ok(page) => page,
            Err(error) => {
                // The metadata promised more pages than the file holds.
                blobs.errors.push(error);
                break;
            }
        };
        let kind = page[25];
        if kind != HASH_PAGE && kind != HASH_UNSORTED_PAGE {
            continue;
        }
        if let Err(error) = database.read_hash_page(number, page, &mut blobs) {
            blobs.errors.push(error);
        }
    }
    blobs
}

struct Database<'a> {
    contents: &'a [u8],
    page_size: usize,
    last_page: u32,
    /// The file was written on a machine of the other byte order.
    swapped: bool,
}

impl<'a> Database<'a> {
    fn open(contents: &'a [u8]) -> Result<Self, DatabaseError> {
        if contents.len() < 512 {
            return Err(malformed(format!(
                "the file is {} bytes, shorter than one page",
                contents.len()
            )));
        }
        let magic = [contents[12], contents[13], contents[14], contents[15]];
        let swapped = if u32::from_le_bytes(magic) == HASH_MAGIC {
            false
        } else if u32::from_be_bytes(magic) == HASH_MAGIC {
            true
        } else {
            return Err(malformed(
                "the file does not start with a hash metadata page",
            ));
        };

        let database = Database {
            contents,
            page_size: 0,
            last_page: 0,
            swapped,
        };
        let page_size = database.u32_at(contents, 20).unwrap_or(0) as usize;
        if !page_size.is_power_of_two() || !(512..=65536).contains(&page_size) {
            return Err(malformed(format!("invalid page size {page_size}")));
        }
        if contents[24] != 0 {
            return Err(malformed("the database is encrypted"));
        }
        if contents[25] != HASH_METADATA_PAGE {
            return Err(malformed(format!(
                "page 0 has type {}, not a hash metadata page",
                contents[25]
            )));
        }
        let last_page = database.u32_at(contents, 32).unwrap_or(0);
        tracing::trace!(page_size, last_page, swapped, "berkeley db opened");
        Ok(Database {
            page_size,
            last_page,
            ..database
        })
    }

    fn u32_at(&self, bytes: &[u8], at: usize) -> Option<u32> {
        let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if self.swapped {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        })
    }

    fn u16_at(&self, bytes: &[u8], at: usize) -> Option<u16> {
        let raw: [u8; 2] = bytes.get(at..at + 2)?.try_into().ok()?;
        Some(if self.swapped {
            u16::from_be_bytes(raw)
        } else {
            u16::from_le_bytes(raw)
        })
    }

    fn page(&self, number: u32) -> Result<&'a [u8], DatabaseError> {
        let start = number as usize * self.page_size;
        self.contents
            .get(start..start + self.page_size)
            .ok_or_else(|| {
                malformed(format!(
                    "page {number} is beyond the end of the {}-byte file",
                    self.contents.len()
                ))
            })
    }

    /// Reads the key/value pairs of one hash page into `blobs`.
    fn read_hash_page(
        &self,
        number: u32,
        page: &'a [u8],
        blobs: &mut Blobs<'a>,
    ) -> Result<(), DatabaseError> {
        let entries = usize::from(self.u16_at(page, 20).unwrap_or(0));
        if PAGE_HEADER_BYTES + entries * 2 > page.len() {
            return Err(malformed(format!(
                "hash page {number} declares {entries} entries, more than fit"
            )));
        }
        let offsets: Vec<usize> = (0..entries)
            .map(|index| {
                usize::from(
                    self.u16_at(page, PAGE_HEADER_BYTES + index * 2)
                        .unwrap_or(0),
                )
            })
            .collect();

        let item = |index: usize| -> Result<&'a [u8], DatabaseError> {
            let start = offsets[index];
            let end = if index == 0 {
                page.len()
            } else {
                offsets[index - 1]
            };
            if start < PAGE_HEADER_BYTES + entries * 2 || start >= end || end > page.len() {
                return Err(malformed(format!(
                    "hash page {number} item {index} spans {start}..{end}, outside the page"
                )));
            }
            Ok(&page[start..end])
        };

        for pair in 0..entries / 2 {
            let key = item(pair * 2)?;
            let value = item(pair * 2 + 1)?;
            let record = match key {
                [KEY_DATA_ITEM, instance @ ..] if instance.len() == 4 => {
                    u64::from(self.u32_at(instance, 0).unwrap_or(0))
                }
                _ => {
                    return Err(malformed(format!(
                        "hash page {number} key {pair} is not a 4-byte header instance"
                    )))
                }
            };
            // Instance 0 holds rpm's next-instance counter, not a package.
            if record == 0 {
                continue;
            }
            match self.value(record, value) {
                Ok(blob) => blobs.records.push(BlobRecord { record, blob }),
                Err(error) => blobs.errors.push(error),
            }
        }
        Ok(())
    }

    /// The bytes of a value item: inline, or gathered from its overflow chain.
    fn value(&self, record: u64, item: &'a [u8]) -> Result<Cow<'a, [u8]>, DatabaseError> {
        match item.first() {
            Some(&KEY_DATA_ITEM) => Ok(Cow::Borrowed(&item[1..])),
            Some(&OFF_PAGE_ITEM) if item.len() >= 12 => {
                let first = self.u32_at(item, 4).unwrap_or(0);
                let total = self.u32_at(item, 8).unwrap_or(0);
                self.overflow_chain(record, first, total).map(Cow::Owned)
            }
            other => Err(record_error(
                record,
                format!("value item has type {other:?}, not inline or off-page data"),
            )),
        }
    }

    fn overflow_chain(
        &self,
        record: u64,
        first: u32,
        total: u32,
    ) -> Result<Vec<u8>, DatabaseError> {
        let total = total as usize;
        if total as u64 > MAX_BLOB_BYTES || total > self.contents.len() {
            return Err(record_error(
                record,
                format!(
                    "declares {total} bytes, more than the file or the {MAX_BLOB_BYTES}-byte limit"
                ),
            ));
        }

        let mut value = Vec::with_capacity(total);
        let mut visited = HashSet::new();
        let mut next = first;
        while value.len() < total {
            if next == 0 {
                return Err(record_error(
                    record,
                    format!("overflow chain ends after {} of {total} bytes", value.len()),
                ));
            }
            if !visited.insert(next) {
                return Err(record_error(
                    record,
                    format!("overflow chain loops back to page {next}"),
                ));
            }
            let page = self
                .page(next)
                .map_err(|error| record_error(record, error.to_string()))?;
            if page[25] != OVERFLOW_PAGE {
                return Err(record_error(
                    record,
                    format!("overflow chain reaches page {next} of type {}", page[25]),
                ));
            }
            let held = usize::from(self.u16_at(page, 22).unwrap_or(0));
            let held = held
                .min(page.len() - PAGE_HEADER_BYTES)
                .min(total - value.len());
            value.extend_from_slice(&page[PAGE_HEADER_BYTES..PAGE_HEADER_BYTES + held]);
            next = self.u32_at(page, 16).unwrap_or(0);
        }
        Ok(value)
    }
}

fn malformed(problem: impl Into<String>) -> DatabaseError {
    DatabaseError::Format {
        format: FORMAT,
        problem: problem.into(),
    }
}

fn record_error(record: u64, problem: String) -> DatabaseError {
    DatabaseError::Record { record, problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYFT: &[u8] = include_bytes!("../testdata/syft-Packages");
    const SCALIBR: &[u8] = include_bytes!("../testdata/scalibr-Packages_epoch");

    #[test]
    fn real_databases_give_their_headers() {
        let syft = read_hash_database(SYFT);
        assert!(syft.errors.is_empty(), "{:?}", syft.errors);
        assert_eq!(syft.records.len(), 1);

        let scalibr = read_hash_database(SCALIBR);
        assert!(scalibr.errors.is_empty(), "{:?}", scalibr.errors);
        assert_eq!(scalibr.records.len(), 1);
    }

    #[test]
    fn a_truncated_file_reports_the_missing_pages() {
        let blobs = read_hash_database(&SYFT[..SYFT.len() - 4096]);
        assert!(!blobs.errors.is_empty());
        assert!(
            blobs
                .errors
                .iter()
                .any(|error| error.to_string().contains("beyond the end")),
            "{:?}",
            blobs.errors
        );
        assert!(read_hash_database(&SYFT[..100]).records.is_empty());
    }

    #[test]
    fn an_overflow_chain_that_loops_is_a_record_error() {
        let database = Database::open(SYFT).expect("valid");
        let pages = SYFT.len() / database.page_size;
        let mut looped = SYFT.to_vec();
        for number in 1..pages {
            let start = number * database.page_size;
            if looped[start + 25] == OVERFLOW_PAGE {
                looped[start + 16..start + 20].copy_from_slice(&(number as u32).to_le_bytes());
                looped[start + 22..start + 24].copy_from_slice(&8u16.to_le_bytes());
            }
        }
        let blobs = read_hash_database(&looped);
        assert!(blobs.records.is_empty());
        assert!(
            blobs.errors[0].to_string().contains("loops back"),
            "{:?}",
            blobs.errors
        );
    }

    #[test]
    fn a_huge_declared_value_is_refused_before_allocation() {
        let database = Database::open(SYFT).expect("valid");
        let error = database
            .overflow_chain(7, 1, u32::MAX)
            .expect_err("refused");
        assert!(
            error.to_string().starts_with("record 7: declares"),
            "{error}"
        );
    }
}
