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

    /// Only errors on stderr: no warnings, no progress.
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        env = "PURSER_QUIET"
    )]
    pub quiet: bool,

    /// How log lines on stderr are written: text for people, json for log collectors.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true, env = "PURSER_LOG_FORMAT")]
    pub log_format: LogFormat,

    /// A settings file (TOML; keys are the PURSER_* variables in lower case, such as
    /// `severity = ["HIGH", "CRITICAL"]`); default: purser.toml in the current directory.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

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
    /// Build, inspect or import the vulnerability database.
    Db(crate::commands::db::DbArgs),
    /// Verify the SLSA provenance of an image or a file, offline.
    Verify(crate::commands::verify::VerifyArgs),
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

/// What `purser scan` looks for besides the inventory (Trivy's `--scanners`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScannerKind {
    /// Known vulnerabilities of the packages found (needs a database).
    Vuln,
    /// Credentials left in the image.
    Secret,
}

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// Machine-readable JSON; stable for the same input.
    Json,
}

/// The formats of `purser scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Sections with aligned columns, for people.
    Table,
    /// Purser's JSON report (docs/json-schema.md); byte-identical for identical input.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// A CycloneDX 1.6 JSON SBOM, with the vulnerabilities found.
    Cyclonedx,
    /// An SPDX 2.3 JSON SBOM.
    SpdxJson,
}

/// When tables use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
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
#[derive(Debug, Clone, Args)]
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
    #[arg(long, short, value_enum, default_value_t = ScanFormat::Table, env = "PURSER_FORMAT")]
    pub format: ScanFormat,

    /// Write the output to this file instead of stdout (written whole, or not at all).
    #[arg(long, short, value_name = "FILE", env = "PURSER_OUTPUT")]
    pub output: Option<PathBuf>,

    /// What to look for besides the inventory (comma-separated): vuln, secret.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [ScannerKind::Vuln, ScannerKind::Secret], env = "PURSER_SCANNERS")]
    pub scanners: Vec<ScannerKind>,

    /// A TOML file of secret rules that adds rules and allow rules and disables built-in ones
    /// (schema: plugins/secrets/rules/builtin.toml).
    #[arg(long, value_name = "FILE", env = "PURSER_SECRET_CONFIG")]
    pub secret_config: Option<PathBuf>,

    /// Vulnerability matching, filters and the CI gate.
    #[command(flatten)]
    pub vulnerabilities: VulnerabilityArgs,

    /// When tables use colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, env = "PURSER_COLOR")]
    pub color: ColorChoice,

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

/// Where vulnerabilities come from, which are shown, and which fail the pipeline.
#[derive(Debug, Args)]
pub struct VulnerabilityArgs {
    /// The vulnerability database file (default: vulndb.purser in the cache directory, see
    /// `purser db info`).
    #[arg(long, value_name = "FILE", env = "PURSER_DB")]
    pub db: Option<PathBuf>,

    /// Do not match vulnerabilities: report the inventory, secrets and the rest only.
    #[arg(long, env = "PURSER_SKIP_DB")]
    pub skip_db: bool,

    /// Warn when the database is older than this many days (0: never warn).
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 7,
        env = "PURSER_DB_MAX_AGE"
    )]
    pub db_max_age: u32,

    /// Show only vulnerabilities of these severities (comma-separated: UNKNOWN, NEGLIGIBLE,
    /// LOW, MEDIUM, HIGH, CRITICAL).
    #[arg(long, value_name = "SEVERITIES", env = "PURSER_SEVERITY")]
    pub severity: Option<String>,

    /// Leave out vulnerabilities that have no fixed version yet.
    #[arg(long, env = "PURSER_IGNORE_UNFIXED")]
    pub ignore_unfixed: bool,

    /// Accepted vulnerabilities (TOML: id, optional package, path glob, expiry, reason); the
    /// default `.purserignore` is read when it exists.
    #[arg(long, value_name = "FILE", env = "PURSER_IGNOREFILE")]
    pub ignorefile: Option<PathBuf>,

    /// An OpenVEX or CycloneDX VEX document (repeatable): `not_affected` and `fixed` statements
    /// suppress the findings they name.
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,

    /// The exit code to return when any vulnerability remains after filtering (0: never).
    #[arg(
        long,
        value_name = "CODE",
        default_value_t = 0,
        env = "PURSER_EXIT_CODE"
    )]
    pub exit_code: u8,

    /// Fail (exit 1, or --exit-code) when a remaining vulnerability's highest CVSS score is
    /// above this; scores up to it are accepted.
    #[arg(long, value_name = "SCORE", env = "PURSER_FAIL_ON_CVSS")]
    pub fail_on_cvss: Option<f32>,
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
