//! Walks one layer once and hands each analyzer the files it asked for, in batches.
//!
//! A batch collects files until it holds [`crate::ScanOptions::batch_bytes`] of contents or
//! [`crate::ScanOptions::batch_files`] files, then every analyzer that wants any of them gets one
//! call with its share. Contents of an uncompressed, memory-mapped layer are borrowed from the
//! map; those of a compressed layer are read once into the batch's buffer and shared by every
//! analyzer that wants them.

use std::ops::Range;
use std::time::{Duration, Instant};

use purser_image::overlay::PathChange;
use purser_image::{EntryKind, Image, ImageError, LayerEntry, LayerSummary, WalkError};
use purser_plugin_api::{FileInput, Finding, LayerContext};
use serde::{Deserialize, Serialize};

use crate::backend::{AnalyzerBackend, CallError, LayerSession};
use crate::matcher::{RequestMatcher, Selection, TooLarge};
use crate::text::looks_like_text;
use crate::ScanOptions;

/// A finding and the analyzer that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributedFinding {
    /// Index of the analyzer in the scan.
    pub analyzer: usize,
    /// The finding.
    pub finding: Finding,
}

/// A call into an analyzer that failed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyzerFailure {
    /// Index of the analyzer in the scan.
    pub analyzer: usize,
    /// What the engine was doing: `start_layer`, `analyze_files`, `finish_layer`, ...
    pub stage: String,
    /// The files concerned, when the failure is about a batch.
    pub paths: Vec<String>,
    /// What went wrong.
    pub message: String,
}

/// A file an analyzer asked for but did not get, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotAnalyzed {
    /// Index of the analyzer in the scan.
    pub analyzer: usize,
    /// The file.
    pub path: String,
    /// Why: over the size limit, unreadable, ...
    pub reason: String,
}

/// The key under which a layer's results could be cached: the same layer content analyzed by
/// the same analyzer versions gives the same results.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LayerCacheKey {
    /// The layer's diff ID (digest of its uncompressed content), when the image has one.
    pub diff_id: Option<String>,
    /// `(name, version)` of every analyzer that looked at the layer, in scan order.
    pub analyzers: Vec<(String, String)>,
}

/// Everything one layer produced.
#[derive(Debug, Clone)]
pub struct LayerScan {
    /// Position of the layer, 0 for the base.
    pub index: usize,
    /// Cache key of these results.
    pub cache_key: LayerCacheKey,
    /// Findings, in the order the analyzers reported them.
    pub findings: Vec<AttributedFinding>,
    /// The layer's path changes, for the overlay merge.
    pub changes: Vec<PathChange>,
    /// Counts and anomalies from the walk.
    pub summary: LayerSummary,
    /// Files analyzers wanted but did not get.
    pub not_analyzed: Vec<NotAnalyzed>,
    /// Calls that failed as a whole.
    pub failures: Vec<AnalyzerFailure>,
    /// Time spent inside each analyzer, indexed like the analyzers.
    pub analyzer_time: Vec<Duration>,
    /// Wall time of the whole layer.
    pub elapsed: Duration,
}

impl LayerScan {
    /// Adds an analyzer's findings.
    fn record(&mut self, analyzer: usize, findings: Vec<Finding>) {
        let attributed = findings
            .into_iter()
            .map(|finding| AttributedFinding { analyzer, finding });
        self.findings.extend(attributed);
    }
}

/// Walks layer `index` of `image` and dispatches its files to `analyzers`.
///
/// # Errors
///
/// When the layer cannot be read: a digest mismatch, a corrupt or truncated archive, a limit
/// exceeded. Analyzer failures are not errors; they are recorded in the result.
pub fn scan_layer(
    image: &Image,
    index: usize,
    analyzers: &[&dyn AnalyzerBackend],
    matcher: &RequestMatcher,
    options: &ScanOptions,
) -> Result<LayerScan, ImageError> {
    let started = Instant::now();
    let descriptor = &image.layers()[index];
    let context = LayerContext {
        index,
        digest: descriptor.digest.as_ref().map(ToString::to_string),
        diff_id: descriptor.diff_id.as_ref().map(ToString::to_string),
        created_by: descriptor.created_by.clone(),
    };
    let mut dispatcher = Dispatcher::new(analyzers, &context, matcher, options);

    let mut changes = Vec::new();
    let summary = image.walk_layer(index, &mut |entry| {
        changes.push(PathChange::from_entry(entry));
        if matches!(entry.kind(), EntryKind::Regular) && !matcher.is_empty() {
            dispatcher.offer(entry)?;
        }
        Ok(())
    })?;
    let mut result = dispatcher.finish();

    result.index = index;
    result.cache_key = LayerCacheKey {
        diff_id: context.diff_id,
        analyzers: analyzers
            .iter()
            .map(|analyzer| {
                (
                    analyzer.info().name.clone(),
                    analyzer.info().version.clone(),
                )
            })
            .collect(),
    };
    result.changes = changes;
    result.summary = summary;
    result.elapsed = started.elapsed();
    tracing::debug!(
        layer = index,
        findings = result.findings.len(),
        elapsed_ms = result.elapsed.as_millis() as u64,
        "layer analyzed"
    );
    Ok(result)
}

