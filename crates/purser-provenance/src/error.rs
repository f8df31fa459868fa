//! Typed errors: each names the input and what was wrong with it.

use crate::check::CheckName;

/// Why provenance could not be read or did not verify.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProvenanceError {
    /// The input is not valid JSON, or not the JSON document expected.
    #[error("failed to parse {document}: {reason}")]
    Malformed {
        /// What was being read, e.g. `dsse envelope` or a file name.
        document: String,
        /// The parser's explanation.
        reason: String,
    },

    /// A required field is absent.
    #[error("{document} has no field `{field}`")]
    MissingField {
        /// What was being read.
        document: String,
        /// The JSON path of the missing field.
        field: String,
    },

    /// A field has the wrong JSON type or an unusable value.
    #[error("{document}: field `{field}` {problem}")]
    InvalidField {
        /// What was being read.
        document: String,
        /// The JSON path of the field.
        field: String,
        /// What was wrong, e.g. `is a number, expected a string`.
        problem: String,
    },

    /// A public key could not be used.
    #[error("unusable public key {key}: {reason}")]
    Key {
        /// Where the key came from (file name or key id).
        key: String,
        /// Why it was rejected.
        reason: String,
    },

    /// A verification step failed: the named check and the values compared.
    #[error("check {check} failed: {detail}")]
    CheckFailed {
        /// The first check that failed.
        check: CheckName,
        /// The values compared, e.g. `expected github.com/a/b, provenance says github.com/a/c`.
        detail: String,
    },

    /// A file of the input or the trust material could not be read.
    #[error("failed to read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
}

impl ProvenanceError {
    /// Shorthand for [`ProvenanceError::Malformed`].
    pub(crate) fn malformed(document: impl Into<String>, reason: impl ToString) -> Self {
        Self::Malformed {
            document: document.into(),
            reason: reason.to_string(),
        }
    }

    /// Shorthand for [`ProvenanceError::CheckFailed`].
    pub(crate) fn check(check: CheckName, detail: impl Into<String>) -> Self {
        Self::CheckFailed {
            check,
            detail: detail.into(),
        }
    }

    /// The check this error stands for: parse errors count against [`CheckName::Format`].
    pub fn check_name(&self) -> CheckName {
        match self {
            Self::CheckFailed { check, .. } => *check,
            Self::Key { .. } => CheckName::Signature,
            Self::Io { .. }
            | Self::Malformed { .. }
            | Self::MissingField { .. }
            | Self::InvalidField { .. } => CheckName::Format,
        }
    }
}
