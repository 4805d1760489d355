//! ureq tuned for this one small call, only through ureq's own extension
//! points (`ureq::unversioned`, outside ureq's semver promise: the workspace
//! pins ureq with `~3.5`). ureq still does all of HTTP, TLS and proxies; the
//! pieces here change only how bytes meet the socket, each for a measured
//! reason (see TOOLCHAIN.md and BENCHMARKS.md):
//!
//! - [`Socket`] queues what ureq transmits and sends it with the first read,
//!   so head and body leave in one `write` instead of two;
//! - its socket timeouts stay as set unless a deadline is clearly closer, so a
//!   call makes no `setsockopt` (ureq's own transport re-arms on every I/O when
//!   a call-wide timeout is set, and the client always sets one);
//! - its liveness check is one `recv(MSG_PEEK | MSG_DONTWAIT)` instead of three
//!   system calls;
//! - its buffers are wiped once read and when dropped: they hold the answer,
//!   generated password included; [`Sealed`] does the same for the TLS layer's
//!   plaintext buffers (rustls' own record buffers are out of reach);
//! - [`CachingResolver`] parses IP literals and caches names for a short
//!   time: ureq's default resolver runs on every call and spawns a thread
//!   whenever a timeout is set;
//! - [`Sealed`] also records how far an attempt got (see [`Progress`]), which
//!   is what decides whether a failed call may be repeated.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ureq::Error;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, Transport,
};
use zeroize::Zeroize;

/// How far the current attempt on this thread got. ureq's blocking calls run
/// wholly on the caller's thread, so a thread-local is exact, and it needs no
/// change to ureq's types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Progress {
    /// Resolving, connecting, proxy tunnel, TLS handshake: nothing of the request has left.
    Connecting,
    /// ureq handed over request bytes that are not all on the wire yet.
    Sending,
    /// The whole request was written: the service may act on it.
    Sent,
}

thread_local! {
    static PROGRESS: Cell<Progress> = const { Cell::new(Progress::Connecting) };
}

/// Starts an attempt's progress record on this thread.
pub(crate) fn begin_attempt() {
    PROGRESS.set(Progress::Connecting);
}

/// How far this thread's current attempt got.
pub(crate) fn progress() -> Progress {
    PROGRESS.get()
}

/// First size of a connection's answer buffer; our answers are far smaller.
const INPUT_START: usize = 8 * 1024;
/// The answer buffer grows to this at most: room for the largest head ureq
/// accepts (`MAX_HEAD_BYTES`) plus a read, so ureq reports an over-large head
/// instead of a stalled one.
pub(crate) const INPUT_MAX: usize = MAX_HEAD_BYTES + 8 * 1024;
/// Largest answer head accepted.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Room for queued output; a request is about 1 KiB.
pub(crate) const OUTPUT_SIZE: usize = 16 * 1024;
/// Free input space kept for each read (and for ureq's body scratch space).
const READ_ROOM: usize = 4 * 1024;

/// Input and output buffers that wipe what they held.
struct WipedBuffers {
    input: Vec<u8>,
    filled: usize,
    consumed: usize,
    progress: bool,
    output: Vec<u8>,
    /// Output bytes handed over by ureq and not yet written.
    queued: usize,
}

impl WipedBuffers {
    fn new() -> WipedBuffers {
        WipedBuffers {
            input: vec![0; INPUT_START],
            filled: 0,
            consumed: 0,
            progress: false,
            output: vec![0; OUTPUT_SIZE],
            queued: 0,
        }
    }

    /// Makes room for a read: moves unread bytes to the front, or grows
    /// (copying into a new buffer and wiping the old one).
    fn make_room(&mut self) {
        if self.input.len() - self.filled >= READ_ROOM {
            return;
        }
        if self.consumed > 0 {
            self.input.copy_within(self.consumed..self.filled, 0);
            self.filled -= self.consumed;
            self.consumed = 0;
            self.input[self.filled..].zeroize();
        }
        if self.input.len() - self.filled < READ_ROOM && self.input.len() < INPUT_MAX {
            let mut bigger = vec![0; (self.input.len() * 2).min(INPUT_MAX)];
            bigger[..self.filled].copy_from_slice(&self.input[..self.filled]);
            self.input.zeroize();
            self.input = bigger;
        }
    }
}

impl Buffers for WipedBuffers {
    fn output(&mut self) -> &mut [u8] {
        &mut self.output[self.queued..]
    }

    fn input(&self) -> &[u8] {
        &self.input[self.consumed..self.filled]
    }

    fn input_append_buf(&mut self) -> &mut [u8] {
        self.make_room();
        &mut self.input[self.filled..]
    }

    fn input_appended(&mut self, amount: usize) {
        self.filled = (self.filled + amount).min(self.input.len());
    }

