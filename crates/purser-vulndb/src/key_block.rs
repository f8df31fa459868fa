//! The builder's side of one key's block: sort every range once, collect the key's breakpoints,
//! then write the release table, the breakpoint lists, and the entries with each event's rank,
//! grouped by release for an ecosystem whose advisories are scoped to releases.

use purser_advisory::{Affected, RangeEvent, RangeKind, VersionRange};
use purser_version::Scheme;

use crate::breakpoints::KeyBreakpoints;
use crate::ecosystem::{is_release_scoped, normalise_release};
use crate::entry::{self, EntryInput, RangeInput, RankedEvent};
use crate::format::{RELEASE_RECORD_LEN, ZERO_RANK};
use crate::range::{self, Event, EventKind};
use crate::strings::{StringTable, TooLarge};

/// One member of a key: the advisory's index and its affected entry.
pub(crate) struct Member<'a> {
    pub(crate) advisory: u32,
    pub(crate) affected: &'a Affected,
}

/// A range after sorting: its events and, if they could be sorted, the scheme's list.
struct SortedRange<'a> {
    kind: RangeKind,
    list: Option<u8>,
    events: Vec<Event<'a>>,
}

/// Appends the block of the key `ecosystem` whose entries are `members`, in order.
///
/// In a release-scoped ecosystem the entries are grouped by release, each group keeping the
/// members' order, so that a lookup reads only its release's entries; elsewhere they keep the
/// members' order and the release table is empty.
pub(crate) fn encode(
    ecosystem: &str,
    members: &[Member<'_>],
    strings: &mut StringTable,
    out: &mut Vec<u8>,
) -> Result<(), TooLarge> {
    let mut breakpoints = KeyBreakpoints::default();
    let sorted: Vec<Vec<SortedRange<'_>>> = members
        .iter()
        .map(|member| {
            let ranges = &member.affected.ranges;
            ranges
                .iter()
                .map(|range| sort_range(ecosystem, range, &mut breakpoints))
                .collect()
        })
        .collect();
    breakpoints.finish();

    let groups = release_groups(ecosystem, members);
    let table_rows = if is_release_scoped(ecosystem) {
        groups.len()
    } else {
        0
    };
    out.extend_from_slice(&count(table_rows)?.to_le_bytes());
    let table_start = out.len();
    for (release, _) in groups.iter().take(table_rows) {
        strings.write_optional(*release, out)?;
        out.extend_from_slice(&[0; 8]);
    }
    breakpoints.encode(strings, out)?;

    let entries_start = out.len();
    let mut sorted: Vec<Option<Vec<SortedRange<'_>>>> = sorted.into_iter().map(Some).collect();
    for (group, (_, indices)) in groups.iter().enumerate() {
        let group_start = out.len() - entries_start;
        for &index in indices {
            let member = &members[index];
            let affected = member.affected;
            let ranges = sorted[index].take().unwrap_or_default();
            let input = EntryInput {
                advisory: member.advisory,
                release: release_of(ecosystem, member),
                package: &affected.package,
                status_text: affected.status_text.as_deref(),
                severity_source: affected.severity_source.as_deref(),
                status: affected.status,
                severity: affected.severity,
                ranges: ranges
                    .into_iter()
                    .map(|range| rank_range(range, &breakpoints))
                    .collect(),
                versions: &affected.versions,
            };
            entry::encode(&input, strings, out)?;
        }
        if group < table_rows {
            let group_end = out.len() - entries_start;
            let row = table_start + group * RELEASE_RECORD_LEN + 8;
            out[row..row + 4].copy_from_slice(&count(group_start)?.to_le_bytes());
            out[row + 4..row + 8].copy_from_slice(&count(group_end - group_start)?.to_le_bytes());
        }
    }
    Ok(())
}

/// A member's release, normalised as lookups compare it.
fn release_of<'a>(ecosystem: &str, member: &Member<'a>) -> Option<&'a str> {
    let release = member.affected.ecosystem.release.as_deref();
    release.map(|release| normalise_release(ecosystem, release))
}

/// The members' indices grouped by normalised release, groups in order of first appearance and
/// members in their order within each; a single group of every member, in order, when the
/// ecosystem ignores releases.
fn release_groups<'a>(
    ecosystem: &str,
    members: &[Member<'a>],
) -> Vec<(Option<&'a str>, Vec<usize>)> {
    if !is_release_scoped(ecosystem) {
        return vec![(None, (0..members.len()).collect())];
    }
    let mut groups: Vec<(Option<&'a str>, Vec<usize>)> = Vec::new();
    for (index, member) in members.iter().enumerate() {
        let release = release_of(ecosystem, member);
        match groups.iter_mut().find(|(known, _)| *known == release) {
            Some((_, indices)) => indices.push(index),
            None => groups.push((release, vec![index])),
        }
    }
    groups
}

fn count(value: usize) -> Result<u32, TooLarge> {
    u32::try_from(value).map_err(|_| TooLarge)
}

/// The scheme that orders a range of `kind` in `ecosystem`, as a lookup chooses it.
fn range_scheme(ecosystem: &str, kind: RangeKind) -> Option<Scheme> {
    match kind {
        RangeKind::Git => None,
        RangeKind::Semver => Some(Scheme::Semver),
        RangeKind::Ecosystem => Scheme::for_ecosystem(ecosystem),
    }
}

/// Sorts a range by its scheme and adds its versions to the key's breakpoints; a range that
/// cannot be sorted keeps its events in the advisory's order and gets no list.
fn sort_range<'a>(
    ecosystem: &str,
    range: &'a VersionRange,
    breakpoints: &mut KeyBreakpoints<'a>,
) -> SortedRange<'a> {
    let mut events: Vec<Event<'a>> = range.events.iter().map(event).collect();
    let list = range_scheme(ecosystem, range.kind).and_then(|scheme| {
        let mut sorted = events.clone();
        range::sort_events(scheme, &mut sorted).ok()?;
        let list = breakpoints.add(scheme, &sorted)?;
        events = sorted;
        Some(list)
    });
    SortedRange {
        kind: range.kind,
        list,
        events,
    }
}

