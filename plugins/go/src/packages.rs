//! Turning module information into packages: ecosystem `Go`, purls `pkg:golang/<module>@<version>`
//! (<https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst#golang>).

use std::collections::BTreeMap;

use purser_plugin_api::{Finding, Package, PackageUrl};

use crate::module_info::{Module, ModuleInfo};

/// The ecosystem of every package this analyzer reports, in OSV's spelling.
pub const GO_ECOSYSTEM: &str = "Go";

/// The name under which the Go toolchain's standard library is reported.
pub const STDLIB: &str = "stdlib";

/// The version the `go` command records for a main module built from a source tree rather than
/// fetched at a version.
pub const DEVEL_VERSION: &str = "(devel)";

/// Build settings copied to the main module's metadata as `build.<key>`.
const REPORTED_SETTINGS: [&str; 9] = [
    "-ldflags",
    "-tags",
    "-buildmode",
    "CGO_ENABLED",
    "GOOS",
    "GOARCH",
    "vcs.revision",
    "vcs.time",
    "vcs.modified",
];

/// The Go release in a toolchain version string: `go1.21.5 X:boringcrypto` gives `1.21.5`,
/// `go1.22rc1` gives `1.22rc1`. Experiment suffixes (`X:…`) after a space are dropped; the full
/// string stays in the package's `toolchain` metadata.
pub fn stdlib_version(toolchain: &str) -> &str {
    let release = toolchain.split_whitespace().next().unwrap_or_default();
    release.strip_prefix("go").unwrap_or(release)
}

/// The purl of module `path` at `version` (no version part when `version` is empty or
/// [`DEVEL_VERSION`], which names no release). Path segments keep their case.
pub fn module_purl(path: &str, version: &str) -> String {
    let (namespace, name) = path.rsplit_once('/').unwrap_or(("", path));
    let mut purl = PackageUrl::new("golang", name);
    if !namespace.is_empty() {
        purl = purl.with_namespace(namespace);
    }
    if !version.is_empty() && version != DEVEL_VERSION {
        purl = purl.with_version(version);
    }
    purl.to_string()
}

