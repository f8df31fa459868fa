//! A fast first look for keywords: the few places where one occurs, found without the automaton.
//!
//! The keyword automaton is a DFA: it reads every byte and each step waits for the previous
//! one, which caps it at 450 to 600 MiB/s per core on text (BENCHMARKS.md). This prefilter
//! instead picks one three-byte *anchor* in each keyword, the one made of the bytes rarest in
//! ordinary text (`-be` in `-----begin`, `_v1` in `dop_v1_`), and looks up the hash of the three
//! bytes at every position of the text in a table of flags, one set per anchor. The lookups do
//! not depend on one another, so the CPU runs several at once. Where a flag is set, the keywords
//! with that anchor are compared with the text (ASCII case insensitively), and only a keyword
//! found that way makes the scanner run the automaton.
//!
//! Every occurrence of a keyword contains its anchor, so no keyword is missed; the scanner's
//! `scan_anchors` says why it then opens exactly the windows the automaton alone would.
//!
//! Limitation: with a keyword shorter than three bytes there is no prefilter, and the scanner
//! runs the automaton over every byte, at its speed.

/// Length of an anchor, in bytes.
pub const ANCHOR_LEN: usize = 3;

/// Bits of an anchor's hash: the table has `2^HASH_BITS` one-byte flags (64 KiB, in the L2
/// cache). Flags test faster than packed bits, and fewer bits let so many common trigrams
/// share an anchor's flag that the comparisons cost more than the smaller table saves.
const HASH_BITS: u32 = 16;

/// Eight-byte words the candidate loop reads per step, six positions each (at most 5, for the
/// 32-bit mask): 2 made the scan with all rules about 5% faster than 1, and 4 no faster than 2.
const WORDS_PER_STEP: usize = 2;

/// Entries of the table.
const TABLE_LEN: usize = 1 << HASH_BITS;

/// Sets bit 5 of every byte: folds ASCII uppercase letters onto lowercase (and a few other bytes
/// onto each other, which only adds candidates the comparison then drops).
const FOLD: u64 = 0x2020_2020_2020_2020;

/// How common each byte is in lowercased real text, on a log scale: 0 for bytes never seen,
/// about 190 for the most common letters. Written by `examples/anchor_tables.rs`; see
/// `data/README.md`.
const BYTE_COMMONNESS: &[u8; 256] = include_bytes!("../data/byte_commonness.bin");

/// The 2,000 most common trigrams of the same text, lowercase, most common first, three bytes
/// each: an anchor is picked outside them where the keyword allows. Written by the same example.
const COMMON_TRIGRAMS: &[u8] = include_bytes!("../data/common_trigrams.bin");

/// How much a byte equal to the one before it adds to an anchor's commonness (eight steps of
/// [`BYTE_COMMONNESS`] are one doubling): runs such as `---` or `===` are far more common than
/// their bytes suggest.
const REPEAT_PENALTY: u32 = 64;

/// A keyword and where its anchor sits in it.
#[derive(Debug, Clone)]
struct AnchoredKeyword {
    /// Index of the keyword in the list the prefilter was built from.
    index: usize,
    /// The keyword, lowercase.
    keyword: Vec<u8>,
    /// Offset of the anchor in the keyword.
    offset: usize,
}

/// The anchors' flag table and, per anchor, the keywords that hold it.
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// Flag `hash(anchor)` is set for every anchor.
    flags: Box<[bool; TABLE_LEN]>,
    /// Folded anchors, sorted, each with its keywords.
    anchors: Vec<(u32, Vec<AnchoredKeyword>)>,
    /// The largest offset of an anchor inside its keyword.
    max_anchor_offset: usize,
}

/// A keyword occurrence the prefilter confirmed: byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordAt {
    /// Where the keyword starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
}

