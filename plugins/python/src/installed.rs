//! Installed distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `*.egg-info` files,
//! and eggs, zipped (`*.egg`) or unpacked (`*.egg/EGG-INFO/PKG-INFO`).
//!
//! Formats: the core metadata specification
//! (<https://packaging.python.org/en/latest/specifications/core-metadata/>) for the metadata
//! itself, and the recording-installed-packages specification
//! (<https://packaging.python.org/en/latest/specifications/recording-installed-packages/>) for
//! the `.dist-info` folder and its `RECORD`.

use std::io::{Cursor, Read};

use purser_plugin_api::Diagnostic;

use crate::core_metadata::CoreMetadata;
use crate::package::{PythonPackage, Reading};

/// Largest `EGG-INFO/PKG-INFO` inflated from a zipped egg: 1 MiB.
pub const MAX_EGG_METADATA_SIZE: u64 = 1 << 20;

/// How a distribution is installed, which decides where its metadata lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstalledForm {
    /// `<dist>.dist-info/METADATA` (wheels, pip).
    DistInfo,
    /// `<dist>.egg-info/PKG-INFO` (setuptools `develop`, distro packages).
    EggInfoDirectory,
    /// `<dist>.egg-info`, a single metadata file (distutils, Debian's older packages).
    EggInfoFile,
    /// `<dist>.egg/EGG-INFO/PKG-INFO`, an unpacked egg.
    EggDirectory,
    /// `<dist>.egg`, a zip archive holding `EGG-INFO/PKG-INFO`.
    ZippedEgg,
}

impl InstalledForm {
    /// The form of the file at `path`, or `None` when it is no installed metadata.
    pub fn of(path: &str) -> Option<InstalledForm> {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let folder_name = folder.rsplit('/').next().unwrap_or(folder);
        match name {
            "METADATA" if has_suffix(folder_name, ".dist-info") => Some(InstalledForm::DistInfo),
            "PKG-INFO" if has_suffix(folder_name, ".egg-info") => {
                Some(InstalledForm::EggInfoDirectory)
            }
            "PKG-INFO" if folder_name == "EGG-INFO" && folder.ends_with(".egg/EGG-INFO") => {
                Some(InstalledForm::EggDirectory)
            }
            _ if has_suffix(name, ".egg-info") => Some(InstalledForm::EggInfoFile),
            _ if name.ends_with(".egg") => Some(InstalledForm::ZippedEgg),
            _ => None,
        }
    }

    /// The value of metadata `evidence`.
    pub fn evidence(self) -> &'static str {
        match self {
            InstalledForm::DistInfo => "dist-info",
            InstalledForm::EggInfoDirectory | InstalledForm::EggInfoFile => "egg-info",
            InstalledForm::EggDirectory | InstalledForm::ZippedEgg => "egg",
        }
    }

    /// The distribution's own path (`.../PyYAML-5.3.1.dist-info`, `.../x.egg`) given the path
    /// of the file read.
    pub fn distribution_path(self, path: &str) -> &str {
        match self {
            InstalledForm::DistInfo | InstalledForm::EggInfoDirectory => parent(path),
            InstalledForm::EggDirectory => parent(parent(path)),
            InstalledForm::EggInfoFile | InstalledForm::ZippedEgg => path,
        }
    }
}

/// Case-insensitive suffix test: `.DIST-INFO` folders exist on case-insensitive file systems.
fn has_suffix(name: &str, suffix: &str) -> bool {
    name.len() > suffix.len()
        && name.is_char_boundary(name.len() - suffix.len())
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// Reads the installed distribution whose metadata file (or egg) is `contents`, at `path`.
/// Metadata: `evidence`, `distribution_path`, and `install_root`, the folder holding the
/// distribution (`usr/lib/python3/dist-packages`), which the engine can match against the
/// file lists of OS packages.
pub fn read_installed(path: &str, form: InstalledForm, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let text = match form {
        InstalledForm::ZippedEgg => match egg_metadata(contents) {
            Ok(text) => text,
            Err(message) => {
                reading.diagnostics.push(Diagnostic::error(path, message));
                return reading;
            }
        },
        _ => String::from_utf8_lossy(contents).into_owned(),
    };

    let (metadata, malformed) = CoreMetadata::parse(&text);
    if malformed > 0 {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!("{malformed} lines of the metadata are not `Key: value` headers; skipped"),
        ));
    }
    let (Some(name), Some(version)) = (metadata.get("Name"), metadata.get("Version")) else {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            "the distribution's metadata has no Name or no Version; not reported",
        ));
        return reading;
    };

    let mut package = PythonPackage::new(name, version, form.evidence());
    package.licenses = metadata.licenses();
    let distribution = form.distribution_path(path);
    package
        .metadata
        .insert("distribution_path".into(), distribution.to_owned());
    package
        .metadata
        .insert("install_root".into(), parent(distribution).to_owned());
    reading.packages.push(package);
    reading
}

