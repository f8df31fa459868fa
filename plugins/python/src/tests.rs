//! Whole-analyzer tests through the exported function table, on the peers' own Python fixtures
//! read straight out of `shared/data/peer-tests` (see [`peer_archive`]), compared with the
//! peers' expectations where those are data (Trivy's integration goldens, osv-scanner's
//! snapshots) and otherwise with what the fixture's name and contents say.

mod peer_archive;

use std::collections::BTreeSet;

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding};
use purser_plugin_harness::{
    package_ids, package_ids_with, packages, path_selector, scan_one_layer, whole_file,
};

use crate::{purser_analyzer_entry, PythonAnalyzer};
use peer_archive::PeerFiles;

/// The findings of the exported table for the given `(image path, contents)` files, in one
/// layer.
fn scan(files: &[(&str, &[u8])]) -> Vec<Finding> {
    let inputs: Vec<FileInput<'_>> = files
        .iter()
        .map(|(path, contents)| whole_file(path, contents, 0o644))
        .collect();
    scan_one_layer(purser_analyzer_entry, &inputs)
}

/// `name@version dev` of every package, in order (`-` when the file does not say).
fn ids_with_dev(findings: &[Finding]) -> Vec<String> {
    package_ids_with(findings, "dev")
}

/// `(level, message)` of every diagnostic.
fn diagnostics(findings: &[Finding]) -> Vec<(DiagnosticLevel, String)> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some((diagnostic.level, diagnostic.message.clone())),
            _ => None,
        })
        .collect()
}

/// The findings for one peer file placed at `image_path`.
fn scan_peer(peer: &PeerFiles, inner: &str, image_path: &str) -> Vec<Finding> {
    scan(&[(image_path, peer.get(inner))])
}

/// `name@version` of every package a Trivy golden report lists, over all its results.
fn golden_packages(golden: &[u8]) -> BTreeSet<String> {
    let report: serde_json::Value = serde_json::from_slice(golden).expect("golden is JSON");
    let mut found = BTreeSet::new();
    for result in report["Results"].as_array().expect("Results") {
        for package in result["Packages"].as_array().into_iter().flatten() {
            let name = package["Name"].as_str().expect("Name");
            let version = package["Version"].as_str().expect("Version");
            found.insert(format!("{name}@{version}"));
        }
    }
    found
}

const TRIVY_REPO: &str = "integration/testdata/fixtures/repo/";

#[test]
fn trivy_integration_goldens_list_the_same_packages() {
    let peer = PeerFiles::read(
        "trivy-testdata",
        &[
            "integration/testdata/fixtures/repo/pip/",
            "integration/testdata/fixtures/repo/pipenv/",
            "integration/testdata/fixtures/repo/poetry/",
            "integration/testdata/fixtures/repo/uv/",
            "integration/testdata/fixtures/repo/pylock/",
            "integration/testdata/pip.json.golden",
            "integration/testdata/pipenv.json.golden",
            "integration/testdata/poetry.json.golden",
            "integration/testdata/uv.json.golden",
            "integration/testdata/pylock.json.golden",
        ],
    );
    for (golden, lock) in [
        ("pip", "pip/requirements.txt"),
        ("pipenv", "pipenv/Pipfile.lock"),
        ("poetry", "poetry/poetry.lock"),
        ("uv", "uv/uv.lock"),
        ("pylock", "pylock/pylock.toml"),
    ] {
        let file_name = lock.rsplit('/').next().expect("file name");
        let findings = scan_peer(
            &peer,
            &format!("{TRIVY_REPO}{lock}"),
            &format!("app/{file_name}"),
        );
        let ours: BTreeSet<String> = package_ids(&findings).into_iter().collect();
        let mut expected =
            golden_packages(peer.get(&format!("integration/testdata/{golden}.json.golden")));
        if golden == "uv" {
            // Trivy lists the project itself (`source = { virtual = "." }`), which is no
            // dependency: Purser leaves it out, so vulnerability matching never looks up the
            // application's own name on PyPI.
            assert!(
                expected.remove("uv-test@0.1.0"),
                "the golden lists the project"
            );
        }
        assert_eq!(ours, expected, "{lock}");
        assert!(
            diagnostics(&findings)
                .iter()
                .all(|(level, _)| *level == DiagnosticLevel::Info),
            "{lock}: {findings:?}"
        );
    }
}

