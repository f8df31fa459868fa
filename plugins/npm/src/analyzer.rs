//! The [`Analyzer`] implementation: requests, size limits, and routing each file to its reader.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext,
};

use crate::bun_lock::read_bun_lock;
use crate::options::Options;
use crate::package::LockReading;
use crate::package_json::{is_package_root, read_package_json, PackageJsonReading};
use crate::package_lock::read_package_lock;
use crate::pnpm_lock::read_pnpm_lock;
use crate::yarn_lock::read_yarn_lock;

/// Globs selecting the `package.json` of installed packages (the analyzer checks the exact
/// shape again with [`is_package_root`]).
pub const PACKAGE_JSON_GLOBS: [&str; 2] = [
    "**/node_modules/*/package.json",
    "**/node_modules/@*/*/package.json",
];

/// Lock file names read wherever they are outside `node_modules`.
pub const LOCK_FILE_NAMES: [&str; 5] = [
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
];

/// Lists npm packages; see the crate documentation for the findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct NpmAnalyzer {
    options: Options,
}

impl NpmAnalyzer {
    /// An analyzer with the given options.
    pub fn with_options(options: Options) -> Self {
        NpmAnalyzer { options }
    }
}

impl Analyzer for NpmAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "npm".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists npm packages installed in node_modules and pinned by \
                          package-lock.json, yarn.lock and pnpm-lock.yaml"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Options::from_json(options).map(NpmAnalyzer::with_options)
    }

    fn requests(&self) -> AnalyzerRequests {
        let package_json = FileRequest {
            globs: PACKAGE_JSON_GLOBS.map(String::from).to_vec(),
            max_size: Some(self.options.max_package_json_size),
            contents: true,
            ..FileRequest::default()
        };
        let locks = FileRequest {
            file_names: LOCK_FILE_NAMES.map(String::from).to_vec(),
            max_size: Some(self.options.max_lock_file_size),
            contents: true,
            ..FileRequest::default()
        };
        // The same files without contents or size limit: a file over its limit still reaches
        // the analyzer, without being read, so the analyzer can say which limit it passed.
        let oversized = FileRequest {
            globs: package_json.globs.clone(),
            file_names: locks.file_names.clone(),
            contents: false,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![package_json, locks, oversized],
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
        let name = file.file_name();
        let (limit, option) = if name == "package.json" {
            if !is_package_root(file.path) {
                return Ok(());
            }
            (self.options.max_package_json_size, "max_package_json_size")
        } else if LOCK_FILE_NAMES.contains(&name) {
            // A lock shipped inside an installed package records how that package was
            // developed, not what is installed.
            if file.path.starts_with("node_modules/") || file.path.contains("/node_modules/") {
                return Ok(());
            }
            (self.options.max_lock_file_size, "max_lock_file_size")
        } else {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        };

        if let Some(diagnostic) = file.not_whole("npm", limit, option) {
            findings.push(Finding::Diagnostic(diagnostic));
            return Ok(());
        }

        let reading = match name {
            "package.json" => match read_package_json(file.path, file.contents) {
                PackageJsonReading::Package(package) => LockReading {
                    packages: vec![package],
                    diagnostics: Vec::new(),
                },
                PackageJsonReading::Diagnostic(diagnostic) => LockReading {
                    packages: Vec::new(),
                    diagnostics: vec![diagnostic],
                },
            },
            "yarn.lock" => read_yarn_lock(file.path, file.contents),
            "pnpm-lock.yaml" => read_pnpm_lock(file.path, file.contents),
            "bun.lock" => read_bun_lock(file.path, file.contents),
            _ => read_package_lock(file.path, file.contents),
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
}
