//! Runs a whole scan: image-level analysis, every layer in parallel, then the merge.

use std::time::{Duration, Instant};

use purser_image::overlay::{FilesystemView, PathChange};
use purser_image::{AttachedArtifact, Image, ImageError};
use purser_plugin_api::{Attachment, FileRequest, ImageContext, ImageInput, LayerContext};
use rayon::prelude::*;

use crate::backend::AnalyzerBackend;
use crate::layer_scan::{scan_layer, AttributedFinding, LayerScan};
use crate::matcher::{MatcherError, RequestMatcher};
use crate::merge::{merge_findings, LayerFindings};
use crate::report::{
    AnalyzerReport, AnalyzerStatus, AnalyzerTiming, FailureReport, ImageReport, LayerReport,
    LayerTiming, NotAnalyzedReport, ScanReport, Timings, REPORT_SCHEMA_VERSION,
};

/// The most analyzers one scan can run: the dispatcher keeps a bit per analyzer in a `u64`.
pub const MAX_ANALYZERS: usize = 64;

/// Tuning of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The most bytes of one file handed to analyzers; longer files are passed truncated (and
    /// flagged so).
    pub max_file_read: u64,
    /// A batch is dispatched once it holds this many bytes of contents.
    pub batch_bytes: usize,
    /// ... or this many files.
    pub batch_files: usize,
    /// Whether to walk layers in parallel.
    pub parallel: bool,
    /// Whether to put [`Timings`] into the report.
    pub record_timings: bool,
    /// Told each time a layer has been read and analyzed, for a progress display.
    pub progress: Option<LayerProgress>,
}

/// A callback told `(layers done, layers in all)` as layers finish, from any thread.
#[derive(Clone)]
pub struct LayerProgress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for LayerProgress {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("LayerProgress")
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_read: 512 * 1024 * 1024,
            batch_bytes: 4 * 1024 * 1024,
            batch_files: 1024,
            parallel: true,
            record_timings: false,
            progress: None,
        }
    }
}

/// An analyzer ready to scan, and where it came from.
pub struct ScanAnalyzer {
    /// The analyzer.
    pub backend: Box<dyn AnalyzerBackend>,
    /// The plugin file, or `built in`.
    pub origin: String,
}

/// Why a scan could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The image could not be read.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// An analyzer's requests could not be compiled.
    #[error(transparent)]
    Matcher(#[from] MatcherError),
    /// More analyzers than one scan supports.
    #[error("{count} analyzers were selected, but one scan runs at most {MAX_ANALYZERS}")]
    TooManyAnalyzers {
        /// How many were selected.
        count: usize,
    },
}

/// Analyzers with their requests compiled, ready to scan images.
pub struct Scanner {
    analyzers: Vec<ScanAnalyzer>,
    matcher: RequestMatcher,
    options: ScanOptions,
}

impl Scanner {
    /// Prepares a scanner.
    ///
    /// # Errors
    ///
    /// When there are more than [`MAX_ANALYZERS`] analyzers or a request is invalid.
    pub fn new(analyzers: Vec<ScanAnalyzer>, options: ScanOptions) -> Result<Self, ScanError> {
        if analyzers.len() > MAX_ANALYZERS {
            return Err(ScanError::TooManyAnalyzers {
                count: analyzers.len(),
            });
        }
        let names: Vec<&str> = analyzers
            .iter()
            .map(|a| a.backend.info().name.as_str())
            .collect();
        let requests: Vec<&[FileRequest]> = analyzers
            .iter()
            .map(|a| a.backend.requests().files.as_slice())
            .collect();
        let matcher = RequestMatcher::new(&names, &requests)?;
        Ok(Scanner {
            analyzers,
            matcher,
            options,
        })
    }

    /// Scans one image.
    ///
    /// # Errors
    ///
    /// When a layer cannot be read (corrupt, truncated, digest mismatch, over a limit).
    /// Analyzer failures do not fail the scan; they make the report partial.
    pub fn scan(&self, image: &Image) -> Result<ScanReport, ScanError> {
        self.scan_layers(image, image.layers().len())
    }

