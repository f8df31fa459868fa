//! Semantic Versioning 2.0.0: `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
//!
//! Follows <https://semver.org/spec/v2.0.0.html>:
//!
//! - MAJOR, MINOR and PATCH are non-negative integers that "MUST NOT contain leading zeroes";
//!   they compare numerically, of any size.
//! - A pre-release is dot-separated identifiers of `[0-9A-Za-z-]`, which "MUST NOT be empty";
//!   numeric ones "MUST NOT include leading zeroes". A version with a pre-release has lower
//!   precedence than the same version without; identifiers compare numerically when numeric,
//!   in ASCII order otherwise, numeric below alphanumeric, and more identifiers win a tie.
//! - Build metadata (after `+`) "MUST be ignored when determining version precedence".
//!
//! One leniency: a leading `v` (as Go module versions are written) is accepted and ignored.
//! Anything else outside the grammar (`1.2`, `1.2.3.4`, `01.2.3`, `1.2.3-`) is an error.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A parsed semantic version.
#[derive(Debug, Clone)]
pub struct SemverVersion {
    major: String,
    minor: String,
    patch: String,
    pre_release: String,
    build: String,
}

impl SemverVersion {
    /// The major version digits (no leading zeros).
    pub fn major(&self) -> &str {
        &self.major
    }

    /// The minor version digits (no leading zeros).
    pub fn minor(&self) -> &str {
        &self.minor
    }

    /// The patch version digits (no leading zeros).
    pub fn patch(&self) -> &str {
        &self.patch
    }

    /// The pre-release after `-`, or `""` for a release.
    pub fn pre_release(&self) -> &str {
        &self.pre_release
    }

    /// The build metadata after `+`, or `""`; it plays no part in ordering.
    pub fn build(&self) -> &str {
        &self.build
    }

    fn parts(&self) -> Parts<'_> {
        Parts {
            major: &self.major,
            minor: &self.minor,
            patch: &self.patch,
            pre_release: &self.pre_release,
            build: &self.build,
        }
    }
}

impl SemverVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    ///
    /// # Errors
    ///
    /// Returns a [`VersionError`] when `other` is not a valid version.
    pub fn compare_with(&self, other: &str) -> Result<Ordering, VersionError> {
        Ok(self.parts().precedence(&Parts::parse(other)?))
    }
}

impl FromStr for SemverVersion {
    type Err = VersionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let parts = Parts::parse(input)?;
        Ok(Self {
            major: parts.major.to_owned(),
            minor: parts.minor.to_owned(),
            patch: parts.patch.to_owned(),
            pre_release: parts.pre_release.to_owned(),
            build: parts.build.to_owned(),
        })
    }
}

/// Precedence order; two versions differing only in build metadata are `Equal` (and `==`).
impl Ord for SemverVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().precedence(&other.parts())
    }
}

/// Equal when the scheme orders the two as equal, so `==` agrees with [`Ord`].
impl PartialEq for SemverVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemverVersion {}

impl PartialOrd for SemverVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SemverVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre_release.is_empty() {
            write!(f, "-{}", self.pre_release)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

/// Orders two semantic versions by precedence, without allocating.
///
/// # Errors
///
/// Returns a [`VersionError`] for the first string that is not a SemVer 2.0.0 version.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = Parts::parse(a)?;
    let b = Parts::parse(b)?;
    Ok(a.precedence(&b))
}

/// A validated version borrowing from the input.
struct Parts<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    pre_release: &'a str,
    build: &'a str,
}

impl<'a> Parts<'a> {
    fn parse(input: &'a str) -> Result<Self, VersionError> {
        let error = |reason: String| VersionError::new(Scheme::Semver, input, reason);
        let text = input.strip_prefix('v').unwrap_or(input);

        let (text, build) = match text.split_once('+') {
            Some((text, build)) => (text, Some(build)),
            None => (text, None),
        };
        let (core, pre_release) = match text.split_once('-') {
            Some((core, pre_release)) => (core, Some(pre_release)),
            None => (text, None),
        };

        let mut numbers = core.split('.');
        let (Some(major), Some(minor), Some(patch), None) = (
            numbers.next(),
            numbers.next(),
            numbers.next(),
            numbers.next(),
        ) else {
            return Err(error("expected major.minor.patch".to_owned()));
        };
        for (name, number) in [("major", major), ("minor", minor), ("patch", patch)] {
            check_number(number).map_err(|problem| error(format!("{name} version {problem}")))?;
        }

        if let Some(pre_release) = pre_release {
            check_identifiers(pre_release, true)
                .map_err(|problem| error(format!("pre-release {problem}")))?;
        }
        if let Some(build) = build {
            check_identifiers(build, false)
                .map_err(|problem| error(format!("build metadata {problem}")))?;
        }

        Ok(Self {
            major,
            minor,
            patch,
            pre_release: pre_release.unwrap_or(""),
            build: build.unwrap_or(""),
        })
    }

