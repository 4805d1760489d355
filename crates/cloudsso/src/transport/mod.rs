//! HTTP over ureq 3 (blocking): one small POST per attempt, and every
//! failure sorted by whether the service could have acted on the request.
//!
//! ureq writes the request, frames the answer, pools connections, speaks TLS
//! (rustls, with the Mozilla roots or the caller's) and follows the proxy
//! variables; `tuned` only changes how bytes meet the socket, through ureq's
//! own extension points. What stays ours: the mapping of ureq's errors onto
//! [`Error`] and the delivery rule, the five answer headers we read, and the
//! wiped answer buffer.

mod tuned;

use crate::endpoint::Endpoint;
use crate::error::{Delivery, Error, ErrorKind};
use crate::wire::SignedRequest;
use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};
use tuned::{CachingResolver, Progress, SealConnector, Shared, TcpConnector};
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, RustlsConnector};
use ureq::{Agent, Proxy};
use zeroize::Zeroizing;

/// Connection settings fixed when the client is built.
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// Time allowed to set up the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time allowed for the answer's headers, and again for its body.
    pub read_timeout: Duration,
    /// Time allowed for a whole call (named in the error when it runs out).
    pub call_timeout: Duration,
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
    /// Reads the headers from ureq's header map: the first value of each
    /// name, as UTF-8 (not only visible ASCII, so that a request id echoing
    /// non-ASCII text still reaches the scrubber); other bytes count as absent.
    pub fn from_map(map: &ureq::http::HeaderMap) -> ReplyHeaders {
        ReplyHeaders::read(|name| {
            map.get(name)
                .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        })
    }

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

/// Agents per client. Each has its own pool, so threads sharing a client do
/// not queue on one pool lock: one agent for 4 threads scaled about 1.2x,
/// a few sharded agents about 2.2x.
const AGENTS: usize = 4;

/// Sends signed requests to one endpoint.
pub struct Transport {
    agents: Vec<Agent>,
    uri: ureq::http::Uri,
    config: TransportConfig,
    /// The proxy variable in use (`HTTPS_PROXY`...), named in proxy errors.
    proxy_variable: Option<&'static str>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("proxy_variable", &self.proxy_variable)
            .finish_non_exhaustive()
    }
}

/// The proxy variables in the order ureq reads them.
const PROXY_VARIABLES: [&str; 6] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

/// The variable ureq took `proxy` from: the first one set that ureq accepts.
fn proxy_variable(proxy: &Proxy) -> &'static str {
    PROXY_VARIABLES
        .into_iter()
        .find(|name| {
            std::env::var(name)
                .ok()
                .and_then(|value| Proxy::new(&value).ok())
                .is_some_and(|p| p.uri() == proxy.uri())
        })
        .unwrap_or("the proxy variable")
}

impl Transport {
    /// Builds the agents: redirects off, statuses returned as responses, TLS
    /// verification always on, proxies from the environment except for
    /// loopback endpoints. No connection is opened until the first call.
    pub fn new(endpoint: &Endpoint, config: TransportConfig) -> Result<Transport, Error> {
        let mut tls = TlsConfig::builder();
        if !config.extra_roots_der.is_empty() {
            // rustls skips certificates it cannot use; none usable is the caller's mistake.
            let (usable, _) = rustls::RootCertStore::empty().add_parsable_certificates(
                config
                    .extra_roots_der
                    .iter()
                    .map(|der| rustls::pki_types::CertificateDer::from(der.as_slice())),
            );
            if usable == 0 {
                return Err(Error::invalid_option(
                    "root_certificates_pem",
                    "none of the supplied certificates could be used as a trust root",
                ));
            }
            let certs: Vec<Certificate<'static>> = config
                .extra_roots_der
                .iter()
                .map(|der| Certificate::from_der(der).to_owned())
                .collect();
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let proxy = if endpoint.is_loopback() {
            None
        } else {
            Proxy::try_from_env()
        };
        let proxy_variable = proxy.as_ref().map(proxy_variable);
        let agent_config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .https_only(false)
            .user_agent(config.user_agent.as_str())
            .accept("application/json")
            .proxy(proxy.clone())
            .timeout_connect(Some(config.connect_timeout))
            .timeout_send_request(Some(config.read_timeout))
            .timeout_send_body(Some(config.read_timeout))
            .timeout_recv_response(Some(config.read_timeout))
            .timeout_recv_body(Some(config.read_timeout))
            .max_response_header_size(tuned::MAX_HEAD_BYTES)
            .input_buffer_size(tuned::INPUT_MAX)
            .output_buffer_size(tuned::OUTPUT_SIZE)
            .max_idle_connections_per_host(16)
            .tls_config(tls.build())
            .build();
        let chain = ()
            .chain(ureq::unversioned::transport::SocksConnector::default())
            .chain(ConnectProxyConnector::default())
            .chain(TcpConnector {
                write_timeout: config.read_timeout,
            })
            .chain(RustlsConnector::default())
            .chain(SealConnector {
                proxy: proxy.as_ref().map(|p| p.uri().clone()),
            });
        let chain = std::sync::Arc::new(chain);
        let agents = (0..AGENTS)
            .map(|_| {
                Agent::with_parts(
                    agent_config.clone(),
                    Shared(chain.clone()),
                    CachingResolver::default(),
                )
            })
            .collect();
        let uri = endpoint
            .url()
            .parse()
            .map_err(|_| Error::validation("endpoint", "is not a valid URL"))?;
        Ok(Transport {
            agents,
            uri,
            config,
            proxy_variable,
        })
    }

    /// This thread's agent: threads are spread over the agents in turn.
    fn agent(&self) -> &Agent {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        thread_local! {
            static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed);
        }
        &self.agents[SHARD.with(|s| *s) % self.agents.len()]
    }

