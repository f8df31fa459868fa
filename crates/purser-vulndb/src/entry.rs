//! One affected-entry in a key's block of the entries section: written by the builder, read
//! lazily by the matcher. The byte layout is in [`crate::format`].
//!
//! Reading allocates nothing: an entry is a view over the mapped bytes, and its strings are
//! decoded only when the caller asks, which the matcher does for matching entries only.

use purser_advisory::{AffectedStatus, RangeKind, SeverityRating};

use crate::error::Corruption;
use crate::format::{SectionId, EVENT_RECORD_LEN, STRING_REF_LEN, UNRANKED_RANGE};
use crate::range::{Event, EventKind};
use crate::reader::{Cursor, Section, StringRef, Strings};
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
    pub(crate) ranges: Vec<RangeInput<'a>>,
    pub(crate) versions: &'a [String],
}

/// One range as the builder stores it.
pub(crate) struct RangeInput<'a> {
    pub(crate) kind: RangeKind,
    /// The key's breakpoint list the ranks index, or `None` when the range's events could not
    /// be sorted at build time (no scheme, or a version the scheme rejects); such a range keeps
    /// its events in the advisory's order and is evaluated from its text.
    pub(crate) list: Option<u8>,
    /// The events, sorted when `list` is set, each with its rank in that list.
    pub(crate) events: Vec<RankedEvent<'a>>,
}

/// One event with its rank among the key's breakpoints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankedEvent<'a> {
    pub(crate) event: Event<'a>,
    /// Index of the event's version in the breakpoint list; [`crate::format::ZERO_RANK`] for
    /// `introduced: "0"` and for the events of a range without a list.
    pub(crate) rank: u32,
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

    out.extend_from_slice(&count(entry.versions.len())?.to_le_bytes());
    for version in entry.versions {
        strings.write_ref(version, out)?;
    }

    out.extend_from_slice(&count(entry.ranges.len())?.to_le_bytes());
    for range in &entry.ranges {
        out.push(range_kind_code(range.kind));
        out.push(range.list.unwrap_or(UNRANKED_RANGE));
        out.extend_from_slice(&count(range.events.len())?.to_le_bytes());
        for ranked in &range.events {
            out.push(ranked.event.kind.code());
            out.extend_from_slice(&ranked.rank.to_le_bytes());
            strings.write_ref(ranked.event.version, out)?;
        }
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
    /// This entry's bytes.
    bytes: Section<'a>,
    /// Offset of the rest of this entry within `bytes`.
    rest: usize,
    pub(crate) advisory: u32,
    release: StringRef,
}

impl<'a> EntryHead<'a> {
    /// The entry's release, decoded.
    pub(crate) fn release(&self, strings: Strings<'a>) -> Result<Option<&'a str>, Corruption> {
        strings.optional(self.release)
    }
}

/// The rest of a stored entry, as a view over its bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryBody<'a> {
    package: StringRef,
    status_text: StringRef,
    severity_source: StringRef,
    pub(crate) status: AffectedStatus,
    pub(crate) severity: Option<SeverityRating>,
    /// The listed versions' string references.
    versions: &'a [u8],
    range_count: u32,
    /// The ranges, from the first to the end of the entry.
    ranges: Section<'a>,
}

/// Reads the head of the entry at `offset` of a key's entries.
pub(crate) fn read_head(entries: Section<'_>, offset: usize) -> Result<EntryHead<'_>, Corruption> {
    let mut cursor = entries.cursor(offset);
    let length = cursor.u32()? as usize;
    let advisory = cursor.u32()?;
    let release = cursor.string_ref()?;
    let next = offset
        .checked_add(length)
        .filter(|&next| next > offset && next <= entries.len())
        .ok_or_else(|| Corruption(format!("entry at offset {offset} has length {length}")))?;
    Ok(EntryHead {
        next,
        bytes: Section::new(SectionId::Entries, entries.slice(0, next)?),
        rest: cursor.position(),
        advisory,
        release,
    })
}

/// Reads the fixed fields of the entry whose head is `head`; strings and ranges stay undecoded.
pub(crate) fn read_body<'a>(head: &EntryHead<'a>) -> Result<EntryBody<'a>, Corruption> {
    let mut cursor = head.bytes.cursor(head.rest);
    let package = cursor.string_ref()?;
    let status_text = cursor.string_ref()?;
    let severity_source = cursor.string_ref()?;
    let status = status_from_code(cursor.u8()?)?;
    let severity = match cursor.u8()? {
        0 => None,
        code => Some(severity_from_code(code - 1)?),
    };

    let version_count = cursor.u32()? as usize;
    let versions = cursor.bytes(version_count.saturating_mul(STRING_REF_LEN))?;
    let range_count = cursor.u32()?;
    let ranges_start = cursor.position();
    let ranges = head.bytes.slice(
        ranges_start,
        head.bytes.len() - ranges_start.min(head.bytes.len()),
    )?;
    Ok(EntryBody {
        package,
        status_text,
        severity_source,
        status,
        severity,
        versions,
        range_count,
        ranges: Section::new(SectionId::Entries, ranges),
    })
}

