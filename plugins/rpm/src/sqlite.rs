//! A read-only reader of just enough of the SQLite file format to list rpm's `Packages` table.
//!
//! The format is specified at <https://www.sqlite.org/fileformat2.html>. This reader follows
//! sections 1.3 (the database header), 1.6 (b-tree pages: interior and leaf table pages, cell
//! layout, local payload sizes and overflow pages), 2.1 (the record format) and 2.6 (the
//! `sqlite_schema` table). It finds the `Packages` table rpm 4.16+ creates
//! (`hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL`) and yields the `blob` column of each row.
//!
//! The input is untrusted. Every page number is checked against the file, tree descent and
//! overflow chains remember the pages they visited so that a loop is an error instead of a hang,
//! and a row's declared size is capped by [`MAX_BLOB_BYTES`] and by the file size before anything
//! is allocated.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::blob::{BlobRecord, Blobs, DatabaseError, MAX_BLOB_BYTES};

const FORMAT: &str = "sqlite";
const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const HEADER_BYTES: usize = 100;
const INTERIOR_TABLE_PAGE: u8 = 0x05;
const LEAF_TABLE_PAGE: u8 = 0x0d;

/// Reads the `blob` column of every row of the `Packages` table, in rowid order.
///
/// Never fails as a whole: a file that is not SQLite, or that has no `Packages` table, gives one
/// error and no records.
pub fn read_packages_table(contents: &[u8]) -> Blobs<'_> {
    let mut blobs = Blobs::default();
    let database = match Database::open(contents) {
        Ok(database) => database,
        Err(error) => {
            blobs.errors.push(error);
            return blobs;
        }
    };

    let root = match database.packages_root() {
        Ok(root) => root,
        Err(error) => {
            blobs.errors.push(error);
            return blobs;
        }
    };

    let walked = database.walk_table(root, &mut |rowid, cell| match database
        .blob_column(rowid, cell)
    {
        Ok(blob) => blobs.records.push(BlobRecord {
            record: rowid,
            blob,
        }),
        Err(error) => blobs.errors.push(error),
    });
    if let Err(error) = walked {
        blobs.errors.push(error);
    }
    blobs
}

/// The file and the geometry its header declares.
struct Database<'a> {
    contents: &'a [u8],
    page_size: usize,
    /// Page size less the reserved bytes at the end of each page.
    usable: usize,
    /// Pages actually present in the file.
    page_count: u32,
}

/// A table leaf cell: the payload's declared size, its part stored on the page, and the first
/// overflow page holding the rest.
struct Cell<'a> {
    total: u64,
    local: &'a [u8],
    overflow: Option<u32>,
}

/// One column of a record: a byte range of the payload, or a non-blob value.
enum Column {
    Null,
    Integer(i64),
    Bytes { start: usize, len: usize },
    Other,
}

impl<'a> Database<'a> {
    fn open(contents: &'a [u8]) -> Result<Self, DatabaseError> {
        if contents.len() < HEADER_BYTES || &contents[..16] != MAGIC {
            return Err(malformed("the file does not start with the SQLite header"));
        }
        let page_size = match u16::from_be_bytes([contents[16], contents[17]]) {
            1 => 65536,
            size => usize::from(size),
        };
        if !page_size.is_power_of_two() || page_size < 512 {
            return Err(malformed(format!("invalid page size {page_size}")));
        }
        let usable = page_size - usize::from(contents[20]);
        if usable < 480 {
            return Err(malformed(format!("usable page size {usable} is below 480")));
        }
        let page_count = u32::try_from(contents.len() / page_size).unwrap_or(u32::MAX);
        tracing::trace!(page_size, page_count, "sqlite database opened");
        Ok(Database {
            contents,
            page_size,
            usable,
            page_count,
        })
    }

