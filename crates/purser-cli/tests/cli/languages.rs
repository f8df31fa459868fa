//! `purser scan --list-packages` on real npm, Python, Go and Rust packages: the image that
//! `cargo xtask language-images` builds from registry downloads (cached under the workspace's
//! `target/language-images`, so only the first run downloads anything).
//!
//! When a download fails, the tests print why and pass, unless `CI` is set: there the image
//! must build.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{code, describe, inventory_json, plugin_dir};

const NPM: &str = "purser-analyzer-npm";
const PYTHON: &str = "purser-analyzer-python";
const GO: &str = "purser-analyzer-go";
const RUST: &str = "purser-analyzer-rust";

/// The workspace root, two levels above this crate.
fn workspace() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .unwrap_or(manifest_dir)
        .to_path_buf()
}

/// The output directory of `cargo xtask language-images`, built once per test run; `None` when
/// a download failed outside CI.
fn language_images() -> Option<&'static Path> {
    static BUILT: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(build_language_images).as_deref()
}

fn build_language_images() -> Option<PathBuf> {
    let out = workspace().join("target/language-images");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace())
        // The target directory is the one this test was built in: cargo holds its lock only
        // while compiling, so the nested build neither waits nor rebuilds the tests.
        .args(["run", "--quiet", "--package", "xtask", "--"])
        .args(["language-images", "--out"])
        .arg(&out)
        .output()
        .expect("cargo runs");
    if output.status.success() {
        return Some(out);
    }

    let stderr = String::from_utf8_lossy(&output.stderr);
    let download_failed = stderr.contains("failed to download");
    assert!(
        download_failed && std::env::var_os("CI").is_none(),
        "cargo xtask language-images failed: {}",
        describe(&output)
    );
    eprintln!("skipping the language image tests, a download failed: {stderr}");
    None
}

