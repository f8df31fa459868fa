//! The [`Analyzer`] implementation: reads the installed database of each layer.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext,
};

use crate::database::read_database;

/// Where apk keeps its installed database.
pub const INSTALLED_DATABASE: &str = "lib/apk/db/installed";

/// Reports the packages apk installed. See the crate documentation for the findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApkAnalyzer;

/// The findings of a layer's database, kept until the layer ends so that a second copy of the
/// database in the same layer replaces the first, as it does when the layer is unpacked.
#[derive(Debug, Default)]
pub struct LayerState {
    findings: Vec<Finding>,
}

impl Analyzer for ApkAnalyzer {
    type Layer = LayerState;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "apk".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists packages installed by apk (Alpine, Wolfi, Chainguard)".into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        AnalyzerError::unless_no_options("apk", options)?;
        Ok(ApkAnalyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: vec![FileRequest::exact_paths([INSTALLED_DATABASE])],
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
        _findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        if file.path != INSTALLED_DATABASE {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        }
        let mut findings = Vec::new();
        let contents = file.whole_records(&mut findings);
        let reading = read_database(file.path, contents);
        findings.extend(reading.diagnostics.into_iter().map(Finding::Diagnostic));
        findings.extend(reading.packages.into_iter().map(Finding::Package));
        findings.extend(reading.owned_files.into_iter().map(Finding::OwnedFiles));
        layer.findings = findings;
        Ok(())
    }

    fn finish_layer(
        &self,
        layer: LayerState,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        findings.extend(layer.findings);
        Ok(())
    }
}
