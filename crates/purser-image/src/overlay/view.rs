//! The merged filesystem and the fate of every written copy of every path.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use super::change::{ChangeKind, PathChange};

/// What happened to the copy of a path that one layer wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathStatus {
    /// The copy is in the final filesystem.
    Present,
    /// A later layer (the one given) wrote the same path again.
    ReplacedIn(usize),
    /// A later layer (the one given) deleted it: by whiteout, opaque directory, or by writing a
    /// non-directory over one of its parent directories. For copies written and removed by the
    /// same layer (a file written, then its parent replaced by a file), it is that layer.
    RemovedIn(usize),
    /// The layer did not write this path.
    NotWritten,
}

/// A path present in the filesystem being built.
#[derive(Clone, Debug)]
struct Live {
    layer: usize,
    kind: ChangeKind,
}

/// One layer's copy of a path.
#[derive(Clone, Copy, Debug)]
struct Copy {
    layer: usize,
    status: PathStatus,
}

/// The final filesystem of an image, built from each layer's changes.
#[derive(Debug, Default)]
pub struct FilesystemView {
    /// Paths present at the end, sorted so a subtree is a range.
    live: BTreeMap<Arc<str>, Live>,
    /// Every copy ever written, per path, in layer order.
    copies: HashMap<Arc<str>, Vec<Copy>>,
    /// Present paths that are not directories.
    file_count: usize,
}

impl FilesystemView {
    /// Applies each layer's changes in order (index 0 is the base layer). Paths must be
    /// normalised as [`LayerEntry::path`](crate::LayerEntry::path) gives them.
    pub fn build(layers: &[Vec<PathChange>]) -> FilesystemView {
        let mut view = FilesystemView::default();
        for (layer, changes) in layers.iter().enumerate() {
            view.apply_deletions(layer, changes);
            view.apply_writes(layer, changes);
        }
        view.file_count = view
            .live
            .values()
            .filter(|live| live.kind != ChangeKind::Directory)
            .count();
        tracing::debug!(
            layers = layers.len(),
            paths = view.live.len(),
            "built the merged filesystem view"
        );
        view
    }

    /// What happened to the copy of `path` that layer `layer` wrote.
    pub fn status(&self, path: &str, layer: usize) -> PathStatus {
        self.copies
            .get(path)
            .and_then(|copies| copies.iter().find(|copy| copy.layer == layer))
            .map_or(PathStatus::NotWritten, |copy| copy.status)
    }

    /// The layer whose copy of `path` is in the final filesystem; `None` when absent
    /// (directories only implied by their children have no owner either).
    pub fn owner(&self, path: &str) -> Option<usize> {
        self.live.get(path).map(|live| live.layer)
    }

    /// What `path` is in the final filesystem, when it is present.
    pub fn kind(&self, path: &str) -> Option<&ChangeKind> {
        self.live.get(path).map(|live| &live.kind)
    }

