//! `cloudsso_reset_result`: what a successful reset returns to C.

use crate::error::{Failure, c_text, cloudsso_error};
use std::ffi::{CString, c_char};
use std::ptr;
use zeroize::{Zeroize, Zeroizing};

/// The outcome of a successful `cloudsso_reset_user_password`. Opaque;
/// release it with `cloudsso_reset_result_free`, which wipes the password.
/// Immutable, so it may be read from several threads at once.
pub struct cloudsso_reset_result {
    request_id: CString,
    /// The generated password; its bytes are overwritten with zeros on drop.
    new_password: Option<Zeroizing<CString>>,
}

impl cloudsso_reset_result {
    /// Copies a core response for C; the core's copy of the password is wiped
    /// when the response is dropped here.
    pub(crate) fn from_core(
        mut response: core_client::ResetUserPasswordResponse,
    ) -> Result<Self, Failure> {
        let new_password = match response.take_new_password() {
            // Allocated once at its final size, so no stray copy is left behind.
            Some(secret) => match CString::new(secret.expose()) {
                Ok(password) => Some(Zeroizing::new(password)),
                Err(nul) => {
                    nul.into_vec().zeroize();
                    return Err(cloudsso_error::unrepresentable_password(
                        response.request_id(),
                    ));
                }
            },
            None => None,
        };
        Ok(cloudsso_reset_result {
            request_id: c_text(response.request_id()),
            new_password,
        })
    }
}

/// The service's request id (never NULL for a non-NULL `result`), for audit
/// logs and support cases. Owned by `result`, valid until it is freed.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_reset_result_request_id(
    result: *const cloudsso_reset_result,
) -> *const c_char {
    ffi_value!(ptr::null(), {
        // SAFETY: the caller passes NULL or a live result from this library.
        unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.request_id.as_ptr())
    })
}

/// The password the service generated, or NULL when the caller chose the
/// password (or `result` is NULL). Owned by `result` and wiped by
/// `cloudsso_reset_result_free`: copy it before freeing if it must outlive the
/// result, and never log it.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_reset_result_new_password(
    result: *const cloudsso_reset_result,
) -> *const c_char {
    ffi_value!(ptr::null(), {
        // SAFETY: the caller passes NULL or a live result from this library.
        unsafe { result.as_ref() }
            .and_then(|r| r.new_password.as_ref())
            .map_or(ptr::null(), |p| p.as_ptr())
    })
}

/// Releases a result, overwriting the generated password with zeros first.
/// NULL is a no-op. Do not free the same result twice.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_reset_result_free(result: *mut cloudsso_reset_result) {
    ffi_value!((), {
        if !result.is_null() {
            // SAFETY: `result` came from Box::into_raw in this library and is freed once.
            drop(unsafe { Box::from_raw(result) });
        }
    })
}
