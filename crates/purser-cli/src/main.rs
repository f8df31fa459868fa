//! The `purser` command: a thin layer over the image, engine and plugin crates.

mod analyzers;
mod args;
mod clock;
mod commands;
mod config_file;
mod database;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, LogFormat};

/// What the process tells its caller. These codes are part of Purser's interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything ran and nothing crossed a gate.
    Success,
    /// 1: the command ran and the subject failed verification (`purser verify`).
    VerificationFailed,
    /// 2: the command could not do its job (bad arguments, unreadable image, ...).
    Error,
    /// 3: the command ran, but an analyzer failed, panicked or could not be loaded, so the result
    /// is incomplete.
    Partial,
    /// The code `--exit-code` names (1 for the CVSS gate without it): the scan ran and
    /// vulnerabilities remain that the gate does not accept.
    GateFailed(u8),
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::VerificationFailed => 1,
            ExitStatus::Error => 2,
            ExitStatus::Partial => 3,
            ExitStatus::GateFailed(code) => code,
        })
    }
}

/// `--quiet`: no progress display and no warnings on stderr.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether progress may be drawn on stderr: it is a terminal and `--quiet` was not given.
pub fn show_progress() -> bool {
    use std::io::IsTerminal;
    !QUIET.load(std::sync::atomic::Ordering::Relaxed) && std::io::stderr().is_terminal()
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().collect();
    if let Err(error) = config_file::apply(&arguments) {
        eprintln!("error: {}", chain(&error));
        return ExitStatus::Error.into();
    }
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet, cli.log_format);
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    let outcome = match &cli.command {
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Plugins(args) => commands::plugins::run(args),
        Command::Db(args) => commands::db::run(args),
        Command::Verify(args) => commands::verify::run(args),
    };
    match outcome {
        Ok(status) => status.into(),
        Err(error) => {
            let message = chain(&error);
            eprintln!("error: {message}");
            if let Some(hint) = hint_for(&message) {
                eprintln!("hint: {hint}");
            }
            ExitStatus::Error.into()
        }
    }
}

/// The error and its causes on one line, each cause after a colon (unless the message already
/// ends with it, as errors that embed their source do).
fn chain(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Advice for errors a user can fix with an option, printed after the error.
fn hint_for(message: &str) -> Option<&'static str> {
    if message.contains("max_layer_uncompressed_bytes") {
        Some("if the layer really is this large, raise the limit with --max-layer-size")
    } else if message.contains("no analyzer plugins were found") {
        Some("`purser plugins` shows where Purser looked")
    } else {
        None
    }
}

/// Logs go to stderr; `-q` shows only errors, `-v` debug, `-vv` trace, and `RUST_LOG` overrides
/// all of them. `--log-format json` writes one JSON object per event.
fn init_logging(verbosity: u8, quiet: bool, format: LogFormat) {
    let default = match (quiet, verbosity) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
