//! The files this analyzer reads, their formats, and the order in which they are preferred.

use crate::reading::Reading;
use crate::{
    alpine_release, debian_version, lsb_release, os_release_file, release_line, suse_release,
};

/// The directory whose entries reveal a distroless Debian image: one status file per package
/// instead of the usual `var/lib/dpkg/status`.
pub const DPKG_STATUS_DIRECTORY: &str = "var/lib/dpkg/status.d/";

/// How a release file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    OsRelease,
    RedhatStyle,
    AlpineRelease,
    DebianVersion,
    SuseRelease,
    LsbRelease,
}

impl Format {
    /// Reads a file of this format.
    pub(crate) fn read(self, path: &str, text: &str) -> Reading {
        match self {
            Format::OsRelease => os_release_file::read(path, text),
            Format::RedhatStyle => release_line::read(path, text),
            Format::AlpineRelease => alpine_release::read(path, text),
            Format::DebianVersion => debian_version::read(path, text),
            Format::SuseRelease => suse_release::read(path, text),
            Format::LsbRelease => lsb_release::read(path, text),
        }
    }
}

/// Every release file, most trusted first. The position in this list is the precedence the
/// crate documentation promises the engine.
const RELEASE_FILES: [(&str, Format); 13] = [
    ("etc/os-release", Format::OsRelease),
    ("usr/lib/os-release", Format::OsRelease),
    // The distribution's own file names it precisely; the generic names that follow are, on
    // the same systems, symlinks to these or copies of them.
    ("etc/centos-release", Format::RedhatStyle),
    ("etc/rocky-release", Format::RedhatStyle),
    ("etc/almalinux-release", Format::RedhatStyle),
    ("etc/oracle-release", Format::RedhatStyle),
    ("etc/fedora-release", Format::RedhatStyle),
    ("etc/redhat-release", Format::RedhatStyle),
    ("etc/system-release", Format::RedhatStyle),
    ("etc/alpine-release", Format::AlpineRelease),
    ("etc/debian_version", Format::DebianVersion),
    ("etc/SuSE-release", Format::SuseRelease),
    ("etc/lsb-release", Format::LsbRelease),
];

/// Paths of the release files this analyzer reads, most trusted first; see
/// [`source_precedence`].
pub fn release_file_paths() -> impl Iterator<Item = &'static str> {
    RELEASE_FILES.iter().map(|(path, _)| *path)
}

/// The format of a release file, or `None` for any other path.
pub(crate) fn format_of(path: &str) -> Option<Format> {
    RELEASE_FILES
        .iter()
        .find(|(known, _)| *known == path)
        .map(|(_, format)| *format)
}

/// Whether `path` is an entry of [`DPKG_STATUS_DIRECTORY`] (not of a directory below it).
pub(crate) fn is_dpkg_status_entry(path: &str) -> bool {
    path.strip_prefix(DPKG_STATUS_DIRECTORY)
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// The precedence of a finding's `source_path` among this analyzer's findings: lower is more
/// trusted. Release files rank in the order of the crate documentation's table; entries of
/// [`DPKG_STATUS_DIRECTORY`] rank last; other paths have none.
pub fn source_precedence(path: &str) -> Option<usize> {
    if let Some(rank) = RELEASE_FILES.iter().position(|(known, _)| *known == path) {
        return Some(rank);
    }
    is_dpkg_status_entry(path).then_some(RELEASE_FILES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_order_holds() {
        let rank = |path| source_precedence(path).expect("a ranked path");
        assert!(rank("etc/os-release") < rank("usr/lib/os-release"));
        assert!(rank("usr/lib/os-release") < rank("etc/redhat-release"));
        assert!(rank("etc/centos-release") < rank("etc/redhat-release"));
        assert!(rank("etc/debian_version") < rank("etc/lsb-release"));
        assert!(rank("etc/lsb-release") < rank("var/lib/dpkg/status.d/libc6"));
        assert_eq!(source_precedence("etc/passwd"), None);
    }

    #[test]
    fn status_directory_entries_are_direct_children_only() {
        assert!(is_dpkg_status_entry("var/lib/dpkg/status.d/base-files"));
        assert!(is_dpkg_status_entry("var/lib/dpkg/status.d/libc6.md5sums"));
        assert!(!is_dpkg_status_entry("var/lib/dpkg/status.d/"));
        assert!(!is_dpkg_status_entry("var/lib/dpkg/status.d/sub/x"));
        assert!(!is_dpkg_status_entry("var/lib/dpkg/status"));
    }

    #[test]
    fn formats_are_found_by_exact_path() {
        assert_eq!(format_of("usr/lib/os-release"), Some(Format::OsRelease));
        assert_eq!(format_of("etc/oracle-release"), Some(Format::RedhatStyle));
        assert_eq!(format_of("/etc/os-release"), None);
        assert_eq!(release_file_paths().count(), 13);
    }
}
