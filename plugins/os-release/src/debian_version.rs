//! `etc/debian_version`: one line holding Debian's point release (`12.5`) or, on testing and
//! unstable, the next release's code name and `sid` (`trixie/sid`).

use purser_plugin_api::OperatingSystem;

use crate::reading::{first_line, quoted, Reading};

/// The name Debian's own os-release gives.
pub(crate) const DEBIAN_NAME: &str = "Debian GNU/Linux";

/// What the line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DebianVersion {
    /// A release number such as `12.5`.
    Release(String),
    /// `CODENAME/sid`: testing or unstable on the way to `CODENAME`.
    Development {
        /// The release testing leads to (`trixie`).
        codename: String,
    },
}

impl DebianVersion {
    /// Parses the line.
    pub(crate) fn parse(line: &str) -> Option<Self> {
        let is_number_list = |text: &str| {
            !text.is_empty()
                && text
                    .split('.')
                    .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
        };
        if is_number_list(line) {
            return Some(DebianVersion::Release(line.to_owned()));
        }

        let codename = line.strip_suffix("/sid")?;
        let is_codename = !codename.is_empty() && codename.chars().all(|c| c.is_ascii_lowercase());
        is_codename.then(|| DebianVersion::Development {
            codename: codename.to_owned(),
        })
    }

    /// The operating system this version means, attributed to `path`.
    pub(crate) fn operating_system(&self, path: &str) -> OperatingSystem {
        let (version_id, codename) = match self {
            DebianVersion::Release(version) => (version.clone(), None),
            DebianVersion::Development { codename } => (String::new(), Some(codename.clone())),
        };
        OperatingSystem {
            family: "debian".into(),
            name: DEBIAN_NAME.into(),
            version_id,
            codename,
            pretty_name: None,
            end_of_life: None,
            source_path: path.to_owned(),
        }
    }
}

/// Reads a debian_version file.
pub(crate) fn read(path: &str, text: &str) -> Reading {
    let Some(line) = first_line(text) else {
        return Reading::failed("the file is empty, so it names no operating system");
    };

    match DebianVersion::parse(line) {
        Some(version) => Reading {
            os: Some(version.operating_system(path)),
            warnings: Vec::new(),
        },
        None => Reading::failed(format!(
            "the file does not hold a Debian version such as 12.5 or trixie/sid: found {}",
            quoted(line)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_releases_are_versions() {
        // etc/debian_version of the Debian 12 machine this crate was written on.
        let os = read("etc/debian_version", "12.11\n").os.expect("an os");
        assert_eq!(os.family, "debian");
        assert_eq!(os.version_id, "12.11");
        assert_eq!(os.codename, None);
        // Trivy's testdata os/debian/testdata/debian_9.
        assert_eq!(
            DebianVersion::parse("9.8"),
            Some(DebianVersion::Release("9.8".into()))
        );
    }

    #[test]
    fn development_releases_give_a_codename() {
        // Trivy's testdata os/debian/testdata/debian_sid.
        let os = read("etc/debian_version", "buster/sid\n")
            .os
            .expect("an os");
        assert_eq!(os.version_id, "");
        assert_eq!(os.codename.as_deref(), Some("buster"));
    }

    #[test]
    fn anything_else_is_a_warning() {
        for text in ["", "12.", "sid", "/sid", "Debian 12", "12..1", "Trixie/sid"] {
            let reading = read("etc/debian_version", text);
            assert_eq!(reading.os, None, "{text:?}");
            assert_eq!(reading.warnings.len(), 1, "{text:?}");
        }
    }
}
