//! The installed database of apk-tools, `lib/apk/db/installed`.
//!
//! Format: the Alpine wiki's "Apk spec" (<https://wiki.alpinelinux.org/wiki/Apk_spec>, section
//! "Installed Database"), and apk-tools' reader in `src/database.c`. One stanza per package, stanzas separated by an empty line, each line `X:value` where `X` is
//! one letter. The letters read here:
//!
//! | letter | meaning |
//! |---|---|
//! | `P` | package name |
//! | `V` | version |
//! | `A` | architecture |
//! | `L` | licence (an SPDX-like expression, kept as one string) |
//! | `o` | origin: the source package (aport) the package was built from |
//! | `m` | maintainer |
//! | `c` | commit of the aports tree it was built from |
//! | `F` | a directory, relative to the root |
//! | `R` | a file in the last `F` directory |
//!
//! Every other letter (`C` checksum, `S` size, `I` installed size, `T` description, `U` URL,
//! `t` build time, `D` dependencies, `p` provides, `r` replaces, `a`/`M` ACLs, `Z` file checksum,
//! ...) is accepted and ignored.

use std::borrow::Cow;
use std::collections::BTreeMap;

use purser_plugin_api::{Diagnostic, OwnedFiles, Package};

use crate::purl::apk_purl;

/// The ecosystem of every package this analyzer reports: the package format.
pub const ECOSYSTEM: &str = "apk";

/// What one installed database holds: its packages and the problems met.
#[derive(Debug, Default)]
pub struct DatabaseReading {
    /// The packages, in file order, each with `source_path` set to the database file.
    pub packages: Vec<Package>,
    /// The files and directories of each package (`F:` directories and their `R:` files), in
    /// the order of `packages`; a package without any has none.
    pub owned_files: Vec<OwnedFiles>,
    /// Warnings naming the file and the line: lines that are not `X:value`, stanzas without a
    /// name or a version, invalid UTF-8.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the installed database at `path` (relative to the image root) with the given contents.
///
/// Never fails and never panics: what cannot be read becomes a warning diagnostic and the rest is
/// kept. CRLF line endings and a missing final newline are accepted.
pub fn read_database(path: &str, contents: &[u8]) -> DatabaseReading {
    let mut reading = DatabaseReading::default();
    let text = String::from_utf8_lossy(contents);
    if let Cow::Owned(_) = text {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            "the file is not valid UTF-8; invalid bytes were replaced before reading it",
        ));
    }

    let mut stanza = StanzaBuilder::default();
    let mut line_number = 0;
    for raw_line in text.split('\n') {
        line_number += 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.trim().is_empty() {
            stanza.finish(path, &mut reading);
            continue;
        }
        match field(line) {
            Some((letter, value)) => stanza.add(line_number, letter, value),
            None => reading.diagnostics.push(Diagnostic::warning(
                path,
                format!("line {line_number}: expected a `X:value` line; skipped"),
            )),
        }
    }
    stanza.finish(path, &mut reading);
    reading
}

/// Splits a `X:value` line; `None` when the line has another shape.
fn field(line: &str) -> Option<(char, &str)> {
    let mut characters = line.chars();
    let letter = characters.next()?;
    let rest = characters.as_str().strip_prefix(':')?;
    letter.is_ascii_alphabetic().then_some((letter, rest))
}

/// The fields of the stanza being read.
#[derive(Debug, Default)]
struct StanzaBuilder<'a> {
    first_line: usize,
    name: Option<&'a str>,
    version: Option<&'a str>,
    architecture: Option<&'a str>,
    license: Option<&'a str>,
    origin: Option<&'a str>,
    maintainer: Option<&'a str>,
    commit: Option<&'a str>,
    files: usize,
    /// The last `F:` directory, which the `R:` lines after it are in.
    directory: &'a str,
    /// Every `F:` directory and `R:` file, relative to the root.
    paths: Vec<String>,
    any_field: bool,
}

