//! Turning a raw tar entry into what the visitor sees: normalised path, entry kind (whiteouts
//! and opaque markers recognised by name, as the OCI image spec's "Representing Changes"
//! section and containerd do, whatever the entry's type), and anomalies.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use crate::anomaly::{AnomalyKind, AnomalyLog};
use crate::entry::EntryKind;
use crate::entry_path::{file_name, join, normalise, parent};
use crate::tar_reader::{Name, RawEntry, RawKind};

/// Name of the opaque-directory marker.
const OPAQUE_MARKER: &str = ".wh..wh..opq";
/// Prefix of whiteout names.
const WHITEOUT_PREFIX: &str = ".wh.";
/// Prefix of aufs metadata names (which are not whiteouts).
const AUFS_METADATA_PREFIX: &str = ".wh..wh.";

/// Where the visitor may read contents from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContentsKind {
    /// The entry's data in the layer.
    Data,
    /// Nothing to read.
    Empty,
    /// Sparse data that is not the file's contents.
    Sparse,
}

/// A classified entry.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Classified {
    pub path: String,
    pub kind: EntryKind,
    pub size: u64,
    pub contents: ContentsKind,
}

/// Paths of non-directories written so far in this layer, as 64-bit hashes (to tell whether a
/// hard link's target came earlier in the same layer without keeping every path).
#[derive(Default)]
pub(crate) struct WrittenFiles {
    hashes: HashSet<u64>,
}

impl WrittenFiles {
    fn insert(&mut self, path: &str) {
        self.hashes.insert(hash_path(path));
    }

    fn contains(&self, path: &str) -> bool {
        self.hashes.contains(&hash_path(path))
    }
}

