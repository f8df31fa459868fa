//! Tests of the whole analyzer through the exported function table, on real installed gemspecs
//! (Debian's `ruby-rack` and `libruby3.1`) and on the peers' `Gemfile.lock` fixtures (origins in
//! `testdata/SOURCES.md`), on hostile input, and of which paths the requests select.

use std::path::Path;

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding};
use purser_plugin_harness::{package_ids, packages, path_selector, scan_one_layer, whole_file};

use crate::{purser_analyzer_entry, RubyAnalyzer};

const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");

/// The bytes of `testdata/<name>`.
fn testdata(name: &str) -> Vec<u8> {
    let path = Path::new(TESTDATA).join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn input<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
    whole_file(path, contents, 0o644)
}

/// The findings of the exported table for the given files, in one layer.
fn scan(files: &[FileInput<'_>]) -> Vec<Finding> {
    scan_one_layer(purser_analyzer_entry, files)
}

/// The findings for one test data file placed at `path` in the image.
fn scan_one(path: &str, testdata_file: &str) -> Vec<Finding> {
    let contents = testdata(testdata_file);
    scan(&[input(path, &contents)])
}

/// `(level, path, message)` of every diagnostic.
fn diagnostics(findings: &[Finding]) -> Vec<(DiagnosticLevel, String, String)> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some((
                diagnostic.level,
                diagnostic.path.clone(),
                diagnostic.message.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn real_debian_gemspecs_give_their_file_names_and_licences() {
    let root = "debian-gems/";
    let gemspecs = [
        "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/rexml-3.2.5.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/rss-0.2.9.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/test-unit-3.5.3.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/typeprof-0.21.2.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/default/digest-3.1.0.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/default/english-0.7.1.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/default/net-http-0.2.0.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/default/uri-0.11.0.gemspec",
    ];
    let contents: Vec<Vec<u8>> = gemspecs
        .iter()
        .map(|path| testdata(&format!("{root}{path}")))
        .collect();
    let inputs: Vec<FileInput<'_>> = gemspecs
        .iter()
        .zip(&contents)
        .map(|(path, contents)| input(path, contents))
        .collect();
    let findings = scan(&inputs);
    assert!(
        diagnostics(&findings).is_empty(),
        "{:?}",
        diagnostics(&findings)
    );

    // What `gem list` shows for these files: the name and version of each file name.
    let expected: Vec<String> = gemspecs
        .iter()
        .map(|path| {
            let stem = path
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".gemspec");
            let (name, version) = stem.rsplit_once('-').unwrap();
            format!("{name}@{version}")
        })
        .collect();
    assert_eq!(package_ids(&findings), expected);

    let found = packages(&findings);
    assert_eq!(found[0].licenses, ["MIT"]);
    assert_eq!(found[0].purl.as_deref(), Some("pkg:gem/rack@2.2.22"));
    assert_eq!(found[0].source_path, gemspecs[0]);
    assert_eq!(found[0].metadata["evidence"], "gemspec");
    assert_eq!(found[3].licenses, ["Ruby", "BSDL", "PSFL"]);
    assert_eq!(found[8].licenses, ["Ruby", "BSD-2-Clause"]);
    assert_eq!(found[8].metadata["default_gem"], "true");
    assert!(!found[0].metadata.contains_key("default_gem"));
    assert!(found.iter().all(|package| package.ecosystem == "RubyGems"));
}

#[test]
fn trivy_bundler_fixtures_give_what_trivy_expects() {
    // trivy `pkg/dependency/parser/ruby/bundler/parse_test.go`: every spec of the GEM section.
    let findings = scan_one("app/Gemfile.lock", "locks/trivy-normal.lock");
    assert_eq!(
        package_ids(&findings),
        [
            "coderay@1.1.2",
            "concurrent-ruby@1.1.5",
            "dotenv@2.7.2",
            "faker@1.9.3",
            "i18n@1.6.0",
            "method_source@0.9.2",
            "pry@0.12.2",
        ]
    );
    let findings = scan_one("app/Gemfile.lock", "locks/trivy-bundler2.lock");
    assert_eq!(package_ids(&findings).len(), 8);
    assert!(package_ids(&findings).contains(&"json@2.6.2".to_owned()));

    // Trivy fails on its malformed lock; here it is one warning naming the file.
    let findings = scan_one("app/Gemfile.lock", "locks/trivy-malformed.lock");
    assert!(packages(&findings).is_empty());
    let diagnostics = diagnostics(&findings);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].0, DiagnosticLevel::Warning);
    assert_eq!(diagnostics[0].1, "app/Gemfile.lock");
}

