//! NuGet package versions: `MAJOR[.MINOR[.PATCH[.REVISION]]][-RELEASE][+METADATA]`.
//!
//! Follows NuGet's package versioning rules
//! (<https://learn.microsoft.com/nuget/concepts/package-versioning>), which extend Semantic
//! Versioning 2.0.0, and the order NuGet's own `VersionComparer` gives:
//!
//! - One to four numeric parts; a missing part is zero, so `1.0`, `1.0.0` and `1.0.0.0` are the
//!   same version. Leading zeros are allowed and normalised away (`1.0.01` is `1.0.1`). Parts
//!   compare numerically, MAJOR first and REVISION last.
//! - A release label is dot-separated identifiers of `[0-9A-Za-z-]`, none empty. A version with
//!   a label is below the same version without one. Labels compare identifier by identifier:
//!   two numeric identifiers numerically (`beta.2` < `beta.10`, `01` = `1`), a numeric one below
//!   an alphanumeric one, and two alphanumeric ones case-insensitively (`BETA` = `beta`); when
//!   one label runs out first, it is the lower.
//! - Build metadata (after `+`, same characters) is ignored when ordering.
//!
//! Where this module differs from NuGet: NuGet rejects numeric parts over 2,147,483,647 and
//! treats all-digit label identifiers above that as text; here numbers of any size are valid
//! and compare numerically, so such versions (not seen on nuget.org) order by value.
//! A leading `v`, spaces and empty parts (`1..2`, `1.0-`) are errors, as in NuGet.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// The most numeric parts a NuGet version has (MAJOR.MINOR.PATCH.REVISION).
const MAX_PARTS: usize = 4;

/// A parsed NuGet version.
#[derive(Debug, Clone)]
pub struct NuGetVersion {
    /// The four numeric parts without leading zeros, missing ones `"0"`.
    parts: [String; MAX_PARTS],
    release: String,
    metadata: String,
}

impl NuGetVersion {
    /// The numeric parts MAJOR, MINOR, PATCH and REVISION, without leading zeros; a part the
    /// version did not write is `"0"`.
    pub fn parts(&self) -> [&str; MAX_PARTS] {
        [
            &self.parts[0],
            &self.parts[1],
            &self.parts[2],
            &self.parts[3],
        ]
    }

    /// The release label after `-` as written, or `""` for a stable version.
    pub fn release(&self) -> &str {
        &self.release
    }

    /// The build metadata after `+` as written, or `""`; it plays no part in ordering.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    fn borrowed(&self) -> Parsed<'_> {
        Parsed {
            numbers: self.parts(),
            release: &self.release,
        }
    }
}

impl NuGetVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    ///
    /// # Errors
    ///
    /// Returns a [`VersionError`] when `other` is not a valid version.
    pub fn compare_with(&self, other: &str) -> Result<Ordering, VersionError> {
        Ok(self.borrowed().precedence(&Parsed::parse(other)?))
    }
}

impl FromStr for NuGetVersion {
    type Err = VersionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let parsed = Parsed::parse(input)?;
        let metadata = input.split_once('+').map_or("", |(_, metadata)| metadata);
        Ok(Self {
            parts: parsed.numbers.map(str::to_owned),
            release: parsed.release.to_owned(),
            metadata: metadata.to_owned(),
        })
    }
}

/// NuGet's order; versions differing only in metadata, label case or leading zeros are `Equal`.
impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.borrowed().precedence(&other.borrowed())
    }
}

/// Equal when NuGet orders the two as equal, so `==` agrees with [`Ord`].
impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NuGetVersion {}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// NuGet's normalised spelling: three numeric parts, a fourth only when it is not zero, no
/// leading zeros; the label and metadata as written (`1.0.01.0-Beta+x` shows `1.0.1-Beta+x`).
impl fmt::Display for NuGetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [major, minor, patch, revision] = self.parts();
        write!(f, "{major}.{minor}.{patch}")?;
        if revision != "0" {
            write!(f, ".{revision}")?;
        }
        if !self.release.is_empty() {
            write!(f, "-{}", self.release)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

/// Orders two NuGet versions, without allocating.
///
/// # Errors
///
/// Returns a [`VersionError`] for the first string that is not a NuGet version.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = Parsed::parse(a)?;
    let b = Parsed::parse(b)?;
    Ok(a.precedence(&b))
}

