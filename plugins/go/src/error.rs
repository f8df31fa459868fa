//! Why the build information of an executable could not be read.

/// A problem reading the build information of one executable. Messages name what was wrong; the
/// analyzer adds the file's path when it reports them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildInfoError {
    /// The object-file headers could not be parsed (truncated or corrupt file).
    #[error("unreadable {format} headers: {reason}")]
    Headers {
        /// `ELF`, `Mach-O` or `PE`.
        format: &'static str,
        /// What the parser objected to.
        reason: String,
    },
    /// A section's recorded position lies outside the file.
    #[error("section {section} lies outside the file ({reason})")]
    SectionOutsideFile {
        /// The section's name.
        section: String,
        /// What the parser objected to.
        reason: String,
    },
    /// The build-information header announces a pointer size other than 4 or 8.
    #[error("build information announces a pointer size of {0} bytes; only 4 and 8 exist")]
    PointerSize(u8),
    /// A length-prefixed string runs past the end of the data that holds it.
    #[error("build information string of {claimed} bytes runs past the {available} bytes left")]
    StringLength {
        /// The length the varint prefix claims.
        claimed: u64,
        /// The bytes actually left.
        available: usize,
    },
    /// A varint length prefix is cut off or longer than 64 bits.
    #[error("build information has a malformed varint length")]
    Varint,
    /// A pointer-format string address is not inside any segment of the file.
    #[error("build information points at address {0:#x}, which no segment of the file holds")]
    Address(u64),
    /// The Go version string is empty, which no Go linker writes.
    #[error("build information holds no Go version")]
    NoVersion,
    /// The Go version or module information is not UTF-8.
    #[error("build information is not UTF-8 text")]
    NotUtf8,
}