/// The packages of `ecosystem` in the inventory of the language image, scanned with `plugin`.
fn scan(plugin: &str, ecosystem: &str) -> Option<Vec<serde_json::Value>> {
    let out = language_images()?;
    let plugins = plugin_dir(&[plugin]);
    let (report, output) = inventory_json(&out.join("languages.docker.tar"), plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert_eq!(report["partial"], false, "{}", describe(&output));
    let packages = report["packages"].as_array().expect("packages");
    assert!(
        packages
            .iter()
            .all(|package| package["ecosystem"] == ecosystem),
        "{plugin} reports only {ecosystem} packages: {packages:#?}"
    );
    Some(packages.clone())
}

/// `(name, version, purl, source_path)` of each package, sorted.
fn rows(packages: &[serde_json::Value]) -> Vec<(String, String, String, String)> {
    let text = |value: &serde_json::Value| value.as_str().unwrap_or("-").to_owned();
    let mut rows: Vec<_> = packages
        .iter()
        .map(|package| {
            (
                text(&package["name"]),
                text(&package["version"]),
                text(&package["purl"]),
                text(&package["source_path"]),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The one package with `name` whose metadata `evidence` is `evidence`.
fn find<'a>(
    packages: &'a [serde_json::Value],
    name: &str,
    evidence: &str,
) -> &'a serde_json::Value {
    let found: Vec<_> = packages
        .iter()
        .filter(|package| package["name"] == name && package["metadata"]["evidence"] == evidence)
        .collect();
    assert_eq!(found.len(), 1, "{name} from {evidence}: {found:#?}");
    found[0]
}

fn owned(rows: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    rows.iter()
        .map(|(name, version, purl, path)| {
            (
                (*name).to_owned(),
                (*version).to_owned(),
                (*purl).to_owned(),
                (*path).to_owned(),
            )
        })
        .collect()
}

#[test]
fn npm_packages_installed_and_locked_agree_with_the_pins() {
    let Some(packages) = scan(NPM, "npm") else {
        return;
    };

    // The three pinned packages and packages express pins exactly, each from its installed
    // package.json and from the lock file; `ms` twice (the one `send` needs lies nested).
    for (name, version, folder) in [
        ("lodash", "4.17.15", "app/node_modules/lodash"),
        ("minimist", "1.2.0", "app/node_modules/minimist"),
        ("express", "4.17.1", "app/node_modules/express"),
        ("body-parser", "1.19.0", "app/node_modules/body-parser"),
        ("qs", "6.7.0", "app/node_modules/qs"),
        ("send", "0.17.1", "app/node_modules/send"),
        ("debug", "2.6.9", "app/node_modules/debug"),
        ("ms", "2.0.0", "app/node_modules/ms"),
        ("ms", "2.1.1", "app/node_modules/send/node_modules/ms"),
    ] {
        let purl = format!("pkg:npm/{name}@{version}");
        let installed = format!("{folder}/package.json");
        let matching: Vec<_> = packages
            .iter()
            .filter(|package| package["name"] == name && package["version"] == version)
            .collect();
        assert_eq!(matching.len(), 2, "{name}@{version}: {matching:#?}");
        for package in &matching {
            assert_eq!(package["purl"], purl.as_str(), "{package:#}");
            match package["metadata"]["evidence"].as_str() {
                Some("installed-package-json") => {
                    assert_eq!(package["source_path"], installed.as_str(), "{package:#}");
                }
                Some("package-lock") => {
                    assert_eq!(package["source_path"], "app/package-lock.json");
                    // Relative to the lock file's folder, as the lock writes it.
                    let install_path = folder.strip_prefix("app/").expect("under app/");
                    assert_eq!(package["metadata"]["install_path"], install_path);
                }
                other => panic!("unexpected evidence {other:?}: {package:#}"),
            }
        }
    }

    // Every installed package is in the lock at the same version, and the other way round.
    let by_evidence = |evidence: &str| -> BTreeSet<(String, String, String)> {
        packages
            .iter()
            .filter(|package| package["metadata"]["evidence"] == evidence)
            .map(|package| {
                (
                    package["name"].as_str().expect("name").to_owned(),
                    package["version"].as_str().expect("version").to_owned(),
                    package["purl"].as_str().expect("purl").to_owned(),
                )
            })
            .collect()
    };
    let installed = by_evidence("installed-package-json");
    let locked = by_evidence("package-lock");
    assert_eq!(installed, locked);
    assert!(
        installed.len() >= 50,
        "express 4.17.1 pulls in ~50: {installed:?}"
    );
    assert_eq!(packages.len(), 2 * installed.len(), "one finding per file");

    let lodash = find(&packages, "lodash", "installed-package-json");
    assert_eq!(lodash["licenses"], serde_json::json!(["MIT"]));
    assert_eq!(lodash["layer"], 0);
}

#[test]
fn python_wheels_are_listed_with_their_normalised_names() {
    let Some(packages) = scan(PYTHON, "PyPI") else {
        return;
    };
    let site = "usr/lib/python3/site-packages";
    assert_eq!(
        rows(&packages),
        owned(&[
            (
                "PyYAML",
                "5.4.1",
                "pkg:pypi/pyyaml@5.4.1",
                &format!("{site}/PyYAML-5.4.1.dist-info/METADATA"),
            ),
            (
                "requests",
                "2.25.0",
                "pkg:pypi/requests@2.25.0",
                &format!("{site}/requests-2.25.0.dist-info/METADATA"),
            ),
            (
                "urllib3",
                "1.26.4",
                "pkg:pypi/urllib3@1.26.4",
                &format!("{site}/urllib3-1.26.4.dist-info/METADATA"),
            ),
        ])
    );

    let pyyaml = find(&packages, "PyYAML", "dist-info");
    let metadata = &pyyaml["metadata"];
    assert_eq!(metadata["normalized_name"], "pyyaml");
    assert_eq!(metadata["install_root"], site);
    assert_eq!(
        metadata["distribution_path"],
        format!("{site}/PyYAML-5.4.1.dist-info").as_str()
    );
    assert_eq!(
        metadata["files"], "43",
        "lines of the wheel's RECORD: {metadata:#}"
    );
    assert_eq!(pyyaml["layer"], 1);
}

#[test]
fn go_executables_give_toolchain_main_module_and_dependencies() {
    let Some(packages) = scan(GO, "Go") else {
        return;
    };
    let registry = "usr/bin/docker-registry";
    let esbuild = "usr/local/bin/esbuild";
    assert_eq!(
        rows(&packages),
        owned(&[
            (
                "github.com/evanw/esbuild",
                "(devel)",
                "pkg:golang/github.com/evanw/esbuild",
                esbuild,
            ),
            (
                "golang.org/x/sys",
                "v0.0.0-20220715151400-c0bba94af5f8",
                "pkg:golang/golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8",
                esbuild,
            ),
            ("stdlib", "1.19.8", "pkg:golang/stdlib@1.19.8", registry),
            ("stdlib", "1.20.4", "pkg:golang/stdlib@1.20.4", esbuild),
        ])
    );

    // Debian builds in GOPATH mode: no module, so the command's import path and the build
    // settings go to the toolchain's package.
    let debian = packages
        .iter()
        .find(|package| package["source_path"] == registry)
        .expect("docker-registry's stdlib");
    assert_eq!(
        debian["metadata"]["main_package"],
        "github.com/docker/distribution/cmd/registry"
    );
    assert_eq!(debian["metadata"]["toolchain"], "go1.19.8");
    assert_eq!(debian["metadata"]["build.CGO_ENABLED"], "1");
    assert!(packages.iter().all(|package| package["layer"] == 2));

    let main = find(&packages, "github.com/evanw/esbuild", "go-buildinfo");
    let metadata = &main["metadata"];
    assert_eq!(metadata["main_module"], "true");
    assert_eq!(
        metadata["main_package"],
        "github.com/evanw/esbuild/cmd/esbuild"
    );
    assert_eq!(
        metadata["build.vcs.revision"],
        "d47ab43980c457db27d2671ab618cd5c40a618a7"
    );
    assert_eq!(metadata["build.CGO_ENABLED"], "0");
    let sys = find(&packages, "golang.org/x/sys", "go-buildinfo");
    assert_eq!(
        sys["metadata"]["sum"],
        "h1:0A+M6Uqn+Eje4kHMK80dtF3JCXC4ykBgQG4Fe06QRhQ="
    );
}

#[test]
fn rust_crates_are_listed_from_the_lock_and_the_auditable_executable() {
    let Some(packages) = scan(RUST, "crates.io") else {
        return;
    };
    let lock = "src/tiny/Cargo.lock";
    let mut expected = vec![
        ("itoa", "1.0.1", "pkg:cargo/itoa@1.0.1", lock),
        ("smallvec", "1.6.0", "pkg:cargo/smallvec@1.6.0", lock),
        ("tiny", "0.1.0", "-", lock),
    ];

    // The executable is there only when `cargo auditable` was installed when the image was
    // first built (the xtask says so when it is not).
    let executable = "usr/local/bin/tiny";
    let has_executable = language_images()
        .expect("scanned")
        .join("languages.rootfs")
        .join(executable)
        .exists();
    if has_executable {
        expected.extend([
            ("itoa", "1.0.1", "pkg:cargo/itoa@1.0.1", executable),
            ("smallvec", "1.6.0", "pkg:cargo/smallvec@1.6.0", executable),
            ("tiny", "0.1.0", "-", executable),
        ]);
        let root = find(&packages, "tiny", "cargo-auditable");
        assert_eq!(root["metadata"]["root"], "true");
        assert_eq!(root["metadata"]["source"], "local");
        let smallvec = find(&packages, "smallvec", "cargo-auditable");
        assert_eq!(smallvec["metadata"]["kind"], "runtime");
    } else {
        eprintln!("no cargo-auditable executable in the image: checking Cargo.lock only");
    }
    expected.sort_unstable();
    assert_eq!(rows(&packages), owned(&expected));
    assert!(packages.iter().all(|package| package["layer"] == 3));

    let itoa = find(&packages, "itoa", "Cargo.lock");
    assert_eq!(
        itoa["metadata"]["checksum"],
        "1aab8fc367588b89dcee83ab0fd66b72b50b72fa1904d7095045ace2b0c81c35"
    );
    assert_eq!(
        find(&packages, "tiny", "Cargo.lock")["metadata"]["source"],
        "path"
    );
}
