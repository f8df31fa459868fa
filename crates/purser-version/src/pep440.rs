//! Python package versions: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`.
//!
//! Follows PEP 440 and the PyPA "Version specifiers" specification, including its normalisation
//! rules: case-insensitive, a leading `v`, `alpha`/`beta`/`c`/`pre`/`preview` spellings, `-`, `_`
//! or `.` between segments or none, implicit numbers (`1.0a` = `1.0a0`), implicit post releases
//! (`1.0-1` = `1.0.post1`) and surrounding whitespace.
//!
//! Ordering: epoch; release with trailing zeros ignored (`1.0` = `1.0.0`); then a developmental
//! release of a final version sorts before its pre-releases, pre-releases (`a` < `b` < `rc`)
//! before the final version, which sorts before post-releases; within each, `.devN` comes first;
//! a local version sorts after the same public version, segments compared numerically when
//! numeric, case-insensitively otherwise, numeric above alphanumeric.
//!
//! A string outside the grammar is an error.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A pre-release phase, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreRelease {
    /// `aN` (also spelled `alpha`).
    Alpha(u64),
    /// `bN` (also spelled `beta`).
    Beta(u64),
    /// `rcN` (also spelled `c`, `pre` or `preview`).
    ReleaseCandidate(u64),
}

/// One dot-separated segment of a local version label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LocalSegment {
    /// A segment of digits only, compared numerically.
    Number(u64),
    /// Any other segment, lowercased and compared as text.
    Text(String),
}

impl Ord for LocalSegment {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Number(a), Self::Number(b)) => a.cmp(b),
            (Self::Number(_), Self::Text(_)) => Ordering::Greater,
            (Self::Text(_), Self::Number(_)) => Ordering::Less,
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for LocalSegment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A parsed, normalised PEP 440 version.
///
/// Equality follows the ordering, so `1.0` == `1.0.0`.
#[derive(Debug, Clone)]
pub struct Pep440Version {
    epoch: u64,
    release: Vec<u64>,
    pre: Option<PreRelease>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Vec<LocalSegment>,
}

impl Pep440Version {
    /// The epoch (`0` when absent).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The release numbers, as written (trailing zeros kept).
    pub fn release(&self) -> &[u64] {
        &self.release
    }

    /// The pre-release phase and number, if any.
    pub fn pre(&self) -> Option<PreRelease> {
        self.pre
    }

    /// The post-release number, if any.
    pub fn post(&self) -> Option<u64> {
        self.post
    }

    /// The developmental release number, if any.
    pub fn dev(&self) -> Option<u64> {
        self.dev
    }

    /// The local version label's segments (empty when there is none).
    pub fn local(&self) -> &[LocalSegment] {
        &self.local
    }

    /// Whether this is a pre-release or a developmental release.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// Where the pre-release part sorts: dev-only releases first, then pre-releases, then none.
    fn pre_key(&self) -> (u8, Option<PreRelease>) {
        match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => (0, None),
            (Some(pre), _, _) => (1, Some(pre)),
            (None, _, _) => (2, None),
        }
    }
}

impl Pep440Version {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    ///
    /// # Errors
    ///
    /// Returns a [`VersionError`] when `other` is not a valid version.
    pub fn compare_with(&self, other: &str) -> Result<Ordering, VersionError> {
        Ok(self.cmp(&other.parse::<Pep440Version>()?))
    }
}

impl FromStr for Pep440Version {
    type Err = VersionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Parser::parse(input)
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_release(&self.release, &other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            // A missing post release sorts first, a missing dev release last.
            .then_with(|| self.post.cmp(&other.post))
            .then_with(|| match (self.dev, other.dev) {
                (Some(a), Some(b)) => a.cmp(&b),
                (a, b) => b.is_some().cmp(&a.is_some()),
            })
            .then_with(|| self.local.cmp(&other.local))
    }
}

