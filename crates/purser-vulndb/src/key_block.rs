//! The builder's side of one key's block: sort every range once, collect the key's breakpoints,
//! then write the breakpoint lists followed by the entries with each event's rank.

use purser_advisory::{Affected, RangeEvent, RangeKind, VersionRange};
use purser_version::Scheme;

use crate::breakpoints::KeyBreakpoints;
use crate::ecosystem::normalise_release;
use crate::entry::{self, EntryInput, RangeInput, RankedEvent};
use crate::format::ZERO_RANK;
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
    breakpoints.encode(strings, out)?;

    for (member, ranges) in members.iter().zip(sorted) {
        let affected = member.affected;
        let input = EntryInput {
            advisory: member.advisory,
            release: affected
                .ecosystem
                .release
                .as_deref()
                .map(|release| normalise_release(ecosystem, release)),
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
    Ok(())
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
