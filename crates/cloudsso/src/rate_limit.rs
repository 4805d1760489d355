//! A client-side rate limit, so a bulk job stays under the service's 100 calls/s.
//!
//! GCRA (a token bucket kept as one "theoretical arrival time"): each call
//! reserves the next slot under a lock, then sleeps outside it until that slot.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Limits calls to `per_second`, allowing `burst` calls at once after a pause.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    tolerance: Duration,
    next_slot: Mutex<Instant>,
}

impl RateLimiter {
    /// `None` when `per_second` is 0 (no limit).
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        if per_second == 0 {
            return None;
        }
        let interval = Duration::from_secs(1) / per_second;
        Some(RateLimiter {
            interval,
            tolerance: interval * burst.saturating_sub(1),
            next_slot: Mutex::new(Instant::now()),
        })
    }

    /// Blocks until the caller may make one call.
    pub fn acquire(&self) {
        let wait = self.reserve(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    /// Reserves a slot at or after `now`; returns how long to wait for it.
    fn reserve(&self, now: Instant) -> Duration {
        let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
        let arrival = (*next).max(now);
        let allowed_at = arrival.checked_sub(self.tolerance).unwrap_or(arrival);
        *next = arrival + self.interval;
        allowed_at.saturating_duration_since(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_calls_after_the_burst() {
        let limiter = RateLimiter::new(100, 3).unwrap();
        let now = Instant::now();
        let waits: Vec<Duration> = (0..6).map(|_| limiter.reserve(now)).collect();
        assert_eq!(&waits[..3], &[Duration::ZERO; 3]);
        assert_eq!(waits[3], Duration::from_millis(10));
        assert_eq!(waits[5], Duration::from_millis(30));
    }

    #[test]
    fn zero_means_unlimited() {
        assert!(RateLimiter::new(0, 10).is_none());
    }
}
