//! The few Ruby literals a generated gemspec assigns: strings (`"rack".freeze`, `'rack'`,
//! `%q{rack}`, `%q<rack>`) and arrays of them (`["MIT".freeze, "Ruby".freeze]`, `%w[MIT Ruby]`).
//!
//! Nothing is evaluated: a string with interpolation (`"#{x}"`) or any other expression is
//! refused, so the caller can fall back and say so.

/// The string a Ruby literal at the start of `text` spells, with an optional `.freeze` after it;
/// `None` for anything else (an expression, interpolation, an unterminated quote, or text after
/// the literal).
pub fn string(text: &str) -> Option<String> {
    let (value, rest) = string_prefix(text.trim())?;
    rest.trim().is_empty().then_some(value)
}

/// The strings of an array literal (`[...]` of string literals, or `%w[...]`); a single string
/// literal counts as a one-element array. `None` when anything in it is not a plain literal.
pub fn string_array(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    if let Some(words) = percent_body(text, &['w', 'W']) {
        let (body, rest) = words;
        return rest
            .trim()
            .is_empty()
            .then(|| body.split_whitespace().map(str::to_owned).collect());
    }
    let Some(mut rest) = text.strip_prefix('[') else {
        return string(text).map(|value| vec![value]);
    };

    let mut values = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(']') {
            return after.trim().is_empty().then_some(values);
        }
        let (value, after) = string_prefix(rest)?;
        values.push(value);
        rest = after.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// A string literal at the start of `text`, and the text after it (and after `.freeze`).
fn string_prefix(text: &str) -> Option<(String, &str)> {
    let (value, rest) = if let Some(body) = text.strip_prefix('"') {
        double_quoted(body)?
    } else if let Some(body) = text.strip_prefix('\'') {
        single_quoted(body)?
    } else {
        let (body, rest) = percent_body(text, &['q', 'Q'])?;
        if body.contains("#{") || body.contains('\\') {
            return None;
        }
        (body.to_owned(), rest)
    };
    Some((value, rest.strip_prefix(".freeze").unwrap_or(rest)))
}

/// The body of `"..."` (after the opening quote) with its simple escapes resolved.
fn double_quoted(body: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut characters = body.char_indices();
    while let Some((index, character)) = characters.next() {
        match character {
            '"' => return Some((value, &body[index + 1..])),
            '#' if body[index + 1..].starts_with('{') => return None,
            '\\' => {
                let (_, escaped) = characters.next()?;
                value.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    '"' | '\\' | '#' | '\'' => escaped,
                    _ => return None,
                });
            }
            _ => value.push(character),
        }
    }
    None
}

/// The body of `'...'` (after the opening quote); only `\'` and `\\` are escapes.
fn single_quoted(body: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut characters = body.char_indices();
    while let Some((index, character)) = characters.next() {
        match character {
            '\'' => return Some((value, &body[index + 1..])),
            '\\' => match characters.next()? {
                (_, escaped @ ('\'' | '\\')) => value.push(escaped),
                (_, other) => {
                    value.push('\\');
                    value.push(other);
                }
            },
            _ => value.push(character),
        }
    }
    None
}

/// The body of `%<kind><open>...<close>` for one of `kinds` (or `%{...}` when `kinds` holds
/// `q`), and the text after it. Nested delimiters are not supported: the literal ends at the
/// first closing one.
fn percent_body<'a>(text: &'a str, kinds: &[char]) -> Option<(&'a str, &'a str)> {
    let rest = text.strip_prefix('%')?;
    let rest = match rest.chars().next()? {
        kind if kinds.contains(&kind) => &rest[1..],
        '{' | '(' | '[' | '<' if kinds.contains(&'q') => rest,
        _ => return None,
    };
    let open = rest.chars().next()?;
    let close = match open {
        '{' => '}',
        '(' => ')',
        '[' => ']',
        '<' => '>',
        '|' | '!' | '/' => open,
        _ => return None,
    };
    let body = &rest[open.len_utf8()..];
    let end = body.find(close)?;
    Some((&body[..end], &body[end + close.len_utf8()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_literal_forms_rubygems_writes_are_read() {
        assert_eq!(string(r#""rack".freeze"#).as_deref(), Some("rack"));
        assert_eq!(string("'rack'").as_deref(), Some("rack"));
        assert_eq!(string("%q{rack}").as_deref(), Some("rack"));
        assert_eq!(string("%q<rack>.freeze").as_deref(), Some("rack"));
        assert_eq!(string(r#""a \"b\"""#).as_deref(), Some("a \"b\""));
        assert_eq!(
            string_array(r#"["Ruby".freeze, "BSD-2-Clause".freeze]"#),
            Some(vec!["Ruby".to_owned(), "BSD-2-Clause".to_owned()])
        );
        assert_eq!(
            string_array("%w[MIT Ruby]"),
            Some(vec!["MIT".to_owned(), "Ruby".to_owned()])
        );
        assert_eq!(string_array(r#""MIT""#), Some(vec!["MIT".to_owned()]));
        assert_eq!(string_array("[]"), Some(Vec::new()));
    }

    #[test]
    fn expressions_interpolation_and_broken_quotes_are_refused() {
        for text in [
            r#""rack"#,
            r##""#{name}""##,
            "Rack::VERSION",
            "'a' + 'b'",
            "%q{open",
            r#"["MIT", LICENSE]"#,
            r#"["MIT""#,
            "%",
            "",
        ] {
            assert_eq!(string_array(text), None, "{text}");
        }
    }
}
