//! `META-INF/maven/<groupId>/<artifactId>/pom.xml`, read only where the archive has no
//! `pom.properties` beside it (<https://maven.apache.org/pom.html#Maven_Coordinates>).

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::coordinates::{Coordinates, Evidence};

/// Why a `pom.xml` gave no coordinates.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PomXmlError {
    /// The XML is malformed.
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// A coordinate is missing, even after falling back to `<parent>`.
    #[error("no {0} in <project> or <parent>")]
    Missing(&'static str),
    /// A coordinate refers to a property this `pom.xml` does not define (one from a parent pom,
    /// the command line or the environment, which only a full Maven build could resolve).
    #[error("{field} is the unresolved property `{value}`")]
    Unresolved {
        /// `groupId`, `artifactId` or `version`.
        field: &'static str,
        /// The raw value.
        value: String,
    },
}

/// The text of the coordinate elements met so far, by where they sit, and the `<properties>`.
#[derive(Debug, Default)]
struct Fields {
    group_id: Option<String>,
    artifact_id: Option<String>,
    version: Option<String>,
    parent_group_id: Option<String>,
    parent_version: Option<String>,
    properties: Vec<(String, String)>,
}

/// How many property references one value may go through before it counts as unresolvable
/// (a loop such as `<a>${b}</a><b>${a}</b>` stops here).
const MAX_PROPERTY_DEPTH: usize = 8;

/// Reads `<project>`'s `groupId`, `artifactId` and `version`; a missing group or version is
/// inherited from `<parent>`, as Maven does.
///
/// # Errors
///
/// When the XML is malformed, a coordinate is missing, or a coordinate holds a `${...}`
/// property reference.
pub fn parse_pom_xml(text: &str) -> Result<Coordinates, PomXmlError> {
    let fields = read_fields(text)?;

    let group_id = fields
        .group_id
        .clone()
        .or_else(|| fields.parent_group_id.clone());
    let version = fields
        .version
        .clone()
        .or_else(|| fields.parent_version.clone());
    Ok(Coordinates {
        group_id: Some(resolved("groupId", group_id, &fields)?),
        artifact_id: resolved("artifactId", fields.artifact_id.clone(), &fields)?,
        version: resolved("version", version, &fields)?,
        classifier: None,
        evidence: Evidence::PomXml,
    })
}

/// Walks the document and keeps the text of the five elements that matter.
fn read_fields(text: &str) -> Result<Fields, PomXmlError> {
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut fields = Fields::default();

    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                path.push(name);
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Text(text)) => {
                let value = text
                    .unescape()
                    .map_err(|error| PomXmlError::Malformed(error.to_string()))?;
                store(&mut fields, &path, value.trim());
            }
            Ok(Event::Eof) => return Ok(fields),
            Ok(_) => {}
            Err(error) => return Err(PomXmlError::Malformed(error.to_string())),
        }
    }
}

/// Records `value` when `path` is one of the coordinate elements.
fn store(fields: &mut Fields, path: &[String], value: &str) {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let slot = match path.as_slice() {
        ["project", "groupId"] => &mut fields.group_id,
        ["project", "artifactId"] => &mut fields.artifact_id,
        ["project", "version"] => &mut fields.version,
        ["project", "parent", "groupId"] => &mut fields.parent_group_id,
        ["project", "parent", "version"] => &mut fields.parent_version,
        ["project", "properties", name] => {
            fields
                .properties
                .push(((*name).to_owned(), value.to_owned()));
            return;
        }
        _ => return,
    };
    if !value.is_empty() {
        *slot = Some(value.to_owned());
    }
}

/// The value with the property references this `pom.xml` can answer replaced: its own
/// `<properties>`, `project.groupId`/`version` (and the old `pom.` spelling) and
/// `project.parent.groupId`/`version`, as Maven interpolates them.
fn resolved(
    field: &'static str,
    value: Option<String>,
    fields: &Fields,
) -> Result<String, PomXmlError> {
    let original = value.ok_or(PomXmlError::Missing(field))?;
    let mut value = original.clone();
    for _ in 0..MAX_PROPERTY_DEPTH {
        let Some(start) = value.find("${") else {
            return Ok(value);
        };
        let Some(length) = value[start..].find('}') else {
            break;
        };
        let name = &value[start + 2..start + length];
        let Some(replacement) = property(fields, name) else {
            break;
        };
        value = format!(
            "{}{replacement}{}",
            &value[..start],
            &value[start + length + 1..]
        );
    }
    if value.contains("${") {
        return Err(PomXmlError::Unresolved {
            field,
            value: original,
        });
    }
    Ok(value)
}

