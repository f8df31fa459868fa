//! The entry point: reads one advisory source (a directory, an archive or a file) of a given
//! kind into [`Advisory`] values, collecting per-record problems instead of stopping at them.

use std::collections::BTreeMap;
use std::path::Path;

use crate::container::{entry_bytes, for_each_entry, EntryFilter};
use crate::error::{AdvisoryError, RecordProblem};
use crate::model::Advisory;
use crate::osv::{parse_osv, OsvSyntax};
use crate::skip::{FileRead, Skip};
use crate::{
    alpine_secdb, debian_list, debian_tracker, friendsofphp, nodejs_wg, rubysec, ubuntu_tracker,
    victims,
};

/// The format of the records in a source; the container (directory, zip, tar, `.tar.gz`,
/// `.tar.zst`, single file) is recognised from the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// OSV records, one per `*.json`, `*.yaml` or `*.yml` file.
    Osv,
    /// The Debian security tracker's JSON (`/tracker/data/json`), one or more `*.json` files.
    DebianTracker,
    /// Debian's `DSA/list` and `DLA/list` files (any file named `list`).
    DebianSecurityList,
    /// Alpine secdb files (`main.json`, `community.yaml`, ...), `*.json`, `*.yaml`, `*.yml`.
    AlpineSecdb,
    /// RubySec's ruby-advisory-db: `*.yml` under `gems/` (and `rubies/`, which are skipped).
    RubySec,
    /// FriendsOfPHP security-advisories: `<vendor>/<package>/*.yaml`.
    FriendsOfPhp,
    /// The Node.js security working group's `vuln/` folder: `npm/*.json` (and `core/`,
    /// `deps/`, which are skipped).
    NodejsSecurityWg,
    /// The Ubuntu CVE tracker: `CVE-*` files in `active/`, `retired/`, `ignored/`.
    UbuntuCveTracker,
    /// The Victims CVE database: `*.yaml` under `java/` (Maven) and `python/` (PyPI).
    Victims,
}

impl SourceKind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Osv,
        SourceKind::DebianTracker,
        SourceKind::DebianSecurityList,
        SourceKind::AlpineSecdb,
        SourceKind::RubySec,
        SourceKind::FriendsOfPhp,
        SourceKind::NodejsSecurityWg,
        SourceKind::UbuntuCveTracker,
        SourceKind::Victims,
    ];

    /// The kind's name on the command line and, except for OSV, its default source name
    /// (`rubysec`, `ubuntu-cve-tracker`).
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Osv => "osv",
            SourceKind::DebianTracker => "debian-tracker",
            SourceKind::DebianSecurityList => "debian-list",
            SourceKind::AlpineSecdb => "alpine-secdb",
            SourceKind::RubySec => "rubysec",
            SourceKind::FriendsOfPhp => "friendsofphp",
            SourceKind::NodejsSecurityWg => "nodejs-security-wg",
            SourceKind::UbuntuCveTracker => "ubuntu-cve-tracker",
            SourceKind::Victims => "victims",
        }
    }

    /// The kind a command-line name names, if any.
    pub fn from_name(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// How to read a source. [`ReadOptions::new`] gives the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The record format.
    pub kind: SourceKind,
    /// The source name written into [`Advisory::source`] and [`SourceRead::name`]; derived
    /// from the kind and path when `None` (see [`default_source_name`]).
    pub name: Option<String>,
    /// Only files at or under this `/`-separated path inside the directory or archive are read
    /// (`pypa-advisory-database/vulns`); files outside it are not records and are skipped.
    pub under: Option<String>,
    /// Files larger than this are reported as problems, not read.
    pub max_file_bytes: u64,
}

/// The per-file cap for OSV records: far above any real record (the largest in the shared
/// data is under 1 MiB) and small enough that hostile input cannot exhaust memory.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// The per-file cap for whole-feed files (the Debian tracker JSON is about 80 MiB today).
pub const MAX_FEED_BYTES: u64 = 1024 * 1024 * 1024;

impl ReadOptions {
    /// Defaults for `kind`: derived name, whole source, [`MAX_RECORD_BYTES`] per OSV file and
    /// [`MAX_FEED_BYTES`] per feed file.
    pub fn new(kind: SourceKind) -> ReadOptions {
        let max_file_bytes = match kind {
            SourceKind::Osv => MAX_RECORD_BYTES,
            _ => MAX_FEED_BYTES,
        };
        ReadOptions {
            kind,
            name: None,
            under: None,
            max_file_bytes,
        }
    }
}

