//! `purser db`: build, inspect and import the vulnerability database.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use purser_advisory::{read_source_with, ReadOptions, SourceKind};
use purser_vulndb::{Database, DatabaseBuilder, DatabaseInfo};

use crate::args::OutputFormat;
use crate::output::{columns, emit};
use crate::{clock, database, ExitStatus};

/// Options of `purser db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// What to do with the database.
    #[command(subcommand)]
    pub action: DbAction,
}

/// The `db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Build a database file from advisory sources on disk.
    Build(BuildArgs),
    /// Show what a database holds and how old it is.
    Info(InfoArgs),
    /// Install a database file built elsewhere (for machines without network access).
    Import(ImportArgs),
    /// Download the advisory feeds that changed and rebuild the database from them.
    Update(UpdateArgs),
}

/// Options of `purser db update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The database file to replace; defaults to the one scans use.
    #[arg(long, value_name = "FILE", env = "PURSER_DB")]
    pub db: Option<PathBuf>,

    /// Where downloaded feeds are kept between updates (default: `feeds` beside the database).
    #[arg(long, value_name = "DIR", env = "PURSER_FEED_CACHE")]
    pub cache_dir: Option<PathBuf>,

    /// Touch no network: rebuild from the feeds already downloaded, and fail if one is missing.
    #[arg(long, env = "PURSER_OFFLINE")]
    pub offline: bool,

    /// The OSV bucket; `<URL>/<Ecosystem>/all.zip` is fetched for each ecosystem.
    #[arg(long, value_name = "URL", env = "PURSER_OSV_BASE_URL")]
    pub osv_base_url: Option<String>,

    /// The OSV ecosystems to fetch (comma-separated, as OSV spells them: PyPI, npm, Debian, ...).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub osv_ecosystems: Option<Vec<String>>,

    /// The Debian security tracker's JSON export; `none` skips it.
    #[arg(long, value_name = "URL", env = "PURSER_DEBIAN_TRACKER_URL")]
    pub debian_tracker_url: Option<String>,

    /// The Alpine secdb host; `<URL>/<release>/main.json` is fetched for each release.
    #[arg(long, value_name = "URL", env = "PURSER_ALPINE_SECDB_BASE_URL")]
    pub alpine_secdb_base_url: Option<String>,

    /// The Alpine releases to fetch (comma-separated, as v3.20); an empty value skips Alpine.
    #[arg(long, value_delimiter = ',', value_name = "RELEASES")]
    pub alpine_releases: Option<Vec<String>>,
}

/// Options of `purser db build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// An advisory source as KIND:PATH[#FOLDER] (repeatable).
    ///
    /// KIND is `osv` (a directory, zip or tar of OSV JSON/YAML records), `debian-tracker` (the
    /// security tracker's JSON), `debian-list` (DSA/DLA list files), `alpine-secdb` (secdb JSON
    /// or YAML), `rubysec` (ruby-advisory-db), `friendsofphp` (FriendsOfPHP
    /// security-advisories), `nodejs-security-wg` (the Node.js security WG's `vuln/` folder),
    /// `ubuntu-cve-tracker` (the Ubuntu CVE tracker's `active/`, `retired/`, `ignored/`) or
    /// `victims` (the Victims CVE database's `java/` and `python/`).
    /// PATH is a file, directory or archive (zip, tar, .tar.gz, .tar.zst). `#FOLDER` reads only
    /// the files under that folder inside it, as in
    /// `osv:pypa-advisory-database.tar.zst#pypa-advisory-database/vulns`; a PATH that itself
    /// contains `#` and exists is taken whole.
    #[arg(
        long = "from",
        value_name = "KIND:PATH[#FOLDER]",
        required = true,
        value_parser = parse_source
    )]
    pub sources: Vec<SourceSpec>,

    /// The database file to write (replaced whole, or left as it was on failure); defaults to
    /// the database scans use.
    #[arg(long, short, value_name = "FILE", env = "PURSER_DB")]
    pub output: Option<PathBuf>,

    /// Fail when any record of a source cannot be read, instead of warning and going on.
    #[arg(long)]
    pub strict: bool,
}

/// One `--from` source.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// How its records are read.
    pub kind: SourceKind,
    /// Where it is, as written: a path, or `ARCHIVE#FOLDER` (see [`SourceSpec::location`]).
    pub path: PathBuf,
}