#[test]
fn scalibr_gemfile_lock_fixtures_give_what_scalibr_expects() {
    // osv-scalibr `extractor/filesystem/language/ruby/gemfilelock/gemfilelock_test.go`.
    let findings = scan_one("Gemfile.lock", "locks/scalibr-has-git-gem.lock");
    assert_eq!(
        package_ids(&findings),
        [
            "hanami-controller@2.0.0.alpha1",
            "hanami-utils@2.0.0.alpha1",
            "concurrent-ruby@1.1.7",
            "rack@2.2.3",
            "transproc@1.1.1",
        ]
    );
    let found = packages(&findings);
    assert_eq!(found[0].metadata["source"], "git");
    assert_eq!(
        found[0].metadata["revision"],
        "027dbe2e56397b534e859fc283990cad1b6addd6"
    );
    assert_eq!(found[2].metadata["source"], "gem");

    let findings = scan_one("Gemfile.lock", "locks/scalibr-has-local-gem.lock");
    let found = packages(&findings);
    assert_eq!(found.len(), 30);
    assert_eq!(
        (found[0].name.as_str(), found[0].metadata["source"].as_str()),
        ("backbone-on-rails", "path")
    );
    let nokogiri = found
        .iter()
        .find(|package| package.name == "nokogiri")
        .unwrap();
    assert_eq!(nokogiri.version, "1.13.3");
    assert_eq!(
        nokogiri.purl.as_deref(),
        Some("pkg:gem/nokogiri@1.13.3?platform=x86_64-linux")
    );

    let findings = scan_one("Gemfile.lock", "locks/scalibr-source-section-at-end.lock");
    assert_eq!(package_ids(&findings), ["ast@2.4.2"]);
    for empty in ["no-spec-section", "no-gem-section"] {
        let findings = scan_one("Gemfile.lock", &format!("locks/scalibr-{empty}.lock"));
        assert!(findings.is_empty(), "{empty}: {findings:?}");
    }

    // scalibr reports nothing for a spec without a version; here that line is a warning.
    let findings = scan_one("Gemfile.lock", "locks/scalibr-invalid.lock");
    assert!(packages(&findings).is_empty());
    assert!(diagnostics(&findings)[0].2.ends_with("lines 4"));
}

#[test]
fn scalibr_gemfile_locks_from_one_gem_to_rails() {
    // The remaining osv-scalibr fixtures, from `GEM specs` alone: dependency lines (six spaces)
    // are requirements, not gems.
    for (file, expected) in [
        ("one-gem", &["ast@2.4.2"][..]),
        ("no-gems", &[]),
        (
            "some-gems",
            &["coderay@1.1.3", "method_source@1.0.0", "pry@0.14.1"],
        ),
        (
            "multiple-gems",
            &[
                "bundler-audit@0.9.0.1",
                "coderay@1.1.3",
                "dotenv@2.7.6",
                "method_source@1.0.0",
                "pry@0.14.1",
                "thor@1.2.1",
            ],
        ),
        (
            "rubocop",
            &[
                "ast@2.4.2",
                "parallel@1.21.0",
                "parser@3.1.1.0",
                "rainbow@3.1.1",
                "regexp_parser@2.2.1",
                "rexml@3.2.5",
                "rubocop@1.25.1",
                "rubocop-ast@1.16.0",
                "ruby-progressbar@1.11.0",
                "unicode-display_width@2.1.0",
            ],
        ),
    ] {
        let findings = scan_one("srv/Gemfile.lock", &format!("locks/scalibr-{file}.lock"));
        assert_eq!(package_ids(&findings), expected, "{file}");
        assert!(diagnostics(&findings).is_empty(), "{file}: {findings:?}");
    }

    // Rails 7.0.2.2 and its 45 dependencies; nokogiri is the native gem
    // `1.13.3-x86_64-linux`: version 1.13.3, the platform apart.
    let findings = scan_one("srv/Gemfile.lock", "locks/scalibr-rails.lock");
    assert!(diagnostics(&findings).is_empty(), "{findings:?}");
    let found = package_ids(&findings);
    assert_eq!(found.len(), 46);
    assert_eq!(
        found.first().map(String::as_str),
        Some("actioncable@7.0.2.2")
    );
    assert!(found.contains(&"rails@7.0.2.2".to_owned()));
    let nokogiri = packages(&findings)
        .into_iter()
        .find(|package| package.name == "nokogiri")
        .expect("nokogiri");
    assert_eq!(nokogiri.version, "1.13.3");
    assert_eq!(nokogiri.metadata["platform"], "x86_64-linux");
}

