//! The final merged root filesystem of an image, as a plain directory.
//!
//! Layers are applied lowest first with the OCI rules (image-spec `layer.md`): in each layer,
//! whiteouts and opaque markers first remove what lower layers put there, then the layer's
//! other members are added, replacing whatever was at their paths.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use crate::atomic;
use crate::built::{BuiltImage, OutputFormat};
use crate::entry::{Entry, EntryKind};
use crate::error::{FixtureError, Result};
use crate::image_spec::ImageSpec;
use crate::layer::Layer;

/// Writes the merged root filesystem of `image` to the directory `out`, replacing it.
///
/// Files keep their modes, setuid and setgid bits included; directories get their layer
/// modes once everything is written. Device nodes are skipped, since creating them needs
/// privileges. Owners and times are those of the process and the moment of writing.
///
/// # Errors
///
/// [`FixtureError::UnsafeRootfsEntry`] for a member whose path is absolute, contains `..`,
/// or passes through a symlink (hostile layers cannot be merged safely), or for a hard link to
/// a missing target; [`FixtureError::Write`] if `out` cannot be written.
pub fn write_rootfs(image: &ImageSpec, out: &Path) -> Result<BuiltImage> {
    atomic::write_directory(out, |root| {
        let mut merge = Merge {
            root,
            reference: &image.reference,
            directory_modes: Vec::new(),
        };
        for layer in &image.layers {
            merge.apply(layer)?;
        }
        merge.finish()
    })?;
    tracing::debug!(out = %out.display(), reference = %image.reference, "wrote root directory");
    Ok(BuiltImage {
        path: out.to_path_buf(),
        format: OutputFormat::RootDirectory,
        index_digest: None,
        manifests: Vec::new(),
    })
}

/// State of one merge into `root`.
struct Merge<'a> {
    root: &'a Path,
    reference: &'a str,
    /// Directory modes to set at the end, so a read-only directory cannot block later writes.
    directory_modes: Vec<(PathBuf, u32)>,
}

impl Merge<'_> {
    /// Applies one layer: deletions first, then additions.
    fn apply(&mut self, layer: &Layer) -> Result<()> {
        for entry in layer.entries() {
            if entry.is_opaque_marker() {
                let dir = self.resolve(entry, entry.parent())?;
                clear_directory(&dir)?;
            } else if let Some(deleted) = entry.whited_out_path() {
                let path = self.resolve(entry, &deleted)?;
                remove_existing(&path)?;
            }
        }
        for entry in layer.entries() {
            if !entry.is_opaque_marker() && entry.whited_out_path().is_none() {
                self.add(entry)?;
            }
        }
        Ok(())
    }

    /// Adds one member, replacing what is at its path.
    fn add(&mut self, entry: &Entry) -> Result<()> {
        let path = self.resolve(entry, &entry.path)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(FixtureError::write(parent))?;
        }
        match &entry.kind {
            EntryKind::Directory { mode } => {
                if !fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_dir()) {
                    remove_existing(&path)?;
                    fs::create_dir(&path).map_err(FixtureError::write(&path))?;
                }
                self.directory_modes.push((path, *mode));
            }
            EntryKind::File { mode, contents } => {
                remove_existing(&path)?;
                fs::write(&path, contents).map_err(FixtureError::write(&path))?;
                set_mode(&path, *mode)?;
            }
            EntryKind::Symlink { target } => {
                remove_existing(&path)?;
                symlink(OsStr::from_bytes(target), &path).map_err(FixtureError::write(&path))?;
            }
            EntryKind::Hardlink { target } => {
                let original = self.resolve(entry, target)?;
                if fs::symlink_metadata(&original).is_err() {
                    return Err(self.unsafe_entry(entry, "hard link target does not exist"));
                }
                remove_existing(&path)?;
                fs::hard_link(&original, &path).map_err(FixtureError::write(&path))?;
            }
            EntryKind::CharDevice { .. } => {
                tracing::debug!(path = %path.display(), "skipped device node in root directory");
            }
        }
        Ok(())
    }

    /// Sets the recorded directory modes, deepest first.
    fn finish(mut self) -> Result<()> {
        self.directory_modes
            .sort_by_key(|(path, _)| std::cmp::Reverse(path.components().count()));
        for (path, mode) in &self.directory_modes {
            if fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_dir()) {
                set_mode(path, *mode)?;
            }
        }
        Ok(())
    }

    /// Maps a member path into the root, refusing anything that could land outside it.
    fn resolve(&self, entry: &Entry, member_path: &[u8]) -> Result<PathBuf> {
        let relative = Path::new(OsStr::from_bytes(member_path));
        let mut resolved = self.root.to_path_buf();
        for component in relative.components() {
            match component {
                Component::Normal(name) => {
                    if fs::symlink_metadata(&resolved).is_ok_and(|meta| meta.is_symlink()) {
                        return Err(self.unsafe_entry(entry, "a parent directory is a symlink"));
                    }
                    resolved.push(name);
                }
                Component::CurDir => {}
                Component::RootDir | Component::Prefix(_) => {
                    return Err(self.unsafe_entry(entry, "absolute path"));
                }
                Component::ParentDir => return Err(self.unsafe_entry(entry, "path contains ..")),
            }
        }
        Ok(resolved)
    }

    /// The error for a member that cannot be placed.
    fn unsafe_entry(&self, entry: &Entry, reason: &'static str) -> FixtureError {
        FixtureError::UnsafeRootfsEntry {
            reference: self.reference.to_owned(),
            entry: String::from_utf8_lossy(&entry.path).into_owned(),
            reason,
        }
    }
}

