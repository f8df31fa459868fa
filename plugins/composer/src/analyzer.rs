//! The [`Analyzer`] implementation: requests, the size limit, and routing each file to its
//! reader.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext,
};

use crate::composer_lock::read_composer_lock;
use crate::installed_json::read_installed_json;
use crate::options::Options;

/// Glob of the record of installed packages: `<vendor-dir>/composer/installed.json`, whatever
/// the vendor folder is called (`vendor` unless `config.vendor-dir` says otherwise).
pub const INSTALLED_GLOB: &str = "**/composer/installed.json";

/// Lock file name read wherever it is.
pub const LOCK_FILE_NAME: &str = "composer.lock";

/// Lists Composer packages; see the crate documentation for the findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct ComposerAnalyzer {
    options: Options,
}

impl ComposerAnalyzer {
    /// An analyzer with the given options.
    pub fn with_options(options: Options) -> Self {
        ComposerAnalyzer { options }
    }
}

impl Analyzer for ComposerAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "composer".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists PHP Composer packages installed (vendor/composer/installed.json) \
                          and pinned by composer.lock"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Options::from_json(options).map(ComposerAnalyzer::with_options)
    }

    fn requests(&self) -> AnalyzerRequests {
        let files = FileRequest {
            globs: vec![INSTALLED_GLOB.to_owned()],
            file_names: vec![LOCK_FILE_NAME.to_owned()],
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
        let is_lock = file.file_name() == LOCK_FILE_NAME;
        if !is_lock && !file.path.ends_with("composer/installed.json") {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        }
        if let Some(diagnostic) =
            file.not_whole("composer", self.options.max_file_size, "max_file_size")
        {
            findings.push(Finding::Diagnostic(diagnostic));
            return Ok(());
        }

        let reading = if is_lock {
            read_composer_lock(file.path, file.contents)
        } else {
            read_installed_json(file.path, file.contents)
        };
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
