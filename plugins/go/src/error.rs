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
    /// A length-prefixed string claims more bytes than are left in the region that holds it.
    #[error(
        "the build information's {string} claims {claimed} bytes but only {available} bytes \
         are left in {region}"
    )]
    StringLength {
        /// Which string: `Go version` or `module information`.
        string: &'static str,
        /// The length the varint prefix claims.
        claimed: u64,
        /// The bytes actually left after the prefix.
        available: usize,
        /// Where the blob lies (`section .go.buildinfo`, `the first writable segment`).
        region: &'static str,
    },
    /// A varint length prefix is cut off or longer than 64 bits.
    #[error("build information has a malformed varint length for its {0}")]
    Varint(&'static str),
    /// A pointer-format string claims a length no Go linker writes.
    #[error(
        "build information points at a {string} of {claimed} bytes, over the {limit} bytes \
         any Go executable holds"
    )]
    PointedStringTooLong {
        /// Which string: `Go version` or `module information`.
        string: &'static str,
        /// The length the string header claims.
        claimed: u64,
        /// The largest length believed.
        limit: u64,
    },
    /// A pointer-format string is not wholly inside any segment of the file.
    #[error(
        "build information points at {length} bytes at address {address:#x}, which no segment \
         of the file holds whole"
    )]
    Address {
        /// The virtual address pointed at.
        address: u64,
        /// How many bytes were to be read there.
        length: u64,
    },
    /// The Go version string is empty, which no Go linker writes.
    #[error("build information holds no Go version")]
    NoVersion,
    /// The Go version or module information is not UTF-8.
    #[error("build information is not UTF-8 text")]
    NotUtf8,
}
