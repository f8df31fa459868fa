//! The [`Analyzer`] implementation: requests, and routing each file to its reader.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, DiagnosticLevel,
    FileInput, FileRequest, Finding, LayerContext,
};

use crate::build_info::read_build_info;
use crate::executable::{sniff_format, Executable};
use crate::go_mod::{go_mod_packages, parse_go_mod};
use crate::module_info::parse_module_info;
use crate::packages::binary_packages;

/// Largest `go.mod` read: 4 MiB (the largest public ones are a few hundred KiB).
pub const MAX_GO_MOD_SIZE: u64 = 4 << 20;

/// Finds Go modules in executables and `go.mod` files; see the crate documentation.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoAnalyzer;

impl Analyzer for GoAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "go".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Finds Go modules in the build information of Go executables and in \
                          go.mod files"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        AnalyzerError::unless_no_options("go", options)?;
        Ok(GoAnalyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        // The interface cannot select files by their first bytes, so every file with an execute
        // bit is asked for and the magic is checked here, in a few nanoseconds; Windows
        // executables in Linux images seldom carry the bit, hence the `.exe` suffix too.
        let executables = FileRequest {
            all_files: true,
            mode_any: Some(0o111),
            contents: true,
            ..FileRequest::default()
        };
        let windows_executables = FileRequest {
            suffixes: vec![".exe".to_owned()],
            contents: true,
            ..FileRequest::default()
        };
        let go_mod = FileRequest {
            file_names: vec!["go.mod".to_owned()],
            max_size: Some(MAX_GO_MOD_SIZE),
            text_only: true,
            contents: true,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![executables, windows_executables, go_mod],
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
        if file.file_name() == "go.mod" && sniff_format(file.contents).is_none() {
            analyze_go_mod(file, findings);
        } else {
            analyze_executable(file, findings);
        }
        Ok(())
    }
}

/// Reports the requirements of a `go.mod` file.
fn analyze_go_mod(file: &FileInput<'_>, findings: &mut Vec<Finding>) {
    let text = String::from_utf8_lossy(file.contents);
    let go_mod = parse_go_mod(&text);
    if !go_mod.malformed_lines.is_empty() {
        findings.push(Finding::Diagnostic(Diagnostic::warning(
            file.path,
            format!(
                "{} unreadable line(s) in go.mod were skipped, the first: {:?}",
                go_mod.malformed_lines.len(),
                go_mod.malformed_lines[0]
            ),
        )));
    }
    findings.extend(go_mod_packages(&go_mod, file.path));
}

/// Reports the modules of a Go executable, or says why it has none. Files that are not
/// executables at all, and executables the Go toolchain did not link, give nothing.
pub fn analyze_executable(file: &FileInput<'_>, findings: &mut Vec<Finding>) {
    let Some(format) = sniff_format(file.contents) else {
        return;
    };
    let diagnostic = |level, message: String| {
        let cut = if file.truncated {
            format!(
                " (the engine handed over only the first {} of {} bytes)",
                file.contents.len(),
                file.size
            )
        } else {
            String::new()
        };
        Finding::Diagnostic(Diagnostic {
            level,
            path: file.path.to_owned(),
            message: format!("{message}{cut}"),
        })
    };

    let executable = match Executable::parse(file.contents, format) {
        Ok(executable) => executable,
        Err(error) => {
            findings.push(diagnostic(
                DiagnosticLevel::Warning,
                format!("not analyzed as a Go executable: {error}"),
            ));
            return;
        }
    };

    match read_build_info(&executable) {
        Ok(Some(raw)) => {
            let info = parse_module_info(&raw.module_info);
            if !info.malformed_lines.is_empty() {
                findings.push(diagnostic(
                    DiagnosticLevel::Warning,
                    format!(
                        "{} unreadable line(s) in the Go module information were skipped, the \
                         first: {:?}",
                        info.malformed_lines.len(),
                        info.malformed_lines[0]
                    ),
                ));
            }
            findings.extend(binary_packages(&raw.go_version, &info, file.path));
        }
        // Only files the Go linker made are worth a word: every C binary has no build info.
        Ok(None) if executable.has_go_markers() => findings.push(diagnostic(
            DiagnosticLevel::Info,
            format!(
                "no Go build information in this Go {} executable (Go before 1.13, or the \
                 information was removed); its modules are not listed",
                format.name()
            ),
        )),
        Ok(None) => {}
        Err(error) => findings.push(diagnostic(
            DiagnosticLevel::Warning,
            format!("Go build information not read: {error}"),
        )),
    }
}
