//! One rpmdb file, whatever its backend: from the file's bytes to package findings and
//! diagnostics.

use purser_plugin_api::{Diagnostic, OwnedFiles, Package};

use crate::blob::{Blobs, DatabaseError};
use crate::header::parse_header;
use crate::package::{package_finding, ECOSYSTEM};
use crate::{berkeley, ndb, sqlite};

/// The three on-disk formats rpm has used for its package database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatabaseFormat {
    /// Berkeley DB hash, `Packages` (rpm before 4.16).
    BerkeleyDb,
    /// rpm's own NDB, `Packages.db` (SUSE).
    Ndb,
    /// SQLite, `rpmdb.sqlite` (rpm 4.16 and later: Fedora 33+, RHEL 9+).
    Sqlite,
}

impl DatabaseFormat {
    /// The format a database file of this name holds, by rpm's file naming; `None` for other
    /// names.
    pub fn from_file_name(name: &str) -> Option<Self> {
        match name {
            "Packages" => Some(DatabaseFormat::BerkeleyDb),
            "Packages.db" => Some(DatabaseFormat::Ndb),
            "rpmdb.sqlite" => Some(DatabaseFormat::Sqlite),
            _ => None,
        }
    }

    /// The header blobs stored in `contents`.
    pub fn read_blobs(self, contents: &[u8]) -> Blobs<'_> {
        match self {
            DatabaseFormat::BerkeleyDb => berkeley::read_hash_database(contents),
            DatabaseFormat::Ndb => ndb::read_ndb(contents),
            DatabaseFormat::Sqlite => sqlite::read_packages_table(contents),
        }
    }
}

/// What one database file gave.
#[derive(Debug, Default)]
pub struct DatabaseReading {
    /// One finding per readable package header, in storage order.
    pub packages: Vec<Package>,
    /// The files of each package that owns any, in the order of `packages`.
    pub owned_files: Vec<OwnedFiles>,
    /// One per unreadable record, plus one when the file's structure stopped the reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the rpm database at `path` (relative to the image root) in `format`.
///
/// Never fails as a whole: damage becomes error diagnostics naming the file and, where it is
/// confined to one package, the record; the packages read before or around it are kept.
pub fn read_database(path: &str, format: DatabaseFormat, contents: &[u8]) -> DatabaseReading {
    let blobs = format.read_blobs(contents);
    let mut reading = DatabaseReading {
        packages: Vec::with_capacity(blobs.records.len()),
        owned_files: Vec::with_capacity(blobs.records.len()),
        diagnostics: Vec::new(),
    };

    for record in blobs.records {
        match parse_header(&record.blob) {
            Ok(mut header) => {
                tracing::trace!(path, record = record.record, name = %header.name, "rpm package");
                let paths = std::mem::take(&mut header.paths);
                if !paths.is_empty() {
                    reading.owned_files.push(OwnedFiles {
                        ecosystem: ECOSYSTEM.to_owned(),
                        package: header.name.clone(),
                        source_path: path.to_owned(),
                        paths,
                    });
                }
                reading.packages.push(package_finding(header, path));
            }
            Err(error) => reading.diagnostics.push(Diagnostic::error(
                path,
                format!("failed to read rpm record {}: {error}", record.record),
            )),
        }
    }
    for error in blobs.errors {
        let message = match &error {
            DatabaseError::Record { .. } => format!("failed to read rpm {error}"),
            DatabaseError::Format { .. } => format!("failed to read the rpm database: {error}"),
        };
        reading.diagnostics.push(Diagnostic::error(path, message));
    }
    tracing::debug!(
        path,
        ?format,
        packages = reading.packages.len(),
        problems = reading.diagnostics.len(),
        "rpm database read"
    );
    reading
}
