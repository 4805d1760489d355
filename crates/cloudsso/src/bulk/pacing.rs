//! Pacing of call starts: at most `per_window` starts in any sliding window.
//!
//! The client's own rate limit is a token bucket with a burst, which allows a
//! little more than its rate in some one-second windows. The service counts
//! calls per second at its end, so a bulk job that must never be throttled
//! needs the stricter rule: no more than N starts in *any* one-second window.
//! A sliding log of the last N start times gives exactly that: the next start
//! waits until the oldest of them has left the window.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The longest single sleep while waiting, so a stop request is noticed quickly.
const STOP_POLL: Duration = Duration::from_millis(25);

/// Admits at most `per_window` starts in any `window`; shared by the workers.
#[derive(Debug)]
pub(crate) struct Pacer {
    per_window: usize,
    window: Duration,
    starts: Mutex<VecDeque<Instant>>,
}

impl Pacer {
    /// `None` when `per_window` is 0 (no pacing).
    pub(crate) fn new(per_window: u32, window: Duration) -> Option<Self> {
        (per_window > 0).then(|| Pacer {
            per_window: per_window as usize,
            window,
            starts: Mutex::new(VecDeque::with_capacity(per_window as usize)),
        })
    }

    /// Waits for a start slot and takes it. Returns false, taking nothing, when
    /// `stop` is set before a slot is free.
    pub(crate) fn acquire(&self, stop: &AtomicBool) -> bool {
        loop {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            let wait = match self.try_take(Instant::now()) {
                None => return true,
                Some(wait) => wait,
            };
            std::thread::sleep(wait.min(STOP_POLL));
        }
    }

    /// Takes a slot at `now` if the window has room; otherwise says how long
    /// until the oldest start leaves the window.
    fn try_take(&self, now: Instant) -> Option<Duration> {
        let mut starts = self.starts.lock().unwrap_or_else(|p| p.into_inner());
        while starts
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= self.window)
        {
            starts.pop_front();
        }
        if starts.len() < self.per_window {
            starts.push_back(now);
            return None;
        }
        let oldest = *starts.front().expect("a full window has an oldest start");
        Some((oldest + self.window).saturating_duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_waits_for_its_oldest_start() {
        let pacer = Pacer::new(3, Duration::from_secs(1)).unwrap();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        for i in 0..3 {
            assert_eq!(pacer.try_take(t0 + ms(100 * i)), None);
        }
        assert_eq!(pacer.try_take(t0 + ms(400)), Some(ms(600)));
        // The oldest start has left the window: one slot is free again, and
        // the next waits for the second oldest.
        assert_eq!(pacer.try_take(t0 + ms(1000)), None);
        assert_eq!(pacer.try_take(t0 + ms(1000)), Some(ms(100)));
    }

    #[test]
    fn no_window_ever_holds_more_than_the_limit() {
        let pacer = Pacer::new(5, Duration::from_millis(100)).unwrap();
        let mut t = Instant::now();
        let mut admitted = Vec::new();
        while admitted.len() < 40 {
            match pacer.try_take(t) {
                None => admitted.push(t),
                Some(wait) => t += wait,
            }
        }
        for (i, start) in admitted.iter().enumerate() {
            let in_window = admitted[i..]
                .iter()
                .take_while(|&&s| s.duration_since(*start) < Duration::from_millis(100))
                .count();
            assert!(in_window <= 5, "{in_window} starts in one window");
        }
    }

    #[test]
    fn a_stop_ends_the_wait_without_taking_a_slot() {
        let pacer = Pacer::new(1, Duration::from_secs(3600)).unwrap();
        let stop = AtomicBool::new(false);
        assert!(pacer.acquire(&stop));
        stop.store(true, Ordering::SeqCst);
        assert!(!pacer.acquire(&stop));
    }

    #[test]
    fn zero_means_unpaced() {
        assert!(Pacer::new(0, Duration::from_secs(1)).is_none());
    }
}
