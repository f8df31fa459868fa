//! Conditional GET requests for feed files.

use std::error::Error as _;
use std::io::Read;

use crate::config::{Feed, FeedConfig};
use crate::error::FeedError;
use crate::redact::redact_url;
use crate::state::FeedState;

/// Redirects followed before a request fails; the OSV bucket and secdb answer directly.
const MAX_REDIRECTS: u32 = 5;

/// The validators of a cached copy, sent so the server can answer 304 Not Modified.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Validators<'a> {
    /// Sent as If-None-Match.
    pub etag: Option<&'a str>,
    /// Sent as If-Modified-Since.
    pub last_modified: Option<&'a str>,
}

impl<'a> Validators<'a> {
    /// The validators recorded for a cached file.
    pub(crate) fn of(state: &'a FeedState) -> Self {
        Self {
            etag: state.etag.as_deref(),
            last_modified: state.last_modified.as_deref(),
        }
    }
}

/// What the server answered.
pub(crate) enum Answer {
    /// 304: the cached copy is current.
    NotModified,
    /// 200 with a body still to be read.
    Body(Body),
}

/// A 200 response whose body has not been read yet.
pub(crate) struct Body {
    /// The body.
    pub reader: Box<dyn Read + Send + Sync>,
    /// The declared Content-Length.
    pub content_length: Option<u64>,
    /// The ETag to record.
    pub etag: Option<String>,
    /// The Last-Modified to record.
    pub last_modified: Option<String>,
}

/// Sends the requests of one sync over one connection pool.
pub(crate) struct Fetcher {
    agent: ureq::Agent,
}

impl Fetcher {
    /// A fetcher with the configuration's timeouts and proxy. Creating it opens no connection.
    ///
    /// # Errors
    ///
    /// [`FeedError::InvalidConfig`] when the proxy URL cannot be parsed.
    pub(crate) fn new(config: &FeedConfig) -> Result<Self, FeedError> {
        let mut builder = ureq::AgentBuilder::new()
            .timeout_connect(config.connect_timeout)
            .timeout_read(config.read_timeout)
            .timeout_write(config.read_timeout)
            .redirects(MAX_REDIRECTS)
            .user_agent(concat!("purser/", env!("CARGO_PKG_VERSION")));

        if let Some(proxy_url) = &config.proxy_url {
            let proxy = ureq::Proxy::new(proxy_url).map_err(|error| FeedError::InvalidConfig {
                detail: format!(
                    "proxy URL {} is not usable: {}",
                    redact_url(proxy_url),
                    describe_error(&error)
                ),
            })?;
            tracing::debug!(proxy = %redact_url(proxy_url), "feeds are fetched through a proxy");
            builder = builder.proxy(proxy);
        }

        Ok(Self {
            agent: builder.build(),
        })
    }

    /// Asks for the feed's file, offering `validators` when a cached copy exists.
    ///
    /// # Errors
    ///
    /// [`FeedError::Transport`] when no response arrives, [`FeedError::HttpStatus`] for a status
    /// other than 200 or 304, and [`FeedError::UnexpectedNotModified`] for a 304 to a request
    /// without validators.
    pub(crate) fn get(
        &self,
        feed: &Feed,
        validators: Option<Validators<'_>>,
    ) -> Result<Answer, FeedError> {
        let url = redact_url(&feed.url);
        let mut request = self.agent.get(&feed.url);
        if let Some(validators) = validators {
            if let Some(etag) = validators.etag {
                request = request.set("If-None-Match", etag);
            }
            if let Some(last_modified) = validators.last_modified {
                request = request.set("If-Modified-Since", last_modified);
            }
        }
        tracing::debug!(
            feed = %feed.name,
            %url,
            if_none_match = validators.and_then(|v| v.etag),
            if_modified_since = validators.and_then(|v| v.last_modified),
            "requesting feed"
        );

        let response = match request.call() {
            Ok(response) => response,
            Err(ureq::Error::Status(status, _)) => {
                return Err(FeedError::HttpStatus {
                    feed: feed.name.clone(),
                    url,
                    status,
                })
            }
            Err(ureq::Error::Transport(transport)) => {
                return Err(FeedError::Transport {
                    feed: feed.name.clone(),
                    url,
                    detail: describe_transport(&transport),
                })
            }
        };

        let header = |name| response.header(name).map(str::to_owned);
        let content_length = header("Content-Length").and_then(|value| value.trim().parse().ok());
        tracing::debug!(
            feed = %feed.name,
            status = response.status(),
            etag = response.header("ETag"),
            last_modified = response.header("Last-Modified"),
            content_length,
            "feed response headers"
        );

        match response.status() {
            304 if validators.is_some() => Ok(Answer::NotModified),
            304 => Err(FeedError::UnexpectedNotModified {
                feed: feed.name.clone(),
                url,
            }),
            200 => Ok(Answer::Body(Body {
                etag: header("ETag"),
                last_modified: header("Last-Modified"),
                content_length,
                reader: response.into_reader(),
            })),
            status => Err(FeedError::HttpStatus {
                feed: feed.name.clone(),
                url,
                status,
            }),
        }
    }
}

/// A client error without its URL, which may carry a credential.
fn describe_error(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Transport(transport) => describe_transport(transport),
        ureq::Error::Status(status, _) => format!("HTTP {status}"),
    }
}

/// The transport error without its URL, which may carry a credential: kind, message, cause.
fn describe_transport(transport: &ureq::Transport) -> String {
    let mut text = transport.kind().to_string();
    if let Some(message) = transport.message() {
        text.push_str(": ");
        text.push_str(message);
    }
    if let Some(source) = transport.source() {
        text.push_str(": ");
        text.push_str(&source.to_string());
    }
    text
}
