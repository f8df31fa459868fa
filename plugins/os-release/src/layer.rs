//! What one layer has shown, and the findings it gives once all its files were seen.

use purser_plugin_api::{Diagnostic, DiagnosticLevel, Finding, OperatingSystem};

use crate::debian_version::{DebianVersion, DEBIAN_NAME};
use crate::sources::source_precedence;

const DEBIAN_VERSION_PATH: &str = "etc/debian_version";

/// The operating systems named by one layer's release files, kept until the layer ends so that
/// files of the same layer can refine each other.
#[derive(Debug, Default)]
pub struct LayerState {
    systems: Vec<OperatingSystem>,
    dpkg_status_entry: Option<String>,
}

impl LayerState {
    /// Keeps what a release file says. A second entry for the same path in one layer replaces
    /// the first, as it does when the layer is unpacked.
    pub(crate) fn record(&mut self, os: OperatingSystem) {
        self.systems
            .retain(|kept| kept.source_path != os.source_path);
        self.systems.push(os);
    }

    /// Notes an entry of the dpkg status directory; the smallest path is kept, so that the
    /// result does not depend on the order of the layer's entries.
    pub(crate) fn record_dpkg_status_entry(&mut self, path: &str) {
        let smaller = self
            .dpkg_status_entry
            .as_deref()
            .is_none_or(|kept| path < kept);
        if smaller {
            self.dpkg_status_entry = Some(path.to_owned());
        }
    }

    /// Emits one finding per release file, most trusted first, then the distroless hint.
    pub(crate) fn finish(self, findings: &mut Vec<Finding>) {
        let mut systems = self.systems;
        systems.sort_by_key(|os| source_precedence(&os.source_path));

        let derivative = debian_derivative(&systems);
        let debian_version = systems
            .iter()
            .find(|os| os.source_path == DEBIAN_VERSION_PATH)
            .map(debian_version_of);

        for mut os in systems {
            if os.source_path == DEBIAN_VERSION_PATH {
                if let Some((source, family)) = &derivative {
                    findings.push(Finding::Diagnostic(Diagnostic {
                        level: DiagnosticLevel::Info,
                        path: os.source_path,
                        message: format!(
                            "not reported as Debian: {source} in the same layer names {family}, \
                             which ships this file as a Debian derivative"
                        ),
                    }));
                    continue;
                }
            }
            if let (true, Some(DebianVersion::Release(point))) =
                (is_os_release(&os.source_path), &debian_version)
            {
                refine_with_point_release(&mut os, point);
            }
            findings.push(Finding::OperatingSystem(os));
        }

        if let (Some(entry), None) = (self.dpkg_status_entry, derivative) {
            findings.push(Finding::OperatingSystem(distroless_debian(
                &entry,
                debian_version.as_ref(),
            )));
        }
    }
}

fn is_os_release(path: &str) -> bool {
    path == "etc/os-release" || path == "usr/lib/os-release"
}

/// The os-release or lsb-release file of the layer that names a family other than Debian, if
/// any: Ubuntu and other derivatives ship `etc/debian_version` too (Ubuntu 24.04's says
/// `trixie/sid`), and it must not be read as Debian there.
fn debian_derivative(systems: &[OperatingSystem]) -> Option<(String, String)> {
    systems
        .iter()
        .filter(|os| is_os_release(&os.source_path) || os.source_path == "etc/lsb-release")
        .find(|os| os.family != "debian")
        .map(|os| (os.source_path.clone(), os.family.clone()))
}

/// Recovers what an `etc/debian_version` finding was read from.
fn debian_version_of(os: &OperatingSystem) -> DebianVersion {
    match &os.codename {
        Some(codename) if os.version_id.is_empty() => DebianVersion::Development {
            codename: codename.clone(),
        },
        _ => DebianVersion::Release(os.version_id.clone()),
    }
}

/// os-release gives Debian's major version (`VERSION_ID="12"`) or, in distroless images, none;
/// `etc/debian_version` gives the point release (`12.5`). The point release replaces the major
/// version when it extends it, or fills an empty one.
fn refine_with_point_release(os: &mut OperatingSystem, point: &str) {
    if os.family != "debian" {
        return;
    }
    let extends = point
        .strip_prefix(os.version_id.as_str())
        .is_some_and(|rest| rest.starts_with('.'));
    if os.version_id.is_empty() || extends {
        os.version_id = point.to_owned();
    }
}

