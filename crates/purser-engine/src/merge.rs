//! Turns per-layer findings into the final picture, with overlay semantics.
//!
//! Analyzers see each layer on its own. Whether what they found is still in the image depends
//! on later layers: a package database rewritten by a later layer supersedes the earlier one, a
//! deleted file's secret is gone from the running container but not from the image's blobs. The
//! rules:
//! - packages, the operating system and observations count only when their source file is still
//!   present in the final filesystem; a package is attributed to the earliest layer whose copy of
//!   the same file listed the same package at the same version;
//! - secrets are always kept, marked `replaced` or `removed` (with the layer that did it) when
//!   their file is no longer the one in the final filesystem: the bytes are still in the image;
//! - a path inside an archive (`app.jar!/BOOT-INF/lib/x.jar`) is judged by its outer file;
//! - findings about a path the layer did not write (or about no path) are kept as they are;
//! - a language package whose file an operating-system package owns is folded into that package
//!   (see the `fold` module); the owned-file lists themselves stay out of the report.

use std::collections::HashMap;

use purser_image::overlay::{FilesystemView, PathStatus};
use purser_plugin_api::{Finding, OperatingSystem, Package};

use crate::layer_scan::AttributedFinding;
use crate::report::{FileState, Located, ScanReport};

use self::fold::{fold_owned_packages, OwnedList};

mod fold;

/// Findings of one layer (or of the image, with no layer) and the layer they came from.
pub struct LayerFindings {
    /// The layer; `None` for image-level findings.
    pub layer: Option<usize>,
    /// The findings.
    pub findings: Vec<AttributedFinding>,
}

/// Merges the findings into `report`, using `view` for overlay decisions and `analyzer_names` to
/// name analyzers.
pub fn merge_findings(
    report: &mut ScanReport,
    view: &FilesystemView,
    layers: Vec<LayerFindings>,
    analyzer_names: &[String],
) {
    let first_layers = first_layer_of_each_package(&layers);
    let mut systems = Vec::new();
    let mut owned_lists = Vec::new();

    for LayerFindings { layer, findings } in layers {
        for AttributedFinding { analyzer, finding } in findings {
            let analyzer = analyzer_names.get(analyzer).cloned().unwrap_or_default();
            let (file_state, changed_in_layer) = file_state(view, layer, finding.source_path());
            let origin = Origin {
                analyzer,
                layer,
                file_state,
                changed_in_layer,
            };
            let present = matches!(file_state, FileState::Present | FileState::NotAFile);
            match finding {
                Finding::Package(package) if present => {
                    let introduced = first_layers.get(&package_key(&package)).copied().or(layer);
                    report.packages.push(Located {
                        layer: introduced,
                        ..origin.locate(package)
                    });
                }
                Finding::OperatingSystem(os) if present => systems.push(origin.locate(os)),
                Finding::Observation(observation) if present => {
                    report.observations.push(origin.locate(observation));
                }
                Finding::Secret(secret) => report.secrets.push(origin.locate(secret)),
                Finding::Provenance(provenance) => {
                    report.provenance.push(origin.locate(provenance))
                }
                Finding::Diagnostic(diagnostic) => {
                    report.diagnostics.push(origin.locate(diagnostic))
                }
                // Image-level owned files name no layer whose list could be checked; none of
                // Purser's analyzers report them.
                Finding::OwnedFiles(owned) if present => {
                    if let Some(layer) = layer {
                        owned_lists.push(OwnedList { layer, owned });
                    }
                }
                Finding::Package(_)
                | Finding::OperatingSystem(_)
                | Finding::Observation(_)
                | Finding::OwnedFiles(_) => {}
            }
        }
    }

    report.operating_system = choose_operating_system(systems);
    add_distribution_to_purls(report);
    sort_report(report);
    fold_owned_packages(report, view, &owned_lists);
}

/// Package formats whose purls name the distribution release they were built for.
const DISTRIBUTION_PURL_TYPES: &[&str] = &["pkg:deb/", "pkg:apk/", "pkg:rpm/"];

/// Adds `distro=<id>-<version>` (`debian-12`, `alpine-3.19.1`) to the purls of OS packages, as
/// the purl specification's deb, apk and rpm types recommend: the same name and version can be
/// different builds on different releases. Packages keep their purls unchanged when the
/// operating system was not recognised.
fn add_distribution_to_purls(report: &mut ScanReport) {
    let Some(os) = &report.operating_system else {
        return;
    };
    if os.item.family.is_empty() || os.item.version_id.is_empty() {
        return;
    }
    let distro = format!("{}-{}", os.item.family, os.item.version_id);
    for package in &mut report.packages {
        if let Some(purl) = &mut package.item.purl {
            if DISTRIBUTION_PURL_TYPES
                .iter()
                .any(|prefix| purl.starts_with(prefix))
            {
                *purl = purser_plugin_api::purl::add_qualifier(purl, "distro", &distro);
            }
        }
    }
}