/// Equal when the scheme orders the two as equal, so `==` agrees with [`Ord`].
impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440Version {}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Writes the normalised form, e.g. `1!2.0a1.post3.dev4+ubuntu.1`.
impl fmt::Display for Pep440Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}!", self.epoch)?;
        }
        for (index, number) in self.release.iter().enumerate() {
            let separator = if index == 0 { "" } else { "." };
            write!(f, "{separator}{number}")?;
        }
        match self.pre {
            Some(PreRelease::Alpha(n)) => write!(f, "a{n}")?,
            Some(PreRelease::Beta(n)) => write!(f, "b{n}")?,
            Some(PreRelease::ReleaseCandidate(n)) => write!(f, "rc{n}")?,
            None => {}
        }
        if let Some(post) = self.post {
            write!(f, ".post{post}")?;
        }
        if let Some(dev) = self.dev {
            write!(f, ".dev{dev}")?;
        }
        for (index, segment) in self.local.iter().enumerate() {
            let separator = if index == 0 { "+" } else { "." };
            match segment {
                LocalSegment::Number(n) => write!(f, "{separator}{n}")?,
                LocalSegment::Text(text) => write!(f, "{separator}{text}")?,
            }
        }
        Ok(())
    }
}

/// Orders two PEP 440 versions.
///
/// # Errors
///
/// Returns a [`VersionError`] for the first string that is not a valid PEP 440 version.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a: Pep440Version = a.parse()?;
    let b: Pep440Version = b.parse()?;
    Ok(a.cmp(&b))
}

/// Compares release numbers as if the shorter were padded with zeros.
fn compare_release(a: &[u64], b: &[u64]) -> Ordering {
    let length = a.len().max(b.len());
    (0..length)
        .map(|index| {
            let x = a.get(index).copied().unwrap_or(0);
            let y = b.get(index).copied().unwrap_or(0);
            x.cmp(&y)
        })
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// A cursor over the lowercased version text.
struct Parser<'a> {
    input: &'a str,
    text: Vec<u8>,
    position: usize,
}

impl<'a> Parser<'a> {
    fn parse(input: &'a str) -> Result<Pep440Version, VersionError> {
        let trimmed = input.trim();
        let mut parser = Parser {
            input,
            text: trimmed.to_ascii_lowercase().into_bytes(),
            position: 0,
        };
        parser.eat(b"v");

        let epoch = parser.epoch()?;
        let release = parser.release()?;
        let pre = parser.pre_release()?;
        let post = parser.post_release()?;
        let dev = parser.dev_release()?;
        let local = parser.local()?;

        if parser.position != parser.text.len() {
            let rest = String::from_utf8_lossy(&parser.text[parser.position..]).into_owned();
            return Err(parser.error(&format!("unexpected {rest:?}")));
        }
        Ok(Pep440Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    fn error(&self, reason: &str) -> VersionError {
        VersionError::new(Scheme::Pep440, self.input, reason)
    }

    fn rest(&self) -> &[u8] {
        &self.text[self.position..]
    }

    /// Consumes `token` if the text continues with it.
    fn eat(&mut self, token: &[u8]) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.position += token.len();
        }
        found
    }

    /// Consumes one of `-`, `_` or `.` if present.
    fn eat_separator(&mut self) -> bool {
        let found = matches!(self.rest().first(), Some(b'-' | b'_' | b'.'));
        if found {
            self.position += 1;
        }
        found
    }