impl Prefilter {
    /// Picks an anchor in each keyword (lowercase) and builds the flag table, or `None` when a
    /// keyword is shorter than [`ANCHOR_LEN`].
    pub fn new(keywords: &[String]) -> Option<Prefilter> {
        let mut anchors: Vec<(u32, Vec<AnchoredKeyword>)> = Vec::new();
        let mut max_anchor_offset = 0;
        for (index, keyword) in keywords.iter().enumerate() {
            let keyword = keyword.as_bytes();
            let offset = rarest_anchor(keyword)?;
            max_anchor_offset = max_anchor_offset.max(offset);
            let folded = fold_trigram(&keyword[offset..offset + ANCHOR_LEN]);
            let entry = AnchoredKeyword {
                index,
                keyword: keyword.to_ascii_lowercase(),
                offset,
            };
            match anchors.iter_mut().find(|(anchor, _)| *anchor == folded) {
                Some((_, holders)) => holders.push(entry),
                None => anchors.push((folded, vec![entry])),
            }
        }
        if anchors.is_empty() {
            return None;
        }
        anchors.sort_unstable_by_key(|(anchor, _)| *anchor);

        let mut flags = Box::new([false; TABLE_LEN]);
        for (anchor, _) in &anchors {
            let hash = trigram_hash(*anchor);
            flags[hash % TABLE_LEN] = true;
        }
        Some(Prefilter {
            flags,
            anchors,
            max_anchor_offset,
        })
    }

    /// How many distinct anchors the keywords have.
    pub fn anchor_count(&self) -> usize {
        self.anchors.len()
    }

    /// The largest offset of an anchor inside its keyword: a keyword whose anchor starts at `p`
    /// starts at or after `p - max_anchor_offset()`.
    pub fn max_anchor_offset(&self) -> usize {
        self.max_anchor_offset
    }

    /// Calls `found` with each position in `text[start..end]` whose three bytes hash to an
    /// anchor's flag, in ascending order, until it returns `false`; returns whether it never did.
    pub fn for_each_candidate(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        mut found: impl FnMut(usize) -> bool,
    ) -> bool {
        let end = end.min(text.len().saturating_sub(ANCHOR_LEN - 1));
        let mut position = start;

        // Eight bytes give the trigrams at six positions; [`WORDS_PER_STEP`] such words at a
        // time give that many tests, gathered into one mask, so the loop branches once per step.
        let step = 6 * WORDS_PER_STEP;
        while position + step + 2 <= text.len() && position + step <= end {
            let Some(chunk) = text.get(position..position + step + 2) else {
                break;
            };
            let mut marked = 0u32;
            for word_index in 0..WORDS_PER_STEP {
                let mut word = [0u8; 8];
                word.copy_from_slice(&chunk[6 * word_index..6 * word_index + 8]);
                let word = u64::from_le_bytes(word) | FOLD;
                for shift in 0..6 {
                    let trigram = (word >> (8 * shift)) as u32 & 0x00FF_FFFF;
                    marked |= u32::from(self.is_marked(trigram)) << (6 * word_index + shift);
                }
            }
            while marked != 0 {
                let shift = marked.trailing_zeros() as usize;
                if !found(position + shift) {
                    return false;
                }
                marked &= marked - 1;
            }
            position += step;
        }

        while position < end {
            if self.is_marked(fold_trigram(&text[position..position + ANCHOR_LEN]))
                && !found(position)
            {
                return false;
            }
            position += 1;
        }
        true
    }

    /// The keyword occurrence that ends first among those whose anchor starts at `position` and
    /// that start at or after `not_before`; `None` when the anchor's flag was set by another
    /// trigram or no keyword matches around it.
    pub fn keyword_at(&self, text: &[u8], position: usize, not_before: usize) -> Option<KeywordAt> {
        self.keywords_at(text, position, not_before, text.len())
            .map(|(_, found)| found)
            .min_by_key(|found| found.end)
    }

    /// Calls `found` with the index (in the list the prefilter was built from) of every keyword
    /// occurrence inside `text[start..end]`, in order of their anchors, each as often as it
    /// occurs.
    pub fn for_each_keyword(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        mut found: impl FnMut(usize),
    ) {
        self.for_each_candidate(text, start, end, |position| {
            for (index, _) in self.keywords_at(text, position, start, end) {
                found(index);
            }
            true
        });
    }

    /// The keyword occurrences inside `text[not_before..not_after]` whose anchor starts at
    /// `position`, with their keywords' indexes.
    fn keywords_at<'a>(
        &'a self,
        text: &'a [u8],
        position: usize,
        not_before: usize,
        not_after: usize,
    ) -> impl Iterator<Item = (usize, KeywordAt)> + 'a {
        let holders = text
            .get(position..position + ANCHOR_LEN)
            .and_then(|bytes| {
                self.anchors
                    .binary_search_by_key(&fold_trigram(bytes), |(anchor, _)| *anchor)
                    .ok()
            })
            .map_or(&[][..], |index| self.anchors[index].1.as_slice());
        holders.iter().filter_map(move |holder| {
            let start = position.checked_sub(holder.offset)?;
            let end = start + holder.keyword.len();
            if start < not_before || end > not_after {
                return None;
            }
            text.get(start..end)?
                .eq_ignore_ascii_case(&holder.keyword)
                .then_some((holder.index, KeywordAt { start, end }))
        })
    }

    /// Whether the flag of a folded trigram's hash is set.
    #[inline]
    fn is_marked(&self, trigram: u32) -> bool {
        let hash = trigram_hash(trigram);
        self.flags[hash % TABLE_LEN]
    }
}

