//! osv-scalibr's npm, yarn and pnpm lock fixtures (`testdata/scalibr/`, origins in
//! `testdata/SOURCES.md`). Many come in pairs written for two lockfile versions of the same
//! install, which must then give the same packages; the others are checked against what their
//! contents say.

use super::*;

/// `name@version` of every package of `findings`, sorted, with ` dev` for development ones and
/// ` ?` where the lock does not say.
fn roles(findings: &[Finding]) -> Vec<String> {
    let mut ids: Vec<String> = packages(findings)
        .into_iter()
        .map(|package| {
            let dev = match package.metadata.get("dev").map(String::as_str) {
                Some("true") => " dev",
                Some("false") => "",
                _ => " ?",
            };
            format!("{}@{}{dev}", package.name, package.version)
        })
        .collect();
    ids.sort();
    ids
}

/// The findings for `testdata/scalibr/<file>` read as the lock `file_name`.
fn scalibr(file: &str, file_name: &str) -> Vec<Finding> {
    let contents = std::fs::read(Path::new(TESTDATA).join("scalibr").join(file))
        .unwrap_or_else(|error| panic!("{file}: {error}"));
    let path = format!("srv/app/{file_name}");
    analyze(&[file_input(&path, &contents)])
}

#[test]
fn package_lock_versions_1_and_2_of_one_install_agree() {
    for case in [
        "alias",
        "empty",
        "nested-dependencies",
        "one-package",
        "one-package-dev",
        "scoped-packages",
        "two-packages",
    ] {
        let v1 = scalibr(
            &format!("packagelockjson/{case}.v1.json"),
            "package-lock.json",
        );
        let v2 = scalibr(
            &format!("packagelockjson/{case}.v2.json"),
            "package-lock.json",
        );
        assert!(
            diagnostics(&v1).is_empty() && diagnostics(&v2).is_empty(),
            "{case}"
        );
        assert_eq!(roles(&v1), roles(&v2), "{case}");
    }
    assert_eq!(
        roles(&scalibr(
            "packagelockjson/one-package-dev.v2.json",
            "package-lock.json"
        )),
        ["wrappy@1.0.2 dev"]
    );
    // An alias (`string-width-cjs` installing `string-width@4.2.0`) is the real package.
    assert_eq!(
        roles(&scalibr(
            "packagelockjson/alias.v2.json",
            "package-lock.json"
        )),
        [
            "@babel/code-frame@7.0.0",
            "string-width@4.2.0",
            "string-width@5.1.2"
        ]
    );

    // A shrinkwrap is read like a package-lock, alone or beside one.
    for (file, name) in [
        (
            "packagelockjson/both/npm-shrinkwrap.json",
            "npm-shrinkwrap.json",
        ),
        (
            "packagelockjson/both/package-lock.json",
            "package-lock.json",
        ),
        (
            "packagelockjson/npm-shrinkwrap-only/npm-shrinkwrap.json",
            "npm-shrinkwrap.json",
        ),
    ] {
        assert_eq!(
            roles(&scalibr(file, name)),
            ["supports-color@5.5.0", "wrappy@1.0.2"],
            "{file}"
        );
    }

    let findings = scalibr("packagelockjson/not-json.txt", "package-lock.json");
    assert!(packages(&findings).is_empty());
    assert!(diagnostics(&findings)[0].starts_with("invalid package-lock.json: "));
    let findings = scalibr("packagelockjson/null.v2.jsontest", "package-lock.json");
    assert_eq!(
        diagnostics(&findings),
        ["package-lock.json has neither `packages` nor `dependencies`; no package read from it"]
    );
}