/// Where a pending file's contents are.
enum Contents<'image> {
    /// Not read: no analyzer wanted them.
    None,
    /// Borrowed from the memory-mapped image.
    Mapped(&'image [u8]),
    /// In the batch buffer.
    Buffered(Range<usize>),
}

/// A file waiting in the batch.
struct PendingFile<'image> {
    path: Range<usize>,
    size: u64,
    mode: u32,
    truncated: bool,
    contents: Contents<'image>,
    /// Bit `i` set: analyzer `i` gets the file.
    wanted_by: u64,
    /// Bit `i` set: analyzer `i` gets the contents too.
    contents_for: u64,
}

/// Collects files into batches and calls the analyzers.
struct Dispatcher<'scan, 'image> {
    analyzers: &'scan [&'scan dyn AnalyzerBackend],
    sessions: Vec<Option<Box<dyn LayerSession + 'scan>>>,
    matcher: &'scan RequestMatcher,
    options: &'scan ScanOptions,
    paths: String,
    buffer: Vec<u8>,
    pending: Vec<PendingFile<'image>>,
    // Scratch space reused for every entry.
    candidates: Vec<usize>,
    selected: Vec<Selection>,
    too_large: Vec<TooLarge>,
    result: LayerScan,
}

impl<'scan, 'image> Dispatcher<'scan, 'image> {
    fn new(
        analyzers: &'scan [&'scan dyn AnalyzerBackend],
        context: &LayerContext,
        matcher: &'scan RequestMatcher,
        options: &'scan ScanOptions,
    ) -> Self {
        let mut result = LayerScan {
            index: context.index,
            cache_key: LayerCacheKey {
                diff_id: None,
                analyzers: Vec::new(),
            },
            findings: Vec::new(),
            changes: Vec::new(),
            summary: LayerSummary::default(),
            not_analyzed: Vec::new(),
            failures: Vec::new(),
            analyzer_time: vec![Duration::ZERO; analyzers.len()],
            elapsed: Duration::ZERO,
        };
        let sessions = analyzers
            .iter()
            .enumerate()
            .map(|(analyzer_index, analyzer)| {
                if analyzer.requests().files.is_empty() {
                    return None;
                }
                let started = Instant::now();
                let session = analyzer.start_layer(context);
                result.analyzer_time[analyzer_index] += started.elapsed();
                match session {
                    Ok(session) => Some(session),
                    Err(error) => {
                        result.failures.push(failure(
                            analyzer_index,
                            "start_layer",
                            Vec::new(),
                            &error,
                        ));
                        None
                    }
                }
            })
            .collect();
        Dispatcher {
            analyzers,
            sessions,
            matcher,
            options,
            paths: String::new(),
            buffer: Vec::new(),
            pending: Vec::new(),
            candidates: Vec::new(),
            selected: Vec::new(),
            too_large: Vec::new(),
            result,
        }
    }

    /// Considers one regular file: reads it if anyone wants its contents, queues it, and flushes
    /// the batch when full.
    fn offer(&mut self, entry: &mut LayerEntry<'image, '_>) -> Result<(), WalkError> {
        let path = entry.path();
        self.matcher.select(
            path,
            entry.size(),
            entry.mode(),
            &mut self.candidates,
            &mut self.selected,
            &mut self.too_large,
        );
        self.record_too_large(path);
        self.selected
            .retain(|selection| self.sessions[selection.analyzer].is_some());
        if self.selected.is_empty() {
            return Ok(());
        }

        let needs_contents = self.selected.iter().any(|selection| selection.contents);
        let (contents, truncated) = if needs_contents {
            self.read_contents(entry)?
        } else {
            (Contents::None, false)
        };
        // After the read, which may have flushed the batch and its paths.
        let path_start = self.paths.len();
        self.paths.push_str(entry.path());
        let path_range = path_start..self.paths.len();

        let (wanted_by, contents_for) = self.recipients(&contents);
        if wanted_by == 0 {
            self.paths.truncate(path_start);
            if let Contents::Buffered(range) = contents {
                self.buffer.truncate(range.start);
            }
            return Ok(());
        }
        self.pending.push(PendingFile {
            path: path_range,
            size: entry.size(),
            mode: entry.mode(),
            truncated,
            contents,
            wanted_by,
            contents_for,
        });

        if self.buffer.len() >= self.options.batch_bytes
            || self.pending.len() >= self.options.batch_files
        {
            self.flush();
        }
        Ok(())
    }

    /// Notes, for the report, the analyzers that wanted `path` but not at its size.
    fn record_too_large(&mut self, path: &str) {
        for skip in &self.too_large {
            self.result.not_analyzed.push(NotAnalyzed {
                analyzer: skip.analyzer,
                path: path.to_owned(),
                reason: format!(
                    "larger than the analyzer's limit of {} bytes",
                    skip.max_size
                ),
            });
        }
    }

    /// Which selected analyzers get the file (bit per analyzer), and which of them its contents:
    /// text-only requests drop out when the contents look binary.
    fn recipients(&self, contents: &Contents<'_>) -> (u64, u64) {
        // Sniffed only when some request depends on it: most files are for analyzers that do not.
        let text_only_wanted = self.selected.iter().any(|selection| selection.text_only);
        let is_text = !text_only_wanted
            || match contents {
                Contents::None => true,
                Contents::Mapped(bytes) => looks_like_text(bytes),
                Contents::Buffered(range) => looks_like_text(&self.buffer[range.clone()]),
            };
        let mut wanted_by = 0u64;
        let mut contents_for = 0u64;
        for selection in &self.selected {
            if selection.text_only && !is_text {
                continue;
            }
            wanted_by |= 1 << selection.analyzer;
            if selection.contents {
                contents_for |= 1 << selection.analyzer;
            }
        }
        (wanted_by, contents_for)
    }

    /// Borrows the contents from the map, or reads them (up to the per-file limit) into the
    /// batch buffer.
    fn read_contents(
        &mut self,
        entry: &mut LayerEntry<'image, '_>,
    ) -> Result<(Contents<'image>, bool), WalkError> {
        let limit = self.options.max_file_read;
        if let Some(mapped) = entry.mapped_contents() {
            let shown = &mapped[..mapped
                .len()
                .min(usize::try_from(limit).unwrap_or(usize::MAX))];
            return Ok((Contents::Mapped(shown), shown.len() < mapped.len()));
        }
        // A file that would overfill the batch goes into the next one, so the buffer holds at
        // most one batch or one large file, not both.
        let incoming = entry.size().min(limit);
        if !self.buffer.is_empty()
            && self.buffer.len() as u64 + incoming > self.options.batch_bytes as u64
        {
            self.flush();
        }
        let start = self.buffer.len();
        let complete = entry.append_contents(&mut self.buffer, limit)?;
        Ok((Contents::Buffered(start..self.buffer.len()), !complete))
    }

    /// Hands every queued file to the analyzers that want it.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        for analyzer_index in 0..self.analyzers.len() {
            let bit = 1u64 << analyzer_index;
            if !self.pending.iter().any(|file| file.wanted_by & bit != 0) {
                continue;
            }
            let Some(session) = self.sessions[analyzer_index].as_mut() else {
                continue;
            };
            let mut inputs = Vec::new();
            for file in self.pending.iter().filter(|file| file.wanted_by & bit != 0) {
                let contents: &[u8] = if file.contents_for & bit == 0 {
                    &[]
                } else {
                    match &file.contents {
                        Contents::None => &[],
                        Contents::Mapped(bytes) => bytes,
                        Contents::Buffered(range) => &self.buffer[range.clone()],
                    }
                };
                inputs.push(FileInput {
                    path: &self.paths[file.path.clone()],
                    size: file.size,
                    mode: file.mode,
                    contents,
                    truncated: file.truncated && file.contents_for & bit != 0,
                });
            }
            let started = Instant::now();
            let outcome = session.analyze_files(&inputs);
            self.result.analyzer_time[analyzer_index] += started.elapsed();
            match outcome {
                Ok(findings) => self.result.record(analyzer_index, findings),
                Err(error) => {
                    let paths = inputs.iter().map(|input| input.path.to_owned()).collect();
                    self.result.failures.push(failure(
                        analyzer_index,
                        "analyze_files",
                        paths,
                        &error,
                    ));
                }
            }
        }
        self.pending.clear();
        self.paths.clear();
        self.buffer.clear();
        // One large file may have grown the buffer far past a batch; give that memory back.
        if self.buffer.capacity() > 2 * self.options.batch_bytes {
            self.buffer = Vec::new();
        }
    }

    /// Flushes the last batch and finishes every session.
    fn finish(mut self) -> LayerScan {
        self.flush();
        for (analyzer_index, session) in self.sessions.into_iter().enumerate() {
            let Some(session) = session else { continue };
            let started = Instant::now();
            let outcome = session.finish();
            self.result.analyzer_time[analyzer_index] += started.elapsed();
            match outcome {
                Ok(findings) => self.result.record(analyzer_index, findings),
                Err(error) => self.result.failures.push(failure(
                    analyzer_index,
                    "finish_layer",
                    Vec::new(),
                    &error,
                )),
            }
        }
        self.result
    }
}

fn failure(analyzer: usize, stage: &str, paths: Vec<String>, error: &CallError) -> AnalyzerFailure {
    AnalyzerFailure {
        analyzer,
        stage: stage.to_owned(),
        paths,
        message: error.to_string(),
    }
}
