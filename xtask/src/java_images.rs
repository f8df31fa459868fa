//! `cargo xtask java-images`: an OCI image of real Debian bookworm Java packages, for checking
//! the java analyzer (and comparing it with Syft) on jars as a distribution ships them.
//!
//! Layer 0 holds the Java runtime (`default-jre-headless` and `openjdk-17-jre-headless`),
//! layer 1 the libraries (`libjackson2-databind-java`, `liblog4j2-java`). The packages are
//! fetched with `apt-get download` into a cache directory and unpacked with `dpkg-deb -x`; no
//! dpkg database is written, so only the java analyzer (not dpkg) finds anything in the image.
//!
//! The CLI integration test `java_real.rs` includes this file with `#[path]` to build the same
//! image, so it uses nothing of the xtask crate beyond `purser_fixtures`, `anyhow` and
//! `tempfile`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use purser_fixtures::{
    write_oci_layout, BuiltImage, Compression, HistoryEntry, ImageSpec, Layer, OciLayoutOptions,
    Platform,
};

/// The runtime packages, unpacked together into layer 0.
pub const RUNTIME_PACKAGES: &[&str] = &["default-jre-headless", "openjdk-17-jre-headless"];

/// The library packages, unpacked together into layer 1.
pub const LIBRARY_PACKAGES: &[&str] = &["libjackson2-databind-java", "liblog4j2-java"];

/// The name of the image layout written into the output directory.
pub const IMAGE_NAME: &str = "java-debian.oci";

/// One downloaded `.deb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebianJavaPackage {
    /// The package name, such as `liblog4j2-java`.
    pub name: String,
    /// The full Debian version, such as `2:1.17-74` or `2.14.0-1+deb12u1`.
    pub version: String,
    /// The `.deb` file in the cache.
    pub path: PathBuf,
}

impl DebianJavaPackage {
    /// The upstream part of the version: without the epoch (`2:`) and the Debian revision
    /// (`-1+deb12u1`). For OpenJDK it still carries the build (`17.0.21.1+2`).
    pub fn upstream_version(&self) -> &str {
        let without_epoch = self
            .version
            .split_once(':')
            .map_or(self.version.as_str(), |(_, rest)| rest);
        without_epoch
            .rsplit_once('-')
            .map_or(without_epoch, |(upstream, _)| upstream)
    }
}

/// Builds the image into `out/`[`IMAGE_NAME`] with gzip layers, downloading the packages into
/// `cache` if needed, and prints the package versions, then the image path and its manifest digest.
///
/// # Errors
///
/// When a download, an unpack or the image write fails.
pub fn run(out: &Path, cache: &Path) -> Result<()> {
    let packages = ensure_downloaded(cache)?;
    let image = out.join(IMAGE_NAME);
    let built = build_image(&packages, &image, Compression::Gzip)?;

    let mut stdout = io::stdout().lock();
    for package in &packages {
        writeln!(
            stdout,
            "{}\t{}\tupstream {}",
            package.name,
            package.version,
            package.upstream_version()
        )?;
    }
    let manifest = &built.manifests[0];
    let digest = manifest
        .manifest_digest
        .as_deref()
        .unwrap_or(&manifest.config_digest);
    writeln!(stdout, "{}\t{digest}", built.path.display())?;
    Ok(())
}

/// Makes sure the `.deb` of every package in [`RUNTIME_PACKAGES`] and [`LIBRARY_PACKAGES`] is
/// in `cache`, downloading the missing ones with `apt-get download` (after an `apt-get update`
/// when the first attempt fails), and returns them in that order.
///
/// # Errors
///
/// When `apt-get` or `dpkg-deb` cannot be run or fails, or a package is still missing.
pub fn ensure_downloaded(cache: &Path) -> Result<Vec<DebianJavaPackage>> {
    fs::create_dir_all(cache).with_context(|| format!("failed to create {}", cache.display()))?;
    let wanted: Vec<&str> = RUNTIME_PACKAGES
        .iter()
        .chain(LIBRARY_PACKAGES)
        .copied()
        .collect();

    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|name| cached_deb(cache, name).ok().flatten().is_none())
        .collect();
    if !missing.is_empty() {
        note(&format!(
            "downloading {} into {}",
            missing.join(" "),
            cache.display()
        ));
        if apt_get_download(cache, &missing).is_err() {
            note("apt-get download failed: running apt-get update and trying once more");
            run_command(Command::new("apt-get").arg("update"))?;
            apt_get_download(cache, &missing)?;
        }
    }

    wanted
        .iter()
        .map(|name| {
            let path = cached_deb(cache, name)?.with_context(|| {
                format!(
                    "apt-get download left no .deb for {name} in {}",
                    cache.display()
                )
            })?;
            let version = control_field(&path, "Version")?;
            Ok(DebianJavaPackage {
                name: (*name).to_owned(),
                version,
                path,
            })
        })
        .collect()
}

