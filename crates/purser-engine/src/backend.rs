//! The one face every analyzer shows the engine.
//!
//! A scan talks to analyzers only through [`AnalyzerBackend`] and [`LayerSession`]. Plugins
//! loaded from shared libraries implement them in [`crate::loader`]; [`InProcessAnalyzer`]
//! implements them for an analyzer linked into the same binary, which the benchmarks use as the
//! baseline for the cost of the plugin boundary and tests use to drive the engine directly.

use purser_plugin_api::{
    Analyzer, AnalyzerInfo, AnalyzerRequests, Diagnostic, FileInput, Finding, ImageInput,
    LayerContext,
};

/// Why a call into an analyzer failed as a whole (per-file failures are diagnostics instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The analyzer returned an error.
    #[error("{0}")]
    Failed(String),
    /// The analyzer panicked; the panic was caught at the boundary.
    #[error("{0}")]
    Panicked(String),
    /// The analyzer's answer could not be read.
    #[error("unreadable answer: {0}")]
    Malformed(String),
}

/// An analyzer instance, created for one scan.
pub trait AnalyzerBackend: Send + Sync {
    /// Name, version and description.
    fn info(&self) -> &AnalyzerInfo;

    /// What the instance asked for.
    fn requests(&self) -> &AnalyzerRequests;

    /// Opens a session for one layer.
    ///
    /// # Errors
    ///
    /// When the analyzer cannot analyze the layer at all.
    fn start_layer(&self, layer: &LayerContext) -> Result<Box<dyn LayerSession + '_>, CallError>;

    /// Analyzes image-level inputs.
    ///
    /// # Errors
    ///
    /// When the analyzer fails or panics.
    fn analyze_image(&self, image: &ImageInput<'_>) -> Result<Vec<Finding>, CallError>;
}

/// The analysis of one layer by one analyzer.
pub trait LayerSession: Send {
    /// Analyzes a batch of files. Per-file errors and panics come back as diagnostics.
    ///
    /// # Errors
    ///
    /// When the batch could not be analyzed at all.
    fn analyze_files(&mut self, files: &[FileInput<'_>]) -> Result<Vec<Finding>, CallError>;

    /// Ends the layer and returns what only the end could tell.
    ///
    /// # Errors
    ///
    /// When the analyzer fails or panics while finishing.
    fn finish(self: Box<Self>) -> Result<Vec<Finding>, CallError>;
}

/// An analyzer linked into this binary, called without crossing a library boundary.
///
/// It mirrors what the export macro does on the plugin side (an error or panic in one file
/// becomes a diagnostic for that file) so that both backends give the same results.
pub struct InProcessAnalyzer<A: Analyzer> {
    analyzer: A,
    info: AnalyzerInfo,
    requests: AnalyzerRequests,
}

impl<A: Analyzer> InProcessAnalyzer<A> {
    /// Creates the analyzer with the given options.
    ///
    /// # Errors
    ///
    /// When the analyzer rejects the options.
    pub fn new(options: &serde_json::Value) -> Result<Self, CallError> {
        let analyzer = A::new(options).map_err(|error| CallError::Failed(error.to_string()))?;
        let requests = analyzer.requests();
        Ok(InProcessAnalyzer {
            analyzer,
            info: A::info(),
            requests,
        })
    }
}

impl<A: Analyzer> AnalyzerBackend for InProcessAnalyzer<A> {
    fn info(&self) -> &AnalyzerInfo {
        &self.info
    }

    fn requests(&self) -> &AnalyzerRequests {
        &self.requests
    }

    fn start_layer(&self, layer: &LayerContext) -> Result<Box<dyn LayerSession + '_>, CallError> {
        let state = catch(|| self.analyzer.start_layer(layer))?;
        Ok(Box::new(InProcessSession { owner: self, state }))
    }

    fn analyze_image(&self, image: &ImageInput<'_>) -> Result<Vec<Finding>, CallError> {
        let mut findings = Vec::new();
        catch(|| self.analyzer.analyze_image(image, &mut findings))?;
        Ok(findings)
    }
}

struct InProcessSession<'a, A: Analyzer> {
    owner: &'a InProcessAnalyzer<A>,
    state: A::Layer,
}

impl<A: Analyzer> LayerSession for InProcessSession<'_, A> {
    fn analyze_files(&mut self, files: &[FileInput<'_>]) -> Result<Vec<Finding>, CallError> {
        let mut findings = Vec::new();
        for file in files {
            let outcome = catch(|| {
                self.owner
                    .analyzer
                    .analyze_file(&mut self.state, file, &mut findings)
            });
            if let Err(error) = outcome {
                let name = &self.owner.info.name;
                let verb = match error {
                    CallError::Panicked(_) => "panicked",
                    _ => "failed",
                };
                findings.push(Finding::Diagnostic(Diagnostic::error(
                    file.path,
                    format!("analyzer {name} {verb} on this file: {error}"),
                )));
            }
        }
        Ok(findings)
    }

    fn finish(self: Box<Self>) -> Result<Vec<Finding>, CallError> {
        let InProcessSession { owner, state } = *self;
        let mut findings = Vec::new();
        catch(move || {
            owner
                .analyzer
                .finish_layer(state, &mut findings)
                .map(|()| findings)
        })
    }
}

/// Runs analyzer code, turning its error or panic into a [`CallError`].
fn catch<T>(
    work: impl FnOnce() -> Result<T, purser_plugin_api::AnalyzerError>,
) -> Result<T, CallError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(CallError::Failed(error.to_string())),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic with a non-text payload".to_owned());
            Err(CallError::Panicked(format!("panicked: {message}")))
        }
    }
}