/// Gives each event of a sorted range its rank; if any rank is missing the range is stored
/// without a list, so lookups evaluate it from its text.
fn rank_range<'a>(range: SortedRange<'a>, breakpoints: &KeyBreakpoints<'_>) -> RangeInput<'a> {
    let ranks: Option<Vec<u32>> = match range.list {
        Some(list) => range
            .events
            .iter()
            .map(|event| {
                if event.is_zero_introduced() {
                    Some(ZERO_RANK)
                } else {
                    breakpoints.rank(list, event.version)
                }
            })
            .collect(),
        None => None,
    };
    let list = if ranks.is_some() { range.list } else { None };
    let ranks = ranks.unwrap_or_else(|| vec![ZERO_RANK; range.events.len()]);
    RangeInput {
        kind: range.kind,
        list,
        events: range
            .events
            .into_iter()
            .zip(ranks)
            .map(|(event, rank)| RankedEvent { event, rank })
            .collect(),
    }
}

fn event(event: &RangeEvent) -> Event<'_> {
    let (kind, version) = match event {
        RangeEvent::Introduced(version) => (EventKind::Introduced, version),
        RangeEvent::IntroducedAfter(version) => (EventKind::IntroducedAfter, version),
        RangeEvent::Fixed(version) => (EventKind::Fixed, version),
        RangeEvent::LastAffected(version) => (EventKind::LastAffected, version),
        RangeEvent::Limit(version) => (EventKind::Limit, version),
    };
    Event { kind, version }
}

#[cfg(test)]
mod tests {
    use purser_advisory::Ecosystem;

    use super::*;
    use crate::breakpoints::KeyBlock;
    use crate::format::SectionId;
    use crate::reader::{Section, Strings};

    /// The advisory numbers of the entries in `range` of a block's entries, in stored order.
    fn advisories_in(block: &KeyBlock<'_>, range: std::ops::Range<usize>) -> Vec<u32> {
        let mut found = Vec::new();
        let mut offset = range.start;
        while offset < range.end {
            let head = entry::read_head(block.entries, offset).expect("entry");
            found.push(head.advisory);
            offset = head.next;
        }
        assert_eq!(offset, range.end, "entries end where their release's do");
        found
    }

    #[test]
    fn entries_are_grouped_by_release_in_database_order() {
        let affected = |ecosystem: &str| Affected {
            ecosystem: Ecosystem::parse(ecosystem),
            package: "openssl".to_owned(),
            ..Affected::default()
        };
        let spelled = [
            "Alpine:v3.19",
            "Alpine:3.20",
            "Alpine:3.19",
            "Alpine",
            "Alpine:3.20",
        ];
        let entries: Vec<Affected> = spelled.iter().map(|name| affected(name)).collect();
        let members: Vec<Member<'_>> = (0..)
            .zip(&entries)
            .map(|(advisory, affected)| Member { advisory, affected })
            .collect();

        let mut table = StringTable::default();
        let mut bytes = Vec::new();
        encode("Alpine", &members, &mut table, &mut bytes).expect("fits");
        let string_bytes = table.into_bytes();
        let strings = Strings(Section::new(SectionId::Strings, &string_bytes));
        let block = KeyBlock::read(Section::new(SectionId::Entries, &bytes)).expect("block");

        let release = |wanted| {
            let range = block.release_entries(strings, wanted).expect("table");
            advisories_in(&block, range)
        };
        assert_eq!(
            release(Some("3.19")),
            [0, 2],
            "v3.19 and 3.19 are one release"
        );
        assert_eq!(release(Some("3.20")), [1, 4]);
        assert_eq!(release(None), [3]);
        assert_eq!(release(Some("3.18")), Vec::<u32>::new());

        // An ecosystem that ignores releases keeps every entry in order, without a table.
        let mut table = StringTable::default();
        let mut bytes = Vec::new();
        encode("PyPI", &members, &mut table, &mut bytes).expect("fits");
        let block = KeyBlock::read(Section::new(SectionId::Entries, &bytes)).expect("block");
        assert_eq!(
            advisories_in(&block, 0..block.entries.len()),
            [0, 1, 2, 3, 4]
        );
        assert_eq!(bytes[..4], [0, 0, 0, 0], "no release rows");
    }
}
