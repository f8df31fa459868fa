//! The `go` analyzer: lists the Go modules built into Go executables, from the build information
//! the Go linker embeds, and the requirements of `go.mod` files.
//!
//! # What is read
//!
//! - Every file with an execute bit, and every `*.exe`. The plugin interface cannot select
//!   files by content, so the first four bytes decide: ELF, Mach-O (thin or universal) and PE go
//!   on, anything else (scripts, data) is dropped without a word. Only the headers and the
//!   bytes of the build-information section are then touched (`.go.buildinfo` in ELF,
//!   `__go_buildinfo` in Mach-O, `.data` in PE; without section headers, the first writable
//!   segment). The blob's magic is looked for in the first 64 KiB of that region only; the
//!   strings after it are read as far as their lengths say, and a length running past the
//!   region is refused rather than read on into the rest of the file. A memory-mapped layer so
//!   pages in a few KiB per executable. Older (Go 1.13 to 1.17) binaries need two more reads at the addresses their
//!   header points to.
//! - Files named `go.mod`, up to [`MAX_GO_MOD_SIZE`].
//!
//! # Findings
//!
//! For an executable with build information: the main module (metadata `main_module`, version
//! `(devel)` with `devel_version` when built from a source tree, `build.*` settings such as
//! `build.-ldflags`, `build.vcs.revision`, `build.GOOS`, `build.GOARCH`), each dependency, and
//! the toolchain as package `stdlib` with version `1.21.5` for `go1.21.5` (experiment suffixes
//! dropped, the full string in `toolchain`). Ecosystem `Go`, purl
//! `pkg:golang/<module path>@<version>` with path segments as written. A dependency replaced by
//! another module is reported as the replacement, with `replaces = <old path>@<old version>`; a
//! dependency replaced by a local directory keeps its own name and version, with
//! `replaced_by_path`. Every package carries `evidence`, `go_version` and `sum` when recorded.
//!
//! For `go.mod`: one package per `require`, replacements applied the same way, `indirect =
//! true` for `// indirect` ones, evidence `go.mod`. The module itself and the `go` directive are
//! not packages: they name no installed version.
//!
//! # Problems
//!
//! An executable the Go linker made (a Go build-ID note, a `.gopclntab` section or a Go build ID
//! at the start of its text) without build information gives an info diagnostic; other
//! executables without it give nothing, or every C binary would. Unreadable headers, a section
//! outside the file and build information that lies about its lengths give a warning naming the
//! file, and the scan goes on. In a `go.mod`, lines that start with no go.mod directive and
//! `require` or `replace` lines that cannot be read give one warning quoting the first; the
//! other lines are still read.
//!
//! # Limitations
//!
//! - Limitation: a universal Mach-O file is read through its first architecture only; modules
//!   differing between architectures are not seen.
//! - Limitation: Go executables without an execute bit (other than `*.exe`) are not looked at;
//!   the report does not list them.
//! - Limitation: binaries packed by UPX or similar keep their build information compressed; they
//!   give no packages and, lacking Go sections, no diagnostic.

#![deny(missing_docs)]

mod analyzer;
mod build_info;
mod error;
mod executable;
mod go_mod;
mod module_info;
mod packages;

#[cfg(test)]
mod tests;

pub use analyzer::{analyze_executable, GoAnalyzer, MAX_GO_MOD_SIZE};
pub use build_info::{read_build_info, RawBuildInfo, BUILD_INFO_MAGIC};
pub use error::BuildInfoError;
pub use executable::{sniff_format, Executable, Format, Region, DATA_SEARCH_WINDOW};
pub use go_mod::{go_mod_packages, parse_go_mod, GoMod};
pub use module_info::{parse_module_info, Module, ModuleInfo};
pub use packages::{
    binary_packages, module_package, module_purl, stdlib_version, DEVEL_VERSION, GO_ECOSYSTEM,
    STDLIB,
};

purser_plugin_api::export_analyzer!(GoAnalyzer);
