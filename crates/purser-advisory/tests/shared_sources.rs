//! The readers on the real repositories kept in the shared data (`../shared/data/advisories`,
//! beside the repository), read in place from their `.tar.zst` archives.

use std::path::PathBuf;

use purser_advisory::{
    read_source, read_source_with, Advisory, Affected, AffectedStatus, RangeEvent, RangeKind,
    ReadOptions, SourceKind, SourceRead,
};

fn shared_archive(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/advisories")
        .join(name)
}

fn advisory<'a>(read: &'a SourceRead, id: &str) -> &'a Advisory {
    read.advisories
        .iter()
        .find(|advisory| advisory.id == id)
        .unwrap_or_else(|| panic!("{id} was read"))
}

fn package<'a>(advisory: &'a Advisory, name: &str) -> &'a Affected {
    advisory
        .affected
        .iter()
        .find(|affected| affected.package == name)
        .unwrap_or_else(|| panic!("{} affects {name}", advisory.id))
}

fn skipped(read: &SourceRead, reason: &str) -> usize {
    read.skipped.get(reason).copied().unwrap_or_default()
}

#[test]
fn rubysec_archive() {
    let read = read_source(
        &shared_archive("ruby-advisory-db.tar.zst"),
        SourceKind::RubySec,
    )
    .expect("archive opens");
    assert_eq!(read.name, "rubysec");
    assert!(read.problems.is_empty(), "{:?}", read.problems);

    // 1,234 gem files; files of several gems with one identifier merge. The 13 gems affected
    // again just after an unaffected `<= V` were skipped before `introduced after` existed.
    let gems: usize = read.advisories.iter().map(|a| a.affected.len()).sum();
    let unexpressible = skipped(&read, "unreadable or inexpressible version range");
    let nothing_affected = skipped(&read, "no version is affected");
    assert_eq!(
        gems + unexpressible + nothing_affected,
        1234,
        "{:?}",
        read.skipped
    );
    assert_eq!(read.advisories.len(), 1173);
    assert_eq!((gems, unexpressible, nothing_affected), (1232, 0, 2));
    assert_eq!(
        skipped(&read, "advisory for a language runtime, not a package"),
        147
    );

    let rack = package(advisory(&read, "CVE-2020-8161"), "rack");
    assert_eq!(rack.ecosystem.name, "RubyGems");
    assert_eq!(
        rack.ranges[0].events,
        [
            RangeEvent::Introduced("0".into()),
            RangeEvent::Fixed("2.1.3".into())
        ]
    );

    // rack CVE-2022-44570: patched "~> 2.0.9, >= 2.0.9.2", "~> 2.1.4, >= 2.1.4.2",
    // "~> 2.2.6, >= 2.2.6.2", ">= 3.0.4.1".
    let rack = package(advisory(&read, "CVE-2022-44570"), "rack");
    let expected: Vec<RangeEvent> = [
        ("introduced", "0"),
        ("fixed", "2.0.9.2"),
        ("introduced", "2.1"),
        ("fixed", "2.1.4.2"),
        ("introduced", "2.2"),
        ("fixed", "2.2.6.2"),
        ("introduced", "2.3"),
        ("fixed", "3.0.4.1"),
    ]
    .into_iter()
    .map(|(kind, version)| match kind {
        "introduced" => RangeEvent::Introduced(version.to_owned()),
        _ => RangeEvent::Fixed(version.to_owned()),
    })
    .collect();
    assert_eq!(rack.ranges[0].events, expected);

    // rack CVE-2018-16470: unaffected "<= 2.0.3", patched ">= 2.0.6"; 2.0.4 and 2.0.5 are
    // affected.
    let rack = package(advisory(&read, "CVE-2018-16470"), "rack");
    assert_eq!(
        rack.ranges[0].events,
        [
            RangeEvent::IntroducedAfter("2.0.3".into()),
            RangeEvent::Fixed("2.0.6".into())
        ]
    );

    // nokogiri CVE-2022-24836 (GHSA-crjr-9rc5-ghw8): patched ">= 1.13.4".
    let nokogiri = advisory(&read, "CVE-2022-24836");
    assert!(nokogiri
        .aliases
        .iter()
        .any(|alias| alias.starts_with("GHSA-")));
    assert_eq!(
        package(nokogiri, "nokogiri").ranges[0].events,
        [
            RangeEvent::Introduced("0".into()),
            RangeEvent::Fixed("1.13.4".into())
        ]
    );
}

#[test]
fn friendsofphp_archive() {
    let read = read_source(
        &shared_archive("friendsofphp-security-advisories.tar.zst"),
        SourceKind::FriendsOfPhp,
    )
    .expect("archive opens");
    assert!(read.problems.is_empty(), "{:?}", read.problems);

    // 1,592 files; several packages naming one CVE merge. The 7 branches starting just after a
    // version (`>3.2`), three of them the only branch of their file, were skipped before
    // `introduced after` existed.
    let packages: usize = read.advisories.iter().map(|a| a.affected.len()).sum();
    assert_eq!((read.advisories.len(), packages), (1200, 1592));
    assert_eq!(
        skipped(&read, "unreadable or inexpressible version range"),
        0
    );
    assert!(read
        .advisories
        .iter()
        .flat_map(|a| &a.affected)
        .all(|affected| affected.ecosystem.name == "Packagist" && !affected.ranges.is_empty()));

    let twig = advisory(&read, "CVE-2022-39261");
    let twig = package(twig, "twig/twig");
    assert!(
        twig.ranges.iter().any(|range| range.events
            == [
                RangeEvent::Introduced("3.0.0".into()),
                RangeEvent::Fixed("3.4.3".into())
            ]),
        "{:?}",
        twig.ranges
    );

    // drupal/core CVE-2019-6342, branch 8.7.x: >8.7.3, <8.7.5.
    let drupal = package(advisory(&read, "CVE-2019-6342"), "drupal/core");
    assert_eq!(
        drupal.ranges[0].events,
        [
            RangeEvent::IntroducedAfter("8.7.3".into()),
            RangeEvent::Fixed("8.7.5".into())
        ]
    );
}

