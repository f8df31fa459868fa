//! Maven coordinates and the [`Package`] finding built from them.

use std::collections::BTreeMap;

use purser_plugin_api::{Finding, Package, PackageUrl};

/// Where an archive's identity came from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// `META-INF/maven/<group>/<artifact>/pom.properties`, written by Maven itself.
    PomProperties,
    /// `META-INF/maven/<group>/<artifact>/pom.xml`, read where no properties file exists.
    PomXml,
    /// `META-INF/MANIFEST.MF` attributes.
    Manifest,
    /// Nothing inside the archive named it; a guess from its file name.
    FileName,
}

impl Evidence {
    /// The metadata value `evidence`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::PomProperties => "pom.properties",
            Evidence::PomXml => "pom.xml",
            Evidence::Manifest => "manifest",
            Evidence::FileName => "file-name",
        }
    }

    /// The metadata value `confidence`: `high` for Maven's own files, `medium` for a manifest,
    /// `low` for a file name.
    pub fn confidence(self) -> &'static str {
        match self {
            Evidence::PomProperties | Evidence::PomXml => "high",
            Evidence::Manifest => "medium",
            Evidence::FileName => "low",
        }
    }
}

/// The identity of one library found in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinates {
    /// Maven `groupId`; `None` when the evidence does not name one (manifest, file name).
    pub group_id: Option<String>,
    /// Maven `artifactId`.
    pub artifact_id: String,
    /// Version exactly as written.
    pub version: String,
    /// Classifier read from a file name (`sources`, `linux-x86_64`), if any.
    pub classifier: Option<String>,
    /// Where the identity came from.
    pub evidence: Evidence,
}

impl Coordinates {
    /// The package finding for these coordinates, found in the archive at `source_path` whose
    /// SHA-1 is `sha1_hex`.
    ///
    /// The name is `groupId:artifactId`, or the artifactId alone when no group is known; the
    /// purl (`pkg:maven/group/artifact@version`) is only formed when the group is known, since
    /// Maven purls need a namespace.
    pub fn into_finding(self, source_path: &str, sha1_hex: &str) -> Finding {
        let mut metadata = BTreeMap::new();
        metadata.insert("artifact_id".to_owned(), self.artifact_id.clone());
        metadata.insert("evidence".to_owned(), self.evidence.as_str().to_owned());
        metadata.insert(
            "confidence".to_owned(),
            self.evidence.confidence().to_owned(),
        );
        metadata.insert("sha1".to_owned(), sha1_hex.to_owned());
        if let Some(classifier) = &self.classifier {
            metadata.insert("classifier".to_owned(), classifier.clone());
        }

        let (name, purl) = match &self.group_id {
            Some(group) => {
                metadata.insert("group_id".to_owned(), group.clone());
                let purl = PackageUrl::new("maven", &self.artifact_id)
                    .with_namespace(group)
                    .with_version(&self.version)
                    .to_string();
                (format!("{group}:{}", self.artifact_id), Some(purl))
            }
            None => (self.artifact_id.clone(), None),
        };

        Finding::Package(Package {
            ecosystem: "Maven".to_owned(),
            name,
            version: self.version,
            purl,
            licenses: Vec::new(),
            source_path: source_path.to_owned(),
            metadata,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coordinates(group: Option<&str>, evidence: Evidence) -> Coordinates {
        Coordinates {
            group_id: group.map(str::to_owned),
            artifact_id: "log4j-core".into(),
            version: "2.14.1".into(),
            classifier: None,
            evidence,
        }
    }

    #[test]
    fn a_known_group_gives_a_maven_purl_and_a_colon_name() {
        let finding = coordinates(Some("org.apache.logging.log4j"), Evidence::PomProperties)
            .into_finding("app/app.jar", "ab");
        let Finding::Package(package) = finding else {
            panic!("expected a package")
        };
        assert_eq!(package.name, "org.apache.logging.log4j:log4j-core");
        assert_eq!(
            package.purl.as_deref(),
            Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
        );
        assert_eq!(package.metadata["evidence"], "pom.properties");
        assert_eq!(package.metadata["confidence"], "high");
        assert_eq!(package.metadata["sha1"], "ab");
    }

    #[test]
    fn an_unknown_group_gives_no_purl_and_low_confidence_for_file_names() {
        let Finding::Package(package) =
            coordinates(None, Evidence::FileName).into_finding("x.jar", "cd")
        else {
            panic!("expected a package")
        };
        assert_eq!(package.name, "log4j-core");
        assert_eq!(package.purl, None);
        assert_eq!(package.metadata["confidence"], "low");
        assert!(!package.metadata.contains_key("group_id"));
    }

    #[test]
    fn purl_segments_are_escaped() {
        assert_eq!(
            purser_plugin_api::purl::encode("1.0+build 2"),
            "1.0%2Bbuild%202"
        );
    }
}
