//! Bulk resets: many `ResetUserPassword` calls over one [`Client`], paced to
//! the service's limit, each reported to a [`BulkSink`] as it starts and ends.
//!
//! Why a runner and not a loop: an administrator resetting a thousand users
//! after an incident needs the job to go as fast as the service allows and no
//! faster (throttled calls waste time and budget), to survive being stopped,
//! and to leave a record saying exactly which users got a new password. The
//! runner gives the first two; the sink's two hooks make the third possible
//! (the CLI's `bulk-reset` writes a journal from them).
//!
//! - [`BulkRunner::concurrency`] worker threads (default 8), scoped to the
//!   run: the core stays free of any async runtime.
//! - Pacing: at most [`BulkRunner::starts_per_second`] calls start in any
//!   one-second window (default 100, the service's per-account limit), on top
//!   of the client's own rate limit and retries.
//! - A throttled call (which the service refused without acting) is tried
//!   again by the runner after a pause, up to [`BulkRunner::throttle_retries`]
//!   more times, so a job finishes even when something else shares the limit.
//! - A stop flag: once set, no new call starts; calls in flight finish (or
//!   time out) and are reported.
//!
//! ```no_run
//! use cloudsso::bulk::{BulkRunner, BulkSink, SinkError};
//! use cloudsso::{Error, ResetUserPasswordRequest, ResetUserPasswordResponse};
//! use std::sync::atomic::AtomicBool;
//!
//! struct Print;
//! impl BulkSink for Print {
//!     fn started(&self, _: usize, r: &ResetUserPasswordRequest) -> Result<(), SinkError> {
//!         eprintln!("sending {}", r.user_id());
//!         Ok(())
//!     }
//!     fn finished(
//!         &self,
//!         _: usize,
//!         r: &ResetUserPasswordRequest,
//!         outcome: Result<ResetUserPasswordResponse, Error>,
//!     ) -> Result<(), SinkError> {
//!         eprintln!("{}: {}", r.user_id(), if outcome.is_ok() { "done" } else { "failed" });
//!         Ok(())
//!     }
//! }
//!
//! let client = cloudsso::Client::builder().build()?;
//! let requests = ["u-1", "u-2"].map(|u| {
//!     ResetUserPasswordRequest::new("d-00fc2p61abcd", u).generate_random_password(true)
//! });
//! let stop = AtomicBool::new(false);
//! let report = BulkRunner::new(&client).concurrency(4).run(requests, &Print, &stop)?;
//! assert_eq!(report.started, report.finished);
//! # Ok::<(), cloudsso::Error>(())
//! ```

mod pacing;
mod sink;
mod worker;

pub use sink::{BulkSink, SinkError};

use crate::{Client, Error, ResetUserPasswordRequest};
use pacing::Pacer;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Default number of calls in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Most worker threads a run may use.
pub const MAX_CONCURRENCY: usize = 256;
/// Default limit on calls started in any one-second window (the service's).
pub const DEFAULT_STARTS_PER_SECOND: u32 = 100;
/// Default extra tries, by the runner, of a call the service throttled.
pub const DEFAULT_THROTTLE_RETRIES: u32 = 10;

/// Runs many resets over one client. Build it, then [`run`](BulkRunner::run).
#[derive(Debug, Clone)]
pub struct BulkRunner<'c> {
    client: &'c Client,
    concurrency: usize,
    starts_per_second: u32,
    throttle_retries: u32,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct BulkReport {
    /// Calls started (reported to [`BulkSink::started`]).
    pub started: u64,
    /// Started calls that ended (reported to [`BulkSink::finished`]); equal to
    /// `started` unless a sink failed.
    pub finished: u64,
    /// Requests that failed validation, reported without being sent.
    pub invalid: u64,
    /// Times the runner tried a throttled call again.
    pub throttle_retries: u64,
    /// True when the run ended because of the stop flag (or a sink error)
    /// rather than the end of the input.
    pub stopped: bool,
    /// The first error a sink returned; the run stopped because of it.
    pub sink_error: Option<SinkError>,
}

impl<'c> BulkRunner<'c> {
    /// A runner with the defaults: 8 workers, 100 starts per second, 10
    /// throttle retries.
    pub fn new(client: &'c Client) -> Self {
        BulkRunner {
            client,
            concurrency: DEFAULT_CONCURRENCY,
            starts_per_second: DEFAULT_STARTS_PER_SECOND,
            throttle_retries: DEFAULT_THROTTLE_RETRIES,
        }
    }

    /// Calls in flight at once: 1 to [`MAX_CONCURRENCY`] (default 8).
    pub fn concurrency(mut self, workers: usize) -> Self {
        self.concurrency = workers;
        self
    }

    /// Most calls started in any one-second window (default 100; 0 turns
    /// pacing off, leaving only the client's own rate limit).
    pub fn starts_per_second(mut self, starts: u32) -> Self {
        self.starts_per_second = starts;
        self
    }

    /// Extra tries of a call the service throttled (default 10; 0 = none
    /// beyond the client's own retries).
    pub fn throttle_retries(mut self, retries: u32) -> Self {
        self.throttle_retries = retries;
        self
    }

    /// Runs every request of `requests` (in order of start, not of end) until
    /// the input ends or `stop` is set, reporting to `sink` from the worker
    /// threads. Returns when every started call has ended.
    ///
    /// Fails only for invalid runner options, before anything is sent.
    pub fn run<I>(
        &self,
        requests: I,
        sink: &dyn BulkSink,
        stop: &AtomicBool,
    ) -> Result<BulkReport, Error>
    where
        I: IntoIterator<Item = ResetUserPasswordRequest>,
        I::IntoIter: Send,
    {
        if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            return Err(Error::invalid_option(
                "concurrency",
                format!("must be 1 to {MAX_CONCURRENCY}"),
            ));
        }
        let shared = worker::Shared {
            client: self.client,
            sink,
            stop,
            pacer: Pacer::new(self.starts_per_second, Duration::from_secs(1)),
            throttle_retries: self.throttle_retries,
            input: Mutex::new((0, requests.into_iter())),
            counters: Default::default(),
            sink_error: Mutex::new(None),
        };
        std::thread::scope(|scope| {
            for _ in 0..self.concurrency {
                scope.spawn(|| shared.work());
            }
        });
        let c = &shared.counters;
        let sink_error = shared
            .sink_error
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        Ok(BulkReport {
            started: c.started.load(Ordering::Relaxed),
            finished: c.finished.load(Ordering::Relaxed),
            invalid: c.invalid.load(Ordering::Relaxed),
            throttle_retries: c.throttle_retries.load(Ordering::Relaxed),
            stopped: stop.load(Ordering::SeqCst),
            sink_error,
        })
    }
}