#[test]
fn trivy_requirements_fixtures() {
    const PIP: &str = "pkg/dependency/parser/python/pip/testdata/";
    let peer = PeerFiles::read("trivy-testdata", &[PIP]);
    let cases: [(&str, &[&str]); 11] = [
        (
            "requirements_flask.txt",
            &[
                "click@8.0.0",
                "Flask@2.0.0",
                "itsdangerous@2.0.0",
                "Jinja2@3.0.0",
                "MarkupSafe@2.0.0",
                "Werkzeug@2.0.0",
            ],
        ),
        // A comment right after the version (`Jinja2==3.0.0#comment`) ends the version.
        (
            "requirements_comments.txt",
            &[
                "click@8.0.0",
                "Flask@2.0.0",
                "Jinja2@3.0.0",
                "MarkupSafe@2.0.0",
            ],
        ),
        // Only ranges and wildcards (`==2.0.*`, `==4.*.1`): nothing is pinned.
        ("requirements_compatible.txt", &[]),
        ("requirement_exstras.txt", &["pyjwt@2.1.0", "celery@4.4.7"]),
        ("requirements_hash.txt", &["FooProject@1.2", "Jinja2@3.0.0"]),
        (
            "requirements_hyphens.txt",
            &["oauth2-client@4.0.0", "python-gitlab@2.0.0"],
        ),
        ("requirements_no_version.txt", &["Flask@2.0.0"]),
        (
            "requirements_operator.txt",
            &["Django@2.3.4", "SomeProject@5.4"],
        ),
        (
            "requirements_spaces.txt",
            &[
                "click@8.0.0",
                "Flask@2.0.0",
                "itsdangerous@2.0.0",
                "Jinja2@3.0.0",
            ],
        ),
        ("requirements_utf16le.txt", &["attrs@20.3.0"]),
        // Cookiecutter templates: quoted and templated values are no versions.
        ("requirements_with_templating_engine.txt", &[]),
    ];
    for (file, expected) in cases {
        // Placed under a requested name: `requirement_exstras.txt` itself is not one.
        let findings = scan_peer(&peer, &format!("{PIP}{file}"), "src/requirements.txt");
        assert_eq!(package_ids(&findings), expected, "{file}");
    }
}

#[test]
fn osv_scanner_requirement_files_of_all_names() {
    // osv-scanner's snapshot `requirements.txt can have all kinds of names` gives the package
    // count of each file. It follows `-r requirements.txt` and counts 4 packages in
    // `requirements-transitive.txt`; Purser reads the included file on its own (3 packages
    // there) and says in an info diagnostic that the inclusion was not followed, so the union
    // is the same and nothing is counted twice.
    const DIR: &str = "cmd/osv-scanner/scan/source/testdata/locks-requirements/";
    let peer = PeerFiles::read("osv-scanner-testdata", &[DIR]);
    for (file, count) in [
        ("my-requirements.txt", 1),
        ("requirements-dev.txt", 1),
        ("requirements-transitive.txt", 1),
        ("requirements.prod.txt", 1),
        ("requirements.txt", 3),
        ("the_requirements_for_test.txt", 1),
        ("unresolvable-requirements.txt", 3),
    ] {
        let image_path = format!("srv/{file}");
        assert!(selected(&image_path), "{file} is requested");
        let findings = scan_peer(&peer, &format!("{DIR}{file}"), &image_path);
        assert_eq!(packages(&findings).len(), count, "{file}: {findings:?}");
    }
    let findings = scan_peer(
        &peer,
        &format!("{DIR}requirements-transitive.txt"),
        "srv/requirements-transitive.txt",
    );
    assert_eq!(package_ids(&findings), ["numpy@2.3.1"]);
    assert_eq!(
        diagnostics(&findings),
        [(
            DiagnosticLevel::Info,
            "included requirement files are not followed from here: requirements.txt".to_owned()
        )]
    );
}

