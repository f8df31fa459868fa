//! When each release stops getting security fixes, so a report can flag an end-of-life system.
//!
//! The dates are the end of security support each distribution publishes for its releases
//! (for Debian and Ubuntu the end of their long-term support, after which no free security
//! updates exist), as endoflife.date lists them. They were written into this table by hand on a
//! machine without network access, so a date a distribution changed recently may be out of
//! date here.
//!
//! Limitation: the table is compiled into the analyzer, so a Purser build older than a release
//! reports `end_of_life: null` for that release, and a lifecycle change after the build (an
//! extended support period) is not known; the user sees the flag the build knew.

use std::time::{SystemTime, UNIX_EPOCH};

/// `(family, version, last day of support)`. A version matches a release when it equals it or
/// continues it after a dot (`12.5` is release `12`; `3.19.1` is `3.19`).
const END_OF_SUPPORT: &[(&str, &str, &str)] = &[
    ("alpine", "3.12", "2022-05-01"),
    ("alpine", "3.13", "2022-11-01"),
    ("alpine", "3.14", "2023-05-01"),
    ("alpine", "3.15", "2023-11-01"),
    ("alpine", "3.16", "2024-05-23"),
    ("alpine", "3.17", "2024-11-22"),
    ("alpine", "3.18", "2025-05-09"),
    ("alpine", "3.19", "2025-11-01"),
    ("alpine", "3.20", "2026-04-01"),
    ("alpine", "3.21", "2026-11-01"),
    ("alpine", "3.22", "2027-05-01"),
    ("alpine", "3.23", "2027-11-01"),
    ("almalinux", "8", "2029-03-01"),
    ("almalinux", "9", "2032-05-31"),
    ("amazon", "2", "2026-06-30"),
    ("amazon", "2023", "2029-06-30"),
    ("centos", "6", "2020-11-30"),
    ("centos", "7", "2024-06-30"),
    ("centos", "8", "2021-12-31"),
    ("debian", "8", "2020-06-30"),
    ("debian", "9", "2022-06-30"),
    ("debian", "10", "2024-06-30"),
    ("debian", "11", "2026-08-31"),
    ("debian", "12", "2028-06-30"),
    ("debian", "13", "2030-06-30"),
    ("redhat", "7", "2024-06-30"),
    ("redhat", "8", "2029-05-31"),
    ("redhat", "9", "2032-05-31"),
    ("rocky", "8", "2029-05-31"),
    ("rocky", "9", "2032-05-31"),
    ("ubuntu", "14.04", "2019-04-30"),
    ("ubuntu", "16.04", "2021-04-30"),
    ("ubuntu", "18.04", "2023-05-31"),
    ("ubuntu", "20.04", "2025-05-31"),
    ("ubuntu", "22.04", "2027-06-01"),
    ("ubuntu", "23.10", "2024-07-11"),
    ("ubuntu", "24.04", "2029-05-31"),
    ("ubuntu", "24.10", "2025-07-10"),
    ("ubuntu", "25.04", "2026-01-15"),
];

/// Whether `family` release `version` is past its end of support on `today` (`YYYY-MM-DD`), or
/// `None` when the table does not know the release.
pub(crate) fn end_of_life(family: &str, version: &str, today: &str) -> Option<bool> {
    END_OF_SUPPORT
        .iter()
        .find(|(known_family, release, _)| {
            *known_family == family && is_release_or_point_release(version, release)
        })
        .map(|(_, _, last_day)| today > *last_day)
}

fn is_release_or_point_release(version: &str, release: &str) -> bool {
    match version.strip_prefix(release) {
        Some(rest) => rest.is_empty() || rest.starts_with('.'),
        None => false,
    }
}

/// Today's date in UTC as `YYYY-MM-DD`, from the system clock.
pub(crate) fn today_utc() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Whether `text` is a date spelled `YYYY-MM-DD`.
pub(crate) fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(index, byte)| index == 4 || index == 7 || byte.is_ascii_digit())
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days` algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_releases_belong_to_their_release() {
        assert_eq!(end_of_life("alpine", "3.19.1", "2026-12-03"), Some(true));
        assert_eq!(end_of_life("alpine", "3.19.1", "2025-11-01"), Some(false));
        assert_eq!(end_of_life("debian", "12.11", "2026-12-03"), Some(false));
        assert_eq!(end_of_life("debian", "10", "2026-12-03"), Some(true));
    }

    #[test]
    fn a_longer_number_is_not_a_point_release() {
        // `3.190` is not a point release of `3.19`, and `120` is not Debian 12.
        assert_eq!(end_of_life("alpine", "3.190", "2026-12-03"), None);
        assert_eq!(end_of_life("debian", "120", "2026-12-03"), None);
    }

    #[test]
    fn unknown_releases_are_not_guessed() {
        assert_eq!(end_of_life("debian", "sid", "2026-12-03"), None);
        assert_eq!(end_of_life("gentoo", "2.15", "2026-12-03"), None);
    }

    #[test]
    fn day_counts_become_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_790), (2026, 12, 3));
    }

    #[test]
    fn iso_dates_are_recognised() {
        assert!(is_iso_date("2026-12-03"));
        assert!(!is_iso_date("2026-12-3"));
        assert!(!is_iso_date("yesterday!"));
    }
}
