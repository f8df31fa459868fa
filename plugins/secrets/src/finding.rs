//! Turning a scanner match into a `Finding::Secret`.

use purser_plugin_api::Secret;

use crate::scanner::{Scanner, SecretMatch};

/// The secret finding for a match in `path` (empty for image metadata), with line and column.
pub fn secret_finding(scanner: &Scanner, found: &SecretMatch, path: &str) -> Secret {
    let rule = &scanner.rules()[found.rule];
    Secret {
        rule_id: rule.id.clone(),
        category: rule.category.clone(),
        title: rule.title.clone(),
        severity: rule.severity,
        path: path.to_owned(),
        location: None,
        line: Some(found.line),
        column: Some(found.column),
        redacted_match: found.redacted.clone(),
    }
}