#[test]
fn pipfile_locks_of_trivy_scalibr_and_syft() {
    const TRIVY: &str = "pkg/dependency/parser/python/pipenv/testdata/";
    const SCALIBR: &str = "extractor/filesystem/language/python/pipfilelock/testdata/";
    const SYFT: &str = "syft/pkg/cataloger/python/testdata/pipfile-lock/Pipfile.lock";
    let trivy = PeerFiles::read("trivy-testdata", &[TRIVY]);
    let scalibr = PeerFiles::read("osv-scalibr-testdata", &[SCALIBR]);
    let syft = PeerFiles::read("syft-test-fixtures", &[SYFT]);
    let lock = "app/Pipfile.lock";

    let findings = scan_peer(&trivy, &format!("{TRIVY}Pipfile_normal.lock"), lock);
    assert_eq!(
        package_ids(&findings),
        [
            "certifi@2019.3.9",
            "chardet@3.0.4",
            "idna@2.8",
            "pyyaml@5.1",
            "requests@2.21.0",
            "urllib3@1.24.2"
        ]
    );
    let findings = scan_peer(&trivy, &format!("{TRIVY}Pipfile_django.lock"), lock);
    assert_eq!(packages(&findings).len(), 10);
    assert!(package_ids(&findings).contains(&"django@2.2".to_owned()));
    let findings = scan_peer(&trivy, &format!("{TRIVY}Pipfile_many.lock"), lock);
    assert_eq!(packages(&findings).len(), 24);
    assert!(package_ids(&findings).contains(&"awscli@1.16.147".to_owned()));

    // scalibr: what each fixture's name promises.
    for (file, expected) in [
        ("empty.json", &[][..]),
        ("one-package.json", &["markupsafe@2.1.1 false"][..]),
        ("one-package-dev.json", &["markupsafe@2.1.1 true"]),
        ("minified.json", &["markupsafe@2.1.1 false"]),
        (
            "two-packages.json",
            &["itsdangerous@2.1.2 false", "markupsafe@2.1.1 true"],
        ),
        (
            "two-packages-alt.json",
            &["itsdangerous@2.1.2 false", "markupsafe@2.1.1 false"],
        ),
        // The same name in both sections is reported once per section, as scalibr does.
        (
            "multiple-packages.json",
            &[
                "itsdangerous@2.1.2 false",
                "markupsafe@2.1.1 false",
                "pluggy@1.0.1 false",
                "itsdangerous@2.1.2 true",
                "pluggy@1.0.0 true",
            ],
        ),
    ] {
        let findings = scan_peer(&scalibr, &format!("{SCALIBR}{file}"), lock);
        let mut found = ids_with_dev(&findings);
        let mut expected: Vec<String> = expected.iter().map(|id| id.to_string()).collect();
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "{file}");
    }
    // Entries without a version are no packages, and a diagnostic says which were skipped.
    let findings = scan_peer(&scalibr, &format!("{SCALIBR}no-version.json"), lock);
    assert!(packages(&findings).is_empty());
    assert_eq!(diagnostics(&findings).len(), 1, "{findings:?}");
    for file in ["empty-file", "not-json.txt"] {
        let findings = scan_peer(&scalibr, &format!("{SCALIBR}{file}"), lock);
        let found = diagnostics(&findings);
        assert!(packages(&findings).is_empty(), "{file}");
        assert_eq!(found.len(), 1, "{file}");
        assert_eq!(found[0].0, DiagnosticLevel::Error, "{file}");
        assert!(
            found[0].1.starts_with("invalid Pipfile.lock: "),
            "{file}: {found:?}"
        );
    }

    let findings = scan_peer(&syft, SYFT, lock);
    assert_eq!(
        ids_with_dev(&findings),
        [
            "aio-pika@6.8.0 false",
            "aiodns@2.0.0 false",
            "aiohttp@3.7.4.post0 false",
            "aiohttp-jinja2@1.4.2 false",
            "astroid@2.5.2 true",
            "autopep8@1.5.6 true",
        ]
    );
}

