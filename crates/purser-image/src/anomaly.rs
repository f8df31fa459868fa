//! Unusual or hostile layer entries, recorded instead of failing the walk.

use std::fmt;

use serde::Serialize;

/// Most anomalies kept per layer; the rest are only counted, so a hostile layer cannot grow
/// the list without bound.
pub(crate) const MAX_ANOMALIES_PER_LAYER: usize = 1000;

/// Something unusual about one entry of a layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// The entry's path as stored (lossy UTF-8, shortened to 256 bytes), or its normalised
    /// path when that is more useful.
    pub path: String,
    /// What was unusual.
    pub kind: AnomalyKind,
    /// Details for humans, e.g. `"../../etc/passwd" clamped to "etc/passwd"`.
    pub detail: String,
}

impl std::fmt::Display for Anomaly {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{} {}: {}",
            self.kind.as_str(),
            self.path,
            self.detail
        )
    }
}

/// The kinds of [`Anomaly`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AnomalyKind {
    /// A `..` component would have left the image root; it was clamped at the root, as
    /// container runtimes do. The entry is still visited under its clamped path.
    PathClamped,
    /// The path was absolute; it was made relative to the image root. Still visited.
    AbsolutePath,
    /// The path or link target is longer than `max_path_bytes`. The entry is skipped.
    PathTooLong,
    /// The path or link target is not valid UTF-8; invalid bytes became U+FFFD. Still visited.
    NonUtf8Path,
    /// A character or block device: visited, never read.
    DeviceSkipped,
    /// A fifo: visited, never read.
    FifoSkipped,
    /// A hard link whose target was not written earlier in the same layer (it may come from a
    /// lower layer). Still visited.
    HardlinkTargetMissing,
    /// A hard link with an empty target, or pointing at the image root. The entry is skipped.
    InvalidLinkTarget,
    /// A whiteout naming nothing valid (`.wh.`, `.wh..`). The entry is skipped.
    InvalidWhiteout,
    /// An aufs metadata entry (`.wh..wh.plnk`, `.wh..wh.aufs`, …). The entry is skipped.
    AufsMetadataSkipped,
    /// A GNU or PAX sparse file: visited as a regular file; its contents cannot be read.
    SparseFile,
    /// An entry type this crate does not know (tar volume labels, vendor types, sockets in a
    /// root filesystem). The entry is skipped.
    UnknownEntryType,
    /// A directory or file of a root filesystem that could not be read. Its subtree is
    /// skipped.
    Unreadable,
}

impl AnomalyKind {
    /// A stable kebab-case name, e.g. `path-clamped`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::PathClamped => "path-clamped",
            AnomalyKind::AbsolutePath => "absolute-path",
            AnomalyKind::PathTooLong => "path-too-long",
            AnomalyKind::NonUtf8Path => "non-utf8-path",
            AnomalyKind::DeviceSkipped => "device-skipped",
            AnomalyKind::FifoSkipped => "fifo-skipped",
            AnomalyKind::HardlinkTargetMissing => "hardlink-target-missing",
            AnomalyKind::InvalidLinkTarget => "invalid-link-target",
            AnomalyKind::InvalidWhiteout => "invalid-whiteout",
            AnomalyKind::AufsMetadataSkipped => "aufs-metadata-skipped",
            AnomalyKind::SparseFile => "sparse-file",
            AnomalyKind::UnknownEntryType => "unknown-entry-type",
            AnomalyKind::Unreadable => "unreadable",
        }
    }
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Collects a layer's anomalies up to [`MAX_ANOMALIES_PER_LAYER`].
#[derive(Default)]
pub(crate) struct AnomalyLog {
    kept: Vec<Anomaly>,
    omitted: u64,
}

impl AnomalyLog {
    /// Records one anomaly (or counts it once the list is full).
    pub(crate) fn record(&mut self, path: &str, kind: AnomalyKind, detail: String) {
        tracing::debug!(path = %shorten(path), %kind, %detail, "layer entry anomaly");
        if self.kept.len() < MAX_ANOMALIES_PER_LAYER {
            self.kept.push(Anomaly {
                path: shorten(path),
                kind,
                detail,
            });
        } else {
            self.omitted += 1;
        }
    }

    /// The kept anomalies and how many were omitted.
    pub(crate) fn into_parts(self) -> (Vec<Anomaly>, u64) {
        (self.kept, self.omitted)
    }
}

/// Paths in anomalies are capped at 256 bytes (on a character boundary).
pub(crate) fn shorten(path: &str) -> String {
    const MAX: usize = 256;
    if path.len() <= MAX {
        return path.to_owned();
    }
    let mut cut = MAX;
    while !path.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &path[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_keeps_a_bounded_number() {
        let mut log = AnomalyLog::default();
        for index in 0..MAX_ANOMALIES_PER_LAYER + 5 {
            log.record(
                &format!("p{index}"),
                AnomalyKind::PathClamped,
                String::new(),
            );
        }
        let (kept, omitted) = log.into_parts();
        assert_eq!(kept.len(), MAX_ANOMALIES_PER_LAYER);
        assert_eq!(omitted, 5);
    }

    #[test]
    fn long_paths_are_shortened_on_a_char_boundary() {
        let path = "é".repeat(300);
        let short = shorten(&path);
        assert!(short.len() <= 256 + "…".len());
        assert!(short.ends_with('…'));
    }

    #[test]
    fn kinds_serialise_as_their_names() {
        let json = serde_json::to_string(&AnomalyKind::HardlinkTargetMissing).expect("json");
        assert_eq!(json, "\"hardlink-target-missing\"");
        assert_eq!(AnomalyKind::PathClamped.to_string(), "path-clamped");
    }
}
