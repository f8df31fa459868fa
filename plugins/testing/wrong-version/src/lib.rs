//! `test-wrong-version`: a plugin built against an interface version no engine accepts, so that
//! the engine's tests can check it is refused **before anything in it is called**.
//!
//! It does not use `export_analyzer!`. It exports its own `purser_analyzer_entry` returning
//! [`HEADER`]: the right magic, an unwinding panic strategy, a valid function table, and the
//! interface version [`DECLARED_VERSION`] (0.9). If an engine called into it anyway, every file
//! would come back as a `wrong-version-plugin-called` [`Observation`], which a test can look for.
//!
//! # Other refused headers
//!
//! A crate cannot change its own panic strategy inside the workspace profile, so no test plugin
//! is built with `panic = "abort"`, and a library exports only one entry symbol. To test the other
//! refusals, build a header value with [`header`] (or copy its few lines) and give it to the
//! loader's header check directly:
//!
//! ```ignore
//! use purser_plugin_api::abi::PANIC_ABORT;
//! use purser_plugin_api::INTERFACE_VERSION;
//!
//! let aborting = purser_testplugin_wrong_version::header(INTERFACE_VERSION, PANIC_ABORT);
//! // The engine's own header check, whatever its name, must refuse it for its panic strategy.
//! assert!(engine_header_check(&aborting).is_err());
//! ```

#![deny(missing_docs)]

use purser_plugin_api::abi::{AnalyzerVTable, PluginHeader, HEADER_MAGIC, PANIC_UNWIND};
use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    InterfaceVersion, LayerContext, Observation, Severity,
};

/// The interface version this plugin declares: older than any engine accepts.
pub const DECLARED_VERSION: InterfaceVersion = InterfaceVersion { major: 0, minor: 9 };

/// The analyzer behind the table. It must never run; if it does, it says so on every file.
#[derive(Debug)]
pub struct WrongVersionAnalyzer;

impl Analyzer for WrongVersionAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "test-wrong-version".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test plugin that declares an incompatible interface version".into(),
        }
    }

    fn new(_options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Ok(WrongVersionAnalyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: vec![FileRequest {
                all_files: true,
                ..FileRequest::default()
            }],
            ..AnalyzerRequests::default()
        }
    }

    fn start_layer(&self, _layer: &LayerContext) -> Result<(), AnalyzerError> {
        Ok(())
    }

    fn analyze_file(
        &self,
        _layer: &mut (),
        file: &FileInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        findings.push(Finding::Observation(Observation {
            rule_id: "wrong-version-plugin-called".into(),
            title: "A plugin with an incompatible interface version was called".into(),
            severity: Severity::High,
            path: file.path.into(),
            detail: format!("it declares interface version {DECLARED_VERSION}"),
        }));
        Ok(())
    }
}

/// A valid function table, so that the header's pointer is never dangling.
pub static VTABLE: AnalyzerVTable = purser_plugin_api::export::vtable::<WrongVersionAnalyzer>();

/// A header with the right magic and [`VTABLE`], and the given version and panic strategy.
pub const fn header(interface_version: InterfaceVersion, panic_strategy: u32) -> PluginHeader {
    PluginHeader {
        magic: HEADER_MAGIC,
        interface_version,
        panic_strategy,
        vtable: &VTABLE,
    }
}

/// The header this library exports.
pub static HEADER: PluginHeader = header(DECLARED_VERSION, PANIC_UNWIND);

/// Entry point the Purser engine resolves when it loads this library.
// `no_mangle` is what the `unsafe_code` lint flags here; the function itself is safe.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn purser_analyzer_entry() -> *const PluginHeader {
    &HEADER
}

#[cfg(test)]
mod tests {
    use purser_plugin_api::abi::PANIC_ABORT;
    use purser_plugin_api::INTERFACE_VERSION;
    use purser_plugin_harness::{check_header, HeaderError, Plugin};

    use super::*;

    #[test]
    fn the_exported_header_is_refused_for_its_version() {
        let header = Plugin::read_header(purser_analyzer_entry).expect("not null");
        assert_eq!(header.magic, HEADER_MAGIC);
        assert_eq!(header.panic_strategy, PANIC_UNWIND);
        assert_eq!(
            check_header(header),
            Err(HeaderError::IncompatibleVersion {
                plugin: DECLARED_VERSION,
                engine: INTERFACE_VERSION,
            })
        );
        assert!(Plugin::from_entry(purser_analyzer_entry).is_err());
    }

    #[test]
    fn its_table_is_valid_all_the_same() {
        let header = Plugin::read_header(purser_analyzer_entry).expect("not null");
        let plugin = Plugin::without_checks(header);
        assert_eq!(
            plugin.describe().expect("described").name,
            "test-wrong-version"
        );

        let instance = plugin.create(&serde_json::Value::Null).expect("created");
        let file = FileInput {
            path: "etc/hostname",
            size: 5,
            mode: 0o644,
            contents: &[],
            truncated: false,
        };
        let findings = instance
            .scan_layer(&LayerContext::default(), &[file])
            .expect("analyzed");
        assert!(matches!(
            findings.as_slice(),
            [Finding::Observation(o)] if o.rule_id == "wrong-version-plugin-called"
        ));
    }

    #[test]
    fn built_headers_show_the_other_refusals() {
        assert_eq!(
            check_header(&header(INTERFACE_VERSION, PANIC_UNWIND)),
            Ok(())
        );
        assert_eq!(
            check_header(&header(INTERFACE_VERSION, PANIC_ABORT)),
            Err(HeaderError::AbortsOnPanic)
        );
        let next_major = InterfaceVersion {
            major: INTERFACE_VERSION.major + 1,
            minor: 0,
        };
        assert!(matches!(
            check_header(&header(next_major, PANIC_UNWIND)),
            Err(HeaderError::IncompatibleVersion { .. })
        ));
    }
}
