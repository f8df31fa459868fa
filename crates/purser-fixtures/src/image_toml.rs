//! Reading `fixtures/images/<name>/image.toml` and its layer directories into an [`ImageSpec`].
//!
//! The format is documented for fixture authors in `fixtures/README.md`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::entry::{normalise_path, EntryKind};
use crate::error::{FixtureError, Result};
use crate::image_spec::{HistoryEntry, ImageSpec, Platform, FIXED_CREATED};
use crate::layer::Layer;

/// The file name of an image description inside its directory.
pub const IMAGE_DESCRIPTION_FILE: &str = "image.toml";

/// Top level of `image.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageToml {
    reference: String,
    os: String,
    architecture: String,
    variant: Option<String>,
    created: Option<String>,
    #[serde(default)]
    env: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    user: Option<String>,
    #[serde(default)]
    cmd: Vec<String>,
    #[serde(default)]
    entrypoint: Vec<String>,
    workdir: Option<String>,
    #[serde(default)]
    history: Vec<HistoryToml>,
    #[serde(default)]
    layers: Vec<LayerToml>,
}

/// One `[[history]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryToml {
    created_by: String,
    #[serde(default)]
    empty_layer: bool,
    comment: Option<String>,
}

/// One `[[layers]]` table: an optional directory and extra entries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerToml {
    /// Directory relative to the image directory; defaults to `layers/<index>` if it exists.
    dir: Option<PathBuf>,
    #[serde(default)]
    entries: Vec<EntryToml>,
}

/// An entry git cannot store, or a change to one it can.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum EntryToml {
    Dir {
        path: String,
        #[serde(default = "default_dir_mode")]
        mode: u32,
    },
    File {
        path: String,
        #[serde(default = "default_file_mode")]
        mode: u32,
        #[serde(default)]
        contents: String,
    },
    Symlink {
        path: String,
        target: String,
    },
    Hardlink {
        path: String,
        target: String,
    },
    Whiteout {
        path: String,
    },
    Opaque {
        path: String,
    },
    CharDevice {
        path: String,
        major: u32,
        minor: u32,
    },
    Mode {
        path: String,
        mode: u32,
    },
    Raw {
        name: String,
        #[serde(default)]
        contents: String,
    },
}

fn default_dir_mode() -> u32 {
    0o755
}

fn default_file_mode() -> u32 {
    0o644
}

/// Reads the image described by `image_dir/image.toml`.
///
/// Each layer starts with the members of its directory (see [`Layer::from_directory`]), then
/// the `entries` of its table in order; a `mode` entry instead changes the mode of a member
/// already there.
///
/// # Errors
///
/// [`FixtureError::Read`] or [`FixtureError::Toml`] if the description cannot be read or
/// parsed, [`FixtureError::InvalidDescription`] for a missing layer directory or a `mode`
/// entry naming no file, and the errors of [`Layer::from_directory`].
pub fn load_image(image_dir: &Path) -> Result<ImageSpec> {
    let path = image_dir.join(IMAGE_DESCRIPTION_FILE);
    let text = fs::read_to_string(&path).map_err(FixtureError::read(&path))?;
    let description: ImageToml = toml::from_str(&text).map_err(|source| FixtureError::Toml {
        path: path.clone(),
        source: Box::new(source),
    })?;

    let mut platform = Platform::new(description.os, description.architecture);
    platform.variant = description.variant;
    let mut image = ImageSpec::new(description.reference, platform);
    image.created = description
        .created
        .unwrap_or_else(|| FIXED_CREATED.to_owned());
    image.env = description.env;
    image.labels = description.labels;
    image.user = description.user;
    image.cmd = description.cmd;
    image.entrypoint = description.entrypoint;
    image.workdir = description.workdir;
    image.history = description
        .history
        .into_iter()
        .map(|entry| HistoryEntry {
            created_by: entry.created_by,
            empty_layer: entry.empty_layer,
            comment: entry.comment,
        })
        .collect();
    for (index, layer) in description.layers.into_iter().enumerate() {
        image
            .layers
            .push(load_layer(image_dir, &path, index, layer)?);
    }
    tracing::debug!(image = %image.reference, layers = image.layers.len(), "loaded fixture image");
    Ok(image)
}

