//! Where plugins are looked for, and which of the files found there are loaded.
//!
//! In order, the first plugin of a given analyzer name wins:
//! 1. each `--plugin-dir` the user gave (it must exist);
//! 2. each directory of `PURSER_PLUGIN_PATH` (a `:`-separated list; `;` on Windows);
//! 3. `plugins/` next to the executable (how a release is laid out);
//! 4. the executable's own directory, but only files named like a built-in analyzer
//!    (`libpurser_analyzer_*`), which is where `cargo build` leaves the workspace's plugins.
//!
//! In the first three every shared library is a candidate; a file that is not a plugin is
//! reported, not ignored, since a user put it there.

use std::path::{Path, PathBuf};

use crate::loader::{load_plugin, LoadError, PluginLibrary};

/// The environment variable listing extra plugin directories.
pub const PLUGIN_PATH_VARIABLE: &str = "PURSER_PLUGIN_PATH";

/// Where to look for plugins.
#[derive(Debug, Clone, Default)]
pub struct PluginSearch {
    /// Directories the user named explicitly; a missing one is an error.
    pub explicit_directories: Vec<PathBuf>,
    /// Whether to look in `PURSER_PLUGIN_PATH` and next to the executable too.
    pub use_default_locations: bool,
}

/// A directory searched, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchedDirectory {
    /// The directory.
    pub path: PathBuf,
    /// `--plugin-dir`, `PURSER_PLUGIN_PATH`, `next to the executable`, ...
    pub origin: &'static str,
    /// Whether only `libpurser_analyzer_*` files are taken from it.
    pub built_in_names_only: bool,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Plugins to use, one per analyzer name, in discovery order.
    pub plugins: Vec<PluginLibrary>,
    /// Plugins not used because an earlier one has the same analyzer name.
    pub shadowed: Vec<PluginLibrary>,
    /// Files that could not be loaded as plugins.
    pub errors: Vec<LoadError>,
    /// The directories looked at.
    pub searched: Vec<SearchedDirectory>,
}

/// Why discovery could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// A directory the user named does not exist or cannot be read.
    #[error("plugin directory {path} cannot be read: {reason}")]
    MissingDirectory {
        /// The directory.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
}

/// Finds and loads every plugin `search` points at.
///
/// # Errors
///
/// When a directory named in [`PluginSearch::explicit_directories`] cannot be read. Problems
/// with single files are returned in [`Discovered::errors`] instead.
pub fn discover_plugins(search: &PluginSearch) -> Result<Discovered, DiscoveryError> {
    let mut discovered = Discovered::default();
    for directory in search_directories(search) {
        let files = match library_files(&directory.path, directory.built_in_names_only) {
            Ok(files) => files,
            Err(error) if directory.origin == "--plugin-dir" => {
                return Err(DiscoveryError::MissingDirectory {
                    path: directory.path.clone(),
                    reason: error.to_string(),
                })
            }
            Err(error) => {
                tracing::debug!(directory = %directory.path.display(), %error, "plugin directory skipped");
                discovered.searched.push(directory);
                continue;
            }
        };
        for file in files {
            match load_plugin(&file) {
                Ok(plugin) => place(&mut discovered, plugin),
                Err(error) => discovered.errors.push(error),
            }
        }
        discovered.searched.push(directory);
    }
    Ok(discovered)
}

/// Adds a plugin unless an earlier one has the same analyzer name.
fn place(discovered: &mut Discovered, plugin: PluginLibrary) {
    let taken = discovered
        .plugins
        .iter()
        .any(|earlier| earlier.info().name == plugin.info().name);
    if taken {
        tracing::debug!(
            analyzer = %plugin.info().name,
            file = %plugin.path().display(),
            "plugin shadowed by an earlier one with the same name"
        );
        discovered.shadowed.push(plugin);
    } else {
        discovered.plugins.push(plugin);
    }
}

