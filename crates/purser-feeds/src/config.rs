//! Which feeds to fetch, from where, and the limits that apply to every download.

use std::time::Duration;

use crate::kind::FeedKind;

/// Where the OSV project publishes one `all.zip` per ecosystem.
pub const DEFAULT_OSV_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The OSV ecosystems fetched by default, spelled as OSV spells them.
pub const DEFAULT_OSV_ECOSYSTEMS: &[&str] = &[
    "Debian",
    "Alpine",
    "PyPI",
    "npm",
    "Go",
    "crates.io",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
    "AlmaLinux",
    "Rocky Linux",
];

/// The Debian security tracker's JSON export.
pub const DEFAULT_DEBIAN_TRACKER_URL: &str =
    "https://security-tracker.debian.org/tracker/data/json";

/// Where Alpine publishes its secdb files, one folder per release.
pub const DEFAULT_ALPINE_SECDB_BASE_URL: &str = "https://secdb.alpinelinux.org";

/// The Alpine releases whose `main` secdb is fetched by default.
///
/// Limitation: this list is fixed when Purser is built, so releases newer than it are not
/// fetched until the user adds them to [`FeedSources::alpine_releases`]; images of such a
/// release are then matched against the OSV Alpine data alone.
pub const DEFAULT_ALPINE_RELEASES: &[&str] = &["v3.19", "v3.20", "v3.21", "v3.22", "v3.23"];

/// The default cap on one feed's download: 2 GiB.
pub const DEFAULT_MAX_BYTES_PER_FEED: u64 = 2 * 1024 * 1024 * 1024;

/// The default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default time one read may wait for data before the download is abandoned.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// One feed: a name, the URL of its single file, and how that file is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// A short unique name, also the cached file's stem: ASCII letters, digits, `.`, `-` and `_`,
    /// not starting with `.`.
    pub name: String,
    /// The `http://` or `https://` URL of the file.
    pub url: String,
    /// How the file is read, which also decides how a download is checked.
    pub kind: FeedKind,
}

/// The base URLs and lists the default feeds are built from; tests point them at loopback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSources {
    /// The OSV bucket; `<base>/<Ecosystem>/all.zip` is fetched for each ecosystem.
    pub osv_base_url: String,
    /// The OSV ecosystems to fetch.
    pub osv_ecosystems: Vec<String>,
    /// The Debian tracker JSON URL, or `None` to skip that feed.
    pub debian_tracker_url: Option<String>,
    /// The Alpine secdb host; `<base>/<release>/main.json` is fetched for each release.
    pub alpine_secdb_base_url: String,
    /// The Alpine releases, as `v3.20`.
    pub alpine_releases: Vec<String>,
}

impl Default for FeedSources {
    fn default() -> Self {
        Self {
            osv_base_url: DEFAULT_OSV_BASE_URL.to_owned(),
            osv_ecosystems: DEFAULT_OSV_ECOSYSTEMS
                .iter()
                .map(|&name| name.to_owned())
                .collect(),
            debian_tracker_url: Some(DEFAULT_DEBIAN_TRACKER_URL.to_owned()),
            alpine_secdb_base_url: DEFAULT_ALPINE_SECDB_BASE_URL.to_owned(),
            alpine_releases: DEFAULT_ALPINE_RELEASES
                .iter()
                .map(|&name| name.to_owned())
                .collect(),
        }
    }
}

impl FeedSources {
    /// The feeds these sources describe: OSV ecosystems first, then Debian, then Alpine.
    pub fn feeds(&self) -> Vec<Feed> {
        let osv_base = self.osv_base_url.trim_end_matches('/');
        let mut feeds: Vec<Feed> = self
            .osv_ecosystems
            .iter()
            .map(|ecosystem| Feed {
                name: format!("osv-{}", name_slug(ecosystem)),
                url: format!("{osv_base}/{}/all.zip", encode_path_segment(ecosystem)),
                kind: FeedKind::OsvZip {
                    ecosystem: ecosystem.clone(),
                },
            })
            .collect();

        if let Some(url) = &self.debian_tracker_url {
            feeds.push(Feed {
                name: "debian-tracker".to_owned(),
                url: url.clone(),
                kind: FeedKind::DebianTrackerJson,
            });
        }

        let alpine_base = self.alpine_secdb_base_url.trim_end_matches('/');
        for release in &self.alpine_releases {
            feeds.push(Feed {
                name: format!("alpine-{}-main", name_slug(release)),
                url: format!("{alpine_base}/{}/main.json", encode_path_segment(release)),
                kind: FeedKind::AlpineSecdbJson {
                    release: release.clone(),
                    repository: "main".to_owned(),
                },
            });
        }

        feeds
    }
}

