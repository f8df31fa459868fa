//! Reads the shared version vectors in place from their `.tar.zst` archives.

#![allow(
    dead_code,
    reason = "each test or bench target uses a different subset"
)]

use std::collections::HashMap;
use std::path::PathBuf;

/// The folder holding the version-vector archives, beside the repository.
pub fn vectors_dir() -> PathBuf {
    purser_test_data::shared_data_dir().join("version-vectors")
}

/// Every regular file of `archive` (a name inside [`vectors_dir`]), keyed by its path inside.
///
/// Panics with a message naming the missing folder: CI always has `../shared/data`.
pub fn read_archive(archive: &str) -> HashMap<String, String> {
    let path = vectors_dir().join(archive);
    let files = purser_test_data::archive_files(&path, |_| true);
    files
        .into_iter()
        .map(|(name, bytes)| {
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|_| panic!("{archive}: {name} is not UTF-8"));
            (name, text)
        })
        .collect()
}

/// What a comparison must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// Exactly this ordering.
    Is(std::cmp::Ordering),
    /// `Less` or `Equal`.
    AtMost,
    /// `Less` or `Greater`.
    NotEqual,
}

impl Expectation {
    /// Whether `actual` satisfies this expectation.
    pub fn holds(self, actual: std::cmp::Ordering) -> bool {
        match self {
            Self::Is(expected) => actual == expected,
            Self::AtMost => actual.is_le(),
            Self::NotEqual => actual.is_ne(),
        }
    }
}

/// One expected comparison from a vector file.
#[derive(Debug, Clone)]
pub struct Vector {
    /// Where it came from: file and line.
    pub origin: String,
    /// Left-hand version.
    pub left: String,
    /// What `left` compared with `right` must give.
    pub expected: Expectation,
    /// Right-hand version.
    pub right: String,
}

impl Vector {
    fn new(origin: &str, left: &str, expected: Expectation, right: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            left: left.to_owned(),
            expected,
            right: right.to_owned(),
        }
    }
}

/// Parses `A < B`, `A = B` and `A > B` lines (osv-scalibr and apk-tools formats); lines starting
/// with `#` or `//` are comments, as is a `#` after whitespace; blank lines are skipped.
pub fn parse_comparison_lines(file: &str, text: &str) -> Vec<Vector> {
    let mut vectors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        // A trailing comment follows whitespace; `#` inside a version (`1.2.3.#`) is data.
        let line = match line.find(" #").or_else(|| line.find("\t#")) {
            Some(comment) => line[..comment].trim(),
            None => line,
        };
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [left, operator, right] = fields[..] else {
            panic!("{file}:{}: expected `A op B`, got {line:?}", index + 1);
        };
        let expected = match operator {
            "<" => std::cmp::Ordering::Less,
            "=" => std::cmp::Ordering::Equal,
            ">" => std::cmp::Ordering::Greater,
            _ => panic!("{file}:{}: unknown operator {operator:?}", index + 1),
        };
        let origin = format!("{file}:{}", index + 1);
        vectors.push(Vector::new(&origin, left, Expectation::Is(expected), right));
    }
    vectors
}

/// Parses rpm's `RPMVERCMP(a, b, n)` lines from `rpmvercmp.at`, skipping `dnl` comments.
pub fn parse_rpmvercmp_at(file: &str, text: &str) -> Vec<Vector> {
    let mut vectors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(arguments) = line
            .trim()
            .strip_prefix("RPMVERCMP(")
            .and_then(|rest| rest.strip_suffix(')'))
        else {
            continue;
        };
        let fields: Vec<&str> = arguments.split(", ").collect();
        let [left, right, result] = fields[..] else {
            panic!("{file}:{}: expected three arguments in {line:?}", index + 1);
        };
        let expected = match result {
            "-1" => std::cmp::Ordering::Less,
            "0" => std::cmp::Ordering::Equal,
            "1" => std::cmp::Ordering::Greater,
            _ => panic!("{file}:{}: unknown result {result:?}", index + 1),
        };
        let origin = format!("{file}:{}", index + 1);
        vectors.push(Vector::new(&origin, left, Expectation::Is(expected), right));
    }
    vectors
}

/// Parses univers' JSON schema vectors. A `comparison` entry gives versions and their order as
/// Python's stable `sorted` returns it: neighbours kept in input order must be `<=`, swapped ones
/// `<`. An `equality` entry says whether two versions are equal.
pub fn parse_univers_json(file: &str, text: &str) -> Vec<Vector> {
    let cases: serde_json::Value = serde_json::from_str(text).expect("univers vectors are JSON");
    let cases = cases.as_array().expect("univers vectors are a JSON array");

    let mut vectors = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let origin = format!("{file} case {index}");
        let versions: Vec<&str> = case["input"]["versions"]
            .as_array()
            .expect("versions array")
            .iter()
            .map(|v| v.as_str().expect("version string"))
            .collect();

        match case["test_type"].as_str() {
            Some("comparison") => {
                let sorted: Vec<&str> = case["expected_output"]
                    .as_array()
                    .expect("sorted array")
                    .iter()
                    .map(|v| v.as_str().expect("version string"))
                    .collect();
                let position = |v: &str| versions.iter().position(|x| *x == v);
                for pair in sorted.windows(2) {
                    let expected = if position(pair[0]) < position(pair[1]) {
                        Expectation::AtMost
                    } else {
                        Expectation::Is(std::cmp::Ordering::Less)
                    };
                    vectors.push(Vector::new(&origin, pair[0], expected, pair[1]));
                }
            }
            Some("equality") => {
                let [left, right] = versions[..] else {
                    panic!("{origin}: expected two versions");
                };
                let expected = if case["expected_output"].as_bool() == Some(true) {
                    Expectation::Is(std::cmp::Ordering::Equal)
                } else {
                    Expectation::NotEqual
                };
                vectors.push(Vector::new(&origin, left, expected, right));
            }
            other => panic!("{origin}: unknown test_type {other:?}"),
        }
    }
    vectors
}
