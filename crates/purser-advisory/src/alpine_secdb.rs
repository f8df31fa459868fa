//! Alpine's secdb (<https://secdb.alpinelinux.org/>): one JSON (today) or YAML (the 2016–2020
//! `alpine-secdb` repository) document per release and repository:
//!
//! ```text
//! {"distroversion": "v3.19", "reponame": "main",
//!  "packages": [{"pkg": {"name": "openssl", "secfixes": {"3.1.4-r1": ["CVE-2023-5678"]}}}]}
//! ```
//!
//! One [`Advisory`] per vulnerability identifier, one [`Affected`] per release and package, in
//! `Alpine:<distroversion>` with the package (the origin, as secdb names it). A fix version
//! gives a range introduced 0, fixed at that version; the key `0` means the package was never
//! affected in that release ([`AffectedStatus::NotAffected`]). Secdb has no severity.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, Reference, VersionRange,
};
use crate::osv::{OsvSyntax, Text};

#[derive(Debug, Deserialize)]
struct Secdb {
    distroversion: Option<Text>,
    packages: Option<Vec<PackageEntry>>,
}

#[derive(Debug, Deserialize)]
struct PackageEntry {
    pkg: Package,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: Text,
    secfixes: Option<BTreeMap<String, Option<Vec<Option<Text>>>>>,
}

/// Parses one secdb document into advisories, one per identifier, in identifier order.
///
/// # Errors
///
/// A lowercase message when the text is not a secdb document or has no `distroversion`.
pub fn parse_secdb(bytes: &[u8], syntax: OsvSyntax) -> Result<Vec<Advisory>, String> {
    let secdb: Secdb = match syntax {
        OsvSyntax::Json => serde_json::from_slice(bytes).map_err(|error| error.to_string()),
        OsvSyntax::Yaml => serde_yaml_ng::from_slice(bytes).map_err(|error| error.to_string()),
    }
    .map_err(|error| format!("not an Alpine secdb document: {error}"))?;

    let release = secdb
        .distroversion
        .map(Text::into_string)
        .filter(|release| !release.trim().is_empty())
        .ok_or_else(|| "secdb document has no `distroversion`".to_owned())?;
    let ecosystem = Ecosystem {
        name: "Alpine".to_owned(),
        release: Some(release.trim().to_owned()),
    };

    let mut advisories: BTreeMap<String, Advisory> = BTreeMap::new();
    for entry in secdb.packages.unwrap_or_default() {
        let package = entry.pkg.name.into_string();
        for (version, identifiers) in entry.pkg.secfixes.unwrap_or_default() {
            for identifier in identifiers.unwrap_or_default().into_iter().flatten() {
                for id in vulnerability_ids(&identifier.into_string()) {
                    let advisory = advisories
                        .entry(id.clone())
                        .or_insert_with(|| new_advisory(id));
                    advisory
                        .affected
                        .push(affected_for(&ecosystem, &package, version.trim()));
                }
            }
        }
    }
    Ok(advisories.into_values().collect())
}

/// The identifiers in one secfixes entry. Most entries are one CVE; some list several
/// (`CVE-2019-1 CVE-2019-2`) or add a note (`CVE-2018-1 (xen only)`): only words shaped like
/// an identifier (`CVE-`, `XSA-`, `GHSA-`, `ALPINE-`, ...) are kept.
fn vulnerability_ids(entry: &str) -> Vec<String> {
    entry
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| c == ',' || c == ';' || c == '(' || c == ')'))
        .filter(|word| {
            word.split_once('-').is_some_and(|(prefix, rest)| {
                !prefix.is_empty()
                    && prefix.chars().all(|c| c.is_ascii_uppercase())
                    && rest.starts_with(|c: char| c.is_ascii_alphanumeric())
            })
        })
        .map(str::to_owned)
        .collect()
}

fn new_advisory(id: String) -> Advisory {
    let references = id
        .starts_with("CVE-")
        .then(|| Reference {
            kind: "ADVISORY".to_owned(),
            url: format!("https://security.alpinelinux.org/vuln/{id}"),
        })
        .into_iter()
        .collect();
    Advisory {
        id,
        references,
        ..Advisory::default()
    }
}

