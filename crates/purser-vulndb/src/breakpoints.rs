//! Breakpoints: for each key, the distinct versions its ranges name, sorted once at build time,
//! so that a lookup places the installed version with one binary search and then compares it
//! with every event of every entry as integers.
//!
//! The installed version's *place* in a sorted list `v[0] < v[1] < ...` is `2i + 1` when it
//! equals `v[i]` and `2i` when it lies between `v[i - 1]` and `v[i]`; an event whose version is
//! `v[r]` sits at `2r + 1`. Comparing places gives the same answer as the scheme comparing the
//! versions, because the scheme orders the list.

use std::cmp::Ordering;

use purser_version::{ParsedVersion, Scheme};

use crate::error::Corruption;
use crate::format::{
    SectionId, MAX_BREAKPOINT_LISTS, RELEASE_RECORD_LEN, STRING_REF_LEN, ZERO_RANK,
};
use crate::range::{Event, Placement};
use crate::reader::{Section, Strings};
use crate::strings::{StringTable, TooLarge};

/// The builder's breakpoint lists of one key, one per scheme its ranges are ordered by.
#[derive(Debug, Default)]
pub(crate) struct KeyBreakpoints<'a> {
    lists: Vec<(Scheme, Vec<&'a str>)>,
}

impl<'a> KeyBreakpoints<'a> {
    /// Adds the versions of a range whose events `scheme` sorted, and returns the index of the
    /// scheme's list; `None` when the key already has the most lists a block holds.
    pub(crate) fn add(&mut self, scheme: Scheme, sorted: &[Event<'a>]) -> Option<u8> {
        let index = match self.lists.iter().position(|(known, _)| *known == scheme) {
            Some(index) => index,
            None if self.lists.len() < MAX_BREAKPOINT_LISTS => {
                self.lists.push((scheme, Vec::new()));
                self.lists.len() - 1
            }
            None => return None,
        };
        let versions = sorted
            .iter()
            .filter(|event| !event.is_zero_introduced())
            .map(|event| event.version);
        self.lists[index].1.extend(versions);
        u8::try_from(index).ok()
    }

    /// Sorts every list by its scheme and keeps one version of each run the scheme calls equal.
    /// Every version was accepted by its scheme when its range was sorted.
    pub(crate) fn finish(&mut self) {
        for (scheme, versions) in &mut self.lists {
            versions.sort_unstable();
            versions.dedup();
            versions.sort_by(|a, b| scheme.compare(a, b).unwrap_or(Ordering::Equal));
            versions.dedup_by(|a, b| scheme.compare(a, b) == Ok(Ordering::Equal));
        }
    }

    /// The rank of `version` in list `list`, once [`KeyBreakpoints::finish`] has run; `None` if
    /// it is not there, which only a scheme that is not a total order could cause.
    pub(crate) fn rank(&self, list: u8, version: &str) -> Option<u32> {
        let (scheme, versions) = self.lists.get(usize::from(list))?;
        let found = versions
            .binary_search_by(|probe| scheme.compare(probe, version).unwrap_or(Ordering::Less))
            .ok()?;
        u32::try_from(found).ok().filter(|&rank| rank != ZERO_RANK)
    }

    /// Appends the lists as the start of the key's block.
    pub(crate) fn encode(
        &self,
        strings: &mut StringTable,
        out: &mut Vec<u8>,
    ) -> Result<(), TooLarge> {
        let count = |value: usize| u32::try_from(value).map_err(|_| TooLarge);
        out.extend_from_slice(&count(self.lists.len())?.to_le_bytes());
        for (_, versions) in &self.lists {
            out.extend_from_slice(&count(versions.len())?.to_le_bytes());
            for version in versions {
                strings.write_ref(version, out)?;
            }
        }
        Ok(())
    }
}

/// A key's block as read: its release table, its breakpoint lists and its entries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyBlock<'a> {
    /// The release table's rows, [`RELEASE_RECORD_LEN`] bytes each; empty for a key whose
    /// ecosystem ignores releases.
    releases: &'a [u8],
    lists: [&'a [u8]; MAX_BREAKPOINT_LISTS],
    list_count: usize,
    /// The key's entries, offsets starting at 0.
    pub(crate) entries: Section<'a>,
}

impl<'a> KeyBlock<'a> {
    /// Splits a key's block into its release table, its lists and its entries.
    pub(crate) fn read(block: Section<'a>) -> Result<KeyBlock<'a>, Corruption> {
        let mut cursor = block.cursor(0);
        let release_count = cursor.u32()? as usize;
        let releases = cursor.bytes(release_count.saturating_mul(RELEASE_RECORD_LEN))?;
        let list_count = cursor.u32()? as usize;
        if list_count > MAX_BREAKPOINT_LISTS {
            return Err(Corruption(format!(
                "a key has {list_count} breakpoint lists, at most {MAX_BREAKPOINT_LISTS} are \
                 allowed"
            )));
        }
        let mut lists: [&[u8]; MAX_BREAKPOINT_LISTS] = [&[]; MAX_BREAKPOINT_LISTS];
        for list in lists.iter_mut().take(list_count) {
            let length = cursor.u32()? as usize;
            *list = cursor.bytes(length.saturating_mul(STRING_REF_LEN))?;
        }
        let start = cursor.position();
        let entries = block.slice(start, block.len().saturating_sub(start))?;
        Ok(KeyBlock {
            releases,
            lists,
            list_count,
            entries: Section::new(SectionId::Entries, entries),
        })
    }

    /// The byte range, within [`KeyBlock::entries`], of the entries whose release is `wanted`
    /// (`None`: the entries without a release), compared as bytes; empty when the key has none.
    pub(crate) fn release_entries(
        &self,
        strings: Strings<'a>,
        wanted: Option<&str>,
    ) -> Result<std::ops::Range<usize>, Corruption> {
        let rows = Section::new(SectionId::Entries, self.releases);
        for row in 0..self.releases.len() / RELEASE_RECORD_LEN {
            let mut cursor = rows.cursor(row * RELEASE_RECORD_LEN);
            let release = cursor.string_ref()?;
            let matches = match (release.is_absent(), wanted) {
                (true, None) => true,
                (false, Some(wanted)) => strings.bytes(release)? == wanted.as_bytes(),
                _ => false,
            };
            if !matches {
                continue;
            }
            let start = cursor.u32()? as usize;
            let length = cursor.u32()? as usize;
            return start
                .checked_add(length)
                .filter(|&end| end <= self.entries.len())
                .map(|end| start..end)
                .ok_or_else(|| {
                    Corruption(format!(
                        "release table row {row} names entries {start}+{length}, past the \
                         key's {} bytes of entries",
                        self.entries.len()
                    ))
                });
        }
        Ok(0..0)
    }

    /// Where `installed` stands in list `list`, ordered by the scheme that parsed it; each
    /// breakpoint of the binary search is parsed, the installed version never again.
    pub(crate) fn place(
        &self,
        list: u8,
        installed: &ParsedVersion,
        strings: Strings<'a>,
    ) -> Result<InstalledPlace, Corruption> {
        let list = usize::from(list);
        if list >= self.list_count {
            return Err(Corruption(format!(
                "a range names breakpoint list {list} of a key with {}",
                self.list_count
            )));
        }
        let versions = Section::new(SectionId::Entries, self.lists[list]);

        let (mut low, mut high) = (0, versions.len() / STRING_REF_LEN);
        while low < high {
            let middle = low + (high - low) / 2;
            let reference = versions.cursor(middle * STRING_REF_LEN).string_ref()?;
            let breakpoint = strings.text(reference)?;
            let order = installed.compare_with(breakpoint).map_err(|error| {
                Corruption(format!(
                    "breakpoint {breakpoint:?} cannot be ordered: {error}"
                ))
            })?;
            match order {
                Ordering::Less => high = middle,
                Ordering::Greater => low = middle + 1,
                Ordering::Equal => return Ok(InstalledPlace(2 * middle as u64 + 1)),
            }
        }
        Ok(InstalledPlace(2 * low as u64))
    }
}

/// The installed version's place among one list's breakpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InstalledPlace(u64);

impl InstalledPlace {
    /// Where the installed version stands against an event of rank `rank`.
    pub(crate) fn against(self, rank: u32) -> Placement {
        if rank == ZERO_RANK {
            return Placement::Start;
        }
        Placement::Ordered(self.0.cmp(&(2 * u64::from(rank) + 1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::range::EventKind;

    fn event(kind: EventKind, version: &str) -> Event<'_> {
        Event { kind, version }
    }

    #[test]
    fn lists_sort_by_scheme_and_merge_equal_versions() {
        let mut breakpoints = KeyBreakpoints::default();
        let first = [
            event(EventKind::Introduced, "0"),
            event(EventKind::Fixed, "1.10"),
        ];
        let second = [
            event(EventKind::Introduced, "1.2"),
            event(EventKind::Fixed, "1.2.0"),
            event(EventKind::LastAffected, "1.9"),
        ];
        assert_eq!(breakpoints.add(Scheme::Pep440, &first), Some(0));
        assert_eq!(breakpoints.add(Scheme::Pep440, &second), Some(0));
        assert_eq!(breakpoints.add(Scheme::Semver, &[]), Some(1));
        assert_eq!(breakpoints.add(Scheme::Dpkg, &[]), None);
        breakpoints.finish();

        assert_eq!(
            breakpoints.lists[0].1.len(),
            3,
            "1.2 and 1.2.0 are one version"
        );
        assert_eq!(breakpoints.rank(0, "1.2.0"), Some(0));
        assert_eq!(breakpoints.rank(0, "1.2"), Some(0));
        assert_eq!(breakpoints.rank(0, "1.9"), Some(1));
        assert_eq!(breakpoints.rank(0, "1.10"), Some(2));
        assert_eq!(breakpoints.rank(0, "3"), None);
        assert_eq!(breakpoints.rank(2, "1.9"), None);
    }

    #[test]
    fn places_compare_like_the_scheme() {
        let mut breakpoints = KeyBreakpoints::default();
        let events = [
            event(EventKind::Introduced, "1.0"),
            event(EventKind::Fixed, "2.0"),
        ];
        breakpoints.add(Scheme::Pep440, &events);
        breakpoints.finish();
        let mut table = StringTable::default();
        // An empty release table, then the lists.
        let mut block = vec![0; 4];
        breakpoints.encode(&mut table, &mut block).expect("fits");
        let string_bytes = table.into_bytes();
        let strings = Strings(Section::new(SectionId::Strings, &string_bytes));
        let read = KeyBlock::read(Section::new(SectionId::Entries, &block)).expect("block");
        assert_eq!(read.entries.len(), 0);

        let place = |installed| {
            let parsed = Scheme::Pep440.parse(installed).expect("valid");
            read.place(0, &parsed, strings).expect("place")
        };
        for installed in ["0.5", "1.0", "1.0.0", "1.5", "2.0", "2.0.post1", "3"] {
            for (rank, version) in ["1.0", "2.0"].into_iter().enumerate() {
                let expected = Scheme::Pep440.compare(installed, version).expect("valid");
                assert_eq!(
                    place(installed).against(rank as u32),
                    Placement::Ordered(expected),
                    "{installed} against {version}"
                );
            }
            assert_eq!(place(installed).against(ZERO_RANK), Placement::Start);
        }
        let parsed = Scheme::Pep440.parse("1.0").expect("valid");
        assert!(read.place(1, &parsed, strings).is_err());
    }
}