/// Whether a replacement points at a directory on the build machine rather than a module
/// version (`../local`, `./x`, `/abs`, `.\win`); the binary records those with version
/// `(devel)`, `go.mod` with none.
fn is_local_path(module: &Module) -> bool {
    let path = module.path.as_str();
    ["./", "../", "/", ".\\", "..\\"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || path == "."
        || path == ".."
}

/// A package for `module`, read from `source_path` with evidence `evidence`.
///
/// A replacement by another module version is reported as that module (the code really built
/// in), with the original in `replaces`; a replacement by a local directory keeps the original
/// path and version (the only name vulnerability data can know it by), with the directory in
/// `replaced_by_path`.
pub fn module_package(module: &Module, source_path: &str, evidence: &str) -> Package {
    let mut metadata = BTreeMap::from([("evidence".to_owned(), evidence.to_owned())]);
    let effective = match module.replacement.as_deref() {
        Some(local) if is_local_path(local) => {
            metadata.insert("replaced_by_path".to_owned(), local.path.clone());
            module
        }
        Some(replacement) => {
            let original = if module.version.is_empty() {
                module.path.clone()
            } else {
                format!("{}@{}", module.path, module.version)
            };
            metadata.insert("replaces".to_owned(), original);
            replacement
        }
        None => module,
    };
    if let Some(sum) = &effective.sum {
        metadata.insert("sum".to_owned(), sum.clone());
    }
    Package {
        ecosystem: GO_ECOSYSTEM.to_owned(),
        name: effective.path.clone(),
        version: effective.version.clone(),
        purl: Some(module_purl(&effective.path, &effective.version)),
        source_path: source_path.to_owned(),
        metadata,
        ..Package::default()
    }
}

/// The findings for one executable's build information: the main module, every dependency and
/// the standard library.
pub fn binary_packages(go_version: &str, info: &ModuleInfo, source_path: &str) -> Vec<Finding> {
    let mut packages = Vec::with_capacity(info.dependencies.len() + 2);

    // Build settings go to the main module, or to the toolchain for executables built outside
    // a module (GOPATH mode), which have none.
    let mut settings = build_metadata(info);

    if let Some(main) = &info.main_module {
        let mut package = module_package(main, source_path, "go-buildinfo");
        package
            .metadata
            .insert("main_module".to_owned(), "true".to_owned());
        if main.version == DEVEL_VERSION {
            package
                .metadata
                .insert("devel_version".to_owned(), "true".to_owned());
        }
        package.metadata.append(&mut settings);
        packages.push(package);
    }

    packages.extend(
        info.dependencies
            .iter()
            .map(|module| module_package(module, source_path, "go-buildinfo")),
    );

    let version = stdlib_version(go_version);
    let mut stdlib_metadata = BTreeMap::from([
        ("evidence".to_owned(), "go-buildinfo".to_owned()),
        ("toolchain".to_owned(), go_version.to_owned()),
    ]);
    stdlib_metadata.append(&mut settings);
    packages.push(Package {
        ecosystem: GO_ECOSYSTEM.to_owned(),
        name: STDLIB.to_owned(),
        version: version.to_owned(),
        purl: Some(module_purl(STDLIB, version)),
        source_path: source_path.to_owned(),
        metadata: stdlib_metadata,
        ..Package::default()
    });

    for package in &mut packages {
        package
            .metadata
            .insert("go_version".to_owned(), go_version.to_owned());
    }
    packages.into_iter().map(Finding::Package).collect()
}

/// The `main_package` and `build.<key>` metadata of an executable.
fn build_metadata(info: &ModuleInfo) -> BTreeMap<String, String> {
    let mut metadata = BTreeMap::new();
    if let Some(main_package) = &info.main_package {
        metadata.insert("main_package".to_owned(), main_package.clone());
    }
    for key in REPORTED_SETTINGS {
        if let Some(value) = info.setting(key) {
            metadata.insert(format!("build.{key}"), value.to_owned());
        }
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdlib_versions_lose_the_prefix_and_experiments() {
        assert_eq!(stdlib_version("go1.21.5"), "1.21.5");
        assert_eq!(stdlib_version("go1.22.1 X:boringcrypto"), "1.22.1");
        assert_eq!(stdlib_version("go1.22rc1"), "1.22rc1");
    }

    #[test]
    fn purls_keep_case_and_split_the_path() {
        assert_eq!(
            module_purl("github.com/BurntSushi/toml", "v1.3.2"),
            "pkg:golang/github.com/BurntSushi/toml@v1.3.2"
        );
        assert_eq!(
            module_purl("github.com/x/y", "v2.0.0+incompatible"),
            "pkg:golang/github.com/x/y@v2.0.0%2Bincompatible"
        );
        assert_eq!(module_purl("stdlib", "1.21.5"), "pkg:golang/stdlib@1.21.5");
        assert_eq!(
            module_purl("example.com/app", DEVEL_VERSION),
            "pkg:golang/example.com/app"
        );
    }

    #[test]
    fn replacements_by_module_and_by_directory() {
        let replaced = Module {
            path: "golang.org/x/net".into(),
            version: "v0.1.0".into(),
            replacement: Some(Box::new(Module {
                path: "github.com/fork/net".into(),
                version: "v0.2.0".into(),
                sum: Some("h1:fork=".into()),
                replacement: None,
            })),
            ..Module::default()
        };
        let package = module_package(&replaced, "app", "go-buildinfo");
        assert_eq!(
            (package.name.as_str(), package.version.as_str()),
            ("github.com/fork/net", "v0.2.0")
        );
        assert_eq!(package.metadata["replaces"], "golang.org/x/net@v0.1.0");
        assert_eq!(package.metadata["sum"], "h1:fork=");

        let local = Module {
            replacement: Some(Box::new(Module {
                path: "./third_party/net".into(),
                version: DEVEL_VERSION.into(),
                ..Module::default()
            })),
            ..replaced
        };
        let package = module_package(&local, "app", "go-buildinfo");
        assert_eq!(
            (package.name.as_str(), package.version.as_str()),
            ("golang.org/x/net", "v0.1.0")
        );
        assert_eq!(package.metadata["replaced_by_path"], "./third_party/net");
    }
}
