//! Symbolic link resolution in the final filesystem, as the kernel does it inside a container:
//! absolute targets start from the image root, `..` stops at the root, at most 40 links are
//! followed (Linux's limit, which also ends loops).

use super::change::ChangeKind;
use super::view::FilesystemView;
use crate::entry_path::normalise_str;

/// Most symbolic links followed while resolving one path (Linux's `MAXSYMLINKS`).
const MAX_SYMLINK_HOPS: usize = 40;

impl FilesystemView {
    /// Resolves every symbolic link in `path` (including its last component) to the final
    /// path, `None` if it dangles, passes through a non-directory, or loops (more than 40
    /// links). The root is `""`; a directory only implied by its children counts as present.
    pub fn resolve(&self, path: &str) -> Option<String> {
        // Components still to walk, last component first so `pop` yields the next one.
        let mut pending: Vec<String> = components_reversed(&normalise_str(path).path);
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;

        // Each iteration consumes one component; a symlink adds its target's components but
        // counts a hop, and hops are bounded, so the loop ends.
        while let Some(component) = pending.pop() {
            if component == ".." {
                resolved.pop();
                continue;
            }
            let candidate = joined(&resolved, &component);
            match self.kind(&candidate) {
                Some(ChangeKind::Symlink { target }) => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        tracing::debug!(path, "symlink resolution gave up after 40 links");
                        return None;
                    }
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    pending.extend(components_reversed(target));
                }
                Some(ChangeKind::Directory) => resolved.push(component),
                Some(_) if !pending.is_empty() => return None,
                Some(_) => resolved.push(component),
                None if self.has_descendants(&candidate) => resolved.push(component),
                None => return None,
            }
        }
        Some(resolved.join("/"))
    }
}

/// The components of `path` that name something (`""` and `"."` dropped), reversed.
fn components_reversed(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|component| !component.is_empty() && *component != ".")
        .rev()
        .map(str::to_owned)
        .collect()
}

fn joined(resolved: &[String], component: &str) -> String {
    let mut path = resolved.join("/");
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(component);
    path
}
