//! The [`Analyzer`] implementation: routes each file to its reader and keeps per-layer state.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, FileInput, FileRequest,
    Finding, LayerContext,
};

use crate::copyright::declared_licenses;
use crate::database::read_database;
use crate::layer::LayerState;
use crate::paths::{kind_of, Kind, DOC_DIRECTORY, INFO_DIRECTORY, STATUS_DIRECTORY, STATUS_FILE};

/// Copyright files larger than this are not read: the largest in Debian 12 are a few hundred
/// KiB (the kernel's, GCC's), and a bigger one is more likely not a copyright file at all.
pub const MAX_COPYRIGHT_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Reports the packages dpkg installed. See the crate documentation for the files read and the
/// findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct DpkgAnalyzer;

impl Analyzer for DpkgAnalyzer {
    type Layer = LayerState;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "dpkg".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists packages installed by dpkg (Debian, Ubuntu, distroless)".into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        AnalyzerError::unless_no_options("dpkg", options)?;
        Ok(DpkgAnalyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        let request = FileRequest {
            exact_paths: vec![STATUS_FILE.to_owned()],
            globs: vec![
                format!("{STATUS_DIRECTORY}*"),
                format!("{INFO_DIRECTORY}*.list"),
            ],
            contents: true,
            ..FileRequest::default()
        };
        let copyrights = FileRequest {
            globs: vec![format!("{DOC_DIRECTORY}*/copyright")],
            max_size: Some(MAX_COPYRIGHT_FILE_SIZE),
            text_only: true,
            contents: true,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![request, copyrights],
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
        match kind_of(file.path) {
            Kind::Database => {
                let contents = file.whole_records(findings);
                let reading = read_database(file.path, contents);
                findings.extend(reading.diagnostics.into_iter().map(Finding::Diagnostic));
                layer.record_database(file.path, reading.packages);
            }
            Kind::FileList(list_name) => {
                if file.truncated {
                    findings.push(Finding::Diagnostic(Diagnostic::warning(
                        file.path,
                        "the file list exceeds the engine's read limit; its package gets no \
                         `files` count, and language packages among its files are reported \
                         a second time",
                    )));
                } else {
                    layer.record_file_list(file.path, list_name, file.contents);
                }
            }
            // A cut copyright file could lose licences; it is rather left unread.
            Kind::Copyright(package) if file.truncated => {
                layer.record_licenses(package, None);
            }
            Kind::Copyright(package) => {
                layer.record_licenses(package, declared_licenses(file.contents));
            }
            Kind::Ignored => {}
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
