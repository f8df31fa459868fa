//! Verifying each candidate provenance, choosing the one to report, and the findings that say
//! which SLSA build level the image reaches.

use std::collections::BTreeMap;

use purser_plugin_api::{Finding, ProvenanceFinding};
use purser_provenance::level::BuildLevel;
use purser_provenance::policy::Policy;
use purser_provenance::{verify, CheckName, TrustMaterial, Verdict, VerificationInput};

use crate::candidate::Candidate;
use crate::options::TrustedBuilders;

/// One provenance and its verdict.
#[derive(Debug)]
pub struct Attempt {
    /// Where the provenance came from.
    pub name: String,
    /// The outcome.
    pub verdict: Verdict,
}

/// Verifies `candidate`, requiring that it names `image_manifest` or the digest it is attached
/// to. When it fails only because its signer is not a default trusted builder, it is verified
/// again expecting each builder the user listed, and the first pass is kept.
pub fn verify_candidate(
    candidate: Candidate,
    image_manifest: Option<&str>,
    trust: &TrustMaterial,
    trusted: &TrustedBuilders,
) -> Attempt {
    let claimed = candidate.evidence.claimed_subjects();
    let digests: Vec<&str> = candidate
        .subject
        .as_deref()
        .into_iter()
        .chain(image_manifest)
        .collect();
    let required = digests
        .iter()
        .find(|digest| claimed.iter().any(|claim| claim == *digest))
        .or(digests.first());
    let policy = Policy {
        subject_sha256: required.map(|digest| digest.trim_start_matches("sha256:").to_owned()),
        ..Policy::default()
    };

    let name = candidate.evidence.name().to_owned();
    let input = VerificationInput {
        evidence: candidate.evidence,
        artifact: None,
    };
    let verdict = verify(&input, &policy, trust);
    let untrusted_signer = verdict
        .error
        .as_ref()
        .is_some_and(|error| error.check_name() == CheckName::BuilderId);
    if verdict.passed || !untrusted_signer {
        return Attempt { name, verdict };
    }
    for builder in &trusted.listed {
        let expecting = Policy {
            builder_id: Some(builder.clone()),
            ..policy.clone()
        };
        let retry = verify(&input, &expecting, trust);
        if retry.passed {
            tracing::debug!(provenance = name, builder, "verified with a listed builder");
            return Attempt {
                name,
                verdict: retry,
            };
        }
    }
    Attempt { name, verdict }
}

/// The attempt to report: the verified one with the highest level (the first among equals),
/// else the failure that passed most checks before failing (the first among equals).
pub fn chosen(attempts: &[Attempt]) -> Option<&Attempt> {
    let level = |attempt: &Attempt| attempt.verdict.claims.level.unwrap_or(BuildLevel::L1);
    let progress = |attempt: &Attempt| {
        let passed = attempt.verdict.checks.iter().filter(|check| check.passed);
        (attempt.verdict.passed, level(attempt), passed.count())
    };
    attempts.iter().fold(None, |best, attempt| match best {
        Some(best) if progress(best) >= progress(attempt) => Some(best),
        _ => Some(attempt),
    })
}

/// The findings for an image: `slsa-level`, then one per check of the reported attempt.
pub fn findings(attempts: &[Attempt]) -> Vec<Finding> {
    let Some(attempt) = chosen(attempts) else {
        return vec![level_finding(
            BuildLevel::L0,
            false,
            "Build L0: no provenance is attached to the image".to_owned(),
            BTreeMap::new(),
        )];
    };

    let verdict = &attempt.verdict;
    let claims = &verdict.claims;
    let level = if verdict.passed {
        claims.level.unwrap_or(BuildLevel::L1)
    } else {
        BuildLevel::L1
    };
    let mut facts = BTreeMap::from([
        ("provenance".to_owned(), attempt.name.clone()),
        ("attempts".to_owned(), attempts.len().to_string()),
    ]);
    let claimed = [
        ("builder_id", &claims.builder_id),
        ("source_uri", &claims.source_uri),
        ("source_ref", &claims.source_ref),
        ("digest", &claims.digest),
    ];
    for (key, value) in claimed {
        if let Some(value) = value {
            facts.insert(key.to_owned(), value.clone());
        }
    }
    let detail = if verdict.passed {
        format!(
            "{}: provenance verified, built by {} from {}",
            level.as_str(),
            claims.builder_id.as_deref().unwrap_or("an unnamed builder"),
            claims.source_uri.as_deref().unwrap_or("an unnamed source")
        )
    } else {
        let reason = verdict
            .error
            .as_ref()
            .map_or_else(|| "no check passed".to_owned(), ToString::to_string);
        format!("Build L1: provenance is attached but not verified: {reason}")
    };

    let mut findings = vec![level_finding(level, verdict.passed, detail, facts)];
    findings.extend(verdict.checks.iter().map(|check| {
        Finding::Provenance(ProvenanceFinding {
            check: check.name.as_str().to_owned(),
            passed: check.passed,
            detail: check.detail.clone(),
            facts: BTreeMap::from([("provenance".to_owned(), attempt.name.clone())]),
        })
    }));
    findings
}

fn level_finding(
    level: BuildLevel,
    verified: bool,
    detail: String,
    mut facts: BTreeMap<String, String>,
) -> Finding {
    let number = match level {
        BuildLevel::L0 => "0",
        BuildLevel::L1 => "1",
        BuildLevel::L2 => "2",
        BuildLevel::L3 => "3",
    };
    facts.insert("level".to_owned(), number.to_owned());
    facts.insert("verified".to_owned(), verified.to_string());
    facts.entry("builder_id".to_owned()).or_default();
    facts.entry("source_uri".to_owned()).or_default();
    Finding::Provenance(ProvenanceFinding {
        check: "slsa-level".to_owned(),
        passed: verified,
        detail,
        facts,
    })
}
