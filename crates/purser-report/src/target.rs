//! Targets: the sections every format groups findings into, as Trivy's `Results[]` do.
//!
//! One target per operating-system package set (per package manager), one per language file
//! (packages grouped by the file they were read from: a lock file, a jar, a binary), one per
//! file holding secrets, and one for the provenance checks. Targets come in that order, each
//! group sorted by name, so every format lists them the same way.

use std::collections::BTreeMap;

use purser_engine::report::Located;
use purser_engine::ScanReport;
use purser_match::Vulnerability;
use purser_plugin_api::{Package, ProvenanceFinding, Secret};

/// Package ecosystems that belong to the operating system rather than to an application.
const OS_ECOSYSTEMS: &[&str] = &["deb", "apk", "rpm"];

/// What kind of target a section is; serialised as Trivy's class names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetClass {
    /// Packages of the operating system's package manager (`os-pkgs`).
    OsPackages,
    /// Packages of one language manifest, lock file, archive or binary (`lang-pkgs`).
    LanguagePackages,
    /// Secrets of one file (`secret`).
    Secret,
    /// Provenance checks of the image (`provenance`).
    Provenance,
}

impl TargetClass {
    /// The class name as written in reports.
    pub fn name(self) -> &'static str {
        match self {
            TargetClass::OsPackages => "os-pkgs",
            TargetClass::LanguagePackages => "lang-pkgs",
            TargetClass::Secret => "secret",
            TargetClass::Provenance => "provenance",
        }
    }
}

/// One section of a report.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// What the section is about: the image and its distribution, a file path.
    pub name: String,
    /// Its class.
    pub class: TargetClass,
    /// The distribution family or the package ecosystem (`debian`, `npm`); empty for secrets
    /// and provenance.
    pub kind: String,
    /// Packages of this target, in the scan report's order.
    pub packages: Vec<&'a Located<Package>>,
    /// Vulnerabilities of those packages, in the vulnerability report's order.
    pub vulnerabilities: Vec<&'a Vulnerability>,
    /// Secrets of this file.
    pub secrets: Vec<&'a Located<Secret>>,
    /// Provenance checks.
    pub provenance: Vec<&'a Located<ProvenanceFinding>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum TargetKey {
    Os(String),
    Language(String),
    Secret(String),
    Provenance,
}

/// Whether an ecosystem is an operating-system package manager's (`deb`, `apk`, `rpm`).
pub fn is_os_ecosystem(ecosystem: &str) -> bool {
    OS_ECOSYSTEMS.contains(&ecosystem)
}

/// Groups a scan's packages, secrets and provenance checks, and the given vulnerabilities, into
/// targets.
pub fn build_targets<'a>(
    scan: &'a ScanReport,
    vulnerabilities: &'a [Vulnerability],
) -> Vec<Target<'a>> {
    let mut targets: BTreeMap<TargetKey, Target<'a>> = BTreeMap::new();

    for package in &scan.packages {
        let key = package_key(&package.item.ecosystem, &package.item.source_path);
        let target = entry(&mut targets, scan, key, &package.item.ecosystem);
        target.packages.push(package);
    }

    for vulnerability in vulnerabilities {
        let found_in = &vulnerability.package;
        let key = package_key(&found_in.ecosystem, &found_in.path);
        let target = entry(&mut targets, scan, key, &found_in.ecosystem);
        target.vulnerabilities.push(vulnerability);
    }

    for secret in &scan.secrets {
        let key = TargetKey::Secret(secret_target_name(&secret.item));
        entry(&mut targets, scan, key, "").secrets.push(secret);
    }

    for check in &scan.provenance {
        entry(&mut targets, scan, TargetKey::Provenance, "")
            .provenance
            .push(check);
    }

    targets.into_values().collect()
}

fn package_key(ecosystem: &str, path: &str) -> TargetKey {
    if is_os_ecosystem(ecosystem) {
        TargetKey::Os(ecosystem.to_owned())
    } else {
        TargetKey::Language(path.to_owned())
    }
}

/// The file a secret is in, or `image metadata` for secrets in the image's configuration.
fn secret_target_name(secret: &Secret) -> String {
    if secret.path.is_empty() {
        "image metadata".to_owned()
    } else {
        secret.path.clone()
    }
}

fn entry<'t, 'a>(
    targets: &'t mut BTreeMap<TargetKey, Target<'a>>,
    scan: &ScanReport,
    key: TargetKey,
    ecosystem: &str,
) -> &'t mut Target<'a> {
    targets.entry(key.clone()).or_insert_with(|| {
        let (name, class, kind) = describe(scan, &key, ecosystem);
        Target {
            name,
            class,
            kind,
            packages: Vec::new(),
            vulnerabilities: Vec::new(),
            secrets: Vec::new(),
            provenance: Vec::new(),
        }
    })
}

fn describe(scan: &ScanReport, key: &TargetKey, ecosystem: &str) -> (String, TargetClass, String) {
    match key {
        TargetKey::Os(ecosystem) => {
            let reference = &scan.image.reference;
            match &scan.operating_system {
                Some(os) => (
                    format!("{reference} ({} {})", os.item.family, os.item.version_id),
                    TargetClass::OsPackages,
                    os.item.family.clone(),
                ),
                None => (
                    format!("{reference} ({ecosystem} packages, unknown distribution)"),
                    TargetClass::OsPackages,
                    ecosystem.clone(),
                ),
            }
        }
        TargetKey::Language(path) => (
            path.clone(),
            TargetClass::LanguagePackages,
            ecosystem.to_owned(),
        ),
        TargetKey::Secret(name) => (name.clone(), TargetClass::Secret, String::new()),
        TargetKey::Provenance => (
            format!("{} (provenance)", scan.image.reference),
            TargetClass::Provenance,
            String::new(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{sample_scan, sample_vulnerabilities};

    #[test]
    fn groups_os_packages_language_files_secrets_and_provenance() {
        let scan = sample_scan();
        let vulnerabilities = sample_vulnerabilities();
        let targets = build_targets(&scan, &vulnerabilities.findings);

        let summary: Vec<(&str, &str, usize, usize)> = targets
            .iter()
            .map(|target| {
                (
                    target.class.name(),
                    target.name.as_str(),
                    target.packages.len(),
                    target.vulnerabilities.len(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("os-pkgs", "registry.example/shop:1.0 (debian 12)", 2, 2),
                ("lang-pkgs", "app/package-lock.json", 1, 1),
                ("lang-pkgs", "app/requirements.txt", 1, 0),
                ("secret", "app/.env", 0, 0),
                ("provenance", "registry.example/shop:1.0 (provenance)", 0, 0),
            ]
        );
        assert_eq!(targets[0].kind, "debian");
        assert_eq!(targets[1].kind, "npm");
        assert_eq!(targets[3].secrets.len(), 1);
    }
}
