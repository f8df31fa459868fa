//! PAX extended header records (POSIX.1-2001 `pax`, "extended header keywords").
//!
//! A record is `"%d %s=%s\n", length, keyword, value`, where length counts the whole record.
//! Only the keywords that change what an entry is are kept; the others (times, xattrs, names of
//! owners) are ignored.

/// The keywords Purser applies to the next entry.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub(crate) struct PaxRecords {
    /// `path`.
    pub path: Option<Vec<u8>>,
    /// `linkpath`.
    pub link_path: Option<Vec<u8>>,
    /// `size`.
    pub size: Option<u64>,
    /// `uid`.
    pub uid: Option<u64>,
    /// `gid`.
    pub gid: Option<u64>,
    /// Any `GNU.sparse.*` keyword: the entry is a sparse file.
    pub sparse: bool,
    /// `GNU.sparse.name`: the real name of a sparse file.
    pub sparse_name: Option<Vec<u8>>,
    /// `GNU.sparse.realsize` or `GNU.sparse.size`: the expanded size of a sparse file.
    pub sparse_real_size: Option<u64>,
}

impl PaxRecords {
    /// Parses the data of a pax header; later records override earlier ones.
    ///
    /// Returns a description of the first malformed record on failure.
    pub(crate) fn parse(mut data: &[u8]) -> Result<PaxRecords, String> {
        let mut records = PaxRecords::default();

        // Each iteration consumes at least one byte (a record length is at least 1), so the
        // loop is bounded by the data size.
        while !data.is_empty() {
            let record = split_record(data)?;
            records.apply(record.keyword, record.value)?;
            data = record.rest;
        }
        Ok(records)
    }

    fn apply(&mut self, keyword: &[u8], value: &[u8]) -> Result<(), String> {
        let number = || parse_decimal(value).ok_or_else(|| bad_number(keyword, value));
        match keyword {
            b"path" => self.path = Some(value.to_vec()),
            b"linkpath" => self.link_path = Some(value.to_vec()),
            b"size" => self.size = Some(number()?),
            b"uid" => self.uid = Some(number()?),
            b"gid" => self.gid = Some(number()?),
            b"GNU.sparse.name" => {
                self.sparse = true;
                self.sparse_name = Some(value.to_vec());
            }
            b"GNU.sparse.realsize" | b"GNU.sparse.size" => {
                self.sparse = true;
                self.sparse_real_size = Some(number()?);
            }
            other if other.starts_with(b"GNU.sparse.") => self.sparse = true,
            _ => {}
        }
        Ok(())
    }
}

/// One record and the data after it.
struct Record<'d> {
    keyword: &'d [u8],
    value: &'d [u8],
    rest: &'d [u8],
}

/// Splits off the first record.
fn split_record(data: &[u8]) -> Result<Record<'_>, String> {
    let space = data
        .iter()
        .take(20)
        .position(|&byte| byte == b' ')
        .ok_or("pax record without a length")?;
    let length = parse_decimal(&data[..space])
        .and_then(|length| usize::try_from(length).ok())
        .filter(|&length| length > space + 1 && length <= data.len())
        .ok_or("pax record with an invalid length")?;

    let record = &data[space + 1..length];
    let Some((&b'\n', body)) = record.split_last() else {
        return Err("pax record not ending in a newline".into());
    };
    let equals = body
        .iter()
        .position(|&byte| byte == b'=')
        .ok_or("pax record without '='")?;
    Ok(Record {
        keyword: &body[..equals],
        value: &body[equals + 1..],
        rest: &data[length..],
    })
}

/// A non-empty run of ASCII digits as u64.
fn parse_decimal(text: &[u8]) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

fn bad_number(keyword: &[u8], value: &[u8]) -> String {
    format!(
        "pax record {} has a non-numeric value {:?}",
        String::from_utf8_lossy(keyword),
        String::from_utf8_lossy(&value[..value.len().min(40)])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record with its self-inclusive length prefix.
    pub(crate) fn record(keyword: &str, value: &str) -> String {
        let body = format!(" {keyword}={value}\n");
        let mut length = body.len() + 1;
        while body.len() + length.to_string().len() != length {
            length = body.len() + length.to_string().len();
        }
        format!("{length}{body}")
    }

    #[test]
    fn parses_the_keywords_that_matter() {
        let data = [
            record("path", "a/very/long/path"),
            record("linkpath", "target"),
            record("size", "10737418240"),
            record("uid", "1000"),
            record("gid", "1001"),
            record("mtime", "1700000000.5"),
            record("SCHILY.xattr.user.x", "y"),
        ]
        .concat();
        let records = PaxRecords::parse(data.as_bytes()).expect("valid records");
        assert_eq!(records.path.as_deref(), Some(&b"a/very/long/path"[..]));
        assert_eq!(records.link_path.as_deref(), Some(&b"target"[..]));
        assert_eq!(records.size, Some(10 << 30));
        assert_eq!(records.uid, Some(1000));
        assert_eq!(records.gid, Some(1001));
        assert!(!records.sparse);
    }

    #[test]
    fn later_records_override_and_values_may_hold_equals_and_newlines() {
        let data = [record("path", "first"), record("path", "a=b\nc")].concat();
        let records = PaxRecords::parse(data.as_bytes()).expect("valid records");
        assert_eq!(records.path.as_deref(), Some(&b"a=b\nc"[..]));
    }

    #[test]
    fn sparse_keywords_mark_the_entry() {
        let data = [
            record("GNU.sparse.major", "1"),
            record("GNU.sparse.name", "real/name"),
            record("GNU.sparse.realsize", "4096"),
        ]
        .concat();
        let records = PaxRecords::parse(data.as_bytes()).expect("valid records");
        assert!(records.sparse);
        assert_eq!(records.sparse_name.as_deref(), Some(&b"real/name"[..]));
        assert_eq!(records.sparse_real_size, Some(4096));
    }

    #[test]
    fn malformed_records_are_rejected() {
        for bad in [
            &b"garbage"[..],
            b"99 path=x\n",
            b"3 p\n",
            b"12 path=abc\0",
            b"11 pathabcd\n",
            b"x1 path=a\n",
            b"18446744073709551616 path=a\n",
            b"11 size=1a\n",
        ] {
            assert!(PaxRecords::parse(bad).is_err(), "{bad:?}");
        }
    }
}
