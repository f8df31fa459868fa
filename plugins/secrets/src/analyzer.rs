//! The `Analyzer` implementation: which files to ask for, what to skip, and what to report.

use std::collections::BTreeMap;

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, DiagnosticLevel,
    FileInput, FileRequest, Finding, ImageInput, ImageRequest, LayerContext,
};

use crate::finding::secret_finding;
use crate::options::{Options, SkipPaths};
use crate::pyc::printable_strings;
use crate::rule::RuleFile;
use crate::rule_set::RuleSet;
use crate::scanner::Scanner;

/// The analyzer's name.
pub const NAME: &str = "secrets";

/// The analyzer's version, part of the cache key of its results: bump it whenever a rule is
/// added or changed.
pub const VERSION: &str = "0.1.1";

/// How many leading bytes are looked at for a NUL byte to tell binary files from text.
pub const BINARY_SNIFF_LENGTH: usize = 8 * 1024;

/// Where `location` points for a secret found in a `.pyc` file.
pub const PYC_LOCATION: &str = "printable strings of the compiled Python file";

/// Finds credentials in every file of every layer, in `.pyc` strings and in the image config.
#[derive(Debug, Clone)]
pub struct SecretsAnalyzer {
    scanner: Scanner,
    skip_paths: SkipPaths,
    max_file_size: u64,
}

/// What one layer's scan left out, reported in `finish_layer` as counts.
#[derive(Debug, Clone, Default)]
pub struct LayerState {
    /// Files skipped, per index of the skip glob that matched.
    skipped_by_glob: BTreeMap<usize, u64>,
    /// Files skipped, per allow rule ID whose path matched.
    allowed_by_rule: BTreeMap<String, u64>,
    /// Files with a NUL byte in their first 8 KiB (other than `.pyc`).
    binary: u64,
    /// Files of which the engine handed over only the beginning.
    truncated: u64,
}

impl SecretsAnalyzer {
    /// The analyzer with the given options, as [`Analyzer::new`] builds it.
    ///
    /// # Errors
    ///
    /// When an option is unknown or wrong, or the user's rule file cannot be read or compiled.
    pub fn with_options(options: Options) -> Result<Self, AnalyzerError> {
        let mut files = vec![RuleFile::builtin().map_err(to_analyzer_error)?];
        files.extend(options.user_rules);
        let rules = RuleSet::from_files(&files).map_err(to_analyzer_error)?;
        let scanner = Scanner::new(rules).map_err(|error| {
            AnalyzerError::new(format!(
                "failed to build the secret keyword automaton: {error}"
            ))
        })?;
        let skip_paths = SkipPaths::new(&options.skip_paths).map_err(to_analyzer_error)?;
        Ok(SecretsAnalyzer {
            scanner,
            skip_paths,
            max_file_size: options.max_file_size,
        })
    }

    /// The scanner with the rules in force.
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// Scans text from `path` and reports each match; `location` is set for `.pyc` strings.
    fn report(&self, path: &str, text: &[u8], location: Option<&str>, findings: &mut Vec<Finding>) {
        for found in self.scanner.scan(text) {
            let mut secret = secret_finding(&self.scanner, &found, path);
            secret.location = location.map(str::to_owned);
            findings.push(Finding::Secret(secret));
        }
    }
}

fn to_analyzer_error(error: impl std::fmt::Display) -> AnalyzerError {
    AnalyzerError::new(error.to_string())
}

impl Analyzer for SecretsAnalyzer {
    type Layer = LayerState;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: NAME.to_owned(),
            version: VERSION.to_owned(),
            description: "credentials in any layer's files, .pyc strings, Env and history"
                .to_owned(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        let options = Options::parse(options).map_err(to_analyzer_error)?;
        SecretsAnalyzer::with_options(options)
    }

    fn requests(&self) -> AnalyzerRequests {
        // Every regular file: the binary check happens here, because `.pyc` files are binary
        // and still wanted.
        AnalyzerRequests {
            files: vec![FileRequest {
                all_files: true,
                max_size: Some(self.max_file_size),
                contents: true,
                ..FileRequest::default()
            }],
            image: ImageRequest {
                config: true,
                ..ImageRequest::default()
            },
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
        if let Some(glob) = self.skip_paths.matching(file.path) {
            *layer.skipped_by_glob.entry(glob).or_default() += 1;
            return Ok(());
        }
        if let Some(rule) = self.scanner.rule_set().allowed_path(file.path) {
            *layer.allowed_by_rule.entry(rule.to_owned()).or_default() += 1;
            return Ok(());
        }
        if file.truncated {
            layer.truncated += 1;
        }

        if file.path.ends_with(".pyc") {
            let strings = printable_strings(file.contents);
            self.report(file.path, &strings, Some(PYC_LOCATION), findings);
            return Ok(());
        }
        let head = &file.contents[..file.contents.len().min(BINARY_SNIFF_LENGTH)];
        if head.contains(&0) {
            layer.binary += 1;
            return Ok(());
        }
        self.report(file.path, file.contents, None, findings);
        Ok(())
    }

    fn finish_layer(
        &self,
        layer: LayerState,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        let patterns = self.skip_paths.patterns();
        let by_glob: Vec<String> = layer
            .skipped_by_glob
            .iter()
            .map(|(glob, count)| format!("{}: {count}", patterns[*glob]))
            .collect();
        let by_rule: Vec<String> = layer
            .allowed_by_rule
            .iter()
            .map(|(rule, count)| format!("{rule}: {count}"))
            .collect();
        let skipped: u64 = layer.skipped_by_glob.values().sum();
        let allowed: u64 = layer.allowed_by_rule.values().sum();

        if skipped > 0 {
            findings.push(info(format!(
                "{skipped} files under skip paths were not scanned for secrets ({})",
                by_glob.join(", ")
            )));
        }
        if allowed > 0 {
            findings.push(info(format!(
                "{allowed} files under allow-rule paths were not scanned for secrets ({})",
                by_rule.join(", ")
            )));
        }
        if layer.binary > 0 {
            findings.push(info(format!(
                "{} binary files (a NUL byte in the first 8 KiB) were not scanned for secrets",
                layer.binary
            )));
        }
        if layer.truncated > 0 {
            findings.push(Finding::Diagnostic(Diagnostic::warning(
                "",
                format!(
                    "{} files exceeded the engine's read limit; only their beginning was scanned \
                     for secrets",
                    layer.truncated
                ),
            )));
        }
        Ok(())
    }

    fn analyze_image(
        &self,
        image: &ImageInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        crate::image::scan_config(&self.scanner, image.config_json, findings);
        Ok(())
    }
}

fn info(message: String) -> Finding {
    Finding::Diagnostic(Diagnostic {
        level: DiagnosticLevel::Info,
        path: String::new(),
        message,
    })
}
