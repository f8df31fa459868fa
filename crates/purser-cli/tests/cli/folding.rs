//! `purser scan` leaves out a language package whose file an operating-system package owns:
//! Debian's `python3-yaml` is listed as the Debian package, not a second time as PyPI `PyYAML`.

use std::path::Path;

use crate::support::{code, describe, inventory_json, plugin_dir, DPKG, PYTHON};

const STATUS: &str = "Package: python3-yaml\nStatus: install ok installed\nArchitecture: amd64\n\
                      Version: 6.0-3+b2\nSource: pyyaml\n\
                      Maintainer: Debian Python Team <team+python@tracker.debian.org>\n";

const DIST_INFO: &str = "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info";

const PIP_DIST_INFO: &str = "usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info";

/// Writes `contents` to `relative` under `root`, creating its directories.
fn write(root: &Path, relative: &str, contents: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
    std::fs::write(path, contents).expect("write file");
}

/// A root filesystem with Debian's python3-yaml (database, file list, dist-info) and a
/// pip-installed requests that no package owns.
fn debian_with_python3_yaml(root: &Path) {
    write(root, "var/lib/dpkg/status", STATUS);
    write(
        root,
        "var/lib/dpkg/info/python3-yaml.list",
        &format!("/.\n/usr/lib/python3/dist-packages\n/{DIST_INFO}\n/{DIST_INFO}/METADATA\n"),
    );
    write(
        root,
        &format!("{DIST_INFO}/METADATA"),
        "Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0\n",
    );
    write(
        root,
        &format!("{PIP_DIST_INFO}/METADATA"),
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n",
    );
}

#[test]
fn a_debian_owned_python_distribution_is_listed_once_as_the_debian_package() {
    let image = tempfile::tempdir().expect("temporary directory");
    debian_with_python3_yaml(image.path());
    let plugins = plugin_dir(&[DPKG, PYTHON]);

    let (report, output) = inventory_json(image.path(), plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));

    let mut packages: Vec<(String, String)> = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| {
            (
                package["ecosystem"].as_str().unwrap_or_default().to_owned(),
                package["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    packages.sort();
    assert_eq!(
        packages,
        [
            ("PyPI".to_owned(), "requests".to_owned()),
            ("deb".to_owned(), "python3-yaml".to_owned()),
        ]
    );

    let folded = report["folded"].as_array().expect("the folds are listed");
    assert_eq!(folded.len(), 1, "{folded:?}");
    assert_eq!(folded[0]["name"], "PyYAML");
    assert_eq!(folded[0]["owner"]["name"], "python3-yaml");
}