/// Everything read from one source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceRead {
    /// The source name, also written into every advisory's [`Advisory::source`].
    pub name: String,
    /// The advisories, in the order the source gave them (merged ones in identifier order).
    pub advisories: Vec<Advisory>,
    /// Records and files that could not be read; the rest was read anyway.
    pub problems: Vec<RecordProblem>,
    /// The latest `modified` among the advisories, as written (RFC 3339 strings compare in time
    /// order when they share a format).
    pub newest_modified: Option<String>,
    /// What the reader left out on purpose, counted per [`crate::SkipReason::describe`].
    pub skipped: BTreeMap<String, usize>,
}

/// What [`stream_source`] reports once every advisory was handed out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceSummary {
    /// The source name.
    pub name: String,
    /// How many advisories were handed to the callback.
    pub advisories: usize,
    /// Records and files that could not be read.
    pub problems: Vec<RecordProblem>,
    /// The latest `modified` among the advisories.
    pub newest_modified: Option<String>,
    /// What the reader left out on purpose, counted per [`crate::SkipReason::describe`].
    pub skipped: BTreeMap<String, usize>,
}

/// Reads the whole source at `path` with the defaults for `kind`.
///
/// # Errors
///
/// [`AdvisoryError`] only when the source cannot be opened or its archive is damaged; a bad
/// record is a [`RecordProblem`] in [`SourceRead::problems`].
pub fn read_source(path: &Path, kind: SourceKind) -> Result<SourceRead, AdvisoryError> {
    read_source_with(path, &ReadOptions::new(kind))
}

/// Reads the whole source at `path` as `options` say.
///
/// # Errors
///
/// As [`read_source`].
pub fn read_source_with(path: &Path, options: &ReadOptions) -> Result<SourceRead, AdvisoryError> {
    let mut advisories = Vec::new();
    let summary = stream_source(path, options, &mut |advisory| advisories.push(advisory))?;
    Ok(SourceRead {
        name: summary.name,
        advisories,
        problems: summary.problems,
        newest_modified: summary.newest_modified,
        skipped: summary.skipped,
    })
}

/// Reads the source at `path` and hands each advisory to `on_advisory` as soon as it is read.
///
/// OSV records are handed out one by one while the source is read, so memory stays flat. The
/// distribution feeds state one vulnerability across many files or lines, so their advisories
/// are merged first and handed out at the end, in identifier order.
///
/// # Errors
///
/// As [`read_source`]; advisories handed out before an archive turned out damaged stay handed
/// out.
pub fn stream_source(
    path: &Path,
    options: &ReadOptions,
    on_advisory: &mut dyn FnMut(Advisory),
) -> Result<SourceSummary, AdvisoryError> {
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| default_source_name(path, options.kind));
    let mut summary = SourceSummary {
        name: name.clone(),
        ..SourceSummary::default()
    };
    let mut hand_out = |mut advisory: Advisory, summary: &mut SourceSummary| {
        advisory.source.clone_from(&name);
        if advisory.modified > summary.newest_modified {
            summary.newest_modified.clone_from(&advisory.modified);
        }
        summary.advisories += 1;
        on_advisory(advisory);
    };

    let filter = EntryFilter {
        under: options.under.as_deref(),
        accept: accepts(options.kind),
        max_bytes: options.max_file_bytes,
    };

    if options.kind == SourceKind::Osv {
        for_each_entry(path, &filter, &mut |entry| {
            if let Some(advisory) = read_osv_entry(entry, &mut summary.problems) {
                hand_out(advisory, &mut summary);
            }
        })?;
    } else {
        let mut merged = BTreeMap::new();
        for_each_entry(path, &filter, &mut |entry| {
            let Some((file, bytes)) = entry_bytes(entry, &mut summary.problems) else {
                return;
            };
            let read = read_feed_file(options.kind, &file, &bytes, &mut summary.problems);
            count_skips(&file, read.skipped, &mut summary.skipped);
            merge_into(&mut merged, read.advisories);
        })?;
        for advisory in merged.into_values() {
            hand_out(advisory, &mut summary);
        }
    }

    tracing::info!(
        source = %summary.name,
        advisories = summary.advisories,
        problems = summary.problems.len(),
        skipped = summary.skipped.values().sum::<usize>(),
        "advisory source read"
    );
    Ok(summary)
}

