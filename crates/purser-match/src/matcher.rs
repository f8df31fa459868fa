//! Joins a scan's inventory with the vulnerability database.
//!
//! Each package is turned into a [`Query`](crate::Query) by [`query_for`], looked up, and every
//! advisory entry that affects it becomes one [`Vulnerability`]. Packages that cannot be asked
//! about, and ecosystems the database holds no data for, become [`CoverageGap`]s: a scan never
//! reports "no vulnerabilities" for software it could not check.

use std::collections::BTreeMap;

use purser_advisory::{AffectedStatus, Score, ScoreKind};
use purser_engine::report::Located;
use purser_engine::ScanReport;
use purser_plugin_api::Package;
use purser_vulndb::{Database, DbError, Match, PackageQuery};

use crate::findings::{
    CoverageGap, CvssScore, DatabaseSummary, MatchProblem, MatchedPackage, SourceSummary,
    Vulnerability, VulnerabilityReport, VulnerabilityStatus,
};
use crate::query::{query_for, Query, Unmatchable};

/// Why packages were left unchecked, counted per ecosystem label.
#[derive(Default)]
struct GapCounter {
    gaps: BTreeMap<(String, String), usize>,
}

impl GapCounter {
    fn add(&mut self, ecosystem: String, reason: String) {
        *self.gaps.entry((ecosystem, reason)).or_default() += 1;
    }

    fn into_gaps(self) -> Vec<CoverageGap> {
        self.gaps
            .into_iter()
            .map(|((ecosystem, reason), packages)| CoverageGap {
                ecosystem,
                packages,
                reason,
            })
            .collect()
    }
}

/// Matches every package of `scan` against `database`.
///
/// # Errors
///
/// [`DbError`] when the database cannot be read (a corrupt section found during a lookup);
/// problems with single packages (an unreadable version) are reported in
/// [`VulnerabilityReport::problems`] instead.
pub fn match_scan(scan: &ScanReport, database: &Database) -> Result<VulnerabilityReport, DbError> {
    let os = scan.operating_system.as_ref().map(|os| &os.item);
    let mut report = VulnerabilityReport {
        database: summarise(database)?,
        ..VulnerabilityReport::default()
    };
    let mut gaps = GapCounter::default();
    let mut covered: BTreeMap<(String, Option<String>), bool> = BTreeMap::new();

    for located in &scan.packages {
        let package = &located.item;
        let query = match query_for(package, os) {
            Ok(query) => query,
            Err(unmatchable) => {
                gaps.add(unmatchable.ecosystem_label(), gap_reason(&unmatchable));
                continue;
            }
        };

        let key = (query.ecosystem.clone(), query.release.clone());
        let is_covered = match covered.get(&key) {
            Some(known) => *known,
            None => {
                let known = database.covers(&query.ecosystem, query.release.as_deref())?;
                covered.insert(key, known);
                known
            }
        };
        if !is_covered {
            gaps.add(
                query_label(&query),
                "the vulnerability database holds no advisories for it".to_owned(),
            );
            continue;
        }

        let lookup = database.lookup(&PackageQuery {
            ecosystem: &query.ecosystem,
            release: query.release.as_deref(),
            name: &query.name,
            version: &query.version,
        })?;
        for problem in lookup.problems {
            report.problems.push(MatchProblem {
                package: format!("{}@{}", package.name, package.version),
                path: package.source_path.clone(),
                message: problem.to_string(),
            });
        }
        for found in lookup.matches {
            if matches!(
                found.status,
                AffectedStatus::Fixed | AffectedStatus::NotAffected
            ) {
                continue;
            }
            report
                .findings
                .push(vulnerability(found, located, &query, scan));
        }
    }

    report.coverage_gaps = gaps.into_gaps();
    sort_findings(&mut report.findings);
    report.findings.dedup_by(|later, kept| {
        later.id == kept.id
            && later.package.ecosystem == kept.package.ecosystem
            && later.package.name == kept.package.name
            && later.package.version == kept.package.version
            && later.package.path == kept.package.path
    });
    tracing::info!(
        findings = report.findings.len(),
        gaps = report.coverage_gaps.len(),
        "matched the inventory against the vulnerability database"
    );
    Ok(report)
}

