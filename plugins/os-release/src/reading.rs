//! What reading one release file gives: an operating system, warnings, or both.

use purser_plugin_api::OperatingSystem;

use crate::env_file::Problem;

/// At most this many malformed lines are reported per file; the rest are counted.
const MAX_REPORTED_PROBLEMS: usize = 5;

/// The result of reading one release file.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Reading {
    /// The operating system the file names, when it names one.
    pub(crate) os: Option<OperatingSystem>,
    /// Things a user should know about the file, lowercase, without the path.
    pub(crate) warnings: Vec<String>,
}

impl Reading {
    /// A reading that found nothing, for the reason given.
    pub(crate) fn failed(warning: impl Into<String>) -> Self {
        Reading {
            os: None,
            warnings: vec![warning.into()],
        }
    }

    /// Adds one warning per malformed line, up to [`MAX_REPORTED_PROBLEMS`], then one that
    /// counts the rest.
    pub(crate) fn add_problems(&mut self, problems: &[Problem]) {
        for problem in problems.iter().take(MAX_REPORTED_PROBLEMS) {
            self.warnings.push(format!("malformed {problem}"));
        }
        if problems.len() > MAX_REPORTED_PROBLEMS {
            self.warnings.push(format!(
                "{} more malformed lines were skipped",
                problems.len() - MAX_REPORTED_PROBLEMS
            ));
        }
    }
}

/// Quotes text taken from a file for a message: escaped, and cut after 60 characters so that a
/// garbage file cannot flood the report.
pub(crate) fn quoted(text: &str) -> String {
    const LIMIT: usize = 60;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// The first line of `text` that is not blank, trimmed.
pub(crate) fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|line| !line.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_capped() {
        let problems: Vec<Problem> = (1..=7)
            .map(|line| Problem {
                line,
                what: "bad".to_owned(),
            })
            .collect();
        let mut reading = Reading::default();
        reading.add_problems(&problems);
        assert_eq!(reading.warnings.len(), 6);
        assert_eq!(reading.warnings[0], "malformed line 1: bad");
        assert_eq!(reading.warnings[5], "2 more malformed lines were skipped");
    }

    #[test]
    fn quoting_escapes_and_cuts() {
        assert_eq!(quoted("a\"b\n"), "\"a\\\"b\\n\"");
        let long = "é".repeat(100);
        let shown = quoted(&long);
        assert_eq!(shown.chars().filter(|c| *c == 'é').count(), 60);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn first_line_skips_blank_lines() {
        assert_eq!(first_line("\n  \n 3.18.1 \nx"), Some("3.18.1"));
        assert_eq!(first_line(" \n"), None);
    }
}
