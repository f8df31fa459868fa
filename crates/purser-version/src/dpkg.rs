//! Debian package versions: `[epoch:]upstream_version[-debian_revision]`.
//!
//! Follows Debian Policy §5.6.12 ("Version") and dpkg's `lib/dpkg/version.c`:
//!
//! - The epoch is a small unsigned integer before the first `:`; absent means `0`.
//! - The revision is everything after the last `-`; absent compares like `"0"` (and like `""`).
//! - Upstream version and revision are compared by alternating runs: a run of non-digits compared
//!   character by character, where `~` sorts before everything (even the end of the string),
//!   the end of the string sorts next, then letters, then every other character; and a run of
//!   digits compared numerically.
//!
//! Parsing rejects what `dpkg --compare-versions` rejects as an error: an empty string, embedded
//! whitespace, an empty or non-numeric or out-of-range epoch, nothing after the colon, an empty
//! revision after a `-`, or an empty upstream version. Like dpkg, it only warns (here: a debug
//! log) about an upstream version not starting with a digit or about characters outside the
//! allowed sets, and still compares such strings.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A parsed Debian package version.
#[derive(Debug, Clone)]
pub struct DpkgVersion {
    epoch: u32,
    upstream: String,
    revision: String,
}

impl DpkgVersion {
    /// The epoch (`0` when the string has none).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The upstream version: between the epoch's colon and the last hyphen.
    pub fn upstream(&self) -> &str {
        &self.upstream
    }

    /// The Debian revision after the last hyphen (`""` when the string has none).
    pub fn revision(&self) -> &str {
        &self.revision
    }

    fn parts(&self) -> Parts<'_> {
        Parts {
            epoch: self.epoch,
            upstream: &self.upstream,
            revision: &self.revision,
        }
    }
}

impl DpkgVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    ///
    /// # Errors
    ///
    /// Returns a [`VersionError`] when `other` is not a valid version.
    pub fn compare_with(&self, other: &str) -> Result<Ordering, VersionError> {
        Ok(self.parts().cmp_parts(&Parts::parse(other)?))
    }
}

impl FromStr for DpkgVersion {
    type Err = VersionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let parts = Parts::parse(input)?;
        Ok(Self {
            epoch: parts.epoch,
            upstream: parts.upstream.to_owned(),
            revision: parts.revision.to_owned(),
        })
    }
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp_parts(&other.parts())
    }
}

/// Equal when the scheme orders the two as equal, so `==` agrees with [`Ord`].
impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DpkgVersion {}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for DpkgVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.upstream)?;
        if !self.revision.is_empty() {
            write!(f, "-{}", self.revision)?;
        }
        Ok(())
    }
}

/// Orders two Debian version strings as `dpkg --compare-versions` does, without allocating.
///
/// # Errors
///
/// Returns a [`VersionError`] for the first string dpkg would refuse (see the module docs).
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = Parts::parse(a)?;
    let b = Parts::parse(b)?;
    Ok(a.cmp_parts(&b))
}

/// A version split into its three fields, borrowing from the input.
struct Parts<'a> {
    epoch: u32,
    upstream: &'a str,
    revision: &'a str,
}

impl<'a> Parts<'a> {
    fn parse(input: &'a str) -> Result<Self, VersionError> {
        let error = |reason: &str| VersionError::new(Scheme::Dpkg, input, reason);

        // dpkg trims surrounding whitespace but refuses whitespace inside.
        let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace());
        if trimmed.is_empty() {
            return Err(error("version string is empty"));
        }
        if trimmed.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(error("version string has embedded spaces"));
        }

        let (epoch, rest) = match trimmed.split_once(':') {
            Some((epoch, rest)) => (parse_epoch(epoch).map_err(error)?, rest),
            None => (0, trimmed),
        };
        if rest.is_empty() {
            return Err(error("nothing after colon in version number"));
        }

        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((_, "")) => return Err(error("revision number is empty")),
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(error("version number is empty"));
        }

        warn_about_lax_syntax(input, upstream, revision);
        Ok(Self {
            epoch,
            upstream,
            revision,
        })
    }

    fn cmp_parts(&self, other: &Parts<'_>) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_fragment(self.upstream, other.upstream))
            .then_with(|| compare_fragment(self.revision, other.revision))
    }
}

/// Parses the epoch the way dpkg does (`strtol` then range checks): an optional sign, then
/// decimal digits filling the whole field, not negative, at most `i32::MAX`.
fn parse_epoch(epoch: &str) -> Result<u32, &'static str> {
    let (negative, digits) = match epoch.as_bytes().first() {
        Some(b'-') => (true, &epoch[1..]),
        Some(b'+') => (false, &epoch[1..]),
        _ => (false, epoch),
    };
    let digit_count = digits.bytes().take_while(u8::is_ascii_digit).count();
    if digit_count == 0 {
        return Err("epoch in version is empty");
    }
    if digit_count != digits.len() {
        return Err("epoch in version is not number");
    }

    let value = digits
        .parse::<u64>()
        .ok()
        .filter(|value| *value <= i32::MAX as u64);
    match value {
        Some(0) => Ok(0),
        Some(_) if negative => Err("epoch in version is negative"),
        Some(value) => Ok(u32::try_from(value).expect("epoch was checked against i32::MAX")),
        None if negative => Err("epoch in version is negative"),
        None => Err("epoch in version is too big"),
    }
}

