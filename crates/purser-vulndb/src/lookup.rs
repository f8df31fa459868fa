//! Looking one installed package up: find its key, filter entries by release and status, and
//! evaluate their ranges.

use std::fmt;

use purser_advisory::{AffectedStatus, RangeKind, Reference, Score, ScoreKind, SeverityRating};
use purser_version::{ParsedVersion, Scheme, VersionError};

use crate::breakpoints::{InstalledPlace, KeyBlock};
use crate::database::{Database, KeyRecord};
use crate::display::AdvisoryDisplay;
use crate::ecosystem::{is_release_scoped, normalise_release};
use crate::entry::{self, EntryBody, RangeView};
use crate::error::{Corruption, DbError};
use crate::format::{SectionId, ADVISORY_RECORD_LEN, MAX_BREAKPOINT_LISTS};
use crate::range::{self, Event, EventKind};
use crate::reader::{Section, Strings};

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

/// How many advisory entries affect a package, decided without decoding any of them for display:
/// the first half of [`Database::lookup`], for callers that need only whether and how often a
/// package is affected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Affecting {
    /// The entries that affect the installed version; [`Database::lookup`] turns each into one
    /// [`Match`].
    pub entries: u32,
    /// Ranges that cannot be evaluated against a version, as in [`Lookup::not_matchable`].
    pub not_matchable: u32,
    /// Versions that could not be ordered, as in [`Lookup::problems`].
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
struct Evaluation<'q, 'd> {
    query: &'q PackageQuery<'q>,
    scheme: Option<Scheme>,
    strings: Strings<'d>,
    block: KeyBlock<'d>,
    /// The installed version's place in each breakpoint list, found on first use.
    places: [Option<InstalledPlace>; MAX_BREAKPOINT_LISTS],
    /// The installed version as parsed by each scheme met so far, `None` where the scheme
    /// rejects it: parsed once per lookup, then compared with breakpoints by parsing only them.
    installed: [Option<(Scheme, Option<ParsedVersion>)>; 2],
    lookup: Lookup,
    /// Ranges skipped because the scheme rejects one of their versions, by advisory number;
    /// turned into [`LookupProblem::AdvisoryVersion`] once the lookup is done.
    unsortable_ranges: Vec<(u32, VersionError)>,
    /// Where the entries that affect the installed version start in the key's block, with
    /// their advisory numbers, in database order.
    affecting: Vec<(usize, u32)>,
    /// Whether not-matchable ranges and problems are being counted: true while deciding, false
    /// while describing the entries already decided, so nothing is counted twice.
    counting: bool,
}

