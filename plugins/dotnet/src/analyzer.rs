//! The [`Analyzer`] implementation: requests, the size limit, and reading each `*.deps.json`.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext,
};

use crate::deps_json::read_deps_json;
use crate::options::Options;

/// Name ending of the dependency manifests read wherever they are.
pub const DEPS_JSON_SUFFIX: &str = ".deps.json";

/// Lists NuGet packages; see the crate documentation for the findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct DotnetAnalyzer {
    options: Options,
}

impl DotnetAnalyzer {
    /// An analyzer with the given options.
    pub fn with_options(options: Options) -> Self {
        DotnetAnalyzer { options }
    }
}

impl Analyzer for DotnetAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "dotnet".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists NuGet packages of .NET applications from their *.deps.json".into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Options::from_json(options).map(DotnetAnalyzer::with_options)
    }

    fn requests(&self) -> AnalyzerRequests {
        let files = FileRequest {
            suffixes: vec![DEPS_JSON_SUFFIX.to_owned()],
            max_size: Some(self.options.max_file_size),
            contents: true,
            ..FileRequest::default()
        };
        // The same files without contents or size limit: a file over the limit still reaches
        // the analyzer, without being read, so the analyzer can say which limit it passed.
        let oversized = FileRequest {
            contents: false,
            max_size: None,
            ..files.clone()
        };
        AnalyzerRequests {
            files: vec![files, oversized],
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
        if !file.path.ends_with(DEPS_JSON_SUFFIX) {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        }
        if let Some(diagnostic) =
            file.not_whole("dotnet", self.options.max_file_size, "max_file_size")
        {
            findings.push(Finding::Diagnostic(diagnostic));
            return Ok(());
        }

        let reading = read_deps_json(file.path, file.contents);
        findings.extend(reading.diagnostics.into_iter().map(Finding::Diagnostic));
        findings.extend(
            reading
                .packages
                .into_iter()
                .map(|package| Finding::Package(package.into_package(file.path))),
        );
        Ok(())
    }

    fn finish_layer(&self, _layer: (), _findings: &mut Vec<Finding>) -> Result<(), AnalyzerError> {
        Ok(())
    }
}