impl SourceSpec {
    /// The path to open and the folder inside it to read, if any. `PATH#FOLDER` names a folder
    /// inside a directory or archive; the split is at the last `#`, and only when the whole
    /// text is not an existing path (so a file whose name holds `#` still works).
    pub fn location(&self) -> (PathBuf, Option<String>) {
        if self.path.exists() {
            return (self.path.clone(), None);
        }
        let text = self.path.to_string_lossy();
        match text.rsplit_once('#') {
            Some((container, folder)) if !container.is_empty() => {
                let folder = folder.trim_matches('/');
                (
                    PathBuf::from(container),
                    (!folder.is_empty()).then(|| folder.to_owned()),
                )
            }
            _ => (self.path.clone(), None),
        }
    }
}

/// Options of `purser db info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The database file; defaults to the one scans use.
    #[arg(long, value_name = "FILE", env = "PURSER_DB")]
    pub db: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// Options of `purser db import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The database file to install; it is checked completely before it replaces anything.
    pub file: PathBuf,

    /// Where to install it; defaults to the database scans use.
    #[arg(long, value_name = "FILE", env = "PURSER_DB")]
    pub db: Option<PathBuf>,
}

/// Runs a `db` subcommand.
///
/// # Errors
///
/// When a source or database cannot be read, or the output cannot be written.
pub fn run(args: &DbArgs) -> anyhow::Result<ExitStatus> {
    match &args.action {
        DbAction::Build(build_args) => build(build_args),
        DbAction::Info(info_args) => info(info_args),
        DbAction::Import(import_args) => import(import_args),
        DbAction::Update(update_args) => crate::commands::db_update::run(update_args),
    }
}

fn parse_source(text: &str) -> Result<SourceSpec, String> {
    let (kind, path) = text.split_once(':').ok_or_else(|| {
        format!("{text:?} names no kind: write KIND:PATH, such as osv:advisories/pypi")
    })?;
    let kind = SourceKind::from_name(kind).ok_or_else(|| {
        let known: Vec<&str> = SourceKind::ALL.iter().map(|kind| kind.name()).collect();
        format!(
            "unknown source kind {kind:?}: expected one of {}",
            known.join(", ")
        )
    })?;
    if path.is_empty() || path.starts_with('#') {
        return Err(format!("{text:?} names no path after the kind"));
    }
    Ok(SourceSpec {
        kind,
        path: PathBuf::from(path),
    })
}

fn build(args: &BuildArgs) -> anyhow::Result<ExitStatus> {
    let output = database::resolve(args.output.as_deref())?;
    if let Some(parent) = output
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the directory {}", parent.display()))?;
    }

    let (builder, problems) = builder_for(&args.sources)?;
    if args.strict && problems > 0 {
        anyhow::bail!(
            "{problems} records could not be read (see the warnings above); nothing was written"
        );
    }

    let info = builder.write(&output)?;
    eprintln!(
        "wrote {}: {} advisories, {} packages, {} bytes",
        output.display(),
        info.advisories,
        info.packages,
        info.file_size
    );
    Ok(ExitStatus::Success)
}

/// A builder holding every advisory of `sources`, and how many records could not be read
/// (each printed as a warning).
///
/// # Errors
///
/// When a source cannot be opened at all.
pub fn builder_for(sources: &[SourceSpec]) -> anyhow::Result<(DatabaseBuilder, usize)> {
    let mut builder = DatabaseBuilder::new(clock::now_rfc3339());
    let mut problems = 0;
    for source in sources {
        let (path, under) = source.location();
        let options = ReadOptions {
            under,
            ..ReadOptions::new(source.kind)
        };
        let read = read_source_with(&path, &options).with_context(|| {
            format!("cannot read the advisory source {}", source.path.display())
        })?;
        for problem in &read.problems {
            eprintln!("warning: {problem}");
        }
        problems += read.problems.len();
        eprintln!(
            "read {} advisories from {} ({})",
            read.advisories.len(),
            source.path.display(),
            read.name
        );
        for (reason, count) in &read.skipped {
            eprintln!("note: {} left out {count} times: {reason}", read.name);
        }
        builder.add_source(&read.name, read.advisories);
    }
    Ok((builder, problems))
}

fn info(args: &InfoArgs) -> anyhow::Result<ExitStatus> {
    let path = database::resolve(args.db.as_deref())?;
    let database = Database::open(&path)?;
    let info = database.info()?;
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&InfoDocument::of(&path, &info))? + "\n",
        OutputFormat::Table => info_table(&path, &info),
    };
    emit(&text, None)?;
    Ok(ExitStatus::Success)
}

