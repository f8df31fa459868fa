//! `etc/os-release` and `usr/lib/os-release`, the format of os-release(5).
//!
//! Reference: <https://www.freedesktop.org/software/systemd/man/latest/os-release.html>.

use purser_plugin_api::OperatingSystem;

use crate::env_file;
use crate::family::{family_for, FamilyChoice};
use crate::reading::Reading;

/// os-release(5): "If not set, a default of `NAME=Linux` may be used."
const DEFAULT_NAME: &str = "Linux";

/// Reads an os-release file.
pub(crate) fn read(path: &str, text: &str) -> Reading {
    let assignments = env_file::parse(text);
    let mut reading = Reading::default();
    reading.add_problems(assignments.problems());

    let id = assignments.non_empty("ID");
    let choice = family_for(id, assignments.non_empty("ID_LIKE"));
    let family = match &choice {
        FamilyChoice::Unknown => {
            reading.warnings.push(
                "the file has neither ID nor ID_LIKE, so it names no operating system".into(),
            );
            return reading;
        }
        FamilyChoice::FromIdLike { family, like } if id.is_none() => {
            reading.warnings.push(format!(
                "the file has no ID; the family {family} was taken from ID_LIKE entry {like}"
            ));
            (*family).to_owned()
        }
        other => other
            .family()
            .expect("every choice but Unknown names a family")
            .to_owned(),
    };

    let codename = assignments
        .non_empty("VERSION_CODENAME")
        .or_else(|| assignments.non_empty("UBUNTU_CODENAME"))
        .map(str::to_owned)
        .or_else(|| debian_codename_from_version(&family, assignments.non_empty("VERSION")));

    reading.os = Some(OperatingSystem {
        name: assignments
            .non_empty("NAME")
            .unwrap_or(DEFAULT_NAME)
            .to_owned(),
        version_id: assignments
            .non_empty("VERSION_ID")
            .unwrap_or_default()
            .to_owned(),
        codename,
        pretty_name: assignments.non_empty("PRETTY_NAME").map(str::to_owned),
        family,
        end_of_life: None,
        source_path: path.to_owned(),
    });
    reading
}

/// Debian releases before `VERSION_CODENAME` existed (8 "jessie" and older) only give the code
/// name inside `VERSION`, as in `VERSION="8 (jessie)"`. Other families put other things in the
/// parentheses (`20.04 LTS (Focal Fossa)`, `9.4 (Plow)`), so this is Debian only.
fn debian_codename_from_version(family: &str, version: Option<&str>) -> Option<String> {
    if family != "debian" {
        return None;
    }
    let inside = version?.split_once('(')?.1.split_once(')')?.0.trim();
    let is_codename = !inside.is_empty() && inside.chars().all(|c| c.is_ascii_lowercase());
    is_codename.then(|| inside.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_map_to_an_operating_system() {
        // Grype's testdata os/ubuntu/etc/os-release (Ubuntu 20.04).
        let text = "NAME=\"Ubuntu\"\nVERSION=\"20.04 LTS (Focal Fossa)\"\nID=ubuntu\nID_LIKE=debian\n\
                    PRETTY_NAME=\"Ubuntu 20.04 LTS\"\nVERSION_ID=\"20.04\"\n\
                    HOME_URL=\"https://www.ubuntu.com/\"\nVERSION_CODENAME=focal\nUBUNTU_CODENAME=focal\n";
        let reading = read("etc/os-release", text);
        assert_eq!(reading.warnings, Vec::<String>::new());
        assert_eq!(
            reading.os,
            Some(OperatingSystem {
                family: "ubuntu".into(),
                name: "Ubuntu".into(),
                version_id: "20.04".into(),
                codename: Some("focal".into()),
                pretty_name: Some("Ubuntu 20.04 LTS".into()),
                end_of_life: None,
                source_path: "etc/os-release".into(),
            })
        );
    }

    #[test]
    fn old_debian_gives_its_codename_in_version() {
        // Grype's testdata os/debian/usr/lib/os-release (Debian 8).
        let text = "PRETTY_NAME=\"Debian GNU/Linux 8 (jessie)\"\nNAME=\"Debian GNU/Linux\"\n\
                    VERSION_ID=\"8\"\nVERSION=\"8 (jessie)\"\nID=debian\n";
        let os = read("usr/lib/os-release", text).os.expect("an os");
        assert_eq!(os.codename.as_deref(), Some("jessie"));
        assert_eq!(os.version_id, "8");
    }

    #[test]
    fn other_families_do_not_read_codenames_from_version() {
        assert_eq!(
            debian_codename_from_version("redhat", Some("9.4 (Plow)")),
            None
        );
        assert_eq!(
            debian_codename_from_version("debian", Some("13 (Trixie Beta)")),
            None
        );
        assert_eq!(debian_codename_from_version("debian", Some("12")), None);
    }

    #[test]
    fn a_missing_id_falls_back_to_id_like_with_a_warning() {
        // Grype's testdata partial-fields/missing-id/usr/lib/os-release.
        let text = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"8\"\nID_LIKE=debian\n";
        let reading = read("usr/lib/os-release", text);
        let os = reading.os.expect("an os from ID_LIKE");
        assert_eq!(os.family, "debian");
        assert_eq!(os.version_id, "8");
        assert_eq!(reading.warnings.len(), 1);
        assert!(
            reading.warnings[0].contains("no ID"),
            "{:?}",
            reading.warnings
        );
    }

    #[test]
    fn no_id_and_no_id_like_is_a_warning_without_an_os() {
        // Trivy's testdata os/release/no-id has NAME and VERSION_ID but no ID.
        let text = "NAME=\"Alpine Linux\"\nVERSION_ID=3.15.4\nPRETTY_NAME=\"Alpine Linux v3.15\"\n";
        let reading = read("etc/os-release", text);
        assert_eq!(reading.os, None);
        assert_eq!(reading.warnings.len(), 1);
    }

    #[test]
    fn missing_name_and_version_take_defaults() {
        // The least a file can say; Wolfi's real one (Grype's testdata os/wolfi) adds the rest.
        let os = read("etc/os-release", "ID=wolfi\n").os.expect("an os");
        assert_eq!(os.name, "Linux");
        assert_eq!(os.version_id, "");
        assert_eq!(os.pretty_name, None);
    }

    #[test]
    fn malformed_lines_are_warnings_but_the_rest_is_read() {
        // osv-scanner's testdata alpine-3.18-os-release starts with a captured shell prompt.
        let text = "/ # cat /etc/os-release\nNAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.1\n";
        let reading = read("etc/os-release", text);
        assert_eq!(reading.os.expect("an os").version_id, "3.18.1");
        assert_eq!(
            reading.warnings,
            vec!["malformed line 1: not a KEY=value assignment; skipped".to_owned()]
        );
    }
}