#[test]
fn syft_gemfile_lock_gives_every_source() {
    // syft `syft/pkg/cataloger/ruby/parse_gemfile_lock_test.go`: the PATH, GIT and GEM specs,
    // and nothing of the unknown `BAD-SECTION`.
    let findings = scan_one("src/Gemfile.lock", "locks/syft.lock");
    let found = packages(&findings);
    assert_eq!(found.len(), 52);
    assert!(found
        .iter()
        .all(|package| !package.name.starts_with("bad-")));
    assert_eq!(
        package_ids(&findings)[..3],
        [
            "google-cloud-errors@1.3.0",
            "turbolinks@3.0.0",
            "actionmailer@4.1.1"
        ]
    );
    assert!(package_ids(&findings).contains(&"uglifier@2.5.0".to_owned()));
    assert!(diagnostics(&findings).is_empty());
}

#[test]
fn hostile_input_gives_warnings_naming_the_file_never_a_panic() {
    let garbage: Vec<u8> = (0..10 << 20)
        .map(|index: u32| (index.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for path in ["app/Gemfile.lock", "gems/specifications/garbage.gemspec"] {
        let findings = scan(&[input(path, &garbage)]);
        assert!(packages(&findings).is_empty(), "{path}");
        let diagnostics = diagnostics(&findings);
        assert!(!diagnostics.is_empty(), "{path}");
        assert!(diagnostics
            .iter()
            .all(|(level, at, _)| *level == DiagnosticLevel::Warning && at == path));
    }

    // A gemspec whose name is oddly quoted still gives its gem, from the file name.
    let odd = b"Gem::Specification.new do |s|\n  s.name = \"rack'\n  s.version = %q{2.2.3\nend\n";
    let findings = scan(&[input("gems/specifications/rack-2.2.3.gemspec", odd)]);
    assert_eq!(package_ids(&findings), ["rack@2.2.3"]);
    assert!(diagnostics(&findings)[0].2.contains("from the file name"));

    // A file over the limit, or cut by the engine, is not read.
    let lock = testdata("locks/trivy-normal.lock");
    let mut cut = input("Gemfile.lock", &lock[..100]);
    cut.size = lock.len() as u64;
    let findings = scan(&[cut]);
    assert!(packages(&findings).is_empty());
    assert!(diagnostics(&findings)[0].2.contains("engine's read limit"));
    let analyzer = RubyAnalyzer::new(&serde_json::json!({"max_file_size": 10})).unwrap();
    let mut findings = Vec::new();
    analyzer
        .analyze_file(&mut (), &input("Gemfile.lock", &lock), &mut findings)
        .unwrap();
    assert!(diagnostics(&findings)[0].2.contains("option max_file_size"));
}

#[test]
fn requests_select_gemspecs_and_locks_only() {
    let analyzer = RubyAnalyzer::default();
    let requests = analyzer.requests().files;
    let selected = path_selector(&requests);
    for path in [
        "usr/lib/ruby/gems/3.1.0/specifications/rack-2.2.22.gemspec",
        "usr/lib/ruby/gems/3.1.0/specifications/default/uri-0.11.0.gemspec",
        "usr/local/bundle/specifications/nokogiri-1.13.3-x86_64-linux.gemspec",
        "app/Gemfile.lock",
        "Gemfile.lock",
        "srv/app/gems.locked",
    ] {
        assert!(selected(path), "{path}");
    }
    for path in [
        "app/rack.gemspec",
        "usr/lib/ruby/gems/3.1.0/gems/rack-2.2.22/rack.gemspec",
        "app/Gemfile",
        "app/Gemfile.lock.bak",
    ] {
        assert!(!selected(path), "{path}");
    }
}