/// Writes the two-layer image as an OCI layout at `image`, with `compression` for the layers.
/// `packages` are those [`ensure_downloaded`] returned.
///
/// # Errors
///
/// When a package cannot be unpacked or read back, or the layout cannot be written.
pub fn build_image(
    packages: &[DebianJavaPackage],
    image: &Path,
    compression: Compression,
) -> Result<BuiltImage> {
    let scratch = tempfile::tempdir().context("failed to create an unpack directory")?;
    let mut spec = ImageSpec::new("purser-fixtures/java-debian:12", Platform::linux_amd64());
    spec.env = vec!["JAVA_HOME=/usr/lib/jvm/default-java".into()];

    for (index, group) in [RUNTIME_PACKAGES, LIBRARY_PACKAGES].iter().enumerate() {
        let members: Vec<&DebianJavaPackage> = packages
            .iter()
            .filter(|package| group.contains(&package.name.as_str()))
            .collect();
        let directory = scratch.path().join(format!("layer-{index}"));
        spec.layers.push(unpack_layer(&members, &directory)?);
        spec.history.push(HistoryEntry::layer(format!(
            "RUN /bin/sh -c apt-get install -y --no-install-recommends {}",
            group.join(" ")
        )));
    }

    let options = OciLayoutOptions {
        layer_compression: compression,
        as_tar: false,
    };
    write_oci_layout(std::slice::from_ref(&spec), image, options)
        .with_context(|| format!("failed to write {}", image.display()))
}

/// Unpacks `members` into `directory` and reads it back as one layer.
fn unpack_layer(members: &[&DebianJavaPackage], directory: &Path) -> Result<Layer> {
    fs::create_dir_all(directory)
        .with_context(|| format!("failed to create {}", directory.display()))?;
    for package in members {
        run_command(
            Command::new("dpkg-deb")
                .arg("-x")
                .arg(&package.path)
                .arg(directory),
        )
        .with_context(|| format!("failed to unpack {}", package.path.display()))?;
    }
    Layer::from_directory(directory)
        .with_context(|| format!("failed to read unpacked {}", directory.display()))
}

/// Runs `apt-get download` for `names` inside `cache`.
fn apt_get_download(cache: &Path, names: &[&str]) -> Result<()> {
    run_command(
        Command::new("apt-get")
            .arg("download")
            .args(names)
            .current_dir(cache),
    )
}

/// The `.deb` of package `name` in `cache` (`<name>_<version>_<arch>.deb`). Of several, the
/// last in byte order wins, so that the choice is stable.
fn cached_deb(cache: &Path, name: &str) -> Result<Option<PathBuf>> {
    let prefix = format!("{name}_");
    let mut matches: Vec<PathBuf> = fs::read_dir(cache)
        .with_context(|| format!("failed to list {}", cache.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|file| file.to_str())
                .is_some_and(|file| file.starts_with(&prefix) && file.ends_with(".deb"))
        })
        .collect();
    matches.sort();
    Ok(matches.pop())
}

/// One control field of a `.deb`, read with `dpkg-deb -f`.
fn control_field(deb: &Path, field: &str) -> Result<String> {
    let output = Command::new("dpkg-deb")
        .arg("-f")
        .arg(deb)
        .arg(field)
        .output()
        .context("failed to run dpkg-deb (is this a Debian machine?)")?;
    if !output.status.success() {
        bail!(
            "dpkg-deb -f {} {field} failed: {}",
            deb.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let value = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if value.is_empty() {
        bail!("{} has no {field} control field", deb.display());
    }
    Ok(value)
}

/// Runs a command with its output on stderr, failing on a non-zero exit.
fn run_command(command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .with_context(|| format!("failed to start {program}"))?;
    if !output.status.success() {
        bail!(
            "{program} exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// A progress line on stderr; a closed stderr is ignored, as progress is optional.
fn note(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(version: &str) -> DebianJavaPackage {
        DebianJavaPackage {
            name: "x".to_owned(),
            version: version.to_owned(),
            path: PathBuf::new(),
        }
    }

    #[test]
    fn upstream_version_drops_epoch_and_debian_revision() {
        assert_eq!(package("2:1.17-74").upstream_version(), "1.17");
        assert_eq!(package("2.14.0-1+deb12u1").upstream_version(), "2.14.0");
        assert_eq!(
            package("17.0.21.1+2-1~deb12u1").upstream_version(),
            "17.0.21.1+2"
        );
        assert_eq!(package("1.0").upstream_version(), "1.0");
    }

    #[test]
    fn latest_cached_deb_of_a_package_is_chosen() {
        let dir = tempfile::tempdir().expect("temp dir");
        for file in [
            "liblog4j2-java_2.19.0-2_all.deb",
            "liblog4j2-java_2.19.0-3_all.deb",
            "liblog4j2-java-doc_2.19.0-2_all.deb",
        ] {
            fs::write(dir.path().join(file), "").expect("write");
        }
        let found = cached_deb(dir.path(), "liblog4j2-java").expect("listed");
        assert_eq!(
            found.as_deref().and_then(Path::file_name),
            Some("liblog4j2-java_2.19.0-3_all.deb".as_ref())
        );
        assert_eq!(cached_deb(dir.path(), "absent").expect("listed"), None);
    }
}
