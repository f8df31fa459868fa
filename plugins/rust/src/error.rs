//! Why the embedded dependency list of an executable could not be read.

/// A problem reading the `cargo auditable` data of one executable. Messages name what was wrong;
/// the analyzer adds the file's path when it reports them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditDataError {
    /// The object-file headers could not be parsed (truncated or corrupt file).
    #[error("unreadable {format} headers: {reason}")]
    Headers {
        /// `ELF`, `Mach-O` or `PE`.
        format: &'static str,
        /// What the parser objected to.
        reason: String,
    },
    /// The `.dep-v0` section's recorded position lies outside the file.
    #[error("section .dep-v0 lies outside the file ({0})")]
    SectionOutsideFile(String),
    /// The section does not inflate as a zlib stream.
    #[error("section .dep-v0 is not a valid zlib stream: {0}")]
    Inflate(String),
    /// The section inflates to more than the limit.
    #[error("section .dep-v0 inflates to more than {limit} bytes; refused")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The inflated text is not the JSON `cargo auditable` writes.
    #[error("section .dep-v0 does not hold the expected JSON: {0}")]
    Json(String),
}
