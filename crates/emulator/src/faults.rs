//! Queued fault injections: each applies to the next N API requests, in the order queued.

use std::collections::VecDeque;

use serde::Deserialize;

/// What a fault does to the API request it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer the configured status/code/message (or a verbatim body) without processing.
    Respond,
    /// Close the connection without reading the body or answering.
    DropBeforeRead,
    /// Read the whole request, then close without processing or answering.
    DropAfterRead,
    /// Process the request for real (the password changes), then close without answering.
    DropAfterProcess,
    /// Process, then answer 200 with a `Content-Length` above the bytes sent, and close.
    TruncatedBody,
    /// Process, then answer 200 with a body that is not JSON.
    GarbageBody,
    /// Sleep `delay_ms`, then process normally.
    Delay,
    /// Wait until `POST /_emulator/release` (at most [`crate::MAX_HOLD`]), then process
    /// normally: "N requests were in flight together" without timing anything.
    Hold,
}

impl FaultAction {
    pub(crate) fn name(self) -> &'static str {
        match self {
            FaultAction::Respond => "respond",
            FaultAction::DropBeforeRead => "drop_before_read",
            FaultAction::DropAfterRead => "drop_after_read",
            FaultAction::DropAfterProcess => "drop_after_process",
            FaultAction::TruncatedBody => "truncated_body",
            FaultAction::GarbageBody => "garbage_body",
            FaultAction::Delay => "delay",
            FaultAction::Hold => "hold",
        }
    }
}

/// A fault as posted to `POST /_emulator/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// How many of the next API requests it applies to.
    #[serde(default = "one")]
    pub count: u32,
    /// What happens.
    pub action: FaultAction,
    /// HTTP status for `respond`.
    #[serde(default = "service_unavailable")]
    pub status: u16,
    /// Error code for `respond`.
    #[serde(default = "service_unavailable_code")]
    pub code: String,
    /// Error message for `respond`.
    #[serde(default = "service_unavailable_message")]
    pub message: String,
    /// Sleep before the action, for every action.
    #[serde(default)]
    pub delay_ms: u64,
    /// Sent as `x-acs-retry-after` (milliseconds) by `respond`.
    #[serde(default)]
    pub retry_after_ms: Option<u64>,
    /// Verbatim body for `respond` instead of the service's error body.
    #[serde(default)]
    pub body: Option<String>,
    /// Content type of the verbatim body.
    #[serde(default)]
    pub content_type: Option<String>,
}

fn one() -> u32 {
    1
}
fn service_unavailable() -> u16 {
    503
}
fn service_unavailable_code() -> String {
    "ServiceUnavailable".into()
}
fn service_unavailable_message() -> String {
    "The request has failed due to a temporary failure of the server.".into()
}

impl Fault {
    /// Rejects faults that could not be sent as HTTP.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if !(100..=999).contains(&self.status) {
            return Err("status must be a three-digit HTTP status".into());
        }
        if self.delay_ms > 600_000 {
            return Err("delay_ms must be at most 600000".into());
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<Fault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.queue.push_back(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
    }

    pub(crate) fn pending(&self) -> u64 {
        self.queue.iter().map(|f| u64::from(f.count)).sum()
    }

    /// The fault for the next API request, if any, using up one of its count.
    pub(crate) fn take(&mut self) -> Option<Fault> {
        let front = self.queue.front_mut()?;
        front.count -= 1;
        let fault = front.clone();
        if front.count == 0 {
            self.queue.pop_front();
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_in_order_and_count_down() {
        let mut q = FaultQueue::default();
        let f: Fault = serde_json::from_str(r#"{"count": 2, "action": "delay"}"#).unwrap();
        q.push(f);
        q.push(serde_json::from_str(r#"{"action": "respond", "status": 502}"#).unwrap());
        assert_eq!(q.pending(), 3);
        assert_eq!(q.take().unwrap().action, FaultAction::Delay);
        assert_eq!(q.take().unwrap().action, FaultAction::Delay);
        let r = q.take().unwrap();
        assert_eq!(
            (r.action, r.status, r.code.as_str()),
            (FaultAction::Respond, 502, "ServiceUnavailable")
        );
        assert!(q.take().is_none());
    }
}