    /// Scans the image as it was after its first `layer_count` layers (all of them when the
    /// count is larger): what a base image, or an intermediate build stage, contained.
    ///
    /// # Errors
    ///
    /// As [`Scanner::scan`].
    pub fn scan_layers(&self, image: &Image, layer_count: usize) -> Result<ScanReport, ScanError> {
        let started = Instant::now();
        let backends: Vec<&dyn AnalyzerBackend> =
            self.analyzers.iter().map(|a| a.backend.as_ref()).collect();
        let names: Vec<String> = backends.iter().map(|b| b.info().name.clone()).collect();
        let context = image_context(image);
        tracing::info!(image = %context.reference, layers = image.layers().len(), analyzers = backends.len(), "scan started");

        let mut report = ScanReport {
            schema_version: REPORT_SCHEMA_VERSION,
            ..ScanReport::default()
        };
        let image_started = Instant::now();
        let (image_findings, image_failures, image_time) =
            self.analyze_image(image, &context, &backends);
        tracing::debug!(
            elapsed_ms = image_started.elapsed().as_millis() as u64,
            "image-level inputs analyzed"
        );

        let layer_scans = self.walk_layers(image, layer_count, &backends)?;
        report.image = image_report(&context, &layer_scans);
        report.failures = image_failures;
        let mut analyzer_time = image_time;
        let collected = collect_layers(&mut report, layer_scans, &names, &mut analyzer_time);
        let mut layer_findings = vec![LayerFindings {
            layer: None,
            findings: image_findings,
        }];
        layer_findings.extend(collected.findings);
        let changes = collected.changes;
        let layer_timings = collected.timings;

        let view = FilesystemView::build(&changes);
        merge_findings(&mut report, &view, layer_findings, &names);
        report.analyzers = self.analyzer_reports(&report);
        report.partial = report
            .analyzers
            .iter()
            .any(|analyzer| analyzer.status != AnalyzerStatus::Ok);
        if self.options.record_timings {
            report.timings = Some(Timings {
                total_ms: milliseconds(started.elapsed()),
                layers: layer_timings,
                analyzers: names
                    .iter()
                    .zip(analyzer_time)
                    .map(|(name, spent)| AnalyzerTiming {
                        name: name.clone(),
                        ms: milliseconds(spent),
                    })
                    .collect(),
            });
        }
        tracing::info!(
            packages = report.packages.len(),
            secrets = report.secrets.len(),
            partial = report.partial,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "scan finished"
        );
        Ok(report)
    }

    /// Walks the first `layer_count` layers, in parallel unless the options say otherwise.
    fn walk_layers(
        &self,
        image: &Image,
        layer_count: usize,
        backends: &[&dyn AnalyzerBackend],
    ) -> Result<Vec<LayerScan>, ScanError> {
        let layer_indices: Vec<usize> = (0..image.layers().len().min(layer_count)).collect();
        let total = layer_indices.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let scan_one = |&index: &usize| {
            let scanned = scan_layer(image, index, backends, &self.matcher, &self.options);
            if let Some(progress) = &self.options.progress {
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                (progress.0)(finished, total);
            }
            scanned
        };
        let scans = if self.options.parallel {
            layer_indices
                .par_iter()
                .map(scan_one)
                .collect::<Result<_, _>>()?
        } else {
            layer_indices
                .iter()
                .map(scan_one)
                .collect::<Result<_, _>>()?
        };
        Ok(scans)
    }

    /// Calls every analyzer that asked for image-level inputs.
    fn analyze_image(
        &self,
        image: &Image,
        context: &ImageContext,
        backends: &[&dyn AnalyzerBackend],
    ) -> (Vec<AttributedFinding>, Vec<FailureReport>, Vec<Duration>) {
        let mut findings = Vec::new();
        let mut failures = Vec::new();
        let mut time = vec![Duration::ZERO; backends.len()];
        let attached = collect_attachments(image, backends);
        for (index, backend) in backends.iter().enumerate() {
            let wants = &backend.requests().image;
            if !wants.any() {
                continue;
            }
            if wants.attachments {
                failures.extend(attached.problems.iter().map(|problem| FailureReport {
                    analyzer: backend.info().name.clone(),
                    layer: None,
                    stage: "collect_attachments".to_owned(),
                    paths: Vec::new(),
                    message: problem.clone(),
                }));
            }
            let input = ImageInput {
                context: context.clone(),
                config_json: if wants.config {
                    image.config_bytes()
                } else {
                    &[]
                },
                manifest_json: if wants.manifest {
                    image.manifest_bytes().unwrap_or_default()
                } else {
                    &[]
                },
                index_json: if wants.manifest {
                    image.index_bytes().unwrap_or_default()
                } else {
                    &[]
                },
                attachments: if wants.attachments {
                    attached.inputs()
                } else {
                    Vec::new()
                },
            };
            let started = Instant::now();
            let outcome = backend.analyze_image(&input);
            time[index] += started.elapsed();
            match outcome {
                Ok(found) => findings.extend(found.into_iter().map(|finding| AttributedFinding {
                    analyzer: index,
                    finding,
                })),
                Err(error) => failures.push(FailureReport {
                    analyzer: backend.info().name.clone(),
                    layer: None,
                    stage: "analyze_image".to_owned(),
                    paths: Vec::new(),
                    message: error.to_string(),
                }),
            }
        }
        (findings, failures, time)
    }

    /// How each analyzer fared: `partial` when any call failed or any file gave an error.
    fn analyzer_reports(&self, report: &ScanReport) -> Vec<AnalyzerReport> {
        self.analyzers
            .iter()
            .map(|analyzer| {
                let info = analyzer.backend.info();
                let failed_call = report
                    .failures
                    .iter()
                    .any(|failure| failure.analyzer == info.name);
                let failed_file = report.diagnostics.iter().any(|diagnostic| {
                    diagnostic.analyzer == info.name
                        && diagnostic.item.level == purser_plugin_api::DiagnosticLevel::Error
                });
                AnalyzerReport {
                    name: info.name.clone(),
                    version: info.version.clone(),
                    origin: analyzer.origin.clone(),
                    status: if failed_call || failed_file {
                        AnalyzerStatus::Partial
                    } else {
                        AnalyzerStatus::Ok
                    },
                    error: None,
                }
            })
            .collect()
    }
}

