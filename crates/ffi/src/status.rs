//! The status codes every fallible function returns, and the tri-state used
//! for optional booleans.

use core_client::ErrorKind;

/// What a fallible function returns. The values are stable: new codes may be
/// added at the end, existing ones are never renumbered.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cloudsso_status {
    /// Success.
    CLOUDSSO_OK = 0,
    /// A pointer argument that must not be NULL was NULL; nothing was done.
    CLOUDSSO_NULL_ARGUMENT = 1,
    /// A string argument was not valid UTF-8; nothing was done.
    CLOUDSSO_INVALID_UTF8 = 2,
    /// An argument or option broke a rule (the error's field names it); nothing was sent.
    CLOUDSSO_INVALID_ARGUMENT = 3,
    /// No usable credentials were found; nothing was sent.
    CLOUDSSO_CREDENTIALS = 4,
    /// The service answered with an error (see the error's code and request id).
    CLOUDSSO_SERVICE = 5,
    /// The service refused the call because of its rate limit.
    CLOUDSSO_THROTTLED = 6,
    /// The service did not answer in time.
    CLOUDSSO_TIMEOUT = 7,
    /// The connection could not be made or broke.
    CLOUDSSO_TRANSPORT = 8,
    /// The service answered something the library cannot read.
    CLOUDSSO_DECODE = 9,
    /// The library hit an internal bug; the call was abandoned safely.
    CLOUDSSO_PANIC = 10,
}

impl cloudsso_status {
    /// The status for a core error kind: the only place kinds are mapped.
    pub(crate) fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::Validation => cloudsso_status::CLOUDSSO_INVALID_ARGUMENT,
            ErrorKind::Credentials => cloudsso_status::CLOUDSSO_CREDENTIALS,
            ErrorKind::Service => cloudsso_status::CLOUDSSO_SERVICE,
            ErrorKind::Throttled => cloudsso_status::CLOUDSSO_THROTTLED,
            ErrorKind::Timeout => cloudsso_status::CLOUDSSO_TIMEOUT,
            ErrorKind::Transport => cloudsso_status::CLOUDSSO_TRANSPORT,
            ErrorKind::Decode => cloudsso_status::CLOUDSSO_DECODE,
            // A kind added to the core later: the service family is the safest reading.
            _ => cloudsso_status::CLOUDSSO_SERVICE,
        }
    }
}

/// An optional boolean: one of `CLOUDSSO_UNSET`, `CLOUDSSO_FALSE`, `CLOUDSSO_TRUE`.
///
/// A plain integer rather than an enum so that any value a C caller passes is
/// well defined: values other than these three are rejected with
/// `CLOUDSSO_INVALID_ARGUMENT`.
pub type cloudsso_tristate = i32;

/// Not given: the service's default applies.
pub const CLOUDSSO_UNSET: cloudsso_tristate = 0;
/// Explicitly false.
pub const CLOUDSSO_FALSE: cloudsso_tristate = 1;
/// Explicitly true.
pub const CLOUDSSO_TRUE: cloudsso_tristate = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_values_never_change() {
        use cloudsso_status::*;
        let table = [
            (CLOUDSSO_OK, 0),
            (CLOUDSSO_NULL_ARGUMENT, 1),
            (CLOUDSSO_INVALID_UTF8, 2),
            (CLOUDSSO_INVALID_ARGUMENT, 3),
            (CLOUDSSO_CREDENTIALS, 4),
            (CLOUDSSO_SERVICE, 5),
            (CLOUDSSO_THROTTLED, 6),
            (CLOUDSSO_TIMEOUT, 7),
            (CLOUDSSO_TRANSPORT, 8),
            (CLOUDSSO_DECODE, 9),
            (CLOUDSSO_PANIC, 10),
        ];
        for (status, value) in table {
            assert_eq!(status as i32, value, "{status:?}");
        }
    }
}
