//! Files read straight out of the peers' public test archives in `shared/data/peer-tests`
//! (origins and commits in `shared/data/SOURCES.md`), so that the tests run on the peers' own
//! fixtures and goldens without a copy of them in this repository.

use std::collections::BTreeMap;

use purser_test_data::{archive_files, shared_data_dir};

/// The regular files of one archive under the folders asked for, by path inside the archive
/// without its top folder (`pkg/dependency/parser/python/...`).
pub(super) struct PeerFiles {
    archive: String,
    files: BTreeMap<String, Vec<u8>>,
}

impl PeerFiles {
    /// Reads every regular file of `<archive>.tar.zst` whose path starts with one of
    /// `prefixes`. Panics, naming the archive, when it cannot be read or when a prefix matches
    /// nothing: a test must not pass vacuously because a fixture moved.
    pub(super) fn read(archive: &str, prefixes: &[&str]) -> PeerFiles {
        let path = shared_data_dir().join(format!("peer-tests/{archive}.tar.zst"));
        let top = format!("{archive}/");
        let wanted = |inner: &str| prefixes.iter().any(|prefix| inner.starts_with(prefix));
        let files: BTreeMap<String, Vec<u8>> =
            archive_files(&path, |name| name.strip_prefix(&top).is_some_and(wanted))
                .into_iter()
                .filter_map(|(name, contents)| {
                    Some((name.strip_prefix(&top)?.to_owned(), contents))
                })
                .collect();

        for prefix in prefixes {
            assert!(
                files.keys().any(|inner| inner.starts_with(prefix)),
                "{archive}: nothing under {prefix}"
            );
        }
        PeerFiles {
            archive: archive.to_owned(),
            files,
        }
    }

    /// The bytes of the file at `inner`; panics naming it when it was not read.
    pub(super) fn get(&self, inner: &str) -> &[u8] {
        self.files
            .get(inner)
            .unwrap_or_else(|| panic!("{}: no file {inner}", self.archive))
    }

    /// `(path, bytes)` of every file read under `prefix`, by path.
    pub(super) fn under<'s>(
        &'s self,
        prefix: &'s str,
    ) -> impl Iterator<Item = (&'s str, &'s [u8])> + 's {
        self.files
            .iter()
            .filter(move |(inner, _)| inner.starts_with(prefix))
            .map(|(inner, contents)| (inner.as_str(), contents.as_slice()))
    }
}
