//! Turns the plugin options into loaded, selected analyzer instances.

use std::collections::BTreeMap;

use anyhow::bail;
use purser_engine::discovery::{discover_plugins, Discovered, PluginSearch};
use purser_engine::ScanAnalyzer;

use crate::args::PluginArgs;

/// Analyzers ready to run, and the ones that could not be used.
pub struct SelectedAnalyzers {
    /// Ready to run.
    pub analyzers: Vec<ScanAnalyzer>,
    /// `(name or file, origin, error)` of analyzers that could not be loaded or created.
    pub unavailable: Vec<(String, String, String)>,
}

/// Finds plugins where `args` says.
///
/// # Errors
///
/// When a `--plugin-dir` cannot be read.
pub fn discover(args: &PluginArgs) -> anyhow::Result<Discovered> {
    let search = PluginSearch {
        explicit_directories: args.plugin_dirs.clone(),
        use_default_locations: !args.no_default_plugins,
    };
    Ok(discover_plugins(&search)?)
}

/// What a command adds to the user's plugin choices: analyzers its own flags turn off (skipped
/// if present, without the error an unknown `--skip-analyzers` name gives), and options for
/// named analyzers (null for the rest).
#[derive(Debug, Default)]
pub struct Adjustments {
    /// Analyzers to leave out when they are present.
    pub skip_if_present: Vec<String>,
    /// Options by analyzer name.
    pub options: BTreeMap<String, serde_json::Value>,
}

/// Discovers, selects and creates the analyzers for a scan.
///
/// # Errors
///
/// When a plugin directory cannot be read, `--analyzers` names an analyzer that was not found,
/// or no analyzer is left to run.
pub fn select(args: &PluginArgs, adjustments: &Adjustments) -> anyhow::Result<SelectedAnalyzers> {
    let discovered = discover(args)?;
    let mut unavailable: Vec<(String, String, String)> = discovered
        .errors
        .iter()
        .map(|error| {
            (
                error.path().display().to_string(),
                error.path().display().to_string(),
                error.to_string(),
            )
        })
        .collect();
    for (_, _, message) in &unavailable {
        tracing::warn!("{message}");
    }

    let known: Vec<&str> = discovered
        .plugins
        .iter()
        .map(|plugin| plugin.info().name.as_str())
        .collect();
    for name in args.analyzers.iter().chain(&args.skip_analyzers) {
        if !known.contains(&name.as_str()) {
            bail!(
                "no analyzer named {name:?} was found; available: {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
        }
    }

    let mut analyzers = Vec::new();
    for plugin in &discovered.plugins {
        let name = &plugin.info().name;
        let chosen = args.analyzers.is_empty() || args.analyzers.contains(name);
        if !chosen
            || args.skip_analyzers.contains(name)
            || adjustments.skip_if_present.contains(name)
        {
            tracing::debug!(analyzer = %name, "analyzer not selected");
            continue;
        }
        let origin = plugin.path().display().to_string();
        let options = adjustments
            .options
            .get(name)
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        match plugin.instantiate(&options) {
            Ok(instance) => analyzers.push(ScanAnalyzer {
                backend: Box::new(instance),
                origin,
            }),
            Err(error) => {
                tracing::warn!("analyzer {name} from {origin} could not start: {error}");
                unavailable.push((name.clone(), origin, format!("could not start: {error}")));
            }
        }
    }
    if analyzers.is_empty() && unavailable.is_empty() {
        bail!(
            "no analyzer plugins were found (looked in: {}); build them with `cargo build` or point \
             --plugin-dir or PURSER_PLUGIN_PATH at a directory that holds them",
            discovered
                .searched
                .iter()
                .map(|directory| directory.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(SelectedAnalyzers {
        analyzers,
        unavailable,
    })
}
