//! The checks an engine makes on a plugin's header before it trusts anything else in it.

use purser_plugin_api::abi::{PluginHeader, HEADER_MAGIC, PANIC_ABORT, PANIC_UNWIND};
use purser_plugin_api::{InterfaceVersion, INTERFACE_VERSION};

/// Why a plugin header is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The entry function returned a null pointer.
    #[error("the entry function returned a null header")]
    Null,
    /// The header does not start with [`HEADER_MAGIC`].
    #[error("the header starts with {found:?} instead of the purser magic, so this is not a purser plugin")]
    BadMagic {
        /// The bytes found where the magic belongs.
        found: [u8; 8],
    },
    /// The interface version is not accepted by [`INTERFACE_VERSION`].
    #[error("the plugin speaks interface version {plugin}, which an engine speaking {engine} does not accept")]
    IncompatibleVersion {
        /// The version the plugin declares.
        plugin: InterfaceVersion,
        /// The version this harness speaks.
        engine: InterfaceVersion,
    },
    /// The plugin was built with `panic = "abort"`; its panics cannot be contained.
    #[error(
        "the plugin was built with panic = \"abort\", so a panic in it would end the whole scan"
    )]
    AbortsOnPanic,
    /// The panic strategy field holds a value the interface does not define.
    #[error("the plugin declares an unknown panic strategy {0}")]
    UnknownPanicStrategy(u32),
}

/// Checks a header the way an engine must before it calls anything in the plugin: the magic,
/// then the interface version, then the panic strategy.
///
/// # Errors
///
/// The first check that fails, as a [`HeaderError`].
pub fn check_header(header: &PluginHeader) -> Result<(), HeaderError> {
    if header.magic != HEADER_MAGIC {
        return Err(HeaderError::BadMagic {
            found: header.magic,
        });
    }

    if !INTERFACE_VERSION.accepts(header.interface_version) {
        return Err(HeaderError::IncompatibleVersion {
            plugin: header.interface_version,
            engine: INTERFACE_VERSION,
        });
    }

    match header.panic_strategy {
        PANIC_UNWIND => Ok(()),
        PANIC_ABORT => Err(HeaderError::AbortsOnPanic),
        other => Err(HeaderError::UnknownPanicStrategy(other)),
    }
}

#[cfg(test)]
mod tests {
    use purser_plugin_api::abi::AnalyzerVTable;
    use purser_plugin_api::{
        Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, Finding, LayerContext,
    };

    use super::*;

    /// The smallest analyzer there is, only so that a header can point at a real table.
    struct Idle;

    impl Analyzer for Idle {
        type Layer = ();

        fn info() -> AnalyzerInfo {
            AnalyzerInfo::default()
        }

        fn new(_options: &serde_json::Value) -> Result<Self, AnalyzerError> {
            Ok(Idle)
        }

        fn requests(&self) -> AnalyzerRequests {
            AnalyzerRequests::default()
        }

        fn start_layer(&self, _layer: &LayerContext) -> Result<(), AnalyzerError> {
            Ok(())
        }

        fn analyze_file(
            &self,
            _layer: &mut (),
            _file: &FileInput<'_>,
            _findings: &mut Vec<Finding>,
        ) -> Result<(), AnalyzerError> {
            Ok(())
        }
    }

    static VTABLE: AnalyzerVTable = purser_plugin_api::export::vtable::<Idle>();

    fn header(magic: [u8; 8], version: InterfaceVersion, panic_strategy: u32) -> PluginHeader {
        PluginHeader {
            magic,
            interface_version: version,
            panic_strategy,
            vtable: &VTABLE,
        }
    }

    #[test]
    fn a_current_unwinding_header_is_accepted() {
        let good = header(HEADER_MAGIC, INTERFACE_VERSION, PANIC_UNWIND);
        assert_eq!(check_header(&good), Ok(()));
    }

    #[test]
    fn a_newer_minor_is_accepted() {
        let newer = InterfaceVersion {
            major: INTERFACE_VERSION.major,
            minor: INTERFACE_VERSION.minor + 1,
        };
        assert_eq!(
            check_header(&header(HEADER_MAGIC, newer, PANIC_UNWIND)),
            Ok(())
        );
    }

    #[test]
    fn each_broken_field_is_named() {
        let bad_magic = header(*b"NOTAPLUG", INTERFACE_VERSION, PANIC_UNWIND);
        assert!(matches!(
            check_header(&bad_magic),
            Err(HeaderError::BadMagic { .. })
        ));

        let old = InterfaceVersion { major: 0, minor: 9 };
        assert_eq!(
            check_header(&header(HEADER_MAGIC, old, PANIC_UNWIND)),
            Err(HeaderError::IncompatibleVersion {
                plugin: old,
                engine: INTERFACE_VERSION
            })
        );

        let aborting = header(HEADER_MAGIC, INTERFACE_VERSION, PANIC_ABORT);
        assert_eq!(check_header(&aborting), Err(HeaderError::AbortsOnPanic));

        let unknown = header(HEADER_MAGIC, INTERFACE_VERSION, 7);
        assert_eq!(
            check_header(&unknown),
            Err(HeaderError::UnknownPanicStrategy(7))
        );
    }
}
