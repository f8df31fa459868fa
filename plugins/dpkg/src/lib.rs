//! # The dpkg analyzer: packages of Debian, Ubuntu and distroless images
//!
//! Reads dpkg's database and reports one [`purser_plugin_api::Finding::Package`] per installed
//! package.
//!
//! ## Files read
//!
//! | path | what it holds |
//! |---|---|
//! | `var/lib/dpkg/status` | the database: one deb822 stanza per known package |
//! | `var/lib/dpkg/status.d/*` | distroless images: one stanza file per package; companions such as `<name>.md5sums` are skipped |
//! | `var/lib/dpkg/info/*.list` | the paths each package installed, for the `files` count and its owned files |
//! | `usr/share/doc/*/copyright` | licences, when the file is machine-readable (DEP-5; see [`copyright`]) |
//!
//! The format is deb822 (see [`control`]). A package is reported when the third word of its
//! `Status:` field says its files are on disk (`installed`, `unpacked`, `half-configured`,
//! `triggers-pending`, `triggers-awaited`; see [`status`] for why) or when it has no `Status:`
//! field, as in distroless `status.d` files.
//!
//! ## The findings
//!
//! - `ecosystem` is `deb`, the package format: the status file does not say which distribution
//!   it belongs to, so that is settled later with the operating-system finding.
//! - `name` and `version` exactly as written (epoch and revision kept).
//! - `purl` is `pkg:deb/<vendor>/<name>@<version>?arch=<arch>`. The vendor is `ubuntu` when the
//!   stanza's `Maintainer` or `Original-Maintainer` has an address at `ubuntu.com` or a
//!   subdomain (`ubuntu-devel-discuss@lists.ubuntu.com`), otherwise `debian`. Encoding rules are
//!   in [`purl`].
//! - `metadata`: `architecture`, `source_package`, `source_version` (from `Source: name
//!   (version)`; the binary's name and version when absent), `maintainer`, `installed_size` (KiB,
//!   as dpkg writes it), `status`, and `files`, the number of paths in the package's `.list`
//!   file when that file is in the same layer.
//! - `source_path` is the database file the stanza came from.
//! - `licenses`: the short names or expressions of the `License` fields of the header and the
//!   `Files` paragraphs of `usr/share/doc/<name>/copyright`, in order and without repeats, when
//!   that file is machine-readable and in the same layer; empty otherwise. A layer whose
//!   copyright files are not all machine-readable gets one info diagnostic with their count.
//!
//! Each file list also gives one [`purser_plugin_api::Finding::OwnedFiles`]: `ecosystem` `deb`,
//! `package` the list's name without its `:arch` suffix, `source_path` the list, `paths` its
//! lines without the leading `/` (directories included). The engine uses them to fold language
//! packages that Debian ships (`python3-yaml`'s PyYAML) into their Debian package; they are not
//! in the report.
//!
//! Malformed input never fails the analysis: unreadable lines, stanzas without `Package` or
//! `Version` and unknown statuses are warning diagnostics naming the file and the line.
//!
//! # Limitations
//!
//! - Limitation: licences are read only from machine-readable (DEP-5) copyright files in the
//!   same layer as the database file; packages with a free-form copyright file (common in older
//!   releases), with a documentation directory that is a symlink to another package's (the
//!   engine hands over regular files only), or whose copyright file exceeds
//!   [`MAX_COPYRIGHT_FILE_SIZE`] or the engine's read limit, are reported without licences.
//!   Licence names are kept as Debian writes them (`GPL-2+`), not translated to SPDX.
//! - Limitation: file lists and copyright files are joined only with a database file of the same
//!   layer, because a finding cannot span layers. Every layer that runs `apt-get install`
//!   rewrites `var/lib/dpkg/status`, and the engine keeps the packages read from that last copy;
//!   the packages installed by earlier layers then carry no `files` count and no licences, only
//!   those whose lists and copyright files came with that last layer do.
//! - Limitation: the Ubuntu vendor is recognised only from maintainer addresses; a derivative
//!   that keeps Debian's maintainers (or an Ubuntu package kept unchanged from Debian) gets
//!   `pkg:deb/debian/...`, and the user must rely on the operating-system finding.
//! - Limitation: a database file larger than the engine's per-file read limit is read only up
//!   to its last whole stanza; the packages after it are missing and a warning says so.
//! - Limitation: a file list larger than the engine's per-file read limit is not read; its
//!   package has no `files` count and owns no files, so language packages among its files are
//!   reported a second time, and a warning names the list.
//! - Limitation: the `files` count includes directories, since a `.list` file does not tell
//!   files from directories.

#![deny(missing_docs)]

mod analyzer;
pub mod control;
pub mod copyright;
mod database;
mod layer;
mod package;
mod paths;
pub mod purl;
pub mod status;

#[cfg(test)]
mod tests;

pub use analyzer::{DpkgAnalyzer, MAX_COPYRIGHT_FILE_SIZE};
pub use database::{read_database, DatabaseReading};
pub use layer::LayerState;
pub use package::ECOSYSTEM;
pub use paths::{DOC_DIRECTORY, INFO_DIRECTORY, STATUS_DIRECTORY, STATUS_FILE};

purser_plugin_api::export_analyzer!(DpkgAnalyzer);
