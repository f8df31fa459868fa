//! Reading one entry of an archive into memory, within the inflation budget.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::limits::{Budget, Limits};

/// Why an entry was not read.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    /// The zip structure of the entry is damaged, encrypted or uses an unsupported method.
    #[error("failed to open entry {entry}: {source}")]
    Open {
        /// The entry's name.
        entry: String,
        /// The zip error.
        source: zip::result::ZipError,
    },
    /// Inflating failed part way (corrupt deflate stream, bad CRC).
    #[error("failed to inflate entry {entry}: {source}")]
    Inflate {
        /// The entry's name.
        entry: String,
        /// The I/O error from the inflater.
        source: std::io::Error,
    },
    /// The entry is larger than the per-entry cap the caller gave.
    #[error("entry {entry} is larger than {cap} bytes; not read")]
    TooLarge {
        /// The entry's name.
        entry: String,
        /// The cap.
        cap: u64,
    },
    /// Reading the entry would exceed the inflation budget of the whole archive.
    #[error(
        "entry {entry} inflates past the limit of {limit} bytes for the whole archive \
         (a zip bomb?); reading stopped"
    )]
    BudgetExhausted {
        /// The entry's name.
        entry: String,
        /// The archive-wide limit.
        limit: u64,
    },
}

/// Inflates entry `index` of `archive`, reading at most `cap` bytes and charging `budget`.
///
/// The declared size is checked first, so a bomb that admits its size costs nothing; one that
/// lies is stopped as soon as it inflates one byte past what is allowed.
///
/// # Errors
///
/// See [`EntryError`]. `BudgetExhausted` also sets `budget.stopped`.
pub fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    cap: u64,
    budget: &mut Budget,
    limits: &Limits,
) -> Result<Vec<u8>, EntryError> {
    let remaining = budget.remaining_bytes(limits);
    let entry = archive
        .name_for_index(index)
        .map_or_else(|| format!("#{index}"), str::to_owned);
    let mut file = archive.by_index(index).map_err(|source| EntryError::Open {
        entry: entry.clone(),
        source,
    })?;

    // The declared size can lie; it is only used to refuse early.
    let declared = file.size();
    if declared > remaining {
        budget.stopped = true;
        return Err(EntryError::BudgetExhausted {
            entry,
            limit: limits.max_inflated_bytes,
        });
    }
    if declared > cap {
        return Err(EntryError::TooLarge { entry, cap });
    }

    let allowed = cap.min(remaining);
    let mut bytes = Vec::with_capacity(usize::try_from(declared.min(allowed)).unwrap_or(0));
    let read = (&mut file)
        .take(allowed.saturating_add(1))
        .read_to_end(&mut bytes);
    budget.inflated_bytes = budget
        .inflated_bytes
        .saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
    read.map_err(|source| EntryError::Inflate {
        entry: entry.clone(),
        source,
    })?;

    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > allowed {
        // Whichever bound was tighter is the one that was hit.
        if remaining <= cap {
            budget.stopped = true;
            return Err(EntryError::BudgetExhausted {
                entry,
                limit: limits.max_inflated_bytes,
            });
        }
        return Err(EntryError::TooLarge { entry, cap });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::ZipWriter;

    use super::*;

    fn one_entry_archive(bytes: &[u8]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .start_file("META-INF/MANIFEST.MF", SimpleFileOptions::default())
            .expect("entry starts");
        writer.write_all(bytes).expect("entry written");
        writer.finish().expect("archive finished").into_inner()
    }

    #[test]
    fn entries_within_the_cap_are_read_and_charged() {
        let bytes = one_entry_archive(b"Manifest-Version: 1.0\n");
        let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).expect("valid");
        let mut budget = Budget::default();
        let read = read_entry(&mut archive, 0, 100, &mut budget, &Limits::default()).expect("read");
        assert_eq!(read, b"Manifest-Version: 1.0\n");
        assert_eq!(budget.inflated_bytes, 22);
        assert!(!budget.stopped);
    }

    #[test]
    fn an_entry_over_the_cap_is_skipped_without_stopping_the_archive() {
        let bytes = one_entry_archive(&[b'x'; 5000]);
        let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).expect("valid");
        let mut budget = Budget::default();
        let error = read_entry(&mut archive, 0, 1000, &mut budget, &Limits::default())
            .expect_err("too large");
        assert!(
            matches!(error, EntryError::TooLarge { cap: 1000, .. }),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "entry META-INF/MANIFEST.MF is larger than 1000 bytes; not read"
        );
        assert!(!budget.stopped);
    }

    #[test]
    fn an_exhausted_budget_stops_the_archive() {
        let bytes = one_entry_archive(&[b'x'; 5000]);
        let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).expect("valid");
        let limits = Limits {
            max_inflated_bytes: 6000,
            ..Limits::default()
        };
        let mut budget = Budget {
            inflated_bytes: 2000,
            ..Budget::default()
        };
        let error =
            read_entry(&mut archive, 0, 1 << 20, &mut budget, &limits).expect_err("over budget");
        assert!(
            matches!(error, EntryError::BudgetExhausted { limit: 6000, .. }),
            "{error}"
        );
        assert!(budget.stopped);
    }
}
