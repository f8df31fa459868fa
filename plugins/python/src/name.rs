//! Project names as PEP 503 normalises them for comparison
//! (<https://peps.python.org/pep-0503/#normalized-names>): lowercase, and every run of `-`, `_`
//! and `.` becomes one `-`. `Django`, `zope.interface` and `typing_extensions` become `django`,
//! `zope-interface` and `typing-extensions`.

/// The PEP 503 normalised form of `name`.
pub fn normalize(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for character in name.trim().chars() {
        if matches!(character, '-' | '_' | '.') {
            if !in_separator_run {
                normalized.push('-');
            }
            in_separator_run = true;
        } else {
            normalized.extend(character.to_lowercase());
            in_separator_run = false;
        }
    }
    normalized
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_separators_collapse_and_case_folds() {
        assert_eq!(normalize("Django"), "django");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(normalize("typing__extensions"), "typing-extensions");
        assert_eq!(normalize("A-._b"), "a-b");
        assert_eq!(normalize(" PyYAML "), "pyyaml");
    }
}