impl<'a> EntryBody<'a> {
    /// The package as the advisory spells it.
    pub(crate) fn package(&self, strings: Strings<'a>) -> Result<&'a str, Corruption> {
        strings.text(self.package)
    }

    /// The source's own word for the status.
    pub(crate) fn status_text(&self, strings: Strings<'a>) -> Result<Option<&'a str>, Corruption> {
        strings.optional(self.status_text)
    }

    /// Where the entry's severity came from.
    pub(crate) fn severity_source(
        &self,
        strings: Strings<'a>,
    ) -> Result<Option<&'a str>, Corruption> {
        strings.optional(self.severity_source)
    }

    /// Whether the entry has neither ranges nor listed versions.
    pub(crate) fn is_status_only(&self) -> bool {
        self.range_count == 0 && self.versions.is_empty()
    }

    /// Whether `version` is one of the listed versions, byte for byte.
    pub(crate) fn lists_version(
        &self,
        strings: Strings<'a>,
        version: &str,
    ) -> Result<bool, Corruption> {
        let listed = Section::new(SectionId::Entries, self.versions);
        for index in 0..self.versions.len() / STRING_REF_LEN {
            let reference = listed.cursor(index * STRING_REF_LEN).string_ref()?;
            if strings.bytes(reference)? == version.as_bytes() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The entry's ranges, in stored order.
    pub(crate) fn ranges(&self) -> RangeIter<'a> {
        RangeIter {
            cursor: self.ranges.cursor(0),
            remaining: self.range_count,
        }
    }
}

/// The ranges of one entry.
#[derive(Debug, Clone)]
pub(crate) struct RangeIter<'a> {
    cursor: Cursor<'a>,
    remaining: u32,
}

impl<'a> Iterator for RangeIter<'a> {
    type Item = Result<RangeView<'a>, Corruption>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let range = self.read_range();
        if range.is_err() {
            self.remaining = 0;
        }
        Some(range)
    }
}

impl<'a> RangeIter<'a> {
    fn read_range(&mut self) -> Result<RangeView<'a>, Corruption> {
        let kind = range_kind_from_code(self.cursor.u8()?)?;
        let list = match self.cursor.u8()? {
            UNRANKED_RANGE => None,
            list => Some(list),
        };
        let event_count = self.cursor.u32()? as usize;
        let events = self
            .cursor
            .bytes(event_count.saturating_mul(EVENT_RECORD_LEN))?;
        Ok(RangeView { kind, list, events })
    }
}

/// One stored range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RangeView<'a> {
    pub(crate) kind: RangeKind,
    /// The breakpoint list its ranks index; `None` for a range stored unsorted.
    pub(crate) list: Option<u8>,
    events: &'a [u8],
}

/// One stored event, its version undecoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredEvent {
    pub(crate) kind: EventKind,
    /// See [`RankedEvent::rank`].
    pub(crate) rank: u32,
    version: StringRef,
}