#[test]
fn poetry_locks_of_trivy_scalibr_and_syft() {
    const TRIVY: &str = "pkg/dependency/parser/python/poetry/testdata/";
    const TRIVY_ANALYZER: &str = "pkg/fanal/analyzer/language/python/poetry/testdata/";
    const SCALIBR: &str = "extractor/filesystem/language/python/poetrylock/testdata/";
    const SYFT: &str = "syft/pkg/cataloger/python/testdata/poetry/";
    let trivy = PeerFiles::read("trivy-testdata", &[TRIVY, TRIVY_ANALYZER]);
    let scalibr = PeerFiles::read("osv-scalibr-testdata", &[SCALIBR]);
    let syft = PeerFiles::read("syft-test-fixtures", &[SYFT]);
    let lock = "app/poetry.lock";

    assert_eq!(
        ids_with_dev(&scan_peer(
            &trivy,
            &format!("{TRIVY}poetry_normal.lock"),
            lock
        )),
        ["pypi@2.1 false"]
    );
    // Poetry 1 (`category`) and Poetry 2 (`groups`) locks of the same Flask project: the same
    // 15 packages, and the same two development ones.
    let v1 = ids_with_dev(&scan_peer(
        &trivy,
        &format!("{TRIVY}poetry_flask.lock"),
        lock,
    ));
    let v2 = ids_with_dev(&scan_peer(
        &trivy,
        &format!("{TRIVY}poetry_v2_flask.lock"),
        lock,
    ));
    assert_eq!(v1.len(), 15);
    assert_eq!(v1, v2);
    assert!(v1.contains(&"flask@1.0.3 false".to_owned()));
    assert!(v1.contains(&"atomicwrites@1.4.1 true".to_owned()));
    for (case, count) in [
        ("happy", 11),
        ("happy-v2", 16),
        ("with-groups", 22),
        ("no-pyproject", 2),
    ] {
        let findings = scan_peer(&trivy, &format!("{TRIVY_ANALYZER}{case}/poetry.lock"), lock);
        assert_eq!(packages(&findings).len(), count, "{case}");
        assert!(diagnostics(&findings).is_empty(), "{case}: {findings:?}");
    }
    let findings = scan_peer(&trivy, &format!("{TRIVY_ANALYZER}sad/poetry.lock"), lock);
    assert!(packages(&findings).is_empty());
    assert_eq!(diagnostics(&findings)[0].0, DiagnosticLevel::Error);

    for (file, expected) in [
        ("one-package.lock", &["numpy@1.23.3 false"][..]),
        ("optional-package.lock", &["numpy@1.23.3 false"]),
        ("one-package-with-metadata.lock", &["emoji@2.0.0 false"]),
        (
            "two-packages.lock",
            &["proto-plus@1.22.0 false", "protobuf@4.21.5 false"],
        ),
        // A git or legacy-index source is still a locked version of the package.
        ("source-git.lock", &["ike@0.2.0 false"]),
        ("source-legacy.lock", &["appdirs@1.4.4 false"]),
        // `name = ...` lines outside `[[package]]` belong to other tables; this lock says
        // neither `category` nor `groups`, so whether a package is for development is unknown.
        (
            "names-outside-package-block.lock",
            &["first-pkg@1.0.0 -", "second-pkg@2.0.0 -"],
        ),
    ] {
        let findings = scan_peer(&scalibr, &format!("{SCALIBR}{file}"), lock);
        assert_eq!(ids_with_dev(&findings), expected, "{file}");
    }
    let findings = scan_peer(
        &scalibr,
        &format!("{SCALIBR}multiple-packages.v2.lock"),
        lock,
    );
    assert_eq!(packages(&findings).len(), 11);
    // Two versions of one name are two packages, as the lock installs per environment marker.
    let found = package_ids(&findings);
    assert!(found.contains(&"proto-plus@1.22.0".to_owned()));
    assert!(found.contains(&"proto-plus@1.23.0".to_owned()));
    for file in ["empty.lock", "empty-file.lock"] {
        let findings = scan_peer(&scalibr, &format!("{SCALIBR}{file}"), lock);
        assert!(packages(&findings).is_empty(), "{file}");
    }

    for (case, count) in [
        ("simple-deps", 5),
        ("dev-deps", 4),
        ("case-sensitivity", 3),
        ("multiple-extras", 15),
        ("nested-extras", 39),
        ("conflicting-with-extras", 21),
    ] {
        let findings = scan_peer(&syft, &format!("{SYFT}{case}/poetry.lock"), lock);
        assert_eq!(packages(&findings).len(), count, "{case}");
    }
    let findings = scan_peer(&syft, &format!("{SYFT}dev-deps/poetry.lock"), lock);
    assert!(ids_with_dev(&findings)
        .iter()
        .all(|id| id.ends_with(" true")));
    let findings = scan_peer(&syft, &format!("{SYFT}simple-deps/poetry.lock"), lock);
    assert_eq!(
        package_ids(&findings),
        [
            "certifi@2024.2.2",
            "charset-normalizer@3.3.2",
            "idna@3.7",
            "requests@2.32.2",
            "urllib3@2.2.1"
        ]
    );
}

