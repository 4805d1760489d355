//! Where a bulk run reports each call: the hook before it is sent, and its end.

use crate::{Error, ResetUserPasswordRequest, ResetUserPasswordResponse};

/// What a sink may fail with (a journal that cannot be written, say).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Receives the calls of a bulk run as they happen, from the worker threads.
///
/// The two hooks exist so that a caller can keep a crash-safe record: write
/// "about to send" in [`started`](BulkSink::started) before anything leaves the
/// machine, and the result in [`finished`](BulkSink::finished). A call that a
/// stop kept from starting reaches neither hook, so a record holds no users
/// whose fate is unclear except those truly in flight.
///
/// `index` is the request's position in the input sequence (0-based).
pub trait BulkSink: Sync {
    /// Called just before the request is sent. An error keeps it from being
    /// sent and stops the run (no new calls start; those in flight finish).
    fn started(&self, index: usize, request: &ResetUserPasswordRequest) -> Result<(), SinkError>;

    /// Called once per request that was started, or that failed validation
    /// (then without `started`: nothing was sent), with its final outcome. An
    /// error stops the run.
    fn finished(
        &self,
        index: usize,
        request: &ResetUserPasswordRequest,
        outcome: Result<ResetUserPasswordResponse, Error>,
    ) -> Result<(), SinkError>;
}
