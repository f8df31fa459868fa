//! `sync` against a real HTTP server on loopback serving real advisory files.

mod support;

use std::path::Path;
use std::time::Duration;

use purser_feeds::{
    sync, sync_with_progress, Feed, FeedConfig, FeedError, FeedKind, FeedOutcome, SyncSummary,
    STATE_FILE_NAME,
};
use support::data::{alpine_secdb, osv_zip};
use support::server::{Behaviour, Route, TestServer};

const OSV_PATH: &str = "/Kubernetes/all.zip";
const ALPINE_PATH: &str = "/v3.11/main.json";

fn osv_feed(server: &TestServer) -> Feed {
    Feed {
        name: "osv-kubernetes".to_owned(),
        url: server.url(OSV_PATH),
        kind: FeedKind::OsvZip {
            ecosystem: "Kubernetes".to_owned(),
        },
    }
}

fn alpine_feed(server: &TestServer) -> Feed {
    Feed {
        name: "alpine-v3.11-main".to_owned(),
        url: server.url(ALPINE_PATH),
        kind: FeedKind::AlpineSecdbJson {
            release: "v3.11".to_owned(),
            repository: "main".to_owned(),
        },
    }
}

/// A configuration for these feeds with timeouts short enough for tests.
fn config(feeds: Vec<Feed>) -> FeedConfig {
    FeedConfig {
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_millis(300),
        ..FeedConfig::with_feeds(feeds)
    }
}

fn only_outcome(summary: &SyncSummary) -> &FeedOutcome {
    assert_eq!(summary.feeds.len(), 1);
    &summary.feeds[0].outcome
}

