//! Test support: the real public data in `../shared/data` beside the repository (advisories,
//! version vectors, the peers' test fixtures), read in place from its `.tar.zst` archives so
//! that no copy of it lives in this repository. Tests and benchmarks use it; nothing ships it.
//!
//! Every function panics with a message naming the archive and what went wrong: a test that
//! cannot read its data must fail loudly, never pass on nothing.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The `shared/data` folder beside the repository (CI always has it).
pub fn shared_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The regular files of the `.tar.zst` archive at `archive` whose path inside the archive
/// `keep` accepts, keyed by that path.
///
/// # Panics
///
/// When the archive cannot be opened or its stream is damaged; the message names the archive
/// and says that the shared data folder must sit beside the repository.
pub fn archive_files(archive: &Path, keep: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<u8>> {
    let name = archive.display();
    let file = File::open(archive).unwrap_or_else(|error| {
        panic!(
            "cannot open {name}: {error}; these tests need the shared data folder \
             `../shared/data` beside the repository"
        )
    });
    let decoder =
        zstd::Decoder::new(file).unwrap_or_else(|error| panic!("{name}: not zstd: {error}"));
    let mut tar = tar::Archive::new(decoder);

    let mut files = BTreeMap::new();
    let entries = tar
        .entries()
        .unwrap_or_else(|error| panic!("{name}: not a tar: {error}"));
    for entry in entries {
        let mut entry = entry.unwrap_or_else(|error| panic!("{name}: damaged entry: {error}"));
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .unwrap_or_else(|error| panic!("{name}: unreadable entry path: {error}"))
            .to_string_lossy()
            .into_owned();
        if !keep(&path) {
            continue;
        }
        let mut contents = Vec::new();
        entry
            .read_to_end(&mut contents)
            .unwrap_or_else(|error| panic!("{name}: {path}: {error}"));
        files.insert(path, contents);
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_filtered_by_their_path_inside_the_archive() {
        let archive = shared_data_dir().join("version-vectors/go-apk-version-data.tar.zst");
        let everything = archive_files(&archive, |_| true);
        assert!(!everything.is_empty());
        let none = archive_files(&archive, |_| false);
        assert!(none.is_empty());
    }

    #[test]
    #[should_panic(expected = "beside the repository")]
    fn a_missing_archive_names_the_shared_folder() {
        archive_files(Path::new("/nonexistent/archive.tar.zst"), |_| true);
    }
}
