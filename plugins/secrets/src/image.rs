//! Secrets in the image config: `config.Env` entries and `history[].created_by` lines.

use purser_plugin_api::{Diagnostic, Finding};

use crate::finding::secret_finding;
use crate::scanner::Scanner;

/// Scans the environment and the history of an image config (the OCI image config JSON).
///
/// A config that is not JSON gives a warning diagnostic (which never quotes the config); missing
/// fields are simply absent.
pub fn scan_config(scanner: &Scanner, config_json: &[u8], findings: &mut Vec<Finding>) {
    if config_json.is_empty() {
        return;
    }
    let config: serde_json::Value = match serde_json::from_slice(config_json) {
        Ok(config) => config,
        Err(error) => {
            findings.push(Finding::Diagnostic(Diagnostic::warning(
                "",
                format!(
                    "the image config is not valid JSON (line {}, column {}); its Env and history \
                     were not scanned for secrets",
                    error.line(),
                    error.column()
                ),
            )));
            return;
        }
    };

    let environment = config
        .pointer("/config/Env")
        .and_then(serde_json::Value::as_array);
    for (index, entry) in environment.into_iter().flatten().enumerate() {
        if let Some(text) = entry.as_str() {
            scan_string(scanner, text, &format!("config.Env[{index}]"), findings);
        }
    }

    let history = config.get("history").and_then(serde_json::Value::as_array);
    for (index, entry) in history.into_iter().flatten().enumerate() {
        if let Some(text) = entry.get("created_by").and_then(serde_json::Value::as_str) {
            scan_string(
                scanner,
                text,
                &format!("history[{index}].created_by"),
                findings,
            );
        }
    }
}

fn scan_string(scanner: &Scanner, text: &str, location: &str, findings: &mut Vec<Finding>) {
    for found in scanner.scan(text.as_bytes()) {
        let mut secret = secret_finding(scanner, &found, "");
        secret.location = Some(location.to_owned());
        secret.line = None;
        findings.push(Finding::Secret(secret));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule_set::RuleSet;

    #[test]
    fn env_and_history_secrets_are_located_in_the_config() {
        let scanner = Scanner::new(RuleSet::builtin().expect("rules")).expect("automaton");
        let config = serde_json::json!({
            "config": {"Env": ["PATH=/usr/bin", "GH_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345"]},
            "history": [
                {"created_by": "/bin/sh -c #(nop) ADD file:abc in /"},
                {"created_by": "RUN mysql --password=Zq7xP2mK9wLr -e 'select 1'", "empty_layer": true}
            ]
        });
        let mut findings = Vec::new();
        scan_config(&scanner, config.to_string().as_bytes(), &mut findings);
        let located: Vec<(String, Option<String>, Option<u64>)> = findings
            .iter()
            .filter_map(|finding| match finding {
                Finding::Secret(secret) => Some((
                    secret.rule_id.clone(),
                    secret.location.clone(),
                    secret.column,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            located,
            vec![
                (
                    "github-pat".to_owned(),
                    Some("config.Env[1]".to_owned()),
                    Some(10)
                ),
                (
                    "cli-password-argument".to_owned(),
                    Some("history[1].created_by".to_owned()),
                    Some(11)
                ),
            ]
        );
    }

    #[test]
    fn a_broken_config_is_a_warning_without_its_text() {
        let scanner = Scanner::new(RuleSet::builtin().expect("rules")).expect("automaton");
        let mut findings = Vec::new();
        scan_config(&scanner, b"{\"config\": ghp_secret", &mut findings);
        let [Finding::Diagnostic(diagnostic)] = findings.as_slice() else {
            panic!("expected one diagnostic, got {findings:?}")
        };
        assert!(!diagnostic.message.contains("ghp_"));
    }
}
