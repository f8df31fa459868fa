//! The slsa-verifier policy: which builder, source repository and ref a provenance must show.
//! Every comparison names what was expected and what was found.

use crate::check::{Check, CheckName};
use crate::error::ProvenanceError;

/// The source ref a policy requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRef {
    /// Built from this branch (`refs/heads/NAME`).
    Branch(String),
    /// Built from exactly this tag (`refs/tags/NAME`).
    Tag(String),
    /// Built from a tag whose semantic version matches this prefix: `v1` accepts `v1.x.y`,
    /// `v1.2` accepts `v1.2.y`, `v1.2.3` only `v1.2.3` (missing parts count as zero).
    VersionedTag(String),
}

/// What a provenance must show to pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The SHA-256 of the artifact or image the provenance must name as a subject (hex).
    pub subject_sha256: Option<String>,
    /// The expected source repository, `github.com/org/repo` (or any URI, matched exactly).
    pub source_uri: Option<String>,
    /// The expected builder, `name[@ref]`; `None` accepts the default trusted builders.
    pub builder_id: Option<String>,
    /// The expected branch or tag.
    pub source_ref: Option<SourceRef>,
    /// For plain Sigstore bundles: the certificate identity (SAN) and OIDC issuer required.
    pub certificate_identity: Option<(String, String)>,
    /// For verification summaries: what the VSA must state.
    pub summary: Option<SummaryPolicy>,
    /// Verify only the signature layer and the subject, not the builder, source or ref.
    pub signature_only: bool,
}

/// What a verification summary (VSA) must state, as slsa-verifier's `verify-vsa` checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryPolicy {
    /// Subject digests as `ALGORITHM:VALUE`; each must be a subject of the statement.
    pub subject_digests: Vec<String>,
    /// The expected `verifier.id`.
    pub verifier_id: Option<String>,
    /// The expected `resourceUri`.
    pub resource_uri: Option<String>,
    /// Levels that must all be among `verifiedLevels`.
    pub verified_levels: Vec<String>,
}

impl SummaryPolicy {
    /// Checks a statement's VSA predicate against this policy.
    ///
    /// # Errors
    ///
    /// A failed [`CheckName::Summary`] naming the field and both values, or the predicate's
    /// own field errors.
    pub fn check(&self, statement: &crate::statement::Statement) -> Result<Check, ProvenanceError> {
        let summary = statement.verification_summary()?;
        let fail = |detail: String| Err(ProvenanceError::check(CheckName::Summary, detail));
        if summary.result != "PASSED" {
            return fail(format!(
                "verification result is {}, expected PASSED",
                summary.result
            ));
        }
        for digest in &self.subject_digests {
            let (algorithm, value) = digest.split_once(':').unwrap_or(("sha256", digest));
            if !statement.has_subject_digest(algorithm, value) {
                return fail(format!(
                    "subject {digest} is not among the summary's subjects"
                ));
            }
        }
        if let Some(expected) = &self.verifier_id {
            if *expected != summary.verifier_id {
                return fail(format!(
                    "expected verifier {expected}, summary names {}",
                    summary.verifier_id
                ));
            }
        }
        if let Some(expected) = &self.resource_uri {
            if *expected != summary.resource_uri {
                return fail(format!(
                    "expected resource {expected}, summary names {}",
                    summary.resource_uri
                ));
            }
        }
        for level in &self.verified_levels {
            if !summary.verified_levels.contains(level) {
                return fail(format!(
                    "level {level} is not among verified levels {:?}",
                    summary.verified_levels
                ));
            }
        }
        Ok(Check::pass(
            CheckName::Summary,
            format!(
                "verifier {} vouches for {}",
                summary.verifier_id, summary.resource_uri
            ),
        ))
    }
}