/// Everything [`crate::sync`] needs to know besides the cache folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedConfig {
    /// The feeds, fetched in this order.
    pub feeds: Vec<Feed>,
    /// When true, nothing touches the network: cached files are reported as they are, and the
    /// sync fails up front if any feed has none.
    pub offline: bool,
    /// A download larger than this many bytes is abandoned and the feed fails.
    pub max_bytes_per_feed: u64,
    /// How long opening a connection may take.
    pub connect_timeout: Duration,
    /// How long one read may wait for data; a stalled download fails after this.
    pub read_timeout: Duration,
    /// An HTTP proxy for every request, as `http://[user:password@]host[:port]`, or `None` to
    /// connect directly; SOCKS proxies are not supported. Variables such as `HTTPS_PROXY` are
    /// not read here: the caller decides, because the client would apply them without honouring
    /// `NO_PROXY`.
    ///
    /// Limitation: through a proxy, the HTTP client drops a feed URL's query string, so a feed
    /// whose URL needs one (a signed URL, say) fails with the server's answer to the bare path.
    pub proxy_url: Option<String>,
}

impl Default for FeedConfig {
    /// The default feeds from [`FeedSources::default`], online, with the default limits.
    fn default() -> Self {
        Self::from_sources(&FeedSources::default())
    }
}

impl FeedConfig {
    /// The feeds of `sources`, online, with the default limits.
    pub fn from_sources(sources: &FeedSources) -> Self {
        Self::with_feeds(sources.feeds())
    }

    /// These feeds, online, with the default limits.
    pub fn with_feeds(feeds: Vec<Feed>) -> Self {
        Self {
            feeds,
            offline: false,
            max_bytes_per_feed: DEFAULT_MAX_BYTES_PER_FEED,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            proxy_url: None,
        }
    }
}

/// Lowercase, with every character outside `[a-z0-9._-]` turned into `-`: `Rocky Linux` gives
/// `rocky-linux`.
fn name_slug(text: &str) -> String {
    text.chars()
        .map(|character| match character.to_ascii_lowercase() {
            kept @ ('a'..='z' | '0'..='9' | '.' | '_' | '-') => kept,
            _ => '-',
        })
        .collect()
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so `Rocky Linux` becomes
/// `Rocky%20Linux`.
fn encode_path_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_feeds_use_the_public_urls() {
        let feeds = FeedConfig::default().feeds;

        let rocky = feeds
            .iter()
            .find(|feed| feed.name == "osv-rocky-linux")
            .unwrap();
        assert_eq!(
            rocky.url,
            "https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip"
        );
        let crates = feeds
            .iter()
            .find(|feed| feed.name == "osv-crates.io")
            .unwrap();
        assert_eq!(
            crates.url,
            "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip"
        );
        let debian = feeds
            .iter()
            .find(|feed| feed.name == "debian-tracker")
            .unwrap();
        assert_eq!(debian.url, DEFAULT_DEBIAN_TRACKER_URL);
        let alpine = feeds
            .iter()
            .find(|feed| feed.name == "alpine-v3.20-main")
            .unwrap();
        assert_eq!(alpine.url, "https://secdb.alpinelinux.org/v3.20/main.json");
        assert_eq!(
            feeds.len(),
            DEFAULT_OSV_ECOSYSTEMS.len() + 1 + DEFAULT_ALPINE_RELEASES.len()
        );
    }

    #[test]
    fn base_urls_can_point_at_loopback() {
        let sources = FeedSources {
            osv_base_url: "http://127.0.0.1:9/osv/".to_owned(),
            osv_ecosystems: vec!["PyPI".to_owned()],
            debian_tracker_url: None,
            alpine_secdb_base_url: "http://127.0.0.1:9".to_owned(),
            alpine_releases: vec!["v3.11".to_owned()],
        };

        let urls: Vec<String> = sources.feeds().into_iter().map(|feed| feed.url).collect();

        assert_eq!(
            urls,
            [
                "http://127.0.0.1:9/osv/PyPI/all.zip",
                "http://127.0.0.1:9/v3.11/main.json"
            ]
        );
    }

    #[test]
    fn default_feed_names_are_distinct() {
        let feeds = FeedConfig::default().feeds;
        let mut names: Vec<&str> = feeds.iter().map(|feed| feed.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), feeds.len());
    }
}
