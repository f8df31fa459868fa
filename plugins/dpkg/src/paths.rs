//! Which files this analyzer reads, and what each one is.

/// dpkg's main database.
pub const STATUS_FILE: &str = "var/lib/dpkg/status";

/// The directory where distroless images keep one database stanza file per package.
pub const STATUS_DIRECTORY: &str = "var/lib/dpkg/status.d/";

/// The directory of dpkg's per-package files, among them the `<package>[:<arch>].list` file
/// lists.
pub const INFO_DIRECTORY: &str = "var/lib/dpkg/info/";

/// The directory of per-package documentation, where `<package>/copyright` files live.
pub const DOC_DIRECTORY: &str = "usr/share/doc/";

/// Endings of files that sit next to the stanza files in `status.d` but are not stanzas: the
/// names of the control members of a `.deb` (deb-md5sums(5), deb-conffiles(5),
/// deb-shlibs(5), deb-symbols(5), deb-triggers(5), maintainer scripts) and dpkg's file lists.
const COMPANION_SUFFIXES: [&str; 11] = [
    ".md5sums",
    ".conffiles",
    ".list",
    ".preinst",
    ".postinst",
    ".prerm",
    ".postrm",
    ".shlibs",
    ".symbols",
    ".triggers",
    ".templates",
];

/// What a requested file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind<'a> {
    /// A database file: the status file or a `status.d` stanza file.
    Database,
    /// The file list of the package named (`name` or `name:arch`, as in the file name).
    FileList(&'a str),
    /// The copyright file of the package named (the documentation directory's name).
    Copyright(&'a str),
    /// A `status.d` companion file or anything else this analyzer does not read.
    Ignored,
}

/// Tells what the file at `path` is.
pub fn kind_of(path: &str) -> Kind<'_> {
    if path == STATUS_FILE {
        return Kind::Database;
    }
    if let Some(name) = path.strip_prefix(STATUS_DIRECTORY) {
        let companion = COMPANION_SUFFIXES
            .iter()
            .any(|suffix| name.ends_with(suffix));
        if name.is_empty() || name.contains('/') || companion {
            return Kind::Ignored;
        }
        return Kind::Database;
    }
    if let Some(package) = path
        .strip_prefix(DOC_DIRECTORY)
        .and_then(|rest| rest.strip_suffix("/copyright"))
    {
        if !package.is_empty() && !package.contains('/') {
            return Kind::Copyright(package);
        }
    }
    if let Some(name) = path.strip_prefix(INFO_DIRECTORY) {
        if let Some(package) = name.strip_suffix(".list") {
            if !package.is_empty() && !package.contains('/') {
                return Kind::FileList(package);
            }
        }
    }
    Kind::Ignored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_is_recognised() {
        assert_eq!(kind_of("var/lib/dpkg/status"), Kind::Database);
        assert_eq!(
            kind_of("var/lib/dpkg/status.d/libsqlite3-0"),
            Kind::Database
        );
        assert_eq!(kind_of("var/lib/dpkg/status.d/libgtk2.0-0"), Kind::Database);
        assert_eq!(
            kind_of("var/lib/dpkg/status.d/libsqlite3-0.md5sums"),
            Kind::Ignored
        );
        assert_eq!(
            kind_of("var/lib/dpkg/status.d/libsqlite3-0.preinst"),
            Kind::Ignored
        );
        assert_eq!(
            kind_of("var/lib/dpkg/info/libc6:amd64.list"),
            Kind::FileList("libc6:amd64")
        );
        assert_eq!(kind_of("var/lib/dpkg/info/.list"), Kind::Ignored);
        assert_eq!(kind_of("var/lib/dpkg/info/bash.md5sums"), Kind::Ignored);
        assert_eq!(kind_of("var/lib/dpkg/status-old"), Kind::Ignored);
        assert_eq!(
            kind_of("usr/share/doc/bash/copyright"),
            Kind::Copyright("bash")
        );
        assert_eq!(kind_of("usr/share/doc/copyright"), Kind::Ignored);
        assert_eq!(kind_of("usr/share/doc/a/b/copyright"), Kind::Ignored);
    }
}
