//! Debian's advisory lists, `data/DSA/list` and `data/DLA/list` in the security tracker's
//! repository (<https://salsa.debian.org/security-tracker-team/security-tracker>):
//!
//! ```text
//! [29 Mar 2023] DSA-5380-1 xorg-server - security update
//!     {CVE-2023-1393}
//!     [bullseye] - xorg-server 2:1.20.11-1+deb11u6
//!     [buster] - foo <not-affected> (Vulnerable code not present)
//!     NOTE: free text
//! ```
//!
//! One [`Advisory`] per header line: the identifier, the date as `published`, the rest of the
//! line as `summary`, the `{...}` identifiers as aliases. Each `[release] - package version`
//! line gives an [`Affected`] in `Debian:<number>`: a version means fixed in that version
//! (range introduced 0, fixed V); `<not-affected>` means not affected; `<unfixed>` affected with
//! no fix; `<end-of-life>` end of life. The marker and any parenthesised note are kept in
//! [`Affected::status_text`].

use crate::debian_release::debian_ecosystem;
use crate::model::{
    Advisory, Affected, AffectedStatus, RangeEvent, RangeKind, Reference, VersionRange,
};

/// A line that could not be read: the advisory it belongs to (when known) and what was wrong.
pub type LineProblem = (Option<String>, String);

/// Parses a DSA or DLA list. Lines that fit no known form are problems; the rest is read.
pub fn parse_security_list(bytes: &[u8]) -> (Vec<Advisory>, Vec<LineProblem>) {
    let text = String::from_utf8_lossy(bytes);
    let mut advisories: Vec<Advisory> = Vec::new();
    let mut problems = Vec::new();
    // False after an unreadable header: its lines must not land in the advisory before it.
    let mut in_advisory = false;

    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();

        if trimmed.is_empty() || trimmed.starts_with("NOTE:") {
            continue;
        }
        if line.starts_with('[') {
            in_advisory = match parse_header(line) {
                Some(advisory) => {
                    advisories.push(advisory);
                    true
                }
                None => {
                    problems.push((None, format!("line {number}: unreadable header `{line}`")));
                    false
                }
            };
            continue;
        }

        let Some(advisory) = advisories.last_mut().filter(|_| in_advisory) else {
            problems.push((
                None,
                format!("line {number}: line outside any readable advisory"),
            ));
            continue;
        };
        if let Some(inner) = trimmed
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        {
            for alias in inner.split_whitespace() {
                if !advisory.aliases.iter().any(|known| known == alias) {
                    advisory.aliases.push(alias.to_owned());
                }
            }
        } else if let Some(affected) = parse_release_line(trimmed) {
            advisory.affected.push(affected);
        } else {
            let id = Some(advisory.id.clone());
            problems.push((id, format!("line {number}: unreadable line `{trimmed}`")));
        }
    }
    (advisories, problems)
}

/// `[29 Mar 2023] DSA-5380-1 xorg-server - security update`.
fn parse_header(line: &str) -> Option<Advisory> {
    let (date, rest) = line.strip_prefix('[')?.split_once(']')?;
    let rest = rest.trim();
    let (id, summary) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if !id.contains('-') {
        return None;
    }

    let published = rfc3339_date(date)?;
    Some(Advisory {
        id: id.to_owned(),
        summary: (!summary.trim().is_empty()).then(|| summary.trim().to_owned()),
        modified: Some(published.clone()),
        published: Some(published),
        references: vec![Reference {
            kind: "ADVISORY".to_owned(),
            url: format!("https://security-tracker.debian.org/tracker/{id}"),
        }],
        ..Advisory::default()
    })
}

/// `29 Mar 2023` as `2023-03-29T00:00:00Z`.
fn rfc3339_date(date: &str) -> Option<String> {
    let mut parts = date.split_whitespace();
    let day: u8 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u16 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"))
}