/// Why one entry affects the installed version, for display.
#[derive(Default)]
struct Reasons {
    reasons: Vec<String>,
    fixed_versions: Vec<String>,
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
        let Some(key) = self.key_of(query)? else {
            return Ok(Lookup::default());
        };
        let mut evaluation = self.decide(query, key).map_err(|c| self.corrupt(c))?;
        self.describe(&mut evaluation)
            .map_err(|c| self.corrupt(c))?;
        Ok(evaluation.lookup)
    }

    /// How many advisory entries affect `query`'s package at its version, decided exactly as
    /// [`Database::lookup`] decides but without decoding the entries' strings and display data.
    ///
    /// # Errors
    ///
    /// [`DbError::Corrupt`] when a record read on the way is damaged.
    pub fn affecting(&self, query: &PackageQuery<'_>) -> Result<Affecting, DbError> {
        let Some(key) = self.key_of(query)? else {
            return Ok(Affecting::default());
        };
        let evaluation = self.decide(query, key).map_err(|c| self.corrupt(c))?;
        let entries = u32::try_from(evaluation.affecting.len()).unwrap_or(u32::MAX);
        Ok(Affecting {
            entries,
            not_matchable: evaluation.lookup.not_matchable,
            problems: evaluation.lookup.problems,
        })
    }

    /// The key holding `query`'s package, or `None` when the database has no advisories for it.
    fn key_of(&self, query: &PackageQuery<'_>) -> Result<Option<KeyRecord>, DbError> {
        let Some(ecosystem) = self.find_ecosystem(query.ecosystem)? else {
            return Ok(None);
        };
        let key = self
            .find_key(query.ecosystem, &ecosystem, query.name)
            .map_err(|c| self.corrupt(c))?;
        if key.is_some() {
            tracing::trace!(
                ecosystem = query.ecosystem,
                name = query.name,
                "package has advisories"
            );
        }
        Ok(key)
    }

    /// Decides which entries of `key` affect the installed version, comparing ranks only; the
    /// problems met on the way are recorded with their advisories' IDs.
    fn decide<'q, 'd>(
        &'d self,
        query: &'q PackageQuery<'q>,
        key: KeyRecord,
    ) -> Result<Evaluation<'q, 'd>, Corruption> {
        let block = self
            .section(SectionId::Entries)
            .slice(key.entries_offset, key.entries_length)?;
        let block = KeyBlock::read(Section::new(SectionId::Entries, block))?;
        let strings = self.strings();
        let scoped = is_release_scoped(query.ecosystem);
        let wanted_release = query
            .release
            .map(|release| normalise_release(query.ecosystem, release));

        let mut evaluation = Evaluation {
            query,
            scheme: Scheme::for_ecosystem(query.ecosystem),
            strings,
            block,
            places: [None; MAX_BREAKPOINT_LISTS],
            installed: [None, None],
            lookup: Lookup::default(),
            unsortable_ranges: Vec::new(),
            affecting: Vec::new(),
            counting: true,
        };
        // A release-scoped key's entries are grouped by release: only the query's are read.
        let walked = if scoped {
            block.release_entries(strings, wanted_release)?
        } else {
            0..block.entries.len()
        };
        let mut offset = walked.start;
        while offset < walked.end {
            let head = entry::read_head(block.entries, offset)?;
            let start = offset;
            offset = head.next;
            if offset > walked.end {
                return Err(Corruption(format!(
                    "entry at offset {start} runs past its release's entries, which end at {}",
                    walked.end
                )));
            }
            let body = entry::read_body(&head)?;
            if evaluation.affects(&body, head.advisory)? {
                evaluation.affecting.push((start, head.advisory));
            }
        }

        for (advisory, error) in std::mem::take(&mut evaluation.unsortable_ranges) {
            let advisory_id = self.display(advisory)?.id;
            evaluation
                .lookup
                .problems
                .push(LookupProblem::AdvisoryVersion { advisory_id, error });
        }
        Ok(evaluation)
    }

    /// Turns every entry [`Database::decide`] found into a [`Match`]: only here are strings and
    /// display data (JSON) decoded, since decoding is most of a matching entry's cost.
    fn describe(&self, evaluation: &mut Evaluation<'_, '_>) -> Result<(), Corruption> {
        evaluation.counting = false;
        let strings = evaluation.strings;
        for (offset, advisory) in std::mem::take(&mut evaluation.affecting) {
            let head = entry::read_head(evaluation.block.entries, offset)?;
            let body = entry::read_body(&head)?;
            let reasons = evaluation.reasons(&body, advisory)?;
            let display = self.display(advisory)?;
            let stored = StoredEntry {
                release: head.release(strings)?,
                package: body.package(strings)?,
                status: body.status,
                status_text: body.status_text(strings)?,
                severity: body.severity,
                severity_source: body.severity_source(strings)?,
            };
            let entry_match = evaluation.entry_match(&body, reasons)?;
            let found = build_match(evaluation.query, &stored, display, entry_match);
            evaluation.lookup.matches.push(found);
        }
        Ok(())
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

/// The decoded fields of a matching entry.
struct StoredEntry<'a> {
    release: Option<&'a str>,
    package: &'a str,
    status: AffectedStatus,
    status_text: Option<&'a str>,
    severity: Option<SeverityRating>,
    severity_source: Option<&'a str>,
}