#[test]
fn uv_locks_of_trivy_and_syft() {
    const TRIVY: &str = "pkg/dependency/parser/python/uv/testdata/";
    const TRIVY_ANALYZER: &str = "pkg/fanal/analyzer/language/python/uv/testdata/";
    const SYFT: &str = "syft/pkg/cataloger/python/testdata/uv/";
    let trivy = PeerFiles::read("trivy-testdata", &[TRIVY, TRIVY_ANALYZER]);
    let syft = PeerFiles::read("syft-test-fixtures", &[SYFT]);
    let lock = "app/uv.lock";

    // Two workspace members (`virtual`) share one dependency: only the dependency is listed.
    let findings = scan_peer(&trivy, &format!("{TRIVY}uv_multiple_roots.lock"), lock);
    assert_eq!(ids_with_dev(&findings), ["asyncio@3.4.3 false"]);
    // Without a project entry nothing says whether the package is for production or development.
    let findings = scan_peer(&trivy, &format!("{TRIVY}uv_without_root.lock"), lock);
    assert_eq!(ids_with_dev(&findings), ["asyncio@3.4.3 -"]);
    let findings = scan_peer(&trivy, &format!("{TRIVY}uv_normal.lock"), lock);
    assert_eq!(packages(&findings).len(), 20, "21 tables less the project");
    assert!(diagnostics(&findings).is_empty());

    let findings = scan_peer(&trivy, &format!("{TRIVY_ANALYZER}happy/uv.lock"), lock);
    assert_eq!(
        packages(&findings).len(),
        12,
        "13 tables less the project `happy`"
    );
    let findings = scan_peer(
        &trivy,
        &format!("{TRIVY_ANALYZER}broken-lock/uv.lock"),
        lock,
    );
    assert!(packages(&findings).is_empty());
    assert_eq!(diagnostics(&findings)[0].0, DiagnosticLevel::Error);

    let findings = scan_peer(&syft, &format!("{SYFT}simple-deps/uv.lock"), lock);
    assert_eq!(
        ids_with_dev(&findings),
        [
            "certifi@2025.1.31 false",
            "charset-normalizer@3.4.1 false",
            "idna@3.10 false",
            "requests@2.32.3 false",
            "urllib3@2.3.0 false",
        ]
    );
    for (case, count) in [
        ("multiple-extras", 16),
        ("nested-extras", 41),
        ("conflicting-with-extras", 21),
    ] {
        let findings = scan_peer(&syft, &format!("{SYFT}{case}/uv.lock"), lock);
        assert_eq!(packages(&findings).len(), count, "{case}");
    }
}

