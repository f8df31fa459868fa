//! Writing outputs so that a reader never sees half of one: build beside, then rename.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{FixtureError, Result};

/// Distinguishes temporary names of concurrent writers in one process.
static NEXT_TEMPORARY: AtomicU64 = AtomicU64::new(0);

/// Writes the file `out` through `write`, via a temporary file in the same directory that is
/// renamed over `out` only once `write` succeeded. The parent directory is created if needed.
pub(crate) fn write_file<F>(out: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    let temporary = temporary_sibling(out)?;
    let result = File::create(&temporary).and_then(|file| {
        let mut writer = BufWriter::new(file);
        write(&mut writer)?;
        writer.flush()
    });
    finish(result.map_err(FixtureError::write(out)), &temporary, out)
}

/// Builds the directory `out` by calling `fill` on a fresh temporary directory beside it, then
/// replaces whatever was at `out` with it.
pub(crate) fn write_directory<F>(out: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let temporary = temporary_sibling(out)?;
    let result = fs::create_dir(&temporary)
        .map_err(FixtureError::write(&temporary))
        .and_then(|()| fill(&temporary));
    finish(result, &temporary, out)
}

/// Renames `temporary` to `out` after success, or removes it after failure.
fn finish(result: Result<()>, temporary: &Path, out: &Path) -> Result<()> {
    if let Err(error) = result {
        remove_any(temporary);
        return Err(error);
    }
    if fs::symlink_metadata(out).is_ok_and(|metadata| metadata.is_dir()) {
        fs::remove_dir_all(out).map_err(FixtureError::write(out))?;
    }
    fs::rename(temporary, out).map_err(|source| {
        remove_any(temporary);
        FixtureError::Write {
            path: out.to_path_buf(),
            source,
        }
    })
}

/// A fresh name next to `out`: `.NAME.tmp.PID.N`; creates the parent directory.
fn temporary_sibling(out: &Path) -> Result<PathBuf> {
    let parent = out
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(FixtureError::write(parent))?;

    let name = out.file_name().map_or_else(
        || "output".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    let counter = NEXT_TEMPORARY.fetch_add(1, Ordering::Relaxed);
    Ok(parent.join(format!(".{name}.tmp.{}.{counter}", std::process::id())))
}

/// Best-effort cleanup of a temporary file or directory; the original error matters more.
fn remove_any(path: &Path) {
    let removed = if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    if let Err(error) = removed {
        tracing::debug!(path = %path.display(), %error, "could not remove temporary output");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_replaces_old_content_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("nested/out.txt");
        write_file(&out, |writer| writer.write_all(b"one")).expect("first write");
        write_file(&out, |writer| writer.write_all(b"two")).expect("second write");
        assert_eq!(fs::read(&out).expect("readable"), b"two");
        assert_eq!(
            fs::read_dir(out.parent().expect("parent"))
                .expect("list")
                .count(),
            1
        );
    }

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out.txt");
        write_file(&out, |writer| writer.write_all(b"good")).expect("write");
        let error =
            write_file(&out, |_| Err(io::Error::other("disk on fire"))).expect_err("must fail");
        let cause = std::error::Error::source(&error).expect("io error kept as source");
        assert_eq!(cause.to_string(), "disk on fire");
        assert!(error.to_string().starts_with("failed to write "), "{error}");
        assert_eq!(fs::read(&out).expect("readable"), b"good");
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn directory_replaces_an_existing_directory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("tree");
        fs::create_dir(&out).expect("mkdir");
        fs::write(out.join("stale"), "old").expect("write");
        write_directory(&out, |temporary| {
            fs::write(temporary.join("fresh"), "new").map_err(FixtureError::write(temporary))
        })
        .expect("replace");
        assert!(out.join("fresh").exists());
        assert!(!out.join("stale").exists());
    }
}
