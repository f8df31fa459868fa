//! The [`Analyzer`] implementation: requests, size limits, routing each file to its reader, and
//! joining each `.dist-info`'s `RECORD` to its `METADATA` at the end of the layer.

use std::collections::HashMap;

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext,
};

use crate::installed::{read_installed, record_file_count, InstalledForm};
use crate::options::Options;
use crate::package::{PythonPackage, Reading};
use crate::pipfile_lock::read_pipfile_lock;
use crate::poetry_lock::read_poetry_lock;
use crate::pylock::{is_pylock, read_pylock};
use crate::requirements::read_requirements;
use crate::uv_lock::read_uv_lock;

/// Where installed distributions are looked for: under any `site-packages` or
/// `dist-packages`, at any depth.
const SITE: &str = "**/{site,dist}-packages/**";

/// Lock file names read wherever they are.
pub const LOCK_FILE_NAMES: [&str; 3] = ["poetry.lock", "Pipfile.lock", "uv.lock"];

/// Glob of the requirements files read wherever they are.
pub const REQUIREMENTS_GLOB: &str = "**/*requirements*.txt";

/// Glob selecting the named PEP 751 locks (`pylock.dev.toml`); `pylock.toml` itself is also
/// matched, and the analyzer checks the exact shape again with [`is_pylock`].
pub const PYLOCK_GLOB: &str = "**/pylock.*toml";

/// Lists Python distributions; see the crate documentation for the findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct PythonAnalyzer {
    options: Options,
}

impl PythonAnalyzer {
    /// An analyzer with the given options.
    pub fn with_options(options: Options) -> Self {
        PythonAnalyzer { options }
    }
}

/// A layer's installed distributions, kept until the layer ends so that each `.dist-info`
/// gets the file count of its `RECORD`, whichever of the two came first.
#[derive(Debug, Default)]
pub struct LayerState {
    distributions: Vec<(String, PythonPackage, String)>,
    record_counts: HashMap<String, usize>,
}

impl Analyzer for PythonAnalyzer {
    type Layer = LayerState;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "python".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists Python distributions installed in site-packages and pinned by \
                          poetry.lock, Pipfile.lock, uv.lock and requirements files"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        Options::from_json(options).map(PythonAnalyzer::with_options)
    }

    fn requests(&self) -> AnalyzerRequests {
        let metadata = FileRequest {
            // Upper-case folder names (`x.DIST-INFO`) are what a case-insensitive file
            // system copied into an image can leave; Syft reads them too.
            globs: [
                "*.dist-info/METADATA",
                "*.dist-info/RECORD",
                "*.egg-info/PKG-INFO",
                "*.egg-info",
                "*.DIST-INFO/METADATA",
                "*.DIST-INFO/RECORD",
                "*.EGG-INFO/PKG-INFO",
                "*.EGG-INFO",
                "*.egg/EGG-INFO/PKG-INFO",
            ]
            .map(|tail| format!("{SITE}/{tail}"))
            .to_vec(),
            max_size: Some(self.options.max_metadata_size),
            contents: true,
            ..FileRequest::default()
        };
        let eggs = FileRequest {
            globs: vec![format!("{SITE}/*.egg")],
            max_size: Some(self.options.max_egg_size),
            contents: true,
            ..FileRequest::default()
        };
        let locks = FileRequest {
            file_names: LOCK_FILE_NAMES.map(String::from).to_vec(),
            globs: vec![REQUIREMENTS_GLOB.to_owned(), PYLOCK_GLOB.to_owned()],
            max_size: Some(self.options.max_lock_file_size),
            contents: true,
            ..FileRequest::default()
        };
        // The same files without contents or size limit: a file over its limit still reaches
        // the analyzer, without being read, so the analyzer can say which limit it passed.
        let oversized = FileRequest {
            globs: [
                metadata.globs.clone(),
                eggs.globs.clone(),
                locks.globs.clone(),
            ]
            .concat(),
            file_names: locks.file_names.clone(),
            contents: false,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![metadata, eggs, locks, oversized],
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
        let name = file.file_name();
        let is_record = name == "RECORD";
        let form = InstalledForm::of(file.path);
        let (limit, option) = if let Some(InstalledForm::ZippedEgg) = form {
            (self.options.max_egg_size, "max_egg_size")
        } else if form.is_some() || is_record {
            (self.options.max_metadata_size, "max_metadata_size")
        } else if LOCK_FILE_NAMES.contains(&name) || is_requirements(name) || is_pylock(name) {
            (self.options.max_lock_file_size, "max_lock_file_size")
        } else {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        };
        if let Some(diagnostic) = file.not_whole("python", limit, option) {
            findings.push(Finding::Diagnostic(diagnostic));
            return Ok(());
        }

        if is_record {
            let folder = file.path.rsplit_once('/').map_or("", |(folder, _)| folder);
            layer
                .record_counts
                .insert(folder.to_owned(), record_file_count(file.contents));
            return Ok(());
        }
        if let Some(form) = form {
            let reading = read_installed(file.path, form, file.contents);
            findings.extend(reading.diagnostics.into_iter().map(Finding::Diagnostic));
            let distribution = form.distribution_path(file.path).to_owned();
            for package in reading.packages {
                layer
                    .distributions
                    .push((distribution.clone(), package, file.path.to_owned()));
            }
            return Ok(());
        }

        let reading = match name {
            "poetry.lock" => read_poetry_lock(file.path, file.contents),
            "Pipfile.lock" => read_pipfile_lock(file.path, file.contents),
            "uv.lock" => read_uv_lock(file.path, file.contents),
            _ if is_pylock(name) => read_pylock(file.path, file.contents),
            _ => read_requirements(file.path, file.contents),
        };
        push_reading(reading, file.path, findings);
        Ok(())
    }

    fn finish_layer(
        &self,
        layer: LayerState,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        for (distribution, mut package, source_path) in layer.distributions {
            if let Some(count) = layer.record_counts.get(&distribution) {
                package.metadata.insert("files".into(), count.to_string());
            }
            findings.push(Finding::Package(package.into_package(&source_path)));
        }
        Ok(())
    }
}

/// Whether a file name is a requirements file (`requirements.txt`, `dev-requirements.txt`).
fn is_requirements(name: &str) -> bool {
    name.ends_with(".txt") && name.contains("requirements")
}

fn push_reading(reading: Reading, path: &str, findings: &mut Vec<Finding>) {
    findings.extend(reading.diagnostics.into_iter().map(Finding::Diagnostic));
    findings.extend(
        reading
            .packages
            .into_iter()
            .map(|package| Finding::Package(package.into_package(path))),
    );
}
