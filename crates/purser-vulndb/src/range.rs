//! OSV range evaluation (<https://ossf.github.io/osv-schema/#evaluation>).
//!
//! Events are sorted by the ecosystem's version scheme, with `introduced: "0"` first, then walked
//! in order: an `introduced` at or below the version turns the range on, a `fixed` at or below it
//! turns it off, a `last_affected` strictly below it turns it off. A range with `limit` events
//! affects only versions below at least one limit. Several introduced/fixed pairs in one range
//! work because the walk keeps only the state after the last event at or below the version.
//!
//! Purser adds one event OSV does not have, `introduced after` (from
//! [`purser_advisory::RangeEvent::IntroducedAfter`]): strictly below the version it turns the
//! range on, so the version itself is not affected and the next one is. Like `last_affected`, it
//! acts just after its version, so at one version the events sort `introduced`, `fixed` (both at
//! it), then `introduced after`, `last_affected` (both just after it): each pair opening before
//! closing, so `fixed 1.2, introduced after 1.2` affects what follows 1.2 and `introduced after
//! 1.2, last_affected 1.2` affects nothing.

use std::cmp::Ordering;
use std::fmt::Write;

use purser_version::{Scheme, VersionError};

/// The kind of one range event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
    /// Purser's exclusive lower bound, not an OSV event.
    IntroducedAfter,
}

impl EventKind {
    /// The byte stored in the file.
    pub(crate) fn code(self) -> u8 {
        match self {
            EventKind::Introduced => 0,
            EventKind::Fixed => 1,
            EventKind::LastAffected => 2,
            EventKind::Limit => 3,
            EventKind::IntroducedAfter => 4,
        }
    }

    /// The kind a stored byte names.
    pub(crate) fn from_code(code: u8) -> Option<EventKind> {
        match code {
            0 => Some(EventKind::Introduced),
            1 => Some(EventKind::Fixed),
            2 => Some(EventKind::LastAffected),
            3 => Some(EventKind::Limit),
            4 => Some(EventKind::IntroducedAfter),
            _ => None,
        }
    }

    /// OSV's name for the event, and Purser's for `introduced after`, as reasons show them.
    pub(crate) fn name(self) -> &'static str {
        match self {
            EventKind::Introduced => "introduced",
            EventKind::Fixed => "fixed",
            EventKind::LastAffected => "last_affected",
            EventKind::Limit => "limit",
            EventKind::IntroducedAfter => "introduced after",
        }
    }

    /// Order among events at the same version: those acting at it (`introduced`, `fixed`)
    /// before those acting just after it (`introduced after`, `last_affected`), and in each pair
    /// opening before closing. So `introduced X, fixed X` affects nothing, `introduced X,
    /// last_affected X` affects exactly X, and `fixed X, introduced after X` reopens the range
    /// above X. `limit` is not part of the walk.
    fn tie_rank(self) -> u8 {
        match self {
            EventKind::Introduced => 0,
            EventKind::Fixed => 1,
            EventKind::IntroducedAfter => 2,
            EventKind::LastAffected => 3,
            EventKind::Limit => 4,
        }
    }
}

/// One event of a stored range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event<'a> {
    pub(crate) kind: EventKind,
    pub(crate) version: &'a str,
}

impl Event<'_> {
    /// Whether this is `introduced: "0"`, the start of every scheme, valid or not.
    pub(crate) fn is_zero_introduced(&self) -> bool {
        self.kind == EventKind::Introduced && self.version == "0"
    }
}

/// Sorts events by `scheme`, with `introduced: "0"` first.
///
/// # Errors
///
/// Returns the [`VersionError`] of the first event version the scheme rejects.
pub(crate) fn sort_events(scheme: Scheme, events: &mut [Event<'_>]) -> Result<(), VersionError> {
    for event in events.iter() {
        if !event.is_zero_introduced() {
            scheme.compare(event.version, event.version)?;
        }
    }
    events.sort_by(|a, b| {
        let by_version = match (a.is_zero_introduced(), b.is_zero_introduced()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // Every version was checked above, so the comparison cannot fail.
            (false, false) => scheme
                .compare(a.version, b.version)
                .unwrap_or(Ordering::Equal),
        };
        by_version.then(a.kind.tie_rank().cmp(&b.kind.tie_rank()))
    });
    Ok(())
}

/// Where the installed version stands against one event's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// The event is `introduced: "0"`: every version is at or above it.
    Start,
    /// The installed version compared with the event's version.
    Ordered(Ordering),
    /// The scheme could not compare the two.
    Unordered,
}