/// The text of `EGG-INFO/PKG-INFO` inside a zipped egg.
fn egg_metadata(contents: &[u8]) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(contents))
        .map_err(|error| format!("the egg is not a readable zip archive: {error}"))?;
    let mut entry = archive
        .by_name("EGG-INFO/PKG-INFO")
        .map_err(|error| format!("the egg has no readable EGG-INFO/PKG-INFO: {error}"))?;
    if entry.size() > MAX_EGG_METADATA_SIZE {
        return Err(format!(
            "the egg's EGG-INFO/PKG-INFO inflates to {} bytes, over the limit of \
             {MAX_EGG_METADATA_SIZE}; not read",
            entry.size()
        ));
    }
    let mut bytes = Vec::new();
    (&mut entry)
        .take(MAX_EGG_METADATA_SIZE)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("failed to inflate the egg's EGG-INFO/PKG-INFO: {error}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The number of files a `RECORD` lists: its non-empty lines.
pub fn record_file_count(contents: &[u8]) -> usize {
    contents
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_told_by_path() {
        let site = "usr/lib/python3/dist-packages";
        assert_eq!(
            InstalledForm::of(&format!("{site}/PyYAML-5.3.1.dist-info/METADATA")),
            Some(InstalledForm::DistInfo)
        );
        assert_eq!(
            InstalledForm::of(&format!("{site}/x.DIST-INFO/METADATA")),
            Some(InstalledForm::DistInfo)
        );
        assert_eq!(
            InstalledForm::of(&format!("{site}/x.egg-info/PKG-INFO")),
            Some(InstalledForm::EggInfoDirectory)
        );
        assert_eq!(
            InstalledForm::of(&format!("{site}/x-1.0.egg-info")),
            Some(InstalledForm::EggInfoFile)
        );
        assert_eq!(
            InstalledForm::of(&format!("{site}/x-1.0.egg/EGG-INFO/PKG-INFO")),
            Some(InstalledForm::EggDirectory)
        );
        assert_eq!(
            InstalledForm::of(&format!("{site}/x-1.0.egg")),
            Some(InstalledForm::ZippedEgg)
        );
        assert_eq!(InstalledForm::of(&format!("{site}/x/METADATA")), None);
        assert_eq!(InstalledForm::of("é.dist-info"), None);
    }

    #[test]
    fn the_distribution_and_its_root_are_recorded() {
        let path = "usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info/PKG-INFO";
        let reading = read_installed(
            path,
            InstalledForm::EggInfoDirectory,
            b"Metadata-Version: 1.1\nName: PyYAML\nVersion: 5.3.1\nLicense: MIT\n",
        );
        let package = &reading.packages[0];
        assert_eq!(
            package.metadata["install_root"],
            "usr/lib/python3/dist-packages"
        );
        assert_eq!(
            package.metadata["distribution_path"],
            "usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info"
        );
        assert_eq!(package.metadata["evidence"], "egg-info");
        assert_eq!(package.licenses, ["MIT"]);
    }

    #[test]
    fn records_count_their_lines_and_bad_eggs_are_errors() {
        assert_eq!(record_file_count(b"a,sha256=x,1\nb,,\n\n  \n"), 2);
        let reading = read_installed("x.egg", InstalledForm::ZippedEgg, b"PK\x03\x04 not a zip");
        assert!(reading.packages.is_empty());
        assert!(reading.diagnostics[0]
            .message
            .starts_with("the egg is not a readable zip"));
    }
}
