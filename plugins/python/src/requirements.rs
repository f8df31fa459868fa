//! Pinned requirements files (`requirements.txt`, `requirements-dev.txt`, ...), in pip's format
//! (<https://pip.pypa.io/en/stable/reference/requirements-file-format/>).
//!
//! Only exact pins are packages: `name==version` (or `===`), with optional extras
//! (`name[socks]==1.0`), environment markers (`; python_version < "3.8"`) and per-requirement
//! options (`--hash=sha256:...`). A line continued with a trailing `\` is joined with the next;
//! `#` starts a comment at the beginning of a line or after whitespace. Ranges (`>=1.0`),
//! unpinned names, URLs and editable installs are not reported. Other files pulled in with
//! `-r` / `-c` are not followed: an info diagnostic names them, and they are read on their own
//! when their names match. UTF-16 files (with a byte order mark) are decoded.

use purser_plugin_api::{Diagnostic, DiagnosticLevel};

use crate::package::{PythonPackage, Reading};

/// Reads the pinned packages of the requirements file at `path`.
pub fn read_requirements(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let text = decode(contents);
    let mut includes = Vec::new();
    for (line_number, line) in logical_lines(&text) {
        let line = strip_comment(&line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(option) = line.strip_prefix('-') {
            if let Some(included) = included_file(option) {
                includes.push(included.to_owned());
            }
            continue;
        }
        match pinned(line) {
            Some((name, version)) => {
                let mut package = PythonPackage::new(name, version, "requirements");
                package
                    .metadata
                    .insert("line".into(), line_number.to_string());
                reading.packages.push(package);
            }
            None => continue,
        }
    }
    if !includes.is_empty() {
        reading.diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Info,
            path: path.to_owned(),
            message: format!(
                "included requirement files are not followed from here: {}",
                includes.join(", ")
            ),
        });
    }
    reading
}

/// The text, decoded from UTF-16 when it starts with a byte order mark, else as (lossy) UTF-8.
fn decode(contents: &[u8]) -> String {
    let utf16 = |bytes: &[u8], little_endian: bool| {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| {
                if little_endian {
                    u16::from_le_bytes([pair[0], pair[1]])
                } else {
                    u16::from_be_bytes([pair[0], pair[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match contents {
        [0xff, 0xfe, rest @ ..] => utf16(rest, true),
        [0xfe, 0xff, rest @ ..] => utf16(rest, false),
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(contents).into_owned(),
    }
}

/// Lines with `\` continuations joined, each with the number of its first physical line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, physical) in text.lines().enumerate() {
        let physical = physical.trim_end_matches('\r');
        let (continued, body) = match physical.strip_suffix('\\') {
            Some(body) => (true, body),
            None => (false, physical),
        };
        let (_, joined) = current.get_or_insert_with(|| (index + 1, String::new()));
        joined.push_str(body);
        joined.push(' ');
        if !continued {
            lines.extend(current.take());
        }
    }
    lines.extend(current);
    lines
}

/// The line without its comment: `#` at the start or after whitespace.
fn strip_comment(line: &str) -> String {
    let mut previous_is_space = true;
    for (index, character) in line.char_indices() {
        if character == '#' && previous_is_space {
            return line[..index].to_owned();
        }
        previous_is_space = character.is_whitespace();
    }
    line.to_owned()
}

/// The file an option line (`-r x.txt`, `--requirement=x.txt`, `-c x.txt`) includes.
fn included_file(option: &str) -> Option<&str> {
    let option = option.trim_start_matches('-');
    for flag in ["requirement", "constraint", "r", "c"] {
        if let Some(rest) = option.strip_prefix(flag) {
            let rest = rest.trim_start_matches('=').trim();
            if !rest.is_empty() && (rest.len() < option.len()) {
                return rest.split_whitespace().next();
            }
        }
    }
    None
}

/// `(name, version)` of an exact pin, or `None` for anything else.
fn pinned(requirement: &str) -> Option<(&str, &str)> {
    // Per-requirement options (`--hash=...`) and markers (`; python_version < "3"`) end it.
    let requirement = requirement.split(" --").next().unwrap_or(requirement);
    let requirement = requirement.split(';').next().unwrap_or(requirement).trim();
    let (name_part, version) = requirement
        .split_once("===")
        .or_else(|| requirement.split_once("=="))?;

    let name = name_part.split('[').next().unwrap_or(name_part).trim();
    // pip wants whitespace before a comment, but `Jinja2==3.0.0#note` is written by hand and
    // means 3.0.0, as Trivy reads it; no version holds a `#`.
    let version = version.split('#').next().unwrap_or(version).trim();
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "-_.".contains(character));
    // An exact version is made of PEP 440 characters only: this refuses wildcards (`1.*`),
    // ranges (`1.0,<2`), quoted or templated values (`'1.2.4'`, `{{ version }}`).
    let is_exact = version
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphanumeric())
        && version
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || ".+!-_".contains(character));
    (is_name && is_exact).then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        read_requirements("requirements.txt", text.as_bytes())
            .packages
            .iter()
            .map(|package| {
                format!(
                    "{}=={} (line {})",
                    package.name, package.version, package.metadata["line"]
                )
            })
            .collect()
    }

    #[test]
    fn exact_pins_with_extras_markers_hashes_and_continuations() {
        let text = "# comment\nFlask==1.0.3  # trailing comment\nrequests[socks,security] == 2.25.1 ; python_version >= \"3.6\"\nurllib3==1.26.4 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nDjango>=3.0\nsix\nnumpy==1.*\nattrs==21.1.0,<22\n-e git+https://x/y#egg=y\narrow===1.0\n";
        assert_eq!(
            found(text),
            [
                "Flask==1.0.3 (line 2)",
                "requests==2.25.1 (line 3)",
                "urllib3==1.26.4 (line 4)",
                "arrow==1.0 (line 12)",
            ]
        );
    }

    #[test]
    fn a_version_ends_at_a_comment_and_holds_only_version_characters() {
        let text =
            "Jinja2==3.0.0#comment\nfoo=='1.2.4'\nbar==%%\nbaz=={{ version }}\nqux==1.0+local.1\n";
        assert_eq!(
            found(text),
            ["Jinja2==3.0.0 (line 1)", "qux==1.0+local.1 (line 5)"]
        );
    }

    #[test]
    fn includes_are_reported_not_followed() {
        let reading = read_requirements("r.txt", b"-r base.txt\n--constraint=c.txt\nsix==1.16.0\n");
        assert_eq!(reading.packages.len(), 1);
        assert_eq!(
            reading.diagnostics[0].message,
            "included requirement files are not followed from here: base.txt, c.txt"
        );
    }

    #[test]
    fn utf16_files_are_decoded() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "six==1.16.0\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let reading = read_requirements("r.txt", &bytes);
        assert_eq!(reading.packages[0].name, "six");
        assert_eq!(reading.packages[0].version, "1.16.0");
    }
}
