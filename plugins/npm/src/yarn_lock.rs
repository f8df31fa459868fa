//! `yarn.lock`: yarn classic's own format (v1) and yarn berry's YAML (v2 and later).
//!
//! Both are read by one line reader. Classic's format is yarn's own
//! (<https://classic.yarnpkg.com/en/docs/yarn-lock>): an entry starts with an unindented line
//! listing the specs it satisfies (`"a@^1.0.0", a@^1.1.0:`), followed by fields indented by two
//! spaces (`version "1.2.0"`). Berry writes the same layout as YAML (`version: 1.2.0`,
//! `resolution: "a@npm:1.2.0"`), through its own fixed serializer, plus a `__metadata` entry.
//! Reading berry line by line rather than with a YAML parser keeps locks with repeated keys
//! readable, which strict YAML parsers refuse and which occur in the wild (Syft's fixtures hold
//! one). Deeper lines (`dependencies:` blocks) are ignored.
//!
//! The package of an entry is named by berry's `resolution` when present (`name@npm:1.2.3`,
//! `name@patch:...`), else by the first spec; an alias spec (`a@npm:b@^1`) names `b`. Berry
//! entries resolved through `workspace:` are the project's own packages and are skipped.
//!
//! Neither format says which packages are dev dependencies (only the project's `package.json`
//! does, and that needs a dependency walk from another file), so `dev` is left out.
//! A package listed twice with the same version is reported once. Entries are listed flatly; dependency references between entries are never followed, so a
//! lock whose references loop is read like any other.

use purser_plugin_api::Diagnostic;

use crate::package::{split_name, Evidence, LockReading, NpmPackage};

/// One entry being read.
struct Entry {
    specs: String,
    line: usize,
    version: Option<String>,
    resolved: Option<String>,
    resolution: Option<String>,
}

/// Reads the packages of the `yarn.lock` at `path`, classic or berry.
pub fn read_yarn_lock(path: &str, contents: &[u8]) -> LockReading {
    let text = String::from_utf8_lossy(contents);
    let mut reading = LockReading::default();
    let mut entry: Option<Entry> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_end();
        if trimmed.is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }

        if !trimmed.starts_with(' ') {
            finish_entry(path, entry.take(), &mut reading);
            match trimmed.strip_suffix(':') {
                Some(specs) => {
                    entry = Some(Entry {
                        specs: specs.to_owned(),
                        line: index + 1,
                        version: None,
                        resolved: None,
                        resolution: None,
                    })
                }
                None => reading.diagnostics.push(Diagnostic::warning(
                    path,
                    format!(
                        "line {}: expected an entry header ending in `:`; skipped",
                        index + 1
                    ),
                )),
            }
            continue;
        }

        // Fields of the entry are indented by exactly two spaces.
        let Some(field) = trimmed
            .strip_prefix("  ")
            .filter(|rest| !rest.starts_with(' '))
        else {
            continue;
        };
        let Some(current) = entry.as_mut() else {
            continue;
        };
        let (key, value) = field.split_once(' ').unwrap_or((field, ""));
        let value = unquote(value.trim()).to_owned();
        // Keys may be quoted too, in both formats (`"version" "1.0.0"`, `"version": 1.0.0`).
        match unquote(key.trim_end_matches(':')) {
            "version" => current.version = Some(value),
            "resolved" => current.resolved = Some(value),
            "resolution" => current.resolution = Some(value),
            _ => {}
        }
    }
    finish_entry(path, entry, &mut reading);

    // A repeated entry (same package, same version) is the same install, listed twice.
    let mut seen = std::collections::HashSet::new();
    reading
        .packages
        .retain(|package| seen.insert((package.name.clone(), package.version.clone())));
    reading
}

