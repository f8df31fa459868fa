//! The dpkg database files that `apt-get install` leaves in an image.

use purser_fixtures::Layer;

use crate::debian_packages::DebianPackage;

/// The `.list` name: `name:arch` for `Multi-Arch: same` packages, as dpkg names them.
pub fn list_name(package: &DebianPackage) -> String {
    match (package.field("Multi-Arch"), package.field("Architecture")) {
        (Some("same"), Some(architecture)) => format!("{}:{architecture}", package.name),
        _ => package.name.clone(),
    }
}

/// A dpkg `.list` file: `/.` then every path of the package, absolute.
pub fn dpkg_list(layer: &Layer) -> Vec<u8> {
    let mut list = b"/.\n".to_vec();
    for entry in layer.entries() {
        list.push(b'/');
        list.extend_from_slice(&entry.path);
        list.push(b'\n');
    }
    list
}

/// A `status` stanza: the control fields with `Status: install ok installed` after `Package`.
pub fn status_stanza(package: &DebianPackage) -> String {
    let mut stanza = String::with_capacity(package.control.len() + 64);
    for line in package.control.lines() {
        stanza.push_str(line);
        stanza.push('\n');
        if line.starts_with("Package:") {
            stanza.push_str("Status: install ok installed\n");
        }
    }
    stanza.push('\n');
    stanza
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn package(name: &str) -> DebianPackage {
        DebianPackage {
            name: name.to_owned(),
            path: PathBuf::new(),
            control: format!("Package: {name}\nMulti-Arch: same\nArchitecture: amd64\n"),
            installed_size_kib: 1,
        }
    }

    #[test]
    fn status_stanza_and_list_follow_dpkg_formats() {
        let stanza = status_stanza(&package("libc6"));
        assert_eq!(
            stanza,
            "Package: libc6\nStatus: install ok installed\nMulti-Arch: same\nArchitecture: amd64\n\n"
        );
        assert_eq!(list_name(&package("libc6")), "libc6:amd64");
        let list = dpkg_list(&Layer::new().dir("usr", 0o755).file("usr/x", 0o644, ""));
        assert_eq!(list, b"/.\n/usr\n/usr/x\n");
    }
}
