//! # The ruby analyzer: gems installed by RubyGems and pinned by Bundler
//!
//! Reports one [`purser_plugin_api::Finding::Package`] per gem a file names:
//!
//! | file | reader | evidence |
//! |---|---|---|
//! | `**/specifications/*.gemspec`, `**/specifications/default/*.gemspec` | [`gemspec`] | `gemspec` |
//! | `Gemfile.lock`, `gems.locked` (the `specs:` of `GEM`, `GIT` and `PATH`) | [`gemfile_lock`] | `gemfile-lock` |
//!
//! ## The findings
//!
//! - `ecosystem` is `RubyGems`; `name` as written; `version` without a native gem's platform.
//! - `purl` is `pkg:gem/<name>@<version>`, with `?platform=<platform>` for native gems
//!   (`nokogiri (1.13.3-x86_64-linux)` in a lock, `s.platform` in a gemspec).
//! - `licenses`: a gemspec's `s.licenses` / `s.license`; a lock names none.
//! - `source_path` is the file read. `metadata`: `evidence` (above); `platform` for native gems;
//!   `default_gem` = `true` for the gems bundled with Ruby (`specifications/default/`); for
//!   locks `source` (`gem`, `git` or `path`, the section the gem was listed in) and `revision`
//!   (the commit of a `GIT` source).
//!
//! The layer a package came from is added by the engine. A gem named by several files (its
//! gemspec and one or more locks) is reported once per file; the engine or report folds them by
//! purl.
//!
//! ## Hostile input
//!
//! Files over `max_file_size` (default 16 MiB) are not loaded by the engine, and a warning names
//! them. A gemspec is never run: only plain literal assignments are read, and a gemspec whose
//! name or version is computed or oddly quoted falls back to its file name with a warning. A
//! lock that does not start with a Bundler section, and gem lines without `name (version)`, are
//! warnings naming the file. Nothing recurses over input.
//!
//! # Limitations
//!
//! - Limitation: a gemspec outside a `specifications/` folder (a gem's own source tree, or one
//!   vendored by path) is not read; the gem shows only if a lock names it.
//! - Limitation: a lock does not say which gems are for development or test groups, so no `dev`
//!   flag is reported, and gems of groups that were never installed are reported like the rest.
//! - Limitation: the folding of Debian- or Alpine-owned gems (`ruby-rack` ships
//!   `rack-2.2.22.gemspec`) is left to the engine; this analyzer reports them like any other.

#![deny(missing_docs)]

mod analyzer;
pub mod gemfile_lock;
pub mod gemspec;
mod options;
pub mod package;
mod ruby_literal;

#[cfg(test)]
mod tests;

pub use analyzer::{RubyAnalyzer, GEMSPEC_GLOBS, LOCK_FILE_NAMES};
pub use options::Options;
pub use package::{Gem, Reading, ECOSYSTEM};

purser_plugin_api::export_analyzer!(RubyAnalyzer);
