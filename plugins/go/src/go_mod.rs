//! `go.mod` files (<https://go.dev/ref/mod#go-mod-file>): the `require` and `replace` directives,
//! on one line or in a parenthesised block, with `// indirect` comments.
//!
//! `go.mod` names the minimum versions a module asks for, not what a build selected (that is in
//! the binary), so these packages carry `evidence = go.mod`.

use purser_plugin_api::Finding;

use crate::module_info::Module;
use crate::packages::module_package;

/// One `replace` directive: `old [version] => new [version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Replace {
    old_path: String,
    old_version: Option<String>,
    new: Module,
}

/// What a `go.mod` file declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoMod {
    /// The `module` directive.
    pub module: Option<String>,
    /// `require` directives with their `// indirect` flag, replacements applied.
    pub requirements: Vec<(Module, bool)>,
    /// Lines inside a directive that could not be read.
    pub malformed_lines: Vec<String>,
}

/// The directives of the go.mod reference besides `module`, `require` and `replace`; they name
/// no package.
const OTHER_DIRECTIVES: [&str; 7] = [
    "go",
    "toolchain",
    "godebug",
    "exclude",
    "retract",
    "tool",
    "ignore",
];

/// Parses a `go.mod` file. Never fails: unreadable lines are kept in
/// [`GoMod::malformed_lines`].
pub fn parse_go_mod(text: &str) -> GoMod {
    let mut go_mod = GoMod::default();
    let mut replaces = Vec::new();
    let mut block: Option<String> = None;

    for raw_line in text.lines() {
        let (code, comment) = match raw_line.split_once("//") {
            Some((code, comment)) => (code.trim(), comment.trim()),
            None => (raw_line.trim(), ""),
        };
        if code.is_empty() {
            continue;
        }

        // A block's lines are bare arguments of the verb that opened it.
        let (verb, arguments) = if let Some(verb) = &block {
            if code == ")" {
                block = None;
                continue;
            }
            (verb.clone(), code)
        } else {
            let (verb, rest) = code.split_once(char::is_whitespace).unwrap_or((code, ""));
            let rest = rest.trim();
            if rest == "(" {
                block = Some(verb.to_owned());
                continue;
            }
            (verb.to_owned(), rest)
        };

        let understood = match verb.as_str() {
            "module" => {
                go_mod.module = Some(unquote(arguments).to_owned());
                Some(())
            }
            "require" => parse_require(arguments).map(|module| {
                go_mod.requirements.push((module, comment == "indirect"));
            }),
            "replace" => parse_replace(arguments).map(|replace| replaces.push(replace)),
            verb if OTHER_DIRECTIVES.contains(&verb) => Some(()),
            // The `go` command refuses a go.mod with an unknown directive, so the line is
            // reported; a directive newer than this list is reported too, and nothing else of
            // the file is lost.
            _ => None,
        }
        .is_some();
        if !understood {
            go_mod.malformed_lines.push(raw_line.to_owned());
        }
    }

    apply_replacements(&mut go_mod.requirements, &replaces);
    go_mod
}

/// `path version`.
fn parse_require(arguments: &str) -> Option<Module> {
    let mut fields = arguments.split_whitespace();
    let (path, version) = (fields.next()?, fields.next()?);
    Some(Module {
        path: unquote(path).to_owned(),
        version: version.to_owned(),
        ..Module::default()
    })
}

/// `old [version] => new [version]`.
fn parse_replace(arguments: &str) -> Option<Replace> {
    let (old, new) = arguments.split_once("=>")?;
    let mut old = old.split_whitespace();
    let mut new = new.split_whitespace();
    let old_path = unquote(old.next()?).to_owned();
    let old_version = old.next().map(str::to_owned);
    let new_path = unquote(new.next()?).to_owned();
    let new_version = new.next().unwrap_or_default().to_owned();
    Some(Replace {
        old_path,
        old_version,
        new: Module {
            path: new_path,
            version: new_version,
            ..Module::default()
        },
    })
}

/// Attaches each replacement to the requirements it matches (same path, and same version when
/// the directive names one).
fn apply_replacements(requirements: &mut [(Module, bool)], replaces: &[Replace]) {
    for (module, _) in requirements {
        let replace = replaces.iter().rev().find(|replace| {
            replace.old_path == module.path
                && replace
                    .old_version
                    .as_ref()
                    .is_none_or(|version| *version == module.version)
        });
        if let Some(replace) = replace {
            module.replacement = Some(Box::new(replace.new.clone()));
        }
    }
}

/// A path without the double quotes `go.mod` allows around it.
fn unquote(word: &str) -> &str {
    word.strip_prefix('"')
        .and_then(|word| word.strip_suffix('"'))
        .unwrap_or(word)
}

/// The findings for a `go.mod` file at `source_path`: one package per requirement.
pub fn go_mod_packages(go_mod: &GoMod, source_path: &str) -> Vec<Finding> {
    go_mod
        .requirements
        .iter()
        .map(|(module, indirect)| {
            let mut package = module_package(module, source_path, "go.mod");
            if *indirect {
                package
                    .metadata
                    .insert("indirect".to_owned(), "true".to_owned());
            }
            Finding::Package(package)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_MOD: &str = r#"module example.com/app // the app

go 1.21

require github.com/BurntSushi/toml v1.3.2
require (
	golang.org/x/net v0.1.0 // indirect
	golang.org/x/text v0.3.0
	"example.com/local" v0.0.0
	broken
)

replace golang.org/x/net v0.1.0 => github.com/fork/net v0.2.0
replace (
	golang.org/x/text v9.9.9 => github.com/never/text v1.0.0
	example.com/local => ../local
)
exclude golang.org/x/text v0.2.0
"#;

    #[test]
    fn requires_replaces_and_indirect() {
        let go_mod = parse_go_mod(GO_MOD);
        assert_eq!(go_mod.module.as_deref(), Some("example.com/app"));
        assert_eq!(go_mod.malformed_lines, vec!["\tbroken".to_owned()]);
        let names: Vec<(&str, bool)> = go_mod
            .requirements
            .iter()
            .map(|(module, indirect)| (module.path.as_str(), *indirect))
            .collect();
        assert_eq!(
            names,
            [
                ("github.com/BurntSushi/toml", false),
                ("golang.org/x/net", true),
                ("golang.org/x/text", false),
                ("example.com/local", false)
            ]
        );

        let findings = go_mod_packages(&go_mod, "src/go.mod");
        let Finding::Package(net) = &findings[1] else {
            panic!("a package")
        };
        assert_eq!(
            (net.name.as_str(), net.version.as_str()),
            ("github.com/fork/net", "v0.2.0")
        );
        assert_eq!(net.metadata["indirect"], "true");
        // The text replacement names another version, so it does not apply.
        let Finding::Package(text) = &findings[2] else {
            panic!("a package")
        };
        assert_eq!(text.name, "golang.org/x/text");
        let Finding::Package(local) = &findings[3] else {
            panic!("a package")
        };
        assert_eq!(local.metadata["replaced_by_path"], "../local");
    }
}
