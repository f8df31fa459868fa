//! # The npm analyzer: JavaScript packages installed in `node_modules` and pinned by lock files
//!
//! Reports one [`purser_plugin_api::Finding::Package`] per package a file names:
//!
//! | file | reader | evidence |
//! |---|---|---|
//! | `**/node_modules/<name>/package.json`, `**/node_modules/@scope/<name>/package.json` | [`package_json`] | `installed-package-json` |
//! | `package-lock.json`, `npm-shrinkwrap.json` (lockfile v1 to v3) | [`package_lock`] | `package-lock` |
//! | `yarn.lock` (classic v1 and berry) | [`yarn_lock`] | `yarn-lock` |
//! | `pnpm-lock.yaml` (lockfile v5, v6, v9) | [`pnpm_lock`] | `pnpm-lock` |
//! | `bun.lock` (bun 1.2 and later) | [`bun_lock`] | `bun-lock` |
//!
//! ## The findings
//!
//! - `ecosystem` is `npm`; `name` with its scope (`@babel/core`) and `version` as written.
//! - `purl` is `pkg:npm/%40scope/name@version` ([`package::npm_purl`]).
//! - `licenses` as declared in `package.json` (`license` string, `{type}` object, or the legacy
//!   `licenses` array) and in package-lock v2/v3 entries; locks of yarn and pnpm carry none.
//! - `source_path` is the file read. `metadata`: `evidence` (above); `package_path` (the
//!   installed package's folder); `install_path` (the folder a package-lock entry installs to);
//!   `workspace_path` for workspace members; `dev` (`true`/`false`) where the lock says;
//!   `resolved`, `resolution` or `lock_key` as the lock wrote them.
//!
//! ## One package, several files: reported per file
//!
//! Like Syft, which reports a package once per location it was found in, this analyzer reports
//! what each file says: an installed `node_modules/ms/package.json` and the project's
//! `package-lock.json` entry for the same `ms@2.1.3` are two findings with different
//! `source_path` and `evidence`. Each stands on its own when a later layer deletes the other
//! file, and the engine (or a report) folds them by purl when it wants one row per package.
//! Lock files inside `node_modules` are not read: they record how an installed package was
//! developed, not what the image holds.
//!
//! ## Hostile input
//!
//! A file over the size limit (options `max_package_json_size`, default 4 MiB, and
//! `max_lock_file_size`, default 128 MiB) is not loaded by the engine; a warning names it. A
//! file the engine handed over in part, invalid JSON or YAML and malformed entries are
//! diagnostics naming the file; the rest of the scan goes on. Nothing is recursive over input:
//! package-lock v1 trees are walked with an explicit stack, pnpm's dependency graph with a
//! visited set, bun's with another, and the YAML parser limits nesting and never expands
//! aliases.
//!
//! # Limitations
//!
//! - Limitation: yarn locks do not mark dev dependencies and the project's `package.json` is not
//!   correlated with them, so yarn packages carry no `dev` metadata.
//! - Limitation: npm's hidden lockfile `node_modules/.package-lock.json` and bun's binary
//!   `bun.lockb` (bun before 1.2) are not read; packages they alone name are missing (installed
//!   trees are still reported from their `package.json` files).
//! - Limitation: a package whose `package.json` lies in one layer and whose folder is deleted in
//!   a later one is dropped by the engine only when that `package.json` itself is deleted.

#![deny(missing_docs)]

mod analyzer;
pub mod bun_lock;
pub mod license;
mod options;
pub mod package;
pub mod package_json;
pub mod package_lock;
pub mod pnpm_lock;
mod yaml;
pub mod yarn_lock;

#[cfg(test)]
mod tests;

pub use analyzer::{NpmAnalyzer, LOCK_FILE_NAMES, PACKAGE_JSON_GLOBS};
pub use options::Options;
pub use package::{Evidence, LockReading, NpmPackage, ECOSYSTEM};

purser_plugin_api::export_analyzer!(NpmAnalyzer);