/// Three bytes as a little-endian number, folded like the text.
fn fold_trigram(bytes: &[u8]) -> u32 {
    let trigram = u32::from(bytes[0]) | u32::from(bytes[1]) << 8 | u32::from(bytes[2]) << 16;
    trigram | (FOLD as u32 & 0x00FF_FFFF)
}

/// Multiplicative hash of a folded trigram to [`HASH_BITS`] bits.
#[inline]
fn trigram_hash(trigram: u32) -> usize {
    (trigram.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

/// The offset of the three bytes of `keyword` least common in ordinary text, or `None` when the
/// keyword is too short.
fn rarest_anchor(keyword: &[u8]) -> Option<usize> {
    if keyword.len() < ANCHOR_LEN {
        return None;
    }
    (0..=keyword.len() - ANCHOR_LEN)
        .min_by_key(|offset| commonness(&keyword[*offset..*offset + ANCHOR_LEN]))
}

/// How common three bytes are estimated to be: first how high they rank among
/// [`COMMON_TRIGRAMS`] (0 when absent), then the sum of their bytes' commonness plus
/// [`REPEAT_PENALTY`] for each byte equal to the one before it.
fn commonness(anchor: &[u8]) -> (usize, u32) {
    let lowercase = anchor.to_ascii_lowercase();
    let common_rank = COMMON_TRIGRAMS
        .chunks_exact(ANCHOR_LEN)
        .position(|common| common == lowercase.as_slice())
        .map_or(0, |index| COMMON_TRIGRAMS.len() / ANCHOR_LEN - index);
    let bytes: u32 = lowercase
        .iter()
        .map(|byte| u32::from(BYTE_COMMONNESS[usize::from(*byte)]))
        .sum();
    let repeats = lowercase
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .count() as u32;
    (common_rank, bytes + repeats * REPEAT_PENALTY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    fn every_keyword(prefilter: &Prefilter, text: &[u8]) -> Vec<KeywordAt> {
        let mut found = Vec::new();
        prefilter.for_each_candidate(text, 0, text.len(), |position| {
            found.extend(prefilter.keyword_at(text, position, 0));
            true
        });
        found
    }

    #[test]
    fn the_anchor_avoids_common_bytes_and_runs() {
        assert_eq!(rarest_anchor(b"dop_v1_"), Some(3));
        assert_ne!(rarest_anchor(b"-----begin rsa private key"), Some(0));
        assert_eq!(rarest_anchor(b"q~"), None);
        assert!(Prefilter::new(&keywords(&["q~", "ghp_"])).is_none());
    }

    #[test]
    fn every_occurrence_is_found_in_any_case_and_at_both_ends() {
        let prefilter = Prefilter::new(&keywords(&["ghp_", "xoxb-", "password"])).expect("built");
        let text = b"GHP_ at start, a XoXb- and a PassWord; ghp_";
        let found: Vec<(usize, usize)> = every_keyword(&prefilter, text)
            .into_iter()
            .map(|at| (at.start, at.end))
            .collect();
        assert_eq!(found, vec![(0, 4), (17, 22), (29, 37), (39, 43)]);
    }

    #[test]
    fn a_lookalike_of_an_anchor_is_no_keyword() {
        let prefilter = Prefilter::new(&keywords(&["dop_v1_"])).expect("built");
        assert!(every_keyword(&prefilter, b"xxx_v1_ and dop_v2_").is_empty());
    }

    #[test]
    fn the_search_stops_when_asked() {
        let prefilter = Prefilter::new(&keywords(&["ghp_"])).expect("built");
        let text = b"ghp_ ghp_ ghp_";
        let mut seen = 0;
        let finished = prefilter.for_each_candidate(text, 0, text.len(), |_| {
            seen += 1;
            seen < 2
        });
        assert!(!finished);
        assert_eq!(seen, 2);
    }
}
