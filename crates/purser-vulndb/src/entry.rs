//! One affected-entry in the entries section: written by the builder, read by the matcher.
//! The byte layout is in [`crate::format`].

use purser_advisory::{AffectedStatus, RangeEvent, RangeKind, SeverityRating, VersionRange};

use crate::error::Corruption;
use crate::range::{Event, EventKind};
use crate::reader::{Section, Strings};
use crate::strings::{StringTable, TooLarge};

/// What the builder stores for one package of one advisory.
pub(crate) struct EntryInput<'a> {
    pub(crate) advisory: u32,
    pub(crate) release: Option<&'a str>,
    pub(crate) package: &'a str,
    pub(crate) status_text: Option<&'a str>,
    pub(crate) severity_source: Option<&'a str>,
    pub(crate) status: AffectedStatus,
    pub(crate) severity: Option<SeverityRating>,
    pub(crate) ranges: &'a [VersionRange],
    pub(crate) versions: &'a [String],
}

/// Appends `entry` to `out`.
pub(crate) fn encode(
    entry: &EntryInput<'_>,
    strings: &mut StringTable,
    out: &mut Vec<u8>,
) -> Result<(), TooLarge> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&entry.advisory.to_le_bytes());
    strings.write_optional(entry.release, out)?;
    strings.write_ref(entry.package, out)?;
    strings.write_optional(entry.status_text, out)?;
    strings.write_optional(entry.severity_source, out)?;
    out.push(status_code(entry.status));
    out.push(entry.severity.map_or(0, |rating| severity_code(rating) + 1));

    out.extend_from_slice(&count(entry.ranges.len())?.to_le_bytes());
    for range in entry.ranges {
        out.push(range_kind_code(range.kind));
        out.extend_from_slice(&count(range.events.len())?.to_le_bytes());
        for event in &range.events {
            let (kind, version) = match event {
                RangeEvent::Introduced(version) => (EventKind::Introduced, version),
                RangeEvent::Fixed(version) => (EventKind::Fixed, version),
                RangeEvent::LastAffected(version) => (EventKind::LastAffected, version),
                RangeEvent::Limit(version) => (EventKind::Limit, version),
            };
            out.push(kind.code());
            strings.write_ref(version, out)?;
        }
    }

    out.extend_from_slice(&count(entry.versions.len())?.to_le_bytes());
    for version in entry.versions {
        strings.write_ref(version, out)?;
    }

    let length = count(out.len() - start)?;
    out[start..start + 4].copy_from_slice(&length.to_le_bytes());
    Ok(())
}

fn count(value: usize) -> Result<u32, TooLarge> {
    u32::try_from(value).map_err(|_| TooLarge)
}

/// The start of an entry: enough to decide whether its release applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryHead<'a> {
    /// Offset of the next entry.
    pub(crate) next: usize,
    /// Offset of the rest of this entry.
    rest: usize,
    pub(crate) advisory: u32,
    pub(crate) release: Option<&'a str>,
}

/// One range of a stored entry.
#[derive(Debug, Clone)]
pub(crate) struct StoredRange<'a> {
    pub(crate) kind: RangeKind,
    pub(crate) events: Vec<Event<'a>>,
}

/// The rest of a stored entry.
#[derive(Debug, Clone)]
pub(crate) struct EntryBody<'a> {
    pub(crate) package: &'a str,
    pub(crate) status_text: Option<&'a str>,
    pub(crate) severity_source: Option<&'a str>,
    pub(crate) status: AffectedStatus,
    pub(crate) severity: Option<SeverityRating>,
    pub(crate) ranges: Vec<StoredRange<'a>>,
    pub(crate) versions: Vec<&'a str>,
}

/// Reads the head of the entry at `offset`.
pub(crate) fn read_head<'a>(
    entries: Section<'a>,
    strings: Strings<'a>,
    offset: usize,
) -> Result<EntryHead<'a>, Corruption> {
    let mut cursor = entries.cursor(offset);
    let length = cursor.u32()? as usize;
    let advisory = cursor.u32()?;
    let release = strings.optional(cursor.string_ref()?)?;
    let next = offset
        .checked_add(length)
        .filter(|&next| next > offset && next <= entries.len())
        .ok_or_else(|| Corruption(format!("entry at offset {offset} has length {length}")))?;
    Ok(EntryHead {
        next,
        rest: cursor.position(),
        advisory,
        release,
    })
}

