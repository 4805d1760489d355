//! `cloudsso_error`: what a failed call tells its caller, and the one place
//! where the core's error type is mapped for C.
//!
//! Every string is copied out of the core error when the error is made, so the
//! accessors only hand out pointers into this object. The core never puts a
//! password, secret or token into an error, so none can leak from here.

use crate::status::cloudsso_status;
use std::ffi::{CString, c_char};
use std::ptr;

/// Details of a failed call. Opaque; read it with the `cloudsso_error_*`
/// accessors and release it with `cloudsso_error_free`. Immutable, so it may
/// be read from several threads at once.
#[derive(Debug)]
pub struct cloudsso_error {
    status: cloudsso_status,
    message: CString,
    description: CString,
    field: Option<CString>,
    code: Option<CString>,
    request_id: Option<CString>,
    host_id: Option<CString>,
    recommend: Option<CString>,
    http_status: u16,
    attempts: u32,
    outcome_unknown: bool,
    clock_skew_ms: i64,
}

/// A failed call on its way to C.
pub(crate) type Failure = Box<cloudsso_error>;

/// A C copy of `text`. Text from the service may hold a NUL, which C cannot
/// represent: it becomes U+FFFD rather than cutting the string short.
pub(crate) fn c_text(text: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| {
        CString::new(text.replace('\0', "\u{FFFD}")).expect("NUL bytes were replaced")
    })
}

impl cloudsso_error {
    /// An error raised by this layer (not by the core): no service metadata.
    fn local(
        status: cloudsso_status,
        field: &str,
        message: String,
        description: String,
    ) -> Failure {
        Box::new(cloudsso_error {
            status,
            message: c_text(&message),
            description: c_text(&description),
            field: Some(c_text(field)),
            code: None,
            request_id: None,
            host_id: None,
            recommend: None,
            http_status: 0,
            attempts: 0,
            outcome_unknown: false,
            clock_skew_ms: -1,
        })
    }

    /// The argument `name` was NULL where a value is required.
    pub(crate) fn null_argument(name: &str) -> Failure {
        let message = format!("{name} must not be NULL");
        let description = format!("invalid call: {message}");
        Self::local(
            cloudsso_status::CLOUDSSO_NULL_ARGUMENT,
            name,
            message,
            description,
        )
    }

    /// The string argument `name` was not valid UTF-8 (its bytes are not repeated).
    pub(crate) fn invalid_utf8(name: &str) -> Failure {
        let message = format!("{name} is not valid UTF-8");
        let description = format!("invalid request: {message}");
        Self::local(
            cloudsso_status::CLOUDSSO_INVALID_UTF8,
            name,
            message,
            description,
        )
    }

    /// An argument this layer checks itself (a tri-state, a signature version).
    pub(crate) fn invalid_argument(field: &str, rule: &str) -> Failure {
        let description = format!("invalid request: {field}: {rule}");
        Self::local(
            cloudsso_status::CLOUDSSO_INVALID_ARGUMENT,
            field,
            rule.to_owned(),
            description,
        )
    }

    /// The service generated a password holding a NUL byte, which a C string
    /// cannot carry. The password was changed, so the outcome is reported as
    /// unknown rather than handing out a truncated password.
    pub(crate) fn unrepresentable_password(request_id: &str) -> Failure {
        let mut e = Self::local(
            cloudsso_status::CLOUDSSO_DECODE,
            "new_password",
            "the generated password contains a NUL byte and cannot be returned to C".to_owned(),
            format!(
                "unreadable response: the generated password contains a NUL byte and cannot be \
                 returned to C [request id {request_id}]. The outcome is unknown: the password \
                 was changed; reset it again"
            ),
        );
        e.request_id = Some(c_text(request_id));
        e.outcome_unknown = true;
        e
    }

    /// A panic was caught at the boundary.
    pub(crate) fn panic() -> Failure {
        Box::new(cloudsso_error {
            status: cloudsso_status::CLOUDSSO_PANIC,
            message: c_text("internal error in libcloudsso (a bug; please report it)"),
            description: c_text("internal error in libcloudsso (a bug; please report it)"),
            field: None,
            code: None,
            request_id: None,
            host_id: None,
            recommend: None,
            http_status: 0,
            attempts: 0,
            outcome_unknown: false,
            clock_skew_ms: -1,
        })
    }

    /// The status this error stands for.
    pub(crate) fn status(&self) -> cloudsso_status {
        self.status
    }
}

impl From<core_client::Error> for Failure {
    /// The one mapping from the core error to C.
    fn from(e: core_client::Error) -> Failure {
        let text = |s: Option<&str>| s.map(c_text);
        Box::new(cloudsso_error {
            status: cloudsso_status::from_kind(e.kind()),
            message: c_text(e.message()),
            description: c_text(&e.to_string()),
            field: text(e.field()),
            code: text(e.code()),
            request_id: text(e.request_id()),
            host_id: text(e.host_id()),
            recommend: text(e.recommend()),
            http_status: e.http_status().unwrap_or(0),
            attempts: e.attempts(),
            outcome_unknown: e.is_outcome_unknown(),
            clock_skew_ms: e
                .clock_skew()
                .map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        })
    }
}

