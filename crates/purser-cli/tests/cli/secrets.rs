//! The secrets analyzer through the real binary: a credential file deleted by a later layer is
//! still reported, redacted in every format.

use crate::support::{code, describe, fixture, plugin_dir, purser, SECRETS};

/// The made-up token in `fixtures/images/debian/layers/1/app/config/.env`.
const TOKEN: &str = "ghp_Zq8vN3rT6yW1bK4mP7sD0fH2jL5xC9aE3uR6";

/// The made-up token in the Debian fixture's config `Env` and `history`.
const ENV_TOKEN: &str = "glpat-Xq3vR8tN2yK6bW1mP9sD";

fn scan(format: &str) -> std::process::Output {
    let plugins = plugin_dir(&[SECRETS]);
    purser()
        .arg("scan")
        .arg(fixture("debian.oci"))
        .args(["--skip-db", "--no-default-plugins", "--plugin-dir"])
        .arg(plugins.path())
        .args(["--format", format])
        .env("SOURCE_DATE_EPOCH", "1764806400")
        .output()
        .expect("purser runs")
}

#[test]
fn a_deleted_credential_is_reported_with_the_layer_that_deleted_it() {
    let output = scan("json");
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let secrets: Vec<&serde_json::Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|result| result["secrets"].as_array().into_iter().flatten())
        .collect();
    let github = secrets
        .iter()
        .find(|secret| secret["rule_id"] == "github-pat")
        .unwrap_or_else(|| panic!("the GitHub token is found: {secrets:?}"));
    assert_eq!(github["path"], "app/config/.env");
    assert_eq!(github["line"], 3);
    assert_eq!(github["file_state"], "removed");
    assert_eq!(github["layer"]["index"], 1);
    assert_eq!(github["changed_in_layer"]["index"], 2);

    let in_config: Vec<&str> = secrets
        .iter()
        .filter(|secret| secret["rule_id"] == "gitlab-pat")
        .filter_map(|secret| secret["location"].as_str())
        .collect();
    assert_eq!(in_config, ["config.Env[2]", "history[3].created_by"]);
}

#[test]
fn no_format_prints_the_secret() {
    for format in ["table", "json", "sarif"] {
        let output = scan(format);
        assert_eq!(code(&output), 0, "{format}: {}", describe(&output));
        let everything = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(everything.contains("github-pat"), "{format}: {everything}");
        assert!(!everything.contains(TOKEN), "{format} printed the token");
        assert!(
            !everything.contains(ENV_TOKEN),
            "{format} printed the ENV token"
        );
        assert!(
            !everything.contains(&ENV_TOKEN[6..16]),
            "{format} printed part of it"
        );
        assert!(
            !everything.contains(&TOKEN[4..20]),
            "{format} printed part of the token"
        );
    }
}
