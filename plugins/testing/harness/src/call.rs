//! One call through the table: its status, its output buffer and what they mean.

use purser_plugin_api::abi::{CallStatus, OwnedBuffer};
use serde::de::DeserializeOwned;

/// A call through the table that did not succeed, or whose output could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The plugin returned [`CallStatus::ERROR`].
    #[error("{entry} failed: {message}")]
    Failed {
        /// The table entry called (`create`, `start_layer`, ...).
        entry: &'static str,
        /// The plugin's message.
        message: String,
    },
    /// The plugin returned [`CallStatus::PANIC`]: its guard caught a panic.
    #[error("{entry} reported a caught panic: {message}")]
    Panicked {
        /// The table entry called.
        entry: &'static str,
        /// The plugin's message, which carries the panic's text.
        message: String,
    },
    /// The plugin returned a status the interface does not define.
    #[error("{entry} returned the unknown status {status}: {message}")]
    UnknownStatus {
        /// The table entry called.
        entry: &'static str,
        /// The raw status.
        status: u32,
        /// Whatever the plugin wrote to its output buffer.
        message: String,
    },
    /// The call succeeded but its output is not the JSON the interface documents.
    #[error("{entry} succeeded but its output is not the documented JSON: {source}")]
    BadOutput {
        /// The table entry called.
        entry: &'static str,
        /// What the JSON decoder said.
        source: serde_json::Error,
    },
    /// The call succeeded but did not store the instance or session it must create.
    #[error("{entry} succeeded but stored no {what}")]
    MissingHandle {
        /// The table entry called.
        entry: &'static str,
        /// `instance` or `session`.
        what: &'static str,
    },
}

impl CallError {
    /// Whether the plugin reported a caught panic.
    pub fn is_panic(&self) -> bool {
        matches!(self, CallError::Panicked { .. })
    }

    /// The plugin's own message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            CallError::Failed { message, .. }
            | CallError::Panicked { message, .. }
            | CallError::UnknownStatus { message, .. } => Some(message),
            CallError::BadOutput { .. } | CallError::MissingHandle { .. } => None,
        }
    }
}

/// Copies the bytes out of a buffer the plugin wrote and hands the buffer back to the plugin.
///
/// # Safety
///
/// `buffer` must have been written by the plugin whose `release` this is, and must not be used
/// again afterwards.
pub(crate) unsafe fn take_output(
    release: unsafe extern "C" fn(OwnedBuffer),
    buffer: OwnedBuffer,
) -> Vec<u8> {
    let bytes = buffer.as_slice().to_vec();
    // SAFETY: per this function's contract the buffer is the plugin's and is released once.
    unsafe { release(buffer) };
    bytes
}

/// Turns a status and the bytes of its output buffer into the call's result bytes.
pub(crate) fn check_status(
    entry: &'static str,
    status: CallStatus,
    output: Vec<u8>,
) -> Result<Vec<u8>, CallError> {
    if status == CallStatus::OK {
        return Ok(output);
    }

    let message = String::from_utf8_lossy(&output).into_owned();
    Err(match status {
        CallStatus::ERROR => CallError::Failed { entry, message },
        CallStatus::PANIC => CallError::Panicked { entry, message },
        CallStatus(status) => CallError::UnknownStatus {
            entry,
            status,
            message,
        },
    })
}

/// Decodes the JSON output of a successful call.
pub(crate) fn decode<T: DeserializeOwned>(
    entry: &'static str,
    output: &[u8],
) -> Result<T, CallError> {
    serde_json::from_slice(output).map_err(|source| CallError::BadOutput { entry, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_their_errors() {
        assert_eq!(
            check_status("describe", CallStatus::OK, b"{}".to_vec()).expect("ok passes"),
            b"{}"
        );

        let failed = check_status("create", CallStatus::ERROR, b"bad options".to_vec())
            .expect_err("error status");
        assert!(!failed.is_panic());
        assert_eq!(failed.message(), Some("bad options"));
        assert_eq!(failed.to_string(), "create failed: bad options");

        let panicked = check_status("start_layer", CallStatus::PANIC, b"panicked: x".to_vec())
            .expect_err("panic status");
        assert!(panicked.is_panic());

        let unknown =
            check_status("describe", CallStatus(9), Vec::new()).expect_err("unknown status");
        assert!(matches!(
            unknown,
            CallError::UnknownStatus { status: 9, .. }
        ));
    }

    #[test]
    fn output_that_is_not_the_documented_json_is_an_error() {
        let result: Result<Vec<u32>, _> = decode("analyze_files", b"{not json");
        assert!(matches!(
            result,
            Err(CallError::BadOutput {
                entry: "analyze_files",
                ..
            })
        ));
    }
}
