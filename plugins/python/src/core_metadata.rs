//! Core metadata files: `METADATA` of a `.dist-info`, `PKG-INFO` of an `.egg-info` or egg.
//!
//! Format: <https://packaging.python.org/en/latest/specifications/core-metadata/>. The file is a
//! set of RFC 822 style headers (`Name: PyYAML`); a line starting with whitespace continues the
//! previous header; the first empty line ends the headers and starts the description, which is
//! not read. A header may repeat (`Classifier`).

/// The headers of a core metadata file, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreMetadata {
    headers: Vec<(String, String)>,
}

impl CoreMetadata {
    /// Parses the headers of `text`. Lines that are neither `Key: value` nor a continuation
    /// are counted in [`CoreMetadata::parse`]'s second result.
    pub fn parse(text: &str) -> (CoreMetadata, usize) {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut malformed = 0;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                match headers.last_mut() {
                    Some((_, value)) => {
                        value.push('\n');
                        value.push_str(line.trim());
                    }
                    None => malformed += 1,
                }
                continue;
            }
            match line.split_once(':') {
                Some((key, value)) if !key.is_empty() && !key.contains(' ') => {
                    headers.push((key.to_owned(), value.trim().to_owned()));
                }
                _ => malformed += 1,
            }
        }
        (CoreMetadata { headers }, malformed)
    }

    /// The first value of header `key` (compared case-insensitively), if present and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.all(key).next()
    }

    /// Every non-empty value of header `key`, in order.
    pub fn all<'s, 'k>(&'s self, key: &'k str) -> impl Iterator<Item = &'s str> + use<'s, 'k> {
        self.headers
            .iter()
            .filter(move |(name, value)| name.eq_ignore_ascii_case(key) && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }

    /// The declared licences: `License-Expression` (core metadata 2.4) when present; otherwise
    /// the `License` field when it is a short name rather than the licence's full text (and not
    /// `UNKNOWN`), and the last part of every `License ::` classifier
    /// (`License :: OSI Approved :: MIT License` gives `MIT License`).
    pub fn licenses(&self) -> Vec<String> {
        if let Some(expression) = self.get("License-Expression") {
            return vec![expression.to_owned()];
        }
        let mut licenses = Vec::new();
        if let Some(license) = self.get("License") {
            let is_name = !license.contains('\n') && license.len() <= 100;
            if is_name && !license.eq_ignore_ascii_case("UNKNOWN") {
                licenses.push(license.to_owned());
            }
        }
        for classifier in self.all("Classifier") {
            let mut parts = classifier.split("::").map(str::trim);
            if parts.next() != Some("License") {
                continue;
            }
            if let Some(last) = parts.last().filter(|last| !last.is_empty()) {
                if !licenses.iter().any(|known| known == last) {
                    licenses.push(last.to_owned());
                }
            }
        }
        licenses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_continuations_and_the_body() {
        let text = "Metadata-Version: 2.1\r\nName: PyYAML\nVersion: 5.3.1\nLicense: Line one\n        line two\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python\nClassifier: License :: OSI Approved :: MIT License\n\nName: not-a-header\n";
        let (metadata, malformed) = CoreMetadata::parse(text);
        assert_eq!(malformed, 0);
        assert_eq!(metadata.get("name"), Some("PyYAML"));
        assert_eq!(metadata.get("License"), Some("Line one\nline two"));
        assert_eq!(metadata.all("Classifier").count(), 3);
        assert_eq!(metadata.licenses(), ["MIT License"]);
    }

    #[test]
    fn the_expression_wins_and_unknown_is_no_licence() {
        let (metadata, _) =
            CoreMetadata::parse("License-Expression: MIT OR Apache-2.0\nLicense: MIT\n");
        assert_eq!(metadata.licenses(), ["MIT OR Apache-2.0"]);
        let (metadata, _) = CoreMetadata::parse("License: UNKNOWN\n");
        assert!(metadata.licenses().is_empty());
        let (metadata, _) = CoreMetadata::parse(
            "License: BSD\nClassifier: License :: OSI Approved :: BSD License\n",
        );
        assert_eq!(metadata.licenses(), ["BSD", "BSD License"]);
    }

    #[test]
    fn garbage_lines_are_counted() {
        let (metadata, malformed) = CoreMetadata::parse("  orphan\nno colon here\nName: x\n");
        assert_eq!(malformed, 2);
        assert_eq!(metadata.get("Name"), Some("x"));
    }
}
