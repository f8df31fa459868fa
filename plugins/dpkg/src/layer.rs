//! What one layer has shown: its database files and its file lists, joined when the layer ends.

use std::collections::{BTreeMap, HashMap};

use purser_plugin_api::{Diagnostic, DiagnosticLevel, Finding, OwnedFiles, Package};

use crate::package::ECOSYSTEM;

/// The packages and file lists of one layer, kept until the layer ends so that each package can
/// be given the size of its file list.
#[derive(Debug, Default)]
pub struct LayerState {
    /// Installed packages per database file, in the order the files came.
    databases: Vec<(String, Vec<Package>)>,
    /// Number of paths in each file list, by the list's name (`bash`, `libc6:amd64`).
    file_counts: HashMap<String, usize>,
    /// The paths of each file list, by the list's path, sorted so findings come in a stable
    /// order.
    owned_files: BTreeMap<String, OwnedFiles>,
    /// Licences of each machine-readable copyright file, by its documentation directory's name.
    licenses: HashMap<String, Vec<String>>,
    /// Copyright files of the layer that are not machine-readable.
    free_form_copyrights: usize,
}

impl LayerState {
    /// Keeps the packages of one database file. A second entry for the same path in one layer
    /// replaces the first, as it does when the layer is unpacked.
    pub(crate) fn record_database(&mut self, path: &str, packages: Vec<Package>) {
        self.databases.retain(|(kept, _)| kept != path);
        self.databases.push((path.to_owned(), packages));
    }

    /// Keeps a file list (`path`, named `list_name`): the paths dpkg recorded for the package,
    /// directories included, without the `/.` entry every list starts with. They give the
    /// package's `files` count and its [`OwnedFiles`] finding, with paths relative to the image
    /// root. A path that is not valid UTF-8 is kept with its invalid bytes replaced, so it
    /// matches no file a language analyzer reports.
    pub(crate) fn record_file_list(&mut self, path: &str, list_name: &str, contents: &[u8]) {
        let paths: Vec<String> = contents
            .split(|byte| *byte == b'\n')
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
            .filter(|line| !line.is_empty() && *line != b"/.")
            .map(|line| {
                let line = String::from_utf8_lossy(line);
                line.trim_start_matches('/').to_owned()
            })
            .collect();
        self.file_counts.insert(list_name.to_owned(), paths.len());

        // The list of a `Multi-Arch: same` package is named `name:arch`; the package is `name`.
        let package = list_name
            .split_once(':')
            .map_or(list_name, |(name, _)| name);
        self.owned_files.insert(
            path.to_owned(),
            OwnedFiles {
                ecosystem: ECOSYSTEM.to_owned(),
                package: package.to_owned(),
                source_path: path.to_owned(),
                paths,
            },
        );
    }

    /// Keeps the licences of a package's copyright file; `None` for a file that is not in the
    /// machine-readable format.
    pub(crate) fn record_licenses(&mut self, package: &str, licenses: Option<Vec<String>>) {
        match licenses {
            Some(licenses) => {
                self.licenses.insert(package.to_owned(), licenses);
            }
            None => self.free_form_copyrights += 1,
        }
    }

    /// Emits every package, with metadata `files` when its file list was in this layer, then
    /// the owned files of every file list of the layer (whether or not its package is in this
    /// layer's database: the engine joins them with the final one).
    pub(crate) fn finish(self, findings: &mut Vec<Finding>) {
        let file_counts = self.file_counts;
        let licenses = self.licenses;
        for (_, packages) in self.databases {
            for mut package in packages {
                // The documentation directory is named after the package without its
                // architecture, even for `Multi-Arch: same` packages.
                if let Some(declared) = licenses.get(&package.name) {
                    package.licenses.clone_from(declared);
                }
                if let Some(count) = file_count(&file_counts, &package) {
                    package
                        .metadata
                        .insert("files".to_owned(), count.to_string());
                }
                findings.push(Finding::Package(package));
            }
        }
        findings.extend(self.owned_files.into_values().map(Finding::OwnedFiles));

        if self.free_form_copyrights > 0 {
            findings.push(Finding::Diagnostic(Diagnostic {
                level: DiagnosticLevel::Info,
                path: String::new(),
                message: format!(
                    "{} copyright files under usr/share/doc could not be read as machine-readable \
                     (DEP-5) files; their packages are reported without licences",
                    self.free_form_copyrights
                ),
            }));
        }
    }
}

