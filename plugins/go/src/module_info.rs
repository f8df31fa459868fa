//! The module information text of a Go executable, in the line format of
//! `runtime/debug.BuildInfo.String` (<https://pkg.go.dev/runtime/debug#BuildInfo>):
//!
//! ```text
//! path  github.com/containers/skopeo/cmd/skopeo
//! mod  github.com/containers/skopeo  (devel)
//! dep  github.com/BurntSushi/toml  v1.3.2  h1:…
//! =>  github.com/example/toml  v1.4.0  h1:…
//! build  -ldflags="-X main.version=1.2"
//! build  vcs.revision=0123abcd
//! ```
//!
//! Fields are separated by tabs (shown as two spaces above); `=>` replaces the module of the line
//! before it; a `build` key or value that holds spaces, tabs, quotes or `=` is quoted the way Go's
//! `strconv.Quote` does.

/// A module line (`mod` or `dep`), with the replacement that followed it, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Module {
    /// The module path, as written (`github.com/BurntSushi/toml`).
    pub path: String,
    /// The version (`v1.3.2`, `(devel)`), or empty when the line has none.
    pub version: String,
    /// The `go.sum` hash (`h1:…`), when recorded.
    pub sum: Option<String>,
    /// The module that replaced this one (`=>` line).
    pub replacement: Option<Box<Module>>,
}

/// The parsed module information of one executable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// The package path of the `main` package (`path` line).
    pub main_package: Option<String>,
    /// The main module (`mod` line); absent for binaries built outside a module.
    pub main_module: Option<Module>,
    /// The dependencies (`dep` lines), in order.
    pub dependencies: Vec<Module>,
    /// The build settings (`build` lines), in order, unquoted.
    pub settings: Vec<(String, String)>,
    /// Lines that could not be understood, kept for a diagnostic.
    pub malformed_lines: Vec<String>,
}

