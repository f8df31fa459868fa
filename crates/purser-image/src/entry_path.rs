//! Normalising paths stored in layers: relative to the image root, `/` separated, no `.` or
//! `..` components, `..` clamped at the root as container runtimes do (they join every entry
//! name onto the root with a lexical clean, so `../../etc/passwd` lands on `etc/passwd`).

/// A normalised path and what normalising it had to fix.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NormalisedPath {
    /// The path; empty for the root itself.
    pub path: String,
    /// A `..` component would have left the root.
    pub clamped: bool,
    /// The stored path started with `/`.
    pub absolute: bool,
    /// The stored path was not valid UTF-8.
    pub lossy: bool,
}

/// Normalises a stored path (bytes as in the archive).
pub(crate) fn normalise(raw: &[u8]) -> NormalisedPath {
    match std::str::from_utf8(raw) {
        Ok(text) => normalise_text(text, false),
        Err(_) => normalise_text(&String::from_utf8_lossy(raw), true),
    }
}

/// Normalises a path that is already text (link targets, symlink resolution).
pub(crate) fn normalise_str(text: &str) -> NormalisedPath {
    normalise_text(text, false)
}

fn normalise_text(text: &str, lossy: bool) -> NormalisedPath {
    let mut components: Vec<&str> = Vec::new();
    let mut clamped = false;
    for component in text.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                if components.pop().is_none() {
                    clamped = true;
                }
            }
            other => components.push(other),
        }
    }
    NormalisedPath {
        path: components.join("/"),
        clamped,
        absolute: text.starts_with('/'),
        lossy,
    }
}

/// The parent directory of a normalised path (`""` for top-level entries).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// The last component of a normalised path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// `parent/name`, or `name` at the root.
pub(crate) fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(raw: &str) -> String {
        normalise(raw.as_bytes()).path
    }

    #[test]
    fn ordinary_paths() {
        assert_eq!(path("etc/passwd"), "etc/passwd");
        assert_eq!(path("./etc/passwd"), "etc/passwd");
        assert_eq!(path("etc//ssl/./certs/"), "etc/ssl/certs");
        assert_eq!(path("a/b/../c"), "a/c");
        assert_eq!(path("./"), "");
        assert_eq!(path("."), "");
        assert!(!normalise(b"./a/../b").clamped);
    }

    #[test]
    fn escapes_are_clamped_at_the_root() {
        let escaped = normalise(b"../../etc/passwd");
        assert_eq!(escaped.path, "etc/passwd");
        assert!(escaped.clamped);

        let sneaky = normalise(b"a/../../b");
        assert_eq!(sneaky.path, "b");
        assert!(sneaky.clamped);

        let absolute = normalise(b"/etc/shadow");
        assert_eq!(absolute.path, "etc/shadow");
        assert!(absolute.absolute);
        assert!(!absolute.clamped);

        assert_eq!(path("/../.."), "");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_flagged() {
        let normalised = normalise(b"caf\xe9/x");
        assert!(normalised.lossy);
        assert_eq!(normalised.path, "caf\u{fffd}/x");
    }

    #[test]
    fn parent_name_and_join() {
        assert_eq!(parent("a/b/c"), "a/b");
        assert_eq!(parent("a"), "");
        assert_eq!(file_name("a/b/c"), "c");
        assert_eq!(file_name("a"), "a");
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("a/b", "c"), "a/b/c");
    }
}
