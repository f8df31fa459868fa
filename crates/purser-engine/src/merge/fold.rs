//! Folding language packages into the operating-system packages that ship their files.
//!
//! Debian's `python3-yaml` installs `usr/lib/python3/dist-packages/PyYAML-6.0.dist-info`, which
//! the python analyzer reports as PyPI `PyYAML`. Matched as PyPI, it would be flagged for flaws
//! Debian has patched; matched as the Debian package it is, it gets Debian's fixes. So a language
//! package whose file an OS package owns is moved from the report's packages to its `folded`
//! list, naming the owner.
//!
//! The rules:
//! - ownership comes from [`OwnedFiles`] findings whose list file is still in the final
//!   filesystem, for owners that are among the report's packages (so nothing is folded into a
//!   package the report does not show);
//! - a language package is any package of an ecosystem that reported no owned files;
//! - it is folded when its file (the outer file, for a path inside an archive), or the
//!   `.dist-info` / `.egg-info` directory holding it, is owned;
//! - on a merged-`/usr` image (`bin` a link to `usr/bin`, and so on), `usr/bin/x` is also looked
//!   up as `bin/x`, the path older packages still list;
//! - it is not folded when its file was written by a layer after the one that wrote the owner's
//!   list: then something other than the package manager replaced the file (a `COPY` over a
//!   Debian jar), and the language package is what is really there.
//!
//! Limitation: the last rule also keeps a package unfolded when a later layer merely changed the
//! file's owner or mode (`chown -R` over `/usr/lib/python3`); the user then sees the package
//! twice, once per ecosystem, as before folding existed.

use std::collections::{HashMap, HashSet};

use purser_image::overlay::{ChangeKind, FilesystemView};
use purser_plugin_api::{OwnedFiles, Package};

use super::outer_path;
use crate::report::{FoldedPackage, Located, PackageReference, ScanReport};

/// An [`OwnedFiles`] finding whose list file is in the final filesystem, with the layer that
/// wrote that list.
pub(super) struct OwnedList {
    /// The layer the finding came from.
    pub layer: usize,
    /// The finding.
    pub owned: OwnedFiles,
}

/// Top-level directories that a merged-`/usr` image turns into links to their `usr/` twin.
const MERGED_USR_DIRECTORIES: [&str; 6] = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

/// Directory name endings that mark a directory as one package's own metadata, so that owning the
/// directory means owning the package read from a file inside it.
const METADATA_DIRECTORY_SUFFIXES: [&str; 2] = [".dist-info", ".egg-info"];

/// Moves every language package whose file an OS package owns from `report.packages` to
/// `report.folded`. Keeps the order of both lists.
pub(super) fn fold_owned_packages(
    report: &mut ScanReport,
    view: &FilesystemView,
    lists: &[OwnedList],
) {
    if lists.is_empty() {
        return;
    }

    let owner_ecosystems: HashSet<&str> = lists
        .iter()
        .map(|list| list.owned.ecosystem.as_str())
        .collect();
    let owners = reported_owners(&report.packages, &owner_ecosystems);
    let index = OwnershipIndex::build(lists, &owners, view);

    let mut kept = Vec::with_capacity(report.packages.len());
    for package in std::mem::take(&mut report.packages) {
        let owned = (!owner_ecosystems.contains(package.item.ecosystem.as_str()))
            .then(|| index.owner_of(&package.item, view))
            .flatten();
        let Some((owned_path, list)) = owned else {
            kept.push(package);
            continue;
        };

        let key = (list.owned.ecosystem.clone(), list.owned.package.clone());
        let Some(owner) = owners.get(&key) else {
            kept.push(package);
            continue;
        };
        tracing::debug!(
            package = %package.item.name,
            ecosystem = %package.item.ecosystem,
            path = %package.item.source_path,
            owner = %owner.name,
            owner_ecosystem = %owner.ecosystem,
            list = %list.owned.source_path,
            "language package folded into the operating-system package that owns its file"
        );
        report.folded.push(FoldedPackage {
            package,
            owner: owner.clone(),
            owned_path,
            ownership_source: list.owned.source_path.clone(),
        });
    }
    report.packages = kept;

    tracing::debug!(
        folded = report.folded.len(),
        owned_lists = lists.len(),
        "folded language packages into operating-system packages"
    );
}

/// The packages of the ecosystems that report owned files, by (ecosystem, name). When a name has
/// several versions (one per architecture, say), the first in report order stands for them.
fn reported_owners(
    packages: &[Located<Package>],
    owner_ecosystems: &HashSet<&str>,
) -> HashMap<(String, String), PackageReference> {
    let mut owners = HashMap::new();
    for Located { item, .. } in packages {
        if !owner_ecosystems.contains(item.ecosystem.as_str()) {
            continue;
        }
        owners
            .entry((item.ecosystem.clone(), item.name.clone()))
            .or_insert_with(|| PackageReference {
                ecosystem: item.ecosystem.clone(),
                name: item.name.clone(),
                version: item.version.clone(),
                purl: item.purl.clone(),
            });
    }
    owners
}

