//! The Debian packages of the benchmark image: which ones, downloading them once, reading them.
//!
//! Everything goes through the ordinary Debian tools of this machine: `apt-get download` into
//! a cache directory, `dpkg-deb -f` for control fields and `dpkg-deb -x` to unpack.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The packages unpacked into the benchmark image: a Debian 12 base system plus Perl, Python,
/// Git, Ruby, C headers and a few Python libraries with many small files (about 480 MB
/// installed, tens of thousands of files). Dependencies are not resolved: the list is closed
/// enough for scanning, which is all the image is for.
pub const BENCH_PACKAGES: &[&str] = &[
    // Base system.
    "apt",
    "base-files",
    "base-passwd",
    "bash",
    "ca-certificates",
    "coreutils",
    "dash",
    "debianutils",
    "diffutils",
    "dpkg",
    "findutils",
    "grep",
    "gzip",
    "hostname",
    "init-system-helpers",
    "libacl1",
    "libattr1",
    "libaudit1",
    "libblkid1",
    "libbz2-1.0",
    "libc-bin",
    "libc6",
    "libcap-ng0",
    "libcap2",
    "libcom-err2",
    "libcrypt1",
    "libdb5.3",
    "libexpat1",
    "libffi8",
    "libgcc-s1",
    "libgcrypt20",
    "libgmp10",
    "libgnutls30",
    "libgpg-error0",
    "libgssapi-krb5-2",
    "libhogweed6",
    "libidn2-0",
    "libk5crypto3",
    "libkeyutils1",
    "libkrb5-3",
    "libkrb5support0",
    "liblz4-1",
    "liblzma5",
    "libmd0",
    "libmount1",
    "libncursesw6",
    "libnettle8",
    "libnsl2",
    "libp11-kit0",
    "libpam0g",
    "libpcre2-8-0",
    "libreadline8",
    "libselinux1",
    "libsmartcols1",
    "libsqlite3-0",
    "libssl3",
    "libstdc++6",
    "libsystemd0",
    "libtasn1-6",
    "libtinfo6",
    "libtirpc3",
    "libudev1",
    "libunistring2",
    "libuuid1",
    "libxxhash0",
    "libzstd1",
    "login",
    "mawk",
    "ncurses-base",
    "ncurses-bin",
    "openssl",
    "passwd",
    "perl-base",
    "readline-common",
    "sed",
    "sensible-utils",
    "tar",
    "tzdata",
    "util-linux",
    "zlib1g",
    // Perl.
    "libgdbm-compat4",
    "libgdbm6",
    "libperl5.36",
    "perl",
    "perl-modules-5.36",
    // Python.
    "libpython3.11-minimal",
    "libpython3.11-stdlib",
    "media-types",
    "python3-pip-whl",
    "python3-setuptools-whl",
    "python3.11",
    "python3.11-minimal",
    // Git and its libraries.
    "git",
    "git-man",
    "libbrotli1",
    "libcurl3-gnutls",
    "liberror-perl",
    "libldap-2.5-0",
    "libnghttp2-14",
    "libpsl5",
    "librtmp1",
    "libsasl2-2",
    "libsasl2-modules-db",
    "libssh2-1",
    // C and C++ development headers.
    "libc6-dev",
    "libcrypt-dev",
    "libgcc-12-dev",
    "libnsl-dev",
    "libssl-dev",
    "libstdc++-12-dev",
    "libtirpc-dev",
    "linux-libc-dev",
    "rpcsvc-proto",
    // Locales and applications with many small files.
    "libruby3.1",
    "libyaml-0-2",
    "locales",
    "python3-botocore",
    "python3-django",
    "python3-numpy",
    "ruby3.1",
    "rubygems-integration",
];

/// One downloaded package.
#[derive(Debug, Clone)]
pub struct DebianPackage {
    /// The package name.
    pub name: String,
    /// The `.deb` file in the cache.
    pub path: PathBuf,
    /// The control fields as `dpkg-deb -f` prints them (`Field: value` lines).
    pub control: String,
    /// `Installed-Size` in KiB, used to balance layers.
    pub installed_size_kib: u64,
}

impl DebianPackage {
    /// The value of a control field, if present (first line only).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.control.lines().find_map(|line| {
            line.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(str::trim)
        })
    }

    /// Unpacks the package's files into `dir` with `dpkg-deb -x`.
    pub fn unpack(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
        run(Command::new("dpkg-deb").arg("-x").arg(&self.path).arg(dir))
            .with_context(|| format!("failed to unpack {}", self.path.display()))
    }
}

