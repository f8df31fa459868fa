//! Checks that a finished download is a whole file of its kind before it replaces the cache.
//!
//! The checks are structural and cheap: a zip's central directory must be readable (it sits at
//! the end, so a cut-off archive fails), and JSON must parse to its last byte as an object with
//! the keys its kind needs. Entries of a zip are not decompressed here, so a zip whose directory
//! is intact but whose entry data is damaged passes, and fails later when the entry is read.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::kind::FeedKind;

/// Checks `file` (read from its start) against `kind`; the error says what is wrong.
pub(crate) fn check_download(kind: &FeedKind, file: &mut File) -> Result<(), String> {
    file.seek(SeekFrom::Start(0))
        .map_err(|error| format!("cannot reread the download: {error}"))?;

    match kind {
        FeedKind::OsvZip { .. } => check_zip(file),
        FeedKind::DebianTrackerJson => check_json_object(file, None).and_then(|summary| {
            if summary.key_count == 0 {
                Err("the object lists no packages".to_owned())
            } else {
                Ok(())
            }
        }),
        FeedKind::AlpineSecdbJson { .. } => check_json_object(file, Some("packages")).map(drop),
    }
}

fn check_zip(file: &mut File) -> Result<(), String> {
    let archive = zip::ZipArchive::new(file).map_err(|error| format!("unreadable zip: {error}"))?;
    if archive.is_empty() {
        return Err("the archive holds no records".to_owned());
    }
    Ok(())
}

/// What a JSON object check saw.
struct ObjectSummary {
    key_count: usize,
}

fn check_json_object(
    file: &mut File,
    required_key: Option<&'static str>,
) -> Result<ObjectSummary, String> {
    let mut deserializer = serde_json::Deserializer::from_reader(BufReader::new(file));
    let seen = ObjectCheck { required_key }
        .deserialize(&mut deserializer)
        .map_err(|error| format!("invalid JSON: {error}"))?;
    deserializer
        .end()
        .map_err(|error| format!("invalid JSON after the top-level object: {error}"))?;

    if let Some(key) = required_key {
        if !seen.required_key_found {
            return Err(format!("the top-level object has no `{key}` key"));
        }
    }
    Ok(ObjectSummary {
        key_count: seen.key_count,
    })
}

/// Walks a top-level JSON object without keeping its values, noting whether one key appears.
struct ObjectCheck {
    required_key: Option<&'static str>,
}

struct ObjectSeen {
    key_count: usize,
    required_key_found: bool,
}

impl<'de> DeserializeSeed<'de> for ObjectCheck {
    type Value = ObjectSeen;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectCheck {
    type Value = ObjectSeen;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = ObjectSeen {
            key_count: 0,
            required_key_found: false,
        };
        while let Some(key) = map.next_key::<String>()? {
            seen.key_count += 1;
            if Some(key.as_str()) == self.required_key {
                seen.required_key_found = true;
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(seen)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn file_with(bytes: &[u8]) -> File {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        file
    }

    fn alpine() -> FeedKind {
        FeedKind::AlpineSecdbJson {
            release: "v3.11".to_owned(),
            repository: "main".to_owned(),
        }
    }

    fn small_zip() -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        writer
            .start_file("GHSA-0000.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(br#"{"id": "GHSA-0000"}"#).unwrap();
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn whole_alpine_secdb_passes() {
        let text = br#"{"distroversion": "v3.11", "packages": [{"pkg": {"name": "apache2"}}]}"#;
        assert_eq!(check_download(&alpine(), &mut file_with(text)), Ok(()));
    }

    #[test]
    fn cut_off_json_fails() {
        let text = br#"{"distroversion": "v3.11", "packages": [{"pkg": {"na"#;
        let error = check_download(&alpine(), &mut file_with(text)).unwrap_err();
        assert!(error.starts_with("invalid JSON"), "{error}");
    }

    #[test]
    fn alpine_secdb_without_packages_fails() {
        let error = check_download(&alpine(), &mut file_with(br#"{"a": 1}"#)).unwrap_err();
        assert!(error.contains("`packages`"), "{error}");
    }

    #[test]
    fn json_array_and_trailing_data_fail() {
        let kind = FeedKind::DebianTrackerJson;
        assert!(check_download(&kind, &mut file_with(b"[1, 2]")).is_err());
        assert!(check_download(&kind, &mut file_with(br#"{"openssl": {}} {"#)).is_err());
        assert!(check_download(&kind, &mut file_with(b"{}")).is_err());
        assert_eq!(
            check_download(&kind, &mut file_with(br#"{"openssl": {}}"#)),
            Ok(())
        );
    }

    #[test]
    fn zip_checks_its_directory() {
        let kind = FeedKind::OsvZip {
            ecosystem: "PyPI".to_owned(),
        };
        let whole = small_zip();

        assert_eq!(check_download(&kind, &mut file_with(&whole)), Ok(()));
        let cut = &whole[..whole.len() - 10];
        assert!(check_download(&kind, &mut file_with(cut)).is_err());
        assert!(check_download(&kind, &mut file_with(b"<html>busy</html>")).is_err());
    }
}