/// The header facts of the database, for the report.
fn summarise(database: &Database) -> Result<DatabaseSummary, DbError> {
    let info = database.info()?;
    Ok(DatabaseSummary {
        path: database.path().display().to_string(),
        built_at: info.built_at,
        schema_version: info.schema_version,
        sources: info
            .sources
            .into_iter()
            .map(|source| SourceSummary {
                name: source.name,
                newest_record: source.newest_record,
                advisories: source.records,
            })
            .collect(),
    })
}

fn gap_reason(unmatchable: &Unmatchable) -> String {
    match unmatchable {
        Unmatchable::UnknownDistribution { .. } => {
            "no advisory source covers this distribution".to_owned()
        }
        Unmatchable::IncompleteIdentity(_) => {
            "the package's identity is incomplete (no version, or no Maven group)".to_owned()
        }
        Unmatchable::NoAdvisoryEcosystem(_) => {
            "no advisory source publishes data for this ecosystem".to_owned()
        }
    }
}

fn query_label(query: &Query) -> String {
    match &query.release {
        Some(release) => format!("{}:{release}", query.ecosystem),
        None => query.ecosystem.clone(),
    }
}

/// One finding from one matched advisory entry.
fn vulnerability(
    found: Match,
    located: &Located<Package>,
    query: &Query,
    scan: &ScanReport,
) -> Vulnerability {
    let package = &located.item;
    let id = found.preferred_id().to_owned();
    let mut aliases: Vec<String> = std::iter::once(found.advisory_id.clone())
        .chain(found.aliases.iter().cloned())
        .filter(|alias| *alias != id)
        .collect();
    aliases.sort();
    aliases.dedup();

    let layer_diff_id = located.layer.and_then(|index| {
        scan.image
            .layers
            .get(index)
            .and_then(|layer| layer.diff_id.clone())
    });
    let severity_source = found
        .severity_source
        .clone()
        .unwrap_or_else(|| format!("{} (no severity given)", found.source));

    Vulnerability {
        id,
        advisory_id: found.advisory_id,
        aliases,
        package: MatchedPackage {
            ecosystem: package.ecosystem.clone(),
            name: package.name.clone(),
            version: package.version.clone(),
            purl: package.purl.clone(),
            path: package.source_path.clone(),
            layer: located.layer,
            layer_diff_id,
            matched_ecosystem: query_label(query),
            matched_name: query.name.clone(),
            matched_version: query.version.clone(),
        },
        fixed_versions: found.fixed_versions,
        status: VulnerabilityStatus::from_affected(found.status),
        status_text: found.status_text,
        severity: found.severity,
        severity_source,
        cvss: found.scores.iter().filter_map(cvss_score).collect(),
        title: found.summary.as_deref().map(first_line),
        description: found.summary,
        references: found
            .references
            .into_iter()
            .map(|reference| reference.url)
            .collect(),
        published: found.published,
        modified: found.modified,
        matched_by: found.reason,
        data_source: found.source,
    }
}

/// A CVSS score for the report; other kinds of score (Ubuntu priorities) are not CVSS.
fn cvss_score(score: &Score) -> Option<CvssScore> {
    let version = match score.kind {
        ScoreKind::CvssV2 => "2.0".to_owned(),
        ScoreKind::CvssV3 if score.vector.starts_with("CVSS:3.0/") => "3.0".to_owned(),
        ScoreKind::CvssV3 => "3.1".to_owned(),
        ScoreKind::CvssV4 => "4.0".to_owned(),
        _ => return None,
    };
    Some(CvssScore {
        version,
        vector: score.vector.clone(),
        base_score: score.base_score,
        rating: score.rating,
    })
}

