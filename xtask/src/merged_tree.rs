//! Several unpacked packages merged into one layer.

use std::collections::BTreeMap;

use purser_fixtures::{Entry, EntryKind, Layer};

/// The members of several unpacked packages, in directory-walk order (component by
/// component), so that parents come first and hard links follow their targets.
#[derive(Default)]
pub struct MergedTree {
    entries: BTreeMap<Vec<Vec<u8>>, Entry>,
}

impl MergedTree {
    /// Adds every member; a directory already present keeps its first entry, anything else
    /// is replaced, as a later package's file would be.
    pub fn insert_all(&mut self, layer: Layer) {
        for entry in layer.into_entries() {
            self.insert(entry);
        }
    }

    /// Adds a regular file, creating its parent directories if needed.
    pub fn insert_file(&mut self, path: &str, contents: Vec<u8>) {
        let mut parent = String::new();
        for component in path.split('/').take(path.matches('/').count()) {
            if !parent.is_empty() {
                parent.push('/');
            }
            parent.push_str(component);
            self.insert(Entry {
                path: parent.clone().into_bytes(),
                kind: EntryKind::Directory { mode: 0o755 },
            });
        }
        self.insert(Entry {
            path: path.as_bytes().to_vec(),
            kind: EntryKind::File {
                mode: 0o644,
                contents,
            },
        });
    }

    /// Adds one member under its component-wise key.
    fn insert(&mut self, entry: Entry) {
        let key: Vec<Vec<u8>> = entry
            .path
            .split(|&byte| byte == b'/')
            .map(<[u8]>::to_vec)
            .collect();
        let is_directory = matches!(entry.kind, EntryKind::Directory { .. });
        if is_directory && self.entries.contains_key(&key) {
            return;
        }
        self.entries.insert(key, entry);
    }

    /// The merged members as one layer.
    pub fn into_layer(self) -> Layer {
        Layer::from_entries(self.entries.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_tree_orders_like_a_directory_walk() {
        let mut tree = MergedTree::default();
        tree.insert_all(
            Layer::new()
                .dir("a", 0o755)
                .dir("a/b", 0o755)
                .file("a/b/x", 0o644, "1")
                .hardlink("a/b/y", "a/b/x"),
        );
        tree.insert_all(
            Layer::new()
                .dir("a", 0o700)
                .dir("a/b-c", 0o755)
                .file("a/b/x", 0o644, "2"),
        );
        tree.insert_file("var/lib/dpkg/status", b"s".to_vec());

        let layer = tree.into_layer();
        let paths: Vec<String> = layer
            .entries()
            .iter()
            .map(|entry| String::from_utf8_lossy(&entry.path).into_owned())
            .collect();
        assert_eq!(
            paths,
            [
                "a",
                "a/b",
                "a/b/x",
                "a/b/y",
                "a/b-c",
                "var",
                "var/lib",
                "var/lib/dpkg",
                "var/lib/dpkg/status"
            ]
        );
        assert!(matches!(
            layer.entries()[0].kind,
            EntryKind::Directory { mode: 0o755 }
        ));
        assert!(
            matches!(&layer.entries()[2].kind, EntryKind::File { contents, .. } if contents == b"2")
        );
    }
}
