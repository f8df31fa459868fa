//! The interface between Purser's engine and its analyzer plugins.
//!
//! An analyzer is a shared library (`cdylib`) that the engine loads at run time. This crate is the
//! only thing a plugin author and the engine share, and it has two halves:
//!
//! - the **author side**: the [`Analyzer`] trait, the input types it receives ([`FileInput`],
//!   [`LayerContext`], [`ImageInput`]), the typed results it returns ([`Finding`]) and the
//!   [`export_analyzer!`] macro that turns a type implementing [`Analyzer`] into a loadable plugin;
//! - the **wire side** ([`abi`]): the `#[repr(C)]` header, function table and views that cross the
//!   library boundary, which only the engine and the export macro touch.
//!
//! # How a scan drives an analyzer
//!
//! 1. The engine resolves the symbol [`abi::ENTRY_SYMBOL`], reads the [`abi::PluginHeader`] and
//!    refuses the library unless its interface version is compatible (see [`INTERFACE_VERSION`])
//!    and it was built to unwind on panic.
//! 2. It creates one analyzer instance per scan with the user's options and asks it what it wants
//!    ([`AnalyzerRequests`]). All analyzers' requests are compiled into one matcher, so deciding
//!    whether a tar entry concerns anyone costs a few hash lookups.
//! 3. For every layer (layers run in parallel) it opens a layer session, streams the layer once and
//!    hands each analyzer batches of the files it asked for. File contents are borrowed from the
//!    engine's buffers or from the memory-mapped image; nothing is copied across the boundary.
//! 4. Image-level inputs (config, manifest, index, attached artifacts) go to
//!    [`Analyzer::analyze_image`] once per scan.
//!
//! # Design choices, and the ones we turned down
//!
//! - **A hand-written C table over `libloading`, not `abi_stable`.** The table has seven function
//!   pointers and a fixed header; everything richer crosses as JSON ([`Finding`], requests,
//!   contexts). That is simpler to audit than `abi_stable`'s generated layouts, builds in a
//!   fraction of the time, and lets interface growth happen through data (new optional JSON
//!   fields, new finding types) instead of new methods. `abi_stable` was also judged unmaintained
//!   by other projects in 2026, and `stabby` would add a second macro system for little gain at
//!   this size.
//! - **Results as JSON, inputs as raw views.** Inputs are large (file contents) and must not be
//!   copied, so they cross as pointer/length pairs. Results are small (packages, secrets) and
//!   benefit from being self-describing: an engine can skip a finding type it does not know.
//! - **A panic never crosses the boundary.** Every exported function runs the author's code under
//!   `catch_unwind`, per file, and turns a panic into a [`Diagnostic`] naming the file or into an
//!   error status. A plugin built with `panic = "abort"` cannot be guarded and is refused at load.
//! - **Per-layer sessions, not one call per file.** Some analyzers correlate several files of a
//!   layer (a package database and its file lists); a session gives them a place for that state,
//!   and per-layer results can later be cached under the layer's diff ID.

#![deny(missing_docs)]

pub mod abi;
mod analyzer;
pub mod export;
mod finding;
mod input;
pub mod purl;
mod request;

pub use analyzer::{Analyzer, AnalyzerError, AnalyzerInfo};
pub use finding::{
    Diagnostic, DiagnosticLevel, Finding, Observation, OperatingSystem, OwnedFiles, Package,
    ProvenanceFinding, Secret, Severity,
};
pub use input::{Attachment, FileInput, ImageContext, ImageInput, LayerContext};
pub use purl::PackageUrl;
pub use request::{AnalyzerRequests, FileRequest, ImageRequest};
/// The JSON crate whose `Value` carries analyzer options, re-exported so a plugin uses the same
/// version without declaring it.
pub use serde_json;

/// The version of this interface, as `(major, minor)`.
///
/// The engine accepts a plugin when the majors are equal and the plugin's minor is at least the
/// engine's: a plugin built against a newer minor only adds fields the engine ignores, while one
/// built against an older minor may lack what the engine relies on. Every change to the
/// [`abi`] types or to the meaning of a JSON field bumps this number; purely additive changes
/// (a new optional field, a new finding type) bump the minor, anything else the major.
pub const INTERFACE_VERSION: InterfaceVersion = InterfaceVersion { major: 1, minor: 0 };

/// A version of the plugin interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(C)]
pub struct InterfaceVersion {
    /// Incompatible changes bump this.
    pub major: u32,
    /// Compatible, additive changes bump this.
    pub minor: u32,
}

impl InterfaceVersion {
    /// Whether an engine speaking `self` can load a plugin built against `plugin`.
    pub fn accepts(self, plugin: InterfaceVersion) -> bool {
        plugin.major == self.major && plugin.minor >= self.minor
    }
}

impl std::fmt::Display for InterfaceVersion {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_minor_is_accepted_older_is_not() {
        let engine = InterfaceVersion { major: 1, minor: 2 };
        assert!(engine.accepts(InterfaceVersion { major: 1, minor: 2 }));
        assert!(engine.accepts(InterfaceVersion { major: 1, minor: 5 }));
        assert!(!engine.accepts(InterfaceVersion { major: 1, minor: 1 }));
        assert!(!engine.accepts(InterfaceVersion { major: 2, minor: 2 }));
        assert!(!engine.accepts(InterfaceVersion { major: 0, minor: 9 }));
    }
}
