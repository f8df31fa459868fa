//! `test-panicking`: a plugin that panics on purpose, so that the engine's and the CLI's tests
//! can check that every entry point of the plugin table contains a panic.
//!
//! Never loaded by default. It asks for every file with its contents, and for the image config.
//!
//! - Without options it panics in `analyze_file` for every path containing `panic` and reports a
//!   `test-file-seen` [`Observation`] for every other file, so a test can see that the files
//!   after a panic were still analyzed.
//! - With `{"panic_in": "<entry>"}` it panics in that entry instead and analyzes every file
//!   normally. `<entry>` is one of `new`, `start_layer`, `analyze_file`, `finish_layer`,
//!   `analyze_image` or `destroy` (the instance's drop, run by the table's `destroy`).
//!
//! `analyze_image`, when it does not panic, reports one `test-image-seen` observation naming the
//! image reference.

#![deny(missing_docs)]

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    ImageInput, ImageRequest, LayerContext, Observation, Severity,
};

/// The entry point that panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanicPoint {
    /// `Analyzer::new`.
    New,
    /// `Analyzer::start_layer`.
    StartLayer,
    /// `Analyzer::analyze_file`, for paths containing `panic` only.
    AnalyzeFile,
    /// `Analyzer::finish_layer`.
    FinishLayer,
    /// `Analyzer::analyze_image`.
    AnalyzeImage,
    /// The instance's `Drop`, which the table's `destroy` runs.
    Destroy,
}

impl PanicPoint {
    /// The point named by the `panic_in` option.
    ///
    /// # Errors
    ///
    /// When the name is not one of the documented entries.
    pub fn from_name(name: &str) -> Result<Self, AnalyzerError> {
        Ok(match name {
            "new" => PanicPoint::New,
            "start_layer" => PanicPoint::StartLayer,
            "analyze_file" => PanicPoint::AnalyzeFile,
            "finish_layer" => PanicPoint::FinishLayer,
            "analyze_image" => PanicPoint::AnalyzeImage,
            "destroy" => PanicPoint::Destroy,
            other => {
                return Err(AnalyzerError::new(format!(
                    "test-panicking option panic_in names unknown entry `{other}`; use new, \
                     start_layer, analyze_file, finish_layer, analyze_image or destroy"
                )))
            }
        })
    }
}

/// Panics where its options say; see the crate documentation.
#[derive(Debug)]
pub struct PanickingAnalyzer {
    panic_in: PanicPoint,
}

impl PanickingAnalyzer {
    fn panic_if(&self, point: PanicPoint) {
        if self.panic_in == point {
            panic!("test-panicking panics in {point:?} as its options ask");
        }
    }
}

impl Analyzer for PanickingAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "test-panicking".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test plugin that panics on purpose".into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        let panic_in = match options.get("panic_in") {
            None => PanicPoint::AnalyzeFile,
            Some(serde_json::Value::String(name)) => PanicPoint::from_name(name)?,
            Some(other) => {
                return Err(AnalyzerError::new(format!(
                    "test-panicking option panic_in must be a string, not {other}"
                )))
            }
        };
        let analyzer = PanickingAnalyzer { panic_in };
        // Checked after construction so that the panic runs with a live value to unwind past,
        // as a real analyzer's would.
        analyzer.panic_if(PanicPoint::New);
        Ok(analyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: vec![FileRequest {
                all_files: true,
                contents: true,
                ..FileRequest::default()
            }],
            image: ImageRequest {
                config: true,
                ..ImageRequest::default()
            },
        }
    }

    fn start_layer(&self, _layer: &LayerContext) -> Result<(), AnalyzerError> {
        self.panic_if(PanicPoint::StartLayer);
        Ok(())
    }

    fn analyze_file(
        &self,
        _layer: &mut (),
        file: &FileInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        if self.panic_in == PanicPoint::AnalyzeFile && file.path.contains("panic") {
            panic!("test-panicking panics on {} as asked", file.path);
        }
        findings.push(Finding::Observation(Observation {
            rule_id: "test-file-seen".into(),
            title: "test-panicking saw this file".into(),
            severity: Severity::Unknown,
            path: file.path.into(),
            detail: format!(
                "{} bytes, {} of them passed",
                file.size,
                file.contents.len()
            ),
        }));
        Ok(())
    }

    fn finish_layer(&self, _layer: (), _findings: &mut Vec<Finding>) -> Result<(), AnalyzerError> {
        self.panic_if(PanicPoint::FinishLayer);
        Ok(())
    }

    fn analyze_image(
        &self,
        image: &ImageInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        self.panic_if(PanicPoint::AnalyzeImage);
        findings.push(Finding::Observation(Observation {
            rule_id: "test-image-seen".into(),
            title: "test-panicking saw the image".into(),
            severity: Severity::Unknown,
            path: String::new(),
            detail: image.context.reference.clone(),
        }));
        Ok(())
    }
}