/// A validated version borrowing from its input; the numbers have no leading zeros.
struct Parsed<'a> {
    numbers: [&'a str; MAX_PARTS],
    release: &'a str,
}

impl<'a> Parsed<'a> {
    fn parse(input: &'a str) -> Result<Self, VersionError> {
        let error = |reason: String| VersionError::new(Scheme::NuGet, input, reason);

        let (text, metadata) = match input.split_once('+') {
            Some((text, metadata)) => (text, Some(metadata)),
            None => (input, None),
        };
        let (core, release) = match text.split_once('-') {
            Some((core, release)) => (core, Some(release)),
            None => (text, None),
        };

        let mut numbers = ["0"; MAX_PARTS];
        for (index, number) in core.split('.').enumerate() {
            if index == MAX_PARTS {
                return Err(error("expected at most four numeric parts".to_owned()));
            }
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error(format!("part {} is not a number", index + 1)));
            }
            numbers[index] = without_leading_zeros(number);
        }

        if let Some(release) = release {
            check_identifiers(release).map_err(|problem| error(format!("release {problem}")))?;
        }
        if let Some(metadata) = metadata {
            check_identifiers(metadata).map_err(|problem| error(format!("metadata {problem}")))?;
        }

        Ok(Self {
            numbers,
            release: release.unwrap_or(""),
        })
    }

    fn precedence(&self, other: &Parsed<'_>) -> Ordering {
        self.numbers
            .iter()
            .zip(other.numbers)
            .map(|(mine, theirs)| compare_numbers(mine, theirs))
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
            .then_with(|| compare_releases(self.release, other.release))
    }
}

/// `digits` without leading zeros; `"0"` for all zeros.
fn without_leading_zeros(digits: &str) -> &str {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0"
    } else {
        trimmed
    }
}

/// Orders two digit strings by value, of any length.
fn compare_numbers(a: &str, b: &str) -> Ordering {
    let (a, b) = (without_leading_zeros(a), without_leading_zeros(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Checks dot-separated identifiers of `[0-9A-Za-z-]`, none empty.
fn check_identifiers(text: &str) -> Result<(), String> {
    for identifier in text.split('.') {
        if identifier.is_empty() {
            return Err("has an empty identifier".to_owned());
        }
        if let Some(bad) = identifier
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!("has the character {bad:?}, outside [0-9A-Za-z-]"));
        }
    }
    Ok(())
}

/// Orders release labels: none (a stable version) above any, then identifier by identifier.
fn compare_releases(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }

    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(mine), Some(theirs)) => {
                let ordering = compare_identifiers(mine, theirs);
                if ordering.is_ne() {
                    return ordering;
                }
            }
        }
    }
}

