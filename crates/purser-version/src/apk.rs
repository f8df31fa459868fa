//! Alpine package versions: `{digit}{.digit}…{letter}{_suffix{#}}…{-r#}`.
//!
//! Follows apk-tools' version tokenizer (`src/version.c`, the 2.x line Alpine ships):
//!
//! - Numbers after the first compare numerically, except that one with leading zeros compares
//!   below any without and then by fewer zeros first (`1.01` < `1.1`, `1.001` < `1.01`).
//! - One lowercase letter may follow a number (`1.2a` < `1.2b`).
//! - Suffixes: `_alpha` < `_beta` < `_pre` < `_rc` < (no suffix) < `_cvs` < `_svn` < `_git` <
//!   `_hg` < `_p`, each with an optional number.
//! - `-rN` is the package revision and compares last.
//! - When every token compared is equal and one string goes on, the longer one is newer unless
//!   what follows is a pre-release suffix.
//!
//! Every string is accepted, as `apk version -t` accepts it: from the first token that breaks the
//! grammar on, apk-tools stops reading and orders by how far each string got, and so does this
//! module. [`is_valid`] tells whether a string follows the grammar.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::VersionError;

/// A parsed Alpine package version.
///
/// apk-tools compares strings token by token, so this keeps the string and orders it with
/// [`compare`].
#[derive(Debug, Clone)]
pub struct ApkVersion(String);

impl ApkVersion {
    /// The version string as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ApkVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    pub fn compare_with(&self, other: &str) -> Ordering {
        compare(&self.0, other)
    }
}

impl FromStr for ApkVersion {
    type Err = VersionError;

    /// Keeps the string; this never fails, since apk-tools orders any string.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Ok(Self(input.to_owned()))
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
    }
}

/// Equal when the scheme orders the two as equal, so `==` agrees with [`Ord`].
impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for ApkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Orders two Alpine version strings as `apk version -t` does, without allocating.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut a = Tokenizer::new(a);
    let mut b = Tokenizer::new(b);
    let (mut value_a, mut value_b) = (0, 0);

    // Walk both strings while their tokens agree in kind and value.
    while a.next == b.next && a.next.is_readable() && value_a == value_b {
        value_a = a.read();
        value_b = b.read();
    }

    if value_a != value_b {
        return value_a.cmp(&value_b);
    }
    if a.next == b.next {
        return Ordering::Equal;
    }

    // Equal so far and one goes on: it is newer unless it goes on with a pre-release suffix.
    if a.next == Token::Suffix && a.peek_value() < 0 {
        return Ordering::Less;
    }
    if b.next == Token::Suffix && b.peek_value() < 0 {
        return Ordering::Greater;
    }
    b.next.cmp(&a.next)
}

/// Whether `version` follows apk's grammar all the way to its end.
pub fn is_valid(version: &str) -> bool {
    let mut tokens = Tokenizer::new(version);
    while tokens.next.is_readable() {
        tokens.read();
    }
    tokens.next == Token::End
}

/// What the tokenizer expects to read next, in apk-tools' order (which the comparison uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    RevisionNumber,
    End,
}

impl Token {
    fn is_readable(self) -> bool {
        !matches!(self, Token::Invalid | Token::End)
    }
}

const PRE_RELEASE_SUFFIXES: [&[u8]; 4] = [b"alpha", b"beta", b"pre", b"rc"];
const POST_RELEASE_SUFFIXES: [&[u8]; 5] = [b"cvs", b"svn", b"git", b"hg", b"p"];

/// Reads one version string token by token.
struct Tokenizer<'a> {
    rest: &'a [u8],
    next: Token,
}

impl<'a> Tokenizer<'a> {
    fn new(version: &'a str) -> Self {
        Self {
            rest: version.as_bytes(),
            next: Token::Digit,
        }
    }

    /// The value the next token would have, without consuming it.
    fn peek_value(&self) -> i64 {
        Tokenizer {
            rest: self.rest,
            next: self.next,
        }
        .read()
    }

    /// Reads the token of kind `self.next`, returns its value and works out the following kind.
    fn read(&mut self) -> i64 {
        if self.rest.is_empty() {
            self.next = Token::End;
            return 0;
        }

        let (value, length, forced_next) = match self.read_value() {
            Some(read) => read,
            None => {
                self.next = Token::Invalid;
                return -1;
            }
        };
        self.rest = &self.rest[length..];

        if self.rest.is_empty() {
            self.next = Token::End;
        } else if let Some(next) = forced_next {
            self.next = next;
        } else {
            self.advance_kind();
        }
        value
    }

    /// The value and byte length of the current token, and the next kind when it is fixed.
    fn read_value(&self) -> Option<(i64, usize, Option<Token>)> {
        let digits = self.rest.iter().take_while(|b| b.is_ascii_digit()).count();

        match self.next {
            // Leading zeros after a dot rank below any number without them, fewer zeros first.
            Token::DigitOrZero if self.rest[0] == b'0' => {
                let zeros = self.rest.iter().take_while(|b| **b == b'0').count();
                let zeros_value = i64::try_from(zeros).unwrap_or(i64::MAX);
                Some((-zeros_value, zeros, Some(Token::Digit)))
            }
            Token::DigitOrZero | Token::Digit | Token::SuffixNumber | Token::RevisionNumber => {
                Some((parse_number(&self.rest[..digits]), digits, None))
            }
            Token::Letter => Some((i64::from(self.rest[0]), 1, None)),
            Token::Suffix => suffix_value(self.rest).map(|(value, length)| (value, length, None)),
            Token::Invalid | Token::End => None,
        }
    }

