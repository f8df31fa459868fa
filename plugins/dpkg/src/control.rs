//! The deb822 control format of dpkg's database: stanzas of `Field: value` lines.
//!
//! Reference: deb822(5) and the Debian Policy Manual, section 5.1
//! (<https://www.debian.org/doc/debian-policy/ch-controlfields.html#syntax-of-control-files>).
//! A stanza (paragraph) is a run of lines ended by an empty line or by the end of the file. A
//! field starts at the first column with its name, a colon and its value; a line starting with a
//! space or a tab continues the previous field (descriptions write an empty continuation line as
//! ` .`). Field names are case-insensitive. dpkg's status file has no comments, so a line starting
//! with `#` is not treated specially.

/// One field: its name and its value with the continuation lines, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The name, as written.
    pub name: &'a str,
    /// The value: the source text from after the colon to the end of the last continuation
    /// line, line endings included, without leading and trailing whitespace.
    pub value: &'a str,
}

/// One stanza and where it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stanza<'a> {
    /// 1-based line number of the stanza's first line.
    pub line: usize,
    /// The fields in the order written.
    pub fields: Vec<Field<'a>>,
}

impl<'a> Stanza<'a> {
    /// The value of the first field named `name` (compared case-insensitively), trimmed.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
            .map(|field| field.value.trim())
    }
}

/// The stanzas of a file and the lines that could not be read, as warnings.
#[derive(Debug, Default)]
pub struct ControlFile<'a> {
    /// The stanzas, in file order; stanzas without any field are left out.
    pub stanzas: Vec<Stanza<'a>>,
    /// One message per unreadable line, naming the line.
    pub warnings: Vec<String>,
}

/// Splits `text` into stanzas. Never fails: a line that is neither a field nor a continuation is
/// reported in [`ControlFile::warnings`] and skipped. CRLF line endings and a missing final
/// newline are accepted.
pub fn parse(text: &str) -> ControlFile<'_> {
    let mut file = ControlFile::default();
    let mut current = Stanza::default();
    // Byte range in `text` of the field being read, so that continuation lines extend it
    // without copying.
    let mut open_field: Option<(usize, usize, usize)> = None;

    let mut offset = 0;
    for (index, raw_line) in text.split_inclusive('\n').enumerate() {
        let line_number = index + 1;
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);

        if line.trim().is_empty() {
            close_field(text, &mut current, &mut open_field);
            finish_stanza(&mut file, &mut current);
            continue;
        }

        if line.starts_with([' ', '\t']) {
            match open_field.as_mut() {
                Some((_, _, value_end)) => *value_end = line_start + line.len(),
                None => file.warnings.push(format!(
                    "line {line_number}: continuation line without a field before it; skipped"
                )),
            }
            continue;
        }

        close_field(text, &mut current, &mut open_field);
        let Some((name, _)) = line.split_once(':') else {
            file.warnings.push(format!(
                "line {line_number}: expected `Field: value`, found no colon; skipped"
            ));
            continue;
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            file.warnings.push(format!(
                "line {line_number}: `{}` is not a field name; skipped",
                name.trim()
            ));
            continue;
        }

        if current.fields.is_empty() {
            current.line = line_number;
        }
        let value_start = line_start + name.len() + 1;
        open_field = Some((line_start, value_start, line_start + line.len()));
    }

    close_field(text, &mut current, &mut open_field);
    finish_stanza(&mut file, &mut current);
    file
}

/// Adds the field being read, if any, to the stanza.
fn close_field<'a>(
    text: &'a str,
    stanza: &mut Stanza<'a>,
    open_field: &mut Option<(usize, usize, usize)>,
) {
    let Some((name_start, value_start, value_end)) = open_field.take() else {
        return;
    };
    stanza.fields.push(Field {
        name: &text[name_start..value_start - 1],
        value: text[value_start..value_end].trim(),
    });
}

fn finish_stanza<'a>(file: &mut ControlFile<'a>, stanza: &mut Stanza<'a>) {
    if !stanza.fields.is_empty() {
        file.stanzas.push(std::mem::take(stanza));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stanzas_split_on_blank_lines_and_keep_their_line() {
        let file = parse("Package: a\nVersion: 1\n\n\nPackage: b\nVersion: 2\n");
        assert!(file.warnings.is_empty());
        assert_eq!(file.stanzas.len(), 2);
        assert_eq!(file.stanzas[0].get("package"), Some("a"));
        assert_eq!(file.stanzas[1].get("Version"), Some("2"));
        assert_eq!(file.stanzas[1].line, 5);
    }

    #[test]
    fn continuation_lines_extend_the_field() {
        let text =
            "Package: bash\nDescription: GNU shell\n Bash is a shell.\n .\n\tMore.\nHomepage: x\n";
        let file = parse(text);
        let [stanza] = file.stanzas.as_slice() else {
            panic!("one stanza expected: {:?}", file.stanzas)
        };
        assert_eq!(
            stanza.get("Description"),
            Some("GNU shell\n Bash is a shell.\n .\n\tMore.")
        );
        assert_eq!(stanza.get("Homepage"), Some("x"));
    }

    #[test]
    fn crlf_and_a_missing_final_newline_are_accepted() {
        let file = parse("Package: a\r\nVersion: 1:2.0\r\n\r\nPackage: b\r\nVersion: 3");
        assert!(file.warnings.is_empty());
        assert_eq!(file.stanzas[0].get("Version"), Some("1:2.0"));
        assert_eq!(file.stanzas[1].get("Version"), Some("3"));
    }

    #[test]
    fn whitespace_only_lines_separate_stanzas() {
        let file = parse("Package: a\n \t\nPackage: b\n");
        assert_eq!(file.stanzas.len(), 2);
    }

    #[test]
    fn garbage_lines_are_warned_about_with_their_number() {
        let file = parse(" orphan\nPackage: a\nnot a field\nbad name: x\n");
        assert_eq!(file.stanzas.len(), 1);
        assert_eq!(file.stanzas[0].fields.len(), 1);
        assert_eq!(file.warnings.len(), 3, "{:?}", file.warnings);
        assert!(file.warnings[0].starts_with("line 1:"));
        assert!(file.warnings[1].starts_with("line 3:"));
        assert!(file.warnings[2].starts_with("line 4:"));
    }

    #[test]
    fn an_empty_value_is_kept_as_empty() {
        let file = parse("Package:");
        assert_eq!(file.stanzas[0].get("Package"), Some(""));
    }

    #[test]
    fn empty_input_has_no_stanzas() {
        let file = parse("");
        assert!(file.stanzas.is_empty());
        assert!(file.warnings.is_empty());
    }
}
