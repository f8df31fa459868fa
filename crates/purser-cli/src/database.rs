//! Where the vulnerability database lives, and opening it for a command.
//!
//! The file is `--db FILE`, else `PURSER_DB`, else `purser/vulndb.purser` under the platform's
//! cache directory (`$XDG_CACHE_HOME`, else `~/.cache`). Updates replace the file by rename, so
//! a scan that opened (memory-mapped) the old file reads it to the end undisturbed.

use std::path::{Path, PathBuf};

use anyhow::Context;
use purser_vulndb::Database;

use crate::clock;

/// The file name of the database in the cache directory.
const FILE_NAME: &str = "vulndb.purser";

/// The default database path, when a cache directory can be named.
pub fn default_path() -> Option<PathBuf> {
    let cache = match std::env::var_os("XDG_CACHE_HOME") {
        Some(directory) if !directory.is_empty() => PathBuf::from(directory),
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
    };
    Some(cache.join("purser").join(FILE_NAME))
}

/// The path to use: the one given (flag or `PURSER_DB`, which clap merges), else the default.
///
/// # Errors
///
/// When no path was given and neither `XDG_CACHE_HOME` nor `HOME` is set.
pub fn resolve(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    match given {
        Some(path) => Ok(path.to_owned()),
        None => default_path().context(
            "cannot tell where the vulnerability database lives: set --db, PURSER_DB, \
             XDG_CACHE_HOME or HOME",
        ),
    }
}

/// Opens the database a scan should use. A database named explicitly must exist; the default
/// one may be missing, in which case the scan reports the inventory only and says so.
///
/// # Errors
///
/// When an explicitly named database is missing, or any database is unreadable or corrupt.
pub fn open_for_scan(given: Option<&Path>, max_age_days: u32) -> anyhow::Result<Option<Database>> {
    let path = resolve(given)?;
    if given.is_none() && !path.exists() {
        tracing::warn!(
            path = %path.display(),
            "no vulnerability database: reporting the inventory only; run `purser db build` \
             (or `purser db import`) to create one"
        );
        return Ok(None);
    }
    let database = Database::open(&path).with_context(|| {
        if path.exists() {
            format!("cannot use the vulnerability database {}", path.display())
        } else {
            format!(
                "no vulnerability database at {}; build one with `purser db build` or import \
                 one with `purser db import`",
                path.display()
            )
        }
    })?;
    warn_if_old(&database, max_age_days);
    Ok(Some(database))
}

/// Warns when the database was built more than `max_age_days` ago (0 disables the check).
fn warn_if_old(database: &Database, max_age_days: u32) {
    if max_age_days == 0 {
        return;
    }
    let Some(age) = database
        .info()
        .ok()
        .and_then(|info| age_in_days(&info.built_at))
    else {
        return;
    };
    if age > i64::from(max_age_days) {
        tracing::warn!(
            path = %database.path().display(),
            age_days = age,
            "the vulnerability database is {age} days old; newer advisories are missing until \
             it is rebuilt or updated"
        );
    }
}

/// Whole days between `built_at` (RFC 3339) and today.
pub fn age_in_days(built_at: &str) -> Option<i64> {
    let built = purser_report::Date::parse(built_at.get(..10)?).ok()?;
    Some(clock::today().days_since_epoch() - built.days_since_epoch())
}
