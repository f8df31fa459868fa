//! Turns an inventory package into the question the vulnerability database answers: which
//! ecosystem (and, for an operating system, which release), which name, which version.
//!
//! Each ecosystem's advisories name packages their own way, so the mapping is per ecosystem:
//!
//! | package from | asked as | name used | version used |
//! |---|---|---|---|
//! | dpkg on Debian | `Debian:<major>` | source package | source version |
//! | dpkg on Ubuntu | `Ubuntu:<version>` | source package | source version |
//! | apk on Alpine | `Alpine:v<major.minor>` | origin | version |
//! | rpm on AlmaLinux, Rocky, Red Hat | `AlmaLinux:<major>`, ... | name | `[epoch:]version-release` |
//! | Maven | `Maven` | `groupId:artifactId` | version |
//! | language packages | their OSV ecosystem | name | version |

use purser_plugin_api::{OperatingSystem, Package};

/// What to look up for one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The ecosystem as OSV spells it (`Debian`, `Alpine`, `PyPI`).
    pub ecosystem: String,
    /// The release, for operating-system ecosystems (`12`, `v3.19`).
    pub release: Option<String>,
    /// The name advisories use for the package.
    pub name: String,
    /// The version to compare.
    pub version: String,
}

/// Why a package cannot be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmatchable {
    /// An OS package on an image whose operating system was not recognised, or one whose family
    /// no advisory source covers (`deb` packages on an unknown derivative).
    UnknownDistribution {
        /// The package format (`deb`, `apk`, `rpm`).
        format: String,
        /// The family detected, if any.
        family: Option<String>,
    },
    /// A package whose identity is too incomplete to ask about (a Maven artifact without a
    /// group, an empty version).
    IncompleteIdentity(String),
    /// An ecosystem no advisory source covers (`java-runtime`).
    NoAdvisoryEcosystem(String),
}

impl Unmatchable {
    /// The ecosystem to name in a coverage gap.
    pub fn ecosystem_label(&self) -> String {
        match self {
            Unmatchable::UnknownDistribution { format, family } => match family {
                Some(family) => format!("{format} packages on {family}"),
                None => format!("{format} packages on an unrecognised operating system"),
            },
            Unmatchable::IncompleteIdentity(ecosystem) => ecosystem.clone(),
            Unmatchable::NoAdvisoryEcosystem(ecosystem) => ecosystem.clone(),
        }
    }
}

/// Ecosystems the scanners report that no advisory source covers by name and version.
const WITHOUT_ADVISORIES: &[&str] = &["java-runtime"];

/// The query for `package`, given the image's operating system.
///
/// # Errors
///
/// [`Unmatchable`] when the package cannot be looked up; the caller reports it as a coverage
/// gap rather than dropping it silently.
pub fn query_for(package: &Package, os: Option<&OperatingSystem>) -> Result<Query, Unmatchable> {
    if package.version.is_empty() {
        return Err(Unmatchable::IncompleteIdentity(package.ecosystem.clone()));
    }
    match package.ecosystem.as_str() {
        "deb" => debian_family_query(package, os),
        "apk" => alpine_query(package, os),
        "rpm" => rpm_query(package, os),
        "Maven" => maven_query(package),
        ecosystem if WITHOUT_ADVISORIES.contains(&ecosystem) => {
            Err(Unmatchable::NoAdvisoryEcosystem(ecosystem.to_owned()))
        }
        ecosystem => Ok(Query {
            ecosystem: ecosystem.to_owned(),
            release: None,
            name: package.name.clone(),
            version: package.version.clone(),
        }),
    }
}

fn debian_family_query(
    package: &Package,
    os: Option<&OperatingSystem>,
) -> Result<Query, Unmatchable> {
    let (ecosystem, release) = match os {
        Some(os) if os.family == "debian" => ("Debian", major_version(&os.version_id)),
        Some(os) if os.family == "ubuntu" => ("Ubuntu", os.version_id.clone()),
        other => return Err(unknown_distribution("deb", other)),
    };
    let name = metadata_or(package, "source_package", &package.name);
    let version = metadata_or(package, "source_version", &package.version);
    Ok(Query {
        ecosystem: ecosystem.to_owned(),
        release: Some(release),
        name,
        version,
    })
}

fn alpine_query(package: &Package, os: Option<&OperatingSystem>) -> Result<Query, Unmatchable> {
    let Some(os) = os.filter(|os| os.family == "alpine") else {
        return Err(unknown_distribution("apk", os));
    };
    Ok(Query {
        ecosystem: "Alpine".to_owned(),
        release: Some(format!("v{}", minor_version(&os.version_id))),
        name: metadata_or(package, "origin", &package.name),
        version: package.version.clone(),
    })
}

/// OSV's names for the rpm distributions it has data for, by os-release family.
const RPM_ECOSYSTEMS: &[(&str, &str)] = &[
    ("almalinux", "AlmaLinux"),
    ("rocky", "Rocky Linux"),
    ("redhat", "Red Hat"),
    ("mariner", "Mariner"),
    ("azurelinux", "Azure Linux"),
    ("opensuse.leap", "openSUSE"),
    ("sles", "SUSE"),
];

