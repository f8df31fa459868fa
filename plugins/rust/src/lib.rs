//! The `rust` analyzer: lists the crates built into executables made with `cargo auditable`,
//! and the packages of `Cargo.lock` files.
//!
//! # What is read
//!
//! - Every file with an execute bit, and every `*.exe`. The plugin interface cannot select
//!   files by content, so the first four bytes decide: ELF, Mach-O (thin or universal) and PE go
//!   on, anything else is dropped without a word. Only the headers and the `.dep-v0` section are
//!   then touched, so a memory-mapped layer pages in a few KiB per executable. The section is
//!   inflated up to [`MAX_INFLATED_SIZE`] bytes.
//! - Files named `Cargo.lock`, versions 1 to 4, up to [`MAX_CARGO_LOCK_SIZE`].
//!
//! # Findings
//!
//! Packages of ecosystem `crates.io`. From an executable: every crate of the list, the root
//! crate included (as Syft lists it; metadata `root = true`), with `source` (`crates.io`, `git`,
//! `local`, `registry`) and `kind` (`runtime`, or `build` for build scripts and proc macros,
//! which shaped the code but are not linked in; reported, as Syft does, so a user can judge),
//! evidence `cargo-auditable`. From `Cargo.lock`: every `[[package]]`, with `source` (`crates.io`,
//! `registry`, `git`, or `path` for the workspace's own and path-dependency crates), `source_url`
//! and `checksum` when given, evidence `Cargo.lock`. Purls: `pkg:cargo/<name>@<version>` for
//! crates.io crates, with `repository_url` for other registries, none for git, path and local
//! crates (vulnerability data about a crates.io crate says nothing about a local one of the
//! same name).
//!
//! # Problems
//!
//! Unreadable headers, a section outside the file, a section that does not inflate or inflates
//! past the limit, JSON of the wrong shape and an unreadable `Cargo.lock` each give a warning
//! naming the file; the scan goes on.
//!
//! # Limitations
//!
//! - Limitation: Rust executables built without `cargo auditable` carry no dependency list; they
//!   give no packages and no diagnostic (nothing reliable tells a Rust executable from a C one).
//! - Limitation: a universal Mach-O file is read through its first architecture only.
//! - Limitation: executables without an execute bit (other than `*.exe`) are not looked at.
//! - Limitation: `Cargo.lock` is read alone: the crates only dev-dependencies or other targets'
//!   dependencies pull in are listed like the others, where Trivy, reading `Cargo.toml` too,
//!   leaves them out (its `cargo` integration golden lacks the three `winapi` crates).

#![deny(missing_docs)]

mod analyzer;
mod audit_data;
mod cargo_lock;
mod error;
mod executable;
mod packages;

#[cfg(test)]
mod tests;

pub use analyzer::{analyze_executable, RustAnalyzer, MAX_CARGO_LOCK_SIZE};
pub use audit_data::{
    audit_packages, decode_section, AuditedPackage, VersionInfo, MAX_INFLATED_SIZE,
};
pub use cargo_lock::{lock_packages, parse_cargo_lock, CargoLock, LockedPackage};
pub use error::AuditDataError;
pub use executable::{dependency_section, sniff_format, SECTION_NAME};
pub use packages::{crate_purl, CRATES_IO_ECOSYSTEM};

purser_plugin_api::export_analyzer!(RustAnalyzer);