/// Reads the rest of the entry whose head is `head`.
pub(crate) fn read_body<'a>(
    entries: Section<'a>,
    strings: Strings<'a>,
    head: &EntryHead<'a>,
) -> Result<EntryBody<'a>, Corruption> {
    let entry_bytes = entries.slice(0, head.next)?;
    let entry = Section::new(crate::format::SectionId::Entries, entry_bytes);
    let mut cursor = entry.cursor(head.rest);
    let package = strings.text(cursor.string_ref()?)?;
    let status_text = strings.optional(cursor.string_ref()?)?;
    let severity_source = strings.optional(cursor.string_ref()?)?;
    let status = status_from_code(cursor.u8()?)?;
    let severity = match cursor.u8()? {
        0 => None,
        code => Some(severity_from_code(code - 1)?),
    };

    let range_count = cursor.u32()?;
    let mut ranges = Vec::new();
    for _ in 0..range_count {
        let kind = range_kind_from_code(cursor.u8()?)?;
        let event_count = cursor.u32()?;
        let mut events = Vec::new();
        for _ in 0..event_count {
            let code = cursor.u8()?;
            let kind = EventKind::from_code(code)
                .ok_or_else(|| Corruption(format!("unknown range event kind {code}")))?;
            let version = strings.text(cursor.string_ref()?)?;
            events.push(Event { kind, version });
        }
        ranges.push(StoredRange { kind, events });
    }

    let version_count = cursor.u32()?;
    let mut versions = Vec::new();
    for _ in 0..version_count {
        versions.push(strings.text(cursor.string_ref()?)?);
    }

    Ok(EntryBody {
        package,
        status_text,
        severity_source,
        status,
        severity,
        ranges,
        versions,
    })
}

fn status_code(status: AffectedStatus) -> u8 {
    match status {
        AffectedStatus::Affected => 0,
        AffectedStatus::Fixed => 1,
        AffectedStatus::NotAffected => 2,
        AffectedStatus::WillNotFix => 3,
        AffectedStatus::Deferred => 4,
        AffectedStatus::EndOfLife => 5,
    }
}

fn status_from_code(code: u8) -> Result<AffectedStatus, Corruption> {
    Ok(match code {
        0 => AffectedStatus::Affected,
        1 => AffectedStatus::Fixed,
        2 => AffectedStatus::NotAffected,
        3 => AffectedStatus::WillNotFix,
        4 => AffectedStatus::Deferred,
        5 => AffectedStatus::EndOfLife,
        _ => return Err(Corruption(format!("unknown status code {code}"))),
    })
}

fn severity_code(rating: SeverityRating) -> u8 {
    match rating {
        SeverityRating::Unknown => 0,
        SeverityRating::Negligible => 1,
        SeverityRating::Low => 2,
        SeverityRating::Medium => 3,
        SeverityRating::High => 4,
        SeverityRating::Critical => 5,
    }
}

fn severity_from_code(code: u8) -> Result<SeverityRating, Corruption> {
    Ok(match code {
        0 => SeverityRating::Unknown,
        1 => SeverityRating::Negligible,
        2 => SeverityRating::Low,
        3 => SeverityRating::Medium,
        4 => SeverityRating::High,
        5 => SeverityRating::Critical,
        _ => return Err(Corruption(format!("unknown severity code {code}"))),
    })
}

fn range_kind_code(kind: RangeKind) -> u8 {
    match kind {
        RangeKind::Ecosystem => 0,
        RangeKind::Semver => 1,
        RangeKind::Git => 2,
    }
}

fn range_kind_from_code(code: u8) -> Result<RangeKind, Corruption> {
    Ok(match code {
        0 => RangeKind::Ecosystem,
        1 => RangeKind::Semver,
        2 => RangeKind::Git,
        _ => return Err(Corruption(format!("unknown range kind {code}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SectionId;

    #[test]
    fn entries_round_trip() {
        let ranges = vec![VersionRange {
            kind: RangeKind::Semver,
            repo: None,
            events: vec![
                RangeEvent::Introduced("0".to_owned()),
                RangeEvent::Fixed("1.2.3".to_owned()),
            ],
        }];
        let versions = vec!["1.0.0".to_owned()];
        let input = EntryInput {
            advisory: 7,
            release: Some("12"),
            package: "openssl",
            status_text: Some("no-dsa"),
            severity_source: None,
            status: AffectedStatus::Deferred,
            severity: Some(SeverityRating::Low),
            ranges: &ranges,
            versions: &versions,
        };
        let mut table = StringTable::default();
        let mut out = Vec::new();
        encode(&input, &mut table, &mut out).expect("fits");
        encode(&input, &mut table, &mut out).expect("fits");
        let string_bytes = table.into_bytes();

        let entries = Section::new(SectionId::Entries, &out);
        let strings = Strings(Section::new(SectionId::Strings, &string_bytes));
        let head = read_head(entries, strings, 0).expect("head");
        assert_eq!(head.advisory, 7);
        assert_eq!(head.release, Some("12"));
        assert_eq!(head.next, out.len() / 2);
        let body = read_body(entries, strings, &head).expect("body");
        assert_eq!(body.package, "openssl");
        assert_eq!(body.status, AffectedStatus::Deferred);
        assert_eq!(body.status_text, Some("no-dsa"));
        assert_eq!(body.severity, Some(SeverityRating::Low));
        assert_eq!(body.ranges[0].kind, RangeKind::Semver);
        assert_eq!(body.ranges[0].events[1].version, "1.2.3");
        assert_eq!(body.versions, ["1.0.0"]);

        // Every truncation of the entries is an error, never a panic.
        for cut in 0..out.len() / 2 {
            let short = Section::new(SectionId::Entries, &out[..cut]);
            assert!(read_head(short, strings, 0)
                .and_then(|head| read_body(short, strings, &head))
                .is_err());
        }
    }
}