/// The name a source gets when [`ReadOptions::name`] is `None`: `debian-tracker`,
/// `debian-security-list`, `alpine-secdb`, the kind's [`SourceKind::name`] for the other
/// non-OSV kinds, and for OSV `osv:` plus the file or directory name
/// without extensions, or its parent directory's name when that is `all` (OSV's bucket layout
/// `PyPI/all.zip` gives `osv:PyPI`).
pub fn default_source_name(path: &Path, kind: SourceKind) -> String {
    match kind {
        SourceKind::DebianTracker => "debian-tracker".to_owned(),
        SourceKind::DebianSecurityList => "debian-security-list".to_owned(),
        SourceKind::AlpineSecdb
        | SourceKind::RubySec
        | SourceKind::FriendsOfPhp
        | SourceKind::NodejsSecurityWg
        | SourceKind::UbuntuCveTracker
        | SourceKind::Victims => kind.name().to_owned(),
        SourceKind::Osv => {
            let stem = |path: &Path| {
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .map(|name| name.split('.').next().unwrap_or_default().to_owned())
                    .unwrap_or_default()
            };
            let own = stem(path);
            let chosen = if own == "all" {
                path.parent().map(stem).unwrap_or(own)
            } else {
                own
            };
            format!("osv:{chosen}")
        }
    }
}

fn accepts(kind: SourceKind) -> fn(&str) -> bool {
    match kind {
        SourceKind::Osv | SourceKind::AlpineSecdb => {
            |file| OsvSyntax::from_file_name(file).is_some()
        }
        SourceKind::DebianTracker => |file| file.to_ascii_lowercase().ends_with(".json"),
        SourceKind::DebianSecurityList => |file| file == "list" || file.ends_with("/list"),
        SourceKind::RubySec => |file| {
            OsvSyntax::from_file_name(file).is_some()
                && file
                    .split('/')
                    .any(|part| part == "gems" || part == "rubies")
        },
        SourceKind::FriendsOfPhp => |file| {
            OsvSyntax::from_file_name(file) == Some(OsvSyntax::Yaml)
                && !file.split('/').any(|part| part.starts_with(['.', '_']))
        },
        SourceKind::NodejsSecurityWg => nodejs_wg::accepts,
        SourceKind::UbuntuCveTracker => ubuntu_tracker::accepts,
        SourceKind::Victims => victims::accepts,
    }
}

/// Logs each skip (a warning for a range that could not be expressed, a debug line for the
/// rest) and adds it to the per-reason counts.
fn count_skips(file: &str, skips: Vec<Skip>, counts: &mut BTreeMap<String, usize>) {
    for skip in skips {
        let record = skip.record.as_deref().unwrap_or("-");
        if skip.reason == crate::SkipReason::UnexpressibleRange {
            tracing::warn!(file, record, detail = %skip.detail, "skipping a version range");
        } else {
            tracing::trace!(file, record, reason = %skip.reason, detail = %skip.detail, "skipped");
        }
        *counts.entry(skip.reason.describe().to_owned()).or_default() += 1;
    }
}

fn read_osv_entry(
    entry: crate::container::Entry,
    problems: &mut Vec<RecordProblem>,
) -> Option<Advisory> {
    let (file, bytes) = entry_bytes(entry, problems)?;
    let syntax = OsvSyntax::from_file_name(&file)?;

    match parse_osv(&bytes, syntax) {
        Ok(advisory) => Some(advisory),
        Err(error) => {
            tracing::debug!(file = %file, error = %error, "skipping bad OSV record");
            problems.push(RecordProblem {
                file,
                record: error.id,
                message: error.message,
            });
            None
        }
    }
}

