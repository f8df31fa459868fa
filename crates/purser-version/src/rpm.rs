//! RPM package versions: `[epoch:]version[-release]`.
//!
//! Segments are ordered by rpm's `rpmvercmp` (rpm's `rpmio/rpmvercmp.c`, rpm ≥ 4.15):
//!
//! - Each string is split into runs of ASCII digits or ASCII letters; every other byte (including
//!   any non-ASCII byte) only separates runs, so `2.0` equals `2_0`.
//! - `~` sorts before anything, even the end of the string (`1.0~rc1` < `1.0`).
//! - `^` sorts after the end of the string but before any further run (`1.0` < `1.0^git1` <
//!   `1.0.1`).
//! - A numeric run beats an alphabetic one; numeric runs compare as numbers, alphabetic runs
//!   byte by byte; when one string runs out of runs first, it is the smaller.
//!
//! The epoch is the leading run of digits before a `:` (absent or empty means `0`), and the
//! release is what follows the last `-` after it, as rpm's `parseEVR` splits them. Epochs,
//! versions and releases are compared in that order.
//!
//! Every string is accepted: rpm itself orders any string.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::VersionError;

/// A parsed RPM `[epoch:]version[-release]`.
#[derive(Debug, Clone)]
pub struct RpmVersion {
    epoch: Option<String>,
    version: String,
    release: Option<String>,
}

impl RpmVersion {
    /// The epoch digits as written (`None` when the string has no `epoch:` prefix).
    pub fn epoch(&self) -> Option<&str> {
        self.epoch.as_deref()
    }

    /// The version between the epoch and the release.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The release after the last hyphen (`None` when there is no hyphen).
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }

    fn parts(&self) -> Evr<'_> {
        Evr {
            epoch: self.epoch.as_deref(),
            version: &self.version,
            release: self.release.as_deref(),
        }
    }
}

impl RpmVersion {
    /// Orders this version against the string `other`, parsing only `other`: the same answer as
    /// [`compare`] with this version's text first, for comparing one version with many.
    pub fn compare_with(&self, other: &str) -> Ordering {
        self.parts().cmp_evr(&Evr::parse(other))
    }
}

impl FromStr for RpmVersion {
    type Err = VersionError;

    /// Splits the string into epoch, version and release; this never fails.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let evr = Evr::parse(input);
        Ok(Self {
            epoch: evr.epoch.map(str::to_owned),
            version: evr.version.to_owned(),
            release: evr.release.map(str::to_owned),
        })
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp_evr(&other.parts())
    }
}

/// Equal when the scheme orders the two as equal, so `==` agrees with [`Ord`].
impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for RpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(epoch) = &self.epoch {
            write!(f, "{epoch}:")?;
        }
        f.write_str(&self.version)?;
        if let Some(release) = &self.release {
            write!(f, "-{release}")?;
        }
        Ok(())
    }
}

/// Orders two `[epoch:]version[-release]` strings, without allocating.
///
/// Limitation: rpm's own `rpmverCmp` skips the release when only one side has one, which is not a
/// total order; here a missing release sorts before any release, so `1.0` < `1.0-1`.
pub fn compare(a: &str, b: &str) -> Ordering {
    Evr::parse(a).cmp_evr(&Evr::parse(b))
}

/// Orders two version (or release) segments with rpm's `rpmvercmp` rule.
pub fn compare_segment(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);

    loop {
        i = skip_separators(a, i);
        j = skip_separators(b, j);
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());

        // A tilde sorts before anything, even the end.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }

        // A caret sorts after the end but before any other run.
        if ca == Some(b'^') || cb == Some(b'^') {
            match (ca, cb) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(b'^'), Some(b'^')) => {
                    i += 1;
                    j += 1;
                    continue;
                }
                (Some(b'^'), _) => return Ordering::Less,
                _ => return Ordering::Greater,
            }
        }

        let (Some(first_a), Some(_)) = (ca, cb) else {
            break;
        };

        // Take a run of the kind `a` starts with from both sides.
        let numeric = first_a.is_ascii_digit();
        let is_run: fn(&u8) -> bool = if numeric {
            u8::is_ascii_digit
        } else {
            u8::is_ascii_alphabetic
        };
        let end_a = i + a[i..].iter().take_while(|b| is_run(b)).count();
        let end_b = j + b[j..].iter().take_while(|b| is_run(b)).count();
        if end_b == j {
            // Different kinds of run: the numeric one is newer.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }

        let order = if numeric {
            compare_numeric(&a[i..end_a], &b[j..end_b])
        } else {
            a[i..end_a].cmp(&b[j..end_b])
        };
        if order != Ordering::Equal {
            return order;
        }
        i = end_a;
        j = end_b;
    }

    // Whichever side still has something left is newer.
    match (i < a.len(), j < b.len()) {
        (false, false) => Ordering::Equal,
        (true, _) => Ordering::Greater,
        (false, true) => Ordering::Less,
    }
}

