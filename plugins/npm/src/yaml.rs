//! Small helpers over `yaml_rust2`'s document tree.

use yaml_rust2::Yaml;

/// A scalar as text: strings as they are, numbers and booleans as YAML wrote them (an
/// unquoted `version: 1.0` is a number to YAML but a version string to us); `None` for
/// anything else.
pub fn text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(text) | Yaml::Real(text) => Some(text.clone()),
        Yaml::Integer(number) => Some(number.to_string()),
        Yaml::Boolean(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_spelling() {
        assert_eq!(text(&Yaml::Real("5.40".into())).as_deref(), Some("5.40"));
        assert_eq!(text(&Yaml::Integer(6)).as_deref(), Some("6"));
        assert_eq!(text(&Yaml::Null), None);
    }
}
