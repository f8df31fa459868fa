//! The [`Analyzer`] implementation: reads the rpm database of each layer.

use std::collections::BTreeMap;

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, DiagnosticLevel,
    FileInput, FileRequest, Finding, LayerContext,
};

use crate::database::{read_database, DatabaseFormat};

/// The directories rpm keeps its database in: `var/lib/rpm` (RHEL, CentOS, Amazon Linux),
/// `usr/lib/sysimage/rpm` (Fedora 36+, openSUSE, SLES 15 SP3+) and `usr/share/rpm` (older
/// SUSE).
pub const DATABASE_DIRECTORIES: [&str; 3] =
    ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"];

/// The database file names, newest format first.
pub const DATABASE_FILE_NAMES: [&str; 3] = ["rpmdb.sqlite", "Packages.db", "Packages"];

/// Every path this analyzer requests.
pub fn database_paths() -> Vec<String> {
    DATABASE_DIRECTORIES
        .iter()
        .flat_map(|directory| {
            DATABASE_FILE_NAMES
                .iter()
                .map(move |name| format!("{directory}/{name}"))
        })
        .collect()
}

/// Reports the packages rpm installed. See the crate documentation for the findings' contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct RpmAnalyzer;

/// The findings of each database seen in a layer, kept until the layer ends so that only one
/// database per layer is reported.
#[derive(Debug, Default)]
pub struct LayerState {
    databases: BTreeMap<String, (DatabaseFormat, Vec<Finding>)>,
}

impl Analyzer for RpmAnalyzer {
    type Layer = LayerState;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "rpm".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Lists packages installed by rpm (SQLite, Berkeley DB and NDB databases)"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        AnalyzerError::unless_no_options("rpm", options)?;
        Ok(RpmAnalyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: vec![FileRequest::exact_paths(database_paths())],
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
        let format = DatabaseFormat::from_file_name(file.file_name())
            .filter(|_| database_paths().iter().any(|path| path == file.path))
            .ok_or_else(|| {
                AnalyzerError::new("the engine dispatched a file this analyzer did not request")
            })?;

        let mut findings = Vec::new();
        if file.truncated {
            // Limitation: a database over the engine's per-file read limit (512 MiB by default)
            // is read only as far as it was handed over; the user sees this warning and, for
            // the packages stored beyond the limit, errors naming the missing pages.
            findings.push(Finding::Diagnostic(Diagnostic::warning(
                file.path,
                format!(
                    "the database ({} bytes) exceeds the engine's read limit; only its first {} \
                     bytes are read",
                    file.size,
                    file.contents.len()
                ),
            )));
        }
        let reading = read_database(file.path, format, file.contents);
        findings.extend(reading.diagnostics.into_iter().map(Finding::Diagnostic));
        findings.extend(reading.packages.into_iter().map(Finding::Package));
        findings.extend(reading.owned_files.into_iter().map(Finding::OwnedFiles));
        layer
            .databases
            .insert(file.path.to_owned(), (format, findings));
        Ok(())
    }

    fn finish_layer(
        &self,
        layer: LayerState,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        let Some(chosen) = choose_database(&layer) else {
            return Ok(());
        };
        for (path, (_, database_findings)) in layer.databases {
            if path == chosen {
                findings.extend(database_findings);
            } else {
                tracing::debug!(%path, %chosen, "rpm database ignored for a newer one");
                findings.push(Finding::Diagnostic(Diagnostic {
                    level: DiagnosticLevel::Info,
                    path: path.clone(),
                    message: format!(
                        "rpm database not reported: {chosen} in the same layer is the one rpm \
                         uses"
                    ),
                }));
            }
        }
        Ok(())
    }
}

/// The database rpm itself would read when a layer holds several: the newest format (a
/// conversion with `rpmdb --rebuilddb` leaves the old file behind), then the first directory of
/// [`DATABASE_DIRECTORIES`].
fn choose_database(layer: &LayerState) -> Option<String> {
    let directory_rank = |path: &str| {
        DATABASE_DIRECTORIES
            .iter()
            .position(|directory| path.starts_with(directory))
            .unwrap_or(usize::MAX)
    };
    layer
        .databases
        .iter()
        .min_by_key(|(path, (format, _))| (std::cmp::Reverse(*format), directory_rank(path)))
        .map(|(path, _)| path.clone())
}
