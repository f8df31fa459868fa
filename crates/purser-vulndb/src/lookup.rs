//! Looking one installed package up: find its key, filter entries by release and status, and
//! evaluate their ranges.

use std::fmt;

use purser_advisory::{AffectedStatus, RangeKind, Reference, Score, ScoreKind, SeverityRating};
use purser_version::{Scheme, VersionError};

use crate::database::{Database, KeyRecord};
use crate::display::AdvisoryDisplay;
use crate::ecosystem::{is_release_scoped, normalise_release};
use crate::entry::{self, EntryBody};
use crate::error::{Corruption, DbError};
use crate::format::{SectionId, ADVISORY_RECORD_LEN};
use crate::range::{self, EventKind};
use crate::reader::Section;

/// One installed package to look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageQuery<'a> {
    /// The ecosystem's OSV name, without a release (`Debian`, `PyPI`, `Maven`).
    pub ecosystem: &'a str,
    /// The distribution release (`12`, `3.19` or `v3.19`); ignored by language ecosystems.
    pub release: Option<&'a str>,
    /// The package name as its ecosystem's advisories name it (Debian source package, Alpine
    /// origin, Maven `group:artifact`); normalised here as the ecosystem defines.
    pub name: &'a str,
    /// The installed version.
    pub version: &'a str,
}

/// The result of one lookup.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lookup {
    /// The advisories affecting the package, in database order. An advisory that lists the same
    /// package twice can appear twice.
    pub matches: Vec<Match>,
    /// Ranges that cannot be evaluated against a version: `GIT` ranges, and ranges of an
    /// ecosystem without a version scheme.
    pub not_matchable: u32,
    /// Versions that could not be ordered; each means some advisory may have been missed.
    pub problems: Vec<LookupProblem>,
}

/// Why part of a lookup could not be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupProblem {
    /// The installed version is not valid in its ecosystem's scheme: no range can match it.
    InstalledVersion(VersionError),
    /// An advisory's range names a version the scheme rejects: that range was skipped.
    AdvisoryVersion {
        /// The advisory.
        advisory_id: String,
        /// What the scheme said.
        error: VersionError,
    },
    /// Purser has no version ordering for the ecosystem: its ranges were not evaluated.
    NoScheme {
        /// The ecosystem.
        ecosystem: String,
    },
}

impl fmt::Display for LookupProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InstalledVersion(error) => write!(formatter, "installed version: {error}"),
            Self::AdvisoryVersion { advisory_id, error } => {
                write!(formatter, "range of {advisory_id} skipped: {error}")
            }
            Self::NoScheme { ecosystem } => write!(
                formatter,
                "no version ordering for ecosystem {ecosystem}: its ranges were not evaluated"
            ),
        }
    }
}

/// One advisory affecting one installed package.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The advisory's own identifier.
    pub advisory_id: String,
    /// Its aliases.
    pub aliases: Vec<String>,
    /// The source the advisory came from (`osv:PyPI`, `debian-tracker`).
    pub source: String,
    /// The entry's ecosystem.
    pub ecosystem: String,
    /// The entry's release, normalised (`12`, `3.19`).
    pub release: Option<String>,
    /// The package as the advisory spells it.
    pub package: String,
    /// The entry's status.
    pub status: AffectedStatus,
    /// The source's own word for the status, verbatim.
    pub status_text: Option<String>,
    /// Every `fixed` version of the matching ranges, sorted by the ecosystem's scheme.
    pub fixed_versions: Vec<String>,
    /// The entry's severity if it has one, else the rating of the highest score.
    pub severity: SeverityRating,
    /// Where [`Match::severity`] came from (`debian urgency: low`, `CVSS_V3 CVSS:3.1/...`).
    pub severity_source: Option<String>,
    /// CVSS scores and vectors.
    pub scores: Vec<Score>,
    /// The advisory's summary.
    pub summary: Option<String>,
    /// Links for the reader.
    pub references: Vec<Reference>,
    /// When the advisory was published.
    pub published: Option<String>,
    /// When it was last modified.
    pub modified: Option<String>,
    /// Why it matched: the range (`introduced 0, fixed 2.17.1`), `listed version`, or the
    /// distribution status (`debian status open`); several reasons are joined by `; `.
    pub reason: String,
}

impl Match {
    /// The identifier to show first: the first CVE among the ID and aliases, else the ID.
    pub fn preferred_id(&self) -> &str {
        std::iter::once(&self.advisory_id)
            .chain(&self.aliases)
            .find(|id| id.starts_with("CVE-"))
            .unwrap_or(&self.advisory_id)
    }
}

/// Why one entry matched.
struct EntryMatch {
    reason: String,
    fixed_versions: Vec<String>,
}

/// State shared by the entries of one lookup.
struct Evaluation<'q> {
    query: &'q PackageQuery<'q>,
    scheme: Option<Scheme>,
    lookup: Lookup,
    /// Ranges skipped because the scheme rejects one of their versions, by advisory number;
    /// turned into [`LookupProblem::AdvisoryVersion`] once the lookup is done.
    unsortable_ranges: Vec<(u32, VersionError)>,
}