    fn input_consume(&mut self, amount: usize) {
        self.progress = amount > 0;
        self.consumed = (self.consumed + amount).min(self.filled);
        if self.consumed == self.filled {
            // Everything read was used: wipe it now rather than when reused.
            self.input[..self.filled].zeroize();
            self.filled = 0;
            self.consumed = 0;
        }
    }

    fn tmp_and_output(&mut self) -> (&mut [u8], &mut [u8]) {
        self.make_room();
        (
            &mut self.input[self.filled..],
            &mut self.output[self.queued..],
        )
    }

    fn can_use_input(&self) -> bool {
        self.filled > self.consumed && self.progress
    }
}

impl Drop for WipedBuffers {
    fn drop(&mut self) {
        self.input.zeroize();
        self.output.zeroize();
    }
}

/// Opens plain TCP connections (the first hop: to the endpoint or the proxy).
#[derive(Debug)]
pub(crate) struct TcpConnector {
    /// Set once per connection: writes are small and rarely block.
    pub(crate) write_timeout: Duration,
}

impl<In: Transport> Connector<In> for TcpConnector {
    type Out = Either<In, Socket>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        if let Some(transport) = chained {
            return Ok(Some(Either::A(transport)));
        }
        let budget = details.timeout.not_zero().map(|d| *d);
        let deadline = budget.map(|b| Instant::now() + b);
        let mut last = None;
        for addr in &details.addrs {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|l| l.is_zero()) {
                break;
            }
            let stream = match left {
                Some(left) => TcpStream::connect_timeout(addr, left),
                None => TcpStream::connect(addr),
            };
            match stream {
                Ok(stream) => {
                    stream.set_nodelay(true)?;
                    stream.set_write_timeout(Some(self.write_timeout.max(MIN_TIMEOUT)))?;
                    return Ok(Some(Either::B(Socket {
                        stream,
                        buffers: WipedBuffers::new(),
                        read_timeout: None,
                    })));
                }
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) if !is_timeout(&e) => Error::Io(e),
            _ => Error::Timeout(details.timeout.reason),
        })
    }
}

/// A zero socket timeout means "block forever": never set one.
const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// One TCP connection with queued output and wiped buffers.
pub(crate) struct Socket {
    stream: TcpStream,
    buffers: WipedBuffers,
    /// The read timeout the socket has now (`None`: not set yet).
    read_timeout: Option<Duration>,
}

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socket").finish_non_exhaustive()
    }
}

impl Socket {
    /// Writes the queued bytes in one `write_all`, then wipes them.
    fn flush(&mut self) -> Result<(), Error> {
        if self.buffers.queued == 0 {
            return Ok(());
        }
        let written = self
            .stream
            .write_all(&self.buffers.output[..self.buffers.queued]);
        self.buffers.output[..self.buffers.queued].zeroize();
        self.buffers.queued = 0;
        match written {
            Ok(()) => {
                if progress() == Progress::Sending {
                    PROGRESS.set(Progress::Sent);
                }
                Ok(())
            }
            Err(e) if is_timeout(&e) => Err(Error::Timeout(ureq::Timeout::SendRequest)),
            Err(e) => Err(Error::Io(e)),
        }
    }

    /// Sets the read timeout only when it is clearly longer than the time
    /// left (a deadline would be overshot) or far shorter (a lowered value
    /// left by an earlier deadline): steady calls make no system call here.
    fn arm_read_timeout(&mut self, want: Duration) -> io::Result<()> {
        let slack = want / 16 + Duration::from_millis(5);
        let stale = match self.read_timeout {
            None => true,
            Some(now) => now > want + slack || now * 2 < want,
        };
        if stale {
            let want = want.max(MIN_TIMEOUT);
            self.stream.set_read_timeout(Some(want))?;
            self.read_timeout = Some(want);
        }
        Ok(())
    }
}

impl Transport for Socket {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, _timeout: NextTimeout) -> Result<(), Error> {
        self.buffers.queued = (self.buffers.queued + amount).min(OUTPUT_SIZE);
        // Sent with the next read, unless the queue leaves ureq too little room.
        if OUTPUT_SIZE - self.buffers.queued < OUTPUT_SIZE / 4 {
            self.flush()?;
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.flush()?;
        let timeout = timeout.for_read();
        if timeout.after.is_zero() {
            return Err(Error::Timeout(timeout.reason));
        }
        let deadline = timeout.not_zero().map(|d| Instant::now() + *d);
        if let Some(d) = deadline {
            self.arm_read_timeout(d.saturating_duration_since(Instant::now()))?;
        }
        loop {
            let input = self.buffers.input_append_buf();
            match self.stream.read(input) {
                Ok(n) => {
                    self.buffers.input_appended(n);
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) => {
                    // The socket's timeout may be shorter than the time left.
                    let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                    match left {
                        Some(left) if left > Duration::ZERO => {
                            self.stream.set_read_timeout(Some(left.max(MIN_TIMEOUT)))?;
                            self.read_timeout = Some(left.max(MIN_TIMEOUT));
                        }
                        _ => return Err(Error::Timeout(timeout.reason)),
                    }
                }
                Err(e) => return Err(Error::Io(e)),
            }
        }
    }

