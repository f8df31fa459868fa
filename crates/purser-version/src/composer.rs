//! Packagist (Composer) versions, ordered as PHP's `version_compare` orders them.
//!
//! Composer compares versions with PHP's `version_compare` (`ext/standard/versioning.c`); this
//! module follows it, after dropping a leading `v` or `V` as Composer's version parser does:
//!
//! - The string is canonicalised: `-`, `_`, `+` and every other non-alphanumeric character
//!   become a `.`, and a `.` is inserted wherever digits and non-digits meet, so `1.0rc1` reads
//!   `1.0.rc.1`. The first character is kept as it is.
//! - Parts compare in order: two numbers numerically; otherwise by "special form", where
//!   anything unknown < `dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < a number < `pl` =
//!   `p`, each matched as a prefix (so `patch` ranks as `p`) and case-sensitively.
//! - When one side runs out, a following number makes the other newer; a following word is
//!   ranked against "a number" (`1.0` < `1.0.pl1`, `1.0` > `1.0.rc1`).
//!
//! Every string is accepted, as `version_compare` accepts it.
//!
//! Limitation: PHP reads numbers with `strtol`, which saturates at 2^63-1; here numbers compare
//! at any size, so two numbers beyond that limit are ordered instead of comparing equal.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::VersionError;

/// A Packagist version string, ordered by [`compare`].
#[derive(Debug, Clone)]
pub struct ComposerVersion(String);

impl ComposerVersion {
    /// The version string as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ComposerVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    pub fn compare_with(&self, other: &str) -> Ordering {
        compare(&self.0, other)
    }
}

impl FromStr for ComposerVersion {
    type Err = VersionError;

    /// Keeps the string; this never fails, since `version_compare` orders any string.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Ok(Self(input.to_owned()))
    }
}

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
    }
}

impl PartialOrd for ComposerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ComposerVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ComposerVersion {}

impl fmt::Display for ComposerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Orders two Packagist version strings.
///
/// Identical strings are equal (PHP can call a string ending in a separator older than itself).
pub fn compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let strip = |version: &'_ str| -> Vec<u8> {
        let bytes = version.as_bytes();
        match bytes.first() {
            Some(b'v' | b'V') => bytes[1..].to_vec(),
            _ => bytes.to_vec(),
        }
    };
    version_compare(&strip(a), &strip(b))
}

/// Stands for "a number" when one side has run out of parts.
const NUMBER: &[u8] = b"#N#";

/// PHP's `version_compare` on raw bytes.
fn version_compare(a: &[u8], b: &[u8]) -> Ordering {
    if a.is_empty() || b.is_empty() {
        return (!a.is_empty()).cmp(&!b.is_empty());
    }
    let a = canonical_unless_marker(a);
    let b = canonical_unless_marker(b);

    // Walk part by part while both sides have a non-empty part and a dot after the last one.
    let (mut start_a, mut start_b) = (0, 0);
    let (mut dot_a, mut dot_b) = (Some(0), Some(0));
    while start_a < a.len() && start_b < b.len() && dot_a.is_some() && dot_b.is_some() {
        dot_a = find_dot(&a, start_a);
        dot_b = find_dot(&b, start_b);
        let part_a = &a[start_a..dot_a.unwrap_or(a.len())];
        let part_b = &b[start_b..dot_b.unwrap_or(b.len())];

        let order = compare_parts(part_a, part_b);
        if order != Ordering::Equal {
            return order;
        }
        if let Some(dot) = dot_a {
            start_a = dot + 1;
        }
        if let Some(dot) = dot_b {
            start_b = dot + 1;
        }
    }

    // One side goes on: a number there makes it newer, a word is ranked against a number.
    // PHP checks the left side first even when both go on (after an empty part), which makes
    // its answer depend on argument order; comparing both rests keeps the order antisymmetric.
    if dot_a.is_some() && dot_b.is_some() {
        version_compare(&a[start_a..], &b[start_b..])
    } else if dot_a.is_some() {
        tail_against_number(&a[start_a..])
    } else if dot_b.is_some() {
        tail_against_number(&b[start_b..]).reverse()
    } else {
        Ordering::Equal
    }
}

fn find_dot(version: &[u8], from: usize) -> Option<usize> {
    version[from..]
        .iter()
        .position(|byte| *byte == b'.')
        .map(|offset| from + offset)
}