/// The first line of a summary, as a title.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// Package, then ID: the order every format prints.
fn sort_findings(findings: &mut [Vulnerability]) {
    findings.sort_by(|a, b| {
        (
            &a.package.ecosystem,
            &a.package.name,
            &a.package.version,
            &a.package.path,
            &a.id,
            &a.advisory_id,
        )
            .cmp(&(
                &b.package.ecosystem,
                &b.package.name,
                &b.package.version,
                &b.package.path,
                &b.id,
                &b.advisory_id,
            ))
    });
}

#[cfg(test)]
mod tests {
    use purser_advisory::{
        Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, VersionRange,
    };
    use purser_engine::report::{FileState, Located};
    use purser_plugin_api::{OperatingSystem, Package};
    use purser_vulndb::DatabaseBuilder;

    use super::*;

    fn located<T>(item: T) -> Located<T> {
        Located {
            item,
            analyzer: "test".to_owned(),
            layer: Some(0),
            file_state: FileState::Present,
            changed_in_layer: None,
        }
    }

    fn package(ecosystem: &str, name: &str, version: &str) -> Located<Package> {
        located(Package {
            ecosystem: ecosystem.to_owned(),
            name: name.to_owned(),
            version: version.to_owned(),
            source_path: format!("app/{name}"),
            ..Package::default()
        })
    }

    fn advisory(id: &str, ecosystem: &str, name: &str, fixed: &str) -> Advisory {
        Advisory {
            id: id.to_owned(),
            aliases: vec!["CVE-2023-0001".to_owned()],
            summary: Some("Something bad\nin detail".to_owned()),
            affected: vec![Affected {
                ecosystem: Ecosystem::parse(ecosystem),
                package: name.to_owned(),
                status: AffectedStatus::Affected,
                ranges: vec![VersionRange {
                    kind: RangeKind::Ecosystem,
                    repo: None,
                    events: vec![
                        RangeEvent::Introduced("0".to_owned()),
                        RangeEvent::Fixed(fixed.to_owned()),
                    ],
                }],
                ..Affected::default()
            }],
            ..Advisory::default()
        }
    }

    fn database(directory: &std::path::Path) -> Database {
        let path = directory.join("test.purser");
        DatabaseBuilder::new("2026-12-04T00:00:00Z")
            .add_source(
                "osv:PyPI",
                [
                    advisory("PYSEC-1", "PyPI", "requests", "2.31.0"),
                    advisory("GHSA-1", "PyPI", "requests", "2.31.0"),
                ],
            )
            .write(&path)
            .expect("database written");
        Database::open(&path).expect("database opens")
    }

    #[test]
    fn affected_packages_match_once_per_vulnerability_and_gaps_are_named() {
        let directory = tempfile::tempdir().expect("temporary directory");
        let database = database(directory.path());
        let scan = ScanReport {
            operating_system: Some(located(OperatingSystem {
                family: "debian".to_owned(),
                version_id: "12".to_owned(),
                ..OperatingSystem::default()
            })),
            packages: vec![
                package("PyPI", "requests", "2.25.0"),
                package("PyPI", "requests", "2.31.0"),
                package("deb", "bash", "5.2.15-2+b2"),
                package("npm", "left-pad", "1.0.0"),
            ],
            ..ScanReport::default()
        };

        let report = match_scan(&scan, &database).expect("matches");

        assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
        let finding = &report.findings[0];
        assert_eq!(finding.id, "CVE-2023-0001");
        assert_eq!(finding.package.version, "2.25.0");
        assert_eq!(finding.fixed_versions, ["2.31.0"]);
        assert_eq!(finding.title.as_deref(), Some("Something bad"));
        assert!(finding.aliases.contains(&finding.advisory_id));

        let gaps: Vec<&str> = report
            .coverage_gaps
            .iter()
            .map(|gap| gap.ecosystem.as_str())
            .collect();
        assert_eq!(gaps, ["Debian:12", "npm"]);
        assert_eq!(report.database.sources[0].name, "osv:PyPI");
    }
}