impl<'a> RangeView<'a> {
    /// The events, in stored order, without their versions.
    pub(crate) fn events(&self) -> impl Iterator<Item = Result<StoredEvent, Corruption>> + 'a {
        self.events.chunks_exact(EVENT_RECORD_LEN).map(|record| {
            let kind = EventKind::from_code(record[0]).ok_or_else(|| {
                Corruption(format!(
                    "unknown range event kind {} (written by a newer Purser, or damaged)",
                    record[0]
                ))
            })?;
            // `chunks_exact` gives whole records, so these reads cannot fail.
            let field = |at: usize| {
                u32::from_le_bytes([record[at], record[at + 1], record[at + 2], record[at + 3]])
            };
            Ok(StoredEvent {
                kind,
                rank: field(1),
                version: StringRef {
                    offset: field(5),
                    length: field(9),
                },
            })
        })
    }

    /// The events with their versions decoded, in stored order.
    pub(crate) fn decode(&self, strings: Strings<'a>) -> Result<Vec<Event<'a>>, Corruption> {
        self.events()
            .map(|event| {
                let event = event?;
                Ok(Event {
                    kind: event.kind,
                    version: strings.text(event.version)?,
                })
            })
            .collect()
    }
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
    use crate::format::ZERO_RANK;

    fn ranked(kind: EventKind, version: &str, rank: u32) -> RankedEvent<'_> {
        RankedEvent {
            event: Event { kind, version },
            rank,
        }
    }

    #[test]
    fn entries_round_trip() {
        let versions = vec!["1.0.0".to_owned()];
        let input = || EntryInput {
            advisory: 7,
            release: Some("12"),
            package: "openssl",
            status_text: Some("no-dsa"),
            severity_source: None,
            status: AffectedStatus::Deferred,
            severity: Some(SeverityRating::Low),
            ranges: vec![
                RangeInput {
                    kind: RangeKind::Semver,
                    list: Some(0),
                    events: vec![
                        ranked(EventKind::Introduced, "0", ZERO_RANK),
                        ranked(EventKind::Fixed, "1.2.3", 4),
                    ],
                },
                RangeInput {
                    kind: RangeKind::Git,
                    list: None,
                    events: vec![ranked(EventKind::Fixed, "abc", ZERO_RANK)],
                },
            ],
            versions: &versions,
        };
        let mut table = StringTable::default();
        let mut out = Vec::new();
        encode(&input(), &mut table, &mut out).expect("fits");
        encode(&input(), &mut table, &mut out).expect("fits");
        let string_bytes = table.into_bytes();

        let entries = Section::new(SectionId::Entries, &out);
        let strings = Strings(Section::new(SectionId::Strings, &string_bytes));
        let head = read_head(entries, 0).expect("head");
        assert_eq!(head.advisory, 7);
        assert_eq!(head.release(strings), Ok(Some("12")));
        assert_eq!(head.next, out.len() / 2);
        let body = read_body(&head).expect("body");
        assert_eq!(body.package(strings), Ok("openssl"));
        assert_eq!(body.status, AffectedStatus::Deferred);
        assert_eq!(body.status_text(strings), Ok(Some("no-dsa")));
        assert_eq!(body.severity_source(strings), Ok(None));
        assert_eq!(body.severity, Some(SeverityRating::Low));
        assert_eq!(body.lists_version(strings, "1.0.0"), Ok(true));
        assert_eq!(body.lists_version(strings, "1.0"), Ok(false));

        let ranges: Vec<RangeView<'_>> = body.ranges().map(|r| r.expect("range")).collect();
        assert_eq!(ranges.len(), 2);
        assert_eq!(ranges[0].kind, RangeKind::Semver);
        assert_eq!(ranges[0].list, Some(0));
        let events: Vec<StoredEvent> = ranges[0].events().map(|e| e.expect("event")).collect();
        assert_eq!(events[0].rank, ZERO_RANK);
        assert_eq!(events[1].rank, 4);
        assert_eq!(
            ranges[0].decode(strings).expect("decodes")[1].version,
            "1.2.3"
        );
        assert_eq!(ranges[1].list, None);

        // Every truncation of the entries is an error, never a panic.
        for cut in 0..out.len() / 2 {
            let short = Section::new(SectionId::Entries, &out[..cut]);
            let whole = read_head(short, 0).and_then(|head| {
                let body = read_body(&head)?;
                for range in body.ranges() {
                    range?.decode(strings)?;
                }
                Ok(())
            });
            assert!(whole.is_err(), "cut at {cut}");
        }
    }
}
