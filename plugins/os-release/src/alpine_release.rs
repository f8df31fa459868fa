//! `etc/alpine-release`: one line holding Alpine's full version, such as `3.18.1` or
//! `3.22.0_alpha20250108` on edge.

use purser_plugin_api::OperatingSystem;

use crate::reading::{first_line, quoted, Reading};

/// Reads an alpine-release file.
pub(crate) fn read(path: &str, text: &str) -> Reading {
    let Some(version) = first_line(text) else {
        return Reading::failed("the file is empty, so it names no operating system");
    };

    if !looks_like_version(version) {
        return Reading::failed(format!(
            "the file does not hold an Alpine version such as 3.18.1: found {}",
            quoted(version)
        ));
    }

    Reading {
        os: Some(OperatingSystem {
            family: "alpine".into(),
            name: "Alpine Linux".into(),
            version_id: version.to_owned(),
            codename: None,
            pretty_name: None,
            end_of_life: None,
            source_path: path.to_owned(),
        }),
        warnings: Vec::new(),
    }
}

/// A digit first, then only characters Alpine versions use.
fn looks_like_version(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_version() {
        // etc/alpine-release of the alpine 3.11 image in Trivy's fanal test images.
        let os = read("etc/alpine-release", "3.11.5\n").os.expect("an os");
        assert_eq!(os.family, "alpine");
        assert_eq!(os.version_id, "3.11.5");
        assert_eq!(os.source_path, "etc/alpine-release");
    }

    #[test]
    fn edge_versions_are_versions() {
        // VERSION_ID of Grype's testdata os/alpine-edge.
        let reading = read("etc/alpine-release", "3.22.0_alpha20250108\n");
        assert_eq!(
            reading.os.expect("an os").version_id,
            "3.22.0_alpha20250108"
        );
    }

    #[test]
    fn anything_else_is_a_warning() {
        let reading = read("etc/alpine-release", "Alpine Linux v3.18\n");
        assert_eq!(reading.os, None);
        assert!(reading.warnings[0].contains("\"Alpine Linux v3.18\""));
        assert_eq!(read("etc/alpine-release", "").os, None);
    }
}
