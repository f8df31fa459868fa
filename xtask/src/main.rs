//! `cargo xtask`: developer tasks that build Purser's test and benchmark images.
//!
//! Output paths and digests go to stdout; progress notes go to stderr.

mod bench_image;
mod compare_dpkg;
mod debian_packages;
mod dpkg_database;
mod fixtures_command;
mod merged_tree;
mod tree_compare;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Developer tasks for Purser.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build every fixture image from fixtures/ and print each path and manifest digest.
    Fixtures {
        /// Output directory [default: target/fixtures in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Build twice into two temporary directories and fail if any byte differs.
        #[arg(long, conflicts_with = "out")]
        check: bool,
    },
    /// Build the large benchmark image from real Debian packages (downloads them once).
    BenchImage {
        /// Output directory [default: target/bench-image in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where downloaded .deb files are kept [default: target/bench-cache in the workspace].
        #[arg(long)]
        cache: Option<PathBuf>,
    },
    /// Compare the dpkg analyzer with dpkg-query (and Syft, when installed) on a real bookworm
    /// root built with mmdebstrap (needs root and Debian's archive the first time).
    CompareDpkg {
        /// Working directory [default: target/compare-dpkg in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fixtures { out, check: true } => {
            debug_assert!(out.is_none(), "clap rejects --out with --check");
            fixtures_command::check()
        }
        Command::Fixtures { out, check: false } => fixtures_command::build(
            &out.unwrap_or_else(|| workspace_root().join("target/fixtures")),
        ),
        Command::BenchImage { out, cache } => {
            let root = workspace_root();
            let out = out.unwrap_or_else(|| root.join("target/bench-image"));
            let cache = cache.unwrap_or_else(|| root.join("target/bench-cache"));
            bench_image::build(&out, &cache)
        }
        Command::CompareDpkg { out } => {
            let root = workspace_root();
            let out = out.unwrap_or_else(|| root.join("target/compare-dpkg"));
            compare_dpkg::run(&root, &out)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}
