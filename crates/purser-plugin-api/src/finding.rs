//! Typed results an analyzer reports.
//!
//! Findings cross the plugin boundary as JSON, tagged by `type`, so an engine that meets a finding
//! type it does not know (from a plugin built against a newer interface) can skip it with a
//! warning instead of failing. The engine adds the layer each finding came from; analyzers only
//! name the path.
//!
//! # Owned files: why a finding type of their own
//!
//! Operating-system package analyzers also report which files each package installed
//! ([`Finding::OwnedFiles`]), so that the engine can leave out a language package read from a file
//! the distribution shipped (Debian's `python3-yaml` is not reported a second time as PyPI
//! `PyYAML`) and match the distribution's package, with the distribution's fixes, instead. Two
//! other contracts were turned down:
//!
//! - an `owned_paths` list on [`Package`] would copy every path of every OS package into the
//!   report, tens of thousands of lines for a plain Debian image, for a fact only the merge needs;
//! - keeping the lists inside the plugin cannot work: the fold needs both analyzers' results and
//!   the final filesystem, which only the engine sees.
//!
//! A separate finding type is consumed by the engine's merge and never copied into the report;
//! its `source_path` (the file list or database) lets the overlay rules drop ownership that a
//! later layer removed. An engine older than this type skips it with one warning per finding,
//! and the packages are then reported twice, as before.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One result of an analyzer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Finding {
    /// An installed package or library.
    Package(Package),
    /// The operating system the image runs.
    OperatingSystem(OperatingSystem),
    /// A credential found in a file or in image metadata.
    Secret(Secret),
    /// A statement about the image's supply-chain provenance.
    Provenance(ProvenanceFinding),
    /// Something notable about a file or the image that is none of the above (a setuid binary, a
    /// world-writable directory); third-party analyzers report most things this way.
    Observation(Observation),
    /// A problem the analyzer met: a file it could not parse, a limit it hit.
    Diagnostic(Diagnostic),
    /// The files an installed operating-system package owns. The engine uses them to leave out
    /// language packages read from those files and does not put them in the report.
    OwnedFiles(OwnedFiles),
}

impl Finding {
    /// The path in the image the finding is about, if any. The engine uses it to decide whether
    /// the finding is still part of the final filesystem or was removed by a later layer.
    pub fn source_path(&self) -> Option<&str> {
        let path = match self {
            Finding::Package(package) => &package.source_path,
            Finding::OperatingSystem(os) => &os.source_path,
            Finding::Secret(secret) => &secret.path,
            Finding::Observation(observation) => &observation.path,
            Finding::Diagnostic(diagnostic) => &diagnostic.path,
            Finding::OwnedFiles(owned) => &owned.source_path,
            Finding::Provenance(_) => return None,
        };
        (!path.is_empty()).then_some(path.as_str())
    }
}

/// An installed package or library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Package {
    /// The ecosystem in OSV's spelling where one exists (`Debian`, `Alpine`, `Maven`, `npm`,
    /// `PyPI`, `Go`, `crates.io`, ...).
    pub ecosystem: String,
    /// Name as the ecosystem spells it.
    pub name: String,
    /// Version exactly as installed (epochs and revisions kept).
    pub version: String,
    /// Package URL (<https://github.com/package-url/purl-spec>), when one can be formed.
    pub purl: Option<String>,
    /// Licence expressions or names, as declared.
    pub licenses: Vec<String>,
    /// The file the package was read from (`var/lib/dpkg/status`, `app/app.jar!/BOOT-INF/lib/x.jar`).
    pub source_path: String,
    /// Ecosystem-specific facts: `source_package`, `architecture`, `group_id`, `evidence`, ...
    pub metadata: BTreeMap<String, String>,
}

/// The files one installed operating-system package owns, as its package manager recorded them.
///
/// The engine honours the ownership only while `source_path` is in the final filesystem, and
/// only for a package the same analyzer reported under the same `ecosystem` and `name`. A
/// language package (any ecosystem that reports no owned files) whose file, or whose `.dist-info`
/// or `.egg-info` directory, is among `paths` is then left out of the packages and listed as
/// folded into its owner instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnedFiles {
    /// The owner's ecosystem, exactly as in its [`Package`] finding (`deb`, `apk`, `rpm`).
    pub ecosystem: String,
    /// The owner's name, exactly as in its [`Package`] finding (`python3-yaml`).
    pub package: String,
    /// The file the list was read from (`var/lib/dpkg/info/python3-yaml.list`,
    /// `lib/apk/db/installed`).
    pub source_path: String,
    /// The owned paths, relative to the image root like every path in a finding (no leading
    /// `/`), directories included when the package manager lists them.
    pub paths: Vec<String>,
}

