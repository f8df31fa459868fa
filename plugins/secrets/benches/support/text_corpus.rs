//! Real text to measure and tune the scanner on: the text files that the Debian packages
//! installed on this machine put under a few directories (Perl and Python sources, package
//! documentation, manual pages, vim scripts, C headers). Shared by the `scan` benchmark and the
//! `anchor_tables` example, which both include this file with `#[path]`.

use std::path::Path;

/// Where the text comes from, in order.
pub const SOURCES: &[&str] = &[
    "/usr/share/perl",
    "/usr/share/perl5",
    "/usr/lib/python3",
    "/usr/lib/python3.11",
    "/usr/lib/python3.12",
    "/usr/lib/python3.13",
    "/usr/share/doc",
    "/usr/share/man",
    "/usr/share/vim",
    "/usr/include",
];

/// Bytes of a file looked at to tell text from binary: a NUL among them makes it binary.
const TEXT_PROBE_BYTES: usize = 8192;

/// The distinct text files under [`SOURCES`], in order of path, until `budget` bytes (the last
/// file may go over it). Empty when none of the directories exists.
pub fn text_files(budget: usize) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut total = 0;
    for source in SOURCES {
        collect(Path::new(source), budget, &mut files, &mut total);
    }
    files
}

/// Text files under `directory`, appended to `files` until `total` reaches `budget`.
fn collect(directory: &Path, budget: usize, files: &mut Vec<Vec<u8>>, total: &mut usize) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    // Sorted, so that the same installed packages give the same text.
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        if *total >= budget {
            return;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&entry.path(), budget, files, total);
        } else if kind.is_file() {
            let Ok(bytes) = std::fs::read(entry.path()) else {
                continue;
            };
            let head = &bytes[..bytes.len().min(TEXT_PROBE_BYTES)];
            if bytes.is_empty() || head.contains(&0) {
                continue;
            }
            *total += bytes.len();
            files.push(bytes);
        }
    }
}