/// The artifacts attached to the image, read once for every analyzer that asked for them.
#[derive(Default)]
struct ImageAttachments {
    artifacts: Vec<AttachedArtifact>,
    /// Each artifact's annotations as JSON, in the order of `artifacts`.
    annotations: Vec<Vec<u8>>,
    /// Artifacts that could not be read, reported against each analyzer that asked.
    problems: Vec<String>,
}

impl ImageAttachments {
    fn inputs(&self) -> Vec<Attachment<'_>> {
        self.artifacts
            .iter()
            .zip(&self.annotations)
            .map(|(artifact, annotations)| Attachment {
                media_type: &artifact.media_type,
                digest: artifact.digest.as_str(),
                annotations_json: annotations,
                data: &artifact.data,
            })
            .collect()
    }
}

/// Collects the image's attached artifacts when any analyzer asked for them; a search that
/// fails outright becomes one problem, so the scan goes on without attachments.
fn collect_attachments(image: &Image, backends: &[&dyn AnalyzerBackend]) -> ImageAttachments {
    if !backends
        .iter()
        .any(|backend| backend.requests().image.attachments)
    {
        return ImageAttachments::default();
    }
    match image.attachments() {
        Ok(found) => {
            tracing::debug!(
                artifacts = found.artifacts.len(),
                problems = found.problems.len(),
                "collected attached artifacts"
            );
            ImageAttachments {
                annotations: found
                    .artifacts
                    .iter()
                    .map(AttachedArtifact::annotations_json)
                    .collect(),
                artifacts: found.artifacts,
                problems: found.problems,
            }
        }
        Err(error) => ImageAttachments {
            problems: vec![format!("cannot search for attached artifacts: {error}")],
            ..ImageAttachments::default()
        },
    }
}

/// What the layers gave, split for the merge.
struct CollectedLayers {
    findings: Vec<LayerFindings>,
    changes: Vec<Vec<PathChange>>,
    timings: Vec<LayerTiming>,
}

/// Moves failures and skipped files into the report, adds up analyzer time, and splits the rest
/// into findings, path changes and timings.
fn collect_layers(
    report: &mut ScanReport,
    scans: Vec<LayerScan>,
    names: &[String],
    analyzer_time: &mut [Duration],
) -> CollectedLayers {
    let mut collected = CollectedLayers {
        findings: Vec::with_capacity(scans.len()),
        changes: Vec::with_capacity(scans.len()),
        timings: Vec::with_capacity(scans.len()),
    };
    for scan in scans {
        for (total, spent) in analyzer_time.iter_mut().zip(&scan.analyzer_time) {
            *total += *spent;
        }
        report
            .failures
            .extend(scan.failures.into_iter().map(|failure| FailureReport {
                analyzer: names[failure.analyzer].clone(),
                layer: Some(scan.index),
                stage: failure.stage,
                paths: failure.paths,
                message: failure.message,
            }));
        report
            .not_analyzed
            .extend(scan.not_analyzed.into_iter().map(|skip| NotAnalyzedReport {
                analyzer: names[skip.analyzer].clone(),
                layer: scan.index,
                path: skip.path,
                reason: skip.reason,
            }));
        collected.timings.push(LayerTiming {
            index: scan.index,
            ms: milliseconds(scan.elapsed),
        });
        collected.findings.push(LayerFindings {
            layer: Some(scan.index),
            findings: scan.findings,
        });
        collected.changes.push(scan.changes);
    }
    collected
}

fn milliseconds(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// The facts about the image that analyzers and the report share.
pub fn image_context(image: &Image) -> ImageContext {
    ImageContext {
        reference: image.path().display().to_string(),
        source_kind: image.source_kind().to_string(),
        platform: image.platform().to_string(),
        manifest_digest: image.manifest_digest().map(ToString::to_string),
        layers: image
            .layers()
            .iter()
            .map(|layer| LayerContext {
                index: layer.index,
                digest: layer.digest.as_ref().map(ToString::to_string),
                diff_id: layer.diff_id.as_ref().map(ToString::to_string),
                created_by: layer.created_by.clone(),
            })
            .collect(),
    }
}

fn image_report(context: &ImageContext, scans: &[LayerScan]) -> ImageReport {
    ImageReport {
        reference: context.reference.clone(),
        source_kind: context.source_kind.clone(),
        platform: context.platform.clone(),
        manifest_digest: context.manifest_digest.clone(),
        layers: context
            .layers
            .iter()
            .zip(scans)
            .map(|(layer, scan)| LayerReport {
                index: layer.index,
                digest: layer.digest.clone(),
                diff_id: layer.diff_id.clone(),
                created_by: layer.created_by.clone(),
                entries: scan.summary.entries,
                regular_files: scan.summary.regular_files,
                uncompressed_size: scan.summary.uncompressed_size,
                anomalies: scan
                    .summary
                    .anomalies
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            })
            .collect(),
    }
}