#[test]
fn yarn_classic_and_berry_locks_of_one_install_agree() {
    for case in ["empty", "one-package", "with-aliases", "with-build-string"] {
        let v1 = scalibr(&format!("yarnlock/{case}.v1.lock"), "yarn.lock");
        let v2 = scalibr(&format!("yarnlock/{case}.v2.lock"), "yarn.lock");
        assert!(
            diagnostics(&v1).is_empty() && diagnostics(&v2).is_empty(),
            "{case}"
        );
        assert_eq!(roles(&v1), roles(&v2), "{case}");
    }
    assert_eq!(
        roles(&scalibr("yarnlock/with-build-string.v2.lock", "yarn.lock")),
        ["domino@2.1.6+git ?", "tslib@2.6.2 ?"]
    );

    // Quoted field names, in both formats.
    assert_eq!(
        roles(&scalibr("yarnlock/with-quotes.v1.lock", "yarn.lock")),
        ["concat-map@0.0.1 ?", "concat-stream@1.6.2 ?"]
    );
    assert_eq!(
        roles(&scalibr("yarnlock/with-quotes.v2.lock", "yarn.lock")),
        ["compare-func@2.0.0 ?", "concat-map@0.0.1 ?"]
    );

    // Berry's own project entry (`workspace:`) and `__metadata` are no packages.
    assert_eq!(
        roles(&scalibr("yarnlock/exclude-root.v2.lock", "yarn.lock")),
        ["ansi-regex@6.1.0 ?"]
    );
    assert!(scalibr("yarnlock/metadata-only.v2.lock", "yarn.lock").is_empty());
    let findings = scalibr("yarnlock/no-version.v1.lock", "yarn.lock");
    assert!(packages(&findings).is_empty());
    assert_eq!(diagnostics(&findings).len(), 1);
}

#[test]
fn pnpm_locks_of_versions_5_to_9_give_the_same_roles() {
    // The same project locked by four pnpm versions: `is-number` is the one dev dependency.
    for (file, ansi_regex, uuid) in [
        ("pnpmlock/mixed-groups.v53.yaml", "5.0.1", "8.3.2"),
        ("pnpmlock/mixed-groups.v54.yaml", "5.0.1", "8.3.2"),
        ("pnpmlock/mixed-groups.v6.yaml", "5.0.0", "8.0.0"),
        ("pnpmlock/mixed-groups.v9.yaml", "5.0.1", "8.3.2"),
    ] {
        let findings = scalibr(file, "pnpm-lock.yaml");
        assert!(diagnostics(&findings).is_empty(), "{file}");
        assert_eq!(
            roles(&findings),
            [
                format!("ansi-regex@{ansi_regex}"),
                "is-number@7.0.0 dev".to_owned(),
                format!("uuid@{uuid}"),
            ],
            "{file}"
        );
    }

    // Version 9 packages fetched from a URL: the importers name them by their URL, so their
    // role is found by the lock key, not by `name@version`.
    assert_eq!(
        roles(&scalibr("pnpmlock/commits.v9.yaml", "pnpm-lock.yaml")),
        ["ansi-regex@6.0.1", "is-number@7.0.0"]
    );
    assert_eq!(
        roles(&scalibr(
            "pnpmlock/one-package-dev.v9.yaml",
            "pnpm-lock.yaml"
        )),
        ["acorn@8.11.3 dev"]
    );
    for file in [
        "pnpmlock/peer-dependencies.yaml",
        "pnpmlock/peer-dependencies.v9.yaml",
    ] {
        let found = roles(&scalibr(file, "pnpm-lock.yaml"));
        assert_eq!(found.len(), 2, "{file}");
        assert!(found[0].starts_with("acorn-jsx@5.3.2"), "{file}: {found:?}");
    }

    // Keys that name no package are skipped and named; text that is no mapping is an error.
    let findings = scalibr("pnpmlock/invalid-paths.yaml", "pnpm-lock.yaml");
    assert_eq!(roles(&findings), ["acorn@8.7.0"]);
    assert!(diagnostics(&findings)[0].contains("(invalidpath1, invalidpath2)"));
    let findings = scalibr("pnpmlock/not-yaml.txt", "pnpm-lock.yaml");
    assert!(packages(&findings).is_empty());
    assert!(diagnostics(&findings)[0].starts_with("pnpm-lock.yaml holds no mapping"));
    for file in ["pnpmlock/empty.yaml", "pnpmlock/no-packages.v9.yaml"] {
        assert!(scalibr(file, "pnpm-lock.yaml").is_empty(), "{file}");
    }
}

#[test]
fn every_scalibr_fixture_gives_named_versioned_packages_or_says_why_not() {
    let root = Path::new(TESTDATA).join("scalibr");
    let mut pending = vec![root.clone()];
    let mut read = 0;
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("fixture folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(&root).expect("under root");
            let file = relative.to_string_lossy().into_owned();
            let file_name = match file.split('/').next() {
                Some("yarnlock") => "yarn.lock",
                Some("pnpmlock") => "pnpm-lock.yaml",
                Some("bunlock") => "bun.lock",
                _ if file.ends_with("npm-shrinkwrap.json") => "npm-shrinkwrap.json",
                _ => "package-lock.json",
            };
            let findings = scalibr(&file, file_name);
            for package in packages(&findings) {
                assert!(!package.name.is_empty(), "{file}: {package:?}");
                assert!(
                    !package.version.is_empty() && !package.version.contains(char::is_whitespace),
                    "{file}: {package:?}"
                );
            }
            read += 1;
        }
    }
    assert_eq!(read, 110, "every fixture was read");
}

