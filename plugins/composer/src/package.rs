//! The one way every reader of this crate turns what it read into a [`Package`], and the
//! package entry both Composer files share.

use std::collections::BTreeMap;

use purser_plugin_api::{Diagnostic, Package, PackageUrl};
use serde_json::Value;

/// The ecosystem of every package this analyzer reports, in OSV's spelling.
pub const ECOSYSTEM: &str = "Packagist";

/// A Composer package as a reader found it, before it becomes a [`Package`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposerPackage {
    /// Name as written, `vendor/project` (`symfony/http-kernel`).
    pub name: String,
    /// Version as written (`v5.1.0`, `1.3.0`, `dev-main`).
    pub version: String,
    /// Licences as declared.
    pub licenses: Vec<String>,
    /// Whether the file marks it as a development dependency; `None` when it cannot tell.
    pub dev: Option<bool>,
    /// Further facts (`evidence`, `package_type`, `source_reference`, ...).
    pub metadata: BTreeMap<String, String>,
}

impl ComposerPackage {
    /// The package a Composer package entry describes (an object of `composer.lock`'s
    /// `packages` or of `installed.json`, the same schema:
    /// <https://getcomposer.org/doc/04-schema.md>).
    ///
    /// # Errors
    ///
    /// When the entry is not an object or lacks a string `name` or `version`; the message says
    /// which.
    pub fn from_entry(entry: &Value, evidence: &str) -> Result<Self, String> {
        let Some(object) = entry.as_object() else {
            return Err(format!(
                "a package entry is not an object: {}",
                abbreviate(entry)
            ));
        };
        let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::trim);
        let name = text("name").filter(|name| !name.is_empty());
        let version = text("version").filter(|version| !version.is_empty());
        let (Some(name), Some(version)) = (name, version) else {
            return Err(format!(
                "a package entry has no string name and version: {}",
                abbreviate(entry)
            ));
        };

        let mut metadata = BTreeMap::new();
        metadata.insert("evidence".to_owned(), evidence.to_owned());
        if let Some(package_type) = text("type") {
            metadata.insert("package_type".to_owned(), package_type.to_owned());
        }
        let source = object.get("source");
        let source_text = |key: &str| {
            source
                .and_then(|source| source.get(key))
                .and_then(Value::as_str)
        };
        if let Some(reference) = source_text("reference") {
            metadata.insert("source_reference".to_owned(), reference.to_owned());
        }
        if let Some(url) = source_text("url") {
            metadata.insert("source_url".to_owned(), url.to_owned());
        }

        // `license` is an array of SPDX identifiers, though old packages give one string.
        let licenses = match object.get("license") {
            Some(Value::String(license)) => vec![license.clone()],
            Some(Value::Array(licenses)) => licenses
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };

        Ok(ComposerPackage {
            name: name.to_owned(),
            version: version.to_owned(),
            licenses,
            dev: None,
            metadata,
        })
    }

    /// The finding's package, read from the file at `source_path`.
    pub fn into_package(self, source_path: &str) -> Package {
        let mut metadata = self.metadata;
        if let Some(dev) = self.dev {
            metadata.insert("dev".into(), dev.to_string());
        }
        Package {
            ecosystem: ECOSYSTEM.into(),
            purl: Some(composer_purl(&self.name, &self.version)),
            name: self.name,
            version: self.version,
            licenses: self.licenses,
            source_path: source_path.to_owned(),
            metadata,
        }
    }
}

/// The purl of a Composer package: `pkg:composer/<vendor>/<project>@version`.
///
/// The `composer` type (<https://github.com/package-url/purl-spec>, `PURL-TYPES.rst`): the
/// vendor is the namespace, the project the name, both lowercased (Packagist names are
/// case-insensitive). A name without a vendor has no namespace.
pub fn composer_purl(name: &str, version: &str) -> String {
    let lowercase = name.to_lowercase();
    let purl = match lowercase.split_once('/') {
        Some((vendor, project)) => PackageUrl::new("composer", project).with_namespace(vendor),
        None => PackageUrl::new("composer", &lowercase),
    };
    purl.with_version(version).to_string()
}

/// The start of a JSON value, for messages: at most 80 characters.
fn abbreviate(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

/// What a file gave: its packages, and the problems met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// The packages, in file order.
    pub packages: Vec<ComposerPackage>,
    /// Problems, each naming the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Reading {
    /// Reads each entry of a `packages` array, with the given dev flag; entries that are no
    /// package become one warning naming the file and the section.
    pub fn read_entries(
        &mut self,
        path: &str,
        section: &str,
        entries: &[Value],
        evidence: &str,
        dev: Option<bool>,
    ) {
        let mut problems = Vec::new();
        for entry in entries {
            match ComposerPackage::from_entry(entry, evidence) {
                Ok(mut package) => {
                    package.dev = dev;
                    self.packages.push(package);
                }
                Err(problem) => problems.push(problem),
            }
        }
        if let Some(first) = problems.first() {
            self.diagnostics.push(Diagnostic::warning(
                path,
                format!(
                    "entries of `{section}` not read: {}; the first: {first}",
                    problems.len()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purl_splits_vendor_and_project_and_lowercases_them() {
        assert_eq!(
            composer_purl("Symfony/Http-Kernel", "v5.1.0"),
            "pkg:composer/symfony/http-kernel@v5.1.0"
        );
        assert_eq!(composer_purl("monolog", "1.0"), "pkg:composer/monolog@1.0");
    }

    #[test]
    fn entries_give_licences_type_and_source_or_say_what_is_missing() {
        let entry = serde_json::json!({"name": "asm89/stack-cors", "version": "1.3.0",
            "type": "library", "license": "MIT",
            "source": {"type": "git", "reference": "b9c31de", "url": "https://x/y.git"}});
        let package = ComposerPackage::from_entry(&entry, "composer-lock").expect("valid");
        assert_eq!(package.licenses, ["MIT"]);
        assert_eq!(package.metadata["package_type"], "library");
        assert_eq!(package.metadata["source_reference"], "b9c31de");

        let error = ComposerPackage::from_entry(&serde_json::json!({"name": 1}), "x")
            .expect_err("no version");
        assert!(error.contains("no string name and version"), "{error}");
        let error = ComposerPackage::from_entry(&serde_json::Value::from(vec!["x"; 40]), "x")
            .expect_err("not an object");
        assert!(error.ends_with("..."), "{error}");
    }
}
