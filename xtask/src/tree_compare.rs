//! Byte-for-byte comparison of two output trees.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// What a path holds, as far as a determinism check cares.
#[derive(Debug, PartialEq, Eq)]
enum Node {
    Directory { mode: u32 },
    File { mode: u32, contents: Vec<u8> },
    Symlink { target: PathBuf },
}

/// The result of comparing two trees.
pub struct Comparison {
    /// How many paths were compared.
    pub compared: usize,
    /// One line per path that is missing on one side or differs.
    pub differences: Vec<String>,
}

/// Compares every path under `left` and `right`: kind, permission bits, bytes, link targets.
pub fn compare_trees(left: &Path, right: &Path) -> Result<Comparison> {
    let left_nodes = read_tree(left)?;
    let right_nodes = read_tree(right)?;
    let mut differences = Vec::new();
    for (path, node) in &left_nodes {
        match right_nodes.get(path) {
            None => differences.push(format!("{}: only in the first build", path.display())),
            Some(other) if other != node => {
                differences.push(format!("{}: differs between builds", path.display()));
            }
            Some(_) => {}
        }
    }
    for path in right_nodes
        .keys()
        .filter(|path| !left_nodes.contains_key(*path))
    {
        differences.push(format!("{}: only in the second build", path.display()));
    }
    Ok(Comparison {
        compared: left_nodes.len(),
        differences,
    })
}

/// Reads every node under `root`, keyed by its path relative to `root`.
fn read_tree(root: &Path) -> Result<BTreeMap<PathBuf, Node>> {
    let mut nodes = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let children =
            fs::read_dir(&dir).with_context(|| format!("failed to list {}", dir.display()))?;
        for child in children {
            let path = child
                .with_context(|| format!("failed to list {}", dir.display()))?
                .path();
            let metadata = fs::symlink_metadata(&path)
                .with_context(|| format!("failed to stat {}", path.display()))?;
            let mode = metadata.permissions().mode() & 0o7777;
            let node = if metadata.is_symlink() {
                let target = fs::read_link(&path)
                    .with_context(|| format!("failed to read link {}", path.display()))?;
                Node::Symlink { target }
            } else if metadata.is_dir() {
                pending.push(path.clone());
                Node::Directory { mode }
            } else {
                let contents = fs::read(&path)
                    .with_context(|| format!("failed to read {}", path.display()))?;
                Node::File { mode, contents }
            };
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            nodes.insert(relative, node);
        }
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_changed_missing_and_extra_paths() {
        let left = tempfile::tempdir().expect("temp dir");
        let right = tempfile::tempdir().expect("temp dir");
        for dir in [left.path(), right.path()] {
            fs::write(dir.join("same"), "x").expect("write");
        }
        fs::write(left.path().join("changed"), "a").expect("write");
        fs::write(right.path().join("changed"), "b").expect("write");
        fs::write(left.path().join("left-only"), "").expect("write");
        fs::write(right.path().join("right-only"), "").expect("write");

        let comparison = compare_trees(left.path(), right.path()).expect("compared");
        assert_eq!(comparison.compared, 3);
        assert_eq!(
            comparison.differences,
            [
                "changed: differs between builds",
                "left-only: only in the first build",
                "right-only: only in the second build",
            ]
        );
    }
}
