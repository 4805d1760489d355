//! Counters and the request log behind `/_emulator/stats` and `/_emulator/requests`.
//!
//! The log keeps parameter and header NAMES and a few non-secret values (access key id, nonce,
//! timestamp); never a password, secret, token or signature.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

/// How many API requests the log keeps.
pub const REQUEST_LOG_CAPACITY: usize = 1000;

/// Query parameters whose values the request log never keeps.
pub const REDACTED_PARAMETERS: [&str; 4] =
    ["Password", "SecurityToken", "Signature", "AccessKeySecret"];

/// `target` with the values of [`REDACTED_PARAMETERS`] replaced, byte-identical otherwise.
pub(crate) fn redact_target(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_owned();
    };
    let segments: Vec<String> = query
        .split('&')
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            let decoded = crate::encoding::form_decode(name).unwrap_or_default();
            if REDACTED_PARAMETERS.contains(&decoded.as_str()) && !value.is_empty() {
                format!("{name}=REDACTED")
            } else {
                segment.to_owned()
            }
        })
        .collect();
    format!("{path}?{}", segments.join("&"))
}

/// Totals since start (or the last reset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every request that reached the API path, faulted and rejected ones included.
    pub requests: u64,
    /// Successful resets (the password changed), including those behind a dropped answer.
    pub resets: u64,
    /// Error answers by code.
    pub errors: BTreeMap<String, u64>,
}

/// One API request as the emulator saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// The request-target (path and query string) as received, except that the values of
    /// [`REDACTED_PARAMETERS`] are replaced by `REDACTED` (their names stay, so a test can
    /// still see that a client put one in the URL).
    pub target: String,
    /// Names of the query parameters, in order.
    pub query_names: Vec<String>,
    /// Names of the form body parameters, in order.
    pub body_names: Vec<String>,
    /// Lower-cased header names, in order.
    pub header_names: Vec<String>,
    /// The `User-Agent` header's value (never secret), so tests can see a client's option.
    pub user_agent: Option<String>,
    /// `"v1"`, `"v3"`, or null when it could not be told.
    pub signature_version: Option<String>,
    /// The access key id claimed by the request.
    pub access_key_id: Option<String>,
    /// `SignatureNonce` / `x-acs-signature-nonce`.
    pub nonce: Option<String>,
    /// `Timestamp` / `x-acs-date`.
    pub timestamp: Option<String>,
    /// `DirectoryId` and `UserId` as sent (ids, not secrets), when the parameters could be read.
    pub directory_id: Option<String>,
    /// See `directory_id`.
    pub user_id: Option<String>,
    /// Error code answered; null on success and when no answer was sent.
    pub code: Option<String>,
    /// HTTP status answered; null when the connection was dropped.
    pub http_status: Option<u16>,
    /// The fault applied, if any.
    pub fault: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Recorder {
    stats: Stats,
    log: VecDeque<LoggedRequest>,
}

impl Recorder {
    pub(crate) fn count_request(&mut self) {
        self.stats.requests += 1;
    }

    pub(crate) fn count_reset(&mut self) {
        self.stats.resets += 1;
    }

    pub(crate) fn count_error(&mut self, code: &str) {
        *self.stats.errors.entry(code.to_owned()).or_default() += 1;
    }

    pub(crate) fn log(&mut self, entry: LoggedRequest) {
        if self.log.len() == REQUEST_LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(entry);
    }

    pub(crate) fn stats(&self) -> Stats {
        self.stats.clone()
    }

    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        self.log.iter().cloned().collect()
    }

    pub(crate) fn reset_stats(&mut self) {
        self.stats = Stats::default();
    }

    pub(crate) fn reset_log(&mut self) {
        self.log.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_lose_secret_values_but_keep_names() {
        assert_eq!(
            redact_target("/?A=1&Password=p%41ss&Pass%77ord=x&SecurityToken=t&B&Signature=s"),
            "/?A=1&Password=REDACTED&Pass%77ord=REDACTED&SecurityToken=REDACTED&B&Signature=REDACTED"
        );
        assert_eq!(redact_target("/"), "/");
    }

    #[test]
    fn log_keeps_the_last_thousand() {
        let mut r = Recorder::default();
        for i in 0..REQUEST_LOG_CAPACITY + 5 {
            r.log(LoggedRequest {
                target: i.to_string(),
                ..Default::default()
            });
        }
        let log = r.requests();
        assert_eq!(log.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(log[0].target, "5");
    }
}