impl<'d> Evaluation<'_, 'd> {
    /// Whether the entry of advisory number `advisory` affects the queried version. Ranges are
    /// decided by rank; nothing is decoded unless a range was stored unsorted.
    fn affects(&mut self, body: &EntryBody<'d>, advisory: u32) -> Result<bool, Corruption> {
        if body.status == AffectedStatus::NotAffected {
            return Ok(false);
        }
        if body.is_status_only() {
            return Ok(status_only_word(body.status).is_some());
        }

        // Every range is looked at, not only up to the first that matches, so that ranges
        // which cannot be evaluated are counted whatever the installed version.
        let mut inside_any = false;
        for stored in body.ranges() {
            let stored = stored?;
            let Some(scheme) = self.range_scheme(stored.kind) else {
                continue;
            };
            if !self.installed_version_is_valid(scheme) {
                continue;
            }
            inside_any |= self
                .matching_events(&stored, scheme, advisory, false)?
                .is_some();
        }
        Ok(inside_any || body.lists_version(self.strings, self.query.version)?)
    }

    /// The ranges of an entry already known to affect the installed version, rendered for the
    /// reader, with their fixed versions.
    fn reasons(&mut self, body: &EntryBody<'d>, advisory: u32) -> Result<Reasons, Corruption> {
        let mut found = Reasons::default();
        if body.is_status_only() {
            return Ok(found);
        }
        for stored in body.ranges() {
            let stored = stored?;
            let Some(scheme) = self.range_scheme(stored.kind) else {
                continue;
            };
            if !self.installed_version_is_valid(scheme) {
                continue;
            }
            let Some(events) = self.matching_events(&stored, scheme, advisory, true)? else {
                continue;
            };
            found.reasons.push(range::render(&events));
            let fixed = events.iter().filter(|e| e.kind == EventKind::Fixed);
            found
                .fixed_versions
                .extend(fixed.map(|event| event.version.to_owned()));
        }
        if body.lists_version(self.strings, self.query.version)? {
            found.reasons.push("listed version".to_owned());
        }
        Ok(found)
    }

    /// Why an affecting entry matched: its ranges' reasons, or the distribution's status for an
    /// entry without ranges; fixed versions sorted by the ecosystem's scheme.
    fn entry_match(&self, body: &EntryBody<'d>, found: Reasons) -> Result<EntryMatch, Corruption> {
        if body.is_status_only() {
            return self.status_only(body);
        }
        let Reasons {
            reasons,
            mut fixed_versions,
        } = found;
        if let Some(scheme) = self.scheme {
            fixed_versions.sort_by(|a, b| scheme.compare(a, b).unwrap_or_else(|_| a.cmp(b)));
        }
        fixed_versions.dedup();
        Ok(EntryMatch {
            reason: reasons.join("; "),
            fixed_versions,
        })
    }

    /// The sorted events of a range that contains the installed version (left empty unless
    /// `decode`), or `None`.
    ///
    /// A range sorted at build time is decided by the events' ranks against the installed
    /// version's place, decoding nothing; only a matching range's versions are decoded. A range
    /// stored unsorted is sorted here, as the builder tried to: failing again records why it was
    /// skipped.
    fn matching_events(
        &mut self,
        stored: &RangeView<'d>,
        scheme: Scheme,
        advisory: u32,
        decode: bool,
    ) -> Result<Option<Vec<Event<'d>>>, Corruption> {
        let Some(list) = stored.list else {
            let mut events = stored.decode(self.strings)?;
            if let Err(error) = range::sort_events(scheme, &mut events) {
                if self.counting {
                    self.unsortable_ranges.push((advisory, error));
                }
                return Ok(None);
            }
            let inside = range::contains(scheme, self.query.version, &events);
            return Ok(inside.then_some(events));
        };

        let place = self.place(list, scheme)?;
        let mut damaged = None;
        let placed = stored.events().map_while(|event| match event {
            Ok(event) => Some((event.kind, place.against(event.rank))),
            Err(corruption) => {
                damaged = Some(corruption);
                None
            }
        });
        let inside = range::contains_placed(placed);
        if let Some(corruption) = damaged {
            return Err(corruption);
        }
        match (inside, decode) {
            (false, _) => Ok(None),
            (true, true) => stored.decode(self.strings).map(Some),
            (true, false) => Ok(Some(Vec::new())),
        }
    }

    /// The installed version's place in breakpoint list `list`, found once per lookup.
    fn place(&mut self, list: u8, scheme: Scheme) -> Result<InstalledPlace, Corruption> {
        let slot = self.places.get(usize::from(list)).ok_or_else(|| {
            Corruption(format!(
                "a range names breakpoint list {list}, past the last"
            ))
        })?;
        if let Some(place) = *slot {
            return Ok(place);
        }
        let (block, strings) = (self.block, self.strings);
        let place = match self.installed_parsed(scheme) {
            Some(installed) => block.place(list, installed, strings)?,
            None => {
                return Err(Corruption(format!(
                    "breakpoint list {list} was searched for an installed version the {scheme} \
                     scheme rejects"
                )))
            }
        };
        self.places[usize::from(list)] = Some(place);
        Ok(place)
    }

    /// Why an entry without ranges or versions matched: the distribution's status.
    fn status_only(&self, body: &EntryBody<'d>) -> Result<EntryMatch, Corruption> {
        let word = status_only_word(body.status).unwrap_or("affected");
        let text = body.status_text(self.strings)?.unwrap_or(word);
        Ok(EntryMatch {
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
                if self.counting
                    && self.scheme.is_none()
                    && !self.lookup.problems.contains(&problem)
                {
                    self.lookup.problems.push(problem);
                }
                self.scheme
            }
        };
        if scheme.is_none() && self.counting {
            self.lookup.not_matchable += 1;
        }
        scheme
    }

    /// Whether `scheme` accepts the installed version; the first rejection is recorded once.
    /// Each scheme's answer is kept for the rest of the lookup.
    fn installed_version_is_valid(&mut self, scheme: Scheme) -> bool {
        self.installed_parsed(scheme).is_some()
    }

    /// The installed version parsed by `scheme`, or `None` when the scheme rejects it; parsed on
    /// first use, the rejection recorded once as a problem.
    fn installed_parsed(&mut self, scheme: Scheme) -> Option<&ParsedVersion> {
        let known = self
            .installed
            .iter()
            .position(|slot| matches!(slot, Some((checked, _)) if *checked == scheme));
        let index = match known {
            Some(index) => index,
            None => {
                let parsed = match scheme.parse(self.query.version) {
                    Ok(parsed) => Some(parsed),
                    Err(error) => {
                        let problem = LookupProblem::InstalledVersion(error);
                        if !self.lookup.problems.contains(&problem) {
                            self.lookup.problems.push(problem);
                        }
                        None
                    }
                };
                // A lookup meets at most two schemes (its ecosystem's and SemVer), so a free
                // slot is always there; were it not, the last would be replaced.
                match self.installed.iter().position(Option::is_none) {
                    Some(free) => {
                        self.installed[free] = Some((scheme, parsed));
                        free
                    }
                    None => {
                        let last = self.installed.len() - 1;
                        self.installed[last] = Some((scheme, parsed));
                        last
                    }
                }
            }
        };
        self.installed[index]
            .as_ref()
            .and_then(|(_, parsed)| parsed.as_ref())
    }
}

