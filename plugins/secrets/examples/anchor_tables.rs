//! Writes the two tables the keyword prefilter picks its anchors with, from real text (see
//! `data/README.md`):
//!
//! - `byte_commonness.bin`: 256 bytes, one per byte value, `8 * log2(count) + 1` rounded and
//!   capped at 255, where `count` is how often the byte occurs in the lowercased text; 0 when it
//!   never does.
//! - `common_trigrams.bin`: the [`COMMON_TRIGRAM_COUNT`] most frequent three-byte sequences of
//!   the lowercased text, most frequent first (ties in byte order), three bytes each.
//!
//! Run from the workspace root on a Debian or Ubuntu system:
//! `cargo run --release -p purser-analyzer-secrets --example anchor_tables -- plugins/secrets/data`

#[path = "../benches/support/text_corpus.rs"]
mod text_corpus;

use std::path::PathBuf;
use std::process::ExitCode;

/// How much text the tables are counted over.
const CORPUS_BYTES: usize = 100 * 1024 * 1024;

/// How many trigrams `common_trigrams.bin` holds.
const COMMON_TRIGRAM_COUNT: usize = 2000;

fn main() -> ExitCode {
    let Some(directory) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: anchor_tables <output directory, e.g. plugins/secrets/data>");
        return ExitCode::FAILURE;
    };
    let files = text_corpus::text_files(CORPUS_BYTES);
    if files.is_empty() {
        eprintln!(
            "no text files under {:?}: run this on a Debian or Ubuntu system",
            text_corpus::SOURCES
        );
        return ExitCode::FAILURE;
    }

    let mut byte_counts = [0u64; 256];
    let mut trigram_counts = vec![0u32; 1 << 24];
    let mut total = 0;
    for file in &files {
        let lowercase = file.to_ascii_lowercase();
        total += lowercase.len();
        for byte in &lowercase {
            byte_counts[usize::from(*byte)] += 1;
        }
        for trigram in lowercase.windows(3) {
            let index = usize::from(trigram[0]) << 16
                | usize::from(trigram[1]) << 8
                | usize::from(trigram[2]);
            trigram_counts[index] = trigram_counts[index].saturating_add(1);
        }
    }

    let commonness: Vec<u8> = byte_counts.iter().map(|count| commonness(*count)).collect();
    let mut ranked: Vec<usize> = (0..trigram_counts.len())
        .filter(|index| trigram_counts[*index] > 0)
        .collect();
    ranked.sort_by_key(|index| (std::cmp::Reverse(trigram_counts[*index]), *index));
    let common_trigrams: Vec<u8> = ranked
        .iter()
        .take(COMMON_TRIGRAM_COUNT)
        .flat_map(|index| [(index >> 16) as u8, (index >> 8) as u8, *index as u8])
        .collect();

    for (name, contents) in [
        ("byte_commonness.bin", &commonness),
        ("common_trigrams.bin", &common_trigrams),
    ] {
        let path = directory.join(name);
        if let Err(error) = std::fs::write(&path, contents) {
            eprintln!("failed to write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    eprintln!(
        "counted {} files, {:.1} MB; wrote byte_commonness.bin and common_trigrams.bin to {}",
        files.len(),
        total as f64 / 1e6,
        directory.display()
    );
    ExitCode::SUCCESS
}

/// A byte's count on the table's log scale.
fn commonness(count: u64) -> u8 {
    if count == 0 {
        return 0;
    }
    (8.0 * (count as f64).log2() + 1.0).round().min(255.0) as u8
}
