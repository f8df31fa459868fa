//! Merging layers as a container runtime does, so the engine can tell which copy of a path
//! survives into the final filesystem.
//!
//! Rules (OCI image spec, "Image Layer Filesystem Changeset", and overlayfs as containerd and
//! Docker mount it):
//! - `.wh.NAME` deletes `NAME` and everything below it from lower layers only, never entries
//!   of its own layer, whatever their order in the tar;
//! - `.wh..wh..opq` hides every lower-layer child of its directory (the directory stays);
//! - a non-directory written over a directory replaces it and its whole subtree;
//! - a directory written over a directory merges with it;
//! - a path deleted in one layer can be written again by a later one.
//!
//! Each layer is applied in two phases, deletions first (against the lower layers only), then
//! writes in archive order. The final state is a sorted map, so deleting a subtree is one range
//! query and every path is removed at most once per time it was written: building is
//! O(n log n) in the number of changes.

mod change;
mod resolve;
mod view;

pub use self::change::{ChangeKind, PathChange};
pub use self::view::{FilesystemView, PathStatus};
