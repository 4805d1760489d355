//! One worker thread's loop: take the next request, pace, report, call, report.

use super::pacing::Pacer;
use super::sink::{BulkSink, SinkError};
use crate::retry::full_jitter;
use crate::{Client, Error, ErrorKind, ResetUserPasswordRequest, ResetUserPasswordResponse};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Shared by the workers of one run.
pub(crate) struct Shared<'a, I> {
    pub(crate) client: &'a Client,
    pub(crate) sink: &'a dyn BulkSink,
    pub(crate) stop: &'a AtomicBool,
    pub(crate) pacer: Option<Pacer>,
    pub(crate) throttle_retries: u32,
    /// The input and the index of its next item.
    pub(crate) input: Mutex<(usize, I)>,
    pub(crate) counters: Counters,
    pub(crate) sink_error: Mutex<Option<SinkError>>,
}

/// What the workers did, summed.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) started: AtomicU64,
    pub(crate) finished: AtomicU64,
    pub(crate) invalid: AtomicU64,
    pub(crate) throttle_retries: AtomicU64,
}

impl<I: Iterator<Item = ResetUserPasswordRequest>> Shared<'_, I> {
    /// Runs calls until the input ends or a stop is requested.
    pub(crate) fn work(&self) {
        while !self.stopped() {
            let Some((index, request)) = self.next() else {
                return;
            };
            if let Err(invalid) = request.validate() {
                self.counters.invalid.fetch_add(1, Ordering::Relaxed);
                self.finish(index, &request, Err(invalid));
                continue;
            }
            if let Some(pacer) = &self.pacer
                && !pacer.acquire(self.stop)
            {
                // Stopped while waiting for a slot: never started, never reported.
                return;
            }
            if let Err(e) = self.sink.started(index, &request) {
                self.fail_sink(e);
                return;
            }
            self.counters.started.fetch_add(1, Ordering::Relaxed);
            let outcome = self.call(&request);
            self.counters.finished.fetch_add(1, Ordering::Relaxed);
            self.finish(index, &request, outcome);
        }
    }

    fn next(&self) -> Option<(usize, ResetUserPasswordRequest)> {
        let mut input = self.input.lock().unwrap_or_else(|p| p.into_inner());
        let request = input.1.next()?;
        let index = input.0;
        input.0 += 1;
        Some((index, request))
    }

    /// The call, tried again after throttling as long as the service said it
    /// did nothing (throttled answers are refusals, never half-done resets).
    fn call(&self, request: &ResetUserPasswordRequest) -> Result<ResetUserPasswordResponse, Error> {
        let mut round = 0;
        loop {
            let error = match self.client.reset_user_password(request) {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            round += 1;
            let refused = error.kind() == ErrorKind::Throttled && !error.is_outcome_unknown();
            if !refused || round > self.throttle_retries {
                return Err(error);
            }
            // Half a second at least, doubling up to 8 s, with jitter so the
            // workers do not come back together.
            let pause = Duration::from_millis(500)
                + full_jitter(Duration::from_millis(500), Duration::from_secs(8), round);
            if !self.sleep(pause) {
                return Err(error);
            }
            if let Some(pacer) = &self.pacer
                && !pacer.acquire(self.stop)
            {
                return Err(error);
            }
            self.counters
                .throttle_retries
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    fn finish(
        &self,
        index: usize,
        request: &ResetUserPasswordRequest,
        outcome: Result<ResetUserPasswordResponse, Error>,
    ) {
        if let Err(e) = self.sink.finished(index, request, outcome) {
            self.fail_sink(e);
        }
    }

    /// A sink that cannot record must not let more calls start.
    fn fail_sink(&self, error: SinkError) {
        self.stop.store(true, Ordering::SeqCst);
        let mut slot = self.sink_error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(error);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sleeps `total` in short steps; false when a stop came first.
    fn sleep(&self, total: Duration) -> bool {
        let step = Duration::from_millis(25);
        let mut left = total;
        while !left.is_zero() {
            if self.stopped() {
                return false;
            }
            let now = left.min(step);
            std::thread::sleep(now);
            left -= now;
        }
        !self.stopped()
    }
}
