//! # The rpm analyzer: packages of RHEL, CentOS, Rocky, Alma, Fedora, Amazon Linux, SUSE and
//! Mariner images
//!
//! Reads rpm's package database in pure Rust, without librpm and without a C SQLite, in all three
//! formats rpm has used:
//!
//! | file | format | reader |
//! |---|---|---|
//! | `rpmdb.sqlite` | SQLite (rpm 4.16+: Fedora 33+, RHEL 9+, Amazon Linux 2023) | [`sqlite`] |
//! | `Packages` | Berkeley DB hash (RHEL/CentOS ≤ 8, Amazon Linux 2, old SUSE) | [`berkeley`] |
//! | `Packages.db` | rpm's NDB (SLES 15 SP3+, openSUSE since 2021) | [`ndb`] |
//!
//! in `var/lib/rpm`, `usr/lib/sysimage/rpm` or `usr/share/rpm`. Each backend yields the stored
//! header blobs ([`blob`]); [`header`] decodes a blob and [`package`] turns it into a finding.
//! A layer with several databases reports only the one rpm would use (see [`RpmAnalyzer`]).
//!
//! ## The findings
//!
//! - `ecosystem` is `rpm`, the package format; the distribution is settled later with the
//!   operating-system finding.
//! - `name` is `NAME`; `version` is `[epoch:]version-release` exactly as `rpm -q --qf
//!   '%{EVR}'` prints it: the epoch appears whenever the header declares one, `0` included.
//! - `purl` is `pkg:rpm/<namespace>/<name>@<version>-<release>?arch=<arch>&epoch=<epoch>`, the
//!   epoch qualifier only when non-zero; the namespace comes from the vendor
//!   ([`package::vendor_namespace`]), `redhat` when it names no known distribution.
//! - `licenses` holds `LICENSE` as one string, unsplit, as declared.
//! - `metadata`: `epoch` (when declared), `version`, `release`, `architecture`, `source_rpm`,
//!   `source_package` (the name part of the source RPM's file name), `vendor`,
//!   `modularity_label`, `installed_size` and `files` (the number of files the package owns);
//!   keys whose value is empty are left out.
//! - `source_path` is the database file.
//!
//! Each package with files also gives one [`purser_plugin_api::Finding::OwnedFiles`]: `ecosystem`
//! `rpm`, `package` its name, `source_path` the database file, `paths` the header's file names
//! (`DIRNAMES` joined with `BASENAMES`, or `OLDFILENAMES`) without the leading `/`. The engine
//! uses them to fold language packages the distribution ships (`python3-pyyaml`'s PyYAML) into
//! their rpm package; they are not in the report. When a layer holds several databases, only the
//! chosen one's owned files are reported, like its packages.
//!
//! Damaged input never fails the analysis and never panics: a header that cannot be decoded is an
//! error diagnostic naming the file and the record (its header instance); damage to the file's
//! structure is one error diagnostic and the packages read before it are kept.
//!
//! # Limitations
//!
//! - Limitation: SQLite databases in WAL mode are read from the main file only; changes still in
//!   `rpmdb.sqlite-wal` (a container snapshotted while rpm was writing) are not seen, so the
//!   user sees the package list as of the last checkpoint.
//! - Limitation: a Berkeley DB `Packages` is read by walking all its hash pages in file order,
//!   not by following buckets, as every public reader does; a page that Berkeley DB freed but
//!   did not retype would be read as live.
//! - Limitation: when two layers each hold a different-format database and the later layer does
//!   not delete the older file, both are reported (the choice of one database is made per layer).
//! - Limitation: the purl namespace is guessed from `VENDOR`; CBL-Mariner and Azure Linux share a
//!   vendor and both get `mariner`, and packages with an unknown vendor get `redhat`.
//! - Limitation: `gpg-pubkey` pseudo-packages are reported, as `rpm -qa` lists them.

#![deny(missing_docs)]

mod analyzer;
pub mod berkeley;
pub mod blob;
pub mod database;
pub mod header;
pub mod ndb;
pub mod package;
pub mod sqlite;

#[cfg(test)]
mod tests;

pub use analyzer::{
    database_paths, LayerState, RpmAnalyzer, DATABASE_DIRECTORIES, DATABASE_FILE_NAMES,
};
pub use database::{read_database, DatabaseFormat, DatabaseReading};
pub use package::ECOSYSTEM;

purser_plugin_api::export_analyzer!(RpmAnalyzer);
