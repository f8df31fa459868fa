//! CVSS scoring: turns a vector as OSV writes it into a [`Score`] with its base score and rating.
//!
//! CVSS v3.0/v3.1 and v4.0 are scored by the RustSec `cvss` crate. It has no v2, so v2 is scored
//! here from the CVSS v2 guide (<https://www.first.org/cvss/v2/guide>, section 3.2.1). The
//! tests compare all three against an independent implementation on every vector in the shared
//! data and on all 729 v2 base vectors (`testdata/cvss-oracle.tsv`).

use std::str::FromStr;

use crate::model::{Score, ScoreKind, SeverityRating};

/// Scores `vector` as a `kind` vector. An invalid vector keeps its text with no base score and
/// an [`SeverityRating::Unknown`] rating, so the reader still sees what the source wrote.
pub fn score_vector(kind: ScoreKind, vector: &str) -> Score {
    let vector = vector.trim();
    let scored = match kind {
        ScoreKind::CvssV2 => cvss_v2_base_score(vector).map(|score| (score, cvss_v2_rating(score))),
        ScoreKind::CvssV3 => has_every_metric(vector, CVSS_V3_BASE_METRICS)
            .then(|| cvss::v3::Base::from_str(vector).ok())
            .flatten()
            .map(|base| with_cvss_rating(base.score().value())),
        ScoreKind::CvssV4 => has_every_metric(vector, CVSS_V4_BASE_METRICS)
            .then(|| cvss::v4::Vector::from_str(vector).ok())
            .flatten()
            .map(|parsed| with_cvss_rating(parsed.score().value())),
        ScoreKind::Ubuntu => None,
    };

    match scored {
        Some((score, rating)) => Score {
            kind,
            vector: vector.to_owned(),
            base_score: Some(score as f32),
            rating,
        },
        None => {
            tracing::debug!(?kind, vector, "vector does not parse; kept without a score");
            Score {
                kind,
                vector: vector.to_owned(),
                base_score: None,
                rating: SeverityRating::Unknown,
            }
        }
    }
}