impl Placement {
    fn at_or_above(self) -> bool {
        match self {
            Placement::Start => true,
            Placement::Ordered(order) => order.is_ge(),
            Placement::Unordered => false,
        }
    }
}

/// Whether `version` (already accepted by `scheme`) is inside the range of `sorted` events.
pub(crate) fn contains(scheme: Scheme, version: &str, sorted: &[Event<'_>]) -> bool {
    contains_placed(sorted.iter().map(|event| {
        let placement = if event.is_zero_introduced() {
            Placement::Start
        } else {
            scheme
                .compare(version, event.version)
                .map_or(Placement::Unordered, Placement::Ordered)
        };
        (event.kind, placement)
    }))
}

/// Whether the installed version is inside a range, given each event of the sorted range with
/// where the installed version stands against it. One walk: the state after the last event that
/// acts on the version decides (`introduced`, `fixed` at or below it; `introduced after`,
/// `last_affected` strictly below it), and `limit` events bound the range from above.
pub(crate) fn contains_placed(sorted: impl Iterator<Item = (EventKind, Placement)>) -> bool {
    let mut affected = false;
    let mut has_limit = false;
    let mut below_a_limit = false;
    for (kind, placement) in sorted {
        match kind {
            EventKind::Introduced if placement.at_or_above() => affected = true,
            EventKind::Fixed if placement.at_or_above() => affected = false,
            EventKind::IntroducedAfter if placement == Placement::Ordered(Ordering::Greater) => {
                affected = true;
            }
            EventKind::LastAffected if placement == Placement::Ordered(Ordering::Greater) => {
                affected = false;
            }
            EventKind::Limit => {
                has_limit = true;
                below_a_limit |= !placement.at_or_above();
            }
            _ => {}
        }
    }
    affected && (!has_limit || below_a_limit)
}

/// Renders sorted events for a finding's reason: `introduced 0, fixed 2.17.1`.
pub(crate) fn render(sorted: &[Event<'_>]) -> String {
    let mut text = String::new();
    for (index, event) in sorted.iter().enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        // Writing to a String cannot fail.
        let _ = write!(text, "{} {}", event.kind.name(), event.version);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events<'a>(spec: &[(EventKind, &'a str)]) -> Vec<Event<'a>> {
        spec.iter()
            .map(|&(kind, version)| Event { kind, version })
            .collect()
    }

    fn affected(scheme: Scheme, version: &str, spec: &[(EventKind, &str)]) -> bool {
        let mut sorted = events(spec);
        sort_events(scheme, &mut sorted).expect("valid events");
        contains(scheme, version, &sorted)
    }

    use EventKind::{Fixed, Introduced, IntroducedAfter, LastAffected, Limit};

    #[test]
    fn introduced_fixed_is_half_open() {
        let range = [(Introduced, "1.0.0"), (Fixed, "2.0.0")];
        assert!(!affected(Scheme::Semver, "0.9.0", &range));
        assert!(affected(Scheme::Semver, "1.0.0", &range));
        assert!(affected(Scheme::Semver, "1.9.9", &range));
        assert!(!affected(Scheme::Semver, "2.0.0", &range));
    }

    #[test]
    fn zero_is_the_start_even_where_the_scheme_rejects_it() {
        let range = [(Fixed, "2.0.0"), (Introduced, "0")];
        assert!(affected(Scheme::Semver, "0.0.1", &range));
        assert!(!affected(Scheme::Semver, "2.0.1", &range));
    }

    #[test]
    fn last_affected_is_inclusive() {
        let range = [(Introduced, "0"), (LastAffected, "1:2.3-1")];
        assert!(affected(Scheme::Dpkg, "1:2.3-1", &range));
        assert!(!affected(Scheme::Dpkg, "1:2.3-2", &range));
        assert!(affected(Scheme::Dpkg, "2.3-9", &range), "epoch 0 is lower");
    }

    #[test]
    fn several_pairs_in_one_range_and_unsorted_input() {
        let range = [
            (Fixed, "1.2.5"),
            (Introduced, "2.0.0"),
            (Introduced, "1.0.0"),
            (Fixed, "2.1.0"),
        ];
        assert!(affected(Scheme::Semver, "1.2.4", &range));
        assert!(!affected(Scheme::Semver, "1.5.0", &range));
        assert!(affected(Scheme::Semver, "2.0.3", &range));
        assert!(!affected(Scheme::Semver, "3.0.0", &range));
    }

    #[test]
    fn limit_bounds_the_range() {
        let range = [(Introduced, "0"), (Limit, "2.0")];
        assert!(affected(Scheme::Pep440, "1.9", &range));
        assert!(!affected(Scheme::Pep440, "2.0", &range));
    }

    #[test]
    fn equal_introduced_and_fixed_affect_nothing() {
        let range = [(Fixed, "1.0"), (Introduced, "1.0")];
        assert!(!affected(Scheme::Pep440, "1.0", &range));
    }

    #[test]
    fn introduced_after_excludes_its_own_version() {
        // nokogiri CVE-2022-23476: unaffected "<= 1.13.7", patched ">= 1.13.10".
        let range = [(Fixed, "1.13.10"), (IntroducedAfter, "1.13.7")];
        assert!(!affected(Scheme::RubyGems, "1.13.6", &range));
        assert!(!affected(Scheme::RubyGems, "1.13.7", &range));
        assert!(affected(Scheme::RubyGems, "1.13.7.1", &range));
        assert!(affected(Scheme::RubyGems, "1.13.8", &range));
        assert!(affected(Scheme::RubyGems, "1.13.9", &range));
        assert!(!affected(Scheme::RubyGems, "1.13.10", &range));
    }

    #[test]
    fn introduced_after_at_the_version_of_other_events() {
        // Safe up to 1.2 and again from 1.2 on: nothing affected (`fixed` reopened just after).
        let reopened = [(Introduced, "0"), (Fixed, "1.2"), (IntroducedAfter, "1.2")];
        assert!(affected(Scheme::Pep440, "1.1", &reopened));
        assert!(!affected(Scheme::Pep440, "1.2", &reopened));
        assert!(affected(Scheme::Pep440, "1.2.post1", &reopened));

        let empty = [(LastAffected, "1.2"), (IntroducedAfter, "1.2")];
        for version in ["1.1", "1.2", "1.3"] {
            assert!(!affected(Scheme::Pep440, version, &empty), "{version}");
        }

        let mut sorted = events(&[
            (LastAffected, "1.2"),
            (IntroducedAfter, "1.2"),
            (Fixed, "1.2"),
        ]);
        sort_events(Scheme::Pep440, &mut sorted).expect("valid");
        assert_eq!(
            render(&sorted),
            "fixed 1.2, introduced after 1.2, last_affected 1.2"
        );
    }

    #[test]
    fn introduced_after_against_breakpoint_places() {
        // The ranked path: breakpoints 1.2 (rank 0) and 1.5 (rank 1); the installed version's
        // place is 2i + 1 at breakpoint i and 2i just below it.
        let range = [(IntroducedAfter, 0u32), (Fixed, 1u32)];
        let walk = |place: u64| {
            contains_placed(range.iter().map(|&(kind, rank)| {
                (
                    kind,
                    Placement::Ordered(place.cmp(&(2 * u64::from(rank) + 1))),
                )
            }))
        };
        let expected = [
            (0, false, "below 1.2"),
            (1, false, "at 1.2"),
            (2, true, "between 1.2 and 1.5"),
            (3, false, "at 1.5"),
            (4, false, "above 1.5"),
        ];
        for (place, inside, what) in expected {
            assert_eq!(walk(place), inside, "{what}");
        }
        assert!(!contains_placed(
            [(IntroducedAfter, Placement::Unordered)].into_iter()
        ));
    }

    #[test]
    fn a_bad_event_version_is_an_error() {
        let mut bad = events(&[(Introduced, "0"), (Fixed, "not-a-version")]);
        let error = sort_events(Scheme::Semver, &mut bad).unwrap_err();
        assert_eq!(error.input, "not-a-version");
    }

    #[test]
    fn reasons_list_events_in_order() {
        let mut sorted = events(&[(Fixed, "2.17.1"), (Introduced, "0")]);
        sort_events(Scheme::Maven, &mut sorted).expect("valid");
        assert_eq!(render(&sorted), "introduced 0, fixed 2.17.1");

        let mut sorted = events(&[(Fixed, "1.5"), (IntroducedAfter, "1.2")]);
        sort_events(Scheme::Pep440, &mut sorted).expect("valid");
        assert_eq!(render(&sorted), "introduced after 1.2, fixed 1.5");
    }
}