impl<'a> StanzaBuilder<'a> {
    fn add(&mut self, line_number: usize, letter: char, value: &'a str) {
        if !self.any_field {
            self.first_line = line_number;
            self.any_field = true;
        }
        let value = value.trim();
        let slot = match letter {
            'P' => &mut self.name,
            'V' => &mut self.version,
            'A' => &mut self.architecture,
            'L' => &mut self.license,
            'o' => &mut self.origin,
            'm' => &mut self.maintainer,
            'c' => &mut self.commit,
            'F' => {
                self.directory = value.trim_matches('/');
                if !self.directory.is_empty() {
                    self.paths.push(self.directory.to_owned());
                }
                return;
            }
            'R' => {
                self.files += 1;
                let path = if self.directory.is_empty() {
                    value.to_owned()
                } else {
                    format!("{}/{value}", self.directory)
                };
                self.paths.push(path);
                return;
            }
            _ => return,
        };
        *slot = Some(value);
    }

    /// Turns the stanza into a package (and its owned files) or a warning, and starts a new one.
    fn finish(&mut self, path: &str, reading: &mut DatabaseReading) {
        let mut stanza = std::mem::take(self);
        if !stanza.any_field {
            return;
        }
        let paths = std::mem::take(&mut stanza.paths);
        match stanza.package(path) {
            Ok(package) => {
                if !paths.is_empty() {
                    reading.owned_files.push(OwnedFiles {
                        ecosystem: ECOSYSTEM.to_owned(),
                        package: package.name.clone(),
                        source_path: path.to_owned(),
                        paths,
                    });
                }
                reading.packages.push(package);
            }
            Err(message) => reading.diagnostics.push(Diagnostic::warning(path, message)),
        }
    }

    fn package(self, path: &str) -> Result<Package, String> {
        let line = self.first_line;
        let Some(name) = self.name.filter(|name| !name.is_empty()) else {
            return Err(format!(
                "stanza at line {line} has no package name (`P:`); skipped"
            ));
        };
        let Some(version) = self.version.filter(|version| !version.is_empty()) else {
            return Err(format!(
                "package {name} (stanza at line {line}) has no version (`V:`); skipped"
            ));
        };
        let architecture = self.architecture.unwrap_or_default();

        let mut metadata = BTreeMap::new();
        let fields = [
            ("architecture", self.architecture),
            ("origin", self.origin),
            ("commit", self.commit),
            ("maintainer", self.maintainer),
        ];
        for (key, value) in fields {
            if let Some(value) = value.filter(|value| !value.is_empty()) {
                metadata.insert(key.to_owned(), value.to_owned());
            }
        }
        metadata.insert("files".to_owned(), self.files.to_string());

        Ok(Package {
            ecosystem: ECOSYSTEM.to_owned(),
            name: name.to_owned(),
            version: version.to_owned(),
            purl: Some(apk_purl(
                namespace_of(self.maintainer),
                name,
                version,
                architecture,
            )),
            licenses: self
                .license
                .filter(|license| !license.is_empty())
                .map(str::to_owned)
                .into_iter()
                .collect(),
            source_path: path.to_owned(),
            metadata,
        })
    }
}

