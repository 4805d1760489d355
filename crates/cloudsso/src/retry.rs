//! When a failed attempt may be tried again, and how long to wait first.
//!
//! The rule that matters most: an attempt that may have reached the service is
//! retried only when repeating it cannot lose a password. A caller-chosen
//! password can be set twice; a generated one would be replaced by a second
//! one the caller never saw, so that needs the caller's explicit opt-in.

use crate::error::{Delivery, Error, ErrorKind};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Retry settings of a client.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retries).
    pub max_attempts: u32,
    /// Backoff base for ordinary transient failures.
    pub base_delay: Duration,
    /// Backoff base after throttling.
    pub throttle_base_delay: Duration,
    /// Longest single wait.
    pub max_delay: Duration,
    /// Retry a generated-password call whose outcome is unknown.
    pub retry_unknown_outcome_for_generated: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            throttle_base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            retry_unknown_outcome_for_generated: false,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Give up and report the error.
    Stop,
}

/// Why an error is worth retrying, which sets the backoff base and budget cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The service refused because of load.
    Throttled,
    /// The call did not get through (or the gateway failed it before the service).
    Transient,
    /// The call may have been processed.
    Ambiguous,
}

impl Reason {
    /// Retry-budget tokens a retry of this kind costs (as in the AWS standard mode).
    pub fn cost(self) -> u32 {
        match self {
            Reason::Throttled | Reason::Transient => 5,
            Reason::Ambiguous => 10,
        }
    }
}

/// Sorts an error into a retry reason, or `None` when it must not be retried.
pub fn reason(error: &Error) -> Option<Reason> {
    if error.is_permanent() {
        return None;
    }
    match error.kind() {
        ErrorKind::Throttled => Some(Reason::Throttled),
        ErrorKind::Timeout | ErrorKind::Transport => Some(match error.delivery() {
            Delivery::NotProcessed => Reason::Transient,
            Delivery::MaybeProcessed => Reason::Ambiguous,
        }),
        ErrorKind::Service => {
            let status = error.http_status().unwrap_or(0);
            if matches!(status, 502..=504) || error.code() == Some("ServiceUnavailable") {
                Some(Reason::Transient)
            } else if error.delivery() == Delivery::MaybeProcessed {
                Some(Reason::Ambiguous)
            } else {
                None
            }
        }
        _ => None,
    }
}

impl RetryPolicy {
    /// Decides after attempt number `attempt` (1-based) failed with `error`.
    pub fn decide(&self, error: &Error, attempt: u32, caller_chose_password: bool) -> Decision {
        let Some(reason) = reason(error) else {
            return Decision::Stop;
        };
        if attempt >= self.max_attempts {
            return Decision::Stop;
        }
        if reason == Reason::Ambiguous
            && !caller_chose_password
            && !self.retry_unknown_outcome_for_generated
        {
            return Decision::Stop;
        }
        let base = if reason == Reason::Throttled {
            self.throttle_base_delay
        } else {
            self.base_delay
        };
        let delay = match error.retry_after() {
            Some(hint) => hint.min(self.max_delay),
            None => full_jitter(base, self.max_delay, attempt),
        };
        Decision::RetryAfter(delay)
    }
}

/// A random wait in `[0, min(cap, base * 2^(attempt-1))]`.
pub fn full_jitter(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let ceiling = exp.min(cap).as_micros() as u64;
    let random = getrandom::u64().unwrap_or(ceiling / 2);
    Duration::from_micros(if ceiling == 0 {
        0
    } else {
        random % (ceiling + 1)
    })
}

/// A client-wide allowance of retries, so that many threads cannot hammer a
/// failing service: retries spend tokens, successes earn some back.
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    /// A full budget of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        RetryBudget {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub fn try_spend(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Gives `amount` tokens back, up to the capacity.
    pub fn refill(&self, amount: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(amount).min(self.capacity))
            });
    }

    /// Tokens left (for tests and the `unstable` API).
    #[cfg_attr(not(any(test, feature = "unstable")), allow(dead_code))]
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_the_exponential_ceiling() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(20);
        for attempt in 1..8 {
            let ceiling = (base * (1 << (attempt - 1))).min(cap);
            for _ in 0..50 {
                assert!(full_jitter(base, cap, attempt) <= ceiling);
            }
        }
        assert!(full_jitter(base, cap, 40) <= cap);
    }

    #[test]
    fn budget_spends_and_refills_within_capacity() {
        let b = RetryBudget::new(10);
        assert!(b.try_spend(5));
        assert!(b.try_spend(5));
        assert!(!b.try_spend(1));
        b.refill(100);
        assert_eq!(b.available(), 10);
    }
}
