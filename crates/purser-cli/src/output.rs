//! Writing results: to stdout, or to a file through a temporary file and a rename, so a
//! user's file is either replaced whole or left as it was.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Writes `text` to `path`, or to stdout when `path` is `None`.
///
/// # Errors
///
/// When the file cannot be written or renamed into place, or stdout is closed.
pub fn emit(text: &str, path: Option<&Path>) -> anyhow::Result<()> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            // A closed pipe (`purser scan ... | head`) is not an error worth a message.
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.context("cannot write to stdout"),
        };
    };
    write_atomically(path, text.as_bytes())
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = directory.join(format!(".{file_name}.purser-{}.tmp", std::process::id()));
    let result = std::fs::write(&temporary, bytes)
        .with_context(|| format!("cannot write {}", temporary.display()))
        .and_then(|()| {
            std::fs::rename(&temporary, path)
                .with_context(|| format!("cannot move the output into place at {}", path.display()))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Formats rows as left-aligned columns separated by two spaces.
pub fn columns(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|title| title.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut push_row = |cells: &mut dyn Iterator<Item = &str>| {
        let line: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    };
    push_row(&mut header.iter().copied());
    for row in rows {
        push_row(&mut row.iter().map(String::as_str));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let text = columns(
            &["NAME", "V"],
            &[
                vec!["zlib1g".into(), "1.2".into()],
                vec!["a".into(), "10".into()],
            ],
        );
        assert_eq!(text, "NAME    V\nzlib1g  1.2\na       10\n");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let directory = tempfile::tempdir().expect("temp dir");
        let target = directory.path().join("report.json");
        std::fs::write(&target, "old").expect("write");
        emit("new", Some(&target)).expect("written");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        let missing = directory.path().join("no/such/dir/report.json");
        assert!(emit("x", Some(&missing)).is_err());
        let leftovers = std::fs::read_dir(directory.path()).expect("list").count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
