//! Licences from `usr/share/doc/<package>/copyright` files in the machine-readable format.
//!
//! Format: "Machine-readable debian/copyright file", version 1.0, also called DEP-5
//! (<https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/>). The file is deb822
//! (see [`crate::control`]); its first paragraph, the header, "MUST" have a `Format` field naming
//! the specification's URI. `Files` paragraphs say which licence applies to which files in their
//! `License` field, whose first line is the short licence name or expression
//! (`GPL-2+ or Artistic-1.0`); standalone `License` paragraphs only give the full text of a
//! licence named elsewhere, so they add no licence.

use crate::control::parse;

/// What the `Format` field of a machine-readable copyright file contains, whichever revision of
/// the URI it names (`http` or `https`, with or without `?op=file&rev=…`).
const FORMAT_MARKER: &str = "copyright-format";

/// The licences a copyright file declares, in order of first appearance and without repeats,
/// or `None` when the file is not in the machine-readable format.
pub fn declared_licenses(contents: &[u8]) -> Option<Vec<String>> {
    let text = String::from_utf8_lossy(contents);
    let file = parse(&text);

    let header = file.stanzas.first()?;
    if !header
        .get("Format")
        .is_some_and(|format| format.contains(FORMAT_MARKER))
    {
        return None;
    }

    let mut licenses: Vec<String> = Vec::new();
    let applying = std::iter::once(header).chain(
        file.stanzas
            .iter()
            .skip(1)
            .filter(|stanza| stanza.get("Files").is_some()),
    );
    for stanza in applying {
        let Some(license) = stanza.get("License") else {
            continue;
        };
        let short_name = license.lines().next().unwrap_or_default().trim();
        if !short_name.is_empty() && !licenses.iter().any(|known| known == short_name) {
            licenses.push(short_name.to_owned());
        }
    }
    Some(licenses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_copyright_file_gives_its_files_licences() {
        // Source: /usr/share/doc/bash/copyright of Debian 12, see testdata/SOURCES.md.
        let licenses =
            declared_licenses(include_bytes!("../testdata/copyright/bash")).expect("DEP-5");
        assert_eq!(
            licenses,
            [
                "GPL-3+",
                "GPL-3+ with Bison exception",
                "GPL-2+",
                "GFDL-NIV-1.3",
                "Latex2e",
                "BSD-4-clause-UC and MIT-like",
                "permissive",
            ]
        );
    }

    #[test]
    fn the_header_licence_counts_and_standalone_paragraphs_do_not() {
        let text = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
                    License: MIT\n\n\
                    Files: *\nCopyright: 2020 Someone\nLicense: Apache-2.0\n\n\
                    Files: debian/*\nLicense: MIT\n\n\
                    License: BSD-3-clause\n Full text.\n";
        assert_eq!(
            declared_licenses(text.as_bytes()).expect("DEP-5"),
            ["MIT", "Apache-2.0"]
        );
    }

    #[test]
    fn a_free_form_file_gives_none() {
        let text = "This is Debian's prepackaged version of foo.\n\nCopyright: 1999 Bar\n";
        assert_eq!(declared_licenses(text.as_bytes()), None);
        assert_eq!(declared_licenses(b""), None);
        assert_eq!(declared_licenses(b"\xff\xfe\x00garbage"), None);
    }
}
