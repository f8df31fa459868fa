//! A deliberately plain evaluation of advisories against one installed version, written from the
//! OSV rules straight over the advisories in memory: it sorts every range and compares every
//! event as text through the version scheme, with no database, ranks or breakpoints. The
//! `shared_data` test checks the database's lookups against it.

use std::cmp::Ordering;

use purser_advisory::{Advisory, Affected, AffectedStatus, RangeEvent, RangeKind};
use purser_version::Scheme;
use purser_vulndb::{normalise_name, normalise_release};

/// What the database should answer for one entry that matches: the advisory and the reason.
pub type Expected = (String, String);

/// The entries of `advisories` affecting `name` at `version`, in database order, with the
/// number of ranges skipped because a version could not be ordered.
pub fn evaluate(
    advisories: &[&Advisory],
    ecosystem: &str,
    release: Option<&str>,
    name: &str,
    version: &str,
) -> (Vec<Expected>, usize) {
    let wanted = normalise_name(ecosystem, name);
    let scoped = purser_vulndb::is_release_scoped(ecosystem);
    let mut matches = Vec::new();
    let mut skipped = 0;
    for advisory in advisories {
        for affected in &advisory.affected {
            if affected.ecosystem.name != ecosystem
                || normalise_name(ecosystem, &affected.package) != wanted
            {
                continue;
            }
            let entry_release = affected
                .ecosystem
                .release
                .as_deref()
                .map(|r| normalise_release(ecosystem, r));
            let query_release = release.map(|r| normalise_release(ecosystem, r));
            if scoped && entry_release != query_release {
                continue;
            }
            if let Some(reason) = entry_reason(affected, ecosystem, version, &mut skipped) {
                matches.push((advisory.id.clone(), reason));
            }
        }
    }
    (matches, skipped)
}

fn entry_reason(
    affected: &Affected,
    ecosystem: &str,
    version: &str,
    skipped: &mut usize,
) -> Option<String> {
    if affected.status == AffectedStatus::NotAffected {
        return None;
    }
    if affected.ranges.is_empty() && affected.versions.is_empty() {
        let word = match affected.status {
            AffectedStatus::Fixed | AffectedStatus::NotAffected => return None,
            AffectedStatus::Affected => "affected",
            AffectedStatus::WillNotFix => "will_not_fix",
            AffectedStatus::Deferred => "deferred",
            AffectedStatus::EndOfLife => "end_of_life",
        };
        let text = affected.status_text.as_deref().unwrap_or(word);
        return Some(format!("{} status {text}", ecosystem.to_ascii_lowercase()));
    }

    let mut reasons = Vec::new();
    for range in &affected.ranges {
        let scheme = match range.kind {
            RangeKind::Git => continue,
            RangeKind::Semver => Scheme::Semver,
            RangeKind::Ecosystem => match Scheme::for_ecosystem(ecosystem) {
                Some(scheme) => scheme,
                None => continue,
            },
        };
        if scheme.compare(version, version).is_err() {
            continue;
        }
        let Some(events) = sorted(scheme, &range.events) else {
            *skipped += 1;
            continue;
        };
        if contains(scheme, version, &events) {
            let text: Vec<String> = events
                .iter()
                .map(|(kind, version)| format!("{kind} {version}"))
                .collect();
            reasons.push(text.join(", "));
        }
    }
    if affected.versions.iter().any(|listed| listed == version) {
        reasons.push("listed version".to_owned());
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The events as `(kind, version)`, sorted with `introduced 0` first and, at one version, the
/// events that act at it (introduced, then fixed) before those that act just after it
/// (introduced after, then last_affected), then limit; `None` if a version is invalid.
fn sorted(scheme: Scheme, events: &[RangeEvent]) -> Option<Vec<(&'static str, &str)>> {
    let mut named: Vec<(&'static str, &str)> = events
        .iter()
        .map(|event| match event {
            RangeEvent::Introduced(v) => ("introduced", v.as_str()),
            RangeEvent::IntroducedAfter(v) => ("introduced after", v.as_str()),
            RangeEvent::Fixed(v) => ("fixed", v.as_str()),
            RangeEvent::LastAffected(v) => ("last_affected", v.as_str()),
            RangeEvent::Limit(v) => ("limit", v.as_str()),
        })
        .collect();
    let is_start = |(kind, version): &(&str, &str)| *kind == "introduced" && *version == "0";
    for event in &named {
        if !is_start(event) {
            scheme.compare(event.1, event.1).ok()?;
        }
    }
    let tie = |kind: &str| {
        [
            "introduced",
            "fixed",
            "introduced after",
            "last_affected",
            "limit",
        ]
        .iter()
        .position(|k| *k == kind)
    };
    named.sort_by(|a, b| {
        let by_version = match (is_start(a), is_start(b)) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => scheme.compare(a.1, b.1).unwrap_or(Ordering::Equal),
        };
        by_version.then(tie(a.0).cmp(&tie(b.0)))
    });
    Some(named)
}

fn contains(scheme: Scheme, version: &str, events: &[(&str, &str)]) -> bool {
    let order = |event: &str| scheme.compare(version, event).ok();
    let mut affected = false;
    let mut limits = 0;
    let mut below_a_limit = false;
    for &(kind, event) in events {
        match kind {
            "introduced" if event == "0" || order(event).is_some_and(Ordering::is_ge) => {
                affected = true;
            }
            "fixed" if order(event).is_some_and(Ordering::is_ge) => affected = false,
            // Purser's exclusive lower bound: every version strictly above it.
            "introduced after" if order(event) == Some(Ordering::Greater) => affected = true,
            "last_affected" if order(event) == Some(Ordering::Greater) => affected = false,
            "limit" => {
                limits += 1;
                below_a_limit |= order(event) == Some(Ordering::Less);
            }
            _ => {}
        }
    }
    affected && (limits == 0 || below_a_limit)
}
