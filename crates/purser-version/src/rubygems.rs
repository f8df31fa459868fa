//! RubyGems versions, ordered as `Gem::Version` orders them.
//!
//! Follows RubyGems' `Gem::Version`:
//!
//! - A valid version is `N(.X)*` where `N` is digits and each `X` is ASCII letters and digits,
//!   optionally followed by `-` and dot-separated `[0-9A-Za-z-]` parts; surrounding whitespace is
//!   ignored and an empty (or all-whitespace) string means `0`. Anything else is an error, as
//!   `Gem::Version.new` raises for it.
//! - Every `-` reads as `.pre.`, and the version splits into segments: runs of digits (numbers of
//!   any size) and runs of letters (compared byte by byte, so case-sensitive).
//! - The first letter segment starts the pre-release part; trailing zeros are dropped from the
//!   release part and from the pre-release part (`1.0` = `1`, `1.a.0` = `1.a`).
//! - Segments compare in order, a missing one counting as `0`; a letter segment sorts below a
//!   number, so any pre-release sorts before its release (`1.0.b1` < `1.0`).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A parsed RubyGems version.
///
/// Equality follows the ordering (`1.0` == `1`), as `Gem::Version#==` does.
#[derive(Debug, Clone)]
pub struct GemVersion {
    original: String,
    segments: Vec<Segment>,
}

impl GemVersion {
    /// The version string as given.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// Whether the version has a letter segment, which makes it a pre-release.
    pub fn is_prerelease(&self) -> bool {
        self.segments
            .iter()
            .any(|segment| matches!(segment, Segment::Text(_)))
    }
}

impl GemVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    ///
    /// # Errors
    ///
    /// Returns a [`VersionError`] when `other` is not a valid version.
    pub fn compare_with(&self, other: &str) -> Result<Ordering, VersionError> {
        Ok(compare_segments(
            &self.segments,
            &canonical_segments(other)?,
        ))
    }
}

impl FromStr for GemVersion {
    type Err = VersionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Ok(Self {
            original: input.to_owned(),
            segments: canonical_segments(input)?,
        })
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_segments(&self.segments, &other.segments)
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

impl fmt::Display for GemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

/// Orders two RubyGems version strings.
///
/// # Errors
///
/// Returns a [`VersionError`] for the first string `Gem::Version` would reject.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = canonical_segments(a)?;
    let b = canonical_segments(b)?;
    Ok(compare_segments(&a, &b))
}

/// One segment: a number (digits without leading zeros, `""` is zero) or a run of letters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Number(String),
    Text(String),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Number(digits) if digits.is_empty())
    }
}

/// Validates `input` and returns its segments with trailing zeros dropped from each part.
fn canonical_segments(input: &str) -> Result<Vec<Segment>, VersionError> {
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace());
    check_syntax(trimmed).map_err(|reason| VersionError::new(Scheme::RubyGems, input, reason))?;
    let version = if trimmed.is_empty() { "0" } else { trimmed };

    let mut segments = Vec::new();
    let bytes = version.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let is_run: fn(&u8) -> bool = if byte.is_ascii_digit() {
            u8::is_ascii_digit
        } else if byte.is_ascii_alphabetic() {
            u8::is_ascii_alphabetic
        } else {
            // `.` and `-` only separate; `-` stands for `.pre.`.
            if byte == b'-' {
                segments.push(Segment::Text("pre".to_owned()));
            }
            index += 1;
            continue;
        };
        let length = bytes[index..].iter().take_while(|b| is_run(b)).count();
        let run = &version[index..index + length];
        segments.push(if byte.is_ascii_digit() {
            Segment::Number(run.trim_start_matches('0').to_owned())
        } else {
            Segment::Text(run.to_owned())
        });
        index += length;
    }

    // Drop trailing zeros from the release part and from the pre-release part.
    let split = segments
        .iter()
        .position(|segment| matches!(segment, Segment::Text(_)))
        .unwrap_or(segments.len());
    let mut prerelease = segments.split_off(split);
    drop_trailing_zeros(&mut segments);
    drop_trailing_zeros(&mut prerelease);
    segments.append(&mut prerelease);
    Ok(segments)
}

fn drop_trailing_zeros(segments: &mut Vec<Segment>) {
    while segments.last().is_some_and(Segment::is_zero) {
        segments.pop();
    }
}

/// Checks `N(.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(.[0-9A-Za-z-]+)*)?`, or the empty string.
fn check_syntax(version: &str) -> Result<(), &'static str> {
    if version.is_empty() {
        return Ok(());
    }
    let (release, prerelease) = match version.split_once('-') {
        Some((release, prerelease)) => (release, Some(prerelease)),
        None => (version, None),
    };

    let mut parts = release.split('.');
    let first = parts.next().unwrap_or("");
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected the version to start with a number");
    }
    if !parts.all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err("expected dot-separated letters and digits");
    }

    if let Some(prerelease) = prerelease {
        let valid = prerelease.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !valid {
            return Err("expected dot-separated letters, digits and hyphens after '-'");
        }
    }
    Ok(())
}

/// Compares segment lists, a missing segment counting as zero.
fn compare_segments(a: &[Segment], b: &[Segment]) -> Ordering {
    let zero = Segment::Number(String::new());
    let length = a.len().max(b.len());
    for index in 0..length {
        let left = a.get(index).unwrap_or(&zero);
        let right = b.get(index).unwrap_or(&zero);
        let order = match (left, right) {
            (Segment::Number(x), Segment::Number(y)) => x.len().cmp(&y.len()).then(x.cmp(y)),
            (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
            (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
            (Segment::Text(x), Segment::Text(y)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(a, b).expect("test versions are valid")
    }

    #[test]
    fn pre_releases_sort_before_their_release() {
        assert_eq!(cmp("1.0.b1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0.a.2", "1.0.b1"), Ordering::Less);
        assert_eq!(cmp("1.2.4.beta", "1.2.4"), Ordering::Less);
        assert_eq!(cmp("1.0-rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0-rc1", "1.0.pre.rc1"), Ordering::Equal);
    }

    #[test]
    fn trailing_zeros_and_run_splits_do_not_matter() {
        assert_eq!(cmp("1.0", "1"), Ordering::Equal);
        assert_eq!(cmp("1.0.a2", "1.0.a.2"), Ordering::Equal);
        assert_eq!(cmp("1.a.0", "1.a"), Ordering::Equal);
        assert_eq!(cmp("", "0"), Ordering::Equal);
        assert_eq!(cmp(" 1.0 ", "1"), Ordering::Equal);
    }

    #[test]
    fn numbers_compare_numerically_and_letters_case_sensitively() {
        assert_eq!(cmp("3.10", "3.2"), Ordering::Greater);
        assert_eq!(cmp("1.0.a10", "1.0.a9"), Ordering::Greater);
        assert_eq!(cmp("1.0.B", "1.0.a"), Ordering::Less);
        assert_eq!(
            cmp(
                "999999999999999999999999999991",
                "999999999999999999999999999999"
            ),
            Ordering::Less
        );
    }

    #[test]
    fn malformed_versions_are_errors() {
        for input in ["1beta", "a", "1..2", "1.", "1-", "1-a..b", "1.0 2", "1.0_1"] {
            let error = input.parse::<GemVersion>().expect_err(input);
            assert_eq!(error.scheme, Scheme::RubyGems);
        }
    }
}