/// The purl namespace: `wolfi` or `chainguard` when the maintainer's address is at `wolfi.dev`
/// or `chainguard.dev`, otherwise `alpine`.
fn namespace_of(maintainer: Option<&str>) -> &'static str {
    let domain = maintainer
        .and_then(|maintainer| maintainer.rsplit_once('@'))
        .map(|(_, rest)| rest.trim_end_matches(['>', ' ']).to_ascii_lowercase())
        .unwrap_or_default();
    match domain.as_str() {
        "wolfi.dev" => "wolfi",
        "chainguard.dev" => "chainguard",
        _ => "alpine",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MUSL: &str = "C:Q1x=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nL:MIT\no:musl\n\
                        m:Timo Teräs <timo.teras@iki.fi>\nc:ca7f2ab5\nF:lib\nR:ld-musl-x86_64.so.1\n\
                        a:0:0:755\nZ:Q1+z=\nR:libc.musl-x86_64.so.1\n";

    #[test]
    fn a_stanza_gives_every_field() {
        let reading = read_database("lib/apk/db/installed", MUSL.as_bytes());
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        let [musl] = reading.packages.as_slice() else {
            panic!("one package expected")
        };
        assert_eq!(musl.ecosystem, "apk");
        assert_eq!(musl.version, "1.2.4_git20230717-r4");
        assert_eq!(musl.licenses, ["MIT"]);
        assert_eq!(
            musl.purl.as_deref(),
            Some("pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64")
        );
        assert_eq!(musl.metadata["origin"], "musl");
        assert_eq!(musl.metadata["commit"], "ca7f2ab5");
        assert_eq!(
            musl.metadata["maintainer"],
            "Timo Teräs <timo.teras@iki.fi>"
        );
        assert_eq!(musl.metadata["files"], "2");
        assert_eq!(musl.source_path, "lib/apk/db/installed");

        let [owned] = reading.owned_files.as_slice() else {
            panic!("one list of owned files expected")
        };
        assert_eq!(
            (owned.ecosystem.as_str(), owned.package.as_str()),
            ("apk", "musl")
        );
        assert_eq!(owned.source_path, "lib/apk/db/installed");
        assert_eq!(
            owned.paths,
            [
                "lib",
                "lib/ld-musl-x86_64.so.1",
                "lib/libc.musl-x86_64.so.1"
            ]
        );
    }

    #[test]
    fn files_before_any_directory_are_at_the_root_and_each_directory_holds_its_files() {
        let text = "P:py3-yaml\nV:6.0.1-r1\nR:top\nF:usr/lib/python3.11/site-packages/\n\
                    F:usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info\nR:METADATA\n\
                    F:usr/lib/python3.11/site-packages/yaml\nR:__init__.py\n\nP:empty\nV:1\n";
        let reading = read_database("lib/apk/db/installed", text.as_bytes());
        let [owned] = reading.owned_files.as_slice() else {
            panic!("only py3-yaml owns files: {:?}", reading.owned_files)
        };
        assert_eq!(
            owned.paths,
            [
                "top",
                "usr/lib/python3.11/site-packages",
                "usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info",
                "usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/METADATA",
                "usr/lib/python3.11/site-packages/yaml",
                "usr/lib/python3.11/site-packages/yaml/__init__.py",
            ]
        );
        assert_eq!(reading.packages.len(), 2);
    }

    #[test]
    fn crlf_blank_runs_and_a_missing_final_newline_are_accepted() {
        let text = "P:a\r\nV:1\r\n\r\n\r\n\r\nP:b\r\nV:2";
        let reading = read_database("x", text.as_bytes());
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        let versions: Vec<&str> = reading
            .packages
            .iter()
            .map(|package| package.version.as_str())
            .collect();
        assert_eq!(versions, ["1", "2"]);
    }

    #[test]
    fn broken_lines_and_stanzas_are_warned_about_with_their_line() {
        let reading = read_database("x", b"garbage\nP:a\n\nV:2\n\nP:b\nV:\n\n:x\nP:c\nV:3\n");
        let messages: Vec<&str> = reading
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "line 1: expected a `X:value` line; skipped",
                "package a (stanza at line 2) has no version (`V:`); skipped",
                "stanza at line 4 has no package name (`P:`); skipped",
                "package b (stanza at line 6) has no version (`V:`); skipped",
                "line 9: expected a `X:value` line; skipped",
            ]
        );
        assert_eq!(reading.packages.len(), 1);
        assert_eq!(reading.packages[0].name, "c");
    }

    #[test]
    fn the_maintainer_domain_picks_the_namespace() {
        assert_eq!(namespace_of(None), "alpine");
        assert_eq!(
            namespace_of(Some("Natanael Copa <ncopa@alpinelinux.org>")),
            "alpine"
        );
        assert_eq!(namespace_of(Some("Wolfi <packages@wolfi.dev>")), "wolfi");
        assert_eq!(namespace_of(Some("x <y@Chainguard.dev>")), "chainguard");
    }

    #[test]
    fn invalid_utf8_is_read_with_a_warning() {
        let reading = read_database("x", b"P:a\nV:1\nT:\xfe\n");
        assert_eq!(reading.packages.len(), 1);
        assert_eq!(reading.diagnostics.len(), 1);
    }
}