/// Reads a field of `err`, answering `default` when `err` is NULL.
fn read<T>(err: *const cloudsso_error, default: T, get: impl FnOnce(&cloudsso_error) -> T) -> T {
    ffi_value!(None, {
        // SAFETY: the caller passes NULL or an error from this library that is not yet freed.
        unsafe { err.as_ref() }.map(get)
    })
    .unwrap_or(default)
}

/// A pointer to an optional string owned by the error, or NULL.
fn opt_ptr(text: &Option<CString>) -> *const c_char {
    text.as_deref().map_or(ptr::null(), |s| s.as_ptr())
}

/// The status of the failed call (`CLOUDSSO_NULL_ARGUMENT` when `err` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_status(err: *const cloudsso_error) -> cloudsso_status {
    read(err, cloudsso_status::CLOUDSSO_NULL_ARGUMENT, |e| e.status)
}

/// What went wrong: for service errors the service's own message, otherwise a
/// sentence naming the problem. Never NULL for a non-NULL `err`.
///
/// The string is owned by `err` and valid until `cloudsso_error_free(err)`.
/// It never contains a password, secret or security token.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_message(err: *const cloudsso_error) -> *const c_char {
    read(err, ptr::null(), |e| e.message.as_ptr())
}

/// The full human-readable description, ready for a log line: kind, code,
/// HTTP status, message, a hint, the request id and the attempts made.
/// Never NULL for a non-NULL `err`; owned by `err`, valid until it is freed.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_description(err: *const cloudsso_error) -> *const c_char {
    read(err, ptr::null(), |e| e.description.as_ptr())
}

/// The service's error code (e.g. "EntityNotExists.User"), or NULL for errors
/// that did not come from the service. Owned by `err`, valid until it is freed.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_code(err: *const cloudsso_error) -> *const c_char {
    read(err, ptr::null(), |e| opt_ptr(&e.code))
}

/// The request id of the failed call, or NULL when there was none.
/// Owned by `err`, valid until it is freed.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_request_id(err: *const cloudsso_error) -> *const c_char {
    read(err, ptr::null(), |e| opt_ptr(&e.request_id))
}

/// The HTTP status of the service's answer, or 0 when there was no answer.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_http_status(err: *const cloudsso_error) -> i32 {
    read(err, 0, |e| i32::from(e.http_status))
}

/// The service's `HostId`, or NULL. Owned by `err`, valid until it is freed.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_host_id(err: *const cloudsso_error) -> *const c_char {
    read(err, ptr::null(), |e| opt_ptr(&e.host_id))
}

/// The service's `Recommend` (usually a diagnosis link), or NULL.
/// Owned by `err`, valid until it is freed.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_recommend(err: *const cloudsso_error) -> *const c_char {
    read(err, ptr::null(), |e| opt_ptr(&e.recommend))
}

/// For `CLOUDSSO_INVALID_ARGUMENT`, `CLOUDSSO_NULL_ARGUMENT` and
/// `CLOUDSSO_INVALID_UTF8`: the name of the offending field or argument
/// (e.g. "user_id", "endpoint"); NULL otherwise. Owned by `err`.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_field(err: *const cloudsso_error) -> *const c_char {
    read(err, ptr::null(), |e| opt_ptr(&e.field))
}

/// How many attempts were made before giving up (0 when nothing was sent).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_attempts(err: *const cloudsso_error) -> u32 {
    read(err, 0, |e| e.attempts)
}

/// True when the service may have changed the password although no answer
/// arrived: check the user before resetting again.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_outcome_unknown(err: *const cloudsso_error) -> bool {
    read(err, false, |e| e.outcome_unknown)
}

/// For timestamp errors: how far this machine's clock is from the service's,
/// in milliseconds (measured from the service's `Date` header); -1 when no
/// skew was measured.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_clock_skew_ms(err: *const cloudsso_error) -> i64 {
    read(err, -1, |e| e.clock_skew_ms)
}

/// Releases an error. NULL is a no-op. Every string obtained from `err`
/// becomes invalid. Do not free the same error twice.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_error_free(err: *mut cloudsso_error) {
    ffi_value!((), {
        if !err.is_null() {
            // SAFETY: `err` came from Box::into_raw in this library and is freed once.
            drop(unsafe { Box::from_raw(err) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn nul_in_service_text_does_not_truncate() {
        assert_eq!(c_text("a\0b").to_str().unwrap(), "a\u{FFFD}b");
    }

    #[test]
    fn accessors_on_null_answer_their_defaults() {
        let null = ptr::null();
        assert_eq!(
            cloudsso_error_status(null),
            cloudsso_status::CLOUDSSO_NULL_ARGUMENT
        );
        assert!(cloudsso_error_message(null).is_null());
        assert_eq!(cloudsso_error_http_status(null), 0);
        cloudsso_error_free(ptr::null_mut());
    }

    #[test]
    fn local_errors_name_the_argument() {
        let e = Box::into_raw(cloudsso_error::null_argument("user_id"));
        let field = unsafe { CStr::from_ptr(cloudsso_error_field(e)) };
        assert_eq!(field.to_str().unwrap(), "user_id");
        assert!(cloudsso_error_code(e).is_null());
        cloudsso_error_free(e);
    }
}
