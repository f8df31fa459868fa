//! Walks one Java archive held in memory, and the archives nested in it, within [`Limits`].
//!
//! Only the central directory is parsed in full; of the entries, only Maven metadata, the
//! manifest and nested archives are inflated. Class files are never read.

use std::io::Cursor;

use purser_plugin_api::{Diagnostic, DiagnosticLevel, Finding};
use sha1::{Digest, Sha1};
use zip::ZipArchive;

use crate::entry::{read_entry, EntryError};
use crate::identity::{identify, ArchiveMetadata};
use crate::limits::{Budget, Limits};

/// File name endings of the archives read, compared case-insensitively: jars, web and
/// enterprise archives, JBoss `.par`/`.sar`, Jenkins plugins `.jpi`/`.hpi`.
pub const ARCHIVE_SUFFIXES: &[&str] = &[".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi"];

/// Reports the libraries of the archive at `path` (a path in the image) whose bytes are
/// `bytes`, and of every archive nested in it, as package findings; problems become diagnostics.
/// Nothing is returned as an error: one bad archive never stops the scan.
pub fn scan_archive(path: &str, bytes: &[u8], limits: &Limits, findings: &mut Vec<Finding>) {
    let mut walk = Walk {
        limits,
        budget: Budget::default(),
        findings,
    };
    walk.archive(path, bytes, 0);
}

/// Whether an entry or file name ends with one of [`ARCHIVE_SUFFIXES`].
pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ARCHIVE_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix))
        && !name.ends_with('/')
}

/// The entries of one archive that matter, by index.
#[derive(Debug, Default)]
struct Interesting {
    pom_properties: Vec<usize>,
    pom_xmls: Vec<usize>,
    manifest: Option<usize>,
    nested: Vec<usize>,
}

/// The state of one outer archive's walk.
struct Walk<'a> {
    limits: &'a Limits,
    budget: Budget,
    findings: &'a mut Vec<Finding>,
}

