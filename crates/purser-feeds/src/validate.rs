//! Checks of a configuration before anything is touched.

use std::collections::HashSet;

use crate::config::FeedConfig;
use crate::error::FeedError;
use crate::redact::redact_url;

/// Rejects names that are not safe, unique file stems and URLs the client cannot fetch.
pub(crate) fn validate(config: &FeedConfig) -> Result<(), FeedError> {
    let invalid = |detail: String| Err(FeedError::InvalidConfig { detail });
    let mut names = HashSet::new();

    for feed in &config.feeds {
        let name = feed.name.as_str();
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_'));
        if !plain {
            return invalid(format!(
                "feed name {name:?} must be ASCII letters, digits, `.`, `-` or `_`, not starting with `.`"
            ));
        }
        if !names.insert(name) {
            return invalid(format!("feed name {name:?} is used twice"));
        }
        if !(feed.url.starts_with("https://") || feed.url.starts_with("http://")) {
            return invalid(format!(
                "feed {name}: URL {} is not http:// or https://",
                redact_url(&feed.url)
            ));
        }
    }

    if let Some(proxy_url) = &config.proxy_url {
        if !is_http_proxy_url(proxy_url) {
            return invalid(format!(
                "proxy URL {} is not http://[user:password@]host[:port]",
                redact_url(proxy_url)
            ));
        }
    }

    if config.max_bytes_per_feed == 0 {
        return invalid("the size cap per feed is 0 bytes".to_owned());
    }
    Ok(())
}

/// True for `http://[user:password@]host[:port][/]`; other proxy protocols are not built in.
fn is_http_proxy_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.trim_end_matches('/');
    let address = authority
        .rsplit_once('@')
        .map_or(authority, |(_, address)| address);
    let (host, port) = address.split_once(':').unwrap_or((address, "80"));
    let host_ok = !host.is_empty() && !host.contains(['/', '?', '#']);
    host_ok && port.parse::<u16>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Feed;
    use crate::kind::FeedKind;

    fn feed(name: &str, url: &str) -> Feed {
        Feed {
            name: name.to_owned(),
            url: url.to_owned(),
            kind: FeedKind::DebianTrackerJson,
        }
    }

    #[test]
    fn names_that_escape_the_cache_folder_are_refused() {
        for name in ["../evil", ".hidden", "", "a/b", "sp ace"] {
            let config = FeedConfig::with_feeds(vec![feed(name, "https://example.org/x")]);
            let error = validate(&config).unwrap_err();
            assert!(
                matches!(error, FeedError::InvalidConfig { .. }),
                "{name}: {error}"
            );
        }
    }

    #[test]
    fn duplicate_names_and_odd_urls_are_refused() {
        let twice = FeedConfig::with_feeds(vec![
            feed("debian", "https://example.org/a"),
            feed("debian", "https://example.org/b"),
        ]);
        assert!(validate(&twice)
            .unwrap_err()
            .to_string()
            .contains("used twice"));

        let ftp = FeedConfig::with_feeds(vec![feed("debian", "ftp://user:pw@example.org/a")]);
        let message = validate(&ftp).unwrap_err().to_string();
        assert!(message.contains("ftp://example.org/a"), "{message}");
        assert!(
            !message.contains("pw"),
            "credentials are redacted: {message}"
        );
    }

    #[test]
    fn only_plain_http_proxies_are_accepted() {
        assert!(is_http_proxy_url("http://proxy.corp:3128"));
        assert!(is_http_proxy_url("http://user:pw@proxy.corp:3128/"));
        assert!(is_http_proxy_url("http://proxy.corp"));
        for url in [
            "socks5://proxy:1080",
            "http://user:pw@",
            "http://proxy:port",
            "proxy:3128",
        ] {
            assert!(!is_http_proxy_url(url), "{url}");
        }
    }

    #[test]
    fn default_configuration_is_valid() {
        assert!(validate(&FeedConfig::default()).is_ok());
    }
}
