//! The current time, for build stamps and document creation times.
//!
//! `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention) replaces the
//! clock, so the same inputs give byte-identical databases and reports.

use std::time::{SystemTime, UNIX_EPOCH};

use purser_report::Date;

/// Seconds since 1970 from `SOURCE_DATE_EPOCH` when it is set and valid, else from the clock.
fn now_seconds() -> u64 {
    if let Some(seconds) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
    {
        return seconds;
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// The current time as RFC 3339 in UTC, to the second (`2026-12-04T17:05:00Z`).
pub fn now_rfc3339() -> String {
    rfc3339(now_seconds())
}

/// Today's date in UTC, honouring `SOURCE_DATE_EPOCH`.
pub fn today() -> Date {
    Date::from_days_since_epoch(i64::try_from(now_seconds() / 86_400).unwrap_or(0))
}

/// `seconds` since 1970 as RFC 3339 in UTC.
fn rfc3339(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let in_day = seconds % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        Date::from_days_since_epoch(days),
        in_day / 3_600,
        in_day % 3_600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_become_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_733_330_700), "2024-12-04T16:45:00Z");
    }
}
