//! Whether tables use ANSI colours: `--color auto|always|never` and the `NO_COLOR` convention
//! (<https://no-color.org>).

use std::ffi::OsStr;

/// The `--color` choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour, whatever the stream and `NO_COLOR` say.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Every choice, in the order help texts list them.
    pub const ALL: [ColorChoice; 3] = [ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never];

    /// The name users type (`auto`, `always`, `never`).
    pub fn name(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }

    /// The choice named `name`, case-insensitive; `None` for any other word.
    pub fn from_name(name: &str) -> Option<ColorChoice> {
        ColorChoice::ALL
            .into_iter()
            .find(|choice| choice.name().eq_ignore_ascii_case(name))
    }
}

/// Whether to colour output, reading `NO_COLOR` from the environment; see
/// [`color_enabled_given`] for the rule.
pub fn color_enabled(choice: ColorChoice, stream_is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR");
    color_enabled_given(choice, stream_is_terminal, no_color.as_deref())
}

/// Whether to colour output, given the value of `NO_COLOR` (`None` when unset).
///
/// `always` and `never` are explicit requests and win. `auto` colours only a terminal, and
/// only while `NO_COLOR` is unset or empty: any non-empty value turns colour off, as the
/// convention asks.
pub fn color_enabled_given(
    choice: ColorChoice,
    stream_is_terminal: bool,
    no_color: Option<&OsStr>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let asked_for_no_color = no_color.is_some_and(|value| !value.is_empty());
            stream_is_terminal && !asked_for_no_color
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_only_a_terminal_without_no_color() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));

        assert!(color_enabled_given(ColorChoice::Auto, true, None));
        assert!(color_enabled_given(ColorChoice::Auto, true, empty));
        assert!(!color_enabled_given(ColorChoice::Auto, true, set));
        assert!(!color_enabled_given(ColorChoice::Auto, false, None));
    }

    #[test]
    fn explicit_choices_win_over_stream_and_no_color() {
        let set = Some(OsStr::new("1"));

        assert!(color_enabled_given(ColorChoice::Always, false, set));
        assert!(!color_enabled_given(ColorChoice::Never, true, None));
    }

    #[test]
    fn choice_names_round_trip() {
        for choice in ColorChoice::ALL {
            assert_eq!(ColorChoice::from_name(choice.name()), Some(choice));
        }
        assert_eq!(ColorChoice::from_name("ALWAYS"), Some(ColorChoice::Always));
        assert_eq!(ColorChoice::from_name("sometimes"), None);
    }
}
