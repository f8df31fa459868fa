use std::time::{Duration, Instant};

use super::*;
use crate::overlay::ChangeKind::{Directory, File, OpaqueDirectory, Whiteout};

fn change(path: &str, kind: ChangeKind) -> PathChange {
    PathChange::new(path, kind)
}

fn symlink(path: &str, target: &str) -> PathChange {
    change(
        path,
        ChangeKind::Symlink {
            target: target.into(),
        },
    )
}

#[test]
fn whiteout_deletes_from_lower_layers() {
    let view = FilesystemView::build(&[
        vec![
            change("etc", Directory),
            change("etc/passwd", File),
            change("etc/shadow", File),
        ],
        vec![change("etc/passwd", Whiteout)],
    ]);
    assert_eq!(view.status("etc/passwd", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.owner("etc/passwd"), None);
    assert_eq!(view.status("etc/shadow", 0), PathStatus::Present);
    assert_eq!(view.owner("etc/shadow"), Some(0));
    assert_eq!(view.status("etc/passwd", 1), PathStatus::NotWritten);
}

#[test]
fn whiteout_never_touches_its_own_layer_whatever_the_order() {
    for layer_one in [
        vec![change("a/x", File), change("a/x", Whiteout)],
        vec![change("a/x", Whiteout), change("a/x", File)],
    ] {
        let view = FilesystemView::build(&[vec![change("a/x", File)], layer_one]);
        assert_eq!(view.status("a/x", 0), PathStatus::RemovedIn(1));
        assert_eq!(view.status("a/x", 1), PathStatus::Present);
        assert_eq!(view.owner("a/x"), Some(1));
    }
}

#[test]
fn whiteout_of_a_directory_removes_its_subtree_but_not_siblings_sharing_a_prefix() {
    let view = FilesystemView::build(&[
        vec![
            change("a", Directory),
            change("a/b", Directory),
            change("a/b/c", File),
            change("a-b", File),
            change("a.b", File),
            change("ab", File),
        ],
        vec![change("a", Whiteout)],
    ]);
    for path in ["a", "a/b", "a/b/c"] {
        assert_eq!(view.status(path, 0), PathStatus::RemovedIn(1), "{path}");
    }
    for path in ["a-b", "a.b", "ab"] {
        assert_eq!(view.status(path, 0), PathStatus::Present, "{path}");
    }
}

#[test]
fn opaque_directory_hides_lower_children_only() {
    for layer_one in [
        vec![
            change("var/cache", Directory),
            change("var/cache", OpaqueDirectory),
            change("var/cache/c", File),
        ],
        vec![
            change("var/cache/c", File),
            change("var/cache", OpaqueDirectory),
            change("var/cache", Directory),
        ],
    ] {
        let view = FilesystemView::build(&[
            vec![
                change("var", Directory),
                change("var/cache", Directory),
                change("var/cache/a", File),
                change("var/cache/sub/b", File),
                change("var/cached", File),
            ],
            layer_one,
        ]);
        assert_eq!(view.status("var/cache/a", 0), PathStatus::RemovedIn(1));
        assert_eq!(view.status("var/cache/sub/b", 0), PathStatus::RemovedIn(1));
        assert_eq!(view.status("var/cache/c", 1), PathStatus::Present);
        assert_eq!(view.status("var/cache", 0), PathStatus::ReplacedIn(1));
        assert_eq!(view.owner("var/cache"), Some(1));
        assert_eq!(view.status("var/cached", 0), PathStatus::Present);
    }
}

#[test]
fn opaque_root_hides_everything_below() {
    let view = FilesystemView::build(&[
        vec![change("etc/a", File), change("usr/b", File)],
        vec![change("", OpaqueDirectory), change("new", File)],
    ]);
    assert_eq!(view.status("etc/a", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.status("usr/b", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.owner("new"), Some(1));
    assert_eq!(view.file_count(), 1);
}

#[test]
fn a_non_directory_over_a_directory_replaces_the_subtree() {
    let view = FilesystemView::build(&[
        vec![
            change("lib", Directory),
            change("lib/a", File),
            change("lib/sub/b", File),
        ],
        vec![symlink("lib", "usr/lib")],
    ]);
    assert_eq!(view.status("lib", 0), PathStatus::ReplacedIn(1));
    assert_eq!(view.status("lib/a", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.status("lib/sub/b", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.status("lib", 1), PathStatus::Present);
    assert_eq!(
        view.kind("lib"),
        Some(&ChangeKind::Symlink {
            target: "usr/lib".into()
        })
    );
}

#[test]
fn a_file_over_a_directory_in_the_same_layer_removes_what_came_before() {
    let view = FilesystemView::build(&[vec![
        change("d", Directory),
        change("d/x", File),
        change("d", File),
    ]]);
    assert_eq!(view.status("d/x", 0), PathStatus::RemovedIn(0));
    assert_eq!(view.status("d", 0), PathStatus::Present);
}

#[test]
fn a_directory_over_a_directory_merges() {
    let view = FilesystemView::build(&[
        vec![change("usr", Directory), change("usr/a", File)],
        vec![change("usr", Directory), change("usr/b", File)],
    ]);
    assert_eq!(view.status("usr", 0), PathStatus::ReplacedIn(1));
    assert_eq!(view.status("usr/a", 0), PathStatus::Present);
    assert_eq!(view.status("usr/b", 1), PathStatus::Present);
    assert_eq!(view.owner("usr/a"), Some(0));
}

#[test]
fn deleting_then_re_adding_works() {
    let view = FilesystemView::build(&[
        vec![change("f", File)],
        vec![change("f", Whiteout)],
        vec![change("f", File)],
    ]);
    assert_eq!(view.status("f", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.status("f", 1), PathStatus::NotWritten);
    assert_eq!(view.status("f", 2), PathStatus::Present);
    assert_eq!(view.owner("f"), Some(2));
}

#[test]
fn a_file_over_a_file_replaces_it() {
    let view = FilesystemView::build(&[vec![change("f", File)], vec![change("f", File)]]);
    assert_eq!(view.status("f", 0), PathStatus::ReplacedIn(1));
    assert_eq!(view.status("f", 1), PathStatus::Present);
}

#[test]
fn a_lower_file_where_a_directory_is_needed_is_replaced() {
    let view = FilesystemView::build(&[vec![change("a", File)], vec![change("a/b", File)]]);
    assert_eq!(view.status("a", 0), PathStatus::ReplacedIn(1));
    assert_eq!(view.owner("a"), None);
    assert_eq!(view.owner("a/b"), Some(1));
}

#[test]
fn file_count_and_iteration() {
    let view = FilesystemView::build(&[vec![
        change("bin", Directory),
        change("bin/sh", File),
        symlink("sh", "bin/sh"),
        change("dev/null", ChangeKind::Other),
        change(
            "bin/hard",
            ChangeKind::Hardlink {
                target: "bin/sh".into(),
            },
        ),
    ]]);
    assert_eq!(view.file_count(), 4);
    let paths: Vec<&str> = view.iter().map(|(path, _, _)| path).collect();
    assert_eq!(paths, ["bin", "bin/hard", "bin/sh", "dev/null", "sh"]);
}

#[test]
fn resolve_follows_absolute_relative_and_clamped_links() {
    let view = FilesystemView::build(&[vec![
        change("usr", Directory),
        change("usr/bin", Directory),
        change("usr/bin/python3.11", File),
        symlink("usr/bin/python3", "python3.11"),
        symlink("usr/bin/python", "/usr/bin/python3"),
        symlink("bin", "usr/bin"),
        symlink("escape", "../../../../usr/bin/python"),
        symlink("etc/alternatives/py", "../../bin/python"),
        change("etc/file", File),
    ]]);
    assert_eq!(
        view.resolve("bin/python").as_deref(),
        Some("usr/bin/python3.11")
    );
    assert_eq!(
        view.resolve("/bin/python").as_deref(),
        Some("usr/bin/python3.11")
    );
    assert_eq!(
        view.resolve("escape").as_deref(),
        Some("usr/bin/python3.11")
    );
    assert_eq!(
        view.resolve("etc/alternatives/py").as_deref(),
        Some("usr/bin/python3.11")
    );
    assert_eq!(view.resolve("etc/../bin").as_deref(), Some("usr/bin"));
    assert_eq!(
        view.resolve("etc").as_deref(),
        Some("etc"),
        "implied directory"
    );
    assert_eq!(view.resolve("/").as_deref(), Some(""));
    assert_eq!(view.resolve("bin/missing"), None);
    assert_eq!(
        view.resolve("etc/file/child"),
        None,
        "a file is not a directory"
    );
}

#[test]
fn resolve_detects_loops_and_caps_hops_at_40() {
    let view = FilesystemView::build(&[vec![
        symlink("loop/a", "b"),
        symlink("loop/b", "a"),
        symlink("self", "self"),
    ]]);
    assert_eq!(view.resolve("loop/a"), None);
    assert_eq!(view.resolve("self"), None);

    let chain = |length: usize| {
        let mut layer: Vec<PathChange> = (0..length)
            .map(|index| symlink(&format!("l{index}"), &format!("l{}", index + 1)))
            .collect();
        layer.push(change(&format!("l{length}"), File));
        FilesystemView::build(&[layer])
    };
    assert_eq!(chain(40).resolve("l0").as_deref(), Some("l40"));
    assert_eq!(chain(41).resolve("l0"), None);
}

#[test]
fn dangling_links_resolve_to_none() {
    let view = FilesystemView::build(&[
        vec![
            change("usr/lib/libx.so.1", File),
            symlink("usr/lib/libx.so", "libx.so.1"),
        ],
        vec![change("usr/lib/libx.so.1", Whiteout)],
    ]);
    assert_eq!(view.resolve("usr/lib/libx.so"), None);
}

#[test]
fn opaque_and_whiteout_storms_stay_fast() {
    let files: Vec<PathChange> = (0..50_000)
        .map(|index| change(&format!("d/f{index}"), File))
        .collect();
    let mut upper: Vec<PathChange> = (0..20_000).map(|_| change("d", OpaqueDirectory)).collect();
    upper.extend(files.iter().cloned());
    upper.extend((0..20_000).map(|index| change(&format!("d/f{index}"), Whiteout)));

    let started = Instant::now();
    let view = FilesystemView::build(&[files, upper]);
    // Quadratic behaviour would take minutes here; linear takes well under a second even
    // unoptimised on a busy machine.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(view.status("d/f1", 0), PathStatus::RemovedIn(1));
    assert_eq!(view.status("d/f1", 1), PathStatus::Present);
    assert_eq!(view.file_count(), 50_000);
}