    /// POSTs one signed attempt and reads the answer (body capped). With a
    /// `budget`, the whole attempt (connect, send, answer) ends within it.
    pub fn post(
        &self,
        request: &SignedRequest,
        budget: Option<Duration>,
    ) -> Result<HttpReply, Error> {
        tuned::begin_attempt();
        let mut builder = self.agent().post(self.uri.clone());
        // An attempt cannot outlast its phase timeouts (connect, then send and
        // answer, each within the read timeout): only a shorter budget needs
        // ureq's call-wide timeout, and so a per-request configuration.
        let longest = self.config.connect_timeout + self.config.read_timeout * 4;
        if let Some(budget) = budget.filter(|b| *b < longest) {
            builder = builder.config().timeout_global(Some(budget)).build();
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let mut response = builder
            .send(request.body.as_bytes())
            .map_err(|e| self.map_error(e, Stage::Head))?;
        let headers = ReplyHeaders::from_map(response.headers());
        let status = response.status().as_u16();
        let body =
            read_capped(response.body_mut(), self.config.max_response_bytes).map_err(|e| {
                self.map_error(e, Stage::Body)
                    .with_request_id(headers.request_id.clone())
            })?;
        Ok(HttpReply {
            status,
            headers,
            body,
        })
    }

    /// Sorts a ureq failure into kind and delivery: could the service have acted?
    fn map_error(&self, error: ureq::Error, stage: Stage) -> Error {
        use ureq::Timeout as T;
        let sent = tuned::progress() == Progress::Sent;
        let delivery = if sent {
            Delivery::MaybeProcessed
        } else {
            Delivery::NotProcessed
        };
        let ms = |d: Duration| d.as_millis();
        let (kind, message, permanent) = match &error {
            ureq::Error::Timeout(T::Global) => (
                ErrorKind::Timeout,
                format!(
                    "the call did not finish within the call timeout ({} ms)",
                    ms(self.config.call_timeout)
                ),
                false,
            ),
            ureq::Error::Timeout(T::Resolve | T::Connect) => (
                ErrorKind::Timeout,
                format!(
                    "no connection within the connect timeout ({} ms)",
                    ms(self.config.connect_timeout)
                ),
                false,
            ),
            ureq::Error::Timeout(_) if !sent => (
                ErrorKind::Timeout,
                "the request could not be sent in time".to_string(),
                false,
            ),
            ureq::Error::Timeout(_) => (
                ErrorKind::Timeout,
                format!(
                    "no complete answer within the read timeout ({} ms)",
                    ms(self.config.read_timeout)
                ),
                false,
            ),
            ureq::Error::HostNotFound => (
                ErrorKind::Transport,
                "the endpoint's host name could not be resolved".to_string(),
                false,
            ),
            ureq::Error::ConnectProxyFailed(reason) => {
                (ErrorKind::Transport, self.proxy_refused(reason), true)
            }
            ureq::Error::Protocol(_) if !sent && self.proxy_variable.is_some() => (
                ErrorKind::Transport,
                format!(
                    "the proxy named by {} gave an answer to CONNECT that is not valid HTTP",
                    self.proxy_variable.unwrap_or_default()
                ),
                true,
            ),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
                (ErrorKind::Transport, format!("TLS failed: {error}"), true)
            }
            ureq::Error::Io(e) if is_tls_failure(e) => {
                (ErrorKind::Transport, format!("TLS failed: {e}"), true)
            }
            ureq::Error::BodyExceedsLimit(limit) => (
                ErrorKind::Decode,
                format!("the response body is larger than {limit} bytes"),
                false,
            ),
            ureq::Error::LargeResponseHeader(_, limit) => (
                ErrorKind::Decode,
                format!("the response headers are larger than {limit} bytes"),
                false,
            ),
            ureq::Error::Protocol(e) => (
                ErrorKind::Decode,
                format!("the answer is not valid HTTP: {e}"),
                false,
            ),
            ureq::Error::Io(e) => (ErrorKind::Transport, io_failure(e, sent, stage), false),
            _ if !sent => (
                ErrorKind::Transport,
                format!("the request could not be sent: {error}"),
                false,
            ),
            _ => (
                ErrorKind::Transport,
                format!("the exchange failed: {error}"),
                false,
            ),
        };
        let mapped = Error::connection(kind, message, delivery).with_source(error);
        if permanent {
            mapped.permanent()
        } else {
            mapped
        }
    }

