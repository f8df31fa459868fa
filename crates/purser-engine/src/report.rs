//! The result of a scan, as the CLI prints it and as `--format json` serialises it.
//!
//! Everything here is sorted deterministically: the same image scanned by the same analyzers
//! gives byte-identical JSON (timings are left out unless asked for).

use purser_plugin_api::{
    Diagnostic, Observation, OperatingSystem, Package, ProvenanceFinding, Secret,
};
use serde::{Deserialize, Serialize};

/// Version of the report's JSON layout; bumped on every incompatible change.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The result of scanning one image.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScanReport {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// What was scanned.
    pub image: ImageReport,
    /// Every analyzer that ran or was meant to.
    pub analyzers: Vec<AnalyzerReport>,
    /// The operating system, when an analyzer recognised one.
    pub operating_system: Option<Located<OperatingSystem>>,
    /// Packages of the final filesystem, each with the layer that brought it in.
    pub packages: Vec<Located<Package>>,
    /// Language packages left out of `packages` because an operating-system package shipped the
    /// file they were read from, each with the package it was folded into. Absent from the JSON
    /// when nothing was folded, so reports of images without such packages stay as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folded: Vec<FoldedPackage>,
    /// Secrets in any layer, including files a later layer removed or replaced.
    pub secrets: Vec<Located<Secret>>,
    /// Other observations about files of the final filesystem.
    pub observations: Vec<Located<Observation>>,
    /// Provenance checks.
    pub provenance: Vec<Located<ProvenanceFinding>>,
    /// Problems analyzers met with single files.
    pub diagnostics: Vec<Located<Diagnostic>>,
    /// Calls into analyzers that failed as a whole.
    pub failures: Vec<FailureReport>,
    /// Files analyzers asked for but did not get (too large, for example).
    pub not_analyzed: Vec<NotAnalyzedReport>,
    /// Whether the result is incomplete: an analyzer failed, panicked or could not be loaded.
    pub partial: bool,
    /// Where the time went; only present when asked for, since it differs from run to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<Timings>,
}

/// The image scanned.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImageReport {
    /// What the user named.
    pub reference: String,
    /// `docker-archive`, `oci-layout`, `rootfs`, ...
    pub source_kind: String,
    /// `os/architecture[/variant]`.
    pub platform: String,
    /// Digest of the manifest, when there is one.
    pub manifest_digest: Option<String>,
    /// The layers, base first.
    pub layers: Vec<LayerReport>,
}

/// One layer of the image.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayerReport {
    /// Position, 0 for the base.
    pub index: usize,
    /// Digest as stored.
    pub digest: Option<String>,
    /// Digest of the uncompressed content.
    pub diff_id: Option<String>,
    /// The history line that made it.
    pub created_by: Option<String>,
    /// Entries in the layer.
    pub entries: u64,
    /// Regular files in the layer.
    pub regular_files: u64,
    /// Uncompressed size in bytes.
    pub uncompressed_size: u64,
    /// Oddities in the layer: clamped paths, skipped devices.
    pub anomalies: Vec<String>,
}

/// An analyzer and how it fared.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AnalyzerReport {
    /// Name (or, when it could not even be loaded, the file).
    pub name: String,
    /// Version.
    pub version: String,
    /// Where it came from: the plugin file, or `built in`.
    pub origin: String,
    /// How it fared.
    pub status: AnalyzerStatus,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How an analyzer fared in a scan; serialised as `ok`, `partial` or `failed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalyzerStatus {
    /// Every call and every file succeeded.
    #[default]
    Ok,
    /// Some files or calls failed; the rest of its results stand.
    Partial,
    /// It could not run at all (not loadable, refused its options).
    Failed,
}

/// What happened to the file a finding came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    /// Still in the final filesystem.
    #[default]
    Present,
    /// A later layer wrote a new version of the file; this one lives on in its layer's blob.
    Replaced,
    /// A later layer deleted the file; it lives on in its layer's blob.
    Removed,
    /// Not about a file (image metadata).
    NotAFile,
}

/// A finding with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Located<T> {
    /// The finding itself.
    #[serde(flatten)]
    pub item: T,
    /// The analyzer that reported it.
    pub analyzer: String,
    /// The layer it came from; for packages, the layer that first installed this version.
    pub layer: Option<usize>,
    /// What happened to its file since.
    pub file_state: FileState,
    /// The layer that replaced or removed the file, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_in_layer: Option<usize>,
}

/// A language package left out of the report's packages because an operating-system package
/// owns its file: Debian's `python3-yaml` ships `PyYAML-6.0.dist-info`, so PyYAML is matched as
/// the Debian package, with Debian's fixes, and listed here instead of as a PyPI package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldedPackage {
    /// The language package as its analyzer reported it (its fields sit at the top level of the
    /// entry in JSON, as in `packages`).
    #[serde(flatten)]
    pub package: Located<Package>,
    /// The operating-system package it was folded into, one of the report's packages.
    pub owner: PackageReference,
    /// The owned path that matched: the package's file (the outer file, for a path inside an
    /// archive) or its `.dist-info` / `.egg-info` directory.
    pub owned_path: String,
    /// The file that records the ownership (`var/lib/dpkg/info/python3-yaml.list`).
    pub ownership_source: String,
}

/// Names one package of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageReference {
    /// Its ecosystem (`deb`, `apk`, `rpm`).
    pub ecosystem: String,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its purl, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A call into an analyzer that failed as a whole.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FailureReport {
    /// The analyzer.
    pub analyzer: String,
    /// The layer, when the call was about one.
    pub layer: Option<usize>,
    /// `start_layer`, `analyze_files`, `finish_layer`, `analyze_image`, `create`.
    pub stage: String,
    /// The files of the failed batch.
    pub paths: Vec<String>,
    /// What went wrong.
    pub message: String,
}

/// A file an analyzer wanted but did not get.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NotAnalyzedReport {
    /// The analyzer.
    pub analyzer: String,
    /// The layer.
    pub layer: usize,
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Where the time of a scan went.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timings {
    /// Wall time of the whole scan, in milliseconds.
    pub total_ms: f64,
    /// Wall time of each layer's walk and dispatch.
    pub layers: Vec<LayerTiming>,
    /// Time spent inside each analyzer, summed over threads.
    pub analyzers: Vec<AnalyzerTiming>,
}

/// Time of one layer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayerTiming {
    /// The layer.
    pub index: usize,
    /// Milliseconds.
    pub ms: f64,
}

/// Time inside one analyzer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AnalyzerTiming {
    /// The analyzer.
    pub name: String,
    /// Milliseconds.
    pub ms: f64,
}

impl ScanReport {
    /// Records an analyzer that could not be used at all (not loadable, refused its options),
    /// which makes the result partial.
    pub fn add_unavailable_analyzer(&mut self, name: String, origin: String, error: String) {
        self.analyzers.push(AnalyzerReport {
            name,
            version: String::new(),
            origin,
            status: AnalyzerStatus::Failed,
            error: Some(error),
        });
        self.partial = true;
    }
}