/// The word for an entry without ranges or versions whose status affects the installed version,
/// or `None` for a status that does not: a fix with no version says nothing about the installed
/// one.
fn status_only_word(status: AffectedStatus) -> Option<&'static str> {
    match status {
        AffectedStatus::Fixed | AffectedStatus::NotAffected => None,
        AffectedStatus::Affected => Some("affected"),
        AffectedStatus::WillNotFix => Some("will_not_fix"),
        AffectedStatus::Deferred => Some("deferred"),
        AffectedStatus::EndOfLife => Some("end_of_life"),
    }
}

fn build_match(
    query: &PackageQuery<'_>,
    stored: &StoredEntry<'_>,
    display: AdvisoryDisplay,
    entry_match: EntryMatch,
) -> Match {
    let (severity, severity_source) = match stored.severity {
        Some(rating) => (
            rating,
            Some(stored.severity_source.unwrap_or(&display.source).to_owned()),
        ),
        None => highest_score(&display.scores),
    };
    Match {
        advisory_id: display.id,
        aliases: display.aliases,
        source: display.source,
        ecosystem: query.ecosystem.to_owned(),
        release: stored.release.map(str::to_owned),
        package: stored.package.to_owned(),
        status: stored.status,
        status_text: stored.status_text.map(str::to_owned),
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
