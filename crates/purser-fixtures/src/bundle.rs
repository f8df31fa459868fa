//! The files of one output (an archive or a layout directory), written as a tree or a tar.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use crate::atomic;
use crate::compression::gzip_encoder;
use crate::entry::{Entry, EntryKind};
use crate::error::{FixtureError, Result};
use crate::layer::Layer;

/// Files by relative path (`None` marks a directory), kept sorted so tars list parents first
/// and the order never depends on insertion.
#[derive(Debug, Default)]
pub(crate) struct Bundle {
    members: BTreeMap<String, Option<Vec<u8>>>,
}

impl Bundle {
    /// Adds a file and, implicitly, its parent directories; a later file at the same path
    /// replaces the earlier one (equal blobs are stored once).
    pub fn file(&mut self, path: impl Into<String>, contents: Vec<u8>) {
        let path = path.into();
        let mut parent = path.as_str();
        while let Some(slash) = parent.rfind('/') {
            parent = &parent[..slash];
            self.members.entry(parent.to_owned()).or_insert(None);
        }
        self.members.insert(path, Some(contents));
    }

    /// Writes the bundle as a tar (gzip-compressed if `gzip`) to `out`, atomically.
    pub fn write_tar(self, out: &Path, gzip: bool) -> Result<()> {
        let layer = self.into_layer();
        atomic::write_file(out, |writer| {
            if gzip {
                let encoder = layer.write_tar(gzip_encoder(writer))?;
                encoder.finish()?.flush()
            } else {
                layer.write_tar(writer).map(|_| ())
            }
        })
    }

    /// Writes the bundle as a directory tree at `out`, replacing what was there.
    pub fn write_directory(self, out: &Path) -> Result<()> {
        atomic::write_directory(out, |root| {
            for (path, contents) in &self.members {
                let target = root.join(path);
                match contents {
                    None => fs::create_dir(&target),
                    Some(contents) => fs::write(&target, contents),
                }
                .map_err(FixtureError::write(&target))?;
            }
            Ok(())
        })
    }

    /// The members as tar entries: directories `0o755`, files `0o644`.
    fn into_layer(self) -> Layer {
        let entries = self
            .members
            .into_iter()
            .map(|(path, contents)| Entry {
                path: path.into_bytes(),
                kind: match contents {
                    None => EntryKind::Directory { mode: 0o755 },
                    Some(contents) => EntryKind::File {
                        mode: 0o644,
                        contents,
                    },
                },
            })
            .collect();
        Layer::from_entries(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        let mut bundle = Bundle::default();
        bundle.file("oci-layout", b"{}".to_vec());
        bundle.file("blobs/sha256/bb", b"b".to_vec());
        bundle.file("blobs/sha256/aa", b"a".to_vec());
        bundle
    }

    #[test]
    fn tar_lists_parents_first_in_sorted_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("x.tar");
        sample().write_tar(&out, false).expect("write");

        let bytes = fs::read(&out).expect("read");
        let mut archive = tar::Archive::new(bytes.as_slice());
        let names: Vec<String> = archive
            .entries()
            .expect("opens")
            .map(|member| {
                let member = member.expect("parses");
                String::from_utf8_lossy(&member.path_bytes()).into_owned()
            })
            .collect();
        assert_eq!(
            names,
            [
                "blobs/",
                "blobs/sha256/",
                "blobs/sha256/aa",
                "blobs/sha256/bb",
                "oci-layout"
            ]
        );
    }

    #[test]
    fn directory_holds_the_same_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("layout");
        sample().write_directory(&out).expect("write");
        assert_eq!(fs::read(out.join("blobs/sha256/aa")).expect("read"), b"a");
        assert_eq!(fs::read(out.join("oci-layout")).expect("read"), b"{}");
    }
}
