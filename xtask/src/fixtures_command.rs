//! `cargo xtask fixtures`: build the fixture images, or check that building is deterministic.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use purser_fixtures::{build_all, BuiltImage};

use crate::tree_compare::compare_trees;

/// Builds every fixture into `out` and prints one line per image: path, kind, digest, platform.
pub fn build(out: &Path) -> Result<()> {
    let built = build_all(out)
        .with_context(|| format!("failed to build fixtures into {}", out.display()))?;
    let mut stdout = io::stdout().lock();
    for image in &built {
        print_image(&mut stdout, image)?;
    }
    Ok(())
}

/// Builds everything twice into fresh temporary directories and fails on any difference.
pub fn check() -> Result<()> {
    let first = tempfile::tempdir().context("failed to create a temporary directory")?;
    let second = tempfile::tempdir().context("failed to create a temporary directory")?;
    let first_built = build_all(first.path()).context("first build failed")?;
    let second_built = build_all(second.path()).context("second build failed")?;

    let report = compare_trees(first.path(), second.path())?;
    let mut problems = report.differences;
    for (one, other) in first_built.iter().zip(&second_built) {
        if one.manifests != other.manifests || one.index_digest != other.index_digest {
            problems.push(format!("{}: reported digests differ", one.file_name()));
        }
    }
    if !problems.is_empty() {
        bail!(
            "fixture builds are not deterministic:\n  {}",
            problems.join("\n  ")
        );
    }
    writeln!(
        io::stdout().lock(),
        "fixtures are deterministic: {} outputs, {} files and directories identical in two builds",
        first_built.len(),
        report.compared
    )?;
    Ok(())
}

/// Writes the lines for one output.
fn print_image(out: &mut impl Write, image: &BuiltImage) -> io::Result<()> {
    let path = image.path.display();
    if image.manifests.is_empty() {
        return writeln!(out, "{path}\tdirectory");
    }
    if let Some(index) = &image.index_digest {
        writeln!(out, "{path}\tindex\t{index}")?;
    }
    for manifest in &image.manifests {
        match &manifest.manifest_digest {
            Some(digest) => writeln!(out, "{path}\tmanifest\t{digest}\t{}", manifest.platform)?,
            None => writeln!(
                out,
                "{path}\tconfig\t{}\t{}",
                manifest.config_digest, manifest.platform
            )?,
        }
    }
    Ok(())
}
