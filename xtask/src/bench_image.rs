//! `cargo xtask bench-image`: a realistic image of several hundred MB for the benchmarks.
//!
//! Real Debian packages are unpacked one by one, spread over [`LAYER_COUNT`] layers of similar
//! installed size, and each layer also carries the dpkg database as `apt-get install` would
//! leave it: a cumulative `var/lib/dpkg/status` and one `info/<package>.list` per package.
//! Given the same `.deb` files the output bytes are always the same.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use purser_fixtures::{
    write_docker_archive, write_oci_layout, BuiltImage, Compression, DockerArchiveOptions,
    EntryKind, HistoryEntry, ImageSpec, Layer, OciLayoutOptions, Platform,
};

use crate::debian_packages::{ensure_downloaded, note, DebianPackage};
use crate::dpkg_database::{dpkg_list, list_name, status_stanza};
use crate::merged_tree::MergedTree;

/// How many layers the packages are spread over.
const LAYER_COUNT: usize = 5;

/// Builds `bench.docker.tar`, `bench.oci` and `bench.oci-zstd` in `out`, with `.deb` files
/// cached under `cache/debs`.
pub fn build(out: &Path, cache: &Path) -> Result<()> {
    let started = Instant::now();
    let packages = ensure_downloaded(&cache.join("debs"))?;
    let groups = balance(&packages, LAYER_COUNT);

    let scratch = tempfile::tempdir_in(cache).context("failed to create an unpack directory")?;
    let mut image = ImageSpec::new("purser-fixtures/bench:1", Platform::linux_amd64());
    image.env = vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()];
    image.cmd = vec!["bash".into()];
    let mut status = String::new();
    for (index, group) in groups.iter().enumerate() {
        let layer = build_layer(group, scratch.path(), &mut status)?;
        let names: Vec<&str> = group.iter().map(|package| package.name.as_str()).collect();
        image.history.push(HistoryEntry::layer(format!(
            "RUN /bin/sh -c apt-get install -y --no-install-recommends {}",
            names.join(" ")
        )));
        note(&format!(
            "layer {index}: {} packages, {}",
            group.len(),
            describe(&layer_stats(&layer))
        ))?;
        image.layers.push(layer);
    }
    drop(scratch);

    let total = image
        .layers
        .iter()
        .map(layer_stats)
        .fold(Stats::default(), Stats::add);
    let outputs = write_outputs(&image, out)?;
    let mut stdout = io::stdout().lock();
    writeln!(
        stdout,
        "bench image: {} packages in {} layers, {}",
        packages.len(),
        image.layers.len(),
        describe(&total)
    )?;
    for built in &outputs {
        let size = disk_size(&built.path)?;
        let digest = built.manifests[0]
            .manifest_digest
            .as_deref()
            .unwrap_or(&built.manifests[0].config_digest);
        writeln!(
            stdout,
            "{}\t{}\t{digest}",
            built.path.display(),
            megabytes(size)
        )?;
    }
    writeln!(stdout, "built in {:.1} s", started.elapsed().as_secs_f64())?;
    Ok(())
}

/// Writes the three outputs.
fn write_outputs(image: &ImageSpec, out: &Path) -> Result<Vec<BuiltImage>> {
    let oci = |layer_compression| OciLayoutOptions {
        layer_compression,
        as_tar: false,
    };
    let mut built = Vec::new();
    let docker = out.join("bench.docker.tar");
    note(&format!("writing {}", docker.display()))?;
    built.push(write_docker_archive(
        image,
        &docker,
        DockerArchiveOptions::default(),
    )?);
    for (name, compression) in [
        ("bench.oci", Compression::Gzip),
        ("bench.oci-zstd", Compression::Zstd),
    ] {
        let path = out.join(name);
        note(&format!("writing {}", path.display()))?;
        built.push(write_oci_layout(
            std::slice::from_ref(image),
            &path,
            oci(compression),
        )?);
    }
    Ok(built)
}