/// The base metrics a CVSS v3.x vector must carry to have a base score.
const CVSS_V3_BASE_METRICS: &[&str] = &["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

/// The base metrics a CVSS v4.0 vector must carry to have a base score.
const CVSS_V4_BASE_METRICS: &[&str] = &[
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
];

/// Whether `vector` names every metric of `required`. The `cvss` crate scores a vector that
/// lacks base metrics as if they were absent, which gives a score no advisory meant.
fn has_every_metric(vector: &str, required: &[&str]) -> bool {
    let present: Vec<&str> = vector
        .split('/')
        .filter_map(|part| part.split_once(':').map(|(metric, _)| metric))
        .collect();
    required.iter().all(|metric| present.contains(metric))
}

fn with_cvss_rating(score: f64) -> (f64, SeverityRating) {
    (score, SeverityRating::from_cvss_score(score as f32))
}

/// The NVD bands for v2: low below 4.0, medium below 7.0, high from 7.0 (v2 has no critical).
fn cvss_v2_rating(score: f64) -> SeverityRating {
    if score >= 7.0 {
        SeverityRating::High
    } else if score >= 4.0 {
        SeverityRating::Medium
    } else {
        SeverityRating::Low
    }
}

/// The CVSS v2 base score of a vector such as `AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally in
/// parentheses or with temporal and environmental metrics after the base ones (those are
/// ignored). `None` when a base metric is missing, repeated or has an unknown value.
pub fn cvss_v2_base_score(vector: &str) -> Option<f64> {
    let vector = vector.trim().trim_start_matches('(').trim_end_matches(')');
    let vector = vector.strip_prefix("CVSS:2.0/").unwrap_or(vector);
    let mut metrics: [Option<f64>; 6] = [None; 6];

    for component in vector.split('/') {
        let (name, value) = component.split_once(':')?;
        let (slot, weight) = match (name, value) {
            ("AV", "L") => (0, 0.395),
            ("AV", "A") => (0, 0.646),
            ("AV", "N") => (0, 1.0),
            ("AC", "H") => (1, 0.35),
            ("AC", "M") => (1, 0.61),
            ("AC", "L") => (1, 0.71),
            ("Au", "M") => (2, 0.45),
            ("Au", "S") => (2, 0.56),
            ("Au", "N") => (2, 0.704),
            ("C" | "I" | "A", impact) => {
                let slot = match name {
                    "C" => 3,
                    "I" => 4,
                    _ => 5,
                };
                let weight = match impact {
                    "N" => 0.0,
                    "P" => 0.275,
                    "C" => 0.660,
                    _ => return None,
                };
                (slot, weight)
            }
            ("AV" | "AC" | "Au", _) => return None,
            // Temporal (E, RL, RC) and environmental (CDP, TD, CR, IR, AR) metrics do not
            // change the base score.
            _ => continue,
        };
        if metrics[slot].replace(weight).is_some() {
            return None;
        }
    }

    let [Some(access_vector), Some(access_complexity), Some(authentication), Some(confidentiality), Some(integrity), Some(availability)] =
        metrics
    else {
        return None;
    };

    let impact = 10.41 * (1.0 - (1.0 - confidentiality) * (1.0 - integrity) * (1.0 - availability));
    let exploitability = 20.0 * access_vector * access_complexity * authentication;
    let impact_factor = if impact == 0.0 { 0.0 } else { 1.176 };
    let base = (0.6 * impact + 0.4 * exploitability - 1.5) * impact_factor;

    // The guide rounds to one decimal; the small nudge keeps values such as 4.25, which binary
    // floating point holds as 4.2499..., rounding up as the guide's arithmetic intends.
    Some(((base * 10.0) + 1e-9).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORACLE: &str = include_str!("../testdata/cvss-oracle.tsv");

    fn kind_of(name: &str) -> ScoreKind {
        match name {
            "CVSS_V2" => ScoreKind::CvssV2,
            "CVSS_V3" => ScoreKind::CvssV3,
            "CVSS_V4" => ScoreKind::CvssV4,
            other => panic!("unknown kind {other} in the oracle file"),
        }
    }

    fn rating_of(word: &str) -> SeverityRating {
        match word {
            "NONE" => SeverityRating::Negligible,
            "LOW" => SeverityRating::Low,
            "MEDIUM" => SeverityRating::Medium,
            "HIGH" => SeverityRating::High,
            "CRITICAL" => SeverityRating::Critical,
            other => panic!("unknown rating {other} in the oracle file"),
        }
    }

    #[test]
    fn every_oracle_vector_scores_the_same() {
        let mut checked = [0usize; 3];
        let mut mismatches = Vec::new();

        for line in ORACLE.lines().filter(|line| !line.starts_with('#')) {
            let fields: Vec<&str> = line.split('\t').collect();
            let [kind, vector, expected_score, expected_rating] = fields[..] else {
                panic!("malformed oracle line {line}");
            };
            let kind = kind_of(kind);
            let expected_score: f32 = expected_score.parse().expect("oracle score is a number");
            let score = score_vector(kind, vector);

            let same_score = score
                .base_score
                .is_some_and(|actual| (actual - expected_score).abs() < 0.001);
            if !same_score || score.rating != rating_of(expected_rating) {
                mismatches.push(format!("{vector}: {score:?}, expected {expected_score}"));
            }
            checked[match kind {
                ScoreKind::CvssV2 => 0,
                ScoreKind::CvssV3 => 1,
                _ => 2,
            }] += 1;
        }

        assert!(mismatches.is_empty(), "{mismatches:#?}");
        assert_eq!(checked, [729, 154, 39]);
    }

    #[test]
    fn well_known_vectors() {
        let log4shell = score_vector(
            ScoreKind::CvssV3,
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
        );
        assert_eq!(log4shell.base_score, Some(10.0));
        assert_eq!(log4shell.rating, SeverityRating::Critical);

        let v4 = score_vector(
            ScoreKind::CvssV4,
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        );
        assert_eq!(v4.base_score, Some(9.3));

        assert_eq!(cvss_v2_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Some(7.5));
        assert_eq!(
            cvss_v2_base_score("(AV:N/AC:M/Au:N/C:N/I:P/A:N)"),
            Some(4.3)
        );
        assert_eq!(
            cvss_v2_base_score("AV:L/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C"),
            Some(7.2)
        );
    }

    #[test]
    fn broken_vectors_keep_their_text() {
        for (kind, vector) in [
            (ScoreKind::CvssV2, "AV:N/AC:L/Au:N/C:P/I:P"),
            (ScoreKind::CvssV2, "AV:N/AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            (ScoreKind::CvssV2, "AV:X/AC:L/Au:N/C:P/I:P/A:P"),
            (ScoreKind::CvssV3, "CVSS:3.1/AV:N"),
            (ScoreKind::CvssV4, "not a vector"),
            (ScoreKind::Ubuntu, "medium"),
        ] {
            let score = score_vector(kind, vector);
            assert_eq!(score.base_score, None, "{vector}");
            assert_eq!(score.rating, SeverityRating::Unknown, "{vector}");
            assert_eq!(score.vector, vector);
        }
    }
}
