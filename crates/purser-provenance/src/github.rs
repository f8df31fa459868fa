//! Builder trust for GitHub Actions, as slsa-verifier decides it: the signing certificate's
//! Build Signer URI names the workflow that signed; the SLSA generators are trusted by default,
//! and for the BYOB delegators the provenance's builder id names the real builder.

use crate::check::{Check, CheckName};
use crate::error::ProvenanceError;
use crate::policy::builder_matches;

const WORKFLOWS: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/";

/// Workflows that build and sign themselves.
const TRUSTED_GENERATORS: &[&str] = &[
    "generator_generic_slsa3.yml",
    "generator_container_slsa3.yml",
    "builder_go_slsa3.yml",
    "builder_nodejs_slsa3.yml",
    "builder_container-based_slsa3.yml",
];

/// Workflows that sign for a builder named in the provenance (BYOB).
const DELEGATORS: &[&str] = &[
    "delegator_generic_slsa3.yml",
    "delegator_lowperms-generic_slsa3.yml",
];

/// Decides which builder produced a provenance: from the certificate's `signer_workflow`
/// (`name@ref`), the provenance's own `provenance_builder`, and the policy's expectation.
/// Returns the builder id (`name@ref`) and the check passed.
///
/// # Errors
///
/// A failed [`CheckName::BuilderId`] when the signer is not trusted, the expectation does not
/// match, or the provenance claims a builder the certificate does not back.
pub fn decide_builder(
    signer_workflow: &str,
    provenance_builder: &str,
    expected: Option<&str>,
) -> Result<(String, Check), ProvenanceError> {
    let (workflow, _) = signer_workflow
        .split_once('@')
        .unwrap_or((signer_workflow, ""));
    let short = workflow.strip_prefix(WORKFLOWS);

    // BYOB: the delegator vouches for the builder named in the provenance.
    if short.is_some_and(|name| DELEGATORS.contains(&name)) {
        let builder = provenance_builder.to_owned();
        match expected {
            Some(expected) if !builder_matches(expected, &builder) => {
                return Err(ProvenanceError::check(
                    CheckName::BuilderId,
                    format!("expected builder {expected}, provenance (signed by delegator {signer_workflow}) names {builder}"),
                ))
            }
            // slsa-verifier's own tests accept a delegated builder without an expected id;
            // the level map still gives an unlisted builder no more than Build L1.
            None if builder.is_empty() => {
                return Err(ProvenanceError::check(
                    CheckName::BuilderId,
                    format!("provenance signed by delegator {signer_workflow} names no builder"),
                ))
            }
            _ => {}
        }
        let detail = format!("builder {builder} via delegator {signer_workflow}");
        return Ok((builder, Check::pass(CheckName::BuilderId, detail)));
    }

    let trusted_default = short.is_some_and(|name| TRUSTED_GENERATORS.contains(&name));
    match expected {
        Some(expected) if !builder_matches(expected, signer_workflow) => {
            return Err(ProvenanceError::check(
                CheckName::BuilderId,
                format!("expected builder {expected}, certificate was signed by workflow {signer_workflow}"),
            ))
        }
        None if !trusted_default => {
            return Err(ProvenanceError::check(
                CheckName::BuilderId,
                format!("signing workflow {signer_workflow} is not a default trusted builder; name it in the policy to trust it"),
            ))
        }
        _ => {}
    }

    // The provenance must not claim another builder than the one that signed it.
    if trusted_default
        && !provenance_builder.is_empty()
        && !builder_matches(workflow, provenance_builder)
    {
        return Err(ProvenanceError::check(
            CheckName::BuilderId,
            format!("provenance claims builder {provenance_builder}, certificate was signed by {signer_workflow}"),
        ));
    }
    let detail = format!("builder {signer_workflow} from the signing certificate");
    Ok((
        signer_workflow.to_owned(),
        Check::pass(CheckName::BuilderId, detail),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusts_generators_and_rejects_other_expectations() {
        let signer = format!("{WORKFLOWS}generator_generic_slsa3.yml@refs/tags/v2.1.0");
        let (builder, _) = decide_builder(&signer, &signer, None).unwrap();
        assert_eq!(builder, signer);
        let error = decide_builder(
            &signer,
            &signer,
            Some(&format!("{WORKFLOWS}not-trusted.yml")),
        )
        .unwrap_err();
        assert_eq!(error.check_name(), CheckName::BuilderId);
    }

    #[test]
    fn delegator_uses_the_provenance_builder() {
        let signer = format!("{WORKFLOWS}delegator_generic_slsa3.yml@refs/tags/v2.1.0");
        let byob = "https://github.com/o/trw/.github/workflows/b.yml@refs/tags/v1";
        assert!(decide_builder(&signer, "", None).is_err());
        assert!(decide_builder(
            &signer,
            byob,
            Some("https://github.com/o/trw/.github/workflows/other.yml")
        )
        .is_err());
        assert!(decide_builder(
            &signer,
            byob,
            Some("https://github.com/o/trw/.github/workflows/b.yml")
        )
        .is_ok());
    }

    #[test]
    fn unknown_signer_needs_an_explicit_builder() {
        let signer = "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1";
        assert!(decide_builder(signer, "", None).is_err());
        assert!(decide_builder(
            signer,
            "",
            Some("https://github.com/o/r/.github/workflows/release.yml")
        )
        .is_ok());
    }
}