impl Database {
    /// The advisories affecting `query`'s package at its version.
    ///
    /// A package the database does not know returns an empty [`Lookup`] without allocating; use
    /// [`Database::covers`] to tell "no advisories" from "no data for this ecosystem".
    ///
    /// # Errors
    ///
    /// [`DbError::Corrupt`] when a record read on the way is damaged.
    pub fn lookup(&self, query: &PackageQuery<'_>) -> Result<Lookup, DbError> {
        let Some(ecosystem) = self.find_ecosystem(query.ecosystem)? else {
            return Ok(Lookup::default());
        };
        let key = self
            .find_key(query.ecosystem, &ecosystem, query.name)
            .map_err(|c| self.corrupt(c))?;
        let Some(key) = key else {
            return Ok(Lookup::default());
        };
        tracing::trace!(
            ecosystem = query.ecosystem,
            name = query.name,
            "package has advisories"
        );
        self.evaluate_key(query, key).map_err(|c| self.corrupt(c))
    }

    fn evaluate_key(&self, query: &PackageQuery<'_>, key: KeyRecord) -> Result<Lookup, Corruption> {
        let entries = self.section(SectionId::Entries);
        let key_entries = Section::new(
            SectionId::Entries,
            entries.slice(key.entries_offset, key.entries_length)?,
        );
        let strings = self.strings();
        let scoped = is_release_scoped(query.ecosystem);
        let wanted_release = query
            .release
            .map(|release| normalise_release(query.ecosystem, release));

        let mut evaluation = Evaluation {
            query,
            scheme: Scheme::for_ecosystem(query.ecosystem),
            lookup: Lookup::default(),
            unsortable_ranges: Vec::new(),
        };
        let mut offset = 0;
        while offset < key_entries.len() {
            let head = entry::read_head(key_entries, strings, offset)?;
            offset = head.next;
            if scoped && head.release != wanted_release {
                continue;
            }

            let body = entry::read_body(key_entries, strings, &head)?;
            // The display data (JSON) is decoded only for entries that match: most entries of a
            // package do not, and decoding is most of a lookup's cost.
            if let Some(entry_match) = evaluation.entry(&body, head.advisory) {
                let display = self.display(head.advisory)?;
                let found = build_match(query, head.release, &body, display, entry_match);
                evaluation.lookup.matches.push(found);
            }
        }

        for (advisory, error) in std::mem::take(&mut evaluation.unsortable_ranges) {
            let advisory_id = self.display(advisory)?.id;
            evaluation
                .lookup
                .problems
                .push(LookupProblem::AdvisoryVersion { advisory_id, error });
        }
        Ok(evaluation.lookup)
    }

    /// Decodes the display data of advisory `index`.
    fn display(&self, index: u32) -> Result<AdvisoryDisplay, Corruption> {
        let records = self.section(SectionId::Advisories);
        let at = (index as usize)
            .checked_mul(ADVISORY_RECORD_LEN)
            .ok_or_else(|| Corruption(format!("advisory index {index} is out of range")))?;
        let offset = records.u32_at(at)? as usize;
        let length = records.u32_at(at + 4)? as usize;
        let json = self.section(SectionId::Display).slice(offset, length)?;
        serde_json::from_slice(json).map_err(|error| {
            Corruption(format!(
                "display data of advisory {index} is not valid: {error}"
            ))
        })
    }
}