/// Owned paths of the final filesystem, each with the list that owns it.
struct OwnershipIndex<'a> {
    owner_of_path: HashMap<&'a str, &'a OwnedList>,
    /// Which of [`MERGED_USR_DIRECTORIES`] are links to their `usr/` twin in this image.
    merged_directories: Vec<&'static str>,
}

impl<'a> OwnershipIndex<'a> {
    /// Indexes the lists of reported owners. A path two packages own (a shared directory) keeps
    /// the owner first in (ecosystem, name) order, so the result does not depend on layer order.
    fn build(
        lists: &'a [OwnedList],
        owners: &HashMap<(String, String), PackageReference>,
        view: &FilesystemView,
    ) -> Self {
        let mut owner_of_path: HashMap<&'a str, &'a OwnedList> = HashMap::new();
        for list in lists {
            let key = (list.owned.ecosystem.clone(), list.owned.package.clone());
            if !owners.contains_key(&key) {
                tracing::trace!(
                    package = %list.owned.package,
                    list = %list.owned.source_path,
                    "owned files ignored: their package is not in the report"
                );
                continue;
            }
            for path in &list.owned.paths {
                owner_of_path
                    .entry(path.as_str())
                    .and_modify(|kept| {
                        if owner_order(list) < owner_order(kept) {
                            *kept = list;
                        }
                    })
                    .or_insert(list);
            }
        }

        let merged_directories = MERGED_USR_DIRECTORIES
            .into_iter()
            .filter(|directory| {
                matches!(view.kind(directory), Some(ChangeKind::Symlink { .. }))
                    && view.resolve(directory).as_deref() == Some(&format!("usr/{directory}"))
            })
            .collect();
        OwnershipIndex {
            owner_of_path,
            merged_directories,
        }
    }

    /// The owned path that matches `package` and the list owning it, when the package's file was
    /// not rewritten after that list.
    fn owner_of(
        &self,
        package: &Package,
        view: &FilesystemView,
    ) -> Option<(String, &'a OwnedList)> {
        let file = outer_path(&package.source_path);
        if file.is_empty() {
            return None;
        }
        let (path, list) = candidate_paths(file)
            .into_iter()
            .flat_map(|candidate| self.spellings(candidate))
            .find_map(|candidate| {
                self.owner_of_path
                    .get(candidate.as_str())
                    .map(|list| (candidate, *list))
            })?;

        match view.owner(file) {
            Some(written) if written > list.layer => {
                tracing::debug!(
                    package = %package.name,
                    path = file,
                    written_in = written,
                    list = %list.owned.source_path,
                    list_layer = list.layer,
                    "not folded: a layer after the owner's file list rewrote the file"
                );
                None
            }
            _ => Some((path, list)),
        }
    }

    /// `path` as written, and as a package list of a merged-`/usr` image may spell it.
    fn spellings(&self, path: &str) -> Vec<String> {
        let mut spellings = vec![path.to_owned()];
        if let Some(rest) = path.strip_prefix("usr/") {
            let directory = rest.split('/').next().unwrap_or_default();
            if self.merged_directories.contains(&directory) {
                spellings.push(rest.to_owned());
            }
        }
        spellings
    }
}

/// The file itself, then the package metadata directory holding it, if it is in one.
fn candidate_paths(file: &str) -> Vec<&str> {
    let mut candidates = vec![file];
    if let Some((directory, _)) = file.rsplit_once('/') {
        let name = directory.rsplit('/').next().unwrap_or(directory);
        if METADATA_DIRECTORY_SUFFIXES
            .iter()
            .any(|suffix| name.ends_with(suffix))
        {
            candidates.push(directory);
        }
    }
    candidates
}

fn owner_order(list: &OwnedList) -> (&str, &str, &str) {
    (
        &list.owned.ecosystem,
        &list.owned.package,
        &list.owned.source_path,
    )
}

#[cfg(test)]
mod tests {
    use purser_image::overlay::PathChange;
    use purser_plugin_api::Finding;

    use super::*;
    use crate::layer_scan::AttributedFinding;
    use crate::merge::{merge_findings, LayerFindings};

    const STATUS: &str = "var/lib/dpkg/status";
    const YAML_LIST: &str = "var/lib/dpkg/info/python3-yaml.list";
    const DIST_INFO: &str = "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info";
    const METADATA: &str = "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA";

