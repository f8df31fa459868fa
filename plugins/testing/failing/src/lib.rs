//! `test-failing`: a plugin that returns errors on purpose, so that the engine's and the CLI's
//! tests can check that an analyzer's error is reported with its name and the file, and that
//! the scan goes on.
//!
//! Never loaded by default. It asks for every file (without contents) and for the image config.
//!
//! - `analyze_file` returns an [`AnalyzerError`] for every file under `etc/` and reports a
//!   `test-file-seen` [`Observation`] for every other file.
//! - With `{"fail_in": "<entry>"}` it also fails in that entry: one of `new`, `start_layer`,
//!   `finish_layer` or `analyze_image`. Otherwise `analyze_image` reports one `test-image-seen`
//!   observation.

#![deny(missing_docs)]

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    ImageInput, ImageRequest, LayerContext, Observation, Severity,
};

/// An entry point that fails besides `analyze_file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    /// `Analyzer::new`.
    New,
    /// `Analyzer::start_layer`.
    StartLayer,
    /// `Analyzer::finish_layer`.
    FinishLayer,
    /// `Analyzer::analyze_image`.
    AnalyzeImage,
}

impl FailPoint {
    /// The point named by the `fail_in` option.
    ///
    /// # Errors
    ///
    /// When the name is not one of the documented entries.
    pub fn from_name(name: &str) -> Result<Self, AnalyzerError> {
        Ok(match name {
            "new" => FailPoint::New,
            "start_layer" => FailPoint::StartLayer,
            "finish_layer" => FailPoint::FinishLayer,
            "analyze_image" => FailPoint::AnalyzeImage,
            other => {
                return Err(AnalyzerError::new(format!(
                    "test-failing option fail_in names unknown entry `{other}`; use new, \
                     start_layer, finish_layer or analyze_image"
                )))
            }
        })
    }
}

/// Fails where its options say; see the crate documentation.
#[derive(Debug)]
pub struct FailingAnalyzer {
    fail_in: Option<FailPoint>,
}

impl FailingAnalyzer {
    fn fail_if(&self, point: FailPoint) -> Result<(), AnalyzerError> {
        if self.fail_in == Some(point) {
            return Err(AnalyzerError::new(format!(
                "test-failing fails in {point:?} as its options ask"
            )));
        }
        Ok(())
    }
}

impl Analyzer for FailingAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "test-failing".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test plugin that returns errors on purpose".into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        let fail_in = match options.get("fail_in") {
            None => None,
            Some(serde_json::Value::String(name)) => Some(FailPoint::from_name(name)?),
            Some(other) => {
                return Err(AnalyzerError::new(format!(
                    "test-failing option fail_in must be a string, not {other}"
                )))
            }
        };
        let analyzer = FailingAnalyzer { fail_in };
        analyzer.fail_if(FailPoint::New)?;
        Ok(analyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: vec![FileRequest {
                all_files: true,
                ..FileRequest::default()
            }],
            image: ImageRequest {
                config: true,
                ..ImageRequest::default()
            },
        }
    }

    fn start_layer(&self, _layer: &LayerContext) -> Result<(), AnalyzerError> {
        self.fail_if(FailPoint::StartLayer)
    }

    fn analyze_file(
        &self,
        _layer: &mut (),
        file: &FileInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        if file.path.starts_with("etc/") {
            return Err(AnalyzerError::new(
                "test-failing refuses every file under etc/",
            ));
        }
        findings.push(Finding::Observation(Observation {
            rule_id: "test-file-seen".into(),
            title: "test-failing saw this file".into(),
            severity: Severity::Unknown,
            path: file.path.into(),
            detail: format!("{} bytes", file.size),
        }));
        Ok(())
    }

    fn finish_layer(&self, _layer: (), _findings: &mut Vec<Finding>) -> Result<(), AnalyzerError> {
        self.fail_if(FailPoint::FinishLayer)
    }

    fn analyze_image(
        &self,
        image: &ImageInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        self.fail_if(FailPoint::AnalyzeImage)?;
        findings.push(Finding::Observation(Observation {
            rule_id: "test-image-seen".into(),
            title: "test-failing saw the image".into(),
            severity: Severity::Unknown,
            path: String::new(),
            detail: image.context.reference.clone(),
        }));
        Ok(())
    }
}

purser_plugin_api::export_analyzer!(FailingAnalyzer);

