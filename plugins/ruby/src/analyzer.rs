//! The [`Analyzer`] implementation: requests, the size limit, and routing each file to its
//! reader.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext,
};

use crate::gemfile_lock::read_gemfile_lock;
use crate::gemspec::read_gemspec;
use crate::options::Options;

/// Globs of installed gem specifications: `specifications/` of any gem home (`GEM_HOME`,
/// `vendor/bundle/ruby/<version>`, Debian's `rubygems-integration`), and `default/` below it
/// for the gems bundled with Ruby.
pub const GEMSPEC_GLOBS: [&str; 2] = [
    "**/specifications/*.gemspec",
    "**/specifications/default/*.gemspec",
];

/// Lock file names read wherever they are: Bundler's `Gemfile.lock` and `gems.locked` (the
/// name it uses beside a `gems.rb`).
pub const LOCK_FILE_NAMES: [&str; 2] = ["Gemfile.lock", "gems.locked"];

/// Lists Ruby gems; see the crate documentation for the findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct RubyAnalyzer {
    options: Options,
}

impl RubyAnalyzer {
    /// An analyzer with the given options.
    pub fn with_options(options: Options) -> Self {
        RubyAnalyzer { options }
    }
}

impl Analyzer for RubyAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "ruby".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists Ruby gems installed (specifications/*.gemspec) and pinned by \
                          Gemfile.lock"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Options::from_json(options).map(RubyAnalyzer::with_options)
    }

    fn requests(&self) -> AnalyzerRequests {
        let files = FileRequest {
            globs: GEMSPEC_GLOBS.map(String::from).to_vec(),
            file_names: LOCK_FILE_NAMES.map(String::from).to_vec(),
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
        let is_lock = LOCK_FILE_NAMES.contains(&file.file_name());
        if !is_lock && !file.path.ends_with(".gemspec") {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        }
        if let Some(diagnostic) =
            file.not_whole("ruby", self.options.max_file_size, "max_file_size")
        {
            findings.push(Finding::Diagnostic(diagnostic));
            return Ok(());
        }

        let reading = if is_lock {
            read_gemfile_lock(file.path, file.contents)
        } else {
            read_gemspec(file.path, file.contents)
        };
        findings.extend(reading.diagnostics.into_iter().map(Finding::Diagnostic));
        findings.extend(
            reading
                .gems
                .into_iter()
                .map(|gem| Finding::Package(gem.into_package(file.path))),
        );
        Ok(())
    }

    fn finish_layer(&self, _layer: (), _findings: &mut Vec<Finding>) -> Result<(), AnalyzerError> {
        Ok(())
    }
}
