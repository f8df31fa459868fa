//! Test support for analyzer plugins: drives a plugin's exported function table exactly as an
//! engine does, so a plugin's own unit tests check the table it really exports.
//!
//! A plugin test resolves nothing dynamically: the plugin crate is linked into its test binary as
//! an `rlib`, so the test calls the crate's `purser_analyzer_entry()` directly and hands the
//! function to [`Plugin::from_entry`]. From there every call goes through the `extern "C"`
//! table, with the same JSON encoding, views and buffer ownership as across a real library
//! boundary:
//!
//! ```ignore
//! let plugin = Plugin::from_entry(purser_analyzer_entry)?;
//! let instance = plugin.create(&serde_json::Value::Null)?;
//! let mut session = instance.start_layer(&LayerContext::default())?;
//! let mut findings = session.analyze_files(&[file])?;
//! findings.extend(session.finish()?);
//! // dropping `instance` destroys it
//! ```
//!
//! Every buffer a call writes is copied and handed back through the plugin's `release_buffer`
//! before the call returns, sessions not finished explicitly are finished when dropped, and
//! instances are destroyed when dropped, so a test cannot forget a step of the protocol.
//!
//! The header checks ([`check_header`]) follow the contract documented in
//! `purser_plugin_api::abi`: the magic, [`purser_plugin_api::InterfaceVersion::accepts`] and the
//! unwinding panic strategy. They run on a header value, so a test can also build a header by
//! hand (for example with `PANIC_ABORT`) and see it refused.
//!
//! Beside the table, `findings` holds the small helpers most plugin tests share (a whole file as
//! input, one layer scanned, the packages among findings and their `name@version` ids), and the
//! `requests` feature adds `path_selector`, which answers which image paths an analyzer's
//! requests select with the engine's own matcher; it is a feature so that only plugins checking
//! their globs build the engine.
//!
//! This crate is the only place in the plugins tree besides the export macro that needs `unsafe`:
//! driving a C function table means calling through raw function pointers. Each block says which
//! part of the `abi` contract makes it sound.

#![deny(missing_docs)]
#![allow(unsafe_code)]

mod call;
mod findings;
mod header;
mod plugin;
#[cfg(feature = "requests")]
mod requests;
mod views;

pub use call::CallError;
pub use findings::{package_ids, package_ids_with, packages, scan_one_layer, whole_file};
pub use header::{check_header, HeaderError};
pub use plugin::{Instance, Plugin, Session};
#[cfg(feature = "requests")]
pub use requests::path_selector;
