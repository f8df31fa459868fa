//! What an analyzer asks the engine for, declaratively.
//!
//! Requests are data so that the engine can compile every analyzer's requests into one matcher and
//! decide for each tar entry, in constant time, which analyzers want it and whether its contents
//! must be read at all.

use serde::{Deserialize, Serialize};

/// Everything an analyzer wants from a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalyzerRequests {
    /// Files of the layers. A file is dispatched when any request matches it.
    pub files: Vec<FileRequest>,
    /// Image-level inputs, handed to [`crate::Analyzer::analyze_image`].
    pub image: ImageRequest,
}

/// A set of regular files an analyzer wants, with the conditions they must meet.
///
/// A file matches when at least one path selector matches (or [`FileRequest::all_files`] is
/// set) **and** every condition holds (size, mode bits, text). Paths are relative to the image
/// root, use `/` and have no leading `/` (`etc/os-release`, not `/etc/os-release`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileRequest {
    /// Exact paths, such as `etc/os-release`.
    pub exact_paths: Vec<String>,
    /// File names in any directory, such as `package.json`.
    pub file_names: Vec<String>,
    /// Name endings in any directory, such as `.jar` or `-lock.json`; compared case-sensitively.
    pub suffixes: Vec<String>,
    /// Glob patterns over the whole path (`var/lib/dpkg/status.d/*`, `**/site-packages/*/METADATA`),
    /// in the syntax of the `globset` crate; `*` does not cross `/`, `**` does.
    pub globs: Vec<String>,
    /// Every regular file, whatever its path (a secrets scanner).
    pub all_files: bool,
    /// Only files whose size is at most this many bytes; larger ones are skipped and reported as
    /// not looked at.
    pub max_size: Option<u64>,
    /// Only files with at least one of these mode bits set (`0o6000` for setuid or setgid).
    pub mode_any: Option<u32>,
    /// Only files whose first bytes look like text (no NUL byte in the first 8 KiB).
    pub text_only: bool,
    /// Whether the analyzer needs the contents. When false the engine passes path, size and mode
    /// only, and never reads the bytes.
    pub contents: bool,
}

impl FileRequest {
    /// A request for contents of the given exact paths.
    pub fn exact_paths<I, S>(paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        FileRequest {
            exact_paths: paths.into_iter().map(Into::into).collect(),
            contents: true,
            ..FileRequest::default()
        }
    }

    /// Whether the request selects nothing at all (no selector and not `all_files`).
    pub fn selects_nothing(&self) -> bool {
        !self.all_files
            && self.exact_paths.is_empty()
            && self.file_names.is_empty()
            && self.suffixes.is_empty()
            && self.globs.is_empty()
    }
}

/// Image-level inputs an analyzer wants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageRequest {
    /// The image config (env, history, labels, ...), as raw JSON.
    pub config: bool,
    /// The image manifest and, when there is one, the index that led to it, as raw JSON.
    pub manifest: bool,
    /// Artifacts attached to the image, such as attestations and signatures.
    pub attachments: bool,
}

impl ImageRequest {
    /// Whether any image-level input is wanted.
    pub fn any(&self) -> bool {
        self.config || self.manifest || self.attachments
    }
}