fn rpm_query(package: &Package, os: Option<&OperatingSystem>) -> Result<Query, Unmatchable> {
    let known = os.and_then(|os| {
        RPM_ECOSYSTEMS
            .iter()
            .find(|(family, _)| *family == os.family)
            .map(|(_, ecosystem)| (*ecosystem, major_version(&os.version_id)))
    });
    let Some((ecosystem, release)) = known else {
        return Err(unknown_distribution("rpm", os));
    };
    Ok(Query {
        ecosystem: ecosystem.to_owned(),
        release: Some(release),
        name: package.name.clone(),
        version: package.version.clone(),
    })
}

fn maven_query(package: &Package) -> Result<Query, Unmatchable> {
    let (Some(group), Some(artifact)) = (
        package.metadata.get("group_id"),
        package.metadata.get("artifact_id"),
    ) else {
        return Err(Unmatchable::IncompleteIdentity(
            "Maven archives without a groupId".to_owned(),
        ));
    };
    Ok(Query {
        ecosystem: "Maven".to_owned(),
        release: None,
        name: format!("{group}:{artifact}"),
        version: package.version.clone(),
    })
}

fn unknown_distribution(format: &str, os: Option<&OperatingSystem>) -> Unmatchable {
    Unmatchable::UnknownDistribution {
        format: format.to_owned(),
        family: os.map(|os| os.family.clone()),
    }
}

fn metadata_or(package: &Package, key: &str, fallback: &str) -> String {
    package
        .metadata
        .get(key)
        .filter(|value| !value.is_empty())
        .cloned()
        .unwrap_or_else(|| fallback.to_owned())
}

/// `12` from `12.11`.
fn major_version(version: &str) -> String {
    version.split('.').next().unwrap_or(version).to_owned()
}

/// `3.19` from `3.19.1`.
fn minor_version(version: &str) -> String {
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => format!("{major}.{minor}"),
        _ => version.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn package(ecosystem: &str, name: &str, version: &str, metadata: &[(&str, &str)]) -> Package {
        Package {
            ecosystem: ecosystem.to_owned(),
            name: name.to_owned(),
            version: version.to_owned(),
            metadata: metadata
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            ..Package::default()
        }
    }

    fn os(family: &str, version_id: &str) -> OperatingSystem {
        OperatingSystem {
            family: family.to_owned(),
            version_id: version_id.to_owned(),
            ..OperatingSystem::default()
        }
    }

    #[test]
    fn debian_packages_are_asked_by_source_package_and_major_release() {
        let bsdutils = package(
            "deb",
            "bsdutils",
            "1:2.38.1-5+deb12u3",
            &[
                ("source_package", "util-linux"),
                ("source_version", "2.38.1-5+deb12u3"),
            ],
        );
        let query = query_for(&bsdutils, Some(&os("debian", "12.11"))).expect("matchable");
        assert_eq!(query.ecosystem, "Debian");
        assert_eq!(query.release.as_deref(), Some("12"));
        assert_eq!(query.name, "util-linux");
        assert_eq!(query.version, "2.38.1-5+deb12u3");
    }

    #[test]
    fn binary_name_and_version_stand_in_for_a_missing_source() {
        let bash = package("deb", "bash", "5.2.15-2+b8", &[]);
        let query = query_for(&bash, Some(&os("debian", "12"))).expect("matchable");
        assert_eq!(
            (query.name.as_str(), query.version.as_str()),
            ("bash", "5.2.15-2+b8")
        );
    }

    #[test]
    fn alpine_packages_are_asked_by_origin_and_v_release() {
        let libssl = package("apk", "libssl3", "3.1.4-r5", &[("origin", "openssl")]);
        let query = query_for(&libssl, Some(&os("alpine", "3.19.1"))).expect("matchable");
        assert_eq!(query.ecosystem, "Alpine");
        assert_eq!(query.release.as_deref(), Some("v3.19"));
        assert_eq!(query.name, "openssl");
    }

    #[test]
    fn os_packages_without_a_known_distribution_are_gaps() {
        let bash = package("deb", "bash", "5.2", &[]);
        let gap = query_for(&bash, None).expect_err("no OS");
        assert_eq!(
            gap.ecosystem_label(),
            "deb packages on an unrecognised operating system"
        );
        let gap = query_for(&bash, Some(&os("raspbian", "12"))).expect_err("unknown family");
        assert_eq!(gap.ecosystem_label(), "deb packages on raspbian");
    }

    #[test]
    fn maven_needs_a_group() {
        let log4j = package(
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            &[
                ("group_id", "org.apache.logging.log4j"),
                ("artifact_id", "log4j-core"),
            ],
        );
        let query = query_for(&log4j, None).expect("matchable");
        assert_eq!(query.name, "org.apache.logging.log4j:log4j-core");
        let guessed = package("Maven", "mystery", "1.0", &[("artifact_id", "mystery")]);
        assert!(matches!(
            query_for(&guessed, None),
            Err(Unmatchable::IncompleteIdentity(_))
        ));
    }

    #[test]
    fn language_packages_keep_their_ecosystem_and_name() {
        let flask = package("PyPI", "Flask", "2.2.2", &[]);
        let query = query_for(&flask, Some(&os("debian", "12"))).expect("matchable");
        assert_eq!(query.ecosystem, "PyPI");
        assert_eq!(query.release, None);
        assert_eq!(query.name, "Flask");
    }

    #[test]
    fn runtimes_without_advisories_are_gaps() {
        let jre = package("java-runtime", "openjdk", "17.0.9", &[]);
        assert_eq!(
            query_for(&jre, None),
            Err(Unmatchable::NoAdvisoryEcosystem("java-runtime".to_owned()))
        );
    }
}