    fn package(ecosystem: &str, name: &str, version: &str, source_path: &str) -> Finding {
        Finding::Package(Package {
            ecosystem: ecosystem.into(),
            name: name.into(),
            version: version.into(),
            purl: Some(format!("pkg:{}/{name}@{version}", ecosystem.to_lowercase())),
            source_path: source_path.into(),
            ..Package::default()
        })
    }

    fn owned(package: &str, list: &str, paths: &[&str]) -> Finding {
        Finding::OwnedFiles(OwnedFiles {
            ecosystem: "deb".into(),
            package: package.into(),
            source_path: list.into(),
            paths: paths.iter().map(|path| (*path).to_owned()).collect(),
        })
    }

    fn files(paths: &[&str]) -> Vec<PathChange> {
        paths
            .iter()
            .map(|path| PathChange::new(path, ChangeKind::File))
            .collect()
    }

    /// Merges `layers` (each its changes and its findings, all from analyzer 0) as the engine
    /// does.
    fn merge(layers: Vec<(Vec<PathChange>, Vec<Finding>)>) -> ScanReport {
        let changes: Vec<Vec<PathChange>> =
            layers.iter().map(|(changes, _)| changes.clone()).collect();
        let view = FilesystemView::build(&changes);
        let findings = layers
            .into_iter()
            .enumerate()
            .map(|(layer, (_, findings))| LayerFindings {
                layer: Some(layer),
                findings: findings
                    .into_iter()
                    .map(|finding| AttributedFinding {
                        analyzer: 0,
                        finding,
                    })
                    .collect(),
            })
            .collect();
        let mut report = ScanReport::default();
        merge_findings(&mut report, &view, findings, &["test".to_owned()]);
        report
    }

    fn names(report: &ScanReport) -> Vec<(&str, &str)> {
        report
            .packages
            .iter()
            .map(|package| (package.item.ecosystem.as_str(), package.item.name.as_str()))
            .collect()
    }

    /// Debian's python3-yaml, its file list and the PyYAML its dist-info describes.
    fn debian_python3_yaml() -> (Vec<PathChange>, Vec<Finding>) {
        (
            files(&[STATUS, YAML_LIST, METADATA]),
            vec![
                package("deb", "python3-yaml", "6.0-3+b2", STATUS),
                owned(
                    "python3-yaml",
                    YAML_LIST,
                    &["usr/lib/python3/dist-packages", DIST_INFO, METADATA],
                ),
                package("PyPI", "PyYAML", "6.0", METADATA),
            ],
        )
    }

    #[test]
    fn a_debian_owned_distribution_is_folded_into_its_debian_package() {
        let report = merge(vec![debian_python3_yaml()]);

        assert_eq!(names(&report), [("deb", "python3-yaml")]);
        let [folded] = report.folded.as_slice() else {
            panic!("one fold expected: {:?}", report.folded)
        };
        assert_eq!(folded.package.item.name, "PyYAML");
        assert_eq!(folded.owner.name, "python3-yaml");
        assert_eq!(folded.owner.version, "6.0-3+b2");
        assert_eq!(folded.owned_path, METADATA);
        assert_eq!(folded.ownership_source, YAML_LIST);
    }

    #[test]
    fn owning_the_dist_info_directory_is_enough() {
        let (changes, mut findings) = debian_python3_yaml();
        findings[1] = owned("python3-yaml", YAML_LIST, &[DIST_INFO]);
        let report = merge(vec![(changes, findings)]);

        assert_eq!(names(&report), [("deb", "python3-yaml")]);
        assert_eq!(report.folded[0].owned_path, DIST_INFO);
    }

    #[test]
    fn owning_an_ordinary_parent_directory_is_not_enough() {
        let report = merge(vec![(
            files(&[STATUS, "var/lib/dpkg/info/coreutils.list", "usr/bin/app"]),
            vec![
                package("deb", "coreutils", "9.1-1", STATUS),
                owned(
                    "coreutils",
                    "var/lib/dpkg/info/coreutils.list",
                    &["usr/bin", "usr/bin/ls"],
                ),
                package("Go", "example.com/app", "v1.0.0", "usr/bin/app"),
            ],
        )]);

        assert_eq!(
            names(&report),
            [("Go", "example.com/app"), ("deb", "coreutils")]
        );
        assert!(report.folded.is_empty());
    }

    #[test]
    fn a_pip_installed_copy_elsewhere_stays() {
        let local = "usr/local/lib/python3.11/dist-packages/PyYAML-6.0.1.dist-info/METADATA";
        let report = merge(vec![
            debian_python3_yaml(),
            (
                files(&[local]),
                vec![package("PyPI", "PyYAML", "6.0.1", local)],
            ),
        ]);

        assert_eq!(
            names(&report),
            [("PyPI", "PyYAML"), ("deb", "python3-yaml")]
        );
        assert_eq!(report.packages[0].item.version, "6.0.1");
        assert_eq!(report.folded.len(), 1);
    }