#[test]
fn pylock_files_of_trivy_and_scalibr() {
    const TRIVY: &str = "pkg/dependency/parser/python/pylock/testdata/";
    const TRIVY_ANALYZER: &str = "pkg/fanal/analyzer/language/python/pylock/testdata/";
    const SCALIBR: &str = "extractor/filesystem/language/python/pylock/testdata/";
    let trivy = PeerFiles::read("trivy-testdata", &[TRIVY, TRIVY_ANALYZER]);
    let scalibr = PeerFiles::read("osv-scalibr-testdata", &[SCALIBR]);
    let lock = "app/pylock.toml";
    assert!(selected(lock) && selected("app/pylock.dev.toml"));
    assert!(!selected("app/pylock.toml.orig"));

    // Two versions of `spam` under different markers are two packages; the same `ham` under
    // two markers is two entries of one version.
    let findings = scan_peer(&trivy, &format!("{TRIVY}pylock.toml"), lock);
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    assert_eq!(
        package_ids(&findings),
        [
            "attrs@25.4.0",
            "certifi@2025.10.5",
            "charset-normalizer@3.4.3",
            "idna@3.10",
            "requests@2.32.5",
            "urllib3@2.5.0",
            "spam@1.0.0",
            "spam@1.1.0",
            "ham@3.0.0",
            "ham@3.0.0",
        ]
    );
    assert_eq!(
        packages(&findings)[6].metadata["marker"],
        "sys_platform == 'linux'"
    );

    // The project itself (`[packages.directory]`, no version) is no dependency.
    let findings = scan_peer(&trivy, &format!("{TRIVY_ANALYZER}happy/pylock.toml"), lock);
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    assert_eq!(packages(&findings).len(), 11);
    assert!(!package_ids(&findings)
        .iter()
        .any(|id| id.starts_with("test-project")));
    // Trivy's broken lock is one byte, `[`.
    let findings = scan_peer(&trivy, &format!("{TRIVY_ANALYZER}broken/pylock.toml"), lock);
    assert!(packages(&findings).is_empty());
    assert_eq!(
        diagnostics(&findings),
        [(
            DiagnosticLevel::Error,
            "invalid pylock.toml: invalid table header; no package read from it".to_owned()
        )]
    );

    for (file, count) in [
        ("example.toml", 3),
        ("pip-full.toml", 5),
        ("pdm-full.toml", 10),
        ("empty.toml", 0),
        ("pip-just-self.toml", 0),
    ] {
        let findings = scan_peer(&scalibr, &format!("{SCALIBR}{file}"), lock);
        assert_eq!(packages(&findings).len(), count, "{file}");
        assert!(diagnostics(&findings).is_empty(), "{file}: {findings:?}");
    }
    // `name` keys of other tables are not packages.
    let findings = scan_peer(
        &scalibr,
        &format!("{SCALIBR}names-outside-package-block.toml"),
        lock,
    );
    assert_eq!(
        package_ids(&findings),
        ["first-pkg@1.0.0", "second-pkg@2.0.0"]
    );
    // uv's export: the VCS package keeps its version and says where it came from; the
    // project, a directory without a version, is left out.
    let findings = scan_peer(&scalibr, &format!("{SCALIBR}commits.toml"), lock);
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    assert_eq!(packages(&findings).len(), 7);
    let vcs = packages(&findings)
        .into_iter()
        .find(|package| package.name == "mleroc")
        .expect("the VCS package");
    assert_eq!(
        (vcs.version.as_str(), vcs.metadata["source"].as_str()),
        ("0.1.0", "vcs")
    );
    let findings = scan_peer(&scalibr, &format!("{SCALIBR}not-toml.txt"), lock);
    assert_eq!(diagnostics(&findings)[0].0, DiagnosticLevel::Error);
}

