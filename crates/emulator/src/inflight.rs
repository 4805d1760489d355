//! How many API requests are being served at once, and the `hold` fault's gate.
//!
//! Tests of concurrency ask the emulator what it saw (the peak number of requests in flight)
//! instead of timing calls on the wall clock, which depends on the machine's load. The `hold`
//! fault keeps requests waiting until the test releases them, so "N calls were in flight
//! together" is shown by N requests held at once, on any machine.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

use crate::service::lock;

/// The longest a `hold` fault keeps a request before processing it anyway, so a test that
/// never releases cannot hang the emulator.
pub const MAX_HOLD: Duration = Duration::from_secs(30);

/// What `GET /_emulator/in-flight` answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct InFlightStats {
    /// API requests being served now (from the request head to the answer).
    pub in_flight: u64,
    /// The most API requests served at the same moment since start (or the last reset).
    pub peak_in_flight: u64,
    /// Requests waiting in a `hold` fault now.
    pub held: u64,
    /// Holds that ran out ([`MAX_HOLD`]) before a release.
    pub hold_expired: u64,
}

#[derive(Debug, Default)]
pub(crate) struct InFlight {
    stats: Mutex<InFlightStats>,
    /// Bumped by each release; a held request waits for it to change.
    releases: AtomicU64,
}

/// Counts one request in flight for as long as it lives.
pub(crate) struct InFlightGuard<'a>(&'a InFlight);

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        lock(&self.0.stats).in_flight -= 1;
    }
}

/// Counts one held request for as long as it waits.
struct HeldGuard<'a>(&'a InFlight);

impl Drop for HeldGuard<'_> {
    fn drop(&mut self) {
        lock(&self.0.stats).held -= 1;
    }
}

impl InFlight {
    /// Counts a request in flight until the guard is dropped.
    pub(crate) fn enter(&self) -> InFlightGuard<'_> {
        let mut stats = lock(&self.stats);
        stats.in_flight += 1;
        stats.peak_in_flight = stats.peak_in_flight.max(stats.in_flight);
        InFlightGuard(self)
    }

    pub(crate) fn stats(&self) -> InFlightStats {
        *lock(&self.stats)
    }

    /// Forgets the peak (the requests in flight now stay counted).
    pub(crate) fn reset_peak(&self) {
        let mut stats = lock(&self.stats);
        stats.peak_in_flight = stats.in_flight;
    }

    /// Lets every request held now go on; returns how many there were.
    pub(crate) fn release(&self) -> u64 {
        let held = lock(&self.stats).held;
        self.releases.fetch_add(1, Ordering::SeqCst);
        held
    }

    /// Waits until the next release, or [`MAX_HOLD`]. A request whose client goes away while
    /// held stops being counted as held (the guard below runs on drop).
    pub(crate) async fn hold(&self) {
        let seen = self.releases.load(Ordering::SeqCst);
        lock(&self.stats).held += 1;
        let _held = HeldGuard(self);
        let started = tokio::time::Instant::now();
        while self.releases.load(Ordering::SeqCst) == seen {
            if started.elapsed() >= MAX_HOLD {
                lock(&self.stats).hold_expired += 1;
                return;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}
