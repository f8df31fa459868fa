//! The [`Analyzer`] implementation: requests, and routing each file to its reader.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, Diagnostic, FileInput, FileRequest,
    Finding, LayerContext,
};

use crate::audit_data::{audit_packages, decode_section, MAX_INFLATED_SIZE};
use crate::cargo_lock::{lock_packages, parse_cargo_lock};
use crate::executable::{dependency_section, sniff_format};

/// Largest `Cargo.lock` read: 16 MiB (the largest public ones are around 1 MiB).
pub const MAX_CARGO_LOCK_SIZE: u64 = 16 << 20;

/// Finds Rust crates in `cargo auditable` executables and `Cargo.lock` files; see the crate
/// documentation.
#[derive(Debug, Clone, Copy, Default)]
pub struct RustAnalyzer;

impl Analyzer for RustAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "rust".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Finds Rust crates in cargo auditable executables and Cargo.lock files"
                .into(),
        }
    }

    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        AnalyzerError::unless_no_options("rust", options)?;
        Ok(RustAnalyzer)
    }

    fn requests(&self) -> AnalyzerRequests {
        // The interface cannot select files by their first bytes, so every file with an execute
        // bit is asked for and the magic is checked here; Windows executables in Linux images
        // seldom carry the bit, hence the `.exe` suffix too.
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
        let cargo_lock = FileRequest {
            file_names: vec!["Cargo.lock".to_owned()],
            max_size: Some(MAX_CARGO_LOCK_SIZE),
            text_only: true,
            contents: true,
            ..FileRequest::default()
        };
        AnalyzerRequests {
            files: vec![executables, windows_executables, cargo_lock],
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
        if file.file_name() == "Cargo.lock" && sniff_format(file.contents).is_none() {
            analyze_cargo_lock(file, findings);
        } else {
            analyze_executable(file, findings);
        }
        Ok(())
    }
}

/// Reports the packages of a `Cargo.lock` file, or a warning naming the line it could not read.
fn analyze_cargo_lock(file: &FileInput<'_>, findings: &mut Vec<Finding>) {
    if file.truncated {
        findings.push(Finding::Diagnostic(Diagnostic::warning(
            file.path,
            format!(
                "Cargo.lock of {} bytes was handed over truncated to {} bytes; not analyzed",
                file.size,
                file.contents.len()
            ),
        )));
        return;
    }
    let text = String::from_utf8_lossy(file.contents);
    match parse_cargo_lock(&text) {
        Ok(lock) => findings.extend(lock_packages(&lock, file.path)),
        Err(error) => findings.push(Finding::Diagnostic(Diagnostic::warning(
            file.path,
            format!("not a readable Cargo.lock: {}", error.message()),
        ))),
    }
}

/// Reports the crates `cargo auditable` recorded in an executable. Files that are not
/// executables, and executables without the section (most), give nothing.
pub fn analyze_executable(file: &FileInput<'_>, findings: &mut Vec<Finding>) {
    let Some(format) = sniff_format(file.contents) else {
        return;
    };
    let section = match dependency_section(file.contents, format) {
        Ok(Some(section)) => section,
        Ok(None) => return,
        Err(error) => {
            findings.push(Finding::Diagnostic(Diagnostic::warning(
                file.path,
                format!("not analyzed for cargo auditable data: {error}"),
            )));
            return;
        }
    };
    match decode_section(section, MAX_INFLATED_SIZE) {
        Ok(info) => findings.extend(audit_packages(&info, file.path)),
        Err(error) => findings.push(Finding::Diagnostic(Diagnostic::warning(
            file.path,
            format!("cargo auditable data not read: {error}"),
        ))),
    }
}