    /// Every present path with its owning layer and kind, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, usize, &ChangeKind)> {
        self.live
            .iter()
            .map(|(path, live)| (&**path, live.layer, &live.kind))
    }

    /// How many present paths are not directories (regular files, links, devices, fifos).
    pub fn file_count(&self) -> usize {
        self.file_count
    }

    /// Phase one: whiteouts and opaque markers act on what the lower layers left.
    fn apply_deletions(&mut self, layer: usize, changes: &[PathChange]) {
        for change in changes {
            match change.kind {
                ChangeKind::Whiteout => {
                    self.remove(&change.path, layer);
                    self.remove_descendants(&change.path, layer);
                }
                ChangeKind::OpaqueDirectory => self.remove_descendants(&change.path, layer),
                _ => {}
            }
        }
    }

    /// Phase two: writes in archive order.
    fn apply_writes(&mut self, layer: usize, changes: &[PathChange]) {
        for change in changes {
            if matches!(
                change.kind,
                ChangeKind::Whiteout | ChangeKind::OpaqueDirectory
            ) {
                continue;
            }
            if change.path.is_empty() {
                continue;
            }
            self.replace_non_directory_ancestors(&change.path, layer);
            self.write(&change.path, &change.kind, layer);
        }
    }

    fn write(&mut self, path: &str, kind: &ChangeKind, layer: usize) {
        let is_directory = *kind == ChangeKind::Directory;
        let previous = self.live.get(path).cloned();

        if let Some(previous) = &previous {
            if previous.kind == ChangeKind::Directory && !is_directory {
                self.remove_descendants(path, layer);
            }
        }
        let key = self.key(path);
        self.live.insert(
            key.clone(),
            Live {
                layer,
                kind: kind.clone(),
            },
        );

        let copies = self.copies.entry(key).or_default();
        if let Some(previous) = previous {
            if previous.layer != layer {
                let replaced = copies
                    .iter_mut()
                    .rev()
                    .find(|copy| copy.layer == previous.layer);
                if let Some(copy) = replaced {
                    copy.status = PathStatus::ReplacedIn(layer);
                }
            }
        }
        match copies.last_mut() {
            // This layer wrote the path before (and may have removed it since): the later
            // entry is its copy.
            Some(last) if last.layer == layer => last.status = PathStatus::Present,
            _ => copies.push(Copy {
                layer,
                status: PathStatus::Present,
            }),
        }
    }

    /// A file or link standing where a parent directory must be is replaced by that
    /// directory (overlayfs shows the upper layer's directory over a lower file).
    fn replace_non_directory_ancestors(&mut self, path: &str, layer: usize) {
        let mut end = 0;
        while let Some(offset) = path[end..].find('/') {
            end += offset;
            let ancestor = &path[..end];
            let blocks = self
                .live
                .get(ancestor)
                .is_some_and(|live| live.kind != ChangeKind::Directory);
            if blocks {
                self.remove_with_status(ancestor, PathStatus::ReplacedIn(layer));
            }
            end += 1;
        }
    }

    /// Removes `path` itself (not its subtree), marking its copy removed by `layer`.
    fn remove(&mut self, path: &str, layer: usize) {
        self.remove_with_status(path, PathStatus::RemovedIn(layer));
    }

    fn remove_with_status(&mut self, path: &str, status: PathStatus) {
        if let Some((key, live)) = self.live.remove_entry(path) {
            self.mark(&key, live.layer, status);
        }
    }

    /// Removes everything below `directory` (everything, for the root `""`).
    fn remove_descendants(&mut self, directory: &str, layer: usize) {
        let keys: Vec<Arc<str>> = descendants(&self.live, directory)
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            if let Some(live) = self.live.remove(&key) {
                self.mark(&key, live.layer, PathStatus::RemovedIn(layer));
            }
        }
    }

    fn mark(&mut self, path: &str, written_by: usize, status: PathStatus) {
        if let Some(copies) = self.copies.get_mut(path) {
            if let Some(copy) = copies
                .iter_mut()
                .rev()
                .find(|copy| copy.layer == written_by)
            {
                copy.status = status;
            }
        }
    }

    /// The shared key for `path`, reusing the one already stored for it.
    fn key(&self, path: &str) -> Arc<str> {
        self.copies
            .get_key_value(path)
            .map_or_else(|| Arc::from(path), |(key, _)| key.clone())
    }

    /// Whether any present path lies below `directory`.
    pub(super) fn has_descendants(&self, directory: &str) -> bool {
        descendants(&self.live, directory).next().is_some()
    }
}

/// The present paths strictly below `directory`: from `dir/` up to `dir0` (`'0'` follows
/// `'/'` in byte order), or every path for the root `""`.
pub(super) fn descendants<'m, V>(
    map: &'m BTreeMap<Arc<str>, V>,
    directory: &str,
) -> std::collections::btree_map::Range<'m, Arc<str>, V> {
    if directory.is_empty() {
        return map.range::<str, _>((Bound::Unbounded, Bound::Unbounded));
    }
    let start = format!("{directory}/");
    let end = format!("{directory}0");
    map.range::<str, _>((
        Bound::Included(start.as_str()),
        Bound::Excluded(end.as_str()),
    ))
}

#[cfg(test)]
mod tests;
