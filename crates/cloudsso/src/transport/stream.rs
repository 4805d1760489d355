//! One open connection, plain TCP or TLS over TCP, and its socket timeouts.
//!
//! The timeouts are set once when the connection opens and changed only when
//! a deadline is closer than the socket's timeout, so a call that gets its
//! answer in one read makes no `setsockopt` call at all.

use super::is_timeout;
use rustls::{ClientConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The byte stream of one connection.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => &tls.sock,
        }
    }
}

/// A connection with the read timeout its socket has now.
pub(crate) struct Connection {
    stream: Stream,
    read_timeout: Duration,
    /// True once it has carried a request: a reused connection may have been
    /// closed by the server while idle.
    pub(crate) reused: bool,
}

/// A timeout shorter than this is raised to it: a zero timeout means "block forever".
const MIN_SOCKET_TIMEOUT: Duration = Duration::from_millis(1);

/// A socket timeout within this of the time left is left alone, so the first
/// read of a phase does not pay a `setsockopt` for a few microseconds' difference.
const TIMEOUT_SLACK: Duration = Duration::from_millis(5);

impl Connection {
    /// Wraps a connected stream and sets both socket timeouts to `timeout`.
    pub(crate) fn new(stream: Stream, timeout: Duration) -> io::Result<Connection> {
        let timeout = timeout.max(MIN_SOCKET_TIMEOUT);
        stream.tcp().set_read_timeout(Some(timeout))?;
        stream.tcp().set_write_timeout(Some(timeout))?;
        Ok(Connection {
            stream,
            read_timeout: timeout,
            reused: false,
        })
    }

    /// The plain socket back (for a proxy tunnel); `None` for TLS.
    pub(crate) fn into_tcp(self) -> Option<TcpStream> {
        match self.stream {
            Stream::Plain(tcp) => Some(tcp),
            Stream::Tls(_) => None,
        }
    }

    /// Writes all of `bytes` (one `write` on a plain socket), then flushes TLS records.
    pub(crate) fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.stream {
            Stream::Plain(tcp) => tcp.write_all(bytes),
            Stream::Tls(tls) => {
                tls.conn.writer().write_all(bytes)?;
                while tls.conn.wants_write() {
                    tls.conn.write_tls(&mut tls.sock)?;
                }
                Ok(())
            }
        }
    }

    /// Reads some bytes, giving up at `deadline` with `TimedOut`.
    pub(crate) fn read_until(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            if self.read_timeout > left + TIMEOUT_SLACK {
                self.set_read_timeout(left)?;
            }
            match self.stream_read(buf) {
                Err(e) if is_timeout(&e) && Instant::now() < deadline => {
                    // The socket's timeout was shorter than the time left.
                    let left = deadline.saturating_duration_since(Instant::now());
                    self.set_read_timeout(left)?;
                }
                other => return other,
            }
        }
    }

    /// Puts the read timeout back to `timeout` if a deadline had lowered it.
    pub(crate) fn restore_read_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        let timeout = timeout.max(MIN_SOCKET_TIMEOUT);
        if self.read_timeout != timeout {
            self.set_read_timeout(timeout)?;
        }
        Ok(())
    }

    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        let timeout = timeout.max(MIN_SOCKET_TIMEOUT);
        self.stream.tcp().set_read_timeout(Some(timeout))?;
        self.read_timeout = timeout;
        Ok(())
    }

    fn stream_read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.stream {
            Stream::Plain(tcp) => tcp.read(buf),
            Stream::Tls(tls) => match tls.read(buf) {
                // A peer that closes without close_notify ends the stream all the same;
                // the HTTP framing decides whether the answer was complete.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                other => other,
            },
        }
    }

    /// True when an idle connection still looks usable: nothing to read and
    /// not closed by the peer. One non-blocking `recv(MSG_PEEK)`, no mode change.
    pub(crate) fn looks_alive(&self) -> bool {
        probe::idle_and_open(self.stream.tcp())
    }
}

#[cfg(unix)]
mod probe {
    use socket2::SockRef;
    use std::io;
    use std::mem::MaybeUninit;
    use std::net::TcpStream;

    pub(super) fn idle_and_open(tcp: &TcpStream) -> bool {
        let mut byte = [MaybeUninit::<u8>::uninit()];
        let flags = libc::MSG_PEEK | libc::MSG_DONTWAIT;
        match SockRef::from(tcp).recv_with_flags(&mut byte, flags) {
            // Nothing waiting and not closed: the normal idle state.
            Err(e) => e.kind() == io::ErrorKind::WouldBlock,
            // 0: the peer closed it; more: unasked-for bytes (an error page, a TLS alert).
            Ok(_) => false,
        }
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