impl Evaluation<'_> {
    /// Whether the entry of advisory number `advisory` affects the queried version, and why.
    fn entry(&mut self, body: &EntryBody<'_>, advisory: u32) -> Option<EntryMatch> {
        if body.status == AffectedStatus::NotAffected {
            return None;
        }
        if body.ranges.is_empty() && body.versions.is_empty() {
            return self.status_only(body);
        }

        let mut reasons = Vec::new();
        let mut fixed_versions = Vec::new();
        for stored in &body.ranges {
            let Some(scheme) = self.range_scheme(stored.kind) else {
                continue;
            };
            if !self.installed_version_is_valid(scheme) {
                continue;
            }
            let mut events = stored.events.clone();
            if let Err(error) = range::sort_events(scheme, &mut events) {
                self.unsortable_ranges.push((advisory, error));
                continue;
            }
            if range::contains(scheme, self.query.version, &events) {
                reasons.push(range::render(&events));
                let fixed = events.iter().filter(|e| e.kind == EventKind::Fixed);
                fixed_versions.extend(fixed.map(|event| event.version.to_owned()));
            }
        }
        if body.versions.contains(&self.query.version) {
            reasons.push("listed version".to_owned());
        }
        if reasons.is_empty() {
            return None;
        }

        if let Some(scheme) = self.scheme {
            fixed_versions.sort_by(|a, b| scheme.compare(a, b).unwrap_or_else(|_| a.cmp(b)));
        }
        fixed_versions.dedup();
        Some(EntryMatch {
            reason: reasons.join("; "),
            fixed_versions,
        })
    }

    /// An entry without ranges or versions: the distribution's status decides.
    fn status_only(&self, body: &EntryBody<'_>) -> Option<EntryMatch> {
        let word = match body.status {
            // A fix with no version says nothing about the installed one.
            AffectedStatus::Fixed | AffectedStatus::NotAffected => return None,
            AffectedStatus::Affected => "affected",
            AffectedStatus::WillNotFix => "will_not_fix",
            AffectedStatus::Deferred => "deferred",
            AffectedStatus::EndOfLife => "end_of_life",
        };
        let text = body.status_text.unwrap_or(word);
        Some(EntryMatch {
            reason: format!(
                "{} status {text}",
                self.query.ecosystem.to_ascii_lowercase()
            ),
            fixed_versions: Vec::new(),
        })
    }

    /// The scheme ordering a range, or `None` (counted as not matchable) when there is none.
    fn range_scheme(&mut self, kind: RangeKind) -> Option<Scheme> {
        let scheme = match kind {
            RangeKind::Git => None,
            RangeKind::Semver => Some(Scheme::Semver),
            RangeKind::Ecosystem => {
                let problem = LookupProblem::NoScheme {
                    ecosystem: self.query.ecosystem.to_owned(),
                };
                if self.scheme.is_none() && !self.lookup.problems.contains(&problem) {
                    self.lookup.problems.push(problem);
                }
                self.scheme
            }
        };
        if scheme.is_none() {
            self.lookup.not_matchable += 1;
        }
        scheme
    }

    /// Whether `scheme` accepts the installed version; the first rejection is recorded once.
    fn installed_version_is_valid(&mut self, scheme: Scheme) -> bool {
        let Err(error) = scheme.compare(self.query.version, self.query.version) else {
            return true;
        };
        let problem = LookupProblem::InstalledVersion(error);
        if !self.lookup.problems.contains(&problem) {
            self.lookup.problems.push(problem);
        }
        false
    }
}

fn build_match(
    query: &PackageQuery<'_>,
    release: Option<&str>,
    body: &EntryBody<'_>,
    display: AdvisoryDisplay,
    entry_match: EntryMatch,
) -> Match {
    let (severity, severity_source) = match body.severity {
        Some(rating) => (
            rating,
            Some(body.severity_source.unwrap_or(&display.source).to_owned()),
        ),
        None => highest_score(&display.scores),
    };
    Match {
        advisory_id: display.id,
        aliases: display.aliases,
        source: display.source,
        ecosystem: query.ecosystem.to_owned(),
        release: release.map(str::to_owned),
        package: body.package.to_owned(),
        status: body.status,
        status_text: body.status_text.map(str::to_owned),
        fixed_versions: entry_match.fixed_versions,
        severity,
        severity_source,
        scores: display.scores,
        summary: display.summary,
        references: display.references,
        published: display.published,
        modified: display.modified,
        reason: entry_match.reason,
    }
}

/// The rating of the highest score, and which score gave it.
fn highest_score(scores: &[Score]) -> (SeverityRating, Option<String>) {
    let best = scores.iter().max_by(|a, b| {
        a.rating.cmp(&b.rating).then(
            a.base_score
                .unwrap_or(0.0)
                .total_cmp(&b.base_score.unwrap_or(0.0)),
        )
    });
    match best {
        Some(score) => (
            score.rating,
            Some(format!("{} {}", score_kind_name(score.kind), score.vector)),
        ),
        None => (SeverityRating::Unknown, None),
    }
}

fn score_kind_name(kind: ScoreKind) -> &'static str {
    match kind {
        ScoreKind::CvssV2 => "CVSS_V2",
        ScoreKind::CvssV3 => "CVSS_V3",
        ScoreKind::CvssV4 => "CVSS_V4",
        ScoreKind::Ubuntu => "Ubuntu",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(kind: ScoreKind, base: f32, rating: SeverityRating) -> Score {
        Score {
            kind,
            vector: format!("v{base}"),
            base_score: Some(base),
            rating,
        }
    }

    #[test]
    fn the_highest_score_gives_the_severity() {
        let scores = [
            score(ScoreKind::CvssV2, 7.5, SeverityRating::High),
            score(ScoreKind::CvssV3, 9.8, SeverityRating::Critical),
            score(ScoreKind::CvssV4, 8.0, SeverityRating::High),
        ];
        assert_eq!(
            highest_score(&scores),
            (SeverityRating::Critical, Some("CVSS_V3 v9.8".to_owned()))
        );
        assert_eq!(highest_score(&[]), (SeverityRating::Unknown, None));
    }

    #[test]
    fn problems_read_as_sentences() {
        let problem = LookupProblem::NoScheme {
            ecosystem: "NuGet".to_owned(),
        };
        assert_eq!(
            problem.to_string(),
            "no version ordering for ecosystem NuGet: its ranges were not evaluated"
        );
    }
}
