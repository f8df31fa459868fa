//! Purser's engine: finds and loads analyzer plugins, streams an image's layers once each (in
//! parallel), hands every analyzer exactly the files and metadata it asked for, and merges the
//! per-layer results with overlay semantics into one report.
//!
//! The pieces, in the order a scan uses them:
//! - [`discovery`] finds plugin libraries on disk, [`loader`] loads them and checks their
//!   interface version;
//! - [`backend`] is the one face every analyzer shows the engine, whether it sits behind the
//!   plugin boundary or is linked in (the benchmarks compare the two);
//! - [`matcher`] compiles every analyzer's requests into one matcher;
//! - [`layer_scan`] walks one layer and dispatches batches of files;
//! - [`merge`] applies overlay semantics to the per-layer results;
//! - [`scan`] runs it all and builds the [`report::ScanReport`].

pub mod backend;
pub mod discovery;
pub mod layer_scan;
pub mod loader;
pub mod matcher;
pub mod merge;
pub mod report;
pub mod scan;
mod text;

pub use backend::{AnalyzerBackend, InProcessAnalyzer, LayerSession};
pub use discovery::{discover_plugins, PluginSearch};
pub use loader::{load_plugin, LoadError, PluginLibrary};
pub use report::ScanReport;
pub use scan::{LayerProgress, ScanAnalyzer, ScanError, ScanOptions, Scanner};
