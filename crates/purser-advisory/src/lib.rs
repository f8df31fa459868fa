//! Public advisory data, read from its many formats into one model.
//!
//! Every reader in this crate turns its source (OSV records, the Debian security tracker, Alpine's
//! secdb, ...) into [`Advisory`] values. The vulnerability database is built from those values
//! only, so adding a source never touches the database or the matcher.
//!
//! Start with [`read_source`] (or [`stream_source`] to handle each advisory as it is read): it
//! takes a directory, a zip (OSV's per-ecosystem `all.zip`), a tar, `.tar.gz` or `.tar.zst`, or a
//! single file, and a [`SourceKind`]. A record that cannot be read becomes a [`RecordProblem`]
//! naming the file and the record; the rest of the source is read anyway. Only a source that
//! cannot be opened, or an archive whose stream is damaged, is an [`AdvisoryError`].
//!
//! # Sources and how they are mapped
//!
//! - **OSV** ([`osv`]), JSON and YAML: `id`, `aliases`, `related`, `summary`, `details`,
//!   `published`, `modified`, `withdrawn`, `references`; `severity[]` CVSS v2, v3.x and v4
//!   vectors scored ([`score`]); `affected[]` with ecosystem (`Debian:12` split into name and
//!   release), name, purl, `ECOSYSTEM`/`SEMVER`/`GIT` ranges with all four event kinds, and
//!   `versions`. A package's severity comes from `ecosystem_specific.severity`, else
//!   `database_specific.severity`, else its own `affected[].severity` vector, else the record's
//!   `database_specific.severity`, with the verbatim origin in `severity_source`.
//! - **Debian security tracker JSON** ([`debian_tracker`]): one advisory per CVE, one affected
//!   entry per source package and release; status and urgency kept verbatim and mapped.
//! - **Debian DSA/DLA lists** ([`debian_list`]): one advisory per DSA/DLA, CVEs as aliases.
//! - **Alpine secdb** ([`alpine_secdb`]), JSON and YAML: one advisory per CVE across all files.
//! - **RubySec** ([`rubysec`]), **FriendsOfPHP** ([`friendsofphp`]) and **Victims**
//!   ([`victims`]) YAML, and the **Node.js security WG**'s npm JSON ([`nodejs_wg`]): their
//!   requirement lists (`~> 2.1.3`, `>=2.6.0 <2.6.11`, `<=2.7.12,2`) become OSV events, ordered
//!   by the ecosystem's version rules.
//! - **Ubuntu CVE tracker** ([`ubuntu_tracker`]): one advisory per CVE file, one affected entry
//!   per source package and release; status lines and priorities kept verbatim and mapped.
//!
//! What a reader leaves out on purpose (interpreter advisories, ranges starting just after a
//! version, Ubuntu lines for releases without a number) is counted per reason in
//! [`SourceRead::skipped`], never reported as a bad record.
//!
//! Debian codenames become OSV's release numbers (`bookworm` is `Debian:12`); `sid` stays
//! `Debian:sid` ([`debian_release`]).
//!
//! # Known gaps
//!
//! - `affected[].severity` vectors are merged into the advisory's scores (the model keeps
//!   scores per advisory), so a record scoring two packages differently shows both scores.
//! - OSV `database_specific`/`ecosystem_specific` members other than `severity` are dropped
//!   (GitHub's CWE list, Go's affected symbols); matching on imported symbols is not possible.
//! - The Debian tracker JSON format is implemented from its published shape; the shared data
//!   holds no copy of the live feed, so the tests use a hand-made document of that shape.
//! - DTSA advisories (`data/DTSA/advs/*.adv`) and the tracker's `data/CVE/list` text are not
//!   read: the JSON carries the same facts.
//! - Alpine: a CVE fixed twice in one package (a regression fix) yields two ranges that both
//!   start at 0; the package is reported until the later fix.
//! - OSV events cannot start a range just after a version, so such RubySec and FriendsOfPHP
//!   ranges are left out (counted as skipped); those versions produce no finding.
//! - Containers are recognised from the file name (`.zip`, `.tar`, `.tar.gz`/`.tgz`,
//!   `.tar.zst`/`.tzst`); a renamed archive is read as a single record and reported as bad.

#![deny(missing_docs)]

pub mod alpine_secdb;
mod container;
pub mod debian_list;
pub mod debian_release;
pub mod debian_tracker;
mod error;
pub mod friendsofphp;
mod interval;
pub mod model;
pub mod nodejs_wg;
mod npm_range;
pub mod osv;
pub mod rubysec;
pub mod score;
mod skip;
mod source;
pub mod ubuntu_release;
pub mod ubuntu_tracker;
pub mod victims;

pub use error::{AdvisoryError, RecordProblem};
pub use model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, Reference, Score,
    ScoreKind, SeverityRating, VersionRange,
};
pub use osv::{parse_osv, OsvError, OsvSyntax};
pub use score::score_vector;
pub use skip::{FileRead, Skip, SkipReason};
pub use source::{
    default_source_name, read_source, read_source_with, stream_source, ReadOptions, SourceKind,
    SourceRead, SourceSummary, MAX_FEED_BYTES, MAX_RECORD_BYTES,
};