fn affected_for(ecosystem: &Ecosystem, package: &str, version: &str) -> Affected {
    // Limitation: when one package lists the same identifier under two fix versions (a fix
    // and a later regression fix), each becomes its own range introduced 0 and the matcher
    // reports the package until the later fix.
    let (status, ranges) = if version == "0" {
        (AffectedStatus::NotAffected, Vec::new())
    } else {
        let range = VersionRange {
            kind: RangeKind::Ecosystem,
            repo: None,
            events: vec![
                RangeEvent::Introduced("0".to_owned()),
                RangeEvent::Fixed(version.to_owned()),
            ],
        };
        (AffectedStatus::Fixed, vec![range])
    };
    Affected {
        ecosystem: ecosystem.clone(),
        package: package.to_owned(),
        ranges,
        status,
        ..Affected::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{
      "apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
      "archs": ["x86_64"],
      "distroversion": "v3.19",
      "reponame": "main",
      "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
      "packages": [
        {"pkg": {"name": "openssl", "secfixes": {
          "3.1.4-r1": ["CVE-2023-5678"],
          "3.1.4-r0": ["CVE-2023-5363 CVE-2023-5678"],
          "0": ["CVE-2022-1234"]}}},
        {"pkg": {"name": "xen", "secfixes": {"4.17.2-r0": ["CVE-2023-20588 XSA-439", null]}}},
        {"pkg": {"name": "busybox"}}
      ]
    }"#;

    const YAML: &str = "---
distroversion: v3.10
reponame: main
packages:
  - pkg:
      name: ansible
      secfixes:
        2.8.4-r0:
          - CVE-2019-10206
        0:
          - CVE-2019-14846
";

    #[test]
    fn json_entries_merge_per_identifier() {
        let advisories = parse_secdb(JSON.as_bytes(), OsvSyntax::Json).expect("valid secdb");
        let ids: Vec<&str> = advisories.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "CVE-2022-1234",
                "CVE-2023-20588",
                "CVE-2023-5363",
                "CVE-2023-5678",
                "XSA-439"
            ]
        );

        let cve = &advisories[3];
        assert_eq!(cve.affected.len(), 2);
        assert_eq!(cve.affected[0].ecosystem.to_string(), "Alpine:v3.19");
        assert_eq!(cve.affected[0].package, "openssl");
        assert_eq!(cve.affected[0].status, AffectedStatus::Fixed);
        assert_eq!(
            cve.affected[0].ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("3.1.4-r0".into())
            ]
        );

        let never = &advisories[0].affected[0];
        assert_eq!(never.status, AffectedStatus::NotAffected);
        assert!(never.ranges.is_empty());
    }

    #[test]
    fn yaml_keys_stay_text() {
        let advisories = parse_secdb(YAML.as_bytes(), OsvSyntax::Yaml).expect("valid secdb");
        assert_eq!(advisories.len(), 2);
        assert_eq!(advisories[0].id, "CVE-2019-10206");
        assert_eq!(
            advisories[0].affected[0].ecosystem.to_string(),
            "Alpine:v3.10"
        );
        assert_eq!(
            advisories[1].affected[0].status,
            AffectedStatus::NotAffected
        );
    }

    #[test]
    fn missing_release_is_an_error() {
        let error = parse_secdb(br#"{"packages": []}"#, OsvSyntax::Json).expect_err("no release");
        assert!(error.contains("distroversion"), "{error}");
        assert!(parse_secdb(b"- just a list", OsvSyntax::Yaml).is_err());
    }

    #[test]
    fn identifiers_are_picked_from_notes() {
        assert_eq!(vulnerability_ids("CVE-2018-1 (xen only)"), ["CVE-2018-1"]);
        assert_eq!(vulnerability_ids("CVE-1-2, XSA-3"), ["CVE-1-2", "XSA-3"]);
        assert!(vulnerability_ids("fixed a crash").is_empty());
    }
}