    fn precedence(&self, other: &Parts<'_>) -> Ordering {
        compare_numbers(self.major, other.major)
            .then_with(|| compare_numbers(self.minor, other.minor))
            .then_with(|| compare_numbers(self.patch, other.patch))
            .then_with(|| compare_pre_releases(self.pre_release, other.pre_release))
    }
}

/// Checks a MAJOR, MINOR or PATCH field: digits, no leading zero.
fn check_number(number: &str) -> Result<(), &'static str> {
    if number.is_empty() {
        return Err("is empty");
    }
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a number");
    }
    if number.len() > 1 && number.starts_with('0') {
        return Err("has a leading zero");
    }
    Ok(())
}

/// Checks dot-separated identifiers; numeric pre-release identifiers may not have leading zeros.
fn check_identifiers(identifiers: &str, is_pre_release: bool) -> Result<(), String> {
    for identifier in identifiers.split('.') {
        if identifier.is_empty() {
            return Err("has an empty identifier".to_owned());
        }
        if !identifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!(
                "identifier {identifier:?} has a character outside [0-9A-Za-z-]"
            ));
        }
        let numeric = identifier.bytes().all(|b| b.is_ascii_digit());
        if is_pre_release && numeric && identifier.len() > 1 && identifier.starts_with('0') {
            return Err(format!("identifier {identifier:?} has a leading zero"));
        }
    }
    Ok(())
}

/// Compares two digit strings without leading zeros as numbers of any size.
fn compare_numbers(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares pre-releases; an empty one is a release and sorts last.
fn compare_pre_releases(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }

    let mut a = a.split('.');
    let mut b = b.split('.');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = compare_identifiers(x, y);
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// Numeric identifiers compare numerically and below alphanumeric ones, which compare in ASCII.
fn compare_identifiers(a: &str, b: &str) -> Ordering {
    let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match (numeric(a), numeric(b)) {
        (true, true) => compare_numbers(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(a, b).expect("test versions are valid")
    }

    #[test]
    fn pre_release_precedence_follows_the_specification_example() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
    }

    #[test]
    fn build_metadata_is_ignored_for_precedence() {
        assert_eq!(cmp("1.0.0+build.1", "1.0.0+build.2"), Ordering::Equal);
        assert_eq!(cmp("1.0.0-rc.1+x", "1.0.0-rc.1"), Ordering::Equal);
        let a: SemverVersion = "1.0.0+a".parse().expect("valid");
        let b: SemverVersion = "1.0.0+b".parse().expect("valid");
        assert_eq!(a.cmp(&b), Ordering::Equal);
        assert_eq!(a, b);
        assert_ne!(a.build(), b.build());
    }

    #[test]
    fn numbers_compare_numerically_at_any_size() {
        assert_eq!(cmp("1.10.0", "1.9.0"), Ordering::Greater);
        assert_eq!(
            cmp(
                "99999999999999999999999.0.0",
                "100000000000000000000000.0.0"
            ),
            Ordering::Less
        );
        assert_eq!(cmp("v1.2.3", "1.2.3"), Ordering::Equal);
    }

    #[test]
    fn invalid_versions_are_errors_naming_the_problem() {
        for (input, reason) in [
            ("1.2", "expected major.minor.patch"),
            ("1.2.3.4", "expected major.minor.patch"),
            ("01.2.3", "major version has a leading zero"),
            ("1.x.3", "minor version is not a number"),
            ("1.2.", "patch version is empty"),
            ("1.2.3-", "pre-release has an empty identifier"),
            (
                "1.2.3-01",
                "pre-release identifier \"01\" has a leading zero",
            ),
            ("1.2.3+", "build metadata has an empty identifier"),
            (
                "1.2.3-a_b",
                "pre-release identifier \"a_b\" has a character outside [0-9A-Za-z-]",
            ),
        ] {
            let error = input.parse::<SemverVersion>().expect_err(input);
            assert_eq!(error.reason, reason, "for {input:?}");
        }
        assert!("1.2.3+001".parse::<SemverVersion>().is_ok());
        assert_eq!(
            compare("1.0.0", "1.0").expect_err("invalid").to_string(),
            "invalid semver version \"1.0\": expected major.minor.patch"
        );
    }

    #[test]
    fn display_round_trips() {
        for text in ["1.2.3", "1.2.3-rc.1", "1.2.3-rc.1+build.5", "0.0.0+x"] {
            let version: SemverVersion = text.parse().expect("valid");
            assert_eq!(version.to_string(), text);
        }
    }
}