/// Numeric identifiers by value and below alphanumeric ones; alphanumeric ones ignoring case.
fn compare_identifiers(a: &str, b: &str) -> Ordering {
    let numeric = |text: &str| text.bytes().all(|b| b.is_ascii_digit());
    match (numeric(a), numeric(b)) {
        (true, true) => compare_numbers(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a
            .bytes()
            .map(|b| b.to_ascii_lowercase())
            .cmp(b.bytes().map(|b| b.to_ascii_lowercase())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(a: &str, b: &str) -> Ordering {
        compare(a, b).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn missing_parts_are_zero_and_leading_zeros_vanish() {
        assert_eq!(order("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(order("1", "1.0.0"), Ordering::Equal);
        assert_eq!(order("1.0.01", "1.0.1.0"), Ordering::Equal);
        assert_eq!(order("01.002.0003", "1.2.3"), Ordering::Equal);
        assert_eq!(order("1.0.0", "1.0.0.1"), Ordering::Less);
        assert_eq!(order("0.9.9.1", "1.0.0"), Ordering::Less);
        assert_eq!(order("1.999.9999", "2.1.1"), Ordering::Less);
        assert_eq!(order("1.10.0", "1.9.0"), Ordering::Greater);
    }

    #[test]
    fn the_revision_counts_before_the_release_label() {
        assert_eq!(order("1.0.0-pre", "1.0.0.1-alpha"), Ordering::Less);
        assert_eq!(order("1.0.0", "1.0.0.1-alpha"), Ordering::Less);
        assert_eq!(order("1.0.0.1-alpha", "1.0.0.1"), Ordering::Less);
    }

    #[test]
    fn release_labels_ignore_case_and_compare_numbers_by_value() {
        assert_eq!(order("1.0.0-BETA", "1.0.0-beta"), Ordering::Equal);
        assert_eq!(order("1.0.0-BETA", "1.0.0-beta2"), Ordering::Less);
        assert_eq!(order("1.0.0-beta.2", "1.0.0-beta.10"), Ordering::Less);
        assert_eq!(order("1.0.0-beta.01", "1.0.0-beta.1"), Ordering::Equal);
        assert_eq!(order("1.0.0-1", "1.0.0-alpha"), Ordering::Less);
        assert_eq!(order("1.0.0-beta", "1.0.0-beta.1"), Ordering::Less);
        assert_eq!(order("1.0.0-rc.1", "1.0.0"), Ordering::Less);
        assert_eq!(order("1.0.0-a-b", "1.0.0-A-B"), Ordering::Equal);
    }

    #[test]
    fn metadata_is_ignored() {
        assert_eq!(order("1.0.0+AA", "1.0.0+bb"), Ordering::Equal);
        assert_eq!(order("1.0.0-beta+AA", "1.0.0+aa"), Ordering::Less);
        assert_eq!(order("1.0+test", "1.0.0.0"), Ordering::Equal);
    }

    #[test]
    fn numbers_of_any_size_compare_by_value() {
        assert_eq!(
            order(
                "999999999999999999999999999991",
                "999999999999999999999999999999"
            ),
            Ordering::Less
        );
        assert_eq!(order("10000000000", "9999999999"), Ordering::Greater);
    }

    #[test]
    fn invalid_versions_are_errors() {
        for bad in [
            "",
            "v1.0.0",
            "1.",
            ".1",
            "1..2",
            "1.2.3.4.5",
            "1.0-",
            "1.0-beta.",
            "1.0-be_ta",
            "1.0+",
            "1.0+a..b",
            "1.0 ",
            "a.b",
            "1.0.x",
        ] {
            let error = compare(bad, "1.0").expect_err(bad);
            assert_eq!(error.scheme, Scheme::NuGet, "{bad}");
            assert_eq!(error.input, bad);
        }
        let error = compare("1.2.3.4.5", "1").expect_err("five parts");
        assert_eq!(
            error.to_string(),
            "invalid nuget version \"1.2.3.4.5\": expected at most four numeric parts"
        );
    }

    #[test]
    fn parsed_versions_order_and_normalise() {
        let parse = |text: &str| text.parse::<NuGetVersion>().expect(text);
        let version = parse("1.0.01.0-Beta.2+Build.5");
        assert_eq!(version.parts(), ["1", "0", "1", "0"]);
        assert_eq!(version.release(), "Beta.2");
        assert_eq!(version.metadata(), "Build.5");
        assert_eq!(version.to_string(), "1.0.1-Beta.2+Build.5");
        assert_eq!(parse("2.0.0.7").to_string(), "2.0.0.7");
        assert_eq!(version, parse("1.0.1-beta.2"));

        let mut sorted = [
            parse("1.0.0"),
            parse("1.0.0-rc.1"),
            parse("0.9"),
            parse("1.0.0.1"),
            parse("1.0.0-beta"),
        ];
        sorted.sort();
        let shown: Vec<String> = sorted.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["0.9.0", "1.0.0-beta", "1.0.0-rc.1", "1.0.0", "1.0.0.1"]
        );
    }
}
