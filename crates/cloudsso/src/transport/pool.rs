//! Idle keep-alive connections, shared by a client's threads.
//!
//! The lock is held only to push or pop; the liveness probe of a taken
//! connection runs after unlocking, so threads never wait on a system call.

use super::stream::Connection;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Most idle connections kept.
const MAX_IDLE: usize = 64;
/// Idle connections older than this are closed rather than reused: servers and
/// load balancers drop idle connections after 15-60 s, often without a FIN we could see.
const MAX_IDLE_TIME: Duration = Duration::from_secs(15);

struct Idle {
    connection: Connection,
    since: Instant,
}

/// A stack of idle connections: the most recently used is reused first.
#[derive(Default)]
pub(crate) struct Pool {
    idle: Mutex<Vec<Idle>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("idle", &self.lock().len())
            .finish()
    }
}

impl Pool {
    /// An idle connection that still looks open, if there is one.
    pub(crate) fn take(&self) -> Option<Connection> {
        loop {
            let idle = self.lock().pop()?;
            if idle.since.elapsed() < MAX_IDLE_TIME && idle.connection.looks_alive() {
                return Some(idle.connection);
            }
        }
    }

    /// Keeps `connection` for a later call; closes the oldest ones past their time.
    pub(crate) fn put(&self, connection: Connection) {
        let now = Instant::now();
        let expired = {
            let mut idle = self.lock();
            let stale = idle
                .iter()
                .take_while(|i| now.duration_since(i.since) >= MAX_IDLE_TIME)
                .count();
            let expired: Vec<Idle> = idle.drain(..stale).collect();
            if idle.len() < MAX_IDLE {
                idle.push(Idle {
                    connection,
                    since: now,
                });
            }
            expired
        };
        // Closing sockets happens outside the lock.
        drop(expired);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        // The vector stays consistent even if a holder panicked.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
