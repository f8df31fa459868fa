//! The one-line release files of the Red Hat family: `etc/redhat-release`,
//! `etc/centos-release`, `etc/fedora-release`, `etc/rocky-release`, `etc/almalinux-release`,
//! `etc/oracle-release` and `etc/system-release`.
//!
//! Each holds one line, `NAME release VERSION (CODENAME)`, for example
//! `CentOS Linux release 7.6.1810 (Core)` or `Oracle Linux Server release 7.6`.

use purser_plugin_api::OperatingSystem;

use crate::reading::{first_line, quoted, Reading};

/// Distribution names, as the line starts, and their families. Longer prefixes come first where
/// one prefix starts another.
const NAME_PREFIXES: &[(&str, &str)] = &[
    ("AlmaLinux", "almalinux"),
    ("Amazon Linux", "amazon"),
    ("CentOS", "centos"),
    ("Fedora", "fedora"),
    ("Oracle Linux", "oracle"),
    ("Red Hat", "redhat"),
    ("Rocky Linux", "rocky"),
    ("Scientific Linux", "scientific"),
];

const SEPARATOR: &str = " release ";

/// Reads a Red Hat style release file.
pub(crate) fn read(path: &str, text: &str) -> Reading {
    let Some(line) = first_line(text) else {
        return Reading::failed("the file is empty, so it names no operating system");
    };

    let Some((name, rest)) = line.split_once(SEPARATOR) else {
        return Reading::failed(format!(
            "the file does not read `NAME release VERSION`: found {}",
            quoted(line)
        ));
    };
    let name = name.trim();
    let Some(version) = rest.split_whitespace().next() else {
        return Reading::failed(format!(
            "the file names no version after `release`: found {}",
            quoted(line)
        ));
    };

    let Some(family) = family_of_name(name) else {
        return Reading::failed(format!(
            "the file names {}, a distribution this analyzer does not know",
            quoted(name)
        ));
    };

    Reading {
        os: Some(OperatingSystem {
            family: family.to_owned(),
            name: name.to_owned(),
            version_id: version.to_owned(),
            codename: codename(rest),
            pretty_name: Some(line.to_owned()),
            end_of_life: None,
            source_path: path.to_owned(),
        }),
        warnings: Vec::new(),
    }
}

fn family_of_name(name: &str) -> Option<&'static str> {
    NAME_PREFIXES
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map(|(_, family)| *family)
}

/// The text in parentheses after the version, as in `7.6.1810 (Core)`.
fn codename(after_release: &str) -> Option<String> {
    let inside = after_release.split_once('(')?.1.split_once(')')?.0.trim();
    (!inside.is_empty()).then(|| inside.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(path: &str, text: &str) -> OperatingSystem {
        let reading = read(path, text);
        assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
        reading.os.expect("an os")
    }

    #[test]
    fn reads_real_lines_of_each_distribution() {
        // Each line is a real file from Trivy's testdata pkg/fanal/analyzer/os/redhatbase/ or
        // Syft's testdata syft/linux/testdata/os/.
        let cases = [
            (
                "CentOS Linux release 7.6.1810 (Core) \n",
                "centos",
                "7.6.1810",
                Some("Core"),
            ),
            (
                "Fedora release 29 (Twenty Nine)\n",
                "fedora",
                "29",
                Some("Twenty Nine"),
            ),
            (
                "Red Hat Linux release 6.2 (Zoot)\n",
                "redhat",
                "6.2",
                Some("Zoot"),
            ),
            (
                "Red Hat Enterprise Linux release 8.10 (Ootpa)",
                "redhat",
                "8.10",
                Some("Ootpa"),
            ),
            (
                "Rocky Linux release 8.4 (Green Obsidian)",
                "rocky",
                "8.4",
                Some("Green Obsidian"),
            ),
            (
                "AlmaLinux release 8.4 (Electric Cheetah)",
                "almalinux",
                "8.4",
                Some("Electric Cheetah"),
            ),
            ("Oracle Linux Server release 7.6\n", "oracle", "7.6", None),
            (
                "Scientific Linux release 6.10 (Carbon)",
                "scientific",
                "6.10",
                Some("Carbon"),
            ),
            ("CentOS release 5.7 (Final)", "centos", "5.7", Some("Final")),
        ];
        for (text, family, version, codename) in cases {
            let os = os("etc/redhat-release", text);
            assert_eq!(os.family, family, "{text}");
            assert_eq!(os.version_id, version, "{text}");
            assert_eq!(os.codename.as_deref(), codename, "{text}");
            assert_eq!(os.pretty_name.as_deref(), Some(text.trim()));
        }
    }

    #[test]
    fn the_name_is_what_precedes_release() {
        let os = os(
            "etc/centos-release",
            "CentOS Linux release 7.6.1810 (Core) \n",
        );
        assert_eq!(os.name, "CentOS Linux");
        assert_eq!(os.source_path, "etc/centos-release");
    }

    #[test]
    fn lines_of_another_shape_are_warnings() {
        // Syft's testdata bad-system-release-cpe: a CPE, not a release line.
        let reading = read("etc/system-release", "cpe:/o:centos:6:GA\n");
        assert_eq!(reading.os, None);
        assert!(reading.warnings[0].contains("NAME release VERSION"));

        let reading = read("etc/redhat-release", "Slackware release 15.0\n");
        assert!(reading.warnings[0].contains("does not know"));

        let reading = read("etc/redhat-release", "CentOS release \n");
        assert_eq!(reading.os, None);

        assert_eq!(read("etc/redhat-release", "\n").os, None);
    }
}
