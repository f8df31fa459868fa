//! # The python analyzer: distributions installed in `site-packages` and pinned by lock files
//!
//! Reports one [`purser_plugin_api::Finding::Package`] per distribution a file names:
//!
//! | file | reader | evidence |
//! |---|---|---|
//! | `<site>/*.dist-info/METADATA` (+ `RECORD` for the file count) | [`installed`] | `dist-info` |
//! | `<site>/*.egg-info/PKG-INFO`, `<site>/*.egg-info` (a file) | [`installed`] | `egg-info` |
//! | `<site>/*.egg` (zip) and `<site>/*.egg/EGG-INFO/PKG-INFO` | [`installed`] | `egg` |
//! | `poetry.lock` | [`poetry_lock`] | `poetry-lock` |
//! | `Pipfile.lock` (`default` and `develop`) | [`pipfile_lock`] | `pipfile-lock` |
//! | `uv.lock` | [`uv_lock`] | `uv-lock` |
//! | `pylock.toml`, `pylock.<name>.toml` (PEP 751) | [`pylock`] | `pylock` |
//! | `*requirements*.txt` (exact `==` pins only) | [`requirements`] | `requirements` |
//!
//! `<site>` is any folder under a `site-packages` or `dist-packages`, at any depth.
//!
//! ## The findings
//!
//! - `ecosystem` is `PyPI`; `name` as the distribution spells itself (`PyYAML`), `version` as
//!   written.
//! - `purl` is `pkg:pypi/<normalised name>@version`; metadata `normalized_name` is the PEP 503
//!   form (`pyyaml`, `zope-interface`) to match vulnerability data with.
//! - `licenses`: `License-Expression` when declared, else the `License` field (when it is a
//!   name, not a licence text) and the `License ::` classifiers.
//! - `source_path` is the file read. `metadata`: `evidence` (above); for installed
//!   distributions `distribution_path` (the `.dist-info`, `.egg-info` or `.egg`),
//!   `install_root` (the folder holding it, such as `usr/lib/python3/dist-packages`: with the
//!   OS package file lists it tells a Debian-owned `python3-yaml` from a pip-installed PyYAML)
//!   and `files` (lines of `RECORD`, `.dist-info` only); `dev` where a lock says; `line` for
//!   requirements.
//!
//! Like the npm analyzer (and Syft), a distribution named by several files (installed and
//! locked) is reported once per file; the engine or report folds them by purl.
//!
//! ## Hostile input
//!
//! Files over the size limits (options `max_metadata_size`, `max_lock_file_size`,
//! `max_egg_size`) are not loaded by the engine, and a warning names them. Invalid TOML, JSON
//! or zip data, metadata without a name or version, and files the engine cut are diagnostics
//! naming the file. Nothing recurses over input: uv's dependency graph is walked with a visited
//! set, and an egg's `PKG-INFO` is inflated only up to 1 MiB.
//!
//! # Limitations
//!
//! - Limitation: a `RECORD` in a different layer from its `METADATA` is not joined, so the
//!   distribution is reported without `files`.
//! - Limitation: requirement files included with `-r` are not followed from the including file
//!   (they are read on their own when their name matches `*requirements*.txt`); anything but an
//!   exact `==` pin is not reported, so unpinned requirements leave no trace beyond the file.
//! - Limitation: `pdm.lock`, uv's locks of single scripts (PEP 723, `<script>.py.lock`) and
//!   conda metadata (`conda-meta/*.json`) are not read.
//! - Limitation: the folding of Debian- or Alpine-owned distributions is left to the engine;
//!   this analyzer reports them like any other, with `install_root` to fold by.

#![deny(missing_docs)]

mod analyzer;
pub mod core_metadata;
pub mod installed;
pub mod name;
mod options;
pub mod package;
pub mod pipfile_lock;
pub mod poetry_lock;
pub mod pylock;
pub mod requirements;
pub mod uv_lock;

#[cfg(test)]
mod tests;

pub use analyzer::{LayerState, PythonAnalyzer, LOCK_FILE_NAMES, PYLOCK_GLOB, REQUIREMENTS_GLOB};
pub use options::Options;
pub use package::{PythonPackage, Reading, ECOSYSTEM};

purser_plugin_api::export_analyzer!(PythonAnalyzer);
