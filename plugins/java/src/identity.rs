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
    let from_name = parse_file_name(archive_path);
    if !found.is_empty() {
        // A jar bundling other libraries' Maven files but not its own (`scala-compiler-2.12.15.jar`
        // holds only jline's) is itself known by its file name alone. Its manifest is not used:
        // shading copies one from a bundled library (`hadoop-client-runtime-3.3.2.jar` carries
        // shaded protobuf's `Implementation-Version: 1.1.1`).
        // The name may hold more than the artifact the parser sees (`log4j-1.2-api-2.17.2.jar`,
        // `hive-shims-0.23-2.3.9.jar`), so any artifact the stem starts with counts as its own.
        let stem = unversioned_stem(archive_path).unwrap_or_default();
        let own_missing = from_name.is_some()
            && !found.iter().any(|coordinates| {
                stem.strip_prefix(coordinates.artifact_id.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
            });
        if own_missing {
            found.extend(from_name);
        }
        return found;
    }

    // No Maven metadata: one identity from the manifest, else from the name.
    let from_manifest = metadata
        .manifest
        .as_deref()
        .and_then(|bytes| manifest_identity(archive_path, bytes, from_name.as_ref()));
    from_manifest.or(from_name).into_iter().collect()
}

/// The manifest's coordinates for the archive at `archive_path`, named after its file: the
/// artifact of a versioned name (`derby-10.14.2.0.jar`), else the bare stem (`jrt-fs.jar`),
/// before any title, since titles are prose (`Java Runtime Environment`), not artifactIds.
///
/// Only `Implementation-Version` beats the version of the file name. `Bundle-Version` is an
/// OSGi version that pads and qualifies the Maven one (`10.14.2000000.1828579` in
/// `derby-10.14.2.0.jar`, `2.12.15.v20210914-044957-VFINAL-96a6669` in
/// `scala-library-2.12.15.jar`), and `Specification-Version` is the version of an API, not of
/// the library.
fn manifest_identity(
    archive_path: &str,
    manifest: &[u8],
    from_name: Option<&Coordinates>,
) -> Option<Coordinates> {
    let attributes = main_attributes(manifest);
    let stem = unversioned_stem(archive_path);
    let hint = from_name
        .map(|name| name.artifact_id.as_str())
        .or(stem.as_deref());
    let mut coordinates = manifest_coordinates(&attributes, hint)?;

    let has_implementation_version = attributes
        .get("Implementation-Version")
        .is_some_and(|version| !version.trim().is_empty());
    if let Some(name) = from_name.filter(|_| !has_implementation_version) {
        coordinates.version.clone_from(&name.version);
    }
    Some(coordinates)
}

/// The file name of `archive_path` without its extension, when it can be an artifactId: not
/// empty and without whitespace.
fn unversioned_stem(archive_path: &str) -> Option<String> {
    let file_name = archive_path.rsplit('/').next().unwrap_or(archive_path);
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    (!stem.is_empty() && !stem.contains(char::is_whitespace)).then(|| stem.to_owned())
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

    #[test]
    fn unversioned_file_name_beats_a_prose_title() {
        let metadata = ArchiveMetadata {
            manifest: Some(
                b"Implementation-Title: Java Runtime Environment\nImplementation-Version: 17.0.13\n"
                    .to_vec(),
            ),
            ..ArchiveMetadata::default()
        };
        let found = identify(
            "usr/lib/jvm/java-17/lib/jrt-fs.jar",
            &metadata,
            &mut Vec::new(),
        );
        assert_eq!(found[0].artifact_id, "jrt-fs");
        assert_eq!(found[0].version, "17.0.13");
        assert_eq!(found[0].evidence, Evidence::Manifest);
    }

    #[test]
    fn file_name_version_beats_bundle_and_specification_versions() {
        for manifest in [
            &b"Bundle-SymbolicName: derby\nBundle-Version: 10.14.2000000.1828579\n"[..],
            &b"Specification-Title: Derby\nSpecification-Version: 10.14\n"[..],
        ] {
            let metadata = ArchiveMetadata {
                manifest: Some(manifest.to_vec()),
                ..ArchiveMetadata::default()
            };
            let found = identify("jars/derby-10.14.2.0.jar", &metadata, &mut Vec::new());
            assert_eq!(found[0].artifact_id, "derby");
            assert_eq!(found[0].version, "10.14.2.0");
            assert_eq!(found[0].evidence, Evidence::Manifest);
        }

        let metadata = ArchiveMetadata {
            manifest: Some(b"Bundle-Version: 3.1.0.v2024\n".to_vec()),
            ..ArchiveMetadata::default()
        };
        let found = identify("plugins/tool.jar", &metadata, &mut Vec::new());
        assert_eq!(
            found[0].version, "3.1.0.v2024",
            "no version in the name to prefer"
        );
    }

    #[test]
    fn stem_check_refuses_empty_and_spaced_names() {
        assert_eq!(
            unversioned_stem("a/b/jrt-fs.jar").as_deref(),
            Some("jrt-fs")
        );
        assert_eq!(unversioned_stem("a/.jar"), None);
        assert_eq!(unversioned_stem("a/my app.jar"), None);
    }

    fn pom_properties_text(group: &str, artifact: &str, version: &str) -> Vec<u8> {
        format!("groupId={group}\nartifactId={artifact}\nversion={version}\n").into_bytes()
    }

    #[test]
    fn jar_bundling_only_other_maven_files_is_also_named_by_its_file() {
        let metadata = ArchiveMetadata {
            pom_properties: vec![(
                "META-INF/maven/jline/jline/pom.properties".into(),
                b"groupId=jline\nartifactId=jline\nversion=2.14.6\n".to_vec(),
            )],
            pom_xmls: Vec::new(),
            manifest: Some(b"Implementation-Version: 1.1.1\n".to_vec()),
        };
        let found = identify(
            "jars/scala-compiler-2.12.15.jar",
            &metadata,
            &mut Vec::new(),
        );
        let names: Vec<(&str, &str, Evidence)> = found
            .iter()
            .map(|c| (c.artifact_id.as_str(), c.version.as_str(), c.evidence))
            .collect();
        assert_eq!(
            names,
            [
                ("jline", "2.14.6", Evidence::PomProperties),
                ("scala-compiler", "2.12.15", Evidence::FileName),
            ]
        );

        let own = identify("jars/jline-2.14.6.jar", &metadata, &mut Vec::new());
        assert_eq!(own.len(), 1, "its own pom.properties names it: {own:?}");

        // The parser reads `log4j` 1.2 out of this name, but the Maven file is its own.
        let metadata = ArchiveMetadata {
            pom_properties: vec![(
                "META-INF/maven/org.apache.logging.log4j/log4j-1.2-api/pom.properties".into(),
                pom_properties_text("org.apache.logging.log4j", "log4j-1.2-api", "2.17.2"),
            )],
            ..ArchiveMetadata::default()
        };
        let own = identify("jars/log4j-1.2-api-2.17.2.jar", &metadata, &mut Vec::new());
        assert_eq!(own.len(), 1, "{own:?}");
    }
}
