//! Real HTTP/1.1 over TCP or TLS, built for this one call: a pool of
//! keep-alive connections shared by a client's clones and threads, the
//! request written with one `write`, and every failure sorted by whether the
//! service could have acted on the request.
//!
//! Modules: `stream` (a socket and its timeouts), `connect` (TCP, proxy
//! tunnel, TLS), `pool` (idle connections), `http1` (request bytes, answer
//! framing), `proxy` (the proxy from the environment).

mod connect;
pub(crate) mod http1;
mod pool;
mod proxy;
mod stream;

use crate::endpoint::Endpoint;
use crate::error::{Delivery, Error, ErrorKind};
use crate::wire::SignedRequest;
use connect::Connector;
use http1::{ReadFailure, Reader};
use pool::Pool;
use std::io;
use std::time::{Duration, Instant, SystemTime};
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
    /// The headers this client reads.
    pub headers: ReplyHeaders,
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
#[derive(Debug)]
pub struct Transport {
    connector: Connector,
    pool: Pool,
    config: TransportConfig,
}

/// Where a read failed: before the answer's headers were complete, or in its body.
#[derive(Clone, Copy)]
enum Stage {
    Head,
    Body,
}

impl Transport {
    /// Prepares TLS and the proxy; no connection is opened until the first call.
    pub fn new(endpoint: &Endpoint, config: TransportConfig) -> Result<Transport, Error> {
        let connector = Connector::new(
            endpoint,
            &config.extra_roots_der,
            config.connect_timeout,
            config.read_timeout,
        )?;
        Ok(Transport {
            connector,
            pool: Pool::default(),
            config,
        })
    }

    /// POSTs one signed attempt and reads the answer (body capped).
    pub fn post(&self, request: &SignedRequest) -> Result<HttpReply, Error> {
        let bytes = http1::encode_request(
            &request.headers,
            &self.config.user_agent,
            request.body.as_bytes(),
        );
        let mut connection = self.send(&bytes)?;
        let timeout = self.config.read_timeout;
        let reused = connection.reused;
        let mut reader = Reader::new(&mut connection, Instant::now() + timeout);
        let head = reader
            .read_head()
            .map_err(|f| self.read_failed(f, Stage::Head, reused))?;
        reader.set_deadline(Instant::now() + timeout);
        let (body, reusable) = reader
            .read_body(&head, self.config.max_response_bytes)
            .map_err(|f| {
                self.read_failed(f, Stage::Body, reused)
                    .with_request_id(head.headers.request_id.clone())
            })?;
        if reusable {
            connection.reused = true;
            self.pool.put(connection);
        }
        Ok(HttpReply {
            status: head.status,
            headers: head.headers,
            body,
        })
    }

    /// Sends the request on an idle connection, or a new one. A pooled
    /// connection that fails the write was closed by the server while idle:
    /// the request did not get through, so it goes once more on a new one.
    fn send(&self, bytes: &[u8]) -> Result<stream::Connection, Error> {
        if let Some(mut connection) = self.pool.take() {
            let sent = connection
                .restore_read_timeout(self.config.read_timeout)
                .and_then(|()| connection.send(bytes));
            if sent.is_ok() {
                return Ok(connection);
            }
        }
        let mut connection = self.connector.open()?;
        connection.send(bytes).map_err(send_failed)?;
        Ok(connection)
    }

    /// Sorts a failure after the request was sent: the service may have acted on it.
    fn read_failed(&self, failure: ReadFailure, stage: Stage, reused: bool) -> Error {
        let maybe = |kind: ErrorKind, message: String| {
            Error::connection(kind, message, Delivery::MaybeProcessed)
        };
        match failure {
            ReadFailure::Io(e) if is_timeout(&e) => maybe(
                ErrorKind::Timeout,
                format!(
                    "no complete answer within the read timeout ({} ms)",
                    self.config.read_timeout.as_millis()
                ),
            ),
            ReadFailure::Io(e) if is_tls_failure(&e) => {
                maybe(ErrorKind::Transport, format!("TLS failed: {e}"))
                    .with_source(e)
                    .permanent()
            }
            ReadFailure::Io(e) => {
                let when = match stage {
                    Stage::Head => "after the request was sent",
                    Stage::Body => "while reading the answer",
                };
                maybe(
                    ErrorKind::Transport,
                    format!("the connection broke {when} ({e})"),
                )
                .with_source(e)
            }
            ReadFailure::Closed { any: false } => maybe(
                ErrorKind::Transport,
                if reused {
                    "the server closed a kept-alive connection without answering".to_string()
                } else {
                    "the server closed the connection without answering".to_string()
                },
            ),
            ReadFailure::Closed { any: true } => maybe(
                ErrorKind::Transport,
                "the connection closed before the whole answer arrived".to_string(),
            ),
            ReadFailure::Malformed(what) => maybe(
                ErrorKind::Decode,
                format!("the answer is not valid HTTP: {what}"),
            ),
            ReadFailure::TooLarge(what) => maybe(ErrorKind::Decode, what),
        }
    }
}

/// A write that failed left the request incomplete: the service cannot have acted on it.
fn send_failed(e: io::Error) -> Error {
    let (kind, message) = if is_timeout(&e) {
        (
            ErrorKind::Timeout,
            "the request could not be sent in time".to_string(),
        )
    } else {
        (
            ErrorKind::Transport,
            format!("the connection closed before the request was sent ({e})"),
        )
    };
    let permanent = is_tls_failure(&e);
    let error = Error::connection(kind, message, Delivery::NotProcessed).with_source(e);
    if permanent { error.permanent() } else { error }
}

/// A socket timeout: `WouldBlock` on Unix, `TimedOut` on Windows.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// rustls reports handshake and record failures (an untrusted certificate, say) as I/O errors.
fn is_tls_failure(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
}