    /// Decides the kind of the token after the one just read, consuming its separator.
    fn advance_kind(&mut self) {
        let current = self.next;
        let byte = self.rest[0];

        let mut next = if byte == 0 {
            Token::End
        } else if matches!(current, Token::Digit | Token::DigitOrZero) && byte.is_ascii_lowercase()
        {
            Token::Letter
        } else if current == Token::Letter && byte.is_ascii_digit() {
            Token::Digit
        } else if current == Token::Suffix && byte.is_ascii_digit() {
            Token::SuffixNumber
        } else {
            let kind = match byte {
                b'.' => Token::DigitOrZero,
                b'_' => Token::Suffix,
                b'-' if self.rest.get(1) == Some(&b'r') => {
                    self.rest = &self.rest[1..];
                    Token::RevisionNumber
                }
                _ => Token::Invalid,
            };
            self.rest = &self.rest[1..];
            kind
        };

        // Tokens only move forward through the grammar, with three allowed steps back.
        let allowed_back = matches!(
            (next, current),
            (Token::DigitOrZero, Token::Digit)
                | (Token::Suffix, Token::SuffixNumber)
                | (Token::Digit, Token::Letter)
        );
        if next < current && !allowed_back {
            next = Token::Invalid;
        }
        self.next = next;
    }
}

/// A decimal number; apk-tools keeps it in an `int`, here it saturates instead of overflowing.
fn parse_number(digits: &[u8]) -> i64 {
    digits.iter().fold(0_i64, |value, digit| {
        value
            .saturating_mul(10)
            .saturating_add(i64::from(digit - b'0'))
    })
}

/// The rank of a suffix name (negative for pre-release ones) and its length.
fn suffix_value(rest: &[u8]) -> Option<(i64, usize)> {
    let rank = |names: &[&[u8]]| names.iter().position(|name| rest.starts_with(name));

    if let Some(index) = rank(&PRE_RELEASE_SUFFIXES) {
        let value = index as i64 - PRE_RELEASE_SUFFIXES.len() as i64;
        return Some((value, PRE_RELEASE_SUFFIXES[index].len()));
    }
    rank(&POST_RELEASE_SUFFIXES).map(|index| (index as i64, POST_RELEASE_SUFFIXES[index].len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_order_pre_releases_before_the_release_and_post_releases_after() {
        let chain = [
            "1.2_alpha",
            "1.2_alpha2",
            "1.2_beta",
            "1.2_pre1",
            "1.2_rc1",
            "1.2",
            "1.2_cvs1",
            "1.2_svn1",
            "1.2_git1",
            "1.2_hg1",
            "1.2_p1",
            "1.2_p2",
        ];
        for pair in chain.windows(2) {
            assert_eq!(compare(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(compare(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
    }

    #[test]
    fn revision_compares_last_and_numerically() {
        assert_eq!(compare("1.0.4-r3", "1.0.4-r10"), Ordering::Less);
        assert_eq!(compare("1.0.4-r3", "1.0.5-r0"), Ordering::Less);
        assert_eq!(compare("1.0-r1", "1.0"), Ordering::Greater);
        assert_eq!(compare("1-r1", "1-r01"), Ordering::Equal);
    }

    #[test]
    fn letters_and_leading_zeros() {
        assert_eq!(compare("1.2a", "1.2b"), Ordering::Less);
        assert_eq!(compare("1.2", "1.2a"), Ordering::Less);
        assert_eq!(compare("1.01", "1.1"), Ordering::Less);
        assert_eq!(compare("1.001", "1.01"), Ordering::Less);
        assert_eq!(compare("1.0", "1.00"), Ordering::Greater);
    }

    #[test]
    fn invalid_strings_are_still_ordered_by_how_far_they_parse() {
        assert_eq!(compare("1.0", "1.0bc"), Ordering::Less);
        assert_eq!(compare("1.2.3", "1.2.3-asdf"), Ordering::Less);
        assert!(!is_valid("1.0bc"));
        assert!(!is_valid("1.2.3-asdf"));
        assert!(is_valid("1.2.3_rc1-r2"));
        assert!(is_valid("1.2a_p1_git3-r0"));
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        assert_eq!(
            compare("1.99999999999999999999999999", "1.2"),
            Ordering::Greater
        );
    }

    #[test]
    fn parsed_versions_sort_like_compare() {
        let mut versions: Vec<ApkVersion> = ["1.2-r1", "1.2_rc1", "1.10", "1.2"]
            .iter()
            .map(|text| text.parse().expect("apk parsing never fails"))
            .collect();
        versions.sort();
        let sorted: Vec<&str> = versions.iter().map(ApkVersion::as_str).collect();
        assert_eq!(sorted, ["1.2_rc1", "1.2", "1.2-r1", "1.10"]);
    }
}