impl Drop for PanickingAnalyzer {
    fn drop(&mut self) {
        // Never panic while already unwinding: that would abort the process.
        if !std::thread::panicking() {
            self.panic_if(PanicPoint::Destroy);
        }
    }
}

purser_plugin_api::export_analyzer!(PanickingAnalyzer);

#[cfg(test)]
mod tests {
    use purser_plugin_api::abi::PANIC_UNWIND;
    use purser_plugin_api::{DiagnosticLevel, ImageContext, INTERFACE_VERSION};
    use purser_plugin_harness::Plugin;

    use super::*;

    fn file(path: &str) -> FileInput<'_> {
        FileInput {
            path,
            size: 5,
            mode: 0o644,
            contents: b"hello",
            truncated: false,
        }
    }

    fn image() -> ImageInput<'static> {
        ImageInput {
            context: ImageContext {
                reference: "fixtures/build/alpine.tar".into(),
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
    fn the_trait_panics_only_on_panic_paths() {
        let analyzer = PanickingAnalyzer::new(&serde_json::Value::Null).expect("created");
        let mut findings = Vec::new();
        analyzer
            .analyze_file(&mut (), &file("etc/hostname"), &mut findings)
            .expect("ordinary files pass");
        assert_eq!(findings.len(), 1);

        let caught = std::panic::catch_unwind(|| {
            analyzer.analyze_file(&mut (), &file("etc/panic-here"), &mut Vec::new())
        });
        assert!(caught.is_err());
    }

    #[test]
    fn unknown_options_are_refused() {
        for options in [
            serde_json::json!({"panic_in": "describe"}),
            serde_json::json!({"panic_in": 3}),
        ] {
            assert!(PanickingAnalyzer::new(&options).is_err(), "{options}");
        }
    }

    #[test]
    fn a_panic_in_one_file_spares_the_rest_of_the_batch() {
        let plugin = plugin();
        let instance = plugin.create(&serde_json::Value::Null).expect("created");
        let files = [file("a"), file("b/panic"), file("c")];
        let findings = instance
            .scan_layer(&LayerContext::default(), &files)
            .expect("the batch itself succeeds");

        let [Finding::Observation(a), Finding::Diagnostic(panicked), Finding::Observation(c)] =
            findings.as_slice()
        else {
            panic!("unexpected findings {findings:?}")
        };
        assert_eq!((a.path.as_str(), c.path.as_str()), ("a", "c"));
        assert_eq!(panicked.level, DiagnosticLevel::Error);
        assert_eq!(panicked.path, "b/panic");
        assert!(
            panicked
                .message
                .contains("test-panicking panicked on this file")
                && panicked.message.contains("panics on b/panic as asked"),
            "{}",
            panicked.message
        );
    }

    #[test]
    fn a_panic_in_new_is_a_panic_status() {
        let error = plugin()
            .create(&serde_json::json!({"panic_in": "new"}))
            .err()
            .expect("create fails");
        assert!(error.is_panic(), "{error}");
        assert!(error.message().is_some_and(|m| m.contains("New")));
    }

    #[test]
    fn panics_in_layer_and_image_entries_are_panic_statuses() {
        let plugin = plugin();

        let instance = plugin
            .create(&serde_json::json!({"panic_in": "start_layer"}))
            .expect("created");
        let error = instance
            .start_layer(&LayerContext::default())
            .err()
            .expect("start_layer fails");
        assert!(error.is_panic(), "{error}");

        let instance = plugin
            .create(&serde_json::json!({"panic_in": "finish_layer"}))
            .expect("created");
        let mut session = instance
            .start_layer(&LayerContext::default())
            .expect("started");
        let seen = session.analyze_files(&[file("x/panic")]).expect("analyzed");
        assert!(
            matches!(seen.as_slice(), [Finding::Observation(_)]),
            "{seen:?}"
        );
        assert!(session.finish().expect_err("finish fails").is_panic());

        let instance = plugin
            .create(&serde_json::json!({"panic_in": "analyze_image"}))
            .expect("created");
        assert!(instance
            .analyze_image(&image())
            .expect_err("fails")
            .is_panic());
    }

    #[test]
    fn analyze_image_reports_when_it_does_not_panic() {
        let plugin = plugin();
        let instance = plugin.create(&serde_json::Value::Null).expect("created");
        assert!(instance.requests().image.config);
        let findings = instance.analyze_image(&image()).expect("analyzed");
        let [Finding::Observation(seen)] = findings.as_slice() else {
            panic!("unexpected {findings:?}")
        };
        assert_eq!(seen.detail, "fixtures/build/alpine.tar");
    }

    #[test]
    fn a_panic_in_destroy_does_not_escape() {
        let plugin = plugin();
        let instance = plugin
            .create(&serde_json::json!({"panic_in": "destroy"}))
            .expect("created");
        // Dropping calls the table's `destroy`; the test passes only if no panic unwinds here.
        drop(instance);
        assert_eq!(
            plugin.describe().expect("still usable").name,
            "test-panicking"
        );
    }
}
