//! The `os-release` analyzer: tells which operating system an image runs.
//!
//! It reads the release files a distribution ships and reports each as a
//! [`Finding::OperatingSystem`](purser_plugin_api::Finding::OperatingSystem) whose `family` is
//! the name vulnerability data uses (`debian`, `ubuntu`, `alpine`, `redhat`, `centos`, `rocky`,
//! `almalinux`, `fedora`, `amazon`, `opensuse.leap`, `opensuse.tumbleweed`, `sles`, `oracle`,
//! `photon`, `mariner`, `azurelinux`, `wolfi`, `chainguard`, `arch`, ...).
//!
//! # Files read, and which one wins
//!
//! The analyzer reports **one finding per release file it sees**, each naming that file as its
//! `source_path`. It does not choose between files: layers are analyzed separately and a later
//! layer may delete or replace a file, so the choice belongs to the engine, which keeps the
//! findings whose source file is still present in the final filesystem. When several survive,
//! this is the contract: the engine prefers them in this order, first row first.
//!
//! | precedence | path | format |
//! |---|---|---|
//! | 0 | `etc/os-release` | os-release(5) |
//! | 1 | `usr/lib/os-release` | os-release(5) |
//! | 2 | `etc/centos-release` | `NAME release VERSION (CODENAME)` |
//! | 3 | `etc/rocky-release` | same |
//! | 4 | `etc/almalinux-release` | same |
//! | 5 | `etc/oracle-release` | same |
//! | 6 | `etc/fedora-release` | same |
//! | 7 | `etc/redhat-release` | same |
//! | 8 | `etc/system-release` | same |
//! | 9 | `etc/alpine-release` | one version line |
//! | 10 | `etc/debian_version` | `12.5` or `trixie/sid` |
//! | 11 | `etc/SuSE-release` | description line, `KEY = value` lines |
//! | 12 | `etc/lsb-release` | `DISTRIB_*` assignments |
//! | 13 | any entry of `var/lib/dpkg/status.d/` | the distroless hint, below |
//!
//! [`source_precedence`] computes this rank from a path. os-release(5) itself says
//! `etc/os-release` overrides `usr/lib/os-release`; the distribution's own files come next because
//! they name one distribution precisely; `etc/lsb-release` is optional and generic.
//!
//! # Refinements within a layer
//!
//! The analyzer keeps the files of a layer until the layer ends and emits its findings from
//! `finish_layer`, so that files of the same layer can inform each other:
//!
//! - **Debian point releases.** An os-release finding of the `debian` family takes its
//!   `version_id` from `etc/debian_version` of the same layer when that file extends it (`12` and
//!   `12.5` give `12.5`) or when os-release has none (distroless images).
//! - **Debian derivatives.** Ubuntu and other derivatives ship `etc/debian_version` too. When the
//!   layer's os-release or lsb-release names a family other than `debian`, `etc/debian_version`
//!   is not reported as Debian; an info diagnostic on that path says so.
//! - **Distroless Debian.** Google's distroless images have no dpkg database but one status file
//!   per package under `var/lib/dpkg/status.d/`. Any such entry yields a `debian` finding whose
//!   `source_path` is the layer's alphabetically first entry there, with the version of the same
//!   layer's `etc/debian_version` if it has one. It is not emitted when the layer names a Debian
//!   derivative.
//!
//! # Families
//!
//! The family comes from os-release's `ID`, mapped through a table of known identifiers
//! (`rhel` is `redhat`, `ol` is `oracle`, `amzn` is `amazon`, ...). When `ID` is missing or not in
//! the table, the first known entry of `ID_LIKE` gives the family, as os-release(5) advises;
//! when none is known, the lower-cased `ID` itself is reported so that the report still names
//! the system. `end_of_life` says whether the release is past the end of its security support on
//! the day of the scan (or the day given by the `today` option), from a table of published
//! lifecycle dates; it is `None` for releases the table does not know.
//!
//! # Problems
//!
//! A file that cannot be read (binary, empty, larger than [`MAX_RELEASE_FILE_SIZE`], naming no
//! system) gives a warning [`Diagnostic`](purser_plugin_api::Diagnostic) on its path instead of a
//! finding; a file with a few malformed lines gives warnings for them and a finding from the
//! rest. Nothing in a file's contents can make the analyzer fail or panic.
//!
//! # Limitations
//!
//! - Limitation: files are handed to analyzers only when they are regular files, and
//!   `etc/os-release` is usually a symlink to `../usr/lib/os-release`; the report then names
//!   `usr/lib/os-release` as the source, which carries the same data.
//! - Limitation: refinements only see one layer. When `etc/debian_version` and os-release are
//!   changed by different layers, or a distroless image's status entries and
//!   `etc/debian_version` live in different layers, the findings are not combined; the user sees
//!   os-release's major version, or a distroless finding without a version.
//! - Limitation: a derivative missing from the family table but naming a known family in
//!   `ID_LIKE` (Linux Mint: `ID_LIKE="ubuntu debian"`) is reported with that family and with its
//!   own version number, which the family's vulnerability data does not know; the user sees the
//!   parent family with an unfamiliar version.
//! - Limitation: the distroless finding is attributed to one status entry; if a later layer
//!   removes that one package but keeps others, the engine drops the finding.

#![deny(missing_docs)]

mod alpine_release;
mod analyzer;
mod debian_version;
mod env_file;
mod family;
mod layer;
mod lifecycle;
mod lsb_release;
mod os_release_file;
mod reading;
mod release_line;
mod sources;
mod suse_release;
mod text;

#[cfg(test)]
mod tests;

pub use analyzer::OsReleaseAnalyzer;
pub use layer::LayerState;
pub use sources::{release_file_paths, source_precedence, DPKG_STATUS_DIRECTORY};
pub use text::MAX_RELEASE_FILE_SIZE;

purser_plugin_api::export_analyzer!(OsReleaseAnalyzer);
