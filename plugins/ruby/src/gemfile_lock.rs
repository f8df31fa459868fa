//! `Gemfile.lock` (Bundler's lock file, <https://bundler.io/man/gemfile.5.html>): sections
//! headed by an unindented name. The gems are the `specs:` lists of the `GEM` (a gem server),
//! `GIT` (a repository, with its `revision:`) and `PATH` (a local folder) sections: each gem is a
//! line indented by four spaces, `name (version)` or `name (version-platform)` for a native gem;
//! lines indented by six spaces are its dependencies' requirements and are skipped.

use purser_plugin_api::Diagnostic;

use crate::package::{Gem, Reading};

/// The sections whose `specs:` list installed gems, and the `source` metadata each gives.
const SOURCE_SECTIONS: [(&str, &str); 3] = [("GEM", "gem"), ("GIT", "git"), ("PATH", "path")];

/// Every section header Bundler writes; a file starting with anything else is not a lock.
const OTHER_SECTIONS: [&str; 6] = [
    "PLATFORMS",
    "DEPENDENCIES",
    "RUBY VERSION",
    "BUNDLED WITH",
    "CHECKSUMS",
    "PLUGIN SOURCE",
];

/// Where the reader is: outside any source section, or inside one, before or in its `specs:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Elsewhere,
    SourceHeader(&'static str),
    Specs(&'static str),
}

/// Reads the gems of the `Gemfile.lock` at `path`.
pub fn read_gemfile_lock(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let text = String::from_utf8_lossy(contents);
    // Editors on Windows may add a byte order mark; Bundler itself never writes one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);

    let first_line = text
        .lines()
        .map(str::trim_end)
        .find(|line| !line.is_empty());
    if let Some(first_line) = first_line {
        if !is_section_header(first_line) {
            reading.diagnostics.push(Diagnostic::warning(
                path,
                "not a Gemfile.lock: the first line is no Bundler section header (GEM, GIT, \
                 PATH, PLATFORMS, ...); no gem read from it",
            ));
            return reading;
        }
    }

    let mut place = Place::Elsewhere;
    let mut revision: Option<String> = None;
    let mut unreadable = Vec::new();
    for (index, raw_line) in text.lines().enumerate() {
        let line = raw_line.trim_end();
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            place = section_place(line);
            revision = None;
            continue;
        }
        match place {
            Place::Elsewhere => {}
            Place::SourceHeader(source) => {
                let field = line.trim_start();
                if field == "specs:" {
                    place = Place::Specs(source);
                } else if let Some(value) = field.strip_prefix("revision:") {
                    revision = Some(value.trim().to_owned());
                }
            }
            Place::Specs(source) => {
                if indentation(line) != 4 {
                    continue;
                }
                match spec_line(line.trim_start()) {
                    Some(mut gem) => {
                        gem.metadata.insert("source".into(), source.to_owned());
                        if let Some(revision) = &revision {
                            gem.metadata.insert("revision".into(), revision.clone());
                        }
                        reading.gems.push(gem);
                    }
                    None => unreadable.push(index + 1),
                }
            }
        }
    }

    if !unreadable.is_empty() {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!(
                "gem lines without a `name (version)` form are not reported; lines {}",
                join_numbers(&unreadable)
            ),
        ));
    }
    reading
}

/// Whether an unindented line is a section Bundler writes.
fn is_section_header(line: &str) -> bool {
    SOURCE_SECTIONS.iter().any(|(name, _)| *name == line) || OTHER_SECTIONS.contains(&line)
}

/// The place an unindented line opens.
fn section_place(line: &str) -> Place {
    SOURCE_SECTIONS
        .iter()
        .find(|(name, _)| *name == line)
        .map_or(Place::Elsewhere, |(_, source)| Place::SourceHeader(source))
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A gem from `name (version)` or `name (version-platform)`; `None` when the line has no
/// parenthesised version or an empty name.
fn spec_line(line: &str) -> Option<Gem> {
    let (name, rest) = line.split_once(" (")?;
    let version = rest.strip_suffix(')')?;
    if name.is_empty() || name.contains(char::is_whitespace) || version.is_empty() {
        return None;
    }

    // Bundler appends a native gem's platform after the first `-`; a gem version itself never
    // holds one (RubyGems turns `1.0-rc1` into `1.0.pre.rc1`).
    let (version, platform) = match version.split_once('-') {
        Some((version, platform)) => (version, Some(platform)),
        None => (version, None),
    };
    let mut gem = Gem::new(name, version, "gemfile-lock");
    gem.platform = platform.map(str::to_owned);
    Some(gem)
}

fn join_numbers(numbers: &[usize]) -> String {
    numbers
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(reading: &Reading) -> Vec<String> {
        reading
            .gems
            .iter()
            .map(|gem| {
                let platform = gem.platform.as_deref().unwrap_or("ruby");
                format!(
                    "{}@{} {platform} {}",
                    gem.name, gem.version, gem.metadata["source"]
                )
            })
            .collect()
    }

    #[test]
    fn gems_of_all_three_sources_and_native_platforms_are_read() {
        let lock = "GIT\n  remote: https://example.com/x.git\n  revision: abc123\n  specs:\n    \
                    x (1.0.0)\n      rack (~> 2.0)\n\nPATH\n  remote: vendor/y\n  specs:\n    \
                    y (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    \
                    nokogiri (1.13.3-x86_64-linux)\n      racc (~> 1.4)\n    rack (2.2.3)\n\n\
                    PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  x!\n  rack\n";
        let reading = read_gemfile_lock("Gemfile.lock", lock.as_bytes());
        assert_eq!(
            ids(&reading),
            [
                "x@1.0.0 ruby git",
                "y@0.1.0 ruby path",
                "nokogiri@1.13.3 x86_64-linux gem",
                "rack@2.2.3 ruby gem",
            ]
        );
        assert_eq!(reading.gems[0].metadata["revision"], "abc123");
        assert!(!reading.gems[1].metadata.contains_key("revision"));
        assert!(reading.diagnostics.is_empty());
    }

    #[test]
    fn lines_without_a_version_and_files_that_are_no_lock_are_warned_about() {
        let lock = "GEM\n  specs:\n    invalid-name\n    ok (1.0)\n    (2.0)\n";
        let reading = read_gemfile_lock("Gemfile.lock", lock.as_bytes());
        assert_eq!(ids(&reading), ["ok@1.0 ruby gem"]);
        assert!(reading.diagnostics[0].message.ends_with("lines 3, 5"));

        let reading = read_gemfile_lock("Gemfile.lock", b"malformed");
        assert!(reading.gems.is_empty());
        assert!(reading.diagnostics[0]
            .message
            .starts_with("not a Gemfile.lock"));

        assert_eq!(read_gemfile_lock("Gemfile.lock", b""), Reading::default());
        let with_mark =
            read_gemfile_lock("Gemfile.lock", b"\xEF\xBB\xBFGEM\n  specs:\n    a (1)\n");
        assert_eq!(ids(&with_mark), ["a@1 ruby gem"]);
    }
}
