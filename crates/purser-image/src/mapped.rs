//! Read-only memory maps of input files, the one place this crate uses `unsafe`.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;
use std::path::Path;

use memmap2::Mmap;

/// A whole file mapped read-only into memory.
pub(crate) struct MappedFile {
    map: Mmap,
}

impl MappedFile {
    /// Opens `path` read-only and maps it.
    pub(crate) fn open(path: &Path) -> io::Result<MappedFile> {
        let file = File::open(path)?;
        MappedFile::map(&file)
    }

    /// Maps an open file; the file may be closed afterwards, the map stays valid.
    pub(crate) fn map(file: &File) -> io::Result<MappedFile> {
        // SAFETY: `Mmap::map` is unsafe because the mapped bytes may change underneath us if the
        // file is modified. Purser opens inputs read-only and only ever hands out shared `&[u8]`
        // borrows of the map, never a mutable view. The remaining risk, accepted here, is that
        // another process truncates or rewrites the input file while it is mapped; the scan
        // then sees changed bytes (caught by digest verification) or dies of SIGBUS.
        let map = unsafe { Mmap::map(file)? };
        Ok(MappedFile { map })
    }

    /// The mapped bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.map
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn maps_file_contents_and_empty_files() {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        let empty = MappedFile::open(file.path()).expect("map empty file");
        assert!(empty.bytes().is_empty());

        file.write_all(b"hello").expect("write");
        let mapped = MappedFile::open(file.path()).expect("map");
        assert_eq!(mapped.bytes(), b"hello");
    }
}