#[test]
fn trivy_core_metadata_files() {
    const PACKAGING: &str = "pkg/dependency/parser/python/packaging/testdata/";
    const ANALYZER: &str = "pkg/fanal/analyzer/language/python/packaging/testdata/";
    let peer = PeerFiles::read("trivy-testdata", &[PACKAGING, ANALYZER]);
    let site = "usr/local/lib/python3.11/site-packages";
    for (file, image_path, expected) in [
        (
            "asyncssh-2.14.2.METADATA",
            "asyncssh-2.14.2.dist-info/METADATA",
            "asyncssh@2.14.2",
        ),
        (
            "distlib-0.3.1.METADATA",
            "distlib-0.3.1.dist-info/METADATA",
            "distlib@0.3.1",
        ),
        (
            "distlib-0.3.1-py3.9.egg-info",
            "distlib-0.3.1-py3.9.egg-info",
            "distlib@0.3.1",
        ),
        (
            "iniconfig-2.0.0.METADATA",
            "iniconfig-2.0.0.dist-info/METADATA",
            "iniconfig@2.0.0",
        ),
        (
            "networkx-3.0.METADATA",
            "networkx-3.0.dist-info/METADATA",
            "networkx@3.0",
        ),
        (
            "pyphen-0.14.0.METADATA",
            "pyphen-0.14.0.dist-info/METADATA",
            "pyphen@0.14.0",
        ),
        (
            "setuptools-51.3.3-py3.8.egg-info.PKG-INFO",
            "setuptools-51.3.3-py3.8.egg-info/PKG-INFO",
            "setuptools@51.3.3",
        ),
        // `Name: simple ` carries a trailing space.
        (
            "simple-0.1.0.METADATA",
            "simple-0.1.0.dist-info/METADATA",
            "simple@0.1.0",
        ),
        (
            "unidecode-egg-info.PKG-INFO",
            "Unidecode-0.4.1.egg-info/PKG-INFO",
            "Unidecode@0.4.1",
        ),
        (
            "zipp-3.12.1.METADATA",
            "zipp-3.12.1.dist-info/METADATA",
            "zipp@3.12.1",
        ),
    ] {
        let image_path = format!("{site}/{image_path}");
        assert!(selected(&image_path), "{image_path} is requested");
        let findings = scan_peer(&peer, &format!("{PACKAGING}{file}"), &image_path);
        assert_eq!(package_ids(&findings), [expected], "{file}");
    }

    // The analyzer fixtures: licences from the `License` field and from classifiers.
    for (case, image_path, expected, licenses) in [
        (
            "happy-dist",
            "distlib-0.3.1.dist-info/METADATA",
            "distlib@0.3.1",
            &["Python license"][..],
        ),
        (
            "happy-egg",
            "distlib-0.3.1.egg-info/PKG-INFO",
            "distlib@0.3.1",
            &["Python license"],
        ),
        (
            "classifier-license-dist",
            "setuptools-51.3.3.dist-info/METADATA",
            "setuptools@51.3.3",
            &["MIT License"],
        ),
        (
            "classifier-license-egg",
            "setuptools-51.3.3.egg-info/PKG-INFO",
            "setuptools@51.3.3",
            &["MIT License"],
        ),
    ] {
        let findings = scan_peer(
            &peer,
            &format!("{ANALYZER}{case}/{image_path}"),
            &format!("{site}/{image_path}"),
        );
        assert_eq!(package_ids(&findings), [expected], "{case}");
        assert_eq!(packages(&findings)[0].licenses, licenses, "{case}");
    }
}

