//! The [`Analyzer`] implementation: options, requests, and routing each file to its reader.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, FileInput, FileRequest,
    Finding, LayerContext,
};

use crate::archive::{is_archive_name, scan_archive, ARCHIVE_SUFFIXES};
use crate::jdk_release::parse_jdk_release;
use crate::limits::Limits;

/// Largest archive requested from the engine: 512 MiB.
pub const MAX_ARCHIVE_SIZE: u64 = 512 << 20;

/// Largest file named `release` requested from the engine: 64 KiB.
pub const MAX_RELEASE_FILE_SIZE: u64 = 64 << 10;

/// Finds Java libraries in archives and Java runtimes; see the crate documentation.
#[derive(Debug, Clone, Copy, Default)]
pub struct JavaAnalyzer {
    limits: Limits,
}

impl JavaAnalyzer {
    /// The limits this instance applies to each archive.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

impl Analyzer for JavaAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "java".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Finds Java libraries in jar, war and ear archives, and Java runtimes"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        if options.is_null() {
            return Ok(JavaAnalyzer::default());
        }
        let Some(object) = options.as_object() else {
            return Err(AnalyzerError::new(format!(
                "the java analyzer options must be a JSON object, not {options}"
            )));
        };

        let mut limits = Limits::default();
        for (key, value) in object {
            let number = value.as_u64().filter(|number| *number > 0).ok_or_else(|| {
                AnalyzerError::new(format!(
                    "java analyzer option `{key}` must be a positive integer, not {value}"
                ))
            })?;
            match key.as_str() {
                "max_depth" => limits.max_depth = usize::try_from(number).unwrap_or(usize::MAX),
                "max_entries" => limits.max_entries = number,
                "max_inflated_bytes" => limits.max_inflated_bytes = number,
                other => {
                    return Err(AnalyzerError::new(format!(
                        "unknown java analyzer option `{other}`; the options are max_depth, \
                         max_entries and max_inflated_bytes"
                    )))
                }
            }
        }
        Ok(JavaAnalyzer { limits })
    }

    fn requests(&self) -> AnalyzerRequests {
        let archives = FileRequest {
            suffixes: ARCHIVE_SUFFIXES.iter().map(|s| (*s).to_owned()).collect(),
            max_size: Some(MAX_ARCHIVE_SIZE),
            contents: true,
            ..FileRequest::default()
        };
        // `release` is a common name; the contents decide whether it is a runtime's.
        let runtime_release = FileRequest {
            file_names: vec!["release".to_owned()],
            max_size: Some(MAX_RELEASE_FILE_SIZE),
            text_only: true,
            contents: true,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![archives, runtime_release],
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
        if file.file_name() == "release" {
            if let Some(runtime) =
                parse_jdk_release(file.path, &String::from_utf8_lossy(file.contents))
            {
                findings.push(runtime);
            }
            return Ok(());
        }
        if !is_archive_name(file.path) {
            return Ok(());
        }

        // A truncated archive has lost its central directory, which sits at the end.
        if file.truncated {
            findings.push(Finding::Diagnostic(Diagnostic::warning(
                file.path,
                format!(
                    "java archive of {} bytes was handed over truncated to {} bytes; not analyzed",
                    file.size,
                    file.contents.len()
                ),
            )));
            return Ok(());
        }
        scan_archive(file.path, file.contents, &self.limits, findings);
        Ok(())
    }
}
