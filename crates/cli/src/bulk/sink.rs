//! The runner's sink for `bulk-reset`: every start and end becomes a journal
//! record on disk before the worker goes on, and a count for the display.

use super::journal::{Journal, now};
use super::progress::Counts;
use cloudsso::bulk::{BulkSink, SinkError};
use cloudsso::{Error, ErrorKind, ResetUserPasswordRequest, ResetUserPasswordResponse};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// How one user's call ended in this run.
#[derive(Debug, Clone)]
pub enum Ended {
    Done,
    Failed(Failure),
}

/// A failed call, without anything secret: what the summary shows.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: &'static str,
    pub code: Option<String>,
    pub outcome_unknown: bool,
    pub permanent: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Started<'a> {
    record: &'static str,
    user_id: &'a str,
    line: u64,
    time: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Done<'a> {
    record: &'static str,
    user_id: &'a str,
    new_password: Option<&'a str>,
    request_id: &'a str,
    time: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedRecord<'a> {
    pub record: &'static str,
    pub user_id: &'a str,
    pub line: u64,
    pub kind: &'a str,
    pub code: Option<&'a str>,
    pub message: &'a str,
    pub request_id: Option<&'a str>,
    pub http_status: Option<u16>,
    pub outcome_unknown: bool,
    pub permanent: bool,
    pub time: String,
}

/// Writes the journal and feeds the display; remembers each end for the summary.
pub struct JournalSink<'a> {
    pub journal: &'a Journal,
    /// Input line of each request, by the runner's index.
    pub lines: &'a [u64],
    pub counts: Arc<Counts>,
    pub stop: &'a AtomicBool,
    pub started: Mutex<Vec<String>>,
    pub ended: Mutex<Vec<(String, Ended)>>,
    /// Set when an error that would fail every user stopped the job.
    pub job_error: Mutex<Option<String>>,
}

impl BulkSink for JournalSink<'_> {
    fn started(&self, index: usize, request: &ResetUserPasswordRequest) -> Result<(), SinkError> {
        self.journal.append(&Started {
            record: "started",
            user_id: request.user_id(),
            line: self.line(index),
            time: now(),
        })?;
        lock(&self.started).push(request.user_id().to_owned());
        Ok(())
    }

    fn finished(
        &self,
        index: usize,
        request: &ResetUserPasswordRequest,
        outcome: Result<ResetUserPasswordResponse, Error>,
    ) -> Result<(), SinkError> {
        let user_id = request.user_id();
        let ended = match outcome {
            Ok(response) => {
                self.journal.append(&Done {
                    record: "done",
                    user_id,
                    new_password: response.new_password(),
                    request_id: response.request_id(),
                    time: now(),
                })?;
                self.counts.done.fetch_add(1, Ordering::Relaxed);
                Ended::Done
            }
            Err(error) => {
                let failure = describe(&error);
                self.journal.append(&FailedRecord {
                    record: "failed",
                    user_id,
                    line: self.line(index),
                    kind: failure.kind,
                    code: error.code(),
                    message: error.message(),
                    request_id: error.request_id(),
                    http_status: error.http_status(),
                    outcome_unknown: failure.outcome_unknown,
                    permanent: failure.permanent,
                    time: now(),
                })?;
                let counter = if failure.outcome_unknown {
                    &self.counts.unknown
                } else {
                    &self.counts.failed
                };
                counter.fetch_add(1, Ordering::Relaxed);
                if fails_every_user(&error) {
                    let mut slot = lock(&self.job_error);
                    slot.get_or_insert_with(|| error.to_string());
                    self.stop.store(true, Ordering::SeqCst);
                }
                Ended::Failed(failure)
            }
        };
        lock(&self.ended).push((user_id.to_owned(), ended));
        Ok(())
    }
}

impl JournalSink<'_> {
    fn line(&self, index: usize) -> u64 {
        self.lines.get(index).copied().unwrap_or(0)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The summary's view of an error, and whether resuming should try again.
pub fn describe(error: &Error) -> Failure {
    Failure {
        kind: error.kind().as_str(),
        code: error.code().map(str::to_owned),
        outcome_unknown: error.is_outcome_unknown(),
        permanent: is_permanent(error),
    }
}

/// True when trying the same user again cannot succeed: the request itself is
/// wrong, or the service refused this user for good. Throttling, time-outs,
/// connection failures, 5xx answers and errors of the whole job (keys,
/// permissions, the directory) are not: a resume tries those users again.
fn is_permanent(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Validation => true,
        ErrorKind::Service => {
            !fails_every_user(error) && error.http_status().is_none_or(|s| s < 500)
        }
        _ => false,
    }
}

/// Errors about the job, not the user: every other call would fail the same
/// way, so the job stops at the first one instead of failing a thousand users.
fn fails_every_user(error: &Error) -> bool {
    if error.kind() == ErrorKind::Credentials {
        return true;
    }
    let Some(code) = error.code() else {
        return false;
    };
    code.starts_with("InvalidAccessKeyId")
        || code.starts_with("InvalidSecurityToken")
        || code.starts_with("InvalidTimeStamp")
        || matches!(
            code,
            "SignatureDoesNotMatch"
                | "IncompleteSignature"
                | "IllegalTimestamp"
                | "Forbidden.RAM"
                | "NoPermission"
                | "EntityNotExists.Directory"
                | "OperationNotSupported.SSOLogonEnabled"
        )
}