/// dpkg accepts these with a warning; we log them and compare as dpkg does.
fn warn_about_lax_syntax(input: &str, upstream: &str, revision: &str) {
    if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
        tracing::debug!(version = input, "dpkg version does not start with a digit");
    }
    let upstream_ok = upstream
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b".-+~:".contains(&b));
    let revision_ok = revision
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b".+~".contains(&b));
    if !upstream_ok || !revision_ok {
        tracing::debug!(
            version = input,
            "dpkg version has characters outside policy"
        );
    }
}

/// The sort weight of one byte in a non-digit run; `None` is the end of the run.
fn weight(byte: Option<u8>) -> i32 {
    match byte {
        Some(b'~') => -1,
        None => 0,
        Some(b) if b.is_ascii_digit() => 0,
        Some(b) if b.is_ascii_alphabetic() => i32::from(b),
        Some(b) => i32::from(b) + 256,
    }
}

/// Compares an upstream version or a revision with dpkg's alternating-run rule.
fn compare_fragment(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);

    while i < a.len() || j < b.len() {
        // Non-digit run: compare weights until both sides reach a digit or the end.
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            i += 1;
            j += 1;
        }

        // Digit run: skip leading zeros, then a longer run is larger, else the first difference.
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let start_a = i;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        let start_b = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let (run_a, run_b) = (&a[start_a..i], &b[start_b..j]);
        let order = run_a.len().cmp(&run_b.len()).then_with(|| run_a.cmp(run_b));
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
    fn tilde_sorts_before_everything_even_the_end() {
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0~~", "1.0~"), Ordering::Less);
        assert_eq!(cmp("1.0~~a", "1.0~~"), Ordering::Greater);
        assert_eq!(cmp("1.0~", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0+b1"), Ordering::Less);
    }

    #[test]
    fn letters_sort_before_other_characters() {
        assert_eq!(cmp("1.0a", "1.0+"), Ordering::Less);
        assert_eq!(cmp("1.0a", "1.0."), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0a"), Ordering::Less);
    }

    #[test]
    fn epoch_outweighs_everything() {
        assert_eq!(cmp("1:0.1", "9.9"), Ordering::Greater);
        assert_eq!(cmp("0:1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("2:1.0", "10:0.1"), Ordering::Less);
    }

    #[test]
    fn numbers_compare_numerically_ignoring_leading_zeros() {
        assert_eq!(cmp("1.010", "1.9"), Ordering::Greater);
        assert_eq!(cmp("1.0010", "1.10"), Ordering::Equal);
        assert_eq!(
            cmp("1.123456789012345678901234567890", "1.99"),
            Ordering::Greater
        );
    }

    #[test]
    fn revision_is_after_the_last_hyphen_and_defaults_to_zero() {
        let version: DpkgVersion = "1:2.3-4-5ubuntu1".parse().expect("valid");
        assert_eq!(version.epoch(), 1);
        assert_eq!(version.upstream(), "2.3-4");
        assert_eq!(version.revision(), "5ubuntu1");
        assert_eq!(cmp("1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(cmp("1.0-1", "1.0"), Ordering::Greater);
    }

    #[test]
    fn display_round_trips_the_fields() {
        for text in ["1:2.3-4", "2.3", "0.9~rc1-1+deb12u1"] {
            let version: DpkgVersion = text.parse().expect("valid");
            assert_eq!(version.to_string(), text);
        }
    }

    #[test]
    fn what_dpkg_refuses_is_an_error_naming_the_string() {
        for (input, reason) in [
            ("", "version string is empty"),
            ("  ", "version string is empty"),
            ("1.0 2", "version string has embedded spaces"),
            (":1.0", "epoch in version is empty"),
            ("a:1.0", "epoch in version is empty"),
            ("1a:1.0", "epoch in version is not number"),
            ("-1:1.0", "epoch in version is negative"),
            ("99999999999:1.0", "epoch in version is too big"),
            ("1:", "nothing after colon in version number"),
            ("1.0-", "revision number is empty"),
            ("-1", "version number is empty"),
        ] {
            let error = input.parse::<DpkgVersion>().expect_err(input);
            assert_eq!(error.reason, reason, "for {input:?}");
            assert_eq!(error.input, input);
        }
        let error = compare("1.0", "1.0-").expect_err("empty revision");
        assert_eq!(
            error.to_string(),
            "invalid dpkg version \"1.0-\": revision number is empty"
        );
    }

    #[test]
    fn lax_strings_dpkg_only_warns_about_still_compare() {
        assert_eq!(cmp("a1.0", "b1.0"), Ordering::Less);
        assert_eq!(cmp(" 1.0 ", "1.0"), Ordering::Equal);
        let padded: DpkgVersion = "1.00".parse().expect("valid");
        assert_eq!(padded, "1.0".parse::<DpkgVersion>().expect("valid"));
    }

    #[test]
    fn ord_agrees_with_compare() {
        let mut versions: Vec<DpkgVersion> = ["1.0", "1:0.1", "1.0~rc1", "1.0-1", "0.9"]
            .iter()
            .map(|text| text.parse().expect("valid"))
            .collect();
        versions.sort();
        let sorted: Vec<String> = versions.iter().map(ToString::to_string).collect();
        assert_eq!(sorted, ["0.9", "1.0~rc1", "1.0", "1.0-1", "1:0.1"]);
    }
}