impl ModuleInfo {
    /// The value of build setting `key`, if recorded.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

/// Which module a `=>` line would replace.
#[derive(Clone, Copy)]
enum LastModule {
    None,
    Main,
    Dependency,
}

/// Parses module information text. Never fails: lines it cannot read are kept in
/// [`ModuleInfo::malformed_lines`].
pub fn parse_module_info(text: &str) -> ModuleInfo {
    let mut info = ModuleInfo::default();
    let mut last = LastModule::None;
    for line in text.lines().filter(|line| !line.is_empty()) {
        let (kind, rest) = line.split_once('\t').unwrap_or((line, ""));
        let understood = match kind {
            "path" => {
                info.main_package = Some(rest.to_owned());
                Some(())
            }
            "mod" => parse_module(rest).map(|module| {
                info.main_module = Some(module);
                last = LastModule::Main;
            }),
            "dep" => parse_module(rest).map(|module| {
                info.dependencies.push(module);
                last = LastModule::Dependency;
            }),
            "=>" => parse_module(rest).and_then(|replacement| {
                let target = match last {
                    LastModule::Main => info.main_module.as_mut(),
                    LastModule::Dependency => info.dependencies.last_mut(),
                    LastModule::None => None,
                }?;
                target.replacement = Some(Box::new(replacement));
                last = LastModule::None;
                Some(())
            }),
            "build" => parse_setting(rest).map(|setting| info.settings.push(setting)),
            _ => None,
        }
        .is_some();
        if !understood {
            info.malformed_lines.push(line.to_owned());
        }
    }
    info
}

/// `path [version [sum]]`, tab-separated.
fn parse_module(fields: &str) -> Option<Module> {
    let mut fields = fields.split('\t');
    let path = fields.next().filter(|path| !path.is_empty())?;
    let version = fields.next().unwrap_or_default();
    let sum = fields.next().filter(|sum| !sum.is_empty());
    Some(Module {
        path: path.to_owned(),
        version: version.to_owned(),
        sum: sum.map(str::to_owned),
        replacement: None,
    })
}

/// `key=value`, either part possibly quoted.
fn parse_setting(text: &str) -> Option<(String, String)> {
    let (key, rest) = if text.starts_with(['"', '`']) {
        let (key, used) = unquote_prefix(text)?;
        (key, text.get(used..)?)
    } else {
        let equals = text.find('=')?;
        (text[..equals].to_owned(), &text[equals..])
    };
    let raw_value = rest.strip_prefix('=')?;
    if key.is_empty() {
        return None;
    }
    let value = if raw_value.starts_with(['"', '`']) {
        let (value, used) = unquote_prefix(raw_value)?;
        (used == raw_value.len()).then_some(value)?
    } else {
        raw_value.to_owned()
    };
    Some((key, value))
}

/// The quoted string at the start of `text` (Go syntax: `"…"` with backslash escapes, or
/// `` `…` `` raw) unquoted, and how many bytes of `text` it took.
fn unquote_prefix(text: &str) -> Option<(String, usize)> {
    if let Some(raw) = text.strip_prefix('`') {
        let end = raw.find('`')?;
        return Some((raw[..end].to_owned(), end + 2));
    }
    let body = text.strip_prefix('"')?;
    let mut value = String::new();
    let mut characters = body.char_indices();
    while let Some((index, character)) = characters.next() {
        match character {
            '"' => return Some((value, index + 2)),
            '\\' => {
                let (_, escaped) = characters.next()?;
                match escaped {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    '0'..='7' | 'x' | 'u' | 'U' => {
                        let digits = match escaped {
                            'x' => 2,
                            'u' => 4,
                            'U' => 8,
                            _ => 2,
                        };
                        let radix = if escaped.is_ascii_digit() { 8 } else { 16 };
                        let mut number = String::new();
                        if radix == 8 {
                            number.push(escaped);
                        }
                        for _ in 0..digits {
                            number.push(characters.next()?.1);
                        }
                        let code = u32::from_str_radix(&number, radix).ok()?;
                        value.push(char::from_u32(code)?);
                    }
                    other => value.push(other),
                }
            }
            other => value.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "path\texample.com/app/cmd/app\n\
        mod\texample.com/app\t(devel)\t\n\
        dep\tgithub.com/BurntSushi/toml\tv1.3.2\th1:abc=\n\
        dep\tgolang.org/x/net\tv0.1.0\th1:net=\n\
        =>\tgithub.com/fork/net\tv0.2.0\th1:fork=\n\
        dep\texample.com/local\tv0.0.0\t\n\
        =>\t../local\t\t\n\
        build\t-ldflags=\"-X main.version=1.2 -s\"\n\
        build\tCGO_ENABLED=1\n\
        build\t\"odd key\"=`raw value`\n\
        build\tvcs.revision=0123abcd\n";

    #[test]
    fn every_line_kind_is_read() {
        let info = parse_module_info(TEXT);
        assert!(
            info.malformed_lines.is_empty(),
            "{:?}",
            info.malformed_lines
        );
        assert_eq!(
            info.main_package.as_deref(),
            Some("example.com/app/cmd/app")
        );
        let main = info.main_module.as_ref().expect("mod line");
        assert_eq!(
            (main.path.as_str(), main.version.as_str()),
            ("example.com/app", "(devel)")
        );
        assert_eq!(main.sum, None);
        assert_eq!(info.dependencies.len(), 3);
        assert_eq!(info.dependencies[0].sum.as_deref(), Some("h1:abc="));
        let fork = info.dependencies[1].replacement.as_ref().expect("replaced");
        assert_eq!(
            (fork.path.as_str(), fork.version.as_str()),
            ("github.com/fork/net", "v0.2.0")
        );
        let local = info.dependencies[2].replacement.as_ref().expect("replaced");
        assert_eq!(
            (local.path.as_str(), local.version.as_str()),
            ("../local", "")
        );
        assert_eq!(info.setting("-ldflags"), Some("-X main.version=1.2 -s"));
        assert_eq!(info.setting("odd key"), Some("raw value"));
        assert_eq!(info.setting("vcs.revision"), Some("0123abcd"));
    }

    #[test]
    fn garbage_lines_are_kept_not_fatal() {
        let info = parse_module_info("dep\t\nbuild\tnoequals\n=>\tx\tv1\nwhat\n");
        assert_eq!(info.malformed_lines.len(), 4);
        assert!(info.dependencies.is_empty());
    }

    #[test]
    fn escapes_in_quoted_values() {
        assert_eq!(
            parse_setting(r#"-tags="a\tb\x41\u00e9\"""#),
            Some(("-tags".to_owned(), "a\tbAé\"".to_owned()))
        );
        assert_eq!(parse_setting(r#"k="unterminated"#), None);
    }
}