#[test]
fn syft_installed_metadata_edge_cases() {
    const SITE: &str = "syft/pkg/cataloger/python/testdata/site-packages/";
    const TOP: &str = "syft/pkg/cataloger/python/testdata/";
    let peer = PeerFiles::read("syft-test-fixtures", &[SITE, TOP]);
    let site = "usr/lib/python3/dist-packages";

    // A METADATA beside its RECORD: the RECORD's lines become the file count.
    let metadata = peer.get(&format!("{SITE}nested/dist-name/dist-info/METADATA"));
    let record = peer.get(&format!("{SITE}nested/dist-name/dist-info/RECORD"));
    let findings = scan(&[
        (&format!("{site}/Pygments-2.6.1.dist-info/RECORD"), record),
        (
            &format!("{site}/Pygments-2.6.1.dist-info/METADATA"),
            metadata,
        ),
    ]);
    let found = packages(&findings);
    assert_eq!(package_ids(&findings), ["Pygments@2.6.1"]);
    let lines = String::from_utf8_lossy(record)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .count();
    assert_eq!(found[0].metadata["files"], lines.to_string());

    // Upper-case folder names, as case-insensitive file systems leave them.
    let image_path = format!("{site}/Pygments-2.6.1.DIST-INFO/METADATA");
    assert!(selected(&image_path), "{image_path} is requested");
    let findings = scan_peer(
        &peer,
        &format!("{SITE}uppercase/dist-name/DIST-INFO/METADATA"),
        &image_path,
    );
    assert_eq!(package_ids(&findings), ["Pygments@2.6.1"]);

    // An egg-info file without a version is no package, and says so.
    let findings = scan_peer(
        &peer,
        &format!("{SITE}no-version/no-version-py3.8.egg-info"),
        &format!("{site}/no-version-py3.8.egg-info"),
    );
    assert!(packages(&findings).is_empty());
    assert_eq!(diagnostics(&findings)[0].0, DiagnosticLevel::Warning);

    // distutils' single-file egg-info of Python 2.7 itself.
    let findings = scan_peer(
        &peer,
        &format!("{TOP}Python-2.7.egg-info"),
        &format!("{site}/Python-2.7.egg-info"),
    );
    assert_eq!(package_ids(&findings), ["Python@2.7.13"]);
}

/// Whether the analyzer's requests select a file at `path`.
fn selected(path: &str) -> bool {
    path_selector(&PythonAnalyzer::default().requests().files)(path)
}

#[test]
fn syft_glob_paths_select_what_is_read() {
    // syft's `glob-paths` fixture: every file its Python catalogers select. `pdm.lock` and a
    // PEP 723 `script.py.lock` are not read by Purser (a limitation in the crate docs).
    const DIR: &str = "syft/pkg/cataloger/python/testdata/glob-paths/";
    let peer = PeerFiles::read("syft-test-fixtures", &[DIR]);
    let mut requested = Vec::new();
    for (inner, _) in peer.under(DIR) {
        let image_path = format!("usr/lib/python3.8/{}", &inner[DIR.len()..]);
        if selected(&image_path) {
            requested.push(inner[DIR.len()..].to_owned());
        }
    }
    assert_eq!(
        requested,
        [
            "site-packages/v.DIST-INFO/METADATA",
            "site-packages/w.EGG-INFO/PKG-INFO",
            "site-packages/x.dist-info/METADATA",
            "site-packages/y.egg-info/PKG-INFO",
            "site-packages/z.egg-info",
            "src/1-requirements-dev.txt",
            "src/Pipfile.lock",
            "src/extra-requirements.txt",
            "src/poetry.lock",
            "src/requirements-dev.txt",
            "src/requirements.txt",
            "src/uv.lock",
        ]
    );
}
