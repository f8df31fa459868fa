//! Prints what the `go` analyzer finds in the files named on the command line, one line per
//! package in the `go version -m` layout, so the two can be compared with `diff`:
//!
//! ```text
//! cargo run -p purser-analyzer-go --example scan-binaries -- /usr/bin/skopeo
//! ```

use std::process::ExitCode;

use purser_analyzer_go::analyze_executable;
use purser_plugin_api::{FileInput, Finding};

fn main() -> ExitCode {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let contents = match std::fs::read(&path) {
            Ok(contents) => contents,
            Err(error) => {
                eprintln!("cannot read {path}: {error}");
                failed = true;
                continue;
            }
        };
        let file = FileInput {
            path: &path,
            size: contents.len() as u64,
            mode: 0o755,
            contents: &contents,
            truncated: false,
        };
        let mut findings = Vec::new();
        analyze_executable(&file, &mut findings);
        for finding in findings {
            match finding {
                Finding::Package(package) => {
                    #[expect(clippy::print_stdout, reason = "the example's output is its purpose")]
                    {
                        println!(
                            "{path}\t{}\t{}\t{}",
                            package.name,
                            package.version,
                            package.purl.unwrap_or_default()
                        );
                    }
                }
                other => eprintln!("{path}: {other:?}"),
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