#[cfg(test)]
mod tests {
    use purser_plugin_api::abi::PANIC_UNWIND;
    use purser_plugin_api::{DiagnosticLevel, ImageContext, INTERFACE_VERSION};
    use purser_plugin_harness::Plugin;

    use super::*;

    fn file(path: &str) -> FileInput<'_> {
        FileInput {
            path,
            size: 12,
            mode: 0o644,
            contents: &[],
            truncated: false,
        }
    }

    fn image() -> ImageInput<'static> {
        ImageInput {
            context: ImageContext {
                reference: "image.tar".into(),
                ..ImageContext::default()
            },
            config_json: b"{}",
            manifest_json: b"",
            index_json: b"",
            attachments: Vec::new(),
        }
    }

    fn plugin() -> Plugin {
        let plugin = Plugin::from_entry(purser_analyzer_entry).expect("accepted");
        assert_eq!(plugin.header().interface_version, INTERFACE_VERSION);
        assert_eq!(plugin.header().panic_strategy, PANIC_UNWIND);
        plugin
    }

    #[test]
    fn the_trait_fails_under_etc_only() {
        let analyzer = FailingAnalyzer::new(&serde_json::Value::Null).expect("created");
        let mut findings = Vec::new();
        let error = analyzer
            .analyze_file(&mut (), &file("etc/passwd"), &mut findings)
            .expect_err("etc fails");
        assert_eq!(
            error.message(),
            "test-failing refuses every file under etc/"
        );
        assert!(findings.is_empty());
        analyzer
            .analyze_file(&mut (), &file("usr/etc/x"), &mut findings)
            .expect("only the top-level etc/ fails");
        assert_eq!(findings.len(), 1);
    }

    #[test]
    fn unknown_options_are_refused() {
        for options in [
            serde_json::json!({"fail_in": "analyze_file"}),
            serde_json::json!({"fail_in": ["new"]}),
        ] {
            assert!(FailingAnalyzer::new(&options).is_err(), "{options}");
        }
    }

    #[test]
    fn file_errors_become_diagnostics_and_the_batch_goes_on() {
        let plugin = plugin();
        let instance = plugin.create(&serde_json::Value::Null).expect("created");
        let files = [file("etc/os-release"), file("usr/bin/env")];
        let findings = instance
            .scan_layer(&LayerContext::default(), &files)
            .expect("the batch itself succeeds");

        let [Finding::Diagnostic(failed), Finding::Observation(seen)] = findings.as_slice() else {
            panic!("unexpected findings {findings:?}")
        };
        assert_eq!(failed.level, DiagnosticLevel::Error);
        assert_eq!(failed.path, "etc/os-release");
        assert_eq!(
            failed.message,
            "analyzer test-failing failed on this file: test-failing refuses every file under etc/"
        );
        assert_eq!(seen.path, "usr/bin/env");
    }

    #[test]
    fn each_entry_fails_with_an_error_status_when_asked() {
        let plugin = plugin();

        let error = plugin
            .create(&serde_json::json!({"fail_in": "new"}))
            .err()
            .expect("create fails");
        assert!(!error.is_panic());
        assert_eq!(
            error.message(),
            Some("test-failing fails in New as its options ask")
        );

        let instance = plugin
            .create(&serde_json::json!({"fail_in": "start_layer"}))
            .expect("created");
        let error = instance
            .start_layer(&LayerContext::default())
            .err()
            .expect("fails");
        assert!(!error.is_panic());

        let instance = plugin
            .create(&serde_json::json!({"fail_in": "finish_layer"}))
            .expect("created");
        let session = instance
            .start_layer(&LayerContext::default())
            .expect("started");
        assert!(!session.finish().expect_err("fails").is_panic());

        let instance = plugin
            .create(&serde_json::json!({"fail_in": "analyze_image"}))
            .expect("created");
        let error = instance.analyze_image(&image()).expect_err("fails");
        assert!(error.message().is_some_and(|m| m.contains("AnalyzeImage")));
    }

    #[test]
    fn analyze_image_reports_when_not_asked_to_fail() {
        let plugin = plugin();
        let instance = plugin.create(&serde_json::Value::Null).expect("created");
        assert!(instance.requests().image.config);
        let findings = instance.analyze_image(&image()).expect("analyzed");
        assert!(
            matches!(findings.as_slice(), [Finding::Observation(o)] if o.detail == "image.tar")
        );
    }
}
