//! Token buckets like the service's flow control: one per account and one global, each holding
//! one second's worth of calls. A rate of 0 turns a bucket off.

use std::collections::HashMap;
use std::time::Instant;

use crate::errors::ApiError;
use crate::state::ThrottleRates;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn full(rate: u32) -> Self {
        Bucket {
            tokens: f64::from(rate),
            last: Instant::now(),
        }
    }

    fn refill(&mut self, rate: u32, now: Instant) {
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * f64::from(rate)).min(f64::from(rate));
        self.last = now;
    }
}

#[derive(Debug)]
pub(crate) struct Throttle {
    rates: ThrottleRates,
    global: Bucket,
    accounts: HashMap<String, Bucket>,
}

impl Throttle {
    pub(crate) fn new(rates: ThrottleRates) -> Self {
        Throttle {
            rates,
            global: Bucket::full(rates.global_per_second),
            accounts: HashMap::new(),
        }
    }

    pub(crate) fn rates(&self) -> ThrottleRates {
        self.rates
    }

    /// New rates start with full buckets.
    pub(crate) fn set_rates(&mut self, rates: ThrottleRates) {
        *self = Throttle::new(rates);
    }

    /// Takes one token from the account's bucket, then from the global one. A refused call
    /// takes nothing from the other bucket.
    pub(crate) fn admit(&mut self, account_id: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let (per_account, global) = (
            self.rates.per_account_per_second,
            self.rates.global_per_second,
        );
        if global > 0 {
            self.global.refill(global, now);
        }
        if per_account > 0 {
            if self.accounts.len() > 10_000 {
                self.accounts.clear();
            }
            let bucket = self
                .accounts
                .entry(account_id.to_owned())
                .or_insert_with(|| Bucket::full(per_account));
            bucket.refill(per_account, now);
            if bucket.tokens < 1.0 {
                return Err(ApiError::throttled_user());
            }
            if global > 0 && self.global.tokens < 1.0 {
                return Err(ApiError::throttled_api());
            }
            bucket.tokens -= 1.0;
        } else if global > 0 && self.global.tokens < 1.0 {
            return Err(ApiError::throttled_api());
        }
        if global > 0 {
            self.global.tokens -= 1.0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(per_account: u32, global: u32) -> ThrottleRates {
        ThrottleRates {
            per_account_per_second: per_account,
            global_per_second: global,
        }
    }

    #[test]
    fn account_bucket_empties_after_one_second_worth() {
        let mut t = Throttle::new(rates(3, 0));
        for _ in 0..3 {
            t.admit("a").unwrap();
        }
        assert_eq!(t.admit("a").unwrap_err().code, "Throttling.User");
        t.admit("b").unwrap();
    }

    #[test]
    fn global_bucket_spans_accounts() {
        let mut t = Throttle::new(rates(10, 2));
        t.admit("a").unwrap();
        t.admit("b").unwrap();
        assert_eq!(t.admit("c").unwrap_err().code, "Throttling.Api");
    }

    #[test]
    fn buckets_refill_over_time() {
        let mut t = Throttle::new(rates(20, 0));
        for _ in 0..20 {
            t.admit("a").unwrap();
        }
        assert!(t.admit("a").is_err());
        std::thread::sleep(std::time::Duration::from_millis(120));
        t.admit("a").unwrap();
    }

    #[test]
    fn zero_means_off() {
        let mut t = Throttle::new(rates(0, 0));
        for _ in 0..1000 {
            t.admit("a").unwrap();
        }
    }
}