    #[test]
    fn a_removed_owner_list_owns_nothing() {
        // A later layer purges python3-yaml (its list is deleted, the database rewritten) but
        // leaves the dist-info behind.
        let mut purge = files(&[STATUS]);
        purge.push(PathChange::new(YAML_LIST, ChangeKind::Whiteout));
        let report = merge(vec![debian_python3_yaml(), (purge, Vec::new())]);

        assert_eq!(names(&report), [("PyPI", "PyYAML")]);
        assert!(report.folded.is_empty());
    }

    #[test]
    fn an_owner_missing_from_the_report_folds_nothing() {
        let (changes, mut findings) = debian_python3_yaml();
        findings.remove(0);
        let report = merge(vec![(changes, findings)]);

        assert_eq!(names(&report), [("PyPI", "PyYAML")]);
        assert!(report.folded.is_empty());
    }

    #[test]
    fn a_file_rewritten_after_its_owner_list_is_not_folded() {
        let jar = "usr/share/java/jackson-core.jar";
        let list = "var/lib/dpkg/info/libjackson2-core-java.list";
        let report = merge(vec![
            (
                files(&[STATUS, list, jar]),
                vec![
                    package("deb", "libjackson2-core-java", "2.14.1-1", STATUS),
                    owned("libjackson2-core-java", list, &[jar]),
                    package("Maven", "jackson-core", "2.14.1", jar),
                ],
            ),
            (
                files(&[jar]),
                vec![package("Maven", "jackson-core", "2.15.0", jar)],
            ),
        ]);

        assert_eq!(
            names(&report),
            [("Maven", "jackson-core"), ("deb", "libjackson2-core-java")]
        );
        assert_eq!(report.packages[0].item.version, "2.15.0");
        assert!(report.folded.is_empty());
    }

    #[test]
    fn paths_inside_an_owned_archive_are_folded() {
        let jar = "usr/share/java/jackson-core.jar";
        let list = "var/lib/dpkg/info/libjackson2-core-java.list";
        let inner = format!("{jar}!/META-INF/maven/x/pom.properties");
        let report = merge(vec![(
            files(&[STATUS, list, jar]),
            vec![
                package("deb", "libjackson2-core-java", "2.14.1-1", STATUS),
                owned("libjackson2-core-java", list, &[jar]),
                package("Maven", "jackson-core", "2.14.1", &inner),
            ],
        )]);

        assert_eq!(names(&report), [("deb", "libjackson2-core-java")]);
        assert_eq!(report.folded[0].owned_path, jar);
    }

    #[test]
    fn merged_usr_paths_match_the_spelling_of_older_lists() {
        let list = "var/lib/dpkg/info/docker.io.list";
        let mut base = vec![PathChange::new(
            "bin",
            ChangeKind::Symlink {
                target: "usr/bin".into(),
            },
        )];
        base.extend(files(&[STATUS, list, "usr/bin/dockerd"]));
        let report = merge(vec![(
            base,
            vec![
                package("deb", "docker.io", "20.10.24", STATUS),
                owned("docker.io", list, &["bin/dockerd"]),
                package(
                    "Go",
                    "github.com/docker/docker",
                    "v20.10.24",
                    "usr/bin/dockerd",
                ),
            ],
        )]);

        assert_eq!(names(&report), [("deb", "docker.io")]);
        assert_eq!(report.folded[0].owned_path, "bin/dockerd");
    }

    #[test]
    fn reports_without_folds_serialise_as_before() {
        let report = merge(vec![(
            files(&["app/requirements.txt"]),
            vec![package("PyPI", "flask", "3.0.0", "app/requirements.txt")],
        )]);
        let json = serde_json::to_value(&report).expect("serialisable");
        assert!(json.get("folded").is_none(), "{json}");
        assert!(json.to_string().contains("flask"));

        let folded = merge(vec![debian_python3_yaml()]);
        let json = serde_json::to_value(&folded).expect("serialisable");
        assert_eq!(json["folded"][0]["owner"]["name"], "python3-yaml");
        assert_eq!(json["folded"][0]["name"], "PyYAML");
        let back: ScanReport = serde_json::from_value(json).expect("reads back");
        assert_eq!(back.folded, folded.folded);
    }

    #[test]
    fn metadata_directories_are_candidates_other_directories_are_not() {
        assert_eq!(
            candidate_paths("usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"),
            [
                "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
                "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info",
            ]
        );
        assert_eq!(candidate_paths("usr/bin/dockerd"), ["usr/bin/dockerd"]);
        assert_eq!(candidate_paths("app.jar"), ["app.jar"]);
    }
}