impl Walk<'_> {
    /// Identifies the archive at `path`, then descends into its nested archives.
    fn archive(&mut self, path: &str, bytes: &[u8], depth: usize) {
        let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
            Ok(archive) => archive,
            Err(error) => {
                let message = format!("failed to read java archive: {error}; not analyzed");
                self.warn(path, message);
                return;
            }
        };
        if !self.count_entries(path, archive.len()) {
            return;
        }

        let interesting = classify(&archive);
        let metadata = self.read_metadata(path, &mut archive, &interesting);
        let sha1_hex = hex::encode(Sha1::digest(bytes));
        self.report_identities(path, &metadata, &sha1_hex);

        for index in interesting.nested {
            if self.budget.stopped {
                return;
            }
            self.nested(path, &mut archive, index, depth + 1);
        }
    }

    /// Charges the entries of the archive at `path` to the budget, before any is read, so that
    /// a directory of millions stops here. Returns false, after a warning, when over the limit.
    fn count_entries(&mut self, path: &str, entries: usize) -> bool {
        let entries = u64::try_from(entries).unwrap_or(u64::MAX);
        self.budget.entries = self.budget.entries.saturating_add(entries);
        if self.budget.entries <= self.limits.max_entries {
            return true;
        }

        self.budget.stopped = true;
        let message = format!(
            "archive holds more than {} entries with its nested archives (a zip bomb?); \
             reading stopped",
            self.limits.max_entries
        );
        self.warn(path, message);
        false
    }

    /// Pushes a package per identity of the archive at `path`, the warnings about its Maven
    /// files, and an info diagnostic when nothing identifies it.
    fn report_identities(&mut self, path: &str, metadata: &ArchiveMetadata, sha1_hex: &str) {
        let mut diagnostics = Vec::new();
        let identities = identify(path, metadata, &mut diagnostics);
        if identities.is_empty() {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Info,
                path: path.to_owned(),
                message: format!(
                    "no pom.properties, pom.xml, manifest version or versioned file name \
                     identifies this archive (sha1 {sha1_hex}); not reported as a package"
                ),
            });
        }

        for coordinates in identities {
            let finding = coordinates.into_finding(path, sha1_hex);
            self.findings.push(finding);
        }
        self.findings
            .extend(diagnostics.into_iter().map(Finding::Diagnostic));
    }

    /// Opens the nested archive at `index` of `archive` (itself at `path`), if deep enough.
    fn nested(
        &mut self,
        path: &str,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        depth: usize,
    ) {
        let entry = archive.name_for_index(index).unwrap_or_default().to_owned();
        let nested_path = format!("{path}!/{entry}");
        if depth > self.limits.max_depth {
            self.warn(
                &nested_path,
                format!(
                    "archive nested deeper than {} levels; not opened",
                    self.limits.max_depth
                ),
            );
            return;
        }

        let cap = self.limits.max_inflated_bytes;
        match read_entry(archive, index, cap, &mut self.budget, self.limits) {
            Ok(bytes) => self.archive(&nested_path, &bytes, depth),
            Err(error) => self.entry_failed(path, &error),
        }
    }

    /// Inflates the Maven files and the manifest; an unreadable one becomes a warning.
    fn read_metadata(
        &mut self,
        path: &str,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        interesting: &Interesting,
    ) -> ArchiveMetadata {
        let mut metadata = ArchiveMetadata::default();
        let cap = self.limits.max_metadata_bytes;

        for &index in &interesting.pom_properties {
            if let Some(read) = self.read_small(path, archive, index, cap) {
                metadata.pom_properties.push(read);
            }
        }

        // A pom.xml only counts where no pom.properties sits beside it.
        let properties_directories: Vec<&str> = interesting
            .pom_properties
            .iter()
            .filter_map(|&index| archive.name_for_index(index))
            .filter_map(|name| name.rsplit_once('/').map(|(directory, _)| directory))
            .collect();
        let lone_pom_xmls: Vec<usize> = interesting
            .pom_xmls
            .iter()
            .copied()
            .filter(|&index| {
                archive
                    .name_for_index(index)
                    .and_then(|name| name.rsplit_once('/'))
                    .is_some_and(|(directory, _)| !properties_directories.contains(&directory))
            })
            .collect();
        for index in lone_pom_xmls {
            if let Some(read) = self.read_small(path, archive, index, cap) {
                metadata.pom_xmls.push(read);
            }
        }

        if metadata.pom_properties.is_empty() && metadata.pom_xmls.is_empty() {
            if let Some(index) = interesting.manifest {
                metadata.manifest = self.read_small(path, archive, index, cap).map(|(_, b)| b);
            }
        }
        metadata
    }

    /// Reads one metadata entry, or reports why not.
    fn read_small(
        &mut self,
        path: &str,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        cap: u64,
    ) -> Option<(String, Vec<u8>)> {
        if self.budget.stopped {
            return None;
        }
        match read_entry(archive, index, cap, &mut self.budget, self.limits) {
            Ok(bytes) => Some((archive.name_for_index(index)?.to_owned(), bytes)),
            Err(error) => {
                self.entry_failed(path, &error);
                None
            }
        }
    }

    /// Reports an entry of the archive at `path` that could not be read.
    fn entry_failed(&mut self, path: &str, error: &EntryError) {
        let level = match error {
            EntryError::TooLarge { .. } => DiagnosticLevel::Warning,
            _ => DiagnosticLevel::Error,
        };
        self.findings.push(Finding::Diagnostic(Diagnostic {
            level,
            path: path.to_owned(),
            message: error.to_string(),
        }));
    }

    /// Pushes a warning about `path`.
    fn warn(&mut self, path: &str, message: String) {
        self.findings
            .push(Finding::Diagnostic(Diagnostic::warning(path, message)));
    }
}

/// Sorts the entry names of `archive` into the kinds the walk reads.
fn classify(archive: &ZipArchive<Cursor<&[u8]>>) -> Interesting {
    let mut interesting = Interesting::default();
    for index in 0..archive.len() {
        let Some(name) = archive.name_for_index(index) else {
            continue;
        };
        if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
            interesting.manifest = Some(index);
        } else if is_maven_file(name, "pom.properties") {
            interesting.pom_properties.push(index);
        } else if is_maven_file(name, "pom.xml") {
            interesting.pom_xmls.push(index);
        } else if is_archive_name(name) {
            interesting.nested.push(index);
        }
    }
    interesting
}

/// Whether `name` is `META-INF/maven/<group>/<artifact>/<file>`.
fn is_maven_file(name: &str, file: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    matches!(parts.as_slice(), ["META-INF", "maven", group, artifact, last]
        if !group.is_empty() && !artifact.is_empty() && *last == file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_are_matched_case_insensitively() {
        assert!(is_archive_name("BOOT-INF/lib/a.jar"));
        assert!(is_archive_name("plugins/git.HPI"));
        assert!(!is_archive_name("classes/a.class"));
        assert!(!is_archive_name("weird.jar/"));
    }

    #[test]
    fn maven_files_sit_exactly_two_levels_under_meta_inf_maven() {
        assert!(is_maven_file(
            "META-INF/maven/g/a/pom.properties",
            "pom.properties"
        ));
        assert!(!is_maven_file(
            "META-INF/maven/g/pom.properties",
            "pom.properties"
        ));
        assert!(!is_maven_file("x/META-INF/maven/g/a/pom.xml", "pom.xml"));
    }
}
