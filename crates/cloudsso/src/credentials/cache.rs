//! Temporary credentials cached per client and refreshed before they expire.
//!
//! Refreshes are single-flight: however many threads find the credentials due, one asks the
//! source and the others wait for its answer instead of asking too. When a refresh fails while
//! the credentials in hand are still valid, they stay in use (the failure is logged as a
//! warning, and the next attempt waits a little), so a short STS outage does not fail calls.

use super::{Credentials, CredentialsProvider};
use crate::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// How long before expiry credentials are refreshed.
pub(crate) const REFRESH_AHEAD: Duration = Duration::from_secs(180);
/// After a failed refresh with valid credentials in hand, how long before trying again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// A source of temporary credentials: STS, the metadata service, a credentials URI.
pub(crate) trait Fetch: Send + Sync + fmt::Debug {
    /// Names the source for logs and errors (never a secret).
    fn describe(&self) -> String;
    /// Asks the source for fresh credentials.
    fn fetch(&self) -> Result<Credentials, Error>;
}

/// A [`CredentialsProvider`] over a [`Fetch`] source, with the cache and refresh rules above.
pub(crate) struct Refreshing<F> {
    source: F,
    current: RwLock<Option<Arc<Credentials>>>,
    /// The single-flight gate; holds when the next refresh may be tried after a failure.
    gate: Mutex<Option<Instant>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Far enough from expiry to use without refreshing.
fn is_fresh(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expiration().is_none_or(|at| {
        at.duration_since(now)
            .is_ok_and(|left| left > REFRESH_AHEAD)
    })
}

/// Not expired yet.
fn is_valid(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expiration().is_none_or(|at| at > now)
}

impl<F: Fetch> Refreshing<F> {
    pub(crate) fn new(source: F) -> Self {
        Refreshing {
            source,
            current: RwLock::new(None),
            gate: Mutex::new(None),
        }
    }

    fn current(&self) -> Option<Arc<Credentials>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl<F: Fetch> CredentialsProvider for Refreshing<F> {
    fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        if let Some(c) = self.current().filter(|c| is_fresh(c, SystemTime::now())) {
            return Ok(c);
        }
        let mut retry_after = lock(&self.gate);
        // Another thread may have refreshed while this one waited at the gate.
        let now = SystemTime::now();
        let current = self.current();
        if let Some(c) = current.as_ref().filter(|c| is_fresh(c, now)) {
            return Ok(Arc::clone(c));
        }
        if let (Some(c), Some(after)) = (&current, *retry_after)
            && Instant::now() < after
            && is_valid(c, now)
        {
            return Ok(Arc::clone(c));
        }
        match self.source.fetch() {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&fresh));
                *retry_after = None;
                Ok(fresh)
            }
            Err(error) => match current.filter(|c| is_valid(c, now)) {
                Some(still_valid) => {
                    log::warn!(
                        "refreshing credentials from {} failed ({error}); the current ones stay in use until {}",
                        self.source.describe(),
                        still_valid
                            .expiration()
                            .map(crate::time::format_system_time)
                            .unwrap_or_default()
                    );
                    *retry_after = Some(Instant::now() + RETRY_AFTER_FAILURE);
                    Ok(still_valid)
                }
                None => Err(error),
            },
        }
    }
}

impl<F: Fetch> fmt::Debug for Refreshing<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refreshing")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Hands out credentials expiring `lifetime` from now, counting calls; fails when told.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicU32,
        lifetime: Duration,
        fail: std::sync::atomic::AtomicBool,
    }

    impl Fetch for Counting {
        fn describe(&self) -> String {
            "a test source".into()
        }
        fn fetch(&self) -> Result<Credentials, Error> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if self.fail.load(Ordering::SeqCst) {
                return Err(Error::credentials("refused"));
            }
            Ok(
                Credentials::new(format!("id{n}"), "secret", Some("token".into()))
                    .unwrap()
                    .with_expiration(SystemTime::now() + self.lifetime),
            )
        }
    }

    fn source(lifetime: Duration) -> Refreshing<Counting> {
        Refreshing::new(Counting {
            calls: AtomicU32::new(0),
            lifetime,
            fail: false.into(),
        })
    }

    #[test]
    fn fresh_credentials_are_reused() {
        let cache = source(Duration::from_secs(3600));
        let a = cache.credentials().unwrap();
        let b = cache.credentials().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(cache.source.calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn credentials_due_are_refreshed_once_by_one_of_many_threads() {
        // Due at once (inside the refresh-ahead window), but valid.
        let cache = Arc::new(source(Duration::from_secs(60)));
        let first = cache.credentials().unwrap();
        assert_eq!(first.access_key_id(), "id0");
        // From now on the source hands out long-lived credentials.
        let long = Arc::new(Refreshing::new(Counting {
            calls: AtomicU32::new(1),
            lifetime: Duration::from_secs(3600),
            fail: false.into(),
        }));
        *long.current.write().unwrap() = Some(first);
        let barrier = Arc::new(std::sync::Barrier::new(16));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (long, barrier) = (Arc::clone(&long), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    long.credentials().unwrap().access_key_id().to_string()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), "id1");
        }
        assert_eq!(long.source.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failed_refresh_keeps_valid_credentials_and_waits_before_trying_again() {
        let cache = source(Duration::from_secs(60));
        let first = cache.credentials().unwrap();
        cache.source.fail.store(true, Ordering::SeqCst);
        let again = cache.credentials().unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let _ = cache.credentials().unwrap();
        assert_eq!(
            cache.source.calls.load(Ordering::SeqCst),
            2,
            "no retry at once"
        );
    }

    #[test]
    fn a_failed_refresh_of_expired_credentials_is_an_error() {
        let cache = source(Duration::ZERO);
        cache.credentials().unwrap();
        cache.source.fail.store(true, Ordering::SeqCst);
        assert_eq!(cache.credentials().unwrap_err().message(), "refused");
    }
}
