//! Real HTTP: one `ureq` agent per client, shared by its clones and threads
//! (keep-alive), and the mapping of connection failures onto [`Error`].

use crate::endpoint::Endpoint;
use crate::error::{Delivery, Error, ErrorKind};
use crate::wire::SignedRequest;
use std::io;
use std::time::{Duration, SystemTime};
use ureq::Agent;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use zeroize::Zeroizing;

/// Connection settings fixed when the client is built.
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// Time allowed to set up the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time allowed for the answer's headers, and again for its body.
    pub read_timeout: Duration,
    /// Largest response body read; anything larger is an error.
    pub max_response_bytes: u64,
    /// The whole `User-Agent` value.
    pub user_agent: String,
    /// Extra trusted roots (DER); when non-empty they replace the built-in roots.
    pub extra_roots_der: Vec<Vec<u8>>,
}

/// What came back from one attempt, before interpretation.
pub struct HttpReply {
    /// HTTP status code.
    pub status: u16,
    /// The `x-acs-request-id` header.
    pub request_id: Option<String>,
    /// The `Date` header, for clock-skew correction.
    pub date: Option<SystemTime>,
    /// `x-acs-retry-after` (milliseconds) or `Retry-After` (seconds).
    pub retry_after: Option<Duration>,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The body, wiped on drop (it may hold a generated password).
    pub body: Zeroizing<Vec<u8>>,
}

/// The answer's headers this client uses, read once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplyHeaders {
    /// `x-acs-request-id`.
    pub request_id: Option<String>,
    /// `Date`, parsed.
    pub date: Option<SystemTime>,
    /// `x-acs-retry-after` (milliseconds), else `Retry-After` (seconds).
    pub retry_after: Option<Duration>,
    /// `Location`.
    pub location: Option<String>,
    /// `Content-Type`.
    pub content_type: Option<String>,
}

impl ReplyHeaders {
    /// Reads the headers through `get`, which returns a header's text by lower-case name.
    pub fn read<'a>(get: impl Fn(&str) -> Option<&'a str>) -> ReplyHeaders {
        let text = |name: &str| get(name).map(str::to_string);
        let number = |name: &str| get(name).and_then(|v| v.trim().parse::<u64>().ok());
        ReplyHeaders {
            request_id: text("x-acs-request-id"),
            date: get("date").and_then(|d| httpdate::parse_http_date(d).ok()),
            retry_after: number("x-acs-retry-after")
                .map(Duration::from_millis)
                .or_else(|| number("retry-after").map(Duration::from_secs)),
            location: text("location"),
            content_type: text("content-type"),
        }
    }
}

/// Sends signed requests to one endpoint.
#[derive(Debug, Clone)]
pub struct Transport {
    agent: Agent,
    url: String,
    config: TransportConfig,
}