/// `github.com/org/repo`, `https://github.com/org/repo` and
/// `git+https://github.com/org/repo@refs/heads/main` all become `https://github.com/org/repo`;
/// any other URI loses only a `git+` prefix, an `@refs/…` suffix and a `#fragment`.
pub fn normalise_source_uri(uri: &str) -> String {
    let mut uri = uri
        .trim()
        .strip_prefix("git+")
        .unwrap_or(uri.trim())
        .to_owned();
    if let Some((base, reference)) = uri.rsplit_once('@') {
        if reference.starts_with("refs/") {
            uri = base.to_owned();
        }
    }
    if let Some((base, _)) = uri.split_once('#') {
        uri = base.to_owned();
    }
    if let Some((base, _)) = uri.split_once("/commit/") {
        uri = base.to_owned();
    }
    let uri = uri.strip_suffix(".git").unwrap_or(&uri).to_owned();
    if uri.contains("://") {
        uri
    } else {
        format!("https://{uri}")
    }
}

/// Checks the source repository found in the provenance or certificate against the policy.
///
/// # Errors
///
/// A failed [`CheckName::SourceUri`] naming both URIs.
pub fn check_source(expected: &str, found: Option<&str>) -> Result<Check, ProvenanceError> {
    let expected_normal = normalise_source_uri(expected);
    let Some(found) = found else {
        return Err(ProvenanceError::check(
            CheckName::SourceUri,
            format!("expected source {expected}, provenance names no source"),
        ));
    };
    let found_normal = normalise_source_uri(found);
    if expected_normal == found_normal {
        Ok(Check::pass(
            CheckName::SourceUri,
            format!("source {found_normal}"),
        ))
    } else {
        Err(ProvenanceError::check(
            CheckName::SourceUri,
            format!("expected source {expected_normal}, provenance was built from {found_normal}"),
        ))
    }
}

/// Whether builder `actual` (`name@ref`) satisfies the policy's `expected` (`name` or
/// `name@ref`, the ref written as `refs/tags/v1` or just `v1`).
pub fn builder_matches(expected: &str, actual: &str) -> bool {
    let (actual_name, actual_ref) = actual.split_once('@').unwrap_or((actual, ""));
    match expected.split_once('@') {
        None => expected == actual_name,
        Some((name, reference)) => {
            name == actual_name
                && (reference == actual_ref || format!("refs/tags/{reference}") == actual_ref)
        }
    }
}

/// Checks the source ref (`refs/heads/…` or `refs/tags/…`) against the policy.
///
/// # Errors
///
/// A failed [`CheckName::Branch`], [`CheckName::Tag`] or [`CheckName::VersionedTag`] naming
/// both refs.
pub fn check_ref(expected: &SourceRef, found: Option<&str>) -> Result<Check, ProvenanceError> {
    let found = found.unwrap_or("");
    match expected {
        SourceRef::Branch(branch) => {
            let actual = found.strip_prefix("refs/heads/");
            if actual == Some(branch.as_str()) {
                Ok(Check::pass(CheckName::Branch, format!("branch {branch}")))
            } else {
                Err(ProvenanceError::check(
                    CheckName::Branch,
                    format!("expected branch {branch}, provenance ref is {found:?}"),
                ))
            }
        }
        SourceRef::Tag(tag) => {
            let actual = tag_of(CheckName::Tag, found)?;
            if actual == tag {
                Ok(Check::pass(CheckName::Tag, format!("tag {tag}")))
            } else {
                Err(ProvenanceError::check(
                    CheckName::Tag,
                    format!("expected tag {tag}, provenance was built from tag {actual}"),
                ))
            }
        }
        SourceRef::VersionedTag(prefix) => {
            let actual = tag_of(CheckName::VersionedTag, found)?;
            if versioned_tag_matches(prefix, actual) {
                Ok(Check::pass(
                    CheckName::VersionedTag,
                    format!("tag {actual} matches {prefix}"),
                ))
            } else {
                Err(ProvenanceError::check(
                    CheckName::VersionedTag,
                    format!(
                        "expected a tag matching {prefix}, provenance was built from tag {actual}"
                    ),
                ))
            }
        }
    }
}

