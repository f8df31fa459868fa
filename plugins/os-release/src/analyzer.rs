//! The [`Analyzer`] implementation: routes each file to its reader and keeps per-layer state.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, FileInput, FileRequest,
    Finding, LayerContext,
};

use crate::layer::LayerState;
use crate::sources::{format_of, is_dpkg_status_entry, release_file_paths, DPKG_STATUS_DIRECTORY};
use crate::text::{decode, MAX_RELEASE_FILE_SIZE};

/// Tells which operating system an image runs, from its release files. See the crate
/// documentation for the files read and the contract of the findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsReleaseAnalyzer;

impl Analyzer for OsReleaseAnalyzer {
    type Layer = LayerState;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "os-release".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description:
                "Detects the operating system from os-release and distribution release files".into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        AnalyzerError::unless_no_options("os-release", options)?;
        Ok(OsReleaseAnalyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        let release_files = FileRequest {
            max_size: Some(MAX_RELEASE_FILE_SIZE),
            ..FileRequest::exact_paths(release_file_paths())
        };
        // Only the presence of a status entry matters, never its bytes.
        let dpkg_status_entries = FileRequest {
            globs: vec![format!("{DPKG_STATUS_DIRECTORY}*")],
            contents: false,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![release_files, dpkg_status_entries],
            ..AnalyzerRequests::default()
        }
    }

    fn start_layer(&self, _layer: &LayerContext) -> Result<LayerState, AnalyzerError> {
        Ok(LayerState::default())
    }

    fn analyze_file(
        &self,
        layer: &mut LayerState,
        file: &FileInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        if is_dpkg_status_entry(file.path) {
            layer.record_dpkg_status_entry(file.path);
            return Ok(());
        }
        let Some(format) = format_of(file.path) else {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        };

        let text = match decode(file) {
            Ok(text) => text,
            Err(message) => {
                findings.push(Finding::Diagnostic(Diagnostic::warning(file.path, message)));
                return Ok(());
            }
        };
        let reading = format.read(file.path, &text.text);

        let warnings = text.warning.into_iter().chain(reading.warnings);
        findings.extend(
            warnings.map(|message| Finding::Diagnostic(Diagnostic::warning(file.path, message))),
        );
        if let Some(os) = reading.os {
            layer.record(os);
        }
        Ok(())
    }

    fn finish_layer(
        &self,
        layer: LayerState,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        layer.finish(findings);
        Ok(())
    }
}