/// Spreads packages over `count` groups of similar installed size: largest first, each into
/// the currently smallest group (lowest index on ties). Each group is then sorted by name.
fn balance(packages: &[DebianPackage], count: usize) -> Vec<Vec<DebianPackage>> {
    let mut by_size: Vec<&DebianPackage> = packages.iter().collect();
    by_size.sort_by(|left, right| {
        right
            .installed_size_kib
            .cmp(&left.installed_size_kib)
            .then_with(|| left.name.cmp(&right.name))
    });
    let mut groups: Vec<(u64, Vec<DebianPackage>)> = vec![(0, Vec::new()); count];
    for package in by_size {
        let smallest = (0..count)
            .min_by_key(|&index| (groups[index].0, index))
            .expect("count is at least one");
        groups[smallest].0 += package.installed_size_kib;
        groups[smallest].1.push(package.clone());
    }
    groups
        .into_iter()
        .map(|(_, mut group)| {
            group.sort_by(|left, right| left.name.cmp(&right.name));
            group
        })
        .collect()
}

/// Unpacks `group` and merges it into one layer with its dpkg database files. `status` holds
/// the stanzas of all packages of lower layers and gains this group's.
fn build_layer(group: &[DebianPackage], scratch: &Path, status: &mut String) -> Result<Layer> {
    let mut merged = MergedTree::default();
    for package in group {
        let dir = scratch.join(&package.name);
        package.unpack(&dir)?;
        let unpacked = Layer::from_directory(&dir)
            .with_context(|| format!("failed to read unpacked {}", package.name))?;
        fs::remove_dir_all(&dir).with_context(|| format!("failed to remove {}", dir.display()))?;

        merged.insert_file(
            &format!("var/lib/dpkg/info/{}.list", list_name(package)),
            dpkg_list(&unpacked),
        );
        merged.insert_all(unpacked);
        status.push_str(&status_stanza(package));
    }
    merged.insert_file("var/lib/dpkg/status", status.as_bytes().to_vec());
    Ok(merged.into_layer())
}

/// Sizes and counts of a layer.
#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    entries: usize,
    files: usize,
    bytes: u64,
}

impl Stats {
    fn add(self, other: Self) -> Self {
        Self {
            entries: self.entries + other.entries,
            files: self.files + other.files,
            bytes: self.bytes + other.bytes,
        }
    }
}

fn layer_stats(layer: &Layer) -> Stats {
    let mut stats = Stats {
        entries: layer.entries().len(),
        ..Stats::default()
    };
    for entry in layer.entries() {
        if let EntryKind::File { contents, .. } = &entry.kind {
            stats.files += 1;
            stats.bytes += contents.len() as u64;
        }
    }
    stats
}

fn describe(stats: &Stats) -> String {
    format!(
        "{} entries, {} regular files, {} of file data",
        stats.entries,
        stats.files,
        megabytes(stats.bytes)
    )
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The size of a file, or the total size of the files under a directory.
fn disk_size(path: &Path) -> Result<u64> {
    let metadata =
        fs::metadata(path).with_context(|| format!("failed to stat {}", path.display()))?;
    if !metadata.is_dir() {
        return Ok(metadata.len());
    }
    let mut total = 0;
    for child in fs::read_dir(path).with_context(|| format!("failed to list {}", path.display()))? {
        total += disk_size(
            &child
                .with_context(|| format!("failed to list {}", path.display()))?
                .path(),
        )?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn package(name: &str, size: u64) -> DebianPackage {
        DebianPackage {
            name: name.to_owned(),
            path: PathBuf::new(),
            control: format!("Package: {name}\nMulti-Arch: same\nArchitecture: amd64\n"),
            installed_size_kib: size,
        }
    }

    #[test]
    fn balance_evens_out_sizes_and_sorts_each_group() {
        let packages = [
            package("a", 50),
            package("b", 40),
            package("c", 30),
            package("d", 30),
            package("e", 20),
            package("f", 10),
        ];
        let groups = balance(&packages, 2);
        let names: Vec<Vec<&str>> = groups
            .iter()
            .map(|group| group.iter().map(|package| package.name.as_str()).collect())
            .collect();
        assert_eq!(names, [vec!["a", "d", "f"], vec!["b", "c", "e"]]);
    }
}