/// Builds layer `index` from its directory and extra entries.
fn load_layer(
    image_dir: &Path,
    description: &Path,
    index: usize,
    layer: LayerToml,
) -> Result<Layer> {
    let invalid = |message: String| FixtureError::InvalidDescription {
        path: description.to_path_buf(),
        message,
    };
    let mut built = match &layer.dir {
        Some(dir) if !image_dir.join(dir).is_dir() => {
            return Err(invalid(format!(
                "layer {index}: directory {} does not exist",
                dir.display()
            )));
        }
        Some(dir) => Layer::from_directory(&image_dir.join(dir))?,
        None => {
            let default = image_dir.join("layers").join(index.to_string());
            if default.is_dir() {
                Layer::from_directory(&default)?
            } else {
                Layer::new()
            }
        }
    };

    for entry in layer.entries {
        built = match entry {
            EntryToml::Dir { path, mode } => built.dir(path, mode),
            EntryToml::File {
                path,
                mode,
                contents,
            } => built.file(path, mode, contents),
            EntryToml::Symlink { path, target } => built.symlink(path, target),
            EntryToml::Hardlink { path, target } => built.hardlink(path, target),
            EntryToml::Whiteout { path } => built.whiteout(path),
            EntryToml::Opaque { path } => built.opaque(path),
            EntryToml::CharDevice { path, major, minor } => built.char_device(path, major, minor),
            EntryToml::Raw { name, contents } => built.raw_name(name, contents),
            EntryToml::Mode { path, mode } => {
                set_existing_mode(&mut built, &path, mode).map_err(|reason| {
                    invalid(format!("layer {index}: mode entry for {path}: {reason}"))
                })?;
                built
            }
        };
    }
    Ok(built)
}

/// Changes the mode of the file or directory at `path` already in `layer`.
fn set_existing_mode(layer: &mut Layer, path: &str, new_mode: u32) -> Result<(), &'static str> {
    let wanted = normalise_path(path);
    let entry = layer
        .entries_mut()
        .iter_mut()
        .find(|entry| entry.path == wanted)
        .ok_or("no such member in the layer")?;
    match &mut entry.kind {
        EntryKind::Directory { mode } | EntryKind::File { mode, .. } => {
            *mode = new_mode;
            Ok(())
        }
        _ => Err("only files and directories have a mode"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Entry;

    fn write(dir: &Path, relative: &str, contents: &str) {
        let path = dir.join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
    }

    #[test]
    fn description_with_directory_and_extra_entries_loads() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), "layers/0/usr/bin/passwd", "binary");
        write(
            dir.path(),
            IMAGE_DESCRIPTION_FILE,
            r#"
reference = "purser-fixtures/t:1"
os = "linux"
architecture = "arm64"
variant = "v8"
user = "app"
env = ["A=1"]
labels = { "org.example" = "yes" }

[[history]]
created_by = "ADD rootfs /"

[[history]]
created_by = "ENV A=1"
empty_layer = true

[[layers]]
entries = [
  { type = "mode", path = "usr/bin/passwd", mode = 0o4755 },
  { type = "symlink", path = "bin", target = "usr/bin" },
  { type = "whiteout", path = "etc/motd" },
  { type = "char-device", path = "dev/null", major = 1, minor = 3 },
]
"#,
        );

        let image = load_image(dir.path()).expect("loads");
        assert_eq!(image.platform.to_string(), "linux/arm64/v8");
        assert_eq!(image.user.as_deref(), Some("app"));
        assert_eq!(image.labels["org.example"], "yes");
        assert!(image.history[1].empty_layer);
        image.validate().expect("history matches layers");

        let entries = image.layers[0].entries();
        let passwd = entries
            .iter()
            .find(|entry| entry.path == b"usr/bin/passwd")
            .expect("from directory");
        assert!(matches!(passwd.kind, EntryKind::File { mode: 0o4755, .. }));
        let names: Vec<&[u8]> = entries.iter().map(|entry| entry.path.as_slice()).collect();
        assert_eq!(
            names,
            [
                &b"usr"[..],
                b"usr/bin",
                b"usr/bin/passwd",
                b"bin",
                b"etc/.wh.motd",
                b"dev/null"
            ]
        );
        assert_eq!(
            entries[5],
            Entry {
                path: b"dev/null".to_vec(),
                kind: EntryKind::CharDevice {
                    mode: 0o666,
                    major: 1,
                    minor: 3
                }
            }
        );
    }

    #[test]
    fn mode_for_a_missing_file_is_reported_with_layer_and_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(
            dir.path(),
            IMAGE_DESCRIPTION_FILE,
            r#"
reference = "t:1"
os = "linux"
architecture = "amd64"
[[layers]]
entries = [{ type = "mode", path = "usr/bin/none", mode = 0o4755 }]
"#,
        );
        let error = load_image(dir.path()).expect_err("must fail");
        let message = error.to_string();
        assert!(
            message.ends_with("layer 0: mode entry for usr/bin/none: no such member in the layer"),
            "{message}"
        );
    }

    #[test]
    fn unknown_keys_are_rejected_with_the_file_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(
            dir.path(),
            IMAGE_DESCRIPTION_FILE,
            "reference = \"t:1\"\nos = \"linux\"\narchitecture = \"amd64\"\ncolour = \"red\"\n",
        );
        let error = load_image(dir.path()).expect_err("must fail");
        assert!(error.to_string().ends_with("image.toml"), "{error}");
        let cause = std::error::Error::source(&error).expect("parse error kept as source");
        assert!(cause.to_string().contains("colour"), "{cause}");
    }
}