/// Turns a finished entry into a package, or a diagnostic when it names none.
fn finish_entry(path: &str, entry: Option<Entry>, reading: &mut LockReading) {
    let Some(entry) = entry else {
        return;
    };
    if entry.specs == "__metadata" {
        return;
    }
    let first_spec = entry
        .specs
        .split(',')
        .next()
        .map(|spec| spec.trim().trim_matches('"'));
    let named_by = entry.resolution.as_deref().or(first_spec);
    if named_by
        .and_then(split_name)
        .is_some_and(|(_, protocol)| protocol.starts_with("workspace:"))
    {
        return;
    }
    let name = named_by.and_then(package_name_of_spec);
    let (Some(name), Some(version)) = (name, entry.version) else {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!(
                "entry at line {} (`{}`) has no package name or no version; skipped",
                entry.line, entry.specs
            ),
        ));
        return;
    };
    let mut package = NpmPackage::new(&name, &version, Evidence::YarnLock);
    if let Some(resolved) = entry.resolved {
        package.metadata.insert("resolved".into(), resolved);
    }
    if let Some(resolution) = entry.resolution {
        package.metadata.insert("resolution".into(), resolution);
    }
    reading.packages.push(package);
}

/// The package a spec resolves to: `a@^1` is `a`; an alias `a@npm:b@^1` is `b`.
fn package_name_of_spec(spec: &str) -> Option<String> {
    let (name, range) = split_name(spec)?;
    let real = range
        .strip_prefix("npm:")
        .and_then(split_name)
        .map_or(name, |(real, _)| real);
    Some(real.to_owned())
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_entries_with_quotes_scopes_aliases_and_nested_blocks() {
        let lock = "# yarn lockfile v1\n\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  version \"7.10.4\"\n  resolved \"https://r/x.tgz\"\n  dependencies:\n    \"@babel/highlight\" \"^7.10.4\"\n    version \"9.9.9\"\n\nalias@npm:real@^1:\n  version \"1.2.0\"\n\nbroken@^1:\n  resolved \"x\"\n";
        let reading = read_yarn_lock("yarn.lock", lock.as_bytes());
        assert_eq!(
            reading.names_versions(),
            ["@babel/code-frame@7.10.4", "real@1.2.0"]
        );
        assert_eq!(reading.packages[0].metadata["resolved"], "https://r/x.tgz");
        assert_eq!(reading.diagnostics.len(), 1);
        assert!(
            reading.diagnostics[0].message.contains("line 14"),
            "{:?}",
            reading.diagnostics
        );
    }

    #[test]
    fn quoted_keys_are_read_in_both_formats() {
        let classic =
            "concat-map@0.0.1:\n  \"version\" \"0.0.1\"\n  \"resolved\" \"https://r/c.tgz\"\n";
        let reading = read_yarn_lock("yarn.lock", classic.as_bytes());
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        assert_eq!(reading.names_versions(), ["concat-map@0.0.1"]);
        assert_eq!(reading.packages[0].metadata["resolved"], "https://r/c.tgz");

        let berry = "\"a@npm:^1\":\n  \"version\": 1.0.0\n  \"resolution\": \"a@npm:1.0.0\"\n";
        let reading = read_yarn_lock("yarn.lock", berry.as_bytes());
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        assert_eq!(reading.names_versions(), ["a@1.0.0"]);
    }

    #[test]
    fn berry_entries_use_the_resolution_and_skip_workspaces() {
        let lock = "__metadata:\n  version: 6\n  cacheKey: 8\n\n\"@types/node@npm:*\":\n  version: 20.1.0\n  resolution: \"@types/node@npm:20.1.0\"\n  languageName: node\n  linkType: hard\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n\n\"resolve@patch:resolve@^1#~builtin<compat/resolve>\":\n  version: 1.22.1\n  resolution: \"resolve@patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1\"\n";
        let reading = read_yarn_lock("yarn.lock", lock.as_bytes());
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        assert_eq!(
            reading.names_versions(),
            ["@types/node@20.1.0", "resolve@1.22.1"]
        );
    }

    #[test]
    fn repeated_berry_keys_and_garbage_lines_do_not_stop_the_reader() {
        let lock = "__metadata:\n  version: 6\n\n\"a@npm:1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\"\n\n\"a@npm:1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\"\nnot a header\n";
        let reading = read_yarn_lock("yarn.lock", lock.as_bytes());
        assert_eq!(reading.names_versions(), ["a@1.0.0"]);
        assert_eq!(
            reading.diagnostics[0].message,
            "line 11: expected an entry header ending in `:`; skipped"
        );
    }
}
