//! Reading one database file (`var/lib/dpkg/status` or a `status.d` entry) into packages.

use purser_plugin_api::{Diagnostic, Package};

use crate::control::parse;
use crate::package::package_of;
use crate::status::{install_state, InstallState};

/// What one database file holds: its installed packages and the problems met.
#[derive(Debug, Default)]
pub struct DatabaseReading {
    /// The installed packages, in file order, each with `source_path` set to the file.
    pub packages: Vec<Package>,
    /// Warnings naming the file and the line: unreadable lines, stanzas without a name or a
    /// version, unknown statuses, invalid UTF-8.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the database file at `path` (relative to the image root) with the given contents.
///
/// Never fails and never panics: what cannot be read becomes a diagnostic and the rest is kept.
/// A stanza without a `Status` field counts as installed, because distroless images write
/// `status.d` entries without one for every package they install.
pub fn read_database(path: &str, contents: &[u8]) -> DatabaseReading {
    let mut reading = DatabaseReading::default();

    let text = String::from_utf8_lossy(contents);
    if let std::borrow::Cow::Owned(_) = text {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            "the file is not valid UTF-8; invalid bytes were replaced before reading it",
        ));
    }

    let file = parse(&text);
    for message in file.warnings {
        reading.diagnostics.push(Diagnostic::warning(path, message));
    }

    for stanza in &file.stanzas {
        let package = match package_of(stanza, path) {
            Ok(package) => package,
            Err(message) => {
                reading.diagnostics.push(Diagnostic::warning(path, message));
                continue;
            }
        };
        match stanza.get("Status").map(install_state) {
            None | Some(Some(InstallState::Present)) => reading.packages.push(package),
            Some(Some(InstallState::Absent)) => {}
            Some(None) => reading.diagnostics.push(Diagnostic::warning(
                path,
                format!(
                    "package {} (stanza at line {}) has a Status field dpkg does not write \
                     (`{}`); skipped",
                    package.name,
                    stanza.line,
                    stanza.get("Status").unwrap_or_default()
                ),
            )),
        }
    }
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(reading: &DatabaseReading) -> Vec<&str> {
        reading
            .packages
            .iter()
            .map(|package| package.name.as_str())
            .collect()
    }

    #[test]
    fn only_packages_whose_files_are_on_disk_are_kept() {
        // Source: osv-scalibr-testdata/extractor/filesystem/os/dpkg/testdata/dpkg/statusfield
        let reading = read_database(
            "var/lib/dpkg/status",
            include_bytes!("../testdata/scalibr-statusfield"),
        );
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        assert_eq!(
            names(&reading),
            [
                "wantinstall_installed",
                "wantdeinstall_installed",
                "wantinstall_unpacked",
                "wantpurge_installed",
                "wantnostatus",
            ]
        );
    }

    #[test]
    fn an_unknown_status_is_a_warning_naming_the_package() {
        let reading = read_database("s", b"Package: a\nVersion: 1\nStatus: install ok melted\n");
        assert!(reading.packages.is_empty());
        assert_eq!(
            reading.diagnostics[0].message,
            "package a (stanza at line 1) has a Status field dpkg does not write \
             (`install ok melted`); skipped"
        );
    }

    #[test]
    fn invalid_utf8_is_read_with_a_warning() {
        let reading = read_database("s", b"Package: a\nVersion: 1\nMaintainer: \xff\n");
        assert_eq!(names(&reading), ["a"]);
        assert_eq!(reading.diagnostics.len(), 1);
        assert_eq!(reading.diagnostics[0].path, "s");
    }

    #[test]
    fn binary_garbage_never_panics() {
        let mut garbage = Vec::new();
        let mut state: u32 = 0x9e37_79b9;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            garbage.push(state.to_le_bytes()[0]);
        }
        garbage.extend_from_slice(b"\n\nPackage: survivor\nVersion: 1\n");
        let reading = read_database("s", &garbage);
        assert_eq!(names(&reading).last(), Some(&"survivor"));
    }
}
