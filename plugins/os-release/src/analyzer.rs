//! The [`Analyzer`] implementation: routes each file to its reader and keeps per-layer state.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, FileInput, FileRequest,
    Finding, LayerContext,
};

use crate::layer::LayerState;
use crate::lifecycle;
use crate::sources::{format_of, is_dpkg_status_entry, release_file_paths, DPKG_STATUS_DIRECTORY};
use crate::text::{decode, MAX_RELEASE_FILE_SIZE};

/// Tells which operating system an image runs, from its release files. See the crate
/// documentation for the files read and the contract of the findings.
#[derive(Debug, Clone)]
pub struct OsReleaseAnalyzer {
    /// The day against which end of life is judged, `YYYY-MM-DD`.
    today: String,
}

impl Default for OsReleaseAnalyzer {
    fn default() -> Self {
        OsReleaseAnalyzer {
            today: lifecycle::today_utc(),
        }
    }
}

impl Analyzer for OsReleaseAnalyzer {
    type Layer = LayerState;

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "os-release".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description:
                "Detects the operating system from os-release and distribution release files".into(),
        }
    }

    /// Accepts one option, `today` (`YYYY-MM-DD`): the day against which end of life is judged,
    /// for reproducible reports and tests. Without it, today's date in UTC is used.
    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        let Some(today) = options.get("today") else {
            AnalyzerError::unless_no_options("os-release", options)?;
            return Ok(OsReleaseAnalyzer::default());
        };
        let unknown = options
            .as_object()
            .into_iter()
            .flat_map(|object| object.keys())
            .find(|key| *key != "today");
        if let Some(key) = unknown {
            return Err(AnalyzerError::new(format!(
                "os-release knows only the option `today`, not `{key}`"
            )));
        }
        match today.as_str() {
            Some(date) if lifecycle::is_iso_date(date) => Ok(OsReleaseAnalyzer {
                today: date.to_owned(),
            }),
            _ => Err(AnalyzerError::new(format!(
                "os-release option `today` must be a date written YYYY-MM-DD, got {today}"
            ))),
        }
    }

    fn requests(&self) -> AnalyzerRequests {
        let release_files = FileRequest {
            max_size: Some(MAX_RELEASE_FILE_SIZE),
            ..FileRequest::exact_paths(release_file_paths())
        };
        // Only the presence of a status entry matters, never its bytes.
        let dpkg_status_entries = FileRequest {
            globs: vec![format!("{DPKG_STATUS_DIRECTORY}*")],
            contents: false,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![release_files, dpkg_status_entries],
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
        if is_dpkg_status_entry(file.path) {
            layer.record_dpkg_status_entry(file.path);
            return Ok(());
        }
        let Some(format) = format_of(file.path) else {
            return Err(AnalyzerError::new(
                "the engine dispatched a file this analyzer did not request",
            ));
        };

        let text = match decode(file) {
            Ok(text) => text,
            Err(message) => {
                findings.push(Finding::Diagnostic(Diagnostic::warning(file.path, message)));
                return Ok(());
            }
        };
        let reading = format.read(file.path, &text.text);

        let warnings = text.warning.into_iter().chain(reading.warnings);
        findings.extend(
            warnings.map(|message| Finding::Diagnostic(Diagnostic::warning(file.path, message))),
        );
        if let Some(os) = reading.os {
            layer.record(os);
        }
        Ok(())
    }

    fn finish_layer(
        &self,
        layer: LayerState,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        let first_new = findings.len();
        layer.finish(findings);
        for finding in &mut findings[first_new..] {
            if let Finding::OperatingSystem(os) = finding {
                os.end_of_life = lifecycle::end_of_life(&os.family, &os.version_id, &self.today);
            }
        }
        Ok(())
    }
}
