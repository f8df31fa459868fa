//! URLs made safe for logs and messages.

/// The URL without user information or query string, either of which may carry a credential:
/// `https://user:token@host/a?key=1` gives `https://host/a?…`.
pub(crate) fn redact_url(url: &str) -> String {
    let (before_query, had_query) = match url.split_once(['?', '#']) {
        Some((before, _)) => (before, true),
        None => (url, false),
    };

    let redacted = match before_query.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            format!("{scheme}://{host}{path}")
        }
        None => before_query.to_owned(),
    };

    if had_query {
        format!("{redacted}?…")
    } else {
        redacted
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn removes_credentials_and_query() {
        assert_eq!(
            redact_url("https://user:s3cret@example.org/a/all.zip?token=abc"),
            "https://example.org/a/all.zip?…"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:80/x.json"),
            "http://127.0.0.1:80/x.json"
        );
        assert_eq!(redact_url("https://example.org"), "https://example.org");
    }
}