    fn is_open(&mut self) -> bool {
        self.buffers.queued == 0 && probe::idle_and_open(&self.stream)
    }
}

/// A socket timeout: `WouldBlock` on Unix, `TimedOut` on Windows.
pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(unix)]
mod probe {
    use std::net::TcpStream;
    use std::os::fd::AsRawFd;

    /// True when an idle connection still looks usable: nothing to read and not
    /// closed by the peer. One non-blocking `recv(MSG_PEEK)`, no mode change.
    #[allow(unsafe_code)]
    pub(super) fn idle_and_open(tcp: &TcpStream) -> bool {
        let mut byte = 0u8;
        // SAFETY: `recv` writes at most 1 byte into `byte`, which lives for the
        // call; the descriptor stays open because `tcp` is borrowed.
        let n = unsafe {
            libc::recv(
                tcp.as_raw_fd(),
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        // -1 with EAGAIN: nothing waiting, not closed (the normal idle state).
        // 0: the peer closed it; more: unasked-for bytes (an error page, an alert).
        n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock
    }
}

#[cfg(not(unix))]
mod probe {
    use std::net::TcpStream;

    /// Without a portable non-blocking peek, a stale connection shows up on
    /// the first read instead (and the call reports a possibly processed request).
    pub(super) fn idle_and_open(_tcp: &TcpStream) -> bool {
        true
    }
}

/// The last link of the chain: wraps each finished connection in [`Sealed`].
#[derive(Debug)]
pub(crate) struct SealConnector {
    /// The proxy's URI: its own hop is sealed without recording progress
    /// (a `CONNECT` is not our request).
    pub(crate) proxy: Option<Uri>,
}

impl<In: Transport> Connector<In> for SealConnector {
    type Out = Sealed<In>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        let hop = self.proxy.as_ref() == Some(details.uri);
        Ok(chained.map(|inner| Sealed { inner, hop }))
    }
}

/// A finished connection: records the request's progress and wipes the TLS
/// layer's plaintext buffers.
#[derive(Debug)]
pub(crate) struct Sealed<T: Transport> {
    inner: T,
    hop: bool,
}

impl<T: Transport> Sealed<T> {
    /// Wipes the TLS layer's answer buffer once all of it was used.
    fn wipe_tls_input(&mut self) {
        if self.inner.is_tls() {
            let buffers = self.inner.buffers();
            if buffers.input().is_empty() {
                buffers.input_append_buf().zeroize();
            }
        }
    }
}

impl<T: Transport> Transport for Sealed<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        if !self.hop {
            PROGRESS.set(Progress::Sending);
        }
        self.inner.transmit_output(amount, timeout)?;
        if self.inner.is_tls() {
            let output = self.inner.buffers().output();
            let sent = amount.min(output.len());
            output[..sent].zeroize();
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        // ureq asks this as the connection goes back to the pool: the answer is read.
        self.wipe_tls_input();
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

impl<T: Transport> Drop for Sealed<T> {
    fn drop(&mut self) {
        self.wipe_tls_input();
        if self.inner.is_tls() {
            self.inner.buffers().output().zeroize();
        }
    }
}

/// One connector chain shared by a client's agents (TLS configuration included).
#[derive(Debug)]
pub(crate) struct Shared<C>(pub(crate) Arc<C>);

impl<C: Connector<()>> Connector<()> for Shared<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, Error> {
        self.0.connect(details, chained)
    }
}

/// How long a looked-up name is reused.
const NAME_TTL: Duration = Duration::from_secs(30);

/// IP literals parsed directly; host names looked up once per [`NAME_TTL`].
/// A client talks to one endpoint and maybe one proxy, so the cache is tiny.
#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    cache: Mutex<Vec<(String, u16, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, Error> {
        let host = uri
            .host()
            .ok_or_else(|| Error::BadUri("no host".to_string()))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        let mut found = self.empty();
        if let Ok(ip) = host.parse::<IpAddr>() {
            found.push(SocketAddr::new(ip, port));
            return Ok(found);
        }
        let now = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(_, _, at, _)| now.duration_since(*at) < NAME_TTL);
        if let Some((.., addrs)) = cache.iter().find(|(h, p, ..)| h == host && *p == port) {
            return Ok(addrs.clone());
        }
        drop(cache);
        // std's lookup has no timeout of its own; the system resolver's applies.
        let addrs = (host, port)
            .to_socket_addrs()
            .map_err(|_| Error::HostNotFound)?;
        for addr in addrs.take(16) {
            found.push(addr);
        }
        if found.is_empty() {
            return Err(Error::HostNotFound);
        }
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= 4 {
            cache.remove(0);
        }
        cache.push((host.to_string(), port, now, found.clone()));
        Ok(found)
    }
}
