//! Installed gem specifications: the `specifications/<name>-<version>.gemspec` files RubyGems
//! writes when it installs a gem (`Gem::Specification#to_ruby`,
//! <https://guides.rubygems.org/specification-reference/>), and `specifications/default/`
//! for the gems bundled with Ruby itself.
//!
//! The file is Ruby code, but generated and regular: one `s.<attribute> = <literal>` per line
//! inside `Gem::Specification.new do |s| ... end`. This reader never runs Ruby; it reads the
//! `name`, `version`, `platform`, `license` and `licenses` assignments whose value is a plain
//! literal. When the name or version is missing or not a literal (a hand-written gemspec that
//! computes its version, or odd quoting), both are taken from the file name and a warning says
//! so.

use purser_plugin_api::Diagnostic;

use crate::package::{Gem, Reading};
use crate::ruby_literal::{string, string_array};

/// The attributes read from a gemspec, as far as each was a plain literal.
#[derive(Debug, Default)]
struct Attributes {
    name: Option<String>,
    version: Option<String>,
    platform: Option<String>,
    licenses: Vec<String>,
    /// Attributes assigned something other than a literal.
    not_literal: Vec<&'static str>,
}

/// Reads the gem the installed gemspec at `path` describes.
pub fn read_gemspec(path: &str, contents: &[u8]) -> Reading {
    let mut reading = Reading::default();
    let text = String::from_utf8_lossy(contents);
    let attributes = attributes(&text);
    let file_name = path.rsplit('/').next().unwrap_or(path);

    let (name, version) = match (&attributes.name, &attributes.version) {
        (Some(name), Some(version)) if !name.is_empty() && !version.is_empty() => {
            (name.clone(), version.clone())
        }
        _ => {
            let Some((name, version)) = name_and_version_from_file_name(file_name) else {
                reading.diagnostics.push(Diagnostic::warning(
                    path,
                    "no literal gem name and version in the Gem::Specification, and the file \
                     name is not `<name>-<version>.gemspec`; no gem read from it",
                ));
                return reading;
            };
            reading.diagnostics.push(Diagnostic::warning(
                path,
                format!(
                    "no literal gem name and version in the Gem::Specification (odd quoting \
                     or computed values); reported as {name} {version} from the file name"
                ),
            ));
            (name, version)
        }
    };

    if !attributes.not_literal.is_empty() {
        reading.diagnostics.push(Diagnostic::warning(
            path,
            format!(
                "gemspec attributes not assigned a plain literal were skipped: {}",
                attributes.not_literal.join(", ")
            ),
        ));
    }

    let mut gem = Gem::new(&name, &version, "gemspec");
    gem.platform = attributes.platform.filter(|platform| platform != "ruby");
    gem.licenses = attributes.licenses;
    if path.contains("/specifications/default/") || path.starts_with("specifications/default/") {
        gem.metadata.insert("default_gem".into(), "true".into());
    }
    reading.gems.push(gem);
    reading
}

/// The literal assignments of the attributes this reader knows, from the first
/// `Gem::Specification.new` on.
fn attributes(text: &str) -> Attributes {
    let mut attributes = Attributes::default();
    let body = text
        .find("Gem::Specification.new")
        .map_or(text, |start| &text[start..]);

    for line in body.lines() {
        let Some((target, value)) = line.trim().split_once('=') else {
            continue;
        };
        let Some((_, attribute)) = target.trim_end().rsplit_once('.') else {
            continue;
        };
        // `s.x = value if s.respond_to? :x=` guards attributes of newer RubyGems; the value
        // is what comes before the guard.
        let value = value.split(" if ").next().unwrap_or(value);
        match attribute {
            "name" | "version" | "platform" => attributes.assign(attribute, string(value)),
            "license" | "licenses" => match string_array(value) {
                Some(licenses) => attributes.licenses.extend(licenses),
                None => attributes.not_literal.push("licenses"),
            },
            _ => {}
        }
    }
    attributes
}

impl Attributes {
    /// Keeps the first literal value of `name`, `version` or `platform`, or notes that the
    /// attribute was assigned something else.
    fn assign(&mut self, attribute: &str, value: Option<String>) {
        let (slot, attribute) = match attribute {
            "name" => (&mut self.name, "name"),
            "version" => (&mut self.version, "version"),
            _ => (&mut self.platform, "platform"),
        };
        match value {
            Some(value) if slot.is_none() => *slot = Some(value),
            Some(_) => {}
            None => self.not_literal.push(attribute),
        }
    }
}

