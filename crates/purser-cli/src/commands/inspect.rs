//! `purser inspect`: the image's platform, layers and config.
//!
//! Every layer is read to the end (in parallel), so inspecting also verifies every digest and
//! diff ID, and counts what the layers hold.

use purser_image::{Image, LayerSummary, WalkError};
use rayon::prelude::*;
use serde::Serialize;

use crate::args::{InspectArgs, OutputFormat};
use crate::output::{columns, emit};
use crate::{commands, ExitStatus};

/// What `purser inspect --format json` prints.
#[derive(Serialize)]
struct Inspection<'a> {
    reference: String,
    source_kind: String,
    platform: String,
    manifest_digest: Option<String>,
    layers: Vec<LayerInspection>,
    config: &'a purser_image::ImageConfig,
}

#[derive(Serialize)]
struct LayerInspection {
    index: usize,
    digest: Option<String>,
    diff_id: Option<String>,
    media_type: String,
    compression: String,
    compressed_size: u64,
    uncompressed_size: u64,
    entries: u64,
    regular_files: u64,
    created_by: Option<String>,
    anomalies: Vec<String>,
}

/// Inspects an image.
///
/// # Errors
///
/// When the image cannot be opened, a layer cannot be read or fails verification, or the
/// output cannot be written.
pub fn run(args: &InspectArgs) -> anyhow::Result<ExitStatus> {
    let image = commands::open(&args.image)?;
    let summaries = walk_every_layer(&image)?;
    let inspection = Inspection {
        reference: image.path().display().to_string(),
        source_kind: image.source_kind().to_string(),
        platform: image.platform().to_string(),
        manifest_digest: image.manifest_digest().map(ToString::to_string),
        layers: image
            .layers()
            .iter()
            .zip(summaries)
            .map(|(layer, summary)| LayerInspection {
                index: layer.index,
                digest: layer.digest.as_ref().map(ToString::to_string),
                diff_id: layer.diff_id.as_ref().map(ToString::to_string),
                media_type: layer.media_type.clone(),
                compression: layer.compression.to_string(),
                compressed_size: layer.compressed_size,
                uncompressed_size: summary.uncompressed_size,
                entries: summary.entries,
                regular_files: summary.regular_files,
                created_by: layer.created_by.clone(),
                anomalies: summary.anomalies.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        config: image.config(),
    };
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&inspection)? + "\n",
        OutputFormat::Table => table(&inspection),
    };
    emit(&text, args.output.as_deref())?;
    Ok(ExitStatus::Success)
}

/// Reads every layer to the end, in parallel, verifying it.
fn walk_every_layer(image: &Image) -> anyhow::Result<Vec<LayerSummary>> {
    let summaries = (0..image.layers().len())
        .into_par_iter()
        .map(|index| image.walk_layer(index, &mut |_| Ok::<(), WalkError>(())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(summaries)
}

fn table(inspection: &Inspection<'_>) -> String {
    let config = inspection.config;
    let mut text = String::new();
    text.push_str(&format!("Image:     {}\n", inspection.reference));
    text.push_str(&format!("Source:    {}\n", inspection.source_kind));
    text.push_str(&format!("Platform:  {}\n", inspection.platform));
    if let Some(digest) = &inspection.manifest_digest {
        text.push_str(&format!("Manifest:  {digest}\n"));
    }
    if let Some(created) = &config.created {
        text.push_str(&format!("Created:   {created}\n"));
    }

    text.push_str(&format!("\nLayers ({})\n", inspection.layers.len()));
    let rows: Vec<Vec<String>> = inspection
        .layers
        .iter()
        .map(|layer| {
            vec![
                layer.index.to_string(),
                layer
                    .digest
                    .as_deref()
                    .map(short_digest)
                    .unwrap_or_else(|| "-".to_owned()),
                layer.compression.clone(),
                human_size(layer.compressed_size),
                human_size(layer.uncompressed_size),
                layer.regular_files.to_string(),
                layer
                    .created_by
                    .as_deref()
                    .map(one_line)
                    .unwrap_or_default(),
            ]
        })
        .collect();
    text.push_str(&columns(
        &[
            "#",
            "DIGEST",
            "COMPRESSION",
            "SIZE",
            "UNCOMPRESSED",
            "FILES",
            "CREATED BY",
        ],
        &rows,
    ));

    text.push_str("\nConfig\n");
    let user = config
        .user()
        .filter(|user| !user.is_empty())
        .unwrap_or("(root)");
    text.push_str(&format!("  User:        {user}\n"));
    if let Some(directory) = config.working_dir() {
        text.push_str(&format!("  WorkingDir:  {directory}\n"));
    }
    if !config.entrypoint().is_empty() {
        text.push_str(&format!(
            "  Entrypoint:  {}\n",
            config.entrypoint().join(" ")
        ));
    }
    if !config.cmd().is_empty() {
        text.push_str(&format!("  Cmd:         {}\n", config.cmd().join(" ")));
    }
    for (name, value) in config.env() {
        text.push_str(&format!("  Env:         {name}={value}\n"));
    }
    for (name, value) in config.labels() {
        text.push_str(&format!("  Label:       {name}={value}\n"));
    }
    for port in config.exposed_ports() {
        text.push_str(&format!("  Port:        {port}\n"));
    }
    for layer in inspection
        .layers
        .iter()
        .filter(|layer| !layer.anomalies.is_empty())
    {
        text.push_str(&format!("\nAnomalies in layer {}\n", layer.index));
        for anomaly in &layer.anomalies {
            text.push_str(&format!("  {anomaly}\n"));
        }
    }
    text
}

fn short_digest(digest: &str) -> String {
    let hex = digest.split_once(':').map_or(digest, |(_, hex)| hex);
    hex.chars().take(12).collect()
}

/// A history line on one line, shortened for a table cell.
fn one_line(text: &str) -> String {
    let text = text
        .trim()
        .strip_prefix("/bin/sh -c ")
        .unwrap_or(text.trim());
    let single: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if single.chars().count() > 60 {
        single.chars().take(59).collect::<String>() + "…"
    } else {
        single
    }
}

/// `1.5 MB`-style sizes (powers of 1000, as registries show them).
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_history_lines_are_shortened() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1_500_000), "1.5 MB");
        assert_eq!(one_line("/bin/sh -c #(nop)  ENV A=b"), "#(nop) ENV A=b");
        assert_eq!(short_digest("sha256:0123456789abcdef"), "0123456789ab");
    }
}
