//! The limits that keep a hostile archive (a zip bomb, a jar nested a thousand times) from
//! exhausting memory or time, and the budget that tracks them during one scan.

/// Limits applied to each archive the engine hands over, counting everything nested in it.
///
/// The defaults: depth 8, 500,000 entries, 1 GiB inflated, 1 MiB per metadata entry. A
/// Spring Boot jar of 250 libraries and 100,000 entries stays well inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting opened: the archive itself is depth 0, a jar inside it depth 1.
    pub max_depth: usize,
    /// Entries over the archive and all its nested archives together.
    pub max_entries: u64,
    /// Bytes inflated over the archive and all its nested archives together (metadata files and
    /// nested archives; class files are never inflated).
    pub max_inflated_bytes: u64,
    /// Largest metadata entry read (`pom.properties`, `pom.xml`, `MANIFEST.MF`); a larger one is
    /// skipped with a warning.
    pub max_metadata_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 8,
            max_entries: 500_000,
            max_inflated_bytes: 1 << 30,
            max_metadata_bytes: 1 << 20,
        }
    }
}

/// What one outer archive has used of its [`Limits`] so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget {
    /// Entries counted so far.
    pub entries: u64,
    /// Bytes inflated so far.
    pub inflated_bytes: u64,
    /// Set once a limit was hit: nothing more of this archive is read.
    pub stopped: bool,
}

impl Budget {
    /// Bytes that may still be inflated.
    pub fn remaining_bytes(&self, limits: &Limits) -> u64 {
        limits
            .max_inflated_bytes
            .saturating_sub(self.inflated_bytes)
    }
}