/// Where a finding came from, ready to wrap any finding type.
struct Origin {
    analyzer: String,
    layer: Option<usize>,
    file_state: FileState,
    changed_in_layer: Option<usize>,
}

impl Origin {
    fn locate<T>(self, item: T) -> Located<T> {
        Located {
            item,
            analyzer: self.analyzer,
            layer: self.layer,
            file_state: self.file_state,
            changed_in_layer: self.changed_in_layer,
        }
    }
}

/// The state of a finding's file, and the layer that changed it.
fn file_state(
    view: &FilesystemView,
    layer: Option<usize>,
    path: Option<&str>,
) -> (FileState, Option<usize>) {
    let (Some(layer), Some(path)) = (layer, path) else {
        return (FileState::NotAFile, None);
    };
    match view.status(outer_path(path), layer) {
        PathStatus::Present | PathStatus::NotWritten => (FileState::Present, None),
        PathStatus::ReplacedIn(later) => (FileState::Replaced, Some(later)),
        PathStatus::RemovedIn(later) => (FileState::Removed, Some(later)),
    }
}

/// The file in the image that holds `path` (the part before the first `!/`).
fn outer_path(path: &str) -> &str {
    path.split_once("!/").map_or(path, |(outer, _)| outer)
}

type PackageKey = (String, String, String, String);

fn package_key(package: &Package) -> PackageKey {
    (
        package.source_path.clone(),
        package.ecosystem.clone(),
        package.name.clone(),
        package.version.clone(),
    )
}

/// For each (file, package, version), the earliest layer that reported it.
fn first_layer_of_each_package(layers: &[LayerFindings]) -> HashMap<PackageKey, usize> {
    let mut first = HashMap::new();
    for LayerFindings { layer, findings } in layers {
        let Some(layer) = *layer else { continue };
        for attributed in findings {
            if let Finding::Package(package) = &attributed.finding {
                first
                    .entry(package_key(package))
                    .and_modify(|seen: &mut usize| *seen = (*seen).min(layer))
                    .or_insert(layer);
            }
        }
    }
    first
}

/// How much a file is trusted to name the operating system: lower is better.
fn os_source_rank(path: &str) -> u8 {
    match path {
        "etc/os-release" => 0,
        "usr/lib/os-release" => 1,
        "etc/lsb-release" => 3,
        // Distroless images name no release, only that dpkg is there.
        _ if path.starts_with("var/lib/dpkg/status.d/") => 4,
        _ => 2,
    }
}

/// The operating system from the most trusted surviving file; on a tie, the latest layer.
fn choose_operating_system(
    mut systems: Vec<Located<OperatingSystem>>,
) -> Option<Located<OperatingSystem>> {
    systems.sort_by(|a, b| {
        os_source_rank(&a.item.source_path)
            .cmp(&os_source_rank(&b.item.source_path))
            .then(b.layer.cmp(&a.layer))
    });
    systems.into_iter().next()
}

fn sort_report(report: &mut ScanReport) {
    report.packages.sort_by(|a, b| {
        (
            &a.item.ecosystem,
            &a.item.name,
            &a.item.version,
            &a.item.source_path,
            a.layer,
        )
            .cmp(&(
                &b.item.ecosystem,
                &b.item.name,
                &b.item.version,
                &b.item.source_path,
                b.layer,
            ))
    });
    report
        .packages
        .dedup_by(|a, b| a.item == b.item && a.layer == b.layer);
    report.secrets.sort_by(|a, b| {
        (
            &a.item.path,
            a.item.line,
            &a.item.rule_id,
            a.layer,
            &a.item.location,
        )
            .cmp(&(
                &b.item.path,
                b.item.line,
                &b.item.rule_id,
                b.layer,
                &b.item.location,
            ))
    });
    report.observations.sort_by(|a, b| {
        (&a.item.path, &a.item.rule_id, a.layer).cmp(&(&b.item.path, &b.item.rule_id, b.layer))
    });
    report.diagnostics.sort_by(|a, b| {
        (a.layer, &a.analyzer, &a.item.path, &a.item.message).cmp(&(
            b.layer,
            &b.analyzer,
            &b.item.path,
            &b.item.message,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_members_are_judged_by_their_outer_file() {
        assert_eq!(
            outer_path("app/app.jar!/BOOT-INF/lib/a.jar!/x"),
            "app/app.jar"
        );
        assert_eq!(outer_path("etc/os-release"), "etc/os-release");
    }

    #[test]
    fn os_release_beats_other_files() {
        let system = |path: &str, layer| Located {
            item: OperatingSystem {
                source_path: path.into(),
                ..OperatingSystem::default()
            },
            analyzer: "os".into(),
            layer: Some(layer),
            file_state: FileState::Present,
            changed_in_layer: None,
        };
        let chosen = choose_operating_system(vec![
            system("etc/debian_version", 2),
            system("usr/lib/os-release", 1),
            system("etc/os-release", 0),
        ])
        .expect("one");
        assert_eq!(chosen.item.source_path, "etc/os-release");
    }
}
