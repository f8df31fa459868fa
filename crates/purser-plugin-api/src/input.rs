//! What an analyzer receives: files of a layer, the layer's context, and image-level inputs.

use serde::{Deserialize, Serialize};

/// One regular file of a layer, as handed to [`crate::Analyzer::analyze_file`].
///
/// The contents are borrowed from the engine for the duration of the call only.
#[derive(Debug, Clone, Copy)]
pub struct FileInput<'a> {
    /// Path relative to the image root, `/`-separated, without a leading `/`.
    pub path: &'a str,
    /// Size of the whole file in bytes, even when `contents` holds less.
    pub size: u64,
    /// Permission bits, including setuid (`0o4000`), setgid (`0o2000`) and sticky (`0o1000`).
    pub mode: u32,
    /// The bytes, or an empty slice when the request did not ask for contents.
    pub contents: &'a [u8],
    /// True when `contents` holds only the first part of the file (it exceeded the engine's
    /// per-file read limit).
    pub truncated: bool,
}

impl<'a> FileInput<'a> {
    /// The last path component.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// Why a file that must be read whole (JSON, YAML, TOML, a zip) cannot be: it is over the
    /// analyzer's size `limit` (set with the option `option`), or the engine handed over only
    /// its beginning. `None` when the whole file is here and within the limit. The warning names
    /// the file, the sizes and what to raise; `analyzer` names the analyzer in it.
    pub fn not_whole(&self, analyzer: &str, limit: u64, option: &str) -> Option<crate::Diagnostic> {
        if self.size > limit {
            return Some(crate::Diagnostic::warning(
                self.path,
                format!(
                    "the file is {} bytes, over the {analyzer} analyzer's limit of {limit} bytes \
                     (option {option}); not read",
                    self.size
                ),
            ));
        }
        if self.truncated || (self.contents.len() as u64) < self.size {
            return Some(crate::Diagnostic::warning(
                self.path,
                format!(
                    "only {} of the file's {} bytes were handed over (the engine's read limit); \
                     not read, as it cannot be read in part",
                    self.contents.len(),
                    self.size
                ),
            ));
        }
        None
    }

    /// For databases of records separated by blank lines (dpkg's status, apk's installed): the
    /// contents, or, when the engine handed over only the beginning of the file, the contents up
    /// to the end of the last whole record, with a warning in `findings` saying what was left
    /// out. No record is then reported with a cut version or field.
    pub fn whole_records(&self, findings: &mut Vec<crate::Finding>) -> &'a [u8] {
        if !self.truncated {
            return self.contents;
        }
        findings.push(crate::Finding::Diagnostic(crate::Diagnostic::warning(
            self.path,
            format!(
                "the file ({} bytes) exceeds the engine's read limit; only the records in its \
                 first {} bytes are reported",
                self.size,
                self.contents.len()
            ),
        )));
        &self.contents[..end_of_last_whole_record(self.contents)]
    }
}

/// The length of `contents` up to and including the last line before an empty line (`\n\n` or
/// `\n\r\n`), or 0 when there is none.
fn end_of_last_whole_record(contents: &[u8]) -> usize {
    contents
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, byte)| **byte == b'\n')
        .find(|(index, _)| {
            let rest = &contents[index + 1..];
            rest.starts_with(b"\n") || rest.starts_with(b"\r\n")
        })
        .map_or(0, |(index, _)| index + 1)
}

/// One layer: the one a session analyzes, or one of the list in [`ImageContext`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LayerContext {
    /// Position in the image, 0 for the base layer.
    pub index: usize,
    /// Digest of the layer as stored (compressed), when the source has one.
    pub digest: Option<String>,
    /// Digest of the uncompressed layer, the key under which results may be cached.
    pub diff_id: Option<String>,
    /// The history line (`created_by`) that made the layer, when known.
    pub created_by: Option<String>,
}

/// Facts about the image as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageContext {
    /// What the user named (a path today, a registry reference later).
    pub reference: String,
    /// `docker-archive`, `oci-layout`, `rootfs`, ...
    pub source_kind: String,
    /// `os/architecture[/variant]` of the image.
    pub platform: String,
    /// Digest of the image manifest, when the source has one.
    pub manifest_digest: Option<String>,
    /// The layers, base first.
    pub layers: Vec<LayerContext>,
}

/// An artifact attached to the image: an attestation, a signature, an SBOM.
#[derive(Debug, Clone, Copy)]
pub struct Attachment<'a> {
    /// Media type of the artifact (or of its layer holding `data`).
    pub media_type: &'a str,
    /// Digest of `data`.
    pub digest: &'a str,
    /// Annotations of the artifact as a JSON object (may be `{}`).
    pub annotations_json: &'a [u8],
    /// The artifact's bytes.
    pub data: &'a [u8],
}

/// The image-level inputs an analyzer asked for; what it did not ask for is empty.
#[derive(Debug, Clone)]
pub struct ImageInput<'a> {
    /// Facts about the image.
    pub context: ImageContext,
    /// The raw image config JSON.
    pub config_json: &'a [u8],
    /// The raw manifest JSON.
    pub manifest_json: &'a [u8],
    /// The raw index JSON, when the image was reached through one.
    pub index_json: &'a [u8],
    /// Artifacts attached to the image.
    pub attachments: Vec<Attachment<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_must_be_whole_and_within_the_limit() {
        let contents = b"{\"a\": 1}";
        let file = |size: u64, truncated: bool| FileInput {
            path: "app/package-lock.json",
            size,
            mode: 0o644,
            contents,
            truncated,
        };
        let whole = contents.len() as u64;
        assert!(file(whole, false)
            .not_whole("npm", 100, "max_lock_size")
            .is_none());

        let over = file(whole, false)
            .not_whole("npm", 4, "max_lock_size")
            .expect("over the limit");
        assert_eq!(over.path, "app/package-lock.json");
        assert!(
            over.message.contains("npm analyzer's limit of 4 bytes"),
            "{}",
            over.message
        );
        assert!(
            over.message.contains("option max_lock_size"),
            "{}",
            over.message
        );

        let cut = file(900, true)
            .not_whole("npm", 1000, "max_lock_size")
            .expect("cut by the engine");
        assert!(
            cut.message.contains("only 8 of the file's 900 bytes"),
            "{}",
            cut.message
        );
    }

    #[test]
    fn a_cut_record_ends_at_the_last_empty_line() {
        assert_eq!(end_of_last_whole_record(b"a\n\nb\n\nc"), 5);
        assert_eq!(end_of_last_whole_record(b"a\r\n\r\nb"), 3);
        assert_eq!(end_of_last_whole_record(b"a\nb\n"), 0);
        assert_eq!(end_of_last_whole_record(b""), 0);
    }

    #[test]
    fn only_truncated_files_are_cut_and_warned_about() {
        let mut file = FileInput {
            path: "db",
            size: 9,
            mode: 0o644,
            contents: b"a\n\nb",
            truncated: false,
        };
        let mut findings = Vec::new();
        assert_eq!(file.whole_records(&mut findings), b"a\n\nb");
        assert!(findings.is_empty());
        file.truncated = true;
        assert_eq!(file.whole_records(&mut findings), b"a\n");
        assert_eq!(findings.len(), 1);
    }
}
