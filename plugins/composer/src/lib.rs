//! # The composer analyzer: PHP packages installed and pinned by Composer
//!
//! Reports one [`purser_plugin_api::Finding::Package`] per package a file names:
//!
//! | file | reader | evidence |
//! |---|---|---|
//! | `**/composer/installed.json` (Composer 1 array and Composer 2 object) | [`installed_json`] | `installed-json` |
//! | `composer.lock` (`packages` and `packages-dev`) | [`composer_lock`] | `composer-lock` |
//!
//! ## The findings
//!
//! - `ecosystem` is `Packagist`; `name` as written (`vendor/project`); `version` as written,
//!   `v` prefix included (`v5.1.0`), as Packagist lists it.
//! - `purl` is `pkg:composer/<vendor>/<project>@<version>`, vendor and project lowercased.
//! - `licenses`: the entry's `license` (an array of SPDX identifiers, or one string).
//! - `source_path` is the file read. `metadata`: `evidence` (above); `dev` where the file says
//!   (`packages-dev` of a lock, `dev-package-names` of a Composer 2 `installed.json`);
//!   `package_type` (`library`, `composer-plugin`, ...), `source_reference` (the commit or tag)
//!   and `source_url` when the entry gives them.
//!
//! The layer a package came from is added by the engine. A package named by several files is
//! reported once per file; the engine or report folds them by purl.
//!
//! ## Hostile input
//!
//! Files over `max_file_size` (default 16 MiB) are not loaded by the engine, and a warning names
//! them. Invalid or truncated JSON, a top level of the wrong kind and entries without a name or
//! version are warnings naming the file (and, for entries, the section and the first bad entry).
//! serde_json limits nesting depth, so deep input cannot exhaust the stack.
//!
//! # Limitations
//!
//! - Limitation: a vendor folder without `composer/installed.json` (copied without it, or
//!   installed by another tool) is not read; its packages show only if a lock names them.
//! - Limitation: Composer 1 `installed.json` files do not mark dev packages, so their packages
//!   carry no `dev` flag.
//! - Limitation: `composer.json` alone (no lock) is not read: its requirements are ranges, not
//!   versions.

#![deny(missing_docs)]

mod analyzer;
pub mod composer_lock;
pub mod installed_json;
mod options;
pub mod package;

#[cfg(test)]
mod tests;

pub use analyzer::{ComposerAnalyzer, INSTALLED_GLOB, LOCK_FILE_NAME};
pub use options::Options;
pub use package::{ComposerPackage, Reading, ECOSYSTEM};

purser_plugin_api::export_analyzer!(ComposerAnalyzer);
