//! Reader for the shell-like `KEY=value` files of os-release(5), also used by `lsb-release`.
//!
//! The grammar follows os-release(5) and the reader systemd uses for it: one assignment per line;
//! blank lines and lines starting with `#` are ignored; a value may be bare, `"double quoted"`
//! or `'single quoted'`. In double quotes a backslash escapes only `"`, `\`, `` ` `` and `$`
//! (any other backslash is kept, as a shell keeps it) and a backslash before a newline joins the
//! lines; single quotes take everything literally; in a bare value a backslash escapes any
//! character. Quoted values may span lines. Trailing whitespace of a bare value is dropped,
//! which also drops the `\r` of files with DOS line endings. When a key repeats, the later value
//! wins, as when a shell sources the file.
//!
//! Where a file breaks the grammar the reader keeps going and records a [`Problem`] for the
//! line, so one stray line does not hide the rest of the file.

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::str::Chars;

/// The assignments of one file, and what was wrong with it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Assignments {
    values: BTreeMap<String, String>,
    problems: Vec<Problem>,
}

/// A line the reader had to skip or could only partly read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// 1-based line number.
    pub(crate) line: usize,
    /// What was wrong, lowercase.
    pub(crate) what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "line {}: {}", self.line, self.what)
    }
}

impl Assignments {
    /// The value of `key`, if the file assigns it.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// The value of `key` with surrounding whitespace removed, or `None` when it is absent or
    /// blank (os-release files often carry `VERSION_CODENAME=""`).
    pub(crate) fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    /// Lines the reader skipped or could only partly read, in file order.
    pub(crate) fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

/// Reads every assignment of `text`.
pub(crate) fn parse(text: &str) -> Assignments {
    let mut reader = Reader {
        chars: text.chars().peekable(),
        line: 1,
        assignments: Assignments::default(),
    };
    reader.run();
    reader.assignments
}

struct Reader<'a> {
    chars: Peekable<Chars<'a>>,
    line: usize,
    assignments: Assignments,
}

impl Reader<'_> {
    fn run(&mut self) {
        while let Some(first) = self.skip_blank() {
            if first == '#' {
                self.skip_line();
                continue;
            }
            self.assignment();
        }
    }

    /// Skips whitespace, including empty lines, and returns the next character without taking
    /// it.
    fn skip_blank(&mut self) -> Option<char> {
        while let Some(&next) = self.chars.peek() {
            if !next.is_whitespace() {
                return Some(next);
            }
            self.take();
        }
        None
    }

    /// Takes one character, counting lines.
    fn take(&mut self) -> Option<char> {
        let next = self.chars.next()?;
        if next == '\n' {
            self.line += 1;
        }
        Some(next)
    }

    fn skip_line(&mut self) {
        while let Some(next) = self.take() {
            if next == '\n' {
                break;
            }
        }
    }

    fn problem(&mut self, line: usize, what: impl Into<String>) {
        self.assignments.problems.push(Problem {
            line,
            what: what.into(),
        });
    }

    /// Reads `KEY=value` starting at a non-blank character.
    fn assignment(&mut self) {
        let line = self.line;
        let mut key = String::new();
        loop {
            match self.chars.peek() {
                Some('=') => break,
                Some('\n') | None => {
                    self.problem(line, "not a KEY=value assignment; skipped");
                    return;
                }
                Some(&next) => {
                    key.push(next);
                    self.take();
                }
            }
        }
        self.take();

        let key = key.trim_end();
        if !is_valid_key(key) {
            self.problem(
                line,
                format!("`{key}` is not a valid variable name; skipped"),
            );
            // The value may be quoted over several lines; read it anyway so that its lines are
            // not mistaken for assignments.
            self.value(line);
            return;
        }
        let key = key.to_owned();
        let value = self.value(line);
        self.assignments.values.insert(key, value);
    }

    /// Reads a value up to the end of its line (quoted parts may span lines).
    fn value(&mut self, line: usize) -> String {
        while matches!(self.chars.peek(), Some(' ' | '\t')) {
            self.take();
        }

        let mut value = String::new();
        // Length of `value` without the trailing whitespace of its bare part.
        let mut kept = 0;
        while let Some(next) = self.take() {
            match next {
                '\n' => break,
                '"' => {
                    self.double_quoted(line, &mut value);
                    kept = value.len();
                }
                '\'' => {
                    self.single_quoted(line, &mut value);
                    kept = value.len();
                }
                '\\' => match self.take() {
                    Some('\n') | None => {}
                    Some(escaped) => {
                        value.push(escaped);
                        kept = value.len();
                    }
                },
                other => {
                    value.push(other);
                    if !other.is_whitespace() {
                        kept = value.len();
                    }
                }
            }
        }
        value.truncate(kept);
        value
    }

    fn double_quoted(&mut self, line: usize, value: &mut String) {
        while let Some(next) = self.take() {
            match next {
                '"' => return,
                '\\' => match self.take() {
                    Some('\n') => {}
                    Some(escaped @ ('"' | '\\' | '`' | '$')) => value.push(escaped),
                    Some(other) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => break,
                },
                other => value.push(other),
            }
        }
        self.problem(line, "the double quote opened here is never closed");
    }

    fn single_quoted(&mut self, line: usize, value: &mut String) {
        while let Some(next) = self.take() {
            if next == '\'' {
                return;
            }
            value.push(next);
        }
        self.problem(line, "the single quote opened here is never closed");
    }
}

