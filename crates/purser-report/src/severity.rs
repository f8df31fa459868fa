//! Severity names as users type them (`--severity CRITICAL,HIGH`) and as reports print them.

use std::collections::BTreeSet;

use purser_advisory::SeverityRating;
use purser_plugin_api::Severity;

use crate::error::ReportError;

/// Every rating, lowest first, in the order counts are printed.
pub const ALL_RATINGS: [SeverityRating; 6] = [
    SeverityRating::Unknown,
    SeverityRating::Negligible,
    SeverityRating::Low,
    SeverityRating::Medium,
    SeverityRating::High,
    SeverityRating::Critical,
];

/// Parses a comma-separated list of severities, case-insensitive, ignoring blanks around names.
///
/// `NEGLIGIBLE` is its own rating: `LOW` does not include it.
///
/// # Errors
///
/// [`ReportError::UnknownSeverity`] naming the first word that is not a severity, and for an
/// empty list.
pub fn parse_severities(list: &str) -> Result<BTreeSet<SeverityRating>, ReportError> {
    let mut ratings = BTreeSet::new();
    for word in list.split(',').map(str::trim) {
        ratings.insert(parse_severity(word)?);
    }
    Ok(ratings)
}

fn parse_severity(word: &str) -> Result<SeverityRating, ReportError> {
    ALL_RATINGS
        .into_iter()
        .find(|rating| rating_name(*rating).eq_ignore_ascii_case(word))
        .ok_or_else(|| ReportError::UnknownSeverity(word.to_owned()))
}

/// The upper-case name of a rating (`CRITICAL`).
pub fn rating_name(rating: SeverityRating) -> &'static str {
    match rating {
        SeverityRating::Unknown => "UNKNOWN",
        SeverityRating::Negligible => "NEGLIGIBLE",
        SeverityRating::Low => "LOW",
        SeverityRating::Medium => "MEDIUM",
        SeverityRating::High => "HIGH",
        SeverityRating::Critical => "CRITICAL",
    }
}

/// The rating of an analyzer's severity (secrets, observations).
pub fn rating_of(severity: Severity) -> SeverityRating {
    match severity {
        Severity::Unknown => SeverityRating::Unknown,
        Severity::Low => SeverityRating::Low,
        Severity::Medium => SeverityRating::Medium,
        Severity::High => SeverityRating::High,
        Severity::Critical => SeverityRating::Critical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_in_any_case() {
        let ratings = parse_severities("critical, HIGH,Unknown").expect("valid list");
        assert_eq!(
            ratings.into_iter().collect::<Vec<_>>(),
            vec![
                SeverityRating::Unknown,
                SeverityRating::High,
                SeverityRating::Critical
            ]
        );
    }

    #[test]
    fn names_the_bad_word() {
        let error = parse_severities("HIGH,SEVERE").expect_err("SEVERE is no severity");
        assert!(error.to_string().contains("\"SEVERE\""), "{error}");
        assert!(parse_severities("").is_err());
    }
}