#[test]
fn bun_locks_of_scalibr_and_trivy() {
    let bun = |file: &str| scalibr(&format!("bunlock/{file}"), "bun.lock");
    for (file, expected) in [
        ("one-package.json5", &["wrappy@1.0.2"][..]),
        ("two-packages.json5", &["has-flag@4.0.0", "wrappy@1.0.2"]),
        (
            "scoped-packages.json5",
            &["@typescript-eslint/types@5.62.0"],
        ),
        ("empty.json5", &[]),
        ("no-packages.json5", &[]),
        // `fsevents` is optional: needed at run time where it installs.
        (
            "optional-package.json5",
            &["acorn@8.14.0", "fsevents@0.3.8", "nan@2.22.0"],
        ),
        // An alias key installs the package its tuple names.
        (
            "alias.json5",
            &[
                "has-flag@3.0.0",
                "has-flag@4.0.0",
                "supports-color@6.1.0",
                "supports-color@7.2.0",
            ],
        ),
        // Copies nested under `chalk` (a dev dependency) are for development; the top-level
        // `supports-color` and its own nested `has-flag` are for production.
        (
            "nested-dependencies.json5",
            &[
                "ansi-styles@4.3.0 dev",
                "chalk@4.1.2 dev",
                "color-convert@2.0.1 dev",
                "color-name@1.1.4 dev",
                "has-flag@2.0.0",
                "has-flag@3.0.0",
                "has-flag@4.0.0 dev",
                "supports-color@5.5.0",
                "supports-color@7.2.0 dev",
            ],
        ),
        ("files.json5", &["etag@file:deps/etag dev", "lodash@1.3.1"]),
    ] {
        let findings = bun(file);
        assert!(diagnostics(&findings).is_empty(), "{file}: {findings:?}");
        assert_eq!(roles(&findings), expected, "{file}");
    }

    // Git dependencies keep their reference as the version.
    let commits = roles(&bun("commits.json5"));
    assert!(commits.contains(&"is-number@github:jonschlinkert/is-number#98e8ff1 dev".to_owned()));
    assert!(commits.contains(&"lodash@1.3.1".to_owned()));

    let findings = bun("bad-tuple.json5");
    assert_eq!(roles(&findings), ["wrappy@1.0.2"]);
    assert!(diagnostics(&findings)[0].contains("(wrappy-bad1, wrappy-bad2)"));
    let findings = bun("not-json.txt");
    assert!(diagnostics(&findings)[0].starts_with("invalid bun.lock: "));

    // Trivy's integration golden `bun.json.golden` lists the production packages `jquery` and
    // `typescript` (a peer dependency); the other four only `@types/bun`, a dev dependency,
    // reaches.
    let findings = analyze_one("srv/app/bun.lock", "trivy-integration-bun.lock");
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    assert_eq!(
        roles(&findings),
        [
            "@types/bun@1.2.14 dev",
            "@types/node@22.15.21 dev",
            "bun-types@1.2.14 dev",
            "jquery@3.3.1",
            "typescript@5.8.3",
            "undici-types@6.21.0 dev",
        ]
    );
    // Trivy's parser fixtures: `undici-types` is also reached from the optional `zod`; two
    // workspaces; a lock whose version is no number.
    assert_eq!(
        roles(&analyze_one("srv/app/bun.lock", "trivy-bun_happy.lock")),
        [
            "@types/bun@1.2.13 dev",
            "@types/node@22.15.18 dev",
            "bun-types@1.2.13 dev",
            "typescript@5.8.3",
            "undici-types@6.21.0",
            "zod@3.24.4",
        ]
    );
    assert_eq!(
        roles(&analyze_one(
            "srv/app/bun.lock",
            "trivy-bun_multiple_ws.lock"
        )),
        ["chalk@5.0.1", "lodash@4.17.21"]
    );
    let findings = analyze_one("srv/app/bun.lock", "trivy-bun_invalid.lock");
    assert!(packages(&findings).is_empty());
    assert_eq!(
        diagnostics(&findings),
        ["bun.lock has no readable lockfileVersion (\"not-a-number\"); no package read from it"]
    );
}