/// The operating system of a distroless Debian image, attributed to one status entry.
fn distroless_debian(entry: &str, version: Option<&DebianVersion>) -> OperatingSystem {
    match version {
        Some(version) => version.operating_system(entry),
        None => OperatingSystem {
            family: "debian".into(),
            name: DEBIAN_NAME.into(),
            source_path: entry.to_owned(),
            ..OperatingSystem::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(path: &str, family: &str, version: &str) -> OperatingSystem {
        OperatingSystem {
            family: family.into(),
            name: "x".into(),
            version_id: version.into(),
            source_path: path.into(),
            ..OperatingSystem::default()
        }
    }

    fn finish(state: LayerState) -> Vec<Finding> {
        let mut findings = Vec::new();
        state.finish(&mut findings);
        findings
    }

    fn systems(findings: &[Finding]) -> Vec<(String, String)> {
        findings
            .iter()
            .filter_map(|finding| match finding {
                Finding::OperatingSystem(os) => {
                    Some((os.source_path.clone(), os.version_id.clone()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn findings_come_most_trusted_first() {
        let mut state = LayerState::default();
        state.record(os("etc/lsb-release", "ubuntu", "18.04"));
        state.record(os("etc/os-release", "ubuntu", "18.04"));
        let paths: Vec<String> = systems(&finish(state)).into_iter().map(|s| s.0).collect();
        assert_eq!(paths, ["etc/os-release", "etc/lsb-release"]);
    }

    #[test]
    fn a_repeated_path_keeps_the_later_reading() {
        let mut state = LayerState::default();
        state.record(os("etc/os-release", "debian", "11"));
        state.record(os("etc/os-release", "debian", "12"));
        assert_eq!(
            systems(&finish(state)),
            [("etc/os-release".to_owned(), "12".to_owned())]
        );
    }

    #[test]
    fn debian_version_refines_os_release_only_when_it_extends_it() {
        let mut point = os("usr/lib/os-release", "debian", "12");
        refine_with_point_release(&mut point, "12.5");
        assert_eq!(point.version_id, "12.5");

        let mut empty = os("etc/os-release", "debian", "");
        refine_with_point_release(&mut empty, "10.8");
        assert_eq!(empty.version_id, "10.8");

        let mut other = os("etc/os-release", "debian", "1");
        refine_with_point_release(&mut other, "12.5");
        assert_eq!(other.version_id, "1");

        let mut ubuntu = os("etc/os-release", "ubuntu", "");
        refine_with_point_release(&mut ubuntu, "12.5");
        assert_eq!(ubuntu.version_id, "");
    }

    #[test]
    fn a_derivatives_debian_version_is_not_debian() {
        let mut state = LayerState::default();
        state.record(os("etc/os-release", "ubuntu", "24.04"));
        state.record(
            DebianVersion::parse("trixie/sid")
                .expect("valid")
                .operating_system(DEBIAN_VERSION_PATH),
        );
        state.record_dpkg_status_entry("var/lib/dpkg/status.d/x");
        let findings = finish(state);
        assert_eq!(
            systems(&findings),
            [("etc/os-release".to_owned(), "24.04".to_owned())]
        );
        let Some(Finding::Diagnostic(note)) = findings.last() else {
            panic!("expected a note, got {findings:?}")
        };
        assert_eq!(note.level, DiagnosticLevel::Info);
        assert_eq!(note.path, DEBIAN_VERSION_PATH);
        assert!(note.message.contains("ubuntu"), "{}", note.message);
    }

    #[test]
    fn the_distroless_hint_takes_the_layers_debian_version() {
        let mut state = LayerState::default();
        state.record_dpkg_status_entry("var/lib/dpkg/status.d/tzdata");
        state.record_dpkg_status_entry("var/lib/dpkg/status.d/base-files");
        state.record_dpkg_status_entry("var/lib/dpkg/status.d/libc6");
        state.record(DebianVersion::Release("12.5".into()).operating_system(DEBIAN_VERSION_PATH));
        assert_eq!(
            systems(&finish(state)),
            [
                (DEBIAN_VERSION_PATH.to_owned(), "12.5".to_owned()),
                (
                    "var/lib/dpkg/status.d/base-files".to_owned(),
                    "12.5".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn the_distroless_hint_alone_is_debian_without_a_version() {
        let mut state = LayerState::default();
        state.record_dpkg_status_entry("var/lib/dpkg/status.d/libsqlite3-0");
        let findings = finish(state);
        let [Finding::OperatingSystem(hint)] = findings.as_slice() else {
            panic!("expected one finding, got {findings:?}")
        };
        assert_eq!(hint.family, "debian");
        assert_eq!(hint.version_id, "");
        assert_eq!(hint.source_path, "var/lib/dpkg/status.d/libsqlite3-0");
    }

    #[test]
    fn an_empty_layer_says_nothing() {
        assert!(finish(LayerState::default()).is_empty());
    }
}