    /// A plain sentence for a proxy that would not open the tunnel; it names
    /// the variable, never the proxy's address or credentials.
    fn proxy_refused(&self, reason: &str) -> String {
        let variable = self.proxy_variable.unwrap_or("the proxy variable");
        let status = reason
            .split(|c: char| !c.is_ascii_digit())
            .find(|part| part.len() == 3);
        match status {
            Some("407") => format!(
                "the proxy named by {variable} asks for credentials (HTTP 407): put them in the proxy URL, or fix them"
            ),
            Some(code) => {
                format!("the proxy named by {variable} refused to open a tunnel (HTTP {code})")
            }
            None => format!(
                "the proxy named by {variable} closed the connection without opening a tunnel"
            ),
        }
    }
}

/// Where a failure happened: before the answer's body, or while reading it.
#[derive(Clone, Copy)]
enum Stage {
    Head,
    Body,
}

/// Reads the body into a buffer that is wiped on drop, also when it grows.
fn read_capped(body: &mut ureq::Body, cap: u64) -> Result<Zeroizing<Vec<u8>>, ureq::Error> {
    let hint = body.content_length().unwrap_or(1024).min(cap) as usize;
    let mut reader = body.with_config().limit(cap).reader();
    let mut out = Zeroizing::new(Vec::with_capacity(hint.max(256)));
    let mut chunk = Zeroizing::new([0u8; 8192]);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ureq::Error::from(e)),
        };
        if out.len() + n > out.capacity() {
            // Grow by hand: a `Vec` growing by itself would free the old copy unwiped.
            let mut bigger = Zeroizing::new(Vec::with_capacity((out.len() + n) * 2));
            bigger.extend_from_slice(&out);
            out = bigger;
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

/// rustls reports handshake failures (an untrusted certificate, say) as I/O errors.
fn is_tls_failure(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
}

/// Says what an I/O failure broke, by how far the attempt got.
fn io_failure(e: &io::Error, sent: bool, stage: Stage) -> String {
    match (sent, stage, e.kind()) {
        (false, _, io::ErrorKind::ConnectionRefused) => {
            "the endpoint refused the connection".to_string()
        }
        (false, ..) => format!("the connection failed before the request was sent ({e})"),
        (true, Stage::Head, io::ErrorKind::UnexpectedEof) => {
            "the server closed the connection without answering".to_string()
        }
        (true, Stage::Head, _) => format!("the connection broke after the request was sent ({e})"),
        (true, Stage::Body, io::ErrorKind::UnexpectedEof) => {
            "the connection closed before the whole answer arrived".to_string()
        }
        (true, Stage::Body, _) => format!("the connection broke while reading the answer ({e})"),
    }
}