    /// Consumes a run of digits and returns its value, or `None` if there is none.
    fn number(&mut self) -> Result<Option<u64>, VersionError> {
        let digits = self
            .rest()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return Ok(None);
        }
        let run = &self.text[self.position..self.position + digits];
        let value = run.iter().try_fold(0_u64, |value, digit| {
            value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        });
        // Limitation: numbers above 2^64-1 are rejected; Python's unbounded integers accept them.
        let value = value.ok_or_else(|| self.error("number is too large"))?;
        self.position += digits;
        Ok(Some(value))
    }

    fn epoch(&mut self) -> Result<u64, VersionError> {
        let start = self.position;
        match self.number()? {
            Some(epoch) if self.eat(b"!") => Ok(epoch),
            _ => {
                self.position = start;
                Ok(0)
            }
        }
    }

    fn release(&mut self) -> Result<Vec<u64>, VersionError> {
        let Some(first) = self.number()? else {
            return Err(self.error("expected a release number"));
        };
        let mut release = vec![first];
        while self.rest().first() == Some(&b'.')
            && self.rest().get(1).is_some_and(u8::is_ascii_digit)
        {
            self.position += 1;
            release.extend(self.number()?);
        }
        Ok(release)
    }

    /// Reads `[sep]label[sep][N]`, where the second separator only counts before a number.
    fn labelled(&mut self, labels: &[&[u8]]) -> Result<Option<(usize, u64)>, VersionError> {
        let start = self.position;
        self.eat_separator();
        let Some(label) = labels.iter().position(|label| self.eat(label)) else {
            self.position = start;
            return Ok(None);
        };

        let before_number = self.position;
        self.eat_separator();
        match self.number()? {
            Some(number) => Ok(Some((label, number))),
            None => {
                self.position = before_number;
                Ok(Some((label, 0)))
            }
        }
    }

    fn pre_release(&mut self) -> Result<Option<PreRelease>, VersionError> {
        // Longer spellings first, so `alpha` is not read as `a` followed by junk.
        let labels: [&[u8]; 8] = [
            b"alpha", b"a", b"beta", b"b", b"preview", b"pre", b"c", b"rc",
        ];
        let phase = self.labelled(&labels)?.map(|(label, number)| match label {
            0 | 1 => PreRelease::Alpha(number),
            2 | 3 => PreRelease::Beta(number),
            _ => PreRelease::ReleaseCandidate(number),
        });
        Ok(phase)
    }

    fn post_release(&mut self) -> Result<Option<u64>, VersionError> {
        // The implicit form `-N`.
        let start = self.position;
        if self.eat(b"-") {
            if let Some(number) = self.number()? {
                return Ok(Some(number));
            }
            self.position = start;
        }
        let labels: [&[u8]; 3] = [b"post", b"rev", b"r"];
        Ok(self.labelled(&labels)?.map(|(_, number)| number))
    }

    fn dev_release(&mut self) -> Result<Option<u64>, VersionError> {
        Ok(self.labelled(&[b"dev"])?.map(|(_, number)| number))
    }

    fn local(&mut self) -> Result<Vec<LocalSegment>, VersionError> {
        if !self.eat(b"+") {
            return Ok(Vec::new());
        }
        let mut segments = Vec::new();
        loop {
            let length = self
                .rest()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if length == 0 {
                return Err(self.error("local version label has an empty segment"));
            }
            let segment = &self.text[self.position..self.position + length];
            let segment = if segment.iter().all(u8::is_ascii_digit) {
                match self.number()? {
                    Some(number) => LocalSegment::Number(number),
                    None => return Err(self.error("local version label has an empty segment")),
                }
            } else {
                self.position += length;
                LocalSegment::Text(String::from_utf8_lossy(segment).into_owned())
            };
            segments.push(segment);
            if !self.eat_separator() {
                return Ok(segments);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(a, b).expect("test versions are valid")
    }

    #[test]
    fn the_specification_ordering_example_holds() {
        let chain = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(cmp(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
    }

    #[test]
    fn epochs_outweigh_releases() {
        assert_eq!(cmp("1!0.1", "2024.1"), Ordering::Greater);
        assert_eq!(cmp("0!1.0", "1.0"), Ordering::Equal);
    }

    #[test]
    fn alternative_spellings_normalise() {
        for (spelled, normal) in [
            ("1.0ALPHA", "1.0a0"),
            ("1.0-beta.2", "1.0b2"),
            ("1.0c1", "1.0rc1"),
            ("1.0preview_3", "1.0rc3"),
            ("1.0-1", "1.0.post1"),
            ("1.0.rev", "1.0.post0"),
            ("1.0r2", "1.0.post2"),
            ("v1.0.DEV", "1.0.dev0"),
            (" 1.0+Ubuntu-1 ", "1.0+ubuntu.1"),
            ("1.0a.dev1", "1.0a0.dev1"),
        ] {
            let version: Pep440Version = spelled.parse().expect(spelled);
            assert_eq!(version.to_string(), normal, "for {spelled:?}");
        }
    }

    #[test]
    fn trailing_zeros_do_not_matter_but_local_labels_do() {
        assert_eq!(cmp("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(cmp("1.0+local", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0+a", "1.0+A"), Ordering::Equal);
        assert_eq!(cmp("1.0+a.1", "1.0+a"), Ordering::Greater);
    }

    #[test]
    fn invalid_versions_are_errors() {
        for input in [
            "", "foo", "1.0+", "1.0+a..b", "1.0-", "1.0.", "1.0a1a", "1!", "1.0 2",
        ] {
            let error = input.parse::<Pep440Version>().expect_err(input);
            assert_eq!(error.scheme, Scheme::Pep440);
            assert_eq!(error.input, input);
        }
        assert_eq!(
            compare("1.0", "1.0+").expect_err("empty local").to_string(),
            "invalid pep 440 version \"1.0+\": local version label has an empty segment"
        );
    }
}