/// Compares the rest of a longer version with "a number".
fn tail_against_number(rest: &[u8]) -> Ordering {
    if rest.first().is_some_and(u8::is_ascii_digit) {
        Ordering::Greater
    } else {
        version_compare(rest, NUMBER)
    }
}

fn canonical_unless_marker(version: &[u8]) -> Vec<u8> {
    if version.first() == Some(&b'#') {
        version.to_vec()
    } else {
        canonicalize(version)
    }
}

/// Separates parts with single dots, as PHP's `php_canonicalize_version` does.
fn canonicalize(version: &[u8]) -> Vec<u8> {
    let is_digit = |byte: u8| byte.is_ascii_digit();
    let is_non_digit = |byte: u8| !byte.is_ascii_digit() && byte != b'.';

    let mut out = Vec::with_capacity(version.len() * 2);
    let Some((&first, rest)) = version.split_first() else {
        return out;
    };
    out.push(first);
    let mut previous = first;
    for &byte in rest {
        let last = *out.last().expect("the first byte was pushed");
        if matches!(byte, b'-' | b'_' | b'+') {
            if last != b'.' {
                out.push(b'.');
            }
        } else if (is_non_digit(previous) && is_digit(byte))
            || (is_digit(previous) && is_non_digit(byte))
        {
            if last != b'.' {
                out.push(b'.');
            }
            out.push(byte);
        } else if !byte.is_ascii_alphanumeric() {
            if last != b'.' {
                out.push(b'.');
            }
        } else {
            out.push(byte);
        }
        previous = byte;
    }
    out
}

/// Compares two parts: numbers numerically, words by special form, a number above most words.
fn compare_parts(a: &[u8], b: &[u8]) -> Ordering {
    let numeric = |part: &[u8]| part.first().is_some_and(u8::is_ascii_digit);
    match (numeric(a), numeric(b)) {
        (true, true) => compare_numbers(a, b),
        (false, false) => special_form(a).cmp(&special_form(b)),
        (true, false) => special_form(NUMBER).cmp(&special_form(b)),
        (false, true) => special_form(a).cmp(&special_form(NUMBER)),
    }
}

/// Compares the leading digits of two parts as numbers of any size.
fn compare_numbers(a: &[u8], b: &[u8]) -> Ordering {
    let digits = |part: &[u8]| -> usize { part.iter().take_while(|b| b.is_ascii_digit()).count() };
    let trim = |run: &[u8]| -> usize { run.iter().take_while(|b| **b == b'0').count() };
    let a = &a[..digits(a)];
    let b = &b[..digits(b)];
    let a = &a[trim(a)..];
    let b = &b[trim(b)..];
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The rank of a word by the prefix it starts with; unknown words rank lowest.
fn special_form(part: &[u8]) -> i8 {
    const FORMS: [(&[u8], i8); 10] = [
        (b"dev", 0),
        (b"alpha", 1),
        (b"a", 1),
        (b"beta", 2),
        (b"b", 2),
        (b"RC", 3),
        (b"rc", 3),
        (b"#", 4),
        (b"pl", 5),
        (b"p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| part.starts_with(name))
        .map_or(-1, |(_, rank)| *rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_forms_follow_php() {
        let chain = ["1.0-dev", "1.0a1", "1.0b1", "1.0RC1", "1.0", "1.0pl1"];
        for pair in chain.windows(2) {
            assert_eq!(compare(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(compare(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
        assert_eq!(compare("1.0RC1", "1.0rc1"), Ordering::Equal);
        assert_eq!(compare("1.0-foo", "1.0-dev"), Ordering::Less);
    }

    #[test]
    fn canonical_form_separates_runs() {
        assert_eq!(canonicalize(b"1.0rc1"), b"1.0.rc.1");
        assert_eq!(canonicalize(b"4.3-2RC1"), b"4.3.2.RC.1");
        assert_eq!(canonicalize(b"1.2.3.#"), b"1.2.3.");
        assert_eq!(compare("1.0.0rc2", "1.0.0.rc2"), Ordering::Equal);
    }

    #[test]
    fn a_longer_version_is_newer_unless_it_goes_on_with_a_pre_release() {
        assert_eq!(compare("1.0.0", "1.0"), Ordering::Greater);
        assert_eq!(compare("1.0", "1.0.rc1"), Ordering::Greater);
        assert_eq!(compare("1.0", "1.0.pl1"), Ordering::Less);
        assert_eq!(compare("v1.0", "1.0"), Ordering::Equal);
        assert_eq!(compare("", "1"), Ordering::Less);
    }
}
