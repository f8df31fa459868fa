//! The one way every reader of this crate turns what it read into a [`Package`].

use std::collections::BTreeMap;

use purser_plugin_api::{Diagnostic, Package, PackageUrl};

/// The ecosystem of every package this analyzer reports, in OSV's spelling.
pub const ECOSYSTEM: &str = "RubyGems";

/// A gem as a reader found it, before it becomes a [`Package`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gem {
    /// Name as the gem spells it (`activesupport`).
    pub name: String,
    /// Version without the platform (`1.13.3`).
    pub version: String,
    /// Platform of a native gem (`x86_64-linux`); `None` for pure-Ruby gems.
    pub platform: Option<String>,
    /// Licences as declared.
    pub licenses: Vec<String>,
    /// Further facts (`evidence`, `source`, `revision`, ...).
    pub metadata: BTreeMap<String, String>,
}

impl Gem {
    /// A gem with the given evidence (`gemspec`, `gemfile-lock`) and nothing else.
    pub fn new(name: &str, version: &str, evidence: &str) -> Self {
        let mut metadata = BTreeMap::new();
        metadata.insert("evidence".to_owned(), evidence.to_owned());
        Gem {
            name: name.trim().to_owned(),
            version: version.trim().to_owned(),
            platform: None,
            licenses: Vec::new(),
            metadata,
        }
    }

    /// The finding's package, read from the file at `source_path`.
    pub fn into_package(self, source_path: &str) -> Package {
        let mut metadata = self.metadata;
        if let Some(platform) = &self.platform {
            metadata.insert("platform".into(), platform.clone());
        }
        Package {
            ecosystem: ECOSYSTEM.into(),
            purl: Some(gem_purl(
                &self.name,
                &self.version,
                self.platform.as_deref(),
            )),
            name: self.name,
            version: self.version,
            licenses: self.licenses,
            source_path: source_path.to_owned(),
            metadata,
        }
    }
}

/// The purl of a gem: `pkg:gem/<name>@version`, with a `platform` qualifier for native gems.
///
/// The `gem` type (<https://github.com/package-url/purl-spec>, `PURL-TYPES.rst`) keeps the name
/// as written and names the platform qualifier `platform`.
pub fn gem_purl(name: &str, version: &str, platform: Option<&str>) -> String {
    let purl = PackageUrl::new("gem", name).with_version(version);
    match platform {
        Some(platform) => purl.with_qualifier("platform", platform),
        None => purl,
    }
    .to_string()
}

/// What a file gave: its gems, and the problems met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// The gems, in file order.
    pub gems: Vec<Gem>,
    /// Problems, each naming the file.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_gems_carry_their_platform_in_the_purl() {
        let mut gem = Gem::new("nokogiri", "1.13.3", "gemfile-lock");
        gem.platform = Some("x86_64-linux".into());
        let package = gem.into_package("app/Gemfile.lock");
        assert_eq!(
            package.purl.as_deref(),
            Some("pkg:gem/nokogiri@1.13.3?platform=x86_64-linux")
        );
        assert_eq!(package.metadata["platform"], "x86_64-linux");
        assert_eq!(package.ecosystem, "RubyGems");
        assert_eq!(
            gem_purl("rack", "2.2.3", None),
            "pkg:gem/rack@2.2.3".to_owned()
        );
    }
}
