//! `purser db update`: fetch the advisory feeds that changed, then rebuild the database.
//!
//! Feeds are downloaded into a cache folder by `purser-feeds` (conditional GETs, each file
//! checked and renamed into place). The database is rebuilt only when every feed has a good
//! copy and at least one changed, and the new file replaces the old by rename: a failed or
//! interrupted update leaves the previous database in place, and scans that have it open read
//! it undisturbed.

use std::io::Write;
use std::path::{Path, PathBuf};

use purser_advisory::SourceKind;
use purser_feeds::{sync_with_progress, FeedConfig, FeedKind, FeedOutcome, FeedSources};

use crate::commands::db::{builder_for, SourceSpec, UpdateArgs};
use crate::{database, ExitStatus};

/// Runs `purser db update`.
///
/// # Errors
///
/// When a feed fails (the old database stays), or the database cannot be built or written.
pub fn run(args: &UpdateArgs) -> anyhow::Result<ExitStatus> {
    let db_path = database::resolve(args.db.as_deref())?;
    let cache_dir = args
        .cache_dir
        .clone()
        .unwrap_or_else(|| feed_cache_beside(&db_path));
    let config = feed_config(args);

    let summary = if crate::show_progress() {
        let mut bar = ProgressLine::default();
        let mut report = |feed: &str, done: u64, total: Option<u64>| bar.show(feed, done, total);
        let summary = sync_with_progress(&config, &cache_dir, &mut report);
        bar.finish();
        summary?
    } else {
        sync_with_progress(
            &config,
            &cache_dir,
            &mut |_: &str, _: u64, _: Option<u64>| {},
        )?
    };

    for feed in &summary.feeds {
        eprintln!("{:<28} {}", feed.name, feed.outcome.label());
    }
    for error in &summary.state_errors {
        eprintln!("warning: {error}");
    }
    let failures: Vec<String> = summary
        .failures()
        .map(|feed| match &feed.outcome {
            FeedOutcome::Failed(error) => format!("{}: {error}", feed.name),
            _ => feed.name.clone(),
        })
        .collect();
    if !failures.is_empty() {
        anyhow::bail!(
            "{} feeds could not be updated, so {} was left as it was:\n  {}",
            failures.len(),
            db_path.display(),
            failures.join("\n  ")
        );
    }

    let changed = summary
        .feeds
        .iter()
        .any(|feed| matches!(feed.outcome, FeedOutcome::Downloaded));
    if !changed && db_path.exists() && !args.offline {
        eprintln!(
            "no feed changed since the last update; {} is up to date",
            db_path.display()
        );
        return Ok(ExitStatus::Success);
    }

    let sources: Vec<SourceSpec> = summary
        .feeds
        .iter()
        .map(|feed| SourceSpec {
            kind: source_kind(&feed.kind),
            path: feed.path.clone(),
        })
        .collect();
    let (builder, _) = builder_for(&sources)?;
    if let Some(parent) = db_path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    let info = builder.write(&db_path)?;
    eprintln!(
        "wrote {}: {} advisories, {} packages, {} bytes",
        db_path.display(),
        info.advisories,
        info.packages,
        info.file_size
    );
    Ok(ExitStatus::Success)
}

/// `feeds/` in the database's folder.
fn feed_cache_beside(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("feeds")
}

/// The default feeds, with the flags' replacements.
fn feed_config(args: &UpdateArgs) -> FeedConfig {
    let mut sources = FeedSources::default();
    if let Some(url) = &args.osv_base_url {
        sources.osv_base_url.clone_from(url);
    }
    if let Some(ecosystems) = &args.osv_ecosystems {
        sources.osv_ecosystems = without_empty(ecosystems);
    }
    if let Some(url) = &args.debian_tracker_url {
        sources.debian_tracker_url = (url != "none").then(|| url.clone());
    }
    if let Some(url) = &args.alpine_secdb_base_url {
        sources.alpine_secdb_base_url.clone_from(url);
    }
    if let Some(releases) = &args.alpine_releases {
        sources.alpine_releases = without_empty(releases);
    }

    let mut config = FeedConfig::from_sources(&sources);
    config.offline = args.offline;
    config
}

fn without_empty(values: &[String]) -> Vec<String> {
    values
        .iter()
        .filter(|value| !value.trim().is_empty())
        .cloned()
        .collect()
}

/// How a feed's file is read into advisories.
fn source_kind(kind: &FeedKind) -> SourceKind {
    match kind {
        FeedKind::DebianTrackerJson => SourceKind::DebianTracker,
        FeedKind::AlpineSecdbJson { .. } => SourceKind::AlpineSecdb,
        _ => SourceKind::Osv,
    }
}

/// One line on stderr, redrawn as bytes arrive: the feed, bytes so far and the total.
#[derive(Default)]
struct ProgressLine {
    drawn: bool,
}

impl ProgressLine {
    fn show(&mut self, feed: &str, done: u64, total: Option<u64>) {
        let mebibytes = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let text = match total {
            Some(total) if total > 0 => format!(
                "{feed}: {:.1} of {:.1} MiB ({}%)",
                mebibytes(done),
                mebibytes(total),
                done.saturating_mul(100) / total
            ),
            _ => format!("{feed}: {:.1} MiB", mebibytes(done)),
        };
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K{text}");
        let _ = stderr.flush();
        self.drawn = true;
    }

    fn finish(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }
}