/// Makes sure every package of [`BENCH_PACKAGES`] is in `cache`, downloading the missing ones,
/// and reads their control fields. Returns them sorted by name.
pub fn ensure_downloaded(cache: &Path) -> Result<Vec<DebianPackage>> {
    fs::create_dir_all(cache).with_context(|| format!("failed to create {}", cache.display()))?;
    let cached = cached_debs(cache)?;
    let missing: Vec<&str> = BENCH_PACKAGES
        .iter()
        .copied()
        .filter(|name| !cached.contains_key(*name))
        .collect();

    if missing.is_empty() {
        note(&format!(
            "package cache {} is complete, nothing to download",
            cache.display()
        ))?;
    } else {
        download(cache, &missing, cached.is_empty())?;
    }

    let cached = cached_debs(cache)?;
    BENCH_PACKAGES
        .iter()
        .map(|name| {
            let path = cached
                .get(*name)
                .with_context(|| format!("apt-get download did not produce a .deb for {name}"))?;
            read_package(name, path)
        })
        .collect::<Result<Vec<_>>>()
        .map(|mut packages| {
            packages.sort_by(|left, right| left.name.cmp(&right.name));
            packages
        })
}

/// Downloads `missing` into `cache`, running `apt-get update` first when the cache was empty
/// (a fresh machine has no package lists) or when a first attempt fails.
fn download(cache: &Path, missing: &[&str], cache_was_empty: bool) -> Result<()> {
    if cache_was_empty {
        note("package cache is empty: running apt-get update once before downloading")?;
        apt_get_update()?;
    }
    note(&format!(
        "downloading {} Debian packages into {}",
        missing.len(),
        cache.display()
    ))?;
    let attempt = run(Command::new("apt-get")
        .arg("download")
        .args(missing)
        .current_dir(cache));
    if attempt.is_ok() || cache_was_empty {
        return attempt;
    }
    note("apt-get download failed: running apt-get update and trying once more")?;
    apt_get_update()?;
    run(Command::new("apt-get")
        .arg("download")
        .args(missing)
        .current_dir(cache))
}

/// Runs `apt-get update`.
fn apt_get_update() -> Result<()> {
    run(Command::new("apt-get").arg("update")).context("apt-get update failed")
}

/// The `.deb` files in `cache` by package name. If one package has several files (after an
/// update), the last in byte order wins so that the choice is stable.
fn cached_debs(cache: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut debs = BTreeMap::new();
    let mut names: Vec<PathBuf> = fs::read_dir(cache)
        .with_context(|| format!("failed to list {}", cache.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "deb"))
        .collect();
    names.sort();
    for path in names {
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        if let Some((package, _)) = file_name.as_deref().and_then(|name| name.split_once('_')) {
            debs.insert(package.to_owned(), path);
        }
    }
    Ok(debs)
}

/// Reads the control fields of one `.deb`.
fn read_package(name: &str, path: &Path) -> Result<DebianPackage> {
    let output = Command::new("dpkg-deb")
        .arg("-f")
        .arg(path)
        .output()
        .context("failed to run dpkg-deb (is this a Debian machine?)")?;
    if !output.status.success() {
        bail!(
            "dpkg-deb -f {} failed: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let control = String::from_utf8(output.stdout)
        .with_context(|| format!("control fields of {} are not UTF-8", path.display()))?;
    let mut package = DebianPackage {
        name: name.to_owned(),
        path: path.to_path_buf(),
        control,
        installed_size_kib: 0,
    };
    package.installed_size_kib = package
        .field("Installed-Size")
        .and_then(|size| size.parse().ok())
        .with_context(|| format!("{} has no numeric Installed-Size", path.display()))?;
    Ok(package)
}

/// Runs a command with inherited output and fails on a non-zero exit.
fn run(command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command
        .status()
        .with_context(|| format!("failed to start {program}"))?;
    if !status.success() {
        bail!("{program} exited with {status}");
    }
    Ok(())
}

/// A progress line on stderr.
pub fn note(message: &str) -> Result<()> {
    writeln!(io::stderr().lock(), "{message}").context("failed to write to stderr")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_list_has_no_duplicates() {
        let mut names = BENCH_PACKAGES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), BENCH_PACKAGES.len());
    }

    #[test]
    fn control_fields_are_found_by_exact_name() {
        let package = DebianPackage {
            name: "x".to_owned(),
            path: PathBuf::new(),
            control: "Package: x\nInstalled-Size: 42\nSize: 7\n".to_owned(),
            installed_size_kib: 0,
        };
        assert_eq!(package.field("Installed-Size"), Some("42"));
        assert_eq!(package.field("Size"), Some("7"));
        assert_eq!(package.field("Version"), None);
    }

    #[test]
    fn last_file_name_in_byte_order_wins_in_the_cache() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("libc6_2.36-9+deb12u1_amd64.deb"), "").expect("write");
        fs::write(dir.path().join("libc6_2.36-9+deb12u4_amd64.deb"), "").expect("write");
        fs::write(dir.path().join("notes.txt"), "").expect("write");
        let debs = cached_debs(dir.path()).expect("listed");
        assert_eq!(debs.len(), 1);
        assert!(debs["libc6"].ends_with("libc6_2.36-9+deb12u4_amd64.deb"));
    }
}