fn read_feed_file(
    kind: SourceKind,
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<RecordProblem>,
) -> FileRead {
    let parsed = match kind {
        SourceKind::DebianTracker => debian_tracker::parse_tracker_json(bytes).map(advisories_only),
        SourceKind::DebianSecurityList => {
            let (advisories, line_problems) = debian_list::parse_security_list(bytes);
            problems.extend(
                line_problems
                    .into_iter()
                    .map(|(record, message)| RecordProblem {
                        file: file.to_owned(),
                        record,
                        message,
                    }),
            );
            Ok(advisories_only(advisories))
        }
        SourceKind::AlpineSecdb => {
            let syntax = OsvSyntax::from_file_name(file).unwrap_or(OsvSyntax::Json);
            alpine_secdb::parse_secdb(bytes, syntax).map(advisories_only)
        }
        SourceKind::RubySec => rubysec::parse_rubysec(file, bytes),
        SourceKind::FriendsOfPhp => friendsofphp::parse_friendsofphp(file, bytes),
        SourceKind::NodejsSecurityWg => nodejs_wg::parse_nodejs_wg(file, bytes),
        SourceKind::UbuntuCveTracker => ubuntu_tracker::parse_ubuntu_cve(file, bytes),
        SourceKind::Victims => victims::parse_victims(file, bytes),
        SourceKind::Osv => Ok(FileRead::default()),
    };
    parsed.unwrap_or_else(|message| {
        tracing::debug!(file, error = %message, "skipping a file that does not parse");
        problems.push(RecordProblem::in_file(file, message));
        FileRead::default()
    })
}

fn advisories_only(advisories: Vec<Advisory>) -> FileRead {
    FileRead {
        advisories,
        skipped: Vec::new(),
    }
}

/// Merges advisories with the same identifier: the affected packages, aliases and references
/// add up; the first non-empty summary, details and dates win.
fn merge_into(merged: &mut BTreeMap<String, Advisory>, advisories: Vec<Advisory>) {
    for advisory in advisories {
        match merged.get_mut(&advisory.id) {
            None => {
                merged.insert(advisory.id.clone(), advisory);
            }
            Some(known) => {
                known.affected.extend(advisory.affected);
                for alias in advisory.aliases {
                    if !known.aliases.contains(&alias) {
                        known.aliases.push(alias);
                    }
                }
                for reference in advisory.references {
                    if !known.references.contains(&reference) {
                        known.references.push(reference);
                    }
                }
                known.summary = known.summary.take().or(advisory.summary);
                known.details = known.details.take().or(advisory.details);
                known.published = known.published.take().or(advisory.published);
                known.modified = known.modified.take().or(advisory.modified);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names() {
        assert_eq!(
            default_source_name(Path::new("/feeds/PyPI/all.zip"), SourceKind::Osv),
            "osv:PyPI"
        );
        assert_eq!(
            default_source_name(
                Path::new("/data/golang-vulndb-osv.tar.zst"),
                SourceKind::Osv
            ),
            "osv:golang-vulndb-osv"
        );
        assert_eq!(
            default_source_name(Path::new("x"), SourceKind::AlpineSecdb),
            "alpine-secdb"
        );
    }

    #[test]
    fn bad_records_do_not_stop_the_reading() {
        let root = tempfile::tempdir().expect("temporary directory");
        std::fs::write(
            root.path().join("GO-1.json"),
            br#"{"id": "GO-1", "modified": "2024-01-01T00:00:00Z"}"#,
        )
        .expect("write");
        std::fs::write(
            root.path().join("GO-2.json"),
            br#"{"id": "GO-2", "modified": "2025-01-01T00:00:00Z"}"#,
        )
        .expect("write");
        std::fs::write(
            root.path().join("GO-3.json"),
            br#"{"id": "GO-3", "aliases": 7}"#,
        )
        .expect("write");
        std::fs::write(root.path().join("README.md"), b"not a record").expect("write");

        let read = read_source(root.path(), SourceKind::Osv).expect("directory opens");
        let ids: Vec<&str> = read.advisories.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["GO-1", "GO-2"]);
        assert_eq!(
            read.newest_modified.as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
        assert!(read.advisories.iter().all(|a| a.source == read.name));

        assert_eq!(read.problems.len(), 1);
        let problem = read.problems[0].to_string();
        assert!(
            problem.starts_with("failed to read advisory GO-3 in GO-3.json: "),
            "{problem}"
        );
    }

    #[test]
    fn missing_source_is_an_error() {
        let error = read_source(Path::new("/nonexistent/feed.zip"), SourceKind::Osv)
            .expect_err("nothing there");
        assert!(
            error.to_string().contains("/nonexistent/feed.zip"),
            "{error}"
        );
    }
}