impl Transport {
    /// Builds the agent: redirects off, statuses returned as responses, TLS
    /// verification always on, and no proxy for loopback endpoints.
    pub fn new(endpoint: &Endpoint, config: TransportConfig) -> Transport {
        let mut tls = TlsConfig::builder();
        if !config.extra_roots_der.is_empty() {
            let certs: Vec<Certificate<'static>> = config
                .extra_roots_der
                .iter()
                .map(|der| Certificate::from_der(der).to_owned())
                .collect();
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let mut builder = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .https_only(false)
            .user_agent(config.user_agent.as_str())
            .accept("application/json")
            .timeout_connect(Some(config.connect_timeout))
            .timeout_send_request(Some(config.read_timeout))
            .timeout_send_body(Some(config.read_timeout))
            .timeout_recv_response(Some(config.read_timeout))
            .timeout_recv_body(Some(config.read_timeout))
            .max_idle_connections_per_host(64)
            .tls_config(tls.build());
        if endpoint.is_loopback() {
            builder = builder.proxy(None);
        }
        Transport {
            agent: builder.build().new_agent(),
            url: endpoint.url().to_string(),
            config,
        }
    }

    /// POSTs one signed attempt and reads the answer (body capped).
    pub fn post(&self, request: &SignedRequest) -> Result<HttpReply, Error> {
        let mut builder = self.agent.post(&self.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let mut response = builder
            .send(request.body.as_bytes())
            .map_err(|e| self.map_error(e, Stage::Exchange))?;
        let headers = response.headers();
        let meta = ReplyHeaders::read(|name| headers.get(name).and_then(|v| v.to_str().ok()));
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(self.config.max_response_bytes)
            .read_to_vec()
            .map_err(|e| {
                self.map_error(e, Stage::Body)
                    .with_request_id(meta.request_id.clone())
            })?;
        Ok(HttpReply {
            status,
            request_id: meta.request_id,
            date: meta.date,
            retry_after: meta.retry_after,
            location: meta.location,
            content_type: meta.content_type,
            body: Zeroizing::new(body),
        })
    }

    /// Sorts a `ureq` failure into kind and delivery: could the service have acted?
    fn map_error(&self, error: ureq::Error, stage: Stage) -> Error {
        use ureq::Timeout as T;
        let (kind, delivery, what) = match &error {
            ureq::Error::Timeout(T::Resolve | T::Connect) => (
                ErrorKind::Timeout,
                Delivery::NotProcessed,
                format!(
                    "no connection within the connect timeout ({} ms)",
                    self.config.connect_timeout.as_millis()
                ),
            ),
            ureq::Error::Timeout(T::SendRequest | T::SendBody | T::PerWrite) => (
                ErrorKind::Timeout,
                Delivery::NotProcessed,
                "the request could not be sent in time".to_string(),
            ),
            ureq::Error::Timeout(_) => (
                ErrorKind::Timeout,
                Delivery::MaybeProcessed,
                format!(
                    "no complete answer within the read timeout ({} ms)",
                    self.config.read_timeout.as_millis()
                ),
            ),
            ureq::Error::HostNotFound => (
                ErrorKind::Transport,
                Delivery::NotProcessed,
                "the endpoint's host name could not be resolved".to_string(),
            ),
            ureq::Error::ConnectionFailed => (
                ErrorKind::Transport,
                Delivery::NotProcessed,
                "could not connect to the endpoint".to_string(),
            ),
            ureq::Error::Io(e) => io_failure(e, stage),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => (
                ErrorKind::Transport,
                Delivery::NotProcessed,
                format!("TLS failed: {error}"),
            ),
            ureq::Error::BodyExceedsLimit(limit) => (
                ErrorKind::Decode,
                Delivery::MaybeProcessed,
                format!("the response body is larger than {limit} bytes"),
            ),
            ureq::Error::LargeResponseHeader(_, limit) => (
                ErrorKind::Decode,
                Delivery::MaybeProcessed,
                format!("the response headers are larger than {limit} bytes"),
            ),
            ureq::Error::Protocol(_) => (
                ErrorKind::Decode,
                Delivery::MaybeProcessed,
                format!("the answer is not valid HTTP: {error}"),
            ),
            _ => (
                ErrorKind::Transport,
                Delivery::MaybeProcessed,
                format!("the exchange failed: {error}"),
            ),
        };
        let permanent = matches!(error, ureq::Error::Tls(_) | ureq::Error::Rustls(_))
            || matches!(&error, ureq::Error::Io(e) if is_tls_failure(e));
        let mapped = Error::connection(kind, what, delivery).with_source(error);
        if permanent {
            mapped.permanent()
        } else {
            mapped
        }
    }
}

/// Where a failure happened: before the answer's headers, or while reading its body.
#[derive(Clone, Copy)]
enum Stage {
    Exchange,
    Body,
}

/// rustls reports handshake failures (an untrusted certificate, say) as I/O errors.
fn is_tls_failure(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
}

fn io_failure(e: &io::Error, stage: Stage) -> (ErrorKind, Delivery, String) {
    use io::ErrorKind as K;
    if is_tls_failure(e) {
        return (
            ErrorKind::Transport,
            Delivery::NotProcessed,
            format!("TLS failed: {e}"),
        );
    }
    match (e.kind(), stage) {
        (K::ConnectionRefused, _) => (
            ErrorKind::Transport,
            Delivery::NotProcessed,
            "the endpoint refused the connection".to_string(),
        ),
        (K::BrokenPipe, Stage::Exchange) => (
            ErrorKind::Transport,
            Delivery::NotProcessed,
            "the connection closed before the request was sent".to_string(),
        ),
        (K::TimedOut | K::WouldBlock, _) => (
            ErrorKind::Timeout,
            Delivery::MaybeProcessed,
            "the connection timed out".to_string(),
        ),
        (_, Stage::Body) => (
            ErrorKind::Transport,
            Delivery::MaybeProcessed,
            format!("the connection broke while reading the answer ({e})"),
        ),
        _ => (
            ErrorKind::Transport,
            Delivery::MaybeProcessed,
            format!("the connection broke after the request was sent ({e})"),
        ),
    }
}
