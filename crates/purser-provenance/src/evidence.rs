//! Recognising what a provenance file holds, and peeking (without verifying) at the subjects
//! a piece of evidence claims, so a caller can pick which of an image's digests to require.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::error::ProvenanceError;
use crate::statement::Statement;
use crate::verify::Evidence;

/// The largest provenance file read, in bytes. Real provenance is a few kilobytes (a Sigstore
/// bundle with its certificate chain under 20 KiB); anything larger is refused unread rather
/// than held in memory.
pub const MAX_EVIDENCE_BYTES: u64 = 16 * 1024 * 1024;

impl Evidence {
    /// Reads the provenance file at `path` with [`Evidence::from_reader`], refusing a file over
    /// [`MAX_EVIDENCE_BYTES`] by its size before reading anything.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Io`] when the file cannot be opened or read,
    /// [`ProvenanceError::TooLarge`] for a file over the limit, and the errors of
    /// [`Evidence::from_file`].
    pub fn from_path(path: &Path) -> Result<Vec<Evidence>, ProvenanceError> {
        let name = path.display().to_string();
        let io = |source| ProvenanceError::Io {
            path: name.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_EVIDENCE_BYTES {
            return Err(ProvenanceError::TooLarge {
                document: name,
                size: Some(size),
                limit: MAX_EVIDENCE_BYTES,
            });
        }
        Self::from_reader(&name, file)
    }

    /// Reads provenance from `reader`, at most [`MAX_EVIDENCE_BYTES`] of it: a stream that goes
    /// on is refused once it passes the limit, without reading further. `name` appears in
    /// messages.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::TooLarge`] past the limit, [`ProvenanceError::Io`] when reading
    /// fails, and the errors of [`Evidence::from_file`].
    pub fn from_reader(name: &str, reader: impl Read) -> Result<Vec<Evidence>, ProvenanceError> {
        let mut bytes = Vec::new();
        reader
            .take(MAX_EVIDENCE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| ProvenanceError::Io {
                path: name.to_owned(),
                source,
            })?;
        if u64::try_from(bytes.len()).map_or(true, |read| read > MAX_EVIDENCE_BYTES) {
            // Only the first bytes past the limit were read: the stream's size is unknown.
            return Err(ProvenanceError::TooLarge {
                document: name.to_owned(),
                size: None,
                limit: MAX_EVIDENCE_BYTES,
            });
        }
        Self::from_file(name, &bytes)
    }

    /// Reads a provenance file: a Sigstore bundle, a DSSE envelope, a Google Cloud Build
    /// occurrence list, an unsigned in-toto statement, or JSON Lines of these (one per line,
    /// as `*.intoto.jsonl` files hold them). `name` appears in messages.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::TooLarge`] for more than [`MAX_EVIDENCE_BYTES`];
    /// [`ProvenanceError::Malformed`] when the file is not UTF-8, is one JSON document cut
    /// short, or a line is not JSON or is none of these formats; the message names the line.
    pub fn from_file(name: &str, bytes: &[u8]) -> Result<Vec<Evidence>, ProvenanceError> {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > MAX_EVIDENCE_BYTES {
            return Err(ProvenanceError::TooLarge {
                document: name.to_owned(),
                size: Some(size),
                limit: MAX_EVIDENCE_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| ProvenanceError::malformed(name, e))?;

        // A whole-file JSON document first: bundles are often pretty-printed over many lines.
        let error = match serde_json::from_str::<Value>(text) {
            Ok(value) => return Ok(vec![classify(name, text, &value)?]),
            Err(error) => error,
        };
        // One document that ends before it closes was cut short; reading it line by line
        // would blame its first line instead. JSON Lines fail with trailing characters.
        if error.is_eof() && !text.trim().is_empty() {
            return Err(ProvenanceError::json(name, &error));
        }

        let mut found = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let line_name = format!("{name} line {}", number + 1);
            let value: Value =
                serde_json::from_str(line).map_err(|e| ProvenanceError::json(&line_name, &e))?;
            found.push(classify(&line_name, line, &value)?);
        }
        if found.is_empty() {
            return Err(ProvenanceError::malformed(name, "the file is empty"));
        }
        Ok(found)
    }

    /// Where the evidence came from, as given when it was read.
    pub fn name(&self) -> &str {
        match self {
            Self::SigstoreBundle { name, .. }
            | Self::DsseEnvelope { name, .. }
            | Self::GcbOccurrence { name, .. }
            | Self::UnsignedStatement { name, .. } => name,
        }
    }

    /// The `sha256` subject digests (`sha256:HEX`) the evidence claims, read WITHOUT verifying
    /// anything: only for choosing which digest to require. Empty when they cannot be read.
    pub fn claimed_subjects(&self) -> Vec<String> {
        let statement = match self {
            Self::SigstoreBundle { name, json } => crate::sigstore::bundle_envelope(name, json)
                .ok()
                .flatten()
                .and_then(|envelope| Statement::from_json(&envelope.payload).ok()),
            Self::DsseEnvelope { name, json } => Envelope::from_json(name, json)
                .ok()
                .filter(|envelope| envelope.payload_type == IN_TOTO_PAYLOAD_TYPE)
                .and_then(|envelope| Statement::from_json(&envelope.payload).ok()),
            Self::UnsignedStatement { json, .. } => Statement::from_json(json).ok(),
            Self::GcbOccurrence { json, .. } => {
                return serde_json::from_slice::<Value>(json)
                    .ok()
                    .and_then(|value| {
                        value
                            .pointer("/image_summary/digest")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .into_iter()
                    .collect();
            }
        };
        statement
            .map(|statement| {
                statement
                    .subjects
                    .iter()
                    .filter_map(|subject| subject.digest.get("sha256"))
                    .map(|hex| format!("sha256:{}", hex.to_ascii_lowercase()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Decides which kind of evidence one JSON document is.
fn classify(name: &str, text: &str, value: &Value) -> Result<Evidence, ProvenanceError> {
    let name = name.to_owned();
    let media_type = value
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if media_type.starts_with("application/vnd.dev.sigstore.bundle") {
        return Ok(Evidence::SigstoreBundle {
            name,
            json: text.to_owned(),
        });
    }
    if value.get("payloadType").is_some() && value.get("payload").is_some() {
        return Ok(Evidence::DsseEnvelope {
            name,
            json: text.as_bytes().to_vec(),
        });
    }
    if value.get("provenance_summary").is_some() {
        return Ok(Evidence::GcbOccurrence {
            name,
            json: text.as_bytes().to_vec(),
        });
    }
    if value.get("_type").is_some() && value.get("subject").is_some() {
        return Ok(Evidence::UnsignedStatement {
            name,
            json: text.as_bytes().to_vec(),
        });
    }
    if !media_type.is_empty() {
        return Err(ProvenanceError::malformed(
            name,
            format!("media type {media_type} is not a Sigstore bundle's (application/vnd.dev.sigstore.bundle…)"),
        ));
    }
    Err(ProvenanceError::malformed(
        name,
        "not a Sigstore bundle, DSSE envelope, Cloud Build occurrence or in-toto statement",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(relative: &str) -> Vec<u8> {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/slsa")
            .join(relative);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn recognises_each_format() {
        let cases = [
            (
                "slsa-verifier/artifact/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
                "bundle",
            ),
            ("dsse/protocol-hello-world/envelope.json", "dsse"),
            (
                "slsa-verifier/gcb_container/v0.2/gcloud-container-github.json",
                "gcb",
            ),
            (
                "slsa-verifier/image/gha_generic_container-v2.1.0/blobs/sha256/8d63b5e440cc7cfa68622b4a3cae2dbe215f8f8dcc9f2fa4ffd3078d40d61a84",
                "statement",
            ),
        ];
        for (file, expected) in cases {
            let found = Evidence::from_file(file, &vector(file)).unwrap();
            let kind = match &found[0] {
                Evidence::SigstoreBundle { .. } => "bundle",
                Evidence::DsseEnvelope { .. } => "dsse",
                Evidence::GcbOccurrence { .. } => "gcb",
                Evidence::UnsignedStatement { .. } => "statement",
            };
            assert_eq!(kind, expected, "{file}");
        }
    }

    #[test]
    fn json_lines_give_one_evidence_per_line_and_name_bad_lines() {
        let line = String::from_utf8(vector(
            "slsa-verifier/artifact/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
        ))
        .unwrap();
        let two = format!("{}\n\n{}\n", line.trim(), line.trim());
        assert_eq!(Evidence::from_file("two", two.as_bytes()).unwrap().len(), 2);

        let broken = format!("{}\n{{not json\n", line.trim());
        let error = Evidence::from_file("broken.jsonl", broken.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("broken.jsonl line 2"), "{error}");
    }

    #[test]
    fn other_json_is_refused() {
        let error = Evidence::from_file("x.json", br#"{"hello": 1}"#).unwrap_err();
        assert!(
            error.to_string().starts_with("failed to parse x.json"),
            "{error}"
        );
    }

    #[test]
    fn claimed_subjects_come_from_the_statement() {
        let file = "slsa-verifier/artifact/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl";
        let found = Evidence::from_file(file, &vector(file)).unwrap();
        assert!(found[0].claimed_subjects().contains(
            &"sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa".to_owned()
        ));
    }
}