/// The list of a `Multi-Arch: same` package is named `name:arch`, any other `name`.
fn file_count(file_counts: &HashMap<String, usize>, package: &Package) -> Option<usize> {
    let qualified = package
        .metadata
        .get("architecture")
        .and_then(|arch| file_counts.get(&format!("{}:{arch}", package.name)));
    qualified
        .or_else(|| file_counts.get(&package.name))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(name: &str, arch: &str) -> Package {
        let mut package = Package {
            name: name.into(),
            version: "1".into(),
            source_path: "var/lib/dpkg/status".into(),
            ..Package::default()
        };
        package.metadata.insert("architecture".into(), arch.into());
        package
    }

    fn files_of(findings: &[Finding]) -> Vec<(String, Option<String>)> {
        findings
            .iter()
            .filter_map(|finding| match finding {
                Finding::Package(package) => {
                    Some((package.name.clone(), package.metadata.get("files").cloned()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn file_lists_are_joined_by_plain_or_qualified_name() {
        let mut state = LayerState::default();
        state.record_file_list(
            "var/lib/dpkg/info/bash.list",
            "bash",
            b"/.\n/bin\n/bin/bash\n",
        );
        state.record_file_list(
            "var/lib/dpkg/info/libc6:amd64.list",
            "libc6:amd64",
            b"/.\r\n/lib\r\n",
        );
        state.record_database(
            "var/lib/dpkg/status",
            vec![
                package("bash", "amd64"),
                package("libc6", "amd64"),
                package("zlib1g", "amd64"),
            ],
        );
        let mut findings = Vec::new();
        state.finish(&mut findings);
        assert_eq!(
            files_of(&findings),
            [
                ("bash".to_owned(), Some("2".to_owned())),
                ("libc6".to_owned(), Some("1".to_owned())),
                ("zlib1g".to_owned(), None),
            ]
        );
    }

    #[test]
    fn file_lists_become_owned_files_of_the_unqualified_name() {
        let mut state = LayerState::default();
        state.record_file_list(
            "var/lib/dpkg/info/libc6:amd64.list",
            "libc6:amd64",
            b"/.\r\n/lib\r\n/lib/x86_64-linux-gnu/libc.so.6\r\n\r\n",
        );
        let mut findings = Vec::new();
        state.finish(&mut findings);
        let [Finding::OwnedFiles(owned)] = findings.as_slice() else {
            panic!("expected only owned files: {findings:?}")
        };
        assert_eq!(owned.ecosystem, "deb");
        assert_eq!(owned.package, "libc6");
        assert_eq!(owned.source_path, "var/lib/dpkg/info/libc6:amd64.list");
        assert_eq!(owned.paths, ["lib", "lib/x86_64-linux-gnu/libc.so.6"]);
    }

    #[test]
    fn licences_are_joined_by_name_and_free_form_files_counted() {
        let mut state = LayerState::default();
        state.record_licenses("libc6", Some(vec!["LGPL-2.1+".into(), "GPL-2+".into()]));
        state.record_licenses("bash", None);
        state.record_database(
            "var/lib/dpkg/status",
            vec![package("libc6", "amd64"), package("bash", "amd64")],
        );
        let mut findings = Vec::new();
        state.finish(&mut findings);
        let Finding::Package(libc) = &findings[0] else {
            panic!("expected a package first: {findings:?}")
        };
        assert_eq!(libc.licenses, ["LGPL-2.1+", "GPL-2+"]);
        let Finding::Package(bash) = &findings[1] else {
            panic!("expected a package second: {findings:?}")
        };
        assert!(bash.licenses.is_empty());
        let Finding::Diagnostic(note) = &findings[2] else {
            panic!("expected a note last: {findings:?}")
        };
        assert_eq!(note.level, DiagnosticLevel::Info);
        assert!(
            note.message.starts_with("1 copyright files"),
            "{}",
            note.message
        );
    }

    #[test]
    fn a_repeated_database_keeps_the_later_one() {
        let mut state = LayerState::default();
        state.record_database("var/lib/dpkg/status", vec![package("old", "all")]);
        state.record_database("var/lib/dpkg/status", vec![package("new", "all")]);
        let mut findings = Vec::new();
        state.finish(&mut findings);
        assert_eq!(files_of(&findings), [("new".to_owned(), None)]);
    }
}
