//! `purser plugins`: what was found where.

use serde::Serialize;

use crate::args::{OutputFormat, PluginsArgs};
use crate::output::{columns, emit};
use crate::{analyzers, ExitStatus};

#[derive(Serialize)]
struct PluginListing {
    interface_version: String,
    searched: Vec<String>,
    plugins: Vec<PluginEntry>,
    errors: Vec<PluginError>,
}

#[derive(Serialize)]
struct PluginEntry {
    name: String,
    version: String,
    description: String,
    file: String,
    interface_version: String,
    wants: String,
    shadowed: bool,
}

#[derive(Serialize)]
struct PluginError {
    file: String,
    error: String,
}

/// Lists plugins.
///
/// # Errors
///
/// When a `--plugin-dir` cannot be read or the output cannot be written.
pub fn run(args: &PluginsArgs) -> anyhow::Result<ExitStatus> {
    let discovered = analyzers::discover(&args.plugins)?;
    let mut entries = Vec::new();
    let listed = discovered
        .plugins
        .iter()
        .map(|p| (p, false))
        .chain(discovered.shadowed.iter().map(|p| (p, true)));
    for (plugin, shadowed) in listed {
        let wants = match plugin.instantiate(&serde_json::Value::Null) {
            Ok(instance) => describe_wants(purser_engine::AnalyzerBackend::requests(&instance)),
            Err(error) => format!("(could not start: {error})"),
        };
        entries.push(PluginEntry {
            name: plugin.info().name.clone(),
            version: plugin.info().version.clone(),
            description: plugin.info().description.clone(),
            file: plugin.path().display().to_string(),
            interface_version: plugin.interface_version().to_string(),
            wants,
            shadowed,
        });
    }
    let listing = PluginListing {
        interface_version: purser_plugin_api::INTERFACE_VERSION.to_string(),
        searched: discovered
            .searched
            .iter()
            .map(|d| format!("{} ({})", d.path.display(), d.origin))
            .collect(),
        plugins: entries,
        errors: discovered
            .errors
            .iter()
            .map(|error| PluginError {
                file: error.path().display().to_string(),
                error: error.to_string(),
            })
            .collect(),
    };

    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&listing)? + "\n",
        OutputFormat::Table => table(&listing),
    };
    emit(&text, None)?;
    Ok(if listing.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Partial
    })
}

/// A one-line summary of an analyzer's requests.
fn describe_wants(requests: &purser_plugin_api::AnalyzerRequests) -> String {
    let mut parts = Vec::new();
    for request in &requests.files {
        let mut selectors: Vec<String> = Vec::new();
        selectors.extend(request.exact_paths.iter().cloned());
        selectors.extend(request.file_names.iter().map(|name| format!("*/{name}")));
        selectors.extend(request.suffixes.iter().map(|suffix| format!("*{suffix}")));
        selectors.extend(request.globs.iter().cloned());
        if request.all_files {
            selectors.push("every file".to_owned());
        }
        let mut conditions = Vec::new();
        if let Some(mask) = request.mode_any {
            conditions.push(format!("mode & {mask:o}"));
        }
        if let Some(max) = request.max_size {
            conditions.push(format!("<= {max} bytes"));
        }
        if request.text_only {
            conditions.push("text".to_owned());
        }
        if !request.contents {
            conditions.push("metadata only".to_owned());
        }
        let mut part = selectors.join(", ");
        if !conditions.is_empty() {
            part.push_str(&format!(" [{}]", conditions.join(", ")));
        }
        parts.push(part);
    }
    let image = &requests.image;
    for (wanted, what) in [
        (image.config, "image config"),
        (image.manifest, "manifest"),
        (image.attachments, "attachments"),
    ] {
        if wanted {
            parts.push(what.to_owned());
        }
    }
    parts.join("; ")
}

fn table(listing: &PluginListing) -> String {
    let rows: Vec<Vec<String>> = listing
        .plugins
        .iter()
        .map(|plugin| {
            vec![
                plugin.name.clone() + if plugin.shadowed { " (shadowed)" } else { "" },
                plugin.version.clone(),
                plugin.interface_version.clone(),
                plugin.file.clone(),
                plugin.wants.clone(),
            ]
        })
        .collect();
    let mut text = format!("Engine interface version {}\n\n", listing.interface_version);
    if rows.is_empty() {
        text.push_str("No plugins found.\n");
    } else {
        text.push_str(&columns(
            &["NAME", "VERSION", "INTERFACE", "FILE", "WANTS"],
            &rows,
        ));
    }
    if !listing.errors.is_empty() {
        text.push_str("\nCould not load:\n");
        for error in &listing.errors {
            text.push_str(&format!("  {}\n", error.error));
        }
    }
    text.push_str("\nSearched:\n");
    for directory in &listing.searched {
        text.push_str(&format!("  {directory}\n"));
    }
    text
}
