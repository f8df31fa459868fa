//! From one stanza of the database to a [`Package`] finding.

use std::collections::BTreeMap;

use purser_plugin_api::Package;

use crate::control::Stanza;
use crate::purl::deb_purl;

/// The ecosystem of every package this analyzer reports: the package format. Which distribution
/// the package belongs to is decided later, from the operating-system finding.
pub const ECOSYSTEM: &str = "deb";

/// Builds the package a stanza describes, whatever its status.
///
/// # Errors
///
/// When the stanza has no `Package` or no `Version`; the message names the stanza's line.
pub fn package_of(stanza: &Stanza<'_>, source_path: &str) -> Result<Package, String> {
    let line = stanza.line;
    let name = match stanza.get("Package") {
        Some(name) if !name.is_empty() => name,
        _ => {
            return Err(format!(
                "stanza at line {line} has no Package field; skipped"
            ))
        }
    };
    let Some(version) = stanza.get("Version").filter(|version| !version.is_empty()) else {
        return Err(format!(
            "package {name} (stanza at line {line}) has no Version field; skipped"
        ));
    };
    let architecture = stanza.get("Architecture").unwrap_or_default();

    let mut metadata = BTreeMap::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|value| !value.is_empty()) {
            metadata.insert(key.to_owned(), value.to_owned());
        }
    };
    put("architecture", Some(architecture));
    let (source_package, source_version) = source_of(stanza.get("Source"), name, version);
    put("source_package", Some(source_package));
    put("source_version", Some(source_version));
    put("maintainer", stanza.get("Maintainer"));
    put("installed_size", stanza.get("Installed-Size"));
    put("status", stanza.get("Status"));

    Ok(Package {
        ecosystem: ECOSYSTEM.to_owned(),
        name: name.to_owned(),
        version: version.to_owned(),
        purl: Some(deb_purl(vendor_of(stanza), name, version, architecture)),
        licenses: Vec::new(),
        source_path: source_path.to_owned(),
        metadata,
    })
}

/// The source package's name and version. `Source: name (version)` names both; `Source: name`
/// only the name, the version then being the binary's; no `Source` field means the source
/// package has the binary's name and version (deb-control(5)).
fn source_of<'a>(source: Option<&'a str>, name: &'a str, version: &'a str) -> (&'a str, &'a str) {
    let Some(source) = source.filter(|source| !source.is_empty()) else {
        return (name, version);
    };
    match source.split_once('(') {
        Some((source_name, rest)) => {
            let source_version = rest.trim_end().trim_end_matches(')').trim();
            let source_version = if source_version.is_empty() {
                version
            } else {
                source_version
            };
            (source_name.trim(), source_version)
        }
        None => (source, version),
    }
}

/// The purl vendor: `ubuntu` when the `Maintainer` or `Original-Maintainer` field has an address
/// at `ubuntu.com` or one of its subdomains (Ubuntu's own packages say
/// `ubuntu-devel-discuss@lists.ubuntu.com`, its kernels `kernel-team@lists.ubuntu.com`),
/// otherwise `debian`.
fn vendor_of(stanza: &Stanza<'_>) -> &'static str {
    let ubuntu = ["Maintainer", "Original-Maintainer"]
        .iter()
        .filter_map(|field| stanza.get(field))
        .any(has_ubuntu_address);
    if ubuntu {
        "ubuntu"
    } else {
        "debian"
    }
}

fn has_ubuntu_address(maintainer: &str) -> bool {
    let Some((_, rest)) = maintainer.rsplit_once('@') else {
        return false;
    };
    let domain = rest
        .trim_end_matches(|character: char| character == '>' || character.is_whitespace())
        .to_ascii_lowercase();
    domain == "ubuntu.com" || domain.ends_with(".ubuntu.com")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::parse;

    fn package(text: &str) -> Result<Package, String> {
        let file = parse(text);
        package_of(&file.stanzas[0], "var/lib/dpkg/status")
    }

    #[test]
    fn a_full_stanza_gives_every_metadata_key() {
        let package = package(
            "Package: bsdutils\nStatus: install ok installed\nInstalled-Size: 355\n\
             Maintainer: util-linux packagers <util-linux@packages.debian.org>\n\
             Architecture: amd64\nSource: util-linux (2.38.1-5+deb12u3)\n\
             Version: 1:2.38.1-5+deb12u3\n",
        )
        .expect("a package");
        assert_eq!(package.ecosystem, "deb");
        assert_eq!(package.version, "1:2.38.1-5+deb12u3");
        assert_eq!(
            package.purl.as_deref(),
            Some("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64")
        );
        let expected = [
            ("architecture", "amd64"),
            ("installed_size", "355"),
            (
                "maintainer",
                "util-linux packagers <util-linux@packages.debian.org>",
            ),
            ("source_package", "util-linux"),
            ("source_version", "2.38.1-5+deb12u3"),
            ("status", "install ok installed"),
        ];
        let expected: BTreeMap<String, String> = expected
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        assert_eq!(package.metadata, expected);
    }

    #[test]
    fn the_source_version_defaults_to_the_binary_version() {
        assert_eq!(source_of(Some("sqlite3"), "x", "3.34"), ("sqlite3", "3.34"));
        assert_eq!(source_of(None, "netbase", "5.4"), ("netbase", "5.4"));
        assert_eq!(source_of(Some("gcc-12 ()"), "x", "1"), ("gcc-12", "1"));
        assert_eq!(
            source_of(Some("bash (5.2.15-2)"), "bash", "5.2.15-2+b8"),
            ("bash", "5.2.15-2")
        );
    }

    #[test]
    fn ubuntu_maintainers_make_the_vendor_ubuntu() {
        let ubuntu = package(
            "Package: bash\nVersion: 5.2.21-2ubuntu4\nArchitecture: amd64\n\
             Maintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\n\
             Original-Maintainer: Matthias Klose <doko@debian.org>\n",
        )
        .expect("a package");
        assert_eq!(
            ubuntu.purl.as_deref(),
            Some("pkg:deb/ubuntu/bash@5.2.21-2ubuntu4?arch=amd64")
        );
        assert!(has_ubuntu_address(
            "Canonical Kernel Team <kernel-team@lists.ubuntu.com>"
        ));
        assert!(!has_ubuntu_address("someone <x@notubuntu.com>"));
        assert!(!has_ubuntu_address("someone"));
    }

    #[test]
    fn a_stanza_without_package_or_version_is_invalid_and_says_where() {
        let Err(message) = package("Version: 1\n") else {
            panic!("expected an invalid stanza")
        };
        assert_eq!(message, "stanza at line 1 has no Package field; skipped");
        let Err(message) = package("\n\nPackage: foo\n") else {
            panic!("expected an invalid stanza")
        };
        assert_eq!(
            message,
            "package foo (stanza at line 3) has no Version field; skipped"
        );
    }
}
