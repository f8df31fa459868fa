//! Chooses how an archive is identified, from the evidence found in it, most trusted first:
//! every `pom.properties`, then each `pom.xml` without a properties file beside it, then the
//! manifest, then the file name.

use purser_plugin_api::Diagnostic;

use crate::coordinates::Coordinates;
use crate::file_name::parse_file_name;
use crate::manifest::{main_attributes, manifest_coordinates};
use crate::pom_properties::parse_pom_properties;
use crate::pom_xml::parse_pom_xml;

/// The metadata files read from one archive, as `(entry name, bytes)`.
#[derive(Debug, Default)]
pub struct ArchiveMetadata {
    /// Every `META-INF/maven/*/*/pom.properties`.
    pub pom_properties: Vec<(String, Vec<u8>)>,
    /// Every `META-INF/maven/*/*/pom.xml` whose directory holds no `pom.properties`.
    pub pom_xmls: Vec<(String, Vec<u8>)>,
    /// `META-INF/MANIFEST.MF`, if present and readable.
    pub manifest: Option<Vec<u8>>,
}

/// The libraries an archive at `archive_path` holds, by the most trusted evidence available,
/// with a warning for each Maven file that could not be used.
///
/// Several results come from a shaded jar (one `pom.properties` per library merged into it);
/// none when nothing names the archive, not even its file name.
pub fn identify(
    archive_path: &str,
    metadata: &ArchiveMetadata,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Coordinates> {
    let mut found = Vec::new();

    for (entry, bytes) in &metadata.pom_properties {
        match parse_pom_properties(&String::from_utf8_lossy(bytes)) {
            Some(coordinates) => found.push(coordinates),
            None => diagnostics.push(Diagnostic::warning(
                format!("{archive_path}!/{entry}"),
                "pom.properties lacks groupId, artifactId or version; ignored",
            )),
        }
    }

    for (entry, bytes) in &metadata.pom_xmls {
        match parse_pom_xml(&String::from_utf8_lossy(bytes)) {
            Ok(coordinates) => found.push(coordinates),
            Err(error) => diagnostics.push(Diagnostic::warning(
                format!("{archive_path}!/{entry}"),
                format!("pom.xml gives no coordinates: {error}; ignored"),
            )),
        }
    }
    if !found.is_empty() {
        return found;
    }

    // No Maven metadata: one identity from the manifest, else from the name.
    let from_name = parse_file_name(archive_path);
    let from_manifest = metadata.manifest.as_deref().and_then(|bytes| {
        let hint = from_name.as_ref().map(|name| name.artifact_id.as_str());
        manifest_coordinates(&main_attributes(bytes), hint)
    });
    from_manifest.or(from_name).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coordinates::Evidence;

    #[test]
    fn maven_files_win_and_bad_ones_are_reported() {
        let metadata = ArchiveMetadata {
            pom_properties: vec![
                (
                    "META-INF/maven/g/a/pom.properties".into(),
                    b"groupId=g\nartifactId=a\nversion=1\n".to_vec(),
                ),
                (
                    "META-INF/maven/g/b/pom.properties".into(),
                    b"groupId=g\n".to_vec(),
                ),
            ],
            pom_xmls: Vec::new(),
            manifest: Some(b"Implementation-Version: 7\n".to_vec()),
        };
        let mut diagnostics = Vec::new();
        let found = identify("lib/a-1.jar", &metadata, &mut diagnostics);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].evidence, Evidence::PomProperties);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].path,
            "lib/a-1.jar!/META-INF/maven/g/b/pom.properties"
        );
    }

    #[test]
    fn manifest_beats_file_name_and_takes_its_artifact() {
        let metadata = ArchiveMetadata {
            manifest: Some(b"Implementation-Version: 2.0.1\n".to_vec()),
            ..ArchiveMetadata::default()
        };
        let found = identify("lib/widget-2.0.jar", &metadata, &mut Vec::new());
        assert_eq!(found[0].evidence, Evidence::Manifest);
        assert_eq!(found[0].artifact_id, "widget");
        assert_eq!(found[0].version, "2.0.1");
    }

    #[test]
    fn nothing_at_all_gives_nothing() {
        let found = identify(
            "lib/plain.jar",
            &ArchiveMetadata::default(),
            &mut Vec::new(),
        );
        assert!(found.is_empty());
    }
}