/// `(name, version)` from `<name>-<version>.gemspec` or `<name>-<version>-<platform>.gemspec`:
/// the version starts at the first `-` followed by a digit (gem names may hold `-`, versions
/// start with a digit).
fn name_and_version_from_file_name(file_name: &str) -> Option<(String, String)> {
    let stem = file_name.strip_suffix(".gemspec")?;
    let split = stem
        .char_indices()
        .find(|(index, character)| {
            *character == '-'
                && stem[index + 1..]
                    .chars()
                    .next()
                    .is_some_and(|next| next.is_ascii_digit())
        })
        .map(|(index, _)| index)?;
    let (name, version) = (&stem[..split], &stem[split + 1..]);
    let version = version.split('-').next().unwrap_or(version);
    (!name.is_empty()).then(|| (name.to_owned(), version.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RACK: &str = "# -*- encoding: utf-8 -*-\n# stub: rack 2.2.22 ruby lib\n\n\
        Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.22\"\n\n  \
        s.required_rubygems_version = Gem::Requirement.new(\">= 0\".freeze) if s.respond_to? \
        :required_rubygems_version=\n  s.licenses = [\"MIT\".freeze]\n  \
        s.add_development_dependency(%q<rake>.freeze, [\">= 0\"])\nend\n";

    #[test]
    fn name_version_and_licences_come_from_the_literals() {
        let reading = read_gemspec(
            "usr/lib/gems/specifications/rack-2.2.22.gemspec",
            RACK.as_bytes(),
        );
        assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
        let gem = &reading.gems[0];
        assert_eq!(
            (gem.name.as_str(), gem.version.as_str()),
            ("rack", "2.2.22")
        );
        assert_eq!(gem.licenses, ["MIT"]);
        assert_eq!(gem.platform, None);
    }

    #[test]
    fn a_native_gem_keeps_its_platform_and_old_quoting_is_read() {
        let spec = "Gem::Specification.new do |s|\n  s.name = %q{nokogiri}\n  \
                    s.version = \"1.13.3\"\n  s.platform = \"x86_64-linux\".freeze\n  \
                    s.license = 'MIT'\nend\n";
        let reading = read_gemspec(
            "specifications/nokogiri-1.13.3-x86_64-linux.gemspec",
            spec.as_bytes(),
        );
        let gem = &reading.gems[0];
        assert_eq!(gem.platform.as_deref(), Some("x86_64-linux"));
        assert_eq!(gem.licenses, ["MIT"]);
        assert_eq!(gem.metadata.get("default_gem"), None);
    }

    #[test]
    fn computed_or_oddly_quoted_values_fall_back_to_the_file_name_with_a_warning() {
        let spec = "Gem::Specification.new do |spec|\n  spec.name = \"my-gem\n  \
                    spec.version = MyGem::VERSION\n  spec.licenses = [\"MIT\", LICENSE]\nend\n";
        let reading = read_gemspec(
            "specifications/default/my-gem-1.0.0.gemspec",
            spec.as_bytes(),
        );
        let gem = &reading.gems[0];
        assert_eq!(
            (gem.name.as_str(), gem.version.as_str()),
            ("my-gem", "1.0.0")
        );
        assert_eq!(gem.metadata["default_gem"], "true");
        assert_eq!(reading.diagnostics.len(), 2);
        assert!(reading.diagnostics[0]
            .message
            .contains("from the file name"));
        assert!(reading.diagnostics[1]
            .message
            .ends_with("name, version, licenses"));

        let reading = read_gemspec("specifications/garbage.gemspec", b"\xff\x00 = = .");
        assert!(reading.gems.is_empty());
        assert!(reading.diagnostics[0].message.contains("no gem read"));
    }

    #[test]
    fn file_names_split_at_the_first_dash_before_a_digit() {
        for (file_name, expected) in [
            ("rack-2.2.22.gemspec", Some(("rack", "2.2.22"))),
            ("net-http-0.2.0.gemspec", Some(("net-http", "0.2.0"))),
            (
                "nokogiri-1.13.3-x86_64-linux.gemspec",
                Some(("nokogiri", "1.13.3")),
            ),
            ("rack.gemspec", None),
            ("-1.0.gemspec", None),
        ] {
            let found = name_and_version_from_file_name(file_name);
            let expected = expected.map(|(name, version)| (name.to_owned(), version.to_owned()));
            assert_eq!(found, expected, "{file_name}");
        }
    }
}
