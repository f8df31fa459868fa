//! `purser scan` with the dpkg, apk and rpm analyzers: exact package lists of the fixture images
//! the layer each package is attributed to.

use crate::support::{
    code, describe, fixture, inventory_json, plugin_dir, APK, DPKG, OS_RELEASE, RPM,
};

/// The installed packages of `fixtures/images/debian/layers/0/var/lib/dpkg/status`, whose
/// `debian-archive-keyring` stanza is `deinstall ok config-files` and so absent here.
const DEBIAN_PACKAGES: [(&str, &str); 18] = [
    ("base-files", "12.4+deb12u11"),
    ("bash", "5.2.15-2+b8"),
    ("bsdutils", "1:2.38.1-5+deb12u3"),
    ("ca-certificates", "20230311+deb12u1"),
    ("coreutils", "9.1-1"),
    ("gcc-12-base", "12.2.0-14+deb12u1"),
    ("libc6", "2.36-9+deb12u14"),
    ("libcrypt1", "1:4.4.33-2"),
    ("libgcc-s1", "12.2.0-14+deb12u1"),
    ("liblzma5", "5.4.1-1"),
    ("libssl3", "3.0.19-1~deb12u2"),
    ("libzstd1", "1.5.4+dfsg2-5"),
    ("login", "1:4.13+dfsg1-1+deb12u1"),
    ("openssl", "3.0.19-1~deb12u2"),
    ("passwd", "1:4.13+dfsg1-1+deb12u1"),
    ("perl-base", "5.36.0-7+deb12u2"),
    ("tzdata", "2025b-0+deb12u2"),
    ("zlib1g", "1:1.2.13.dfsg-1"),
];

/// Name, version and layer of every package in a report, sorted by name.
fn packages(report: &serde_json::Value) -> Vec<(String, String, Option<u64>)> {
    let mut packages: Vec<_> = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| {
            (
                package["name"].as_str().expect("name").to_owned(),
                package["version"].as_str().expect("version").to_owned(),
                package["layer"].as_u64(),
            )
        })
        .collect();
    packages.sort();
    packages
}

#[test]
fn debian_packages_are_listed_exactly_in_every_encoding() {
    let plugins = plugin_dir(&[DPKG]);
    for name in ["debian.oci", "debian.docker.tar", "debian.rootfs"] {
        let (report, output) = inventory_json(&fixture(name), plugins.path());
        assert_eq!(code(&output), 0, "{name}: {}", describe(&output));
        assert_eq!(report["partial"], false, "{name}");

        let found = packages(&report);
        let names_and_versions: Vec<(&str, &str)> = found
            .iter()
            .map(|(name, version, _)| (name.as_str(), version.as_str()))
            .collect();
        assert_eq!(names_and_versions, DEBIAN_PACKAGES, "{name}");
        assert!(
            found
                .iter()
                .all(|(package, ..)| package != "debian-archive-keyring"),
            "{name}: a package with only config files left is reported"
        );
        assert!(
            found.iter().all(|(.., layer)| *layer == Some(0)),
            "{name}: every package comes from layer 0: {found:?}"
        );
    }
}

#[test]
fn debian_packages_carry_their_purl_analyzer_and_file_count() {
    let plugins = plugin_dir(&[DPKG]);
    let (report, output) = inventory_json(&fixture("debian.oci"), plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let bsdutils = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|package| package["name"] == "bsdutils")
        .expect("bsdutils");
    assert_eq!(bsdutils["analyzer"], "dpkg");
    assert_eq!(bsdutils["ecosystem"], "deb");
    assert_eq!(
        bsdutils["purl"],
        "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64"
    );
    assert_eq!(bsdutils["source_path"], "var/lib/dpkg/status");
    assert_eq!(bsdutils["metadata"]["source_package"], "util-linux");
    assert_eq!(bsdutils["metadata"]["files"], "33");
}

#[test]
fn alpine_packages_are_attributed_to_the_layer_that_installed_them() {
    let plugins = plugin_dir(&[APK]);
    let (report, output) = inventory_json(&fixture("alpine.oci"), plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert_eq!(report["partial"], false);
    let expected = [
        ("bash", "5.2.21-r0", Some(1)),
        ("busybox-binsh", "1.36.1-r15", Some(0)),
        ("musl", "1.2.4_git20230717-r4", Some(0)),
        ("readline", "8.2.1-r2", Some(1)),
    ];
    let expected: Vec<(String, String, Option<u64>)> = expected
        .iter()
        .map(|(name, version, layer)| ((*name).to_owned(), (*version).to_owned(), *layer))
        .collect();
    assert_eq!(packages(&report), expected);

    let bash = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|package| package["name"] == "bash")
        .expect("bash");
    assert_eq!(bash["analyzer"], "apk");
    assert_eq!(bash["ecosystem"], "apk");
    assert_eq!(bash["purl"], "pkg:apk/alpine/bash@5.2.21-r0?arch=x86_64");
    assert_eq!(bash["source_path"], "lib/apk/db/installed");
}

#[test]
fn each_analyzer_stays_silent_on_the_other_distribution() {
    let plugins = plugin_dir(&[DPKG, APK]);
    let (debian, _) = inventory_json(&fixture("debian.oci"), plugins.path());
    assert_eq!(report_analyzers(&debian), ["dpkg"; DEBIAN_PACKAGES.len()]);
    let (alpine, _) = inventory_json(&fixture("alpine.oci"), plugins.path());
    assert_eq!(report_analyzers(&alpine), ["apk"; 4]);
}

/// The analyzer of each package of a report, in report order.
fn report_analyzers(report: &serde_json::Value) -> Vec<String> {
    report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| package["analyzer"].as_str().expect("analyzer").to_owned())
        .collect()
}

#[test]
fn rpm_packages_come_from_a_real_sqlite_rpmdb_with_distro_purls() {
    let plugins = plugin_dir(&[RPM, OS_RELEASE]);
    let (report, output) = inventory_json(&fixture("almalinux.oci"), plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert_eq!(report["operating_system"]["family"], "almalinux");

    // What `rpm --dbpath … -qa --qf '%{NAME} %{EVR}\n'` prints for this database (see
    // plugins/rpm/testdata/SOURCES.md): the epoch appears whenever the header declares one.
    let expected: Vec<(String, String, Option<u64>)> = [
        ("purser-empty", "0:0.1-7"),
        ("purser-hello", "2:1.0.4-3.fc40"),
        ("purser-suse", "15.6-150600.2.1"),
        ("purser-tools", "2.5-1.el9"),
    ]
    .iter()
    .map(|(name, version)| ((*name).to_owned(), (*version).to_owned(), Some(0)))
    .collect();
    assert_eq!(packages(&report), expected);

    let hello = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|package| package["name"] == "purser-hello")
        .expect("purser-hello");
    assert_eq!(hello["analyzer"], "rpm");
    let purl = hello["purl"].as_str().expect("purl");
    assert!(purl.starts_with("pkg:rpm/"), "{purl}");
    assert!(purl.contains("distro=almalinux-9.4"), "{purl}");
    assert!(purl.contains("epoch=2"), "{purl}");
}
