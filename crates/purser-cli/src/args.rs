//! Command-line arguments. Each field's doc comment is its `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Purser: what is inside a container image, and what in it is dangerous.
#[derive(Debug, Parser)]
#[command(name = "purser", version, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show an image's platform, layers and config.
    Inspect(InspectArgs),
    /// Run the analyzers over an image and report what they found (`purser image` is the same
    /// command, under the name Trivy users type).
    #[command(visible_alias = "image")]
    Scan(ScanArgs),
    /// List the analyzer plugins found, and those that could not be loaded.
    Plugins(PluginsArgs),
}

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// Machine-readable JSON; stable for the same input.
    Json,
}

/// Options shared by every command that opens an image.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The image: a `docker save` archive (optionally gzipped), an OCI image layout (directory
    /// or tar), or a root filesystem directory.
    pub image: PathBuf,

    /// Platform to pick from a multi-platform image, as os/arch[/variant]; defaults to this
    /// machine's.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Stop reading a layer after this many uncompressed bytes (guards against decompression
    /// bombs). Accepts suffixes K, M, G.
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    pub max_layer_size: Option<u64>,
}

/// Options of `purser inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The image to inspect.
    #[command(flatten)]
    pub image: ImageArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Write the output to this file instead of stdout (written whole, or not at all).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Where plugins come from and which analyzers run.
#[derive(Debug, Args)]
pub struct PluginArgs {
    /// Also load plugins from this directory (repeatable); searched before PURSER_PLUGIN_PATH
    /// and the executable's plugins directory.
    #[arg(long = "plugin-dir", value_name = "DIR")]
    pub plugin_dirs: Vec<PathBuf>,

    /// Load plugins only from --plugin-dir, not from PURSER_PLUGIN_PATH or next to the
    /// executable.
    #[arg(long)]
    pub no_default_plugins: bool,

    /// Run only these analyzers (comma-separated names, see `purser plugins`).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub analyzers: Vec<String>,

    /// Do not run these analyzers (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub skip_analyzers: Vec<String>,
}

/// Options of `purser scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The image to scan.
    #[command(flatten)]
    pub image: ImageArgs,

    /// Plugins and analyzers.
    #[command(flatten)]
    pub plugins: PluginArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Write the output to this file instead of stdout (written whole, or not at all).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Hand analyzers at most this many bytes of one file; longer files are passed truncated.
    /// Accepts suffixes K, M, G.
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    pub max_file_size: Option<u64>,

    /// Show where the time went (per layer and per analyzer) on stderr, and in the JSON report.
    #[arg(long)]
    pub timings: bool,

    /// Print only the inventory: the operating system and the packages, with their purls and the
    /// layer that brought each in.
    #[arg(long)]
    pub list_packages: bool,

    /// Walk layers one after another instead of in parallel.
    #[arg(long)]
    pub sequential: bool,
}

/// Options of `purser plugins`.
#[derive(Debug, Args)]
pub struct PluginsArgs {
    /// Plugins and analyzers.
    #[command(flatten)]
    pub plugins: PluginArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// Parses `123`, `64K`, `512M`, `2G` (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 1u64 << 10),
        Some((at, 'm' | 'M')) => (&text[..at], 1 << 20),
        Some((at, 'g' | 'G')) => (&text[..at], 1 << 30),
        _ => (text, 1),
    };
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 4096, 64K, 512M or 2G"))?;
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_accept_binary_suffixes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
