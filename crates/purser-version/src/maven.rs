//! Maven artifact versions, ordered as Maven's `ComparableVersion` orders them.
//!
//! Follows Maven's `ComparableVersion` (maven-artifact 3.x parsing, with the `release` alias and
//! MNG-6964's whole-list comparison against nothing), which both univers' and osv-scalibr's
//! vectors confirm, and the "Versioning" page of the Maven wiki:
//!
//! - The string is lowercased and split into items at `.`, at `-`, and wherever digits and
//!   letters meet (`1.0alpha1` is `1`, `0`, `alpha`, `1`). An empty item is `0`.
//! - A `-` or a letter/digit change opens a nested list: what follows is "less important" than
//!   something after a dot (`1-1` < `1.1`).
//! - Numbers compare numerically at any size. Qualifiers rank `alpha` < `beta` < `milestone` <
//!   `rc` < `snapshot` < (release) < `sp` < any other word (those in lexical order); `a1`, `b1`,
//!   `m1` mean `alpha-1`, `beta-1`, `milestone-1`; `ga`, `final` and `release` mean the
//!   release; `cr` is `rc`.
//! - Trailing zeros, release qualifiers and empty lists are dropped (`1.0.0` = `1` = `1-ga`).
//! - Where one side runs out, the other's next item decides against "nothing": a number other
//!   than zero is newer, a qualifier ranks against the release.
//!
//! Every string is accepted, as Maven accepts it.
//!
//! Limitation: recent Maven releases read a qualifier after a dot as if after a hyphen
//! (`1.0.x1` = `1.0-x1`); this module keeps the older reading that both vector sets follow, so
//! such versions order as earlier Maven 3 releases order them.
//!
//! Limitation: only ASCII digits count as digits, while Java's `Character.isDigit` also accepts
//! other Unicode digits; such a version (not seen on Maven Central) orders them as letters.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::VersionError;

/// A parsed Maven version.
///
/// Equality follows the ordering (`1.0` == `1`), as Maven's canonical form does.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    original: String,
    items: Vec<Item>,
}

impl MavenVersion {
    /// The version string as given.
    pub fn as_str(&self) -> &str {
        &self.original
    }
}

impl MavenVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    pub fn compare_with(&self, other: &str) -> Ordering {
        compare_lists(&self.items, &parse(other))
    }
}

impl FromStr for MavenVersion {
    type Err = VersionError;

    /// Splits the string into items; this never fails.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Ok(Self {
            original: input.to_owned(),
            items: parse(input),
        })
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

impl fmt::Display for MavenVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

/// Orders two Maven version strings.
pub fn compare(a: &str, b: &str) -> Ordering {
    compare_lists(&parse(a), &parse(b))
}

/// One item of a version.
#[derive(Debug, Clone)]
enum Item {
    /// Digits without leading zeros (`""` is zero).
    Number(String),
    /// A qualifier, lowercased, with its aliases resolved.
    Qualifier(String),
    /// A nested list, opened by `-` or a letter/digit change.
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_RANK: usize = 5;

impl Item {
    fn number(digits: &str) -> Self {
        Item::Number(digits.trim_start_matches('0').to_owned())
    }

    fn qualifier(text: &str, followed_by_digit: bool) -> Self {
        let text = match (followed_by_digit, text) {
            (true, "a") => "alpha",
            (true, "b") => "beta",
            (true, "m") => "milestone",
            (_, "ga" | "final" | "release") => "",
            (_, "cr") => "rc",
            _ => text,
        };
        Item::Qualifier(text.to_owned())
    }

    /// Whether normalisation drops this item when it trails: zero, the release, an empty list.
    fn is_null(&self) -> bool {
        match self {
            Item::Number(digits) => digits.is_empty(),
            Item::Qualifier(text) => qualifier_rank(text).0 == RELEASE_RANK,
            Item::List(items) => items.is_empty(),
        }
    }

    /// Compares this item with the other side's item at the same place, or with nothing.
    fn compare(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Number(digits), None) => {
                if digits.is_empty() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Number(a), Some(Item::Number(b))) => a.len().cmp(&b.len()).then(a.cmp(b)),
            (Item::Number(_), Some(_)) => Ordering::Greater,

            (Item::Qualifier(text), None) => qualifier_rank(text).cmp(&(RELEASE_RANK, "")),
            (Item::Qualifier(a), Some(Item::Qualifier(b))) => {
                qualifier_rank(a).cmp(&qualifier_rank(b))
            }
            (Item::Qualifier(_), Some(_)) => Ordering::Less,

