//! The panic boundary and argument checks every exported function goes through.
//!
//! `ffi_status!` runs a body that returns `Result<(), Failure>` and turns it
//! into a status, writing the error to `*err` only on failure; `ffi_value!`
//! guards accessors and destructors that return a plain value. `non_null!` and
//! [`utf8_arg`] convert pointer and string arguments, naming the argument when
//! one is unusable.

use crate::error::{Failure, cloudsso_error};
use crate::status::cloudsso_status;
use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `$body` (a block returning `Result<(), Failure>`) behind a panic
/// boundary and returns its status; on failure the error goes to `$err`
/// unless it is NULL.
macro_rules! ffi_status {
    ($err:expr, $body:block) => {
        $crate::boundary::finish(
            $crate::boundary::catch(|| -> ::std::result::Result<(), $crate::error::Failure> {
                $body
            }),
            $err,
        )
    };
}

/// Runs `$body` behind a panic boundary, answering `$default` if it panics.
macro_rules! ffi_value {
    ($default:expr, $body:block) => {
        $crate::boundary::catch(|| $body).unwrap_or($default)
    };
}

/// Borrows `*$ptr` as a reference, or returns a null-argument failure naming it.
macro_rules! non_null {
    ($ptr:ident) => {
        match unsafe { $ptr.as_ref() } {
            Some(value) => value,
            None => {
                return Err($crate::error::cloudsso_error::null_argument(stringify!(
                    $ptr
                )))
            }
        }
    };
}

/// Fails with a null-argument error naming `$ptr` when it is NULL (for out-params).
macro_rules! check_out {
    ($ptr:ident) => {
        if $ptr.is_null() {
            return Err($crate::error::cloudsso_error::null_argument(stringify!(
                $ptr
            )));
        }
    };
}

/// Calls `body`, catching any panic so that it never unwinds into C.
pub(crate) fn catch<T>(body: impl FnOnce() -> T) -> std::thread::Result<T> {
    catch_unwind(AssertUnwindSafe(body))
}

/// Turns the outcome of a guarded body into a status, handing the error to
/// the caller through `err` (when not NULL). Nothing is written on success.
pub(crate) fn finish(
    outcome: std::thread::Result<Result<(), Failure>>,
    err: *mut *mut cloudsso_error,
) -> cloudsso_status {
    let failure = match outcome {
        Ok(Ok(())) => return cloudsso_status::CLOUDSSO_OK,
        Ok(Err(failure)) => failure,
        Err(payload) => {
            // Dropping the payload may itself panic: that panic is caught too,
            // and only its payload (never dropped) is left behind.
            if let Err(second) = catch(move || drop(payload)) {
                std::mem::forget(second);
            }
            cloudsso_error::panic()
        }
    };
    let status = failure.status();
    if !err.is_null() {
        // SAFETY: the caller passes either NULL or a pointer to writable storage.
        unsafe { *err = Box::into_raw(failure) };
    }
    status
}

/// Reads the C string argument `name` as UTF-8, borrowing it for the call.
pub(crate) fn utf8_arg<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(cloudsso_error::null_argument(name));
    }
    // SAFETY: the caller passes a NUL-terminated string that lives for the call.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| cloudsso_error::invalid_utf8(name))
}

/// Like [`utf8_arg`], but NULL means "not given".
pub(crate) fn optional_utf8_arg<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        Ok(None)
    } else {
        utf8_arg(ptr, name).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn a_panic_becomes_the_panic_status_and_an_error() {
        let mut err: *mut cloudsso_error = ptr::null_mut();
        let status = ffi_status!(&mut err, {
            if err.is_null() {
                panic!("boom");
            }
            Ok(())
        });
        assert_eq!(status, cloudsso_status::CLOUDSSO_PANIC);
        assert!(!err.is_null());
        assert_eq!(
            crate::error::cloudsso_error_status(err),
            cloudsso_status::CLOUDSSO_PANIC
        );
        crate::error::cloudsso_error_free(err);
    }

    #[test]
    fn a_panicking_accessor_answers_its_default() {
        let v: i32 = ffi_value!(-1, {
            if std::hint::black_box(true) {
                panic!("boom");
            }
            5
        });
        assert_eq!(v, -1);
    }

    #[test]
    fn success_leaves_err_untouched() {
        let sentinel = std::ptr::dangling_mut::<cloudsso_error>();
        let mut err = sentinel;
        let status = ffi_status!(&mut err, { Ok(()) });
        assert_eq!(status, cloudsso_status::CLOUDSSO_OK);
        assert_eq!(err, sentinel);
    }

    #[test]
    fn bad_utf8_is_its_own_failure() {
        let bad = b"\xC3\x28\0";
        let e = utf8_arg(bad.as_ptr().cast(), "user_id").unwrap_err();
        assert_eq!(e.status(), cloudsso_status::CLOUDSSO_INVALID_UTF8);
        let e = utf8_arg(ptr::null(), "user_id").unwrap_err();
        assert_eq!(e.status(), cloudsso_status::CLOUDSSO_NULL_ARGUMENT);
        assert_eq!(optional_utf8_arg(ptr::null(), "x").unwrap(), None);
    }
}
