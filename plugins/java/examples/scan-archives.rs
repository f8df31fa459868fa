//! Runs the java analyzer's archive walk over archives on disk and prints one line per finding:
//! `cargo run -p purser-analyzer-java --example scan-archives -- FILE.jar...`. For checking the
//! parser against real jars; the engine does not use it.

#![expect(
    clippy::print_stdout,
    reason = "a command-line example prints its findings"
)]

use purser_analyzer_java::{scan_archive, Limits};
use purser_plugin_api::Finding;

fn main() -> std::io::Result<()> {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        let mut findings = Vec::new();
        scan_archive(
            path.trim_start_matches('/'),
            &bytes,
            &Limits::default(),
            &mut findings,
        );

        for finding in findings {
            match finding {
                Finding::Package(package) => println!(
                    "{}\t{}\t{}\t{}\t{}",
                    package.source_path,
                    package.name,
                    package.version,
                    package.metadata.get("evidence").map_or("", String::as_str),
                    package.purl.unwrap_or_default()
                ),
                other => println!("{other:?}"),
            }
        }
    }
    Ok(())
}