            // The whole list decides against nothing, not only its first item (MNG-6964).
            (Item::List(items), None) => items
                .iter()
                .map(|item| item.compare(None))
                .find(|order| order.is_ne())
                .unwrap_or(Ordering::Equal),
            (Item::List(_), Some(Item::Number(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Qualifier(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => compare_lists(a, b),
        }
    }
}

/// Known qualifiers by their index; unknown ones after all of them, in lexical order.
fn qualifier_rank(text: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|known| *known == text) {
        Some(index) => (index, ""),
        None => (QUALIFIERS.len(), text),
    }
}

/// Compares two item lists; where one runs out, the other's item is compared with nothing.
fn compare_lists(a: &[Item], b: &[Item]) -> Ordering {
    let length = a.len().max(b.len());
    for index in 0..length {
        let order = match (a.get(index), b.get(index)) {
            (Some(left), right) => left.compare(right),
            (None, Some(right)) => right.compare(None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Splits a version into nested item lists, as `ComparableVersion.parseVersion` does.
fn parse(version: &str) -> Vec<Item> {
    let version = version.to_lowercase();

    // Each `-` or letter/digit change opens a list nested in the current one; items never go
    // back to an outer list, so the nesting is a chain, kept here as one list per depth.
    let mut levels: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;

    for (index, character) in version.char_indices() {
        let current = levels.last_mut().expect("there is always a current list");
        match character {
            '.' | '-' => {
                if index == start {
                    current.push(Item::Number(String::new()));
                } else {
                    current.push(item(is_digit, &version[start..index]));
                }
                start = index + 1;
                if character == '-' {
                    levels.push(Vec::new());
                }
            }
            digit if digit.is_ascii_digit() => {
                if !is_digit && index > start {
                    current.push(Item::qualifier(&version[start..index], true));
                    start = index;
                    levels.push(Vec::new());
                }
                is_digit = true;
            }
            _ => {
                if is_digit && index > start {
                    current.push(Item::number(&version[start..index]));
                    start = index;
                    levels.push(Vec::new());
                }
                is_digit = false;
            }
        }
    }
    if version.len() > start {
        let current = levels.last_mut().expect("there is always a current list");
        current.push(item(is_digit, &version[start..]));
    }

    // Normalise from the innermost list out, attaching each to its parent.
    let mut inner = levels.pop().expect("there is always a root list");
    normalize(&mut inner);
    while let Some(mut parent) = levels.pop() {
        parent.push(Item::List(inner));
        normalize(&mut parent);
        inner = parent;
    }
    inner
}

fn item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        Item::number(text)
    } else {
        Item::qualifier(text, false)
    }
}

/// Drops trailing null items, looking past (non-empty) nested lists as Maven does.
fn normalize(items: &mut Vec<Item>) {
    let mut index = items.len();
    while index > 0 {
        index -= 1;
        if items[index].is_null() {
            items.remove(index);
        } else if !matches!(items[index], Item::List(_)) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_rank_before_and_after_the_release() {
        let chain = [
            "1-alpha-1",
            "1-beta-1",
            "1-milestone-1",
            "1-rc-1",
            "1-snapshot",
            "1",
            "1-sp",
            "1-abc",
            "1-xyz",
            "1-1",
            "1.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(compare(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(compare(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
    }

    #[test]
    fn aliases_and_trailing_nulls_are_equal() {
        for (a, b) in [
            ("1", "1.0.0"),
            ("1", "1-ga"),
            ("1", "1.FINAL"),
            ("1-cr1", "1-rc-1"),
            ("1a1", "1-alpha-1"),
            ("1.0-1", "1-1"),
            ("1-0", "1"),
        ] {
            assert_eq!(compare(a, b), Ordering::Equal, "{a} vs {b}");
        }
    }

    #[test]
    fn numbers_of_any_size_compare_numerically() {
        assert_eq!(compare("1.10", "1.9"), Ordering::Greater);
        assert_eq!(
            compare("1.123456789012345678901234567890", "1.99999999999"),
            Ordering::Greater
        );
        assert_eq!(compare("1.007", "1.7"), Ordering::Equal);
    }

    #[test]
    fn parsed_versions_keep_the_original_text() {
        let version: MavenVersion = "1.0-SNAPSHOT".parse().expect("maven parsing never fails");
        assert_eq!(version.to_string(), "1.0-SNAPSHOT");
        assert!(version < "1.0".parse().expect("maven parsing never fails"));
    }
}
