//! The formats a report is written in, and the one entry point that writes them.

use purser_engine::ScanReport;

use crate::error::ReportError;
use crate::filter::FilteredReport;

/// An output format (`--format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// Sections with aligned columns, for people.
    #[default]
    Table,
    /// Purser's own JSON document, documented in `docs/json-schema.md`.
    Json,
    /// CycloneDX 1.6 JSON: an SBOM with vulnerabilities.
    CycloneDx,
    /// SPDX 2.3 JSON: an SBOM.
    SpdxJson,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

impl ReportFormat {
    /// Every format, in the order help texts list them.
    pub const ALL: [ReportFormat; 5] = [
        ReportFormat::Table,
        ReportFormat::Json,
        ReportFormat::CycloneDx,
        ReportFormat::SpdxJson,
        ReportFormat::Sarif,
    ];

    /// The name users type (`table`, `json`, `cyclonedx`, `spdx-json`, `sarif`).
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Table => "table",
            ReportFormat::Json => "json",
            ReportFormat::CycloneDx => "cyclonedx",
            ReportFormat::SpdxJson => "spdx-json",
            ReportFormat::Sarif => "sarif",
        }
    }

    /// The format named `name`, case-insensitive; `None` for any other word.
    pub fn from_name(name: &str) -> Option<ReportFormat> {
        ReportFormat::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(name))
    }
}

/// What a report is made of.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The scan: image, packages, secrets, provenance, diagnostics.
    pub scan: &'a ScanReport,
    /// The filtered vulnerability findings; `None` when no database was used, which makes an
    /// inventory-only report.
    pub vulnerabilities: Option<&'a FilteredReport>,
}

/// How to write a report; each field is one command-line flag or a fact the CLI supplies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// `--format`.
    pub format: ReportFormat,
    /// Whether tables use ANSI colours; resolve `--color` with [`crate::color_enabled`].
    pub color: bool,
    /// The width tables fit their titles into (the terminal's, or 80 when not a terminal).
    pub width: usize,
    /// The document creation time (RFC 3339, UTC) written into CycloneDX and SPDX documents;
    /// required for SPDX, where the CLI passes the current time (or `SOURCE_DATE_EPOCH`), and
    /// tests a fixed one so output is reproducible.
    pub creation_time: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            format: ReportFormat::Table,
            color: false,
            width: 80,
            creation_time: None,
        }
    }
}

/// Writes `input` in the format `options` names. The text ends with a newline.
///
/// # Errors
///
/// [`ReportError::MissingCreationTime`] for SPDX without [`RenderOptions::creation_time`], and
/// [`ReportError::Serialise`] if a JSON document cannot be serialised.
pub fn render(input: &ReportInput<'_>, options: &RenderOptions) -> Result<String, ReportError> {
    match options.format {
        ReportFormat::Json => crate::json::render_json(input),
        ReportFormat::Table => crate::table::render_table(input, options),
        ReportFormat::Sarif => crate::sarif::render_sarif(input),
        ReportFormat::CycloneDx => crate::cyclonedx::render_cyclonedx(input, options),
        ReportFormat::SpdxJson => crate::spdx::render_spdx(input, options),
    }
}

/// Serialises a JSON document, pretty-printed, with a final newline.
pub(crate) fn to_json_text<T: serde::Serialize>(
    document: &T,
    format: &'static str,
) -> Result<String, ReportError> {
    let mut text = serde_json::to_string_pretty(document)
        .map_err(|source| ReportError::Serialise { format, source })?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in ReportFormat::ALL {
            assert_eq!(ReportFormat::from_name(format.name()), Some(format));
        }
        assert_eq!(
            ReportFormat::from_name("SPDX-JSON"),
            Some(ReportFormat::SpdxJson)
        );
        assert_eq!(ReportFormat::from_name("xml"), None);
    }
}
