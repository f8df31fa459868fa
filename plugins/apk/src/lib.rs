//! # The apk analyzer: packages of Alpine, Wolfi and Chainguard images
//!
//! Reads apk's installed database, `lib/apk/db/installed`, and reports one
//! [`purser_plugin_api::Finding::Package`] per stanza. The format is described in [`database`].
//! Every package in the installed database is installed: apk keeps no entries for removed
//! packages there.
//!
//! ## The findings
//!
//! - `ecosystem` is `apk`, the package format; which distribution the package belongs to is
//!   settled later with the operating-system finding.
//! - `name` and `version` exactly as written (`P:`, `V:`).
//! - `purl` is `pkg:apk/<namespace>/<name>@<version>?arch=<arch>`. The namespace is `wolfi` when
//!   the stanza's maintainer (`m:`) has an address at `wolfi.dev`, `chainguard` at
//!   `chainguard.dev`, and `alpine` otherwise: the database names no distribution, and the
//!   maintainer is the only field that can tell. Encoding rules are in [`purl`].
//! - `licenses` holds the `L:` value as one string (`MIT AND BSD-2-Clause`), unsplit, as the
//!   package declared it.
//! - `metadata`: `architecture` (`A:`), `origin` (`o:`, the source package), `commit` (`c:`),
//!   `maintainer` (`m:`) and `files`, the number of `R:` entries.
//! - `source_path` is `lib/apk/db/installed`.
//!
//! Each package with files also gives one [`purser_plugin_api::Finding::OwnedFiles`]: `ecosystem`
//! `apk`, `package` its name, `source_path` the database, `paths` its `F:` directories and the
//! `R:` files in them. The engine uses them to fold language packages that Alpine ships
//! (`py3-yaml`'s PyYAML) into their Alpine package; they are not in the report.
//!
//! Malformed input never fails the analysis: lines that are not `X:value` and stanzas without a
//! name or a version are warning diagnostics naming the file and the line.
//!
//! # Limitations
//!
//! - Limitation: Wolfi and Chainguard packages usually carry no maintainer, so they get the
//!   `alpine` purl namespace; the user must rely on the operating-system finding to tell the
//!   distribution.
//! - Limitation: apk-tools 3's binary database (`lib/apk/db/installed.adb`) is not read; an
//!   image that has only that file is reported without packages.
//! - Limitation: a database larger than the engine's per-file read limit is read only up to its
//!   last whole stanza; the packages after it are missing and a warning says so.

#![deny(missing_docs)]

mod analyzer;
pub mod database;
pub mod purl;

#[cfg(test)]
mod tests;

pub use analyzer::{ApkAnalyzer, LayerState, INSTALLED_DATABASE};
pub use database::{read_database, DatabaseReading, ECOSYSTEM};

purser_plugin_api::export_analyzer!(ApkAnalyzer);