/// `[bullseye] - xorg-server 2:1.20.11-1+deb11u6` or `[buster] - foo <not-affected> (note)`.
fn parse_release_line(line: &str) -> Option<Affected> {
    let (codename, rest) = line.strip_prefix('[')?.split_once(']')?;
    let rest = rest.trim_start().strip_prefix('-')?.trim();
    let (package, rest) = rest.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    let (version, note) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if codename.is_empty() || package.is_empty() || version.is_empty() {
        return None;
    }

    let (status, fixed) = match version {
        "<not-affected>" => (AffectedStatus::NotAffected, None),
        "<unfixed>" => (AffectedStatus::Affected, None),
        "<end-of-life>" => (AffectedStatus::EndOfLife, None),
        marker if marker.starts_with('<') => (AffectedStatus::Affected, None),
        version => (AffectedStatus::Fixed, Some(version)),
    };
    let ranges = if status == AffectedStatus::NotAffected {
        Vec::new()
    } else {
        let mut events = vec![RangeEvent::Introduced("0".to_owned())];
        events.extend(fixed.map(|version| RangeEvent::Fixed(version.to_owned())));
        vec![VersionRange {
            kind: RangeKind::Ecosystem,
            repo: None,
            events,
        }]
    };
    let status_text = match (fixed, note.trim()) {
        (Some(_), "") => None,
        (Some(_), note) => Some(note.to_owned()),
        (None, "") => Some(version.to_owned()),
        (None, note) => Some(format!("{version} {note}")),
    };

    Some(Affected {
        ecosystem: debian_ecosystem(codename),
        package: package.to_owned(),
        ranges,
        status,
        status_text,
        ..Affected::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "[29 Mar 2023] DSA-5380-1 xorg-server - security update
\t{CVE-2023-1393}
\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6
[17 Mar 2023] DSA-5356-2 sox - regression update
\t[bullseye] - sox 14.4.2+git20190427-2+deb11u2
[05 Jan 2010] DSA-1960-1 acidlab - SQL injection
\t{CVE-2009-4411 CVE-2009-4412}
\t[lenny] - openoffice.org <not-affected> (Vulnerable code not present)
\t[etch] - acidlab <end-of-life>
        [sarge] - awstats 6.4-1sarge3 (bug #365910)
\tNOTE: some text
\t[squeeze] - acidlab <unfixed>
\tthis line is nonsense
";

    #[test]
    fn reads_headers_aliases_and_releases() {
        let (advisories, problems) = parse_security_list(LIST.as_bytes());
        assert_eq!(advisories.len(), 3);

        let first = &advisories[0];
        assert_eq!(first.id, "DSA-5380-1");
        assert_eq!(first.published.as_deref(), Some("2023-03-29T00:00:00Z"));
        assert_eq!(
            first.summary.as_deref(),
            Some("xorg-server - security update")
        );
        assert_eq!(first.aliases, ["CVE-2023-1393"]);
        assert_eq!(first.affected[0].ecosystem.to_string(), "Debian:11");
        assert_eq!(first.affected[0].status, AffectedStatus::Fixed);
        assert_eq!(
            first.affected[0].ranges[0].events[1],
            RangeEvent::Fixed("2:1.20.11-1+deb11u6".into())
        );

        assert!(advisories[1].aliases.is_empty());

        let old = &advisories[2];
        assert_eq!(old.aliases, ["CVE-2009-4411", "CVE-2009-4412"]);
        let statuses: Vec<_> = old
            .affected
            .iter()
            .map(|a| (a.ecosystem.to_string(), a.status, a.status_text.as_deref()))
            .collect();
        assert_eq!(
            statuses,
            [
                (
                    "Debian:5".to_owned(),
                    AffectedStatus::NotAffected,
                    Some("<not-affected> (Vulnerable code not present)")
                ),
                (
                    "Debian:4".to_owned(),
                    AffectedStatus::EndOfLife,
                    Some("<end-of-life>")
                ),
                (
                    "Debian:3.1".to_owned(),
                    AffectedStatus::Fixed,
                    Some("(bug #365910)")
                ),
                (
                    "Debian:6".to_owned(),
                    AffectedStatus::Affected,
                    Some("<unfixed>")
                ),
            ]
        );

        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0.as_deref(), Some("DSA-1960-1"));
        assert!(problems[0].1.starts_with("line 13: "), "{}", problems[0].1);
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "[",
            "[]",
            "[x] y",
            "\t[bullseye] -",
            "[1 Foo 2020] DSA-1-1 x",
            "\u{0}\u{ff}[",
        ] {
            let _ = parse_security_list(text.as_bytes());
        }
        let (advisories, problems) = parse_security_list(
            b"[01 Jan 2020] DSA-1-1 x\n[32 Jan 2020] DSA-2-1 y\n\t[buster] - y 1\n",
        );
        assert_eq!(advisories.len(), 1);
        assert!(
            advisories[0].affected.is_empty(),
            "lines of a bad header stay out"
        );
        assert_eq!(problems.len(), 2);
    }
}