/// Whether `key` is a shell variable name: a letter or `_`, then letters, digits or `_`.
fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|next| next.is_ascii_alphanumeric() || next == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_machines_os_release() {
        // /usr/lib/os-release of the Debian 12 machine this crate was written on.
        let text = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
                    VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\n\
                    ID=debian\nHOME_URL=\"https://www.debian.org/\"\n\
                    SUPPORT_URL=\"https://www.debian.org/support\"\n\
                    BUG_REPORT_URL=\"https://bugs.debian.org/\"\n";
        let assignments = parse(text);
        assert_eq!(assignments.get("ID"), Some("debian"));
        assert_eq!(assignments.get("VERSION_ID"), Some("12"));
        assert_eq!(
            assignments.get("PRETTY_NAME"),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(assignments.get("HOME_URL"), Some("https://www.debian.org/"));
        assert!(assignments.problems().is_empty());
    }

    #[test]
    fn comments_blank_lines_and_single_quotes() {
        // Shape of openSUSE Tumbleweed's file (Trivy's testdata `opensusetumbleweed`), with a
        // single-quoted value added.
        let text = "NAME=\"openSUSE Tumbleweed\"\n# VERSION=\"20220412\"\n\n  \nID='opensuse-tumbleweed'\n";
        let assignments = parse(text);
        assert_eq!(assignments.get("VERSION"), None);
        assert_eq!(assignments.get("ID"), Some("opensuse-tumbleweed"));
        assert!(assignments.problems().is_empty());
    }

    #[test]
    fn backslash_escapes_follow_the_shell() {
        let text = concat!(
            "A=\"say \\\"hi\\\" for \\$5 \\\\ \\`x\\` \\n\"\n",
            "B='no \\\" escapes'\n",
            "C=bare\\ value\\$\n",
            "D=\"joined \\\nline\"\n",
        );
        let assignments = parse(text);
        assert_eq!(assignments.get("A"), Some("say \"hi\" for $5 \\ `x` \\n"));
        assert_eq!(assignments.get("B"), Some("no \\\" escapes"));
        assert_eq!(assignments.get("C"), Some("bare value$"));
        assert_eq!(assignments.get("D"), Some("joined line"));
    }

    #[test]
    fn quoted_values_may_span_lines() {
        let assignments = parse("A=\"first\nsecond\"\nB=after\n");
        assert_eq!(assignments.get("A"), Some("first\nsecond"));
        assert_eq!(assignments.get("B"), Some("after"));
    }

    #[test]
    fn dos_line_endings_and_trailing_spaces_are_dropped() {
        // Grype's testdata `unprintable` is an os-release file saved with CRLF line endings.
        let assignments = parse(
            "PRETTY_NAME=\"Debian GNU/Linux 8 (jessie)\"\r\nVERSION_ID=\"8\"\r\nID=debian  \r\n",
        );
        assert_eq!(assignments.get("VERSION_ID"), Some("8"));
        assert_eq!(assignments.get("ID"), Some("debian"));
        assert!(assignments.problems().is_empty());
    }

    #[test]
    fn spaces_around_the_equals_sign_are_tolerated() {
        let assignments = parse("ID = debian\n");
        assert_eq!(assignments.get("ID"), Some("debian"));
    }

    #[test]
    fn the_later_of_repeated_keys_wins() {
        let assignments = parse("ID=first\nID=second\n");
        assert_eq!(assignments.get("ID"), Some("second"));
    }

    #[test]
    fn broken_lines_are_reported_and_skipped() {
        // The first line of osv-scanner's testdata `alpine-3.18-os-release` is a shell prompt
        // captured with the file.
        let text = "/ # cat /etc/os-release\nNAME=\"Alpine Linux\"\nID=alpine\n9X=bad\nBROKEN=\"never closed\n";
        let assignments = parse(text);
        assert_eq!(assignments.get("ID"), Some("alpine"));
        assert_eq!(assignments.get("9X"), None);
        assert_eq!(assignments.get("BROKEN"), Some("never closed\n"));
        let lines: Vec<usize> = assignments.problems().iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![1, 4, 5]);
        assert_eq!(
            assignments.problems()[0].to_string(),
            "line 1: not a KEY=value assignment; skipped"
        );
    }

    #[test]
    fn an_invalid_key_with_a_multi_line_value_does_not_leak_assignments() {
        let assignments = parse("BAD-KEY=\"x\nID=fake\"\nID=real\n");
        assert_eq!(assignments.get("ID"), Some("real"));
        assert_eq!(assignments.problems().len(), 1);
    }

    #[test]
    fn blank_values_are_not_non_empty() {
        let assignments = parse("VERSION_CODENAME=\"\"\nNAME=  Fedora  \n");
        assert_eq!(assignments.get("VERSION_CODENAME"), Some(""));
        assert_eq!(assignments.non_empty("VERSION_CODENAME"), None);
        assert_eq!(assignments.non_empty("NAME"), Some("Fedora"));
    }

    #[test]
    fn empty_and_comment_only_text_has_nothing() {
        assert_eq!(parse(""), Assignments::default());
        assert_eq!(parse("# only a comment"), Assignments::default());
    }
}