fn hash_path(path: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

/// Classifies `raw`; `None` when the entry is skipped (the reason is in `anomalies` or, for
/// the root directory, in a trace log).
pub(crate) fn classify(
    raw: &RawEntry,
    anomalies: &mut AnomalyLog,
    written: &mut WrittenFiles,
) -> Option<Classified> {
    let stored = match &raw.path {
        Name::Bytes(bytes) => bytes,
        Name::TooLong { length } => {
            let detail = format!("path of {length} bytes is over max_path_bytes");
            anomalies.record(
                &format!("<{length}-byte path>"),
                AnomalyKind::PathTooLong,
                detail,
            );
            return None;
        }
    };
    let path = normalised_path(stored, anomalies)?;

    let name = file_name(&path);
    if name == OPAQUE_MARKER {
        let directory = parent(&path).to_owned();
        return Some(header_only(path, EntryKind::OpaqueDirectory { directory }));
    }
    if name.starts_with(AUFS_METADATA_PREFIX) {
        anomalies.record(
            &path,
            AnomalyKind::AufsMetadataSkipped,
            "aufs metadata".into(),
        );
        return None;
    }
    if let Some(deleted_name) = name.strip_prefix(WHITEOUT_PREFIX) {
        if deleted_name.is_empty() || deleted_name == "." || deleted_name == ".." {
            anomalies.record(
                &path,
                AnomalyKind::InvalidWhiteout,
                "whiteout names nothing".into(),
            );
            return None;
        }
        let deleted = join(parent(&path), deleted_name);
        return Some(header_only(path, EntryKind::Whiteout { deleted }));
    }

    let classified = classify_by_type(raw, path, anomalies, written)?;
    if classified.kind != EntryKind::Directory {
        written.insert(&classified.path);
    }
    Some(classified)
}

/// Normalises the stored path, recording what had to be fixed; `None` for the root itself.
fn normalised_path(stored: &[u8], anomalies: &mut AnomalyLog) -> Option<String> {
    let normalised = normalise(stored);
    let shown = String::from_utf8_lossy(stored);
    if normalised.path.is_empty() {
        tracing::trace!(path = %shown, "skipping the root directory entry");
        return None;
    }
    if normalised.lossy {
        anomalies.record(
            &normalised.path,
            AnomalyKind::NonUtf8Path,
            "invalid UTF-8 replaced".into(),
        );
    }
    if normalised.absolute {
        let detail = format!("{shown:?} made relative as {:?}", normalised.path);
        anomalies.record(&shown, AnomalyKind::AbsolutePath, detail);
    }
    if normalised.clamped {
        let detail = format!("{shown:?} clamped at the root to {:?}", normalised.path);
        anomalies.record(&shown, AnomalyKind::PathClamped, detail);
    }
    Some(normalised.path)
}

fn classify_by_type(
    raw: &RawEntry,
    path: String,
    anomalies: &mut AnomalyLog,
    written: &WrittenFiles,
) -> Option<Classified> {
    match raw.kind {
        RawKind::Regular => Some(regular(raw, path, anomalies)),
        RawKind::Directory => Some(header_only(path, EntryKind::Directory)),
        RawKind::Symlink => {
            let target = link_text(raw, &path, anomalies)?;
            Some(header_only(path, EntryKind::Symlink { target }))
        }
        RawKind::Hardlink => {
            let target = hardlink_target(raw, &path, anomalies, written)?;
            Some(header_only(path, EntryKind::Hardlink { target }))
        }
        RawKind::CharDevice | RawKind::BlockDevice => {
            let kind = if raw.kind == RawKind::CharDevice {
                "character"
            } else {
                "block"
            };
            let (major, minor) = raw.device;
            let detail = format!("{kind} device {major}:{minor}, not read");
            anomalies.record(&path, AnomalyKind::DeviceSkipped, detail);
            Some(header_only(path, EntryKind::Device))
        }
        RawKind::Fifo => {
            anomalies.record(&path, AnomalyKind::FifoSkipped, "fifo, not read".into());
            Some(header_only(path, EntryKind::Fifo))
        }
        RawKind::Other(flag) => {
            let detail = format!("tar type flag {:?} skipped", char::from(flag));
            anomalies.record(&path, AnomalyKind::UnknownEntryType, detail);
            None
        }
    }
}

fn regular(raw: &RawEntry, path: String, anomalies: &mut AnomalyLog) -> Classified {
    match raw.sparse_real_size {
        Some(real_size) => {
            let detail = format!("sparse file of {real_size} bytes; contents not reassembled");
            anomalies.record(&path, AnomalyKind::SparseFile, detail);
            Classified {
                path,
                kind: EntryKind::Regular,
                size: real_size,
                contents: ContentsKind::Sparse,
            }
        }
        None => Classified {
            path,
            kind: EntryKind::Regular,
            size: raw.size,
            contents: ContentsKind::Data,
        },
    }
}

fn header_only(path: String, kind: EntryKind) -> Classified {
    Classified {
        path,
        kind,
        size: 0,
        contents: ContentsKind::Empty,
    }
}

/// A link target as text; `None` (with an anomaly) when too long.
fn link_text(raw: &RawEntry, path: &str, anomalies: &mut AnomalyLog) -> Option<String> {
    match &raw.link {
        Name::Bytes(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            if matches!(text, std::borrow::Cow::Owned(_)) {
                let detail = "link target has invalid UTF-8, replaced".to_owned();
                anomalies.record(path, AnomalyKind::NonUtf8Path, detail);
            }
            Some(text.into_owned())
        }
        Name::TooLong { length } => {
            let detail = format!("link target of {length} bytes is over max_path_bytes");
            anomalies.record(path, AnomalyKind::PathTooLong, detail);
            None
        }
    }
}

/// A hard link's target, normalised like entry paths.
fn hardlink_target(
    raw: &RawEntry,
    path: &str,
    anomalies: &mut AnomalyLog,
    written: &WrittenFiles,
) -> Option<String> {
    let stored = link_text(raw, path, anomalies)?;
    let target = normalise(stored.as_bytes());
    if target.path.is_empty() {
        let detail = format!("hard link target {stored:?} is empty or the root");
        anomalies.record(path, AnomalyKind::InvalidLinkTarget, detail);
        return None;
    }
    if target.clamped || target.absolute {
        let detail = format!("hard link target {stored:?} taken as {:?}", target.path);
        anomalies.record(path, AnomalyKind::PathClamped, detail);
    }
    if !written.contains(&target.path) {
        let detail = format!(
            "target {:?} was not written earlier in this layer",
            target.path
        );
        anomalies.record(path, AnomalyKind::HardlinkTargetMissing, detail);
    }
    Some(target.path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::Anomaly;

    fn raw(path: &str, kind: RawKind) -> RawEntry {
        RawEntry {
            data_offset: 512,
            kind,
            path: Name::Bytes(path.as_bytes().to_vec()),
            link: Name::Bytes(Vec::new()),
            mode: 0o644,
            uid: 0,
            gid: 0,
            size: 0,
            sparse_real_size: None,
            device: (0, 0),
        }
    }

    fn run(entries: &[RawEntry]) -> (Vec<Option<Classified>>, Vec<Anomaly>) {
        let mut anomalies = AnomalyLog::default();
        let mut written = WrittenFiles::default();
        let classified = entries
            .iter()
            .map(|entry| classify(entry, &mut anomalies, &mut written))
            .collect();
        (classified, anomalies.into_parts().0)
    }

    fn kinds(anomalies: &[Anomaly]) -> Vec<AnomalyKind> {
        anomalies.iter().map(|anomaly| anomaly.kind).collect()
    }

    #[test]
    fn whiteouts_and_opaque_markers() {
        let (classified, anomalies) = run(&[
            raw("etc/.wh.passwd", RawKind::Regular),
            raw(".wh.tmp", RawKind::Regular),
            raw("var/cache/.wh..wh..opq", RawKind::Regular),
            raw(".wh..wh..opq", RawKind::Regular),
            raw("x/.wh..wh.plnk", RawKind::Directory),
            raw("x/.wh.", RawKind::Regular),
            raw("x/.wh..", RawKind::Regular),
        ]);
        let kind = |index: usize| classified[index].as_ref().map(|c| c.kind.clone());
        assert_eq!(
            kind(0),
            Some(EntryKind::Whiteout {
                deleted: "etc/passwd".into()
            })
        );
        assert_eq!(
            classified[0].as_ref().map(|c| c.path.as_str()),
            Some("etc/.wh.passwd")
        );
        assert_eq!(
            kind(1),
            Some(EntryKind::Whiteout {
                deleted: "tmp".into()
            })
        );
        assert_eq!(
            kind(2),
            Some(EntryKind::OpaqueDirectory {
                directory: "var/cache".into()
            })
        );
        assert_eq!(
            kind(3),
            Some(EntryKind::OpaqueDirectory {
                directory: String::new()
            })
        );
        assert_eq!(kind(4), None);
        assert_eq!(kind(5), None);
        assert_eq!(kind(6), None);
        assert_eq!(
            kinds(&anomalies),
            [
                AnomalyKind::AufsMetadataSkipped,
                AnomalyKind::InvalidWhiteout,
                AnomalyKind::InvalidWhiteout
            ]
        );
    }

    #[test]
    fn hostile_paths_are_clamped_and_recorded() {
        let (classified, anomalies) = run(&[
            raw("../../etc/passwd", RawKind::Regular),
            raw("/usr/bin/evil", RawKind::Regular),
            raw("./", RawKind::Directory),
            raw("/", RawKind::Directory),
        ]);
        assert_eq!(
            classified[0].as_ref().map(|c| c.path.as_str()),
            Some("etc/passwd")
        );
        assert_eq!(
            classified[1].as_ref().map(|c| c.path.as_str()),
            Some("usr/bin/evil")
        );
        assert!(classified[2].is_none() && classified[3].is_none());
        assert_eq!(
            kinds(&anomalies),
            [AnomalyKind::PathClamped, AnomalyKind::AbsolutePath]
        );
        assert_eq!(anomalies[0].path, "../../etc/passwd");
    }

    #[test]
    fn links_devices_and_unknown_types() {
        let mut symlink = raw("bin", RawKind::Symlink);
        symlink.link = Name::Bytes(b"usr/bin".to_vec());
        let mut hardlink = raw("usr/bin/b", RawKind::Hardlink);
        hardlink.link = Name::Bytes(b"./usr/bin/a".to_vec());
        let mut dangling = raw("usr/bin/c", RawKind::Hardlink);
        dangling.link = Name::Bytes(b"/usr/bin/missing".to_vec());
        let mut to_root = raw("usr/bin/d", RawKind::Hardlink);
        to_root.link = Name::Bytes(b"/".to_vec());
        let mut device = raw("dev/null", RawKind::CharDevice);
        device.device = (1, 3);

        let (classified, anomalies) = run(&[
            symlink,
            raw("usr/bin/a", RawKind::Regular),
            hardlink,
            dangling,
            to_root,
            device,
            raw("run/fifo", RawKind::Fifo),
            raw("label", RawKind::Other(b'V')),
        ]);
        let kind = |index: usize| classified[index].as_ref().map(|c| c.kind.clone());
        assert_eq!(
            kind(0),
            Some(EntryKind::Symlink {
                target: "usr/bin".into()
            })
        );
        assert_eq!(
            kind(2),
            Some(EntryKind::Hardlink {
                target: "usr/bin/a".into()
            })
        );
        assert_eq!(
            kind(3),
            Some(EntryKind::Hardlink {
                target: "usr/bin/missing".into()
            })
        );
        assert_eq!(kind(4), None);
        assert_eq!(kind(5), Some(EntryKind::Device));
        assert_eq!(kind(6), Some(EntryKind::Fifo));
        assert_eq!(kind(7), None);
        assert_eq!(
            kinds(&anomalies),
            [
                AnomalyKind::PathClamped,
                AnomalyKind::HardlinkTargetMissing,
                AnomalyKind::InvalidLinkTarget,
                AnomalyKind::DeviceSkipped,
                AnomalyKind::FifoSkipped,
                AnomalyKind::UnknownEntryType,
            ]
        );
        assert!(anomalies[3].detail.contains("1:3"));
    }

    #[test]
    fn too_long_and_sparse_entries() {
        let mut long = raw("x", RawKind::Regular);
        long.path = Name::TooLong { length: 9000 };
        let mut long_link = raw("l", RawKind::Symlink);
        long_link.link = Name::TooLong { length: 5000 };
        let mut sparse = raw("sparse", RawKind::Regular);
        sparse.size = 512;
        sparse.sparse_real_size = Some(1 << 20);

        let (classified, anomalies) = run(&[long, long_link, sparse]);
        assert!(classified[0].is_none() && classified[1].is_none());
        let sparse = classified[2].as_ref().expect("sparse entry kept");
        assert_eq!(sparse.size, 1 << 20);
        assert_eq!(sparse.contents, ContentsKind::Sparse);
        assert_eq!(
            kinds(&anomalies),
            [
                AnomalyKind::PathTooLong,
                AnomalyKind::PathTooLong,
                AnomalyKind::SparseFile
            ]
        );
    }

    #[test]
    fn regular_files_report_their_size_and_data() {
        let mut file = raw("etc/os-release", RawKind::Regular);
        file.size = 42;
        let (classified, anomalies) = run(&[file]);
        let file = classified[0].as_ref().expect("kept");
        assert_eq!((file.size, file.contents), (42, ContentsKind::Data));
        assert!(anomalies.is_empty());
    }
}
