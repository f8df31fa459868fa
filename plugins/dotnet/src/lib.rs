//! # The dotnet analyzer: NuGet packages of .NET applications
//!
//! Reports one [`purser_plugin_api::Finding::Package`] per NuGet package an application's
//! dependency manifest lists:
//!
//! | file | reader | evidence |
//! |---|---|---|
//! | `*.deps.json` (`libraries` of type `package`) | [`deps_json`] | `deps-json` |
//!
//! ## The findings
//!
//! - `ecosystem` is `NuGet`; `name` and `version` from the `<name>/<version>` key, as written.
//! - `purl` is `pkg:nuget/<name>@<version>`.
//! - `licenses` are empty: a `deps.json` names none.
//! - `source_path` is the `deps.json` read. `metadata`: `evidence` (above); `sha512` and
//!   `package_path` (the folder in the NuGet cache) when given; `runtime_assets` (`true` or
//!   `false`: whether the package brings files loaded at run time, or is used only to build),
//!   when the runtime target lists the package.
//!
//! The layer a package came from is added by the engine. A package listed by several
//! applications is reported once per `deps.json`; the engine or report folds them by purl.
//!
//! ## Hostile input
//!
//! Files over `max_file_size` (default 16 MiB) are not loaded by the engine, and a warning names
//! them. Invalid or truncated JSON, a top level or `libraries` of the wrong kind and library
//! keys without `/` are warnings naming the file. serde_json limits nesting depth, so deep input
//! cannot exhaust the stack.
//!
//! # Limitations
//!
//! - Limitation: only `deps.json` is read. Assemblies without one (a framework-dependent
//!   `.dll` copied alone, .NET Framework applications with `packages.config`, single-file
//!   bundles whose manifest is embedded in the executable) are not analysed, and their
//!   packages do not appear.
//! - Limitation: packages used only at build time are reported like the others, with
//!   `runtime_assets` = `false` to tell them apart; matching them gives findings for code that
//!   never runs.
//! - Limitation: the .NET runtime is seen only through the `deps.json` of its shared framework
//!   (`shared/Microsoft.NETCore.App/<version>/Microsoft.NETCore.App.deps.json`), as whatever
//!   packages that file lists; a runtime installed without it is not reported.

#![deny(missing_docs)]

mod analyzer;
pub mod deps_json;
mod options;
pub mod package;

#[cfg(test)]
mod tests;

pub use analyzer::{DotnetAnalyzer, DEPS_JSON_SUFFIX};
pub use options::Options;
pub use package::{NuGetPackage, Reading, ECOSYSTEM};

purser_plugin_api::export_analyzer!(DotnetAnalyzer);