/// The operating system an image runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OperatingSystem {
    /// Family as vulnerability data names it: `debian`, `ubuntu`, `alpine`, `redhat`, ...
    pub family: String,
    /// Human name (`Debian GNU/Linux`).
    pub name: String,
    /// Version identifier (`12`, `3.19.1`).
    pub version_id: String,
    /// Release code name when there is one (`bookworm`).
    pub codename: Option<String>,
    /// Full human version string (`12 (bookworm)`).
    pub pretty_name: Option<String>,
    /// Whether the release is past its end of life, when the analyzer knows.
    pub end_of_life: Option<bool>,
    /// The file that told (`etc/os-release`).
    pub source_path: String,
}

/// Severity, in the order users sort by.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Not known.
    #[default]
    Unknown,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// A credential found in the image. The match is always redacted by the analyzer: the secret
/// itself never crosses the plugin boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Secret {
    /// Rule identifier (`aws-access-key-id`).
    pub rule_id: String,
    /// Rule category (`AWS`).
    pub category: String,
    /// Short title.
    pub title: String,
    /// Severity of the rule.
    pub severity: Severity,
    /// File that holds it, or empty for image metadata (then `location` says where).
    pub path: String,
    /// Where outside a file: `config.Env`, `history[3].created_by`.
    pub location: Option<String>,
    /// 1-based line number, when in a file.
    pub line: Option<u64>,
    /// 1-based column, in characters, where the match starts on its line (or in the metadata
    /// string `location` names); absent when unknown, and from plugins older than this field.
    pub column: Option<u64>,
    /// The matched text with the secret part masked (`AKIA************MPLE`).
    pub redacted_match: String,
}

/// A statement about the image's provenance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProvenanceFinding {
    /// What was checked (`signature`, `subject-digest`, `builder-id`, `slsa-level`).
    pub check: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was found or why it failed.
    pub detail: String,
    /// Further facts (`builder_id`, `source_uri`, `level`, ...).
    pub facts: BTreeMap<String, String>,
}

/// Something notable that is neither a package nor a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Observation {
    /// Identifier of the check (`setuid-file`).
    pub rule_id: String,
    /// Short title.
    pub title: String,
    /// How much it matters.
    pub severity: Severity,
    /// The file it is about, or empty for image-level observations.
    pub path: String,
    /// Details for the reader.
    pub detail: String,
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticLevel {
    /// For the curious: a file was skipped on purpose.
    Info,
    /// The analysis of a file is incomplete (a limit was hit, a field was malformed).
    #[default]
    Warning,
    /// The analysis of a file failed; the result of the scan is partial.
    Error,
}

/// A problem an analyzer met while looking at a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Diagnostic {
    /// How bad it is.
    pub level: DiagnosticLevel,
    /// The file concerned, or empty.
    pub path: String,
    /// What went wrong, in words a user can act on.
    pub message: String,
}

impl Diagnostic {
    /// An error about a file.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Error,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A warning about a file.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            path: path.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_tagged_by_type() {
        let finding = Finding::Diagnostic(Diagnostic::error("etc/x", "bad"));
        let json = serde_json::to_value(&finding).expect("serialisable");
        assert_eq!(json["type"], "diagnostic");
        assert_eq!(json["level"], "error");
        let back: Finding = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, finding);
    }

    #[test]
    fn missing_fields_take_defaults_so_older_plugins_still_parse() {
        let finding: Finding =
            serde_json::from_str(r#"{"type":"package","name":"zlib","version":"1.3"}"#)
                .expect("defaults fill the rest");
        let Finding::Package(package) = finding else {
            panic!("expected a package")
        };
        assert_eq!(package.name, "zlib");
        assert!(package.licenses.is_empty());
    }

    #[test]
    fn owned_files_cross_as_their_own_type_and_name_their_list() {
        let finding: Finding = serde_json::from_str(
            r#"{"type":"owned_files","ecosystem":"deb","package":"bash",
                "source_path":"var/lib/dpkg/info/bash.list","paths":["usr/bin/bash"]}"#,
        )
        .expect("owned files parse");
        assert_eq!(finding.source_path(), Some("var/lib/dpkg/info/bash.list"));
        let Finding::OwnedFiles(owned) = finding else {
            panic!("expected owned files")
        };
        assert_eq!(owned.paths, ["usr/bin/bash"]);
    }

    #[test]
    fn source_path_is_none_when_empty() {
        let finding = Finding::Observation(Observation::default());
        assert_eq!(finding.source_path(), None);
    }
}