/// The value of property `name` as far as this file defines it.
fn property(fields: &Fields, name: &str) -> Option<String> {
    let name = name.trim();
    let project_field = name
        .strip_prefix("project.")
        .or_else(|| name.strip_prefix("pom."));
    match project_field {
        Some("version") => fields
            .version
            .clone()
            .or_else(|| fields.parent_version.clone()),
        Some("groupId") => fields
            .group_id
            .clone()
            .or_else(|| fields.parent_group_id.clone()),
        Some("artifactId") => fields.artifact_id.clone(),
        Some("parent.version") => fields.parent_version.clone(),
        Some("parent.groupId") => fields.parent_group_id.clone(),
        _ => fields
            .properties
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_project_coordinates_and_ignores_dependencies() {
        let text = r#"<?xml version="1.0"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <groupId>com.example</groupId><artifactId>widget</artifactId>
              <version>1.4</version>
              <dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId>
                <version>9</version></dependency></dependencies>
            </project>"#;
        let coordinates = parse_pom_xml(text).expect("complete");
        assert_eq!(coordinates.group_id.as_deref(), Some("com.example"));
        assert_eq!(coordinates.artifact_id, "widget");
        assert_eq!(coordinates.version, "1.4");
        assert_eq!(coordinates.evidence, Evidence::PomXml);
    }

    #[test]
    fn properties_of_the_same_pom_are_resolved() {
        let text = "<project><parent><groupId>org.parent</groupId><version>2.0</version>\
                    </parent><artifactId>child</artifactId><version>${revision}${changelist}</version>\
                    <properties><revision>3.1</revision><changelist>-SNAPSHOT</changelist>\
                    <loop>${loop}</loop></properties>\
                    <groupId>${project.parent.groupId}.tools</groupId></project>";
        let coordinates = parse_pom_xml(text).expect("resolved");
        assert_eq!(coordinates.group_id.as_deref(), Some("org.parent.tools"));
        assert_eq!(coordinates.version, "3.1-SNAPSHOT");

        let looping = "<project><groupId>g</groupId><artifactId>a</artifactId>\
                       <version>${loop}</version><properties><loop>${loop}</loop></properties>\
                       </project>";
        assert!(matches!(
            parse_pom_xml(looping),
            Err(PomXmlError::Unresolved {
                field: "version",
                ..
            })
        ));
        let inherited = "<project><parent><groupId>p</groupId><version>1.2</version></parent>\
                         <artifactId>a</artifactId><version>${project.parent.version}</version>\
                         </project>";
        assert_eq!(parse_pom_xml(inherited).expect("resolved").version, "1.2");
    }

    #[test]
    fn group_and_version_are_inherited_from_the_parent() {
        let text = "<project><parent><groupId>org.parent</groupId><version>2.0</version>\
                    </parent><artifactId>child</artifactId></project>";
        let coordinates = parse_pom_xml(text).expect("inherited");
        assert_eq!(coordinates.group_id.as_deref(), Some("org.parent"));
        assert_eq!(coordinates.version, "2.0");
    }

    #[test]
    fn property_references_and_gaps_are_refused() {
        let text = "<project><groupId>g</groupId><artifactId>a</artifactId>\
                    <version>${revision}</version></project>";
        assert_eq!(
            parse_pom_xml(text),
            Err(PomXmlError::Unresolved {
                field: "version",
                value: "${revision}".into()
            })
        );
        assert_eq!(
            parse_pom_xml("<project><artifactId>a</artifactId></project>"),
            Err(PomXmlError::Missing("groupId"))
        );
        assert!(matches!(
            parse_pom_xml("<project><groupId>g</artifactId>"),
            Err(PomXmlError::Malformed(_))
        ));
    }
}
