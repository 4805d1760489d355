//! Opening a connection: resolve, TCP connect within the connect timeout,
//! a `CONNECT` tunnel when a proxy is set, then the TLS handshake for https.
//!
//! Every failure here happens before the request is sent, so the service
//! cannot have acted on it.

use super::http1::{ReadFailure, Reader};
use super::proxy::Proxy;
use super::stream::{Connection, Stream};
use super::{is_timeout, is_tls_failure};
use crate::endpoint::Endpoint;
use crate::error::{Delivery, Error, ErrorKind};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Opens connections to one endpoint.
pub(crate) struct Connector {
    /// Host to connect to (IPv6 without brackets).
    host: String,
    port: u16,
    /// `host[:port]`, for the `CONNECT` request.
    authority: String,
    tls: Option<(Arc<ClientConfig>, ServerName<'static>)>,
    proxy: Option<Proxy>,
    connect_timeout: Duration,
    io_timeout: Duration,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("authority", &self.authority)
            .field("tls", &self.tls.is_some())
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// Prepares TLS (roots: `extra_roots_der` if given, else the Mozilla set) and the proxy.
    pub(crate) fn new(
        endpoint: &Endpoint,
        extra_roots_der: &[Vec<u8>],
        connect_timeout: Duration,
        io_timeout: Duration,
    ) -> Result<Connector, Error> {
        let host = endpoint.host();
        let tls = if endpoint.is_secure() {
            let name = ServerName::try_from(host.to_string()).map_err(|_| {
                Error::validation("endpoint", "the host is not a valid TLS server name")
            })?;
            Some((tls_config(extra_roots_der)?, name))
        } else {
            None
        };
        Ok(Connector {
            host: host.to_string(),
            port: endpoint.port(),
            authority: endpoint.authority().to_string(),
            tls,
            proxy: Proxy::from_env(endpoint)?,
            connect_timeout,
            io_timeout,
        })
    }

    /// A new connection, ready for a request.
    pub(crate) fn open(&self) -> Result<Connection, Error> {
        let deadline = Instant::now() + self.connect_timeout;
        let tcp = match &self.proxy {
            None => tcp_connect(&self.host, self.port, self.connect_timeout, "endpoint")?,
            Some(proxy) => {
                let tcp = tcp_connect(&proxy.host, proxy.port, self.connect_timeout, "proxy")?;
                self.tunnel(tcp, proxy, deadline)?
            }
        };
        let stream = match &self.tls {
            None => Stream::Plain(tcp),
            Some((config, name)) => Stream::Tls(Box::new(handshake(tcp, config, name, deadline)?)),
        };
        Connection::new(stream, self.io_timeout).map_err(socket_setup_failed)
    }

    /// Asks the proxy for a tunnel to the endpoint; the answer must be 2xx.
    fn tunnel(&self, tcp: TcpStream, proxy: &Proxy, deadline: Instant) -> Result<TcpStream, Error> {
        let mut request = zeroize::Zeroizing::new(format!(
            "CONNECT {0} HTTP/1.1\r\nhost: {0}\r\n",
            self.authority
        ));
        if let Some(auth) = &proxy.basic_auth {
            request.push_str("proxy-authorization: Basic ");
            request.push_str(auth);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        let mut connection = Connection::new(Stream::Plain(tcp), time_left(deadline))
            .map_err(socket_setup_failed)?;
        let failed = |what: String| {
            not_sent(
                ErrorKind::Transport,
                format!("the proxy from {}: {what}", proxy.variable),
            )
        };
        connection
            .send(request.as_bytes())
            .map_err(|e| failed(format!("sending CONNECT failed ({e})")))?;
        let mut reader = Reader::new(&mut connection, deadline);
        let head = reader.read_head().map_err(|f| match f {
            ReadFailure::Io(e) if is_timeout(&e) => not_sent(
                ErrorKind::Timeout,
                format!(
                    "the proxy from {} did not answer CONNECT in time",
                    proxy.variable
                ),
            ),
            other => failed(format!("no valid answer to CONNECT ({other:?})")),
        })?;
        if reader.has_buffered() {
            return Err(failed(
                "it sent bytes after its answer to CONNECT".to_string(),
            ));
        }
        match head.status {
            200..=299 => {}
            407 => {
                return Err(failed(
                    "it asks for credentials (407); put them in the proxy URL".to_string(),
                ));
            }
            status => return Err(failed(format!("it refused the tunnel (status {status})"))),
        }
        drop(reader);
        connection
            .into_tcp()
            .ok_or_else(|| failed("the tunnel is not a plain socket".to_string()))
    }
}

fn time_left(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

fn not_sent(kind: ErrorKind, message: String) -> Error {
    Error::connection(kind, message, Delivery::NotProcessed)
}

fn socket_setup_failed(e: io::Error) -> Error {
    not_sent(
        ErrorKind::Transport,
        format!("could not set up the socket ({e})"),
    )
    .with_source(e)
}

/// Connects to the first address of `host` that answers before `deadline`.
fn tcp_connect(host: &str, port: u16, timeout: Duration, what: &str) -> Result<TcpStream, Error> {
    let deadline = Instant::now() + timeout;
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| {
            not_sent(
                ErrorKind::Transport,
                format!("the {what}'s host name could not be resolved"),
            )
            .with_source(e)
        })?
        .collect();
    let mut last: Option<io::Error> = None;
    for address in &addresses {
        let left = time_left(deadline);
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(address, left) {
            Ok(tcp) => {
                // One write per request already; no delay for the next request either.
                let _ = tcp.set_nodelay(true);
                return Ok(tcp);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => not_sent(
            ErrorKind::Transport,
            format!("the {what} refused the connection"),
        )
        .with_source(e),
        Some(e) if !is_timeout(&e) => not_sent(
            ErrorKind::Transport,
            format!("could not connect to the {what} ({e})"),
        )
        .with_source(e),
        _ => not_sent(
            ErrorKind::Timeout,
            format!(
                "no connection to the {what} within the connect timeout ({} ms)",
                timeout.as_millis()
            ),
        ),
    })
}

/// Runs the TLS handshake over `tcp` within the connect deadline.
fn handshake(
    mut tcp: TcpStream,
    config: &Arc<ClientConfig>,
    name: &ServerName<'static>,
    deadline: Instant,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Error> {
    let failed = |e: io::Error| {
        if is_tls_failure(&e) {
            not_sent(ErrorKind::Transport, format!("TLS failed: {e}"))
                .with_source(e)
                .permanent()
        } else if is_timeout(&e) {
            not_sent(
                ErrorKind::Timeout,
                "the TLS handshake did not finish within the connect timeout".to_string(),
            )
        } else {
            not_sent(
                ErrorKind::Transport,
                format!("the TLS handshake failed ({e})"),
            )
            .with_source(e)
        }
    };
    let mut tls = ClientConnection::new(Arc::clone(config), name.clone())
        .map_err(|e| not_sent(ErrorKind::Transport, format!("TLS failed: {e}")).permanent())?;
    while tls.is_handshaking() {
        let left = time_left(deadline).max(Duration::from_millis(1));
        tcp.set_read_timeout(Some(left)).map_err(failed)?;
        tcp.set_write_timeout(Some(left)).map_err(failed)?;
        tls.complete_io(&mut tcp).map_err(failed)?;
    }
    tcp.flush().map_err(failed)?;
    Ok(StreamOwned::new(tls, tcp))
}

/// The client TLS settings: ring, TLS 1.2 and 1.3, verification always on.
fn tls_config(extra_roots_der: &[Vec<u8>]) -> Result<Arc<ClientConfig>, Error> {
    let mut roots = RootCertStore::empty();
    if extra_roots_der.is_empty() {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    } else {
        let (added, _ignored) = roots.add_parsable_certificates(
            extra_roots_der
                .iter()
                .map(|der| CertificateDer::from(der.clone())),
        );
        if added == 0 {
            return Err(Error::invalid_option(
                "root_certificates_pem",
                "none of the supplied certificates could be used as a trust root",
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::transport(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
