//! `META-INF/MANIFEST.MF`, the jar manifest
//! (<https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#jar-manifest>).
//!
//! Lines are at most 72 bytes; a longer value continues on lines that start with one space. The
//! split may fall inside a UTF-8 sequence, so lines are joined as bytes before being decoded.

use std::collections::BTreeMap;

use crate::coordinates::{Coordinates, Evidence};

/// Reads the attributes of the main section (everything before the first blank line).
///
/// Attribute names are kept as written; a later duplicate replaces an earlier one. Invalid UTF-8
/// is replaced, never refused.
pub fn main_attributes(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    let mut current: Option<Vec<u8>> = None;

    for line in split_lines(bytes) {
        if let Some(continuation) = line.strip_prefix(b" ") {
            if let Some(current) = current.as_mut() {
                current.extend_from_slice(continuation);
            }
            continue;
        }
        if let Some(finished) = current.take() {
            insert_attribute(&mut attributes, &finished);
        }
        if line.is_empty() {
            break;
        }
        current = Some(line.to_vec());
    }

    if let Some(finished) = current {
        insert_attribute(&mut attributes, &finished);
    }
    attributes
}

/// The coordinates a manifest gives, with `artifact_hint` (the artifact read from the file name)
/// used as the artifactId when there is one.
///
/// The version is the first of `Implementation-Version`, `Bundle-Version`,
/// `Specification-Version`; the groupId is `Implementation-Vendor-Id` (the only attribute meant
/// for it), otherwise none. Returns `None` when the manifest names no version or nothing to call
/// the artifact.
pub fn manifest_coordinates(
    attributes: &BTreeMap<String, String>,
    artifact_hint: Option<&str>,
) -> Option<Coordinates> {
    let first = |names: &[&str]| {
        names
            .iter()
            .filter_map(|name| attributes.get(*name))
            .map(|value| value.trim())
            .find(|value| !value.is_empty())
            .map(str::to_owned)
    };

    let version = first(&[
        "Implementation-Version",
        "Bundle-Version",
        "Specification-Version",
    ])?;
    let symbolic_name = first(&["Bundle-SymbolicName"]).map(|name| strip_directives(&name));
    let artifact_id = artifact_hint
        .map(str::to_owned)
        .or_else(|| first(&["Implementation-Title"]))
        .or(symbolic_name)
        .or_else(|| first(&["Specification-Title"]))?;

    Some(Coordinates {
        group_id: first(&["Implementation-Vendor-Id"]),
        artifact_id,
        version,
        classifier: None,
        evidence: Evidence::Manifest,
    })
}

/// `org.example.bundle;singleton:=true` becomes `org.example.bundle`.
fn strip_directives(symbolic_name: &str) -> String {
    symbolic_name
        .split(';')
        .next()
        .unwrap_or(symbolic_name)
        .trim()
        .to_owned()
}

/// Splits at `\r\n`, `\n` or `\r`, as the manifest grammar allows.
fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\n' => {
                lines.push(&bytes[start..index]);
                start = index + 1;
            }
            b'\r' => {
                lines.push(&bytes[start..index]);
                if bytes.get(index + 1) == Some(&b'\n') {
                    index += 1;
                }
                start = index + 1;
            }
            _ => {}
        }
        index += 1;
    }
    if start < bytes.len() {
        lines.push(&bytes[start..]);
    }
    lines
}

/// Adds `Name: value` to the map; a line without `: ` is ignored.
fn insert_attribute(attributes: &mut BTreeMap<String, String>, line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    if let Some((name, value)) = text.split_once(':') {
        let value = value.strip_prefix(' ').unwrap_or(value);
        attributes.insert(name.trim().to_owned(), value.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_are_joined_even_inside_a_utf8_sequence() {
        let mut bytes = b"Manifest-Version: 1.0\r\nImplementation-Title: caf\xC3".to_vec();
        bytes.extend_from_slice(b"\r\n \xA9 service\r\nImplementation-Version: 1.2\r\n\r\n");
        bytes.extend_from_slice(b"Name: org/example/\r\nImplementation-Version: 9\r\n");
        let attributes = main_attributes(&bytes);
        assert_eq!(attributes["Implementation-Title"], "café service");
        assert_eq!(
            attributes["Implementation-Version"], "1.2",
            "later sections are ignored"
        );
    }

    #[test]
    fn version_and_name_follow_the_documented_order() {
        let attributes = main_attributes(
            b"Bundle-SymbolicName: org.example.core;singleton:=true\nBundle-Version: 3.1.0\n\
              Specification-Version: 3.1\n",
        );
        let coordinates = manifest_coordinates(&attributes, None).expect("named and versioned");
        assert_eq!(coordinates.artifact_id, "org.example.core");
        assert_eq!(coordinates.version, "3.1.0");
        assert_eq!(coordinates.group_id, None);

        let hinted = manifest_coordinates(&attributes, Some("core")).expect("hinted");
        assert_eq!(hinted.artifact_id, "core");
    }

    #[test]
    fn no_version_gives_nothing() {
        let attributes = main_attributes(b"Manifest-Version: 1.0\nCreated-By: javac\n");
        assert_eq!(manifest_coordinates(&attributes, Some("x")), None);
        assert!(main_attributes(b"\xFF\xFE garbage").is_empty());
    }
}
