//! The built-in rules against the fixture corpus in `fixtures/secrets`, through the exported
//! function table the way the engine calls the plugin.
//!
//! - `positives/`: one file per rule and `expected.toml`. Every rule must be found in its own
//!   file at the expected line and column (recall asserted at 100%), no other rule may fire
//!   there, and no report may show the credential, nor any five characters of it in a row.
//! - `negatives/`: look-alikes (placeholders, hashes, UUIDs, base64, minified JavaScript,
//!   lockfiles, certificates and public keys). None may give a finding, and each except the
//!   certificates and public keys must hold a rule keyword, so that a regex really runs on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use purser_analyzer_secrets::rule_set::RuleSet;
use purser_analyzer_secrets::{purser_analyzer_entry, Scanner};
use purser_plugin_api::{FileInput, Finding, LayerContext, Secret};
use purser_plugin_harness::Plugin;
use serde::Deserialize;

/// The longest run of a secret's characters a report may show: [`redact`] keeps at most four at
/// each end.
///
/// [`redact`]: purser_analyzer_secrets::redact::redact
const LONGEST_SHOWN_RUN: usize = 4;

/// One entry of `positives/expected.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    line: u64,
    column: u64,
    secret: String,
}

/// A fixture file: its path relative to `fixtures/secrets` and its bytes.
struct Fixture {
    path: String,
    contents: Vec<u8>,
}

fn corpus_directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/secrets")
}