/// What `db info --format json` prints.
#[derive(serde::Serialize)]
struct InfoDocument<'a> {
    path: String,
    schema_version: u32,
    age_days: Option<i64>,
    #[serde(flatten)]
    info: &'a DatabaseInfo,
}

impl<'a> InfoDocument<'a> {
    fn of(path: &Path, info: &'a DatabaseInfo) -> Self {
        InfoDocument {
            path: path.display().to_string(),
            schema_version: info.schema_version,
            age_days: database::age_in_days(&info.built_at),
            info,
        }
    }
}

fn info_table(path: &Path, info: &DatabaseInfo) -> String {
    let age = database::age_in_days(&info.built_at)
        .map_or_else(String::new, |days| format!(" ({days} days ago)"));
    let mut text = format!(
        "Database:  {}\nSchema:    {}\nBuilt:     {}{age}\nSize:      {} bytes\n\
         Contents:  {} advisories, {} packages, {} entries\n\n",
        path.display(),
        info.schema_version,
        info.built_at,
        info.file_size,
        info.advisories,
        info.packages,
        info.entries
    );
    let rows: Vec<Vec<String>> = info
        .sources
        .iter()
        .map(|source| {
            vec![
                source.name.clone(),
                source.records.to_string(),
                source.withdrawn.to_string(),
                source
                    .newest_record
                    .clone()
                    .unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect();
    text.push_str(&columns(
        &["SOURCE", "RECORDS", "WITHDRAWN", "NEWEST RECORD"],
        &rows,
    ));
    text
}

fn import(args: &ImportArgs) -> anyhow::Result<ExitStatus> {
    let destination = database::resolve(args.db.as_deref())?;
    let candidate = Database::open(&args.file)?;
    candidate.verify()?;
    let info = candidate.info()?;
    drop(candidate);

    let parent = destination
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create the directory {}", parent.display()))?;
    let temporary = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("cannot create a temporary file in {}", parent.display()))?;
    std::fs::copy(&args.file, temporary.path()).with_context(|| {
        format!(
            "cannot copy {} to {}",
            args.file.display(),
            temporary.path().display()
        )
    })?;
    Database::open(temporary.path())?.verify()?;
    temporary
        .persist(&destination)
        .map_err(|error| error.error)
        .with_context(|| {
            format!(
                "cannot move the database into place at {}",
                destination.display()
            )
        })?;
    eprintln!(
        "imported {} ({} advisories, built {}) to {}",
        args.file.display(),
        info.advisories,
        info.built_at,
        destination.display()
    );
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_name_their_kind() {
        let spec = parse_source("debian-tracker:data/tracker.json").expect("valid");
        assert_eq!(spec.kind, SourceKind::DebianTracker);
        assert_eq!(spec.path, PathBuf::from("data/tracker.json"));
        assert!(parse_source("advisories").is_err());
        assert!(parse_source("nvd:feed.json").is_err());
        assert!(parse_source("osv:").is_err());
        assert!(parse_source("osv:#vulns").is_err());
        let spec = parse_source("rubysec:db.tar.zst").expect("valid");
        assert_eq!(spec.kind, SourceKind::RubySec);
        let error = parse_source("ruby:db").expect_err("unknown");
        assert!(error.contains("ubuntu-cve-tracker"), "{error}");
    }

    #[test]
    fn a_folder_inside_an_archive_follows_a_hash() {
        let spec = parse_source("osv:/nonexistent/pypa.tar.zst#pypa/vulns/").expect("valid");
        assert_eq!(
            spec.location(),
            (
                PathBuf::from("/nonexistent/pypa.tar.zst"),
                Some("pypa/vulns".to_owned())
            )
        );
        let plain = parse_source("osv:/nonexistent/feed.zip").expect("valid");
        assert_eq!(
            plain.location(),
            (PathBuf::from("/nonexistent/feed.zip"), None)
        );

        let root = tempfile::tempdir().expect("temporary directory");
        let odd = root.path().join("a#b");
        std::fs::create_dir(&odd).expect("create");
        let spec = SourceSpec {
            kind: SourceKind::Osv,
            path: odd.clone(),
        };
        assert_eq!(spec.location(), (odd, None));
    }
}