/// Removes every child of `dir` if it is a directory.
fn clear_directory(dir: &Path) -> Result<()> {
    if !fs::symlink_metadata(dir).is_ok_and(|metadata| metadata.is_dir()) {
        return Ok(());
    }
    for child in fs::read_dir(dir).map_err(FixtureError::read(dir))? {
        let child = child.map_err(FixtureError::read(dir))?;
        remove_existing(&child.path())?;
    }
    Ok(())
}

/// Removes a file, symlink or directory tree at `path`; nothing there is fine.
fn remove_existing(path: &Path) -> Result<()> {
    let Ok(metadata) = fs::symlink_metadata(path) else {
        return Ok(());
    };
    if metadata.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
    .map_err(FixtureError::write(path))
}

/// Sets permission bits, including setuid, setgid and sticky.
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(FixtureError::write(path))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;
    use crate::image_spec::Platform;

    fn image(layers: Vec<Layer>) -> ImageSpec {
        let mut image = ImageSpec::new("purser-fixtures/merge:1", Platform::linux_amd64());
        image.layers = layers;
        image
    }

    #[test]
    fn whiteouts_opaque_dirs_and_replacements_apply_in_order() {
        let lower = Layer::new()
            .dir("app", 0o755)
            .dir("app/static", 0o755)
            .file("app/static/old.css", 0o644, "old")
            .file("app/secret", 0o600, "key")
            .file("etc/motd", 0o644, "hello")
            .file("usr/bin/passwd", 0o4755, "binary")
            .hardlink("usr/bin/passwd-again", "usr/bin/passwd")
            .symlink("bin", "usr/bin")
            .char_device("dev/null", 1, 3)
            .dir("tmp", 0o1777);
        let upper = Layer::new()
            .whiteout("app/secret")
            .file("app/static/new.css", 0o644, "new")
            .opaque("app/static")
            .file("etc/motd", 0o644, "replaced");

        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("rootfs");
        write_rootfs(&image(vec![lower, upper]), &out).expect("merged");

        assert!(!out.join("app/secret").exists());
        assert!(!out.join("app/static/old.css").exists());
        assert_eq!(
            fs::read(out.join("app/static/new.css")).expect("read"),
            b"new"
        );
        assert_eq!(fs::read(out.join("etc/motd")).expect("read"), b"replaced");
        let passwd = fs::metadata(out.join("usr/bin/passwd")).expect("stat");
        assert_eq!(passwd.mode() & 0o7777, 0o4755);
        assert_eq!(
            fs::metadata(out.join("usr/bin/passwd-again"))
                .expect("stat")
                .ino(),
            passwd.ino()
        );
        assert_eq!(
            fs::read_link(out.join("bin")).expect("link"),
            Path::new("usr/bin")
        );
        assert!(!out.join("dev/null").exists());
        assert_eq!(
            fs::metadata(out.join("tmp")).expect("stat").mode() & 0o7777,
            0o1777
        );
    }

    #[test]
    fn hostile_paths_are_refused() {
        for layer in [
            Layer::new().raw_name("../escape", "x"),
            Layer::new().raw_name("/etc/evil", "x"),
            Layer::new()
                .symlink("link", "/tmp")
                .file("link/x", 0o644, "x"),
        ] {
            let dir = tempfile::tempdir().expect("temp dir");
            let error = write_rootfs(&image(vec![layer]), &dir.path().join("rootfs"))
                .expect_err("must refuse");
            assert!(
                error.to_string().starts_with("cannot place layer entry"),
                "{error}"
            );
            assert!(!dir.path().join("escape").exists());
        }
    }
}
