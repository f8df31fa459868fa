//! A benchmark analyzer: it asks for the contents of every regular file and counts their lines.
//!
//! It does the least work an analyzer that reads every file can do, so that in the dispatch
//! benchmark the cost of crossing the plugin boundary is as visible as it can be. Each layer
//! yields one observation with the totals, which tests use to check that every file arrived.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext, Observation,
};

/// Counts files, bytes and lines per layer.
pub struct LineCounter;

/// Totals of one layer.
#[derive(Debug, Default)]
pub struct LayerTotals {
    files: u64,
    bytes: u64,
    lines: u64,
}

impl Analyzer for LineCounter {
    type Layer = LayerTotals;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "test-line-counter".to_owned(),
            version: "1.0.0".to_owned(),
            description: "Counts the lines of every file (benchmarks only)".to_owned(),
        }
    }

    fn new(_options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Ok(LineCounter)
    }

    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: vec![FileRequest {
                all_files: true,
                contents: true,
                ..FileRequest::default()
            }],
            ..AnalyzerRequests::default()
        }
    }

    fn start_layer(&self, _layer: &LayerContext) -> Result<LayerTotals, AnalyzerError> {
        Ok(LayerTotals::default())
    }

    fn analyze_file(
        &self,
        totals: &mut LayerTotals,
        file: &FileInput<'_>,
        _findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        totals.files += 1;
        totals.bytes += file.contents.len() as u64;
        totals.lines += file.contents.iter().filter(|&&byte| byte == b'\n').count() as u64;
        Ok(())
    }

    fn finish_layer(
        &self,
        totals: LayerTotals,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        findings.push(Finding::Observation(Observation {
            rule_id: "line-count".to_owned(),
            title: "lines in this layer".to_owned(),
            detail: format!(
                "files={} bytes={} lines={}",
                totals.files, totals.bytes, totals.lines
            ),
            ..Observation::default()
        }));
        Ok(())
    }
}

purser_plugin_api::export_analyzer!(LineCounter);
