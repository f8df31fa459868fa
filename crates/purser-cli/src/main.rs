//! The `purser` command: a thin layer over the image, engine and plugin crates.

mod analyzers;
mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// What the process tells its caller. These codes are part of Purser's interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything ran and nothing crossed a gate.
    Success,
    /// 2: the command could not do its job (bad arguments, unreadable image, ...).
    Error,
    /// 3: the command ran, but an analyzer failed, panicked or could not be loaded, so the result
    /// is incomplete.
    Partial,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Error => 2,
            ExitStatus::Partial => 3,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let outcome = match &cli.command {
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Plugins(args) => commands::plugins::run(args),
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

/// Logs go to stderr; `-v` shows debug, `-vv` trace, and `RUST_LOG` overrides both.
fn init_logging(verbosity: u8) {
    let default = match verbosity {
        0 => "warn",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
