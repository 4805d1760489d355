//! A loopback port whose accept queue is full, for connect-phase timeout tests.
//!
//! A connect timeout cannot be tested against a "blackholed" address without contacting the
//! outside world. A listener that never accepts, with a backlog of 0 already taken by the
//! emulator's own connection, makes the kernel drop further SYNs (Linux, with
//! `tcp_abort_on_overflow` off, the default): a client's connect then waits in the handshake
//! until its own connect timeout, on 127.0.0.1.

use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;
use std::time::Duration;

use crate::service::lock;

/// Listeners (and the connections that fill them) kept open until the emulator stops.
#[derive(Debug, Default)]
pub(crate) struct FullBacklogs {
    kept: Mutex<Vec<(tokio::net::TcpListener, Vec<TcpStream>)>>,
}

/// How long one filling connect may take before the queue counts as full.
const FILL_PROBE: Duration = Duration::from_millis(300);
/// More filling connections than any kernel's backlog-0 queue holds.
const MAX_FILL: usize = 64;

impl FullBacklogs {
    /// Opens a listener on 127.0.0.1 and fills its accept queue; returns its address.
    /// Must run inside the emulator's tokio runtime.
    pub(crate) fn open(&self) -> Result<SocketAddr, String> {
        let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .map_err(|e| e.to_string())?;
        let listener = socket.listen(0).map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let mut filling = Vec::new();
        loop {
            if filling.len() == MAX_FILL {
                return Err(format!(
                    "{MAX_FILL} connections to a backlog-0 listener all succeeded: \
                     this kernel does not drop connects to a full queue"
                ));
            }
            match TcpStream::connect_timeout(&addr, FILL_PROBE) {
                Ok(stream) => filling.push(stream),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => break,
                Err(e) => return Err(format!("filling the backlog: {e}")),
            }
        }
        lock(&self.kept).push((listener, filling));
        Ok(addr)
    }
}