fn tag_of(check: CheckName, reference: &str) -> Result<&str, ProvenanceError> {
    reference.strip_prefix("refs/tags/").ok_or_else(|| {
        ProvenanceError::check(check, format!("provenance ref {reference:?} is not a tag"))
    })
}

/// A `vMAJOR[.MINOR[.PATCH]][-pre][+build]` version; `None` parts were not written.
#[derive(Debug, PartialEq, Eq)]
struct TagVersion {
    parts: [Option<u64>; 3],
    prerelease: String,
}

fn parse_tag_version(tag: &str) -> Option<TagVersion> {
    let text = tag.strip_prefix('v')?;
    let text = text.split_once('+').map_or(text, |(core, _)| core);
    let (core, prerelease) = text.split_once('-').unwrap_or((text, ""));
    let mut parts = [None; 3];
    for (index, piece) in core.split('.').enumerate() {
        let slot = parts.get_mut(index)?;
        *slot = Some(piece.parse().ok()?);
    }
    parts[0]?;
    Some(TagVersion {
        parts,
        prerelease: prerelease.to_owned(),
    })
}

/// slsa-verifier's `--source-versioned-tag`: each part the expectation writes must equal the
/// built tag's part (an unwritten part of the built tag counts as zero).
fn versioned_tag_matches(expected: &str, actual: &str) -> bool {
    let (Some(expected), Some(actual)) = (parse_tag_version(expected), parse_tag_version(actual))
    else {
        return false;
    };
    let parts_match = expected
        .parts
        .iter()
        .zip(actual.parts.iter())
        .all(|(want, have)| want.is_none_or(|want| want == have.unwrap_or(0)));
    let exact = expected.parts.iter().all(Option::is_some);
    parts_match && (!exact || expected.prerelease == actual.prerelease)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_source_uris() {
        let want = "https://github.com/o/r";
        assert_eq!(normalise_source_uri("github.com/o/r"), want);
        assert_eq!(
            normalise_source_uri("git+https://github.com/o/r@refs/tags/v1"),
            want
        );
        assert_eq!(
            normalise_source_uri("https://github.com/o/r/commit/abc"),
            want
        );
        assert_ne!(normalise_source_uri("Agithub.com/o/r"), want);
    }

    #[test]
    fn matches_builder_ids_with_and_without_ref() {
        let actual = "https://x/b.yml@refs/tags/v2.1.0";
        assert!(builder_matches("https://x/b.yml", actual));
        assert!(builder_matches("https://x/b.yml@v2.1.0", actual));
        assert!(builder_matches("https://x/b.yml@refs/tags/v2.1.0", actual));
        assert!(!builder_matches("https://x/b.yml@v2.1.1", actual));
        assert!(!builder_matches("https://x/other.yml", actual));
    }

    #[test]
    fn versioned_tags_compare_written_parts() {
        assert!(versioned_tag_matches("v13", "v13.0.30"));
        assert!(versioned_tag_matches("v13.0", "v13.0.30"));
        assert!(versioned_tag_matches("v14.0", "v14"));
        assert!(!versioned_tag_matches("v13.1", "v13.0.30"));
        assert!(!versioned_tag_matches("v14.2.1", "v14.2"));
        assert!(!versioned_tag_matches("v1", "main"));
    }

    #[test]
    fn branch_and_tag_errors_name_both_refs() {
        let error =
            check_ref(&SourceRef::Branch("master".into()), Some("refs/heads/main")).unwrap_err();
        assert_eq!(error.check_name(), CheckName::Branch);
        assert!(error.to_string().contains("refs/heads/main"));
        let error = check_ref(&SourceRef::Tag("v1".into()), Some("refs/heads/main")).unwrap_err();
        assert_eq!(error.check_name(), CheckName::Tag);
    }
}
