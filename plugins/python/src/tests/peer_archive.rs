//! Files read straight out of the peers' public test archives in `shared/data/peer-tests`
//! (origins and commits in `shared/data/SOURCES.md`), so that the tests run on the peers' own
//! fixtures and goldens without a copy of them in this repository.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

/// The folder of the peers' archives, beside this repository.
fn archive_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/peer-tests")
}

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
        let path = archive_folder().join(format!("{archive}.tar.zst"));
        let file = File::open(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let decoder = zstd::Decoder::new(file).expect("zstd decoder");
        let mut tar = tar::Archive::new(decoder);
        let top = format!("{archive}/");

        let mut files = BTreeMap::new();
        for entry in tar.entries().expect("tar entries") {
            let mut entry = entry.unwrap_or_else(|error| panic!("{archive}: {error}"));
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = entry
                .path()
                .expect("entry path")
                .to_string_lossy()
                .into_owned();
            let Some(inner) = name.strip_prefix(&top) else {
                continue;
            };
            if !prefixes.iter().any(|prefix| inner.starts_with(prefix)) {
                continue;
            }
            let mut contents = Vec::new();
            entry
                .read_to_end(&mut contents)
                .unwrap_or_else(|error| panic!("{archive}: {inner}: {error}"));
            files.insert(inner.to_owned(), contents);
        }

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