/// The directories to search, in priority order, without duplicates.
pub fn search_directories(search: &PluginSearch) -> Vec<SearchedDirectory> {
    let mut directories = Vec::new();
    for path in &search.explicit_directories {
        directories.push(SearchedDirectory {
            path: path.clone(),
            origin: "--plugin-dir",
            built_in_names_only: false,
        });
    }
    if search.use_default_locations {
        if let Some(value) = std::env::var_os(PLUGIN_PATH_VARIABLE) {
            for path in std::env::split_paths(&value).filter(|path| !path.as_os_str().is_empty()) {
                directories.push(SearchedDirectory {
                    path,
                    origin: PLUGIN_PATH_VARIABLE,
                    built_in_names_only: false,
                });
            }
        }
        if let Some(executable_directory) = executable_directory() {
            directories.push(SearchedDirectory {
                path: executable_directory.join("plugins"),
                origin: "plugins next to the executable",
                built_in_names_only: false,
            });
            directories.push(SearchedDirectory {
                path: executable_directory,
                origin: "the executable's directory",
                built_in_names_only: true,
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    directories.retain(|directory| {
        let key = std::fs::canonicalize(&directory.path).unwrap_or_else(|_| directory.path.clone());
        seen.insert(key)
    });
    directories
}

fn executable_directory() -> Option<PathBuf> {
    let executable = std::env::current_exe().ok()?;
    let executable = std::fs::canonicalize(&executable).unwrap_or(executable);
    executable.parent().map(Path::to_owned)
}

/// Shared libraries in `directory`, sorted by name so discovery order is stable.
fn library_files(directory: &Path, built_in_names_only: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(directory)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !is_shared_library_name(name) || !path.is_file() {
            continue;
        }
        if built_in_names_only && !is_built_in_name(name) {
            continue;
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

fn is_shared_library_name(name: &str) -> bool {
    let suffix = std::env::consts::DLL_SUFFIX;
    name.ends_with(suffix)
}

/// Whether a file name is one `cargo build` gives a built-in analyzer of this workspace.
fn is_built_in_name(name: &str) -> bool {
    let stem = name
        .strip_prefix(std::env::consts::DLL_PREFIX)
        .unwrap_or(name);
    stem.starts_with("purser_analyzer_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_built_in_names_are_taken_from_the_executable_directory() {
        let library = |stem: &str| {
            format!(
                "{}{stem}{}",
                std::env::consts::DLL_PREFIX,
                std::env::consts::DLL_SUFFIX
            )
        };
        assert!(is_built_in_name(&library("purser_analyzer_os_release")));
        assert!(!is_built_in_name(&library("purser_testplugin_panicking")));
        assert!(is_shared_library_name(&library("anything")));
        assert!(!is_shared_library_name("README.md"));
    }

    #[test]
    fn a_missing_explicit_directory_is_an_error() {
        let search = PluginSearch {
            explicit_directories: vec![PathBuf::from("/nonexistent/purser-plugins")],
            use_default_locations: false,
        };
        let error = discover_plugins(&search).expect_err("missing directory");
        assert!(
            error.to_string().contains("/nonexistent/purser-plugins"),
            "{error}"
        );
    }

    #[test]
    fn files_that_are_not_libraries_are_reported() {
        let directory = tempfile::tempdir().expect("temp dir");
        let fake = directory
            .path()
            .join(format!("libfake{}", std::env::consts::DLL_SUFFIX));
        std::fs::write(&fake, b"not an ELF file").expect("write");
        let search = PluginSearch {
            explicit_directories: vec![directory.path().to_owned()],
            use_default_locations: false,
        };
        let discovered = discover_plugins(&search).expect("directory exists");
        assert!(discovered.plugins.is_empty());
        assert_eq!(discovered.errors.len(), 1);
        let message = discovered.errors[0].to_string();
        assert!(message.contains("libfake"), "{message}");
    }
}