fn failure(summary: &SyncSummary) -> &FeedError {
    match only_outcome(summary) {
        FeedOutcome::Failed(error) => error,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// The names in the cache folder, sorted: proves no partial file was left behind.
fn cache_listing(cache: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cache)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Downloads the OSV zip once and returns the server, cache and configuration.
fn synced_once(zip: Vec<u8>) -> (TestServer, tempfile::TempDir, FeedConfig) {
    let server = TestServer::start();
    server.serve(OSV_PATH, Route::with_etag(zip, "\"v1\""));
    let cache = tempfile::tempdir().unwrap();
    let config = config(vec![osv_feed(&server)]);
    let summary = sync(&config, cache.path()).unwrap();
    assert!(matches!(only_outcome(&summary), FeedOutcome::Downloaded));
    (server, cache, config)
}

#[test]
fn first_sync_downloads_the_file_and_reports_progress() {
    let zip = osv_zip(17);
    let server = TestServer::start();
    server.serve(OSV_PATH, Route::with_etag(zip.clone(), "\"v1\""));
    let cache = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    let mut progress = |feed: &str, done: u64, total: Option<u64>| {
        reports.push((feed.to_owned(), done, total));
    };

    let summary = sync_with_progress(
        &config(vec![osv_feed(&server)]),
        cache.path(),
        &mut progress,
    )
    .unwrap();

    let report = &summary.feeds[0];
    assert!(matches!(report.outcome, FeedOutcome::Downloaded));
    assert_eq!(report.path, cache.path().join("osv-kubernetes.zip"));
    assert_eq!(std::fs::read(&report.path).unwrap(), zip);
    assert_eq!(report.bytes_downloaded, zip.len() as u64);
    let size = zip.len() as u64;
    assert_eq!(
        reports.last(),
        Some(&("osv-kubernetes".to_owned(), size, Some(size)))
    );
    assert_eq!(server.requests()[0].if_none_match, None);
    assert_eq!(
        cache_listing(cache.path()),
        [STATE_FILE_NAME, "osv-kubernetes.zip"]
    );
}

#[test]
fn second_sync_gets_not_modified_and_leaves_the_file_alone() {
    let (server, cache, config) = synced_once(osv_zip(17));
    let path = cache.path().join("osv-kubernetes.zip");
    let before = std::fs::metadata(&path).unwrap();

    let summary = sync(&config, cache.path()).unwrap();

    assert!(matches!(only_outcome(&summary), FeedOutcome::NotModified));
    assert_eq!(summary.feeds[0].bytes_downloaded, 0);
    assert_eq!(
        server.requests()[1].if_none_match.as_deref(),
        Some("\"v1\"")
    );
    let after = std::fs::metadata(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(
            after.ino(),
            before.ino(),
            "a rewrite renames a new inode in"
        );
    }
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
}

#[test]
fn changed_file_on_the_server_downloads_again() {
    let (server, cache, config) = synced_once(osv_zip(8));
    let newer = osv_zip(17);
    server.serve(OSV_PATH, Route::with_etag(newer.clone(), "\"v2\""));

    let summary = sync(&config, cache.path()).unwrap();

    assert!(matches!(only_outcome(&summary), FeedOutcome::Downloaded));
    assert_eq!(
        server.requests()[1].if_none_match.as_deref(),
        Some("\"v1\"")
    );
    assert_eq!(
        std::fs::read(cache.path().join("osv-kubernetes.zip")).unwrap(),
        newer
    );

    let third = sync(&config, cache.path()).unwrap();
    assert!(matches!(only_outcome(&third), FeedOutcome::NotModified));
    assert_eq!(
        server.requests()[2].if_none_match.as_deref(),
        Some("\"v2\"")
    );
}

#[test]
fn last_modified_alone_is_sent_back_as_if_modified_since() {
    let server = TestServer::start();
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    server.serve(
        ALPINE_PATH,
        Route {
            body: alpine_secdb("311-main.json"),
            etag: None,
            last_modified: Some(date.to_owned()),
            behaviour: Behaviour::Whole,
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let config = config(vec![alpine_feed(&server)]);

    let first = sync(&config, cache.path()).unwrap();
    let second = sync(&config, cache.path()).unwrap();

    assert!(matches!(only_outcome(&first), FeedOutcome::Downloaded));
    assert!(matches!(only_outcome(&second), FeedOutcome::NotModified));
    assert_eq!(
        server.requests()[1].if_modified_since.as_deref(),
        Some(date)
    );
}

#[test]
fn truncated_body_fails_and_keeps_the_previous_file_and_state() {
    let old = osv_zip(8);
    let (server, cache, config) = synced_once(old.clone());
    let state_before = std::fs::read(cache.path().join(STATE_FILE_NAME)).unwrap();
    let newer = osv_zip(17);
    let half = newer.len() / 2;
    server.serve(
        OSV_PATH,
        Route {
            behaviour: Behaviour::CutShort { sent: half },
            ..Route::with_etag(newer, "\"v2\"")
        },
    );

    let summary = sync(&config, cache.path()).unwrap();

    let error = failure(&summary);
    assert!(
        matches!(
            error,
            FeedError::BodyRead { .. } | FeedError::Truncated { .. }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("osv-kubernetes"), "{error}");
    assert_eq!(
        std::fs::read(cache.path().join("osv-kubernetes.zip")).unwrap(),
        old
    );
    assert_eq!(
        std::fs::read(cache.path().join(STATE_FILE_NAME)).unwrap(),
        state_before
    );
    assert_eq!(
        cache_listing(cache.path()),
        [STATE_FILE_NAME, "osv-kubernetes.zip"]
    );

    // The next sync still offers the old validators, so it is not confused by the failure.
    let _ = sync(&config, cache.path()).unwrap();
    assert_eq!(
        server.requests()[2].if_none_match.as_deref(),
        Some("\"v1\"")
    );
}

#[test]
fn cut_off_body_without_content_length_is_caught_by_the_zip_check() {
    let old = osv_zip(8);
    let (server, cache, config) = synced_once(old.clone());
    let mut newer = osv_zip(17);
    newer.truncate(newer.len() - 40);
    server.serve(
        OSV_PATH,
        Route {
            behaviour: Behaviour::NoContentLength,
            ..Route::with_etag(newer, "\"v2\"")
        },
    );

    let summary = sync(&config, cache.path()).unwrap();

    let error = failure(&summary);
    assert!(matches!(error, FeedError::Corrupt { .. }), "{error}");
    assert_eq!(
        std::fs::read(cache.path().join("osv-kubernetes.zip")).unwrap(),
        old
    );
    assert_eq!(
        cache_listing(cache.path()),
        [STATE_FILE_NAME, "osv-kubernetes.zip"]
    );
}

#[test]
fn server_error_fails_and_keeps_the_previous_file() {
    let old = osv_zip(8);
    let (server, cache, config) = synced_once(old.clone());
    server.set_behaviour(OSV_PATH, Behaviour::ServerError);

    let summary = sync(&config, cache.path()).unwrap();

    let error = failure(&summary);
    assert!(
        matches!(error, FeedError::HttpStatus { status: 500, .. }),
        "{error}"
    );
    assert_eq!(
        std::fs::read(cache.path().join("osv-kubernetes.zip")).unwrap(),
        old
    );
}

#[test]
fn one_failing_feed_does_not_stop_the_others() {
    let server = TestServer::start();
    server.serve(
        OSV_PATH,
        Route {
            behaviour: Behaviour::ServerError,
            ..Route::with_etag(osv_zip(8), "\"v1\"")
        },
    );
    server.serve(
        ALPINE_PATH,
        Route::with_etag(alpine_secdb("311-main.json"), "\"a1\""),
    );
    let cache = tempfile::tempdir().unwrap();

    let summary = sync(
        &config(vec![osv_feed(&server), alpine_feed(&server)]),
        cache.path(),
    )
    .unwrap();

    assert!(!summary.all_succeeded());
    assert_eq!(summary.failures().count(), 1);
    assert!(matches!(summary.feeds[0].outcome, FeedOutcome::Failed(_)));
    assert!(matches!(summary.feeds[1].outcome, FeedOutcome::Downloaded));
    assert!(!cache.path().join("osv-kubernetes.zip").exists());
    assert!(cache.path().join("alpine-v3.11-main.json").exists());
}

#[test]
fn offline_with_cached_files_touches_no_network() {
    let (server, cache, mut config) = synced_once(osv_zip(8));
    let connections = server.connections();
    config.offline = true;

    let summary = sync(&config, cache.path()).unwrap();

    assert!(matches!(only_outcome(&summary), FeedOutcome::UsedCached));
    assert_eq!(server.connections(), connections);
}

#[test]
fn offline_without_cached_files_fails_before_any_connection() {
    let server = TestServer::start();
    server.serve(OSV_PATH, Route::with_etag(osv_zip(8), "\"v1\""));
    let cache = tempfile::tempdir().unwrap();
    let mut config = config(vec![osv_feed(&server)]);
    config.offline = true;

    let error = sync(&config, cache.path()).unwrap_err();

    assert!(
        matches!(&error, FeedError::OfflineMissing { missing } if missing == &["osv-kubernetes"]),
        "{error}"
    );
    assert_eq!(server.connections(), 0);
    assert!(cache_listing(cache.path()).is_empty());
}

#[test]
fn size_cap_refuses_a_declared_length_over_it() {
    let zip = osv_zip(17);
    let server = TestServer::start();
    server.serve(OSV_PATH, Route::with_etag(zip.clone(), "\"v1\""));
    let cache = tempfile::tempdir().unwrap();
    let mut config = config(vec![osv_feed(&server)]);
    config.max_bytes_per_feed = zip.len() as u64 - 1;

    let summary = sync(&config, cache.path()).unwrap();

    let error = failure(&summary);
    assert!(
        matches!(
            error,
            FeedError::TooLarge {
                declared: Some(_),
                ..
            }
        ),
        "{error}"
    );
    assert!(cache_listing(cache.path()).is_empty());
}

#[test]
fn size_cap_stops_a_body_of_unknown_length() {
    let zip = osv_zip(17);
    let server = TestServer::start();
    server.serve(
        OSV_PATH,
        Route {
            behaviour: Behaviour::NoContentLength,
            ..Route::with_etag(zip.clone(), "\"v1\"")
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let mut config = config(vec![osv_feed(&server)]);
    config.max_bytes_per_feed = 1024;

    let summary = sync(&config, cache.path()).unwrap();

    let error = failure(&summary);
    assert!(
        matches!(
            error,
            FeedError::TooLarge {
                declared: None,
                limit: 1024,
                ..
            }
        ),
        "{error}"
    );
    assert!(cache_listing(cache.path()).is_empty());

    config.max_bytes_per_feed = zip.len() as u64;
    let summary = sync(&config, cache.path()).unwrap();
    assert!(
        matches!(only_outcome(&summary), FeedOutcome::Downloaded),
        "exactly the cap is allowed"
    );
}

#[test]
fn stalled_download_times_out_and_keeps_the_previous_file() {
    let old = osv_zip(8);
    let (server, cache, config) = synced_once(old.clone());
    server.serve(
        OSV_PATH,
        Route {
            behaviour: Behaviour::Stall(Duration::from_millis(1500)),
            ..Route::with_etag(osv_zip(17), "\"v2\"")
        },
    );

    let started = std::time::Instant::now();
    let summary = sync(&config, cache.path()).unwrap();

    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "the read timeout ends the wait"
    );
    let error = failure(&summary);
    assert!(matches!(error, FeedError::BodyRead { .. }), "{error}");
    assert_eq!(
        std::fs::read(cache.path().join("osv-kubernetes.zip")).unwrap(),
        old
    );
}

#[test]
fn replaced_cached_file_is_downloaded_in_full() {
    let (server, cache, config) = synced_once(osv_zip(8));
    std::fs::write(cache.path().join("osv-kubernetes.zip"), b"edited by hand").unwrap();

    let summary = sync(&config, cache.path()).unwrap();

    assert!(matches!(only_outcome(&summary), FeedOutcome::Downloaded));
    assert_eq!(
        server.requests()[1].if_none_match,
        None,
        "validators of another file are not sent"
    );
}

#[test]
fn unreachable_server_is_a_transport_failure() {
    // Bind and drop a listener so the port is very likely closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let feed = Feed {
        name: "osv-kubernetes".to_owned(),
        url: format!("http://user:secret@127.0.0.1:{port}/all.zip?token=abc"),
        kind: FeedKind::OsvZip {
            ecosystem: "Kubernetes".to_owned(),
        },
    };
    let cache = tempfile::tempdir().unwrap();

    let summary = sync(&config(vec![feed]), cache.path()).unwrap();

    let message = failure(&summary).to_string();
    assert!(
        matches!(failure(&summary), FeedError::Transport { .. }),
        "{message}"
    );
    assert!(
        !message.contains("secret") && !message.contains("abc"),
        "redacted: {message}"
    );
}

#[test]
fn proxy_receives_every_request() {
    let proxy = TestServer::start();
    let zip = osv_zip(8);
    proxy.serve(OSV_PATH, Route::with_etag(zip.clone(), "\"v1\""));
    let feed = Feed {
        url: format!("http://feeds.invalid{OSV_PATH}"),
        ..osv_feed(&proxy)
    };
    let mut config = config(vec![feed]);
    config.proxy_url = Some(proxy.url(""));
    let cache = tempfile::tempdir().unwrap();

    let summary = sync(&config, cache.path()).unwrap();

    assert!(matches!(only_outcome(&summary), FeedOutcome::Downloaded));
    assert_eq!(
        std::fs::read(cache.path().join("osv-kubernetes.zip")).unwrap(),
        zip
    );
    assert!(proxy.requests()[0].through_proxy);
}

#[test]
fn unusable_proxy_url_fails_before_anything_is_written() {
    let server = TestServer::start();
    let mut config = config(vec![osv_feed(&server)]);
    config.proxy_url = Some("socks5://user:secret@proxy.corp:1080".to_owned());
    let cache = tempfile::tempdir().unwrap();
    let missing_cache = cache.path().join("feeds");

    let error = sync(&config, &missing_cache).unwrap_err();

    assert!(matches!(error, FeedError::InvalidConfig { .. }), "{error}");
    assert!(!error.to_string().contains("secret"), "redacted: {error}");
    assert!(!missing_cache.exists());
    assert_eq!(server.connections(), 0);
}