    /// The bytes of page `number` (1-based), up to the usable size.
    fn page(&self, number: u32) -> Result<&'a [u8], DatabaseError> {
        if number == 0 || number > self.page_count {
            return Err(malformed(format!(
                "page {number} is outside the file's {} pages",
                self.page_count
            )));
        }
        let start = (number as usize - 1) * self.page_size;
        Ok(&self.contents[start..start + self.usable])
    }

    /// Finds the root page of the `Packages` table in `sqlite_schema` (rooted at page 1).
    fn packages_root(&self) -> Result<u32, DatabaseError> {
        let mut root = None;
        let mut problem = None;
        self.walk_table(1, &mut |_, cell| {
            if root.is_some() || problem.is_some() {
                return;
            }
            let payload = match self.payload(0, &cell) {
                Ok(payload) => payload,
                Err(error) => {
                    problem = Some(error);
                    return;
                }
            };
            let Ok(columns) = record_columns(&payload) else {
                return;
            };
            let text = |index: usize| match columns.get(index) {
                Some(Column::Bytes { start, len }) => payload.get(*start..start + len),
                _ => None,
            };
            let is_table = text(0) == Some(b"table".as_slice());
            let is_packages = text(1).is_some_and(|name| name.eq_ignore_ascii_case(b"Packages"));
            if let (true, true, Some(Column::Integer(page))) =
                (is_table, is_packages, columns.get(3))
            {
                root = u32::try_from(*page).ok();
            }
        })?;
        if let Some(error) = problem {
            return Err(error);
        }
        root.ok_or_else(|| malformed("the schema has no Packages table"))
    }

    /// Visits every leaf cell of the table b-tree rooted at `root`, in key order.
    fn walk_table(
        &self,
        root: u32,
        visit: &mut dyn FnMut(u64, Cell<'a>),
    ) -> Result<(), DatabaseError> {
        let mut visited = HashSet::new();
        let mut pending = vec![root];
        while let Some(number) = pending.pop() {
            if !visited.insert(number) {
                return Err(malformed(format!("the b-tree reaches page {number} twice")));
            }
            let page = self.page(number)?;
            let header_at = if number == 1 { HEADER_BYTES } else { 0 };
            let kind = page[header_at];
            let cells = read_u16(page, header_at + 3).ok_or_else(|| short_page(number))?;
            let header_len = if kind == INTERIOR_TABLE_PAGE { 12 } else { 8 };

            let pointer = |index: usize| -> Result<usize, DatabaseError> {
                let at = header_at + header_len + index * 2;
                let offset = read_u16(page, at).ok_or_else(|| short_page(number))?;
                let offset = usize::from(offset);
                if offset < header_at + header_len || offset >= page.len() {
                    return Err(malformed(format!(
                        "page {number} has a cell pointer {offset} outside the page"
                    )));
                }
                Ok(offset)
            };

            match kind {
                INTERIOR_TABLE_PAGE => {
                    let right = read_u32(page, header_at + 8).ok_or_else(|| short_page(number))?;
                    // Pushed in reverse so that the leftmost child is visited first.
                    pending.push(right);
                    for index in (0..usize::from(cells)).rev() {
                        let child =
                            read_u32(page, pointer(index)?).ok_or_else(|| short_page(number))?;
                        pending.push(child);
                    }
                }
                LEAF_TABLE_PAGE => {
                    for index in 0..usize::from(cells) {
                        let (rowid, cell) = self.leaf_cell(number, page, pointer(index)?)?;
                        visit(rowid, cell);
                    }
                }
                other => {
                    return Err(malformed(format!(
                        "page {number} has type {other:#04x}, not a table b-tree page"
                    )))
                }
            }
        }
        Ok(())
    }

    /// Parses the leaf cell at `offset` of a page.
    fn leaf_cell(
        &self,
        number: u32,
        page: &'a [u8],
        offset: usize,
    ) -> Result<(u64, Cell<'a>), DatabaseError> {
        let (total, used) = read_varint(&page[offset..]).ok_or_else(|| short_page(number))?;
        let at = offset + used;
        let (rowid, used) = read_varint(&page[at..]).ok_or_else(|| short_page(number))?;
        let at = at + used;

        let local_len = self.local_payload(total);
        let local = page
            .get(at..at + local_len)
            .ok_or_else(|| malformed(format!("page {number} has a cell past its end")))?;
        let overflow = if (local_len as u64) < total {
            let next = read_u32(page, at + local_len).ok_or_else(|| short_page(number))?;
            Some(next)
        } else {
            None
        };
        Ok((
            rowid,
            Cell {
                total,
                local,
                overflow,
            },
        ))
    }

    /// How many payload bytes a table leaf cell keeps on its page (section 1.6).
    fn local_payload(&self, total: u64) -> usize {
        let usable = self.usable as u64;
        let max_local = usable - 35;
        if total <= max_local {
            return total as usize;
        }
        let min_local = (usable - 12) * 32 / 255 - 23;
        let surplus = min_local + (total - min_local) % (usable - 4);
        if surplus <= max_local {
            surplus as usize
        } else {
            min_local as usize
        }
    }

    /// The whole payload of a cell, borrowed when it is all on the page.
    fn payload(&self, rowid: u64, cell: &Cell<'a>) -> Result<Cow<'a, [u8]>, DatabaseError> {
        let Some(mut next) = cell.overflow else {
            return Ok(Cow::Borrowed(cell.local));
        };
        if cell.total > MAX_BLOB_BYTES || cell.total > self.contents.len() as u64 {
            return Err(DatabaseError::Record {
                record: rowid,
                problem: format!(
                    "declares {} bytes, more than the file or the {MAX_BLOB_BYTES}-byte limit",
                    cell.total
                ),
            });
        }

        let total = cell.total as usize;
        let mut payload = Vec::with_capacity(total);
        payload.extend_from_slice(cell.local);
        let mut visited = HashSet::new();
        while payload.len() < total {
            if !visited.insert(next) {
                return Err(record_error(
                    rowid,
                    format!("overflow chain loops back to page {next}"),
                ));
            }
            let page = self
                .page(next)
                .map_err(|error| record_error(rowid, error.to_string()))?;
            let wanted = (total - payload.len()).min(page.len() - 4);
            payload.extend_from_slice(&page[4..4 + wanted]);
            next = read_u32(page, 0).unwrap_or(0);
        }
        Ok(Cow::Owned(payload))
    }

    /// The second column (`blob`) of a `Packages` row.
    fn blob_column(&self, rowid: u64, cell: Cell<'a>) -> Result<Cow<'a, [u8]>, DatabaseError> {
        let payload = self.payload(rowid, &cell)?;
        let columns = record_columns(&payload).map_err(|problem| record_error(rowid, problem))?;
        let Some(Column::Bytes { start, len }) = columns.get(1) else {
            return Err(record_error(rowid, "has no blob column".to_owned()));
        };
        let (start, end) = (*start, start + len);
        Ok(match payload {
            Cow::Borrowed(bytes) => Cow::Borrowed(&bytes[start..end]),
            Cow::Owned(mut bytes) => {
                bytes.truncate(end);
                bytes.drain(..start);
                Cow::Owned(bytes)
            }
        })
    }
}

/// Decodes the header of a record (section 2.1) and locates each column in `payload`.
fn record_columns(payload: &[u8]) -> Result<Vec<Column>, String> {
    let (header_len, mut at) =
        read_varint(payload).ok_or_else(|| "record header is cut".to_owned())?;
    let header_len = usize::try_from(header_len).unwrap_or(usize::MAX);
    if header_len > payload.len() || header_len < at {
        return Err(format!(
            "record header of {header_len} bytes does not fit the {}-byte payload",
            payload.len()
        ));
    }

    let mut columns = Vec::new();
    let mut body = header_len;
    while at < header_len {
        let (serial, used) = read_varint(&payload[at..header_len])
            .ok_or_else(|| "record header is cut".to_owned())?;
        at += used;
        let len = match serial {
            0 | 8 | 9 => 0,
            1..=4 => serial as usize,
            5 => 6,
            6 | 7 => 8,
            10 | 11 => return Err(format!("record uses reserved serial type {serial}")),
            _ => usize::try_from((serial - 12) / 2).unwrap_or(usize::MAX),
        };
        let end = body
            .checked_add(len)
            .filter(|end| *end <= payload.len())
            .ok_or_else(|| format!("record column of {len} bytes runs past the payload"))?;
        let column = match serial {
            0 => Column::Null,
            8 => Column::Integer(0),
            9 => Column::Integer(1),
            1..=6 => Column::Integer(read_signed(&payload[body..end])),
            7 => Column::Other,
            _ => Column::Bytes { start: body, len },
        };
        columns.push(column);
        body = end;
    }
    Ok(columns)
}

/// A big-endian two's-complement integer of 1 to 8 bytes.
fn read_signed(bytes: &[u8]) -> i64 {
    let negative = bytes.first().is_some_and(|byte| byte & 0x80 != 0);
    let start = if negative { -1i64 } else { 0 };
    bytes
        .iter()
        .fold(start, |value, byte| (value << 8) | i64::from(*byte))
}

/// A SQLite varint (section 1.5): 1 to 9 bytes, big-endian, seven bits per byte except the
/// ninth, which gives all eight. Returns the value and the bytes used.
fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().take(9).enumerate() {
        if index == 8 {
            return Some(((value << 8) | u64::from(*byte), 9));
        }
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn malformed(problem: impl Into<String>) -> DatabaseError {
    DatabaseError::Format {
        format: FORMAT,
        problem: problem.into(),
    }
}

fn short_page(number: u32) -> DatabaseError {
    malformed(format!("page {number} ends inside its header or cell"))
}

fn record_error(record: u64, problem: String) -> DatabaseError {
    DatabaseError::Record { record, problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILT: &[u8] = include_bytes!("../testdata/built-rpmdb.sqlite");

    #[test]
    fn varints_of_one_to_nine_bytes() {
        assert_eq!(read_varint(&[0x05]), Some((5, 1)));
        assert_eq!(read_varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(read_varint(&[0xff; 9]), Some((u64::MAX, 9)));
        assert_eq!(read_varint(&[0x81]), None);
    }

    #[test]
    fn signed_integers_of_any_width() {
        assert_eq!(read_signed(&[0x01, 0x00]), 256);
        assert_eq!(read_signed(&[0xff]), -1);
        assert_eq!(read_signed(&[0x80, 0, 0, 0, 0, 0]), -(1 << 47));
    }

    #[test]
    fn a_real_rpmdb_gives_every_row_including_one_that_overflows() {
        let blobs = read_packages_table(BUILT);
        assert!(blobs.errors.is_empty(), "{:?}", blobs.errors);
        let sizes: Vec<(u64, usize)> = blobs
            .records
            .iter()
            .map(|record| (record.record, record.blob.len()))
            .collect();
        // Sizes as `sqlite3 built-rpmdb.sqlite 'select hnum, length(blob) from Packages'` lists.
        assert_eq!(sizes, [(1, 1880), (2, 1932), (3, 13440), (4, 1352)]);
        assert!(matches!(blobs.records[2].blob, Cow::Owned(_)));
    }

    #[test]
    fn not_sqlite_and_a_bad_page_size_are_format_errors() {
        let blobs = read_packages_table(b"not a database at all");
        assert!(matches!(blobs.errors[..], [DatabaseError::Format { .. }]));
        let mut bad = BUILT.to_vec();
        bad[16..18].copy_from_slice(&1000u16.to_be_bytes());
        let blobs = read_packages_table(&bad);
        assert!(blobs.errors[0]
            .to_string()
            .contains("invalid page size 1000"));
    }

    #[test]
    fn a_truncated_file_reports_the_missing_page_and_keeps_the_rest() {
        let blobs = read_packages_table(&BUILT[..BUILT.len() / 2]);
        assert!(!blobs.errors.is_empty());
        assert!(
            blobs
                .errors
                .iter()
                .any(|error| error.to_string().contains("outside the file")),
            "{:?}",
            blobs.errors
        );
    }

    /// The root page of the Packages table, found the way the reader does.
    fn packages_root(contents: &[u8]) -> usize {
        Database::open(contents)
            .and_then(|database| database.packages_root())
            .expect("schema readable") as usize
    }

    #[test]
    fn a_page_that_points_back_at_itself_is_a_loop_not_a_hang() {
        let mut looped = BUILT.to_vec();
        let root = packages_root(&looped);
        let start = (root - 1) * 4096;
        // Turn the Packages root into an interior page whose only child is itself.
        looped[start] = INTERIOR_TABLE_PAGE;
        looped[start + 3..start + 5].copy_from_slice(&0u16.to_be_bytes());
        looped[start + 8..start + 12].copy_from_slice(&(root as u32).to_be_bytes());
        let blobs = read_packages_table(&looped);
        assert!(blobs.records.is_empty());
        assert!(
            blobs.errors[0].to_string().contains("twice"),
            "{:?}",
            blobs.errors
        );
    }

    #[test]
    fn an_overflow_chain_that_loops_or_a_huge_declared_row_is_a_record_error() {
        let database = Database::open(BUILT).expect("valid");
        let mut cells = Vec::new();
        database
            .walk_table(packages_root(BUILT) as u32, &mut |rowid, cell| {
                cells.push((rowid, cell.total, cell.overflow))
            })
            .expect("walks");
        let (_, _, overflow) = cells[2];
        let first = overflow.expect("row 3 overflows") as usize;

        // Make the first overflow page point at itself.
        let mut looped = BUILT.to_vec();
        let start = (first - 1) * 4096;
        looped[start..start + 4].copy_from_slice(&(first as u32).to_be_bytes());
        let blobs = read_packages_table(&looped);
        assert_eq!(blobs.records.len(), 3);
        assert!(
            matches!(&blobs.errors[..], [DatabaseError::Record { record: 3, problem }] if problem.contains("loops")),
            "{:?}",
            blobs.errors
        );

        let huge = Cell {
            total: u64::MAX,
            local: &[],
            overflow: Some(2),
        };
        let error = database.payload(9, &huge).expect_err("refused");
        assert!(
            error.to_string().starts_with("record 9: declares"),
            "{error}"
        );
    }
}
