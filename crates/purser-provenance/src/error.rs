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

    /// The input is larger than a limit, and was refused without being read whole.
    #[error(
        "{document} is too large: {}more than the {limit}-byte limit",
        size.map(|size| format!("{size} bytes, ")).unwrap_or_default()
    )]
    TooLarge {
        /// What was being read.
        document: String,
        /// Its size, when known before reading (a file's length); `None` for a stream.
        size: Option<u64>,
        /// The limit it passed, in bytes.
        limit: u64,
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

    /// [`ProvenanceError::Malformed`] for JSON that did not parse, saying so when the document
    /// ends before it closes: a file cut short.
    pub(crate) fn json(document: impl Into<String>, error: &serde_json::Error) -> Self {
        let reason = if error.is_eof() {
            format!("the JSON document is truncated ({error})")
        } else {
            error.to_string()
        };
        Self::malformed(document, reason)
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
            | Self::TooLarge { .. }
            | Self::Malformed { .. }
            | Self::MissingField { .. }
            | Self::InvalidField { .. } => CheckName::Format,
        }
    }
}