#[test]
fn nodejs_security_wg_archive() {
    let read = read_source(
        &shared_archive("nodejs-security-wg-vuln.tar.zst"),
        SourceKind::NodejsSecurityWg,
    )
    .expect("archive opens");
    assert!(read.problems.is_empty(), "{:?}", read.problems);

    // 467 npm files beside `index.json`, every one read.
    assert_eq!(read.advisories.len(), 467);
    assert_eq!(
        skipped(&read, "unreadable or inexpressible version range"),
        0
    );
    // The 171 core records and 6 dependency assessments.
    assert_eq!(
        skipped(&read, "advisory for a language runtime, not a package"),
        177
    );

    let bassmaster = advisory(&read, "NSWG-ECO-1");
    assert_eq!(bassmaster.aliases, ["CVE-2014-7205"]);
    let affected = package(bassmaster, "bassmaster");
    assert_eq!(affected.ranges[0].kind, RangeKind::Semver);
    assert_eq!(
        affected.ranges[0].events,
        [
            RangeEvent::Introduced("0".into()),
            RangeEvent::LastAffected("1.5.1".into())
        ]
    );

    // mqtt-packet, denial of service: "<3.4.6 || > 4.0.0 <4.0.5"; the second alternative starts
    // just after 4.0.0, at 4.0.1-0 in SemVer order.
    let mqtt = advisory(&read, "NSWG-ECO-75");
    let ranges: Vec<&[RangeEvent]> = package(mqtt, "mqtt-packet")
        .ranges
        .iter()
        .map(|range| range.events.as_slice())
        .collect();
    assert_eq!(
        ranges,
        [
            &[
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("3.4.6".into())
            ][..],
            &[
                RangeEvent::Introduced("4.0.1-0".into()),
                RangeEvent::Fixed("4.0.5".into())
            ][..],
        ]
    );
}

#[test]
fn ubuntu_cve_tracker_archive_active() {
    let options = ReadOptions {
        under: Some("ubuntu-cve-tracker-2020/active".to_owned()),
        ..ReadOptions::new(SourceKind::UbuntuCveTracker)
    };
    let read = read_source_with(&shared_archive("ubuntu-cve-tracker-2020.tar.zst"), &options)
        .expect("archive opens");
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    // 6,509 CVE files in `active/` (the rest are boilerplate templates).
    assert_eq!(read.advisories.len(), 6509);
    assert_eq!(read.name, "ubuntu-cve-tracker");

    let wifi = advisory(&read, "CVE-2019-0136");
    let bionic = wifi
        .affected
        .iter()
        .find(|a| a.package == "linux" && a.ecosystem.release.as_deref() == Some("18.04"))
        .expect("bionic linux");
    assert_eq!(bionic.status, AffectedStatus::Fixed);
    assert_eq!(
        bionic.ranges[0].events,
        [
            RangeEvent::Introduced("0".into()),
            RangeEvent::Fixed("4.15.0-60.67".into())
        ]
    );
    assert_eq!(
        bionic.status_text.as_deref(),
        Some("released (4.15.0-60.67)")
    );
    assert_eq!(
        bionic.severity_source.as_deref(),
        Some("ubuntu priority: medium")
    );
    let eoan = wifi
        .affected
        .iter()
        .find(|a| a.package == "linux" && a.ecosystem.release.as_deref() == Some("19.10"))
        .expect("eoan linux");
    assert_eq!(eoan.status, AffectedStatus::NotAffected);
    assert_eq!(
        eoan.status_text.as_deref(),
        Some("not-affected (5.2.0-8.9)")
    );
    assert!(skipped(&read, "package does not exist in the release") > 0);
}

#[test]
fn victims_archive() {
    let read = read_source(
        &shared_archive("victims-cve-db.tar.zst"),
        SourceKind::Victims,
    )
    .expect("archive opens");
    assert_eq!(read.name, "victims");
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let packages: usize = read.advisories.iter().map(|a| a.affected.len()).sum();
    // 218 files; four items name vendor rebuild series (`2.9.1-jbossas-`), which are not
    // dotted numbers, and one file holds nothing else.
    assert_eq!((read.advisories.len(), packages), (217, 276));
    assert_eq!(
        skipped(&read, "unreadable or inexpressible version range"),
        4
    );

    // CVE-2014-3623: cxf-rt-security "<=2.7.12,2" and "<=3.0.1,3".
    let cxf = package(
        advisory(&read, "CVE-2014-3623"),
        "org.apache.cxf:cxf-rt-security",
    );
    assert_eq!(cxf.ecosystem.name, "Maven");
    assert_eq!(
        cxf.ranges[1].events,
        [
            RangeEvent::Introduced("3".into()),
            RangeEvent::LastAffected("3.0.1".into())
        ]
    );

    // CVE-2014-1829, python-requests: "<=2.2.1".
    let requests = package(advisory(&read, "CVE-2014-1829"), "requests");
    assert_eq!(requests.ecosystem.name, "PyPI");
    assert_eq!(
        requests.ranges[0].events,
        [
            RangeEvent::Introduced("0".into()),
            RangeEvent::LastAffected("2.2.1".into())
        ]
    );
}
