//! `etc/SuSE-release`, the release file of SUSE Linux Enterprise 11 and 12 and of openSUSE up to
//! Leap 42, deprecated in favour of os-release. A description line, then `KEY = value` lines:
//!
//! ```text
//! SUSE Linux Enterprise Server 11 (x86_64)
//! VERSION = 11
//! PATCHLEVEL = 3
//! ```
//!
//! openSUSE writes `CODENAME = ...` instead of `PATCHLEVEL`, and later releases append `#`
//! comments pointing at os-release.

use purser_plugin_api::OperatingSystem;

use crate::reading::{first_line, quoted, Reading};

/// Description prefixes and their families.
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("SUSE Linux Enterprise Server", "sles"),
    ("SUSE Linux Enterprise Desktop", "sled"),
    ("openSUSE", "opensuse.leap"),
];

/// Reads a SuSE-release file.
pub(crate) fn read(path: &str, text: &str) -> Reading {
    let Some(description) = first_line(text) else {
        return Reading::failed("the file is empty, so it names no operating system");
    };
    let Some(family) = DESCRIPTIONS
        .iter()
        .find(|(prefix, _)| description.starts_with(prefix))
        .map(|(_, family)| *family)
    else {
        return Reading::failed(format!(
            "the file describes {}, a distribution this analyzer does not know",
            quoted(description)
        ));
    };

    let field = |key: &str| {
        text.lines()
            .filter_map(|line| line.split_once('='))
            .find(|(name, _)| name.trim() == key)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    };
    let Some(version) = field("VERSION") else {
        return Reading::failed("the file has no VERSION line");
    };

    // SLES 11 SP3 has `VERSION = 11` and `PATCHLEVEL = 3`; its os-release says `11.3`.
    let version_id = match field("PATCHLEVEL") {
        Some(patch) if patch != "0" => format!("{version}.{patch}"),
        _ => version.to_owned(),
    };

    Reading {
        os: Some(OperatingSystem {
            family: family.to_owned(),
            name: name_without_architecture(description).to_owned(),
            version_id,
            codename: field("CODENAME").map(str::to_owned),
            pretty_name: Some(description.to_owned()),
            end_of_life: None,
            source_path: path.to_owned(),
        }),
        warnings: Vec::new(),
    }
}

/// `SUSE Linux Enterprise Server 11 (x86_64)` without ` (x86_64)`.
fn name_without_architecture(description: &str) -> &str {
    match description.rsplit_once(" (") {
        Some((name, architecture)) if architecture.ends_with(')') => name,
        _ => description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sles_11_sp3() {
        // The file as printed by `cat /etc/SuSE-release` in
        // http://abhinavdhasmana.in/golang/2015/09/16/install-go-on-suse-enterprise.html
        let text = "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 3\n";
        let reading = read("etc/SuSE-release", text);
        assert!(reading.warnings.is_empty());
        assert_eq!(
            reading.os,
            Some(OperatingSystem {
                family: "sles".into(),
                name: "SUSE Linux Enterprise Server 11".into(),
                version_id: "11.3".into(),
                codename: None,
                pretty_name: Some("SUSE Linux Enterprise Server 11 (x86_64)".into()),
                end_of_life: None,
                source_path: "etc/SuSE-release".into(),
            })
        );
    }

    #[test]
    fn patch_level_zero_is_the_bare_version() {
        let text = "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n";
        assert_eq!(
            read("etc/SuSE-release", text).os.expect("an os").version_id,
            "12"
        );
    }

    #[test]
    fn opensuse_has_a_codename_and_comments() {
        // Layout of openSUSE's file; the version and code name are those of Trivy's testdata
        // os/release/opensuseleap-42.3 (Leap 42.3 "Malachite").
        let text = "openSUSE 42.3 (x86_64)\nVERSION = 42.3\nCODENAME = Malachite\n\
                    # /etc/SuSE-release is deprecated and will be removed in a future service pack or release.\n";
        let os = read("etc/SuSE-release", text).os.expect("an os");
        assert_eq!(os.family, "opensuse.leap");
        assert_eq!(os.version_id, "42.3");
        assert_eq!(os.codename.as_deref(), Some("Malachite"));
        assert_eq!(os.name, "openSUSE 42.3");
    }

    #[test]
    fn unknown_descriptions_and_missing_versions_are_warnings() {
        // A real SuSE-release of a SUSE derivative, from GitHub anthon-os/anthonos_SuSE_historical.
        let reading = read(
            "etc/SuSE-release",
            "Anthon OS\nVERSION = Anthon.XFCE_Oct.China\nCODENAME = Mondrian\n",
        );
        assert_eq!(reading.os, None);
        assert!(reading.warnings[0].contains("\"Anthon OS\""));

        let reading = read(
            "etc/SuSE-release",
            "SUSE Linux Enterprise Server 11 (x86_64)\n",
        );
        assert_eq!(
            reading.warnings,
            vec!["the file has no VERSION line".to_owned()]
        );
    }
}
