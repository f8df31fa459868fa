//! The one error type every scheme returns.

use crate::Scheme;

/// A version string that its scheme cannot order.
///
/// The message is lowercase and names the scheme, the offending string and what was wrong, e.g.
/// `invalid semver version "1.2": expected major.minor.patch`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {scheme} version {input:?}: {reason}")]
pub struct VersionError {
    /// The scheme whose rules rejected the string.
    pub scheme: Scheme,
    /// The version string as it was given.
    pub input: String,
    /// What was wrong with it, lowercase, without a trailing period.
    pub reason: String,
}

impl VersionError {
    /// Builds an error for `input` under `scheme`.
    pub(crate) fn new(scheme: Scheme, input: &str, reason: impl Into<String>) -> Self {
        Self {
            scheme,
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}
