//! Tests of the whole analyzer through the exported function table, the way the engine calls it.

use purser_plugin_api::{
    Diagnostic, DiagnosticLevel, FileInput, Finding, ImageContext, ImageInput, LayerContext, Secret,
};
use purser_plugin_harness::Plugin;

use crate::{purser_analyzer_entry, PYC_LOCATION};

const TOKEN: &str = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

fn file<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
    FileInput {
        path,
        size: contents.len() as u64,
        mode: 0o644,
        contents,
        truncated: false,
    }
}

fn secrets(findings: &[Finding]) -> Vec<&Secret> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Secret(secret) => Some(secret),
            _ => None,
        })
        .collect()
}

fn diagnostics(findings: &[Finding]) -> Vec<&Diagnostic> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some(diagnostic),
            _ => None,
        })
        .collect()
}

#[test]
fn a_layer_reports_secrets_and_counts_what_it_skipped() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    assert_eq!(plugin.describe().expect("describes").name, "secrets");
    let instance = plugin.create(&serde_json::Value::Null).expect("no options");
    assert!(instance.requests().files[0].all_files);
    assert!(instance.requests().image.config);

    let env = format!("# deploy\nGH_TOKEN={TOKEN}\n");
    let doc = format!("token: {TOKEN}\n");
    let binary = format!("\u{0}\u{1}{TOKEN}");
    let pyc = format!("\u{e3}\u{0}\u{0}\u{0}\u{fa}(token = '{TOKEN}')\u{0}");
    let files = [
        file("app/.env", env.as_bytes()),
        file("usr/share/doc/tool/README", doc.as_bytes()),
        file("usr/share/doc/tool/NEWS", doc.as_bytes()),
        file("usr/bin/tool", binary.as_bytes()),
        file("app/__pycache__/settings.cpython-311.pyc", pyc.as_bytes()),
    ];
    let findings = instance
        .scan_layer(&LayerContext::default(), &files)
        .expect("scans");

    let found: Vec<(&str, &str, Option<u64>, Option<&str>)> = secrets(&findings)
        .into_iter()
        .map(|secret| {
            (
                secret.rule_id.as_str(),
                secret.path.as_str(),
                secret.line,
                secret.location.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("github-pat", "app/.env", Some(2), None),
            (
                "github-pat",
                "app/__pycache__/settings.cpython-311.pyc",
                Some(1),
                Some(PYC_LOCATION)
            ),
        ]
    );

    let messages: Vec<(DiagnosticLevel, &str)> = diagnostics(&findings)
        .into_iter()
        .map(|diagnostic| (diagnostic.level, diagnostic.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                DiagnosticLevel::Info,
                "2 files under skip paths were not scanned for secrets (usr/share/doc/**: 2)"
            ),
            (
                DiagnosticLevel::Info,
                "1 binary files (a NUL byte in the first 8 KiB) were not scanned for secrets"
            ),
        ]
    );
}

#[test]
fn the_secret_never_crosses_the_boundary() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    let instance = plugin.create(&serde_json::Value::Null).expect("no options");
    let text = format!("GH_TOKEN={TOKEN}\n");
    let findings = instance
        .scan_layer(
            &LayerContext::default(),
            &[file("app/.env", text.as_bytes())],
        )
        .expect("scans");
    let json = serde_json::to_string(&findings).expect("encodes");
    assert!(!json.contains(&TOKEN[4..]), "{json}");
    assert!(json.contains("\"redacted_match\":\"ghp_****"), "{json}");
}

#[test]
fn skip_paths_and_a_user_rule_file_come_from_the_options() {
    let directory = std::env::temp_dir().join(format!("purser-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    let config = directory.join("secrets.toml");
    std::fs::write(
        &config,
        r#"
disable_rules = ["github-pat"]

[[rules]]
id = "acme-token"
category = "Acme"
title = "Acme deploy token"
severity = "HIGH"
keywords = ["acme_"]
regex = '''\b(?P<secret>acme_[a-z0-9]{20})\b'''

[[allow_rules]]
id = "fixtures"
description = "our own test fixtures"
path = "srv/fixtures/**"
"#,
    )
    .expect("writes config");

    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    let instance = plugin
        .create(&serde_json::json!({
            "config_path": config.to_string_lossy(),
            "skip_paths": [],
            "max_file_size": 4096,
        }))
        .expect("options accepted");
    assert_eq!(instance.requests().files[0].max_size, Some(4096));

    let text = format!("a={TOKEN}\nb=acme_0123456789abcdefghij\n");
    let files = [
        file("usr/share/doc/app/notes", text.as_bytes()),
        file("srv/fixtures/notes", text.as_bytes()),
    ];
    let findings = instance
        .scan_layer(&LayerContext::default(), &files)
        .expect("scans");
    std::fs::remove_dir_all(&directory).expect("cleans up");

    let found: Vec<(&str, &str)> = secrets(&findings)
        .into_iter()
        .map(|secret| (secret.rule_id.as_str(), secret.path.as_str()))
        .collect();
    assert_eq!(found, vec![("acme-token", "usr/share/doc/app/notes")]);
    let messages: Vec<&str> = diagnostics(&findings)
        .into_iter()
        .map(|diagnostic| diagnostic.message.as_str())
        .collect();
    assert_eq!(
        messages,
        vec!["1 files under allow-rule paths were not scanned for secrets (fixtures: 1)"]
    );
}

#[test]
fn bad_options_are_refused_with_what_to_fix() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    let error = plugin
        .create(&serde_json::json!({"skip": []}))
        .err()
        .expect("refused");
    assert!(
        error.to_string().contains("unknown secrets option `skip`"),
        "{error}"
    );
}

#[test]
fn image_config_secrets_have_a_location_and_no_path() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    let instance = plugin.create(&serde_json::Value::Null).expect("no options");
    let config = serde_json::json!({
        "config": {"Env": ["PATH=/usr/bin", format!("GITHUB_TOKEN={TOKEN}")]},
        "history": [{"created_by": format!("/bin/sh -c #(nop)  ENV GITHUB_TOKEN={TOKEN}")}]
    })
    .to_string();
    let image = ImageInput {
        context: ImageContext::default(),
        config_json: config.as_bytes(),
        manifest_json: b"",
        index_json: b"",
        attachments: Vec::new(),
    };
    let findings = instance.analyze_image(&image).expect("analyzes");
    let found: Vec<(&str, &str, Option<&str>)> = secrets(&findings)
        .into_iter()
        .map(|secret| {
            (
                secret.rule_id.as_str(),
                secret.path.as_str(),
                secret.location.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("github-pat", "", Some("config.Env[1]")),
            ("github-pat", "", Some("history[0].created_by")),
        ]
    );
}

#[test]
fn hostile_input_gives_no_panic() {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("valid header");
    let instance = plugin.create(&serde_json::Value::Null).expect("no options");
    let invalid_utf8 =
        b"password=\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\n-----BEGIN RSA PRIVATE KEY-----\n";
    let long_line = "eyJ".repeat(100_000);
    let files = [
        file("a", invalid_utf8),
        file("b", long_line.as_bytes()),
        file("c", b""),
        file("d.pyc", b"\x00\x01"),
    ];
    let findings = instance
        .scan_layer(&LayerContext::default(), &files)
        .expect("scans");
    assert!(diagnostics(&findings)
        .iter()
        .all(|diagnostic| diagnostic.level != DiagnosticLevel::Error));
}