/// Every regular file under `fixtures/secrets/<directory>`, sorted by path, except `skip`.
fn fixtures(directory: &str, skip: &[&str]) -> Vec<Fixture> {
    let root = corpus_directory();
    let mut pending = vec![root.join(directory)];
    let mut found = Vec::new();
    while let Some(next) = pending.pop() {
        let entries = std::fs::read_dir(&next)
            .unwrap_or_else(|error| panic!("failed to list {}: {error}", next.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&root)
                .expect("under the corpus")
                .to_string_lossy()
                .replace('\\', "/");
            if skip.iter().any(|name| relative.ends_with(name)) {
                continue;
            }
            let contents = std::fs::read(&path)
                .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()));
            found.push(Fixture {
                path: relative,
                contents,
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn expected() -> BTreeMap<String, Expected> {
    let path = corpus_directory().join("positives/expected.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()));
    toml::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Scans the fixtures as one layer; returns the secrets found, grouped by path.
///
/// Panics on any diagnostic: each means a fixture was skipped (as binary, say) and the test
/// would be hollow.
fn scan(fixtures: &[Fixture]) -> BTreeMap<String, Vec<Secret>> {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    let instance = plugin
        .create(&serde_json::Value::Null)
        .expect("default options");
    let files: Vec<FileInput<'_>> = fixtures
        .iter()
        .map(|fixture| FileInput {
            path: &fixture.path,
            size: fixture.contents.len() as u64,
            mode: 0o644,
            contents: &fixture.contents,
            truncated: false,
        })
        .collect();
    let findings = instance
        .scan_layer(&LayerContext::default(), &files)
        .expect("the layer scans");

    let mut by_path: BTreeMap<String, Vec<Secret>> = BTreeMap::new();
    for finding in findings {
        match finding {
            Finding::Secret(secret) => by_path.entry(secret.path.clone()).or_default().push(secret),
            Finding::Diagnostic(diagnostic) => {
                panic!("every fixture must be scanned, but the analyzer said {diagnostic:?}")
            }
            other => panic!("unexpected finding: {other:?}"),
        }
    }
    by_path
}

/// A run of more than [`LONGEST_SHOWN_RUN`] characters of `secret` that `shown` contains.
fn shown_run<'a>(secret: &'a str, shown: &str) -> Option<&'a str> {
    let starts: Vec<usize> = secret.char_indices().map(|(at, _)| at).collect();
    if starts.len() <= LONGEST_SHOWN_RUN {
        return None;
    }
    let ends = starts.iter().skip(LONGEST_SHOWN_RUN + 1).copied();
    starts
        .iter()
        .zip(ends.chain(std::iter::once(secret.len())))
        .map(|(start, end)| &secret[*start..end])
        .find(|run| shown.contains(run))
}

/// What the positives gave: how many rules were found where expected, out of how many, and
/// every deviation.
struct Recall {
    found: usize,
    rules: usize,
    problems: Vec<String>,
}

fn check_positives() -> Recall {
    let expected = expected();
    let rules: Vec<String> = RuleSet::builtin()
        .expect("built-in rules")
        .rules
        .into_iter()
        .map(|rule| rule.id)
        .collect();
    let mut problems = Vec::new();
    for id in rules.iter().filter(|id| !expected.contains_key(*id)) {
        problems.push(format!("rule {id} has no entry in positives/expected.toml"));
    }
    for id in expected.keys().filter(|id| !rules.contains(id)) {
        problems.push(format!(
            "positives/expected.toml names {id}, which is not a rule"
        ));
    }

    let positives = fixtures("positives", &["expected.toml"]);
    let found = scan(&positives);
    let mut recalled = 0;
    for (rule, want) in &expected {
        let path = format!("positives/{rule}.txt");
        if !positives.iter().any(|fixture| fixture.path == path) {
            problems.push(format!("{path} is missing"));
            continue;
        }
        let secrets = found.get(&path).map(Vec::as_slice).unwrap_or_default();
        let got: Vec<(&str, Option<u64>, Option<u64>)> = secrets
            .iter()
            .map(|secret| (secret.rule_id.as_str(), secret.line, secret.column))
            .collect();
        if got
            .iter()
            .any(|(id, line, _)| id == rule && *line == Some(want.line))
        {
            recalled += 1;
        }
        let wanted = vec![(rule.as_str(), Some(want.line), Some(want.column))];
        if got != wanted {
            problems.push(format!("{path}: expected {wanted:?}, found {got:?}"));
        }
        for secret in secrets {
            if secret.redacted_match.contains(&want.secret) {
                problems.push(format!(
                    "{path}: the {} finding shows the secret",
                    secret.rule_id
                ));
            }
            if let Some(run) = shown_run(&want.secret, &secret.redacted_match) {
                problems.push(format!(
                    "{path}: the {} finding shows {} characters of the secret in a row",
                    secret.rule_id,
                    run.chars().count()
                ));
            }
        }
    }
    for path in found.keys() {
        if !expected
            .keys()
            .any(|rule| *path == format!("positives/{rule}.txt"))
        {
            problems.push(format!(
                "{path} gave findings but has no entry in expected.toml"
            ));
        }
    }

    Recall {
        found: recalled,
        rules: rules.len(),
        problems,
    }
}

/// File name prefixes of the negatives that are look-alikes in form only (certificates and
/// public keys) and so may hold no rule keyword; every other negative must hold one, or it
/// never reaches a regex and proves nothing.
const FORM_ONLY_PREFIXES: &[&str] = &["pem-", "ssh-", "pgp-"];

/// Scans the negatives; returns how many there are and a line per finding or idle file.
fn check_negatives() -> (usize, Vec<String>, Vec<String>) {
    let negatives = fixtures("negatives", &[]);
    let scanner = Scanner::new(RuleSet::builtin().expect("built-in rules")).expect("automaton");
    let idle: Vec<String> = negatives
        .iter()
        .filter(|fixture| {
            let name = fixture.path.rsplit('/').next().unwrap_or_default();
            !FORM_ONLY_PREFIXES
                .iter()
                .any(|prefix| name.starts_with(prefix))
                && scanner.automaton().find(&fixture.contents).is_none()
        })
        .map(|fixture| format!("{} holds no rule keyword", fixture.path))
        .collect();

    let false_positives = scan(&negatives)
        .values()
        .flatten()
        .map(|secret| {
            format!(
                "{}:{}:{} {} {}",
                secret.path,
                secret.line.unwrap_or_default(),
                secret.column.unwrap_or_default(),
                secret.rule_id,
                secret.redacted_match
            )
        })
        .collect();
    (negatives.len(), false_positives, idle)
}

#[test]
fn the_built_in_rules_find_every_positive_and_no_negative() {
    let recall = check_positives();
    let (negatives, false_positives, idle) = check_negatives();

    eprintln!(
        "recall {}/{}, false positives {} over {negatives} files",
        recall.found,
        recall.rules,
        false_positives.len()
    );
    assert!(recall.problems.is_empty(), "{}", recall.problems.join("\n"));
    assert_eq!(recall.found, recall.rules);
    assert!(
        false_positives.is_empty(),
        "false positives:\n{}",
        false_positives.join("\n")
    );
    assert!(idle.is_empty(), "{}", idle.join("\n"));
    assert!(negatives >= 30, "only {negatives} negatives");
}

#[test]
fn a_secret_run_is_seen_only_beyond_four_characters() {
    assert_eq!(shown_run("abcdefgh", "x=abcd****efgh"), None);
    assert_eq!(shown_run("abcdefgh", "x=abcde***"), Some("abcde"));
    assert_eq!(shown_run("abc", "abc"), None);
    assert_eq!(shown_run("ééééé", "ééééé"), Some("ééééé"));
}