/// Skips bytes that are neither ASCII alphanumerics nor `~` or `^`.
fn skip_separators(bytes: &[u8], mut index: usize) -> usize {
    while index < bytes.len()
        && !bytes[index].is_ascii_alphanumeric()
        && bytes[index] != b'~'
        && bytes[index] != b'^'
    {
        index += 1;
    }
    index
}

/// Compares two runs of ASCII digits as numbers of any length.
fn compare_numeric(a: &[u8], b: &[u8]) -> Ordering {
    let a = trim_leading_zeros(a);
    let b = trim_leading_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn trim_leading_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|b| **b == b'0').count();
    &digits[zeros..]
}

/// An epoch-version-release triple borrowing from the input.
struct Evr<'a> {
    epoch: Option<&'a str>,
    version: &'a str,
    release: Option<&'a str>,
}

impl<'a> Evr<'a> {
    fn parse(input: &'a str) -> Self {
        let digits = input.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = match input[digits..].strip_prefix(':') {
            Some(rest) => (Some(&input[..digits]), rest),
            None => (None, input),
        };
        match rest.rsplit_once('-') {
            Some((version, release)) => Self {
                epoch,
                version,
                release: Some(release),
            },
            None => Self {
                epoch,
                version: rest,
                release: None,
            },
        }
    }

    fn cmp_evr(&self, other: &Evr<'_>) -> Ordering {
        let epoch_a = self.epoch.unwrap_or("0").as_bytes();
        let epoch_b = other.epoch.unwrap_or("0").as_bytes();
        compare_numeric(epoch_a, epoch_b)
            .then_with(|| compare_segment(self.version, other.version))
            .then_with(|| match (self.release, other.release) {
                (Some(a), Some(b)) => compare_segment(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_sorts_before_the_end() {
        assert_eq!(compare_segment("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(compare_segment("1.0~rc1~git1", "1.0~rc1"), Ordering::Less);
        assert_eq!(compare_segment("1.0~rc2", "1.0~rc1"), Ordering::Greater);
    }

    #[test]
    fn caret_sorts_after_the_end_but_before_more_runs() {
        assert_eq!(compare_segment("1.0^", "1.0"), Ordering::Greater);
        assert_eq!(compare_segment("1.0^git1", "1.0.1"), Ordering::Less);
        assert_eq!(compare_segment("1.0^git1", "1.01"), Ordering::Less);
        assert_eq!(compare_segment("1.0^git1~pre", "1.0^git1"), Ordering::Less);
        assert_eq!(
            compare_segment("1.0~rc1^git1", "1.0~rc1"),
            Ordering::Greater
        );
    }

    #[test]
    fn separators_are_interchangeable_and_numbers_beat_letters() {
        assert_eq!(compare_segment("2.0", "2_0"), Ordering::Equal);
        assert_eq!(compare_segment("+a", "_a"), Ordering::Equal);
        assert_eq!(compare_segment("1.1.α", "1.1.β"), Ordering::Equal);
        assert_eq!(compare_segment("6.0.rc1", "6.0"), Ordering::Greater);
        assert_eq!(compare_segment("xyz.4", "8"), Ordering::Less);
        assert_eq!(compare_segment("10.0001", "10.1"), Ordering::Equal);
        assert_eq!(
            compare_segment("1.99999999999999999999999", "1.100000000000000000000000"),
            Ordering::Less
        );
    }

    #[test]
    fn epoch_then_version_then_release() {
        assert_eq!(compare("1:1.0-1", "2.0-1"), Ordering::Greater);
        assert_eq!(compare("0:1.0-1", "1.0-1"), Ordering::Equal);
        assert_eq!(compare(":1.0", "0:1.0"), Ordering::Equal);
        assert_eq!(compare("1.0-2.el9", "1.0-10.el9"), Ordering::Less);
        assert_eq!(compare("1.0", "1.0-1"), Ordering::Less);
    }

    #[test]
    fn parse_splits_like_parse_evr() {
        let version: RpmVersion = "2:3.10.0-229.el7".parse().expect("rpm parsing never fails");
        assert_eq!(version.epoch(), Some("2"));
        assert_eq!(version.version(), "3.10.0");
        assert_eq!(version.release(), Some("229.el7"));
        assert_eq!(version.to_string(), "2:3.10.0-229.el7");

        let odd: RpmVersion = "a:1-2-3".parse().expect("rpm parsing never fails");
        assert_eq!(odd.epoch(), None);
        assert_eq!(odd.version(), "a:1-2");
        assert_eq!(odd.release(), Some("3"));
    }
}
