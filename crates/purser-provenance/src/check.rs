//! The named checks a verification runs, and the record of each outcome.

use std::fmt;

/// One step of verification, named as slsa-verifier's error kinds name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckName {
    /// The input parses as the format it claims (envelope, bundle, statement, occurrence).
    Format,
    /// A signature verifies with a trusted key or certificate.
    Signature,
    /// The Sigstore layer: certificate chain, SCT, transparency log, timestamps.
    Sigstore,
    /// The signed statement agrees with unsigned copies or log entries beside it.
    Consistency,
    /// A statement subject carries the artifact or image digest.
    SubjectDigest,
    /// The builder is one the verifier trusts, and the one the policy expects.
    BuilderId,
    /// The source repository is the one the policy expects.
    SourceUri,
    /// The source branch is the one the policy expects.
    Branch,
    /// The source tag is exactly the one the policy expects.
    Tag,
    /// The source tag matches the policy's semantic-version prefix.
    VersionedTag,
    /// The input names a mutable image reference where a digest is required.
    ImmutableReference,
    /// The VSA's verifier, resource and levels match the policy.
    Summary,
}

impl CheckName {
    /// The stable lowercase name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Format => "format",
            Self::Signature => "signature",
            Self::Sigstore => "sigstore",
            Self::Consistency => "consistency",
            Self::SubjectDigest => "subject-digest",
            Self::BuilderId => "builder-id",
            Self::SourceUri => "source-uri",
            Self::Branch => "branch",
            Self::Tag => "tag",
            Self::VersionedTag => "versioned-tag",
            Self::ImmutableReference => "immutable-reference",
            Self::Summary => "summary",
        }
    }
}

impl fmt::Display for CheckName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Which check ran.
    pub name: CheckName,
    /// Whether it held.
    pub passed: bool,
    /// What was compared or verified, in words.
    pub detail: String,
}

impl Check {
    /// A check that held.
    pub fn pass(name: CheckName, detail: impl Into<String>) -> Self {
        Self {
            name,
            passed: true,
            detail: detail.into(),
        }
    }

    /// A check that failed.
    pub fn fail(name: CheckName, detail: impl Into<String>) -> Self {
        Self {
            name,
            passed: false,
            detail: detail.into(),
        }
    }
}
