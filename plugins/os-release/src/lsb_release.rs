//! `etc/lsb-release`, the Linux Standard Base release file (`DISTRIB_ID=Ubuntu` and friends),
//! written in the same shell-like syntax as os-release.

use purser_plugin_api::OperatingSystem;

use crate::env_file;
use crate::family::known_family;
use crate::reading::Reading;

/// Reads an lsb-release file.
pub(crate) fn read(path: &str, text: &str) -> Reading {
    let assignments = env_file::parse(text);
    let mut reading = Reading::default();
    reading.add_problems(assignments.problems());

    let Some(id) = assignments.non_empty("DISTRIB_ID") else {
        reading
            .warnings
            .push("the file has no DISTRIB_ID, so it names no operating system".into());
        return reading;
    };

    let family = known_family(id).map_or_else(|| id.to_ascii_lowercase(), str::to_owned);
    reading.os = Some(OperatingSystem {
        family,
        name: id.to_owned(),
        version_id: assignments
            .non_empty("DISTRIB_RELEASE")
            .unwrap_or_default()
            .to_owned(),
        codename: assignments.non_empty("DISTRIB_CODENAME").map(str::to_owned),
        pretty_name: assignments
            .non_empty("DISTRIB_DESCRIPTION")
            .map(str::to_owned),
        end_of_life: None,
        source_path: path.to_owned(),
    });
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ubuntus_file() {
        // Trivy's testdata pkg/fanal/analyzer/os/ubuntu/testdata/lsb-release.
        let text = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=18.04\nDISTRIB_CODENAME=bionic\n\
                    DISTRIB_DESCRIPTION=\"Ubuntu 18.04.2 LTS\"\n";
        let reading = read("etc/lsb-release", text);
        assert!(reading.warnings.is_empty());
        assert_eq!(
            reading.os,
            Some(OperatingSystem {
                family: "ubuntu".into(),
                name: "Ubuntu".into(),
                version_id: "18.04".into(),
                codename: Some("bionic".into()),
                pretty_name: Some("Ubuntu 18.04.2 LTS".into()),
                end_of_life: None,
                source_path: "etc/lsb-release".into(),
            })
        );
    }

    #[test]
    fn an_unknown_distribution_keeps_its_lowercased_id() {
        let os = read(
            "etc/lsb-release",
            "DISTRIB_ID=LinuxMint\nDISTRIB_RELEASE=21.2\n",
        )
        .os
        .expect("an os");
        assert_eq!(os.family, "linuxmint");
        assert_eq!(os.name, "LinuxMint");
    }

    #[test]
    fn no_distrib_id_is_a_warning() {
        // Trivy's testdata pkg/fanal/analyzer/os/ubuntu/testdata/invalid holds one word.
        let reading = read("etc/lsb-release", "invalid\n");
        assert_eq!(reading.os, None);
        assert_eq!(reading.warnings.len(), 2, "{:?}", reading.warnings);
    }
}
