//! `cloudsso_client` and the one call it makes.

use crate::boundary::{optional_utf8_arg, utf8_arg};
use crate::config::cloudsso_config;
use crate::error::{Failure, cloudsso_error};
use crate::result::cloudsso_reset_result;
use crate::status::{
    CLOUDSSO_FALSE, CLOUDSSO_TRUE, CLOUDSSO_UNSET, cloudsso_status, cloudsso_tristate,
};
use core_client::{Client, ResetUserPasswordRequest};
use std::ffi::c_char;

/// A CloudSSO client. Opaque; create with `cloudsso_client_new`, release with
/// `cloudsso_client_free`.
///
/// Thread-safe: one client may be used by many threads at once; they share its
/// connection pool, rate limit and retry budget.
pub struct cloudsso_client {
    client: Client,
}

/// Builds a client from `cfg`, checking every option. No network I/O happens.
///
/// On success writes a new client to `*client_out` (the caller owns it and
/// releases it with `cloudsso_client_free`). `cfg` is only read: it stays owned
/// by the caller and may be freed or reused right after.
///
/// On failure `*client_out` is untouched and, if `err` is not NULL, `*err`
/// receives an error to release with `cloudsso_error_free`:
/// `CLOUDSSO_INVALID_ARGUMENT` names the bad option in `cloudsso_error_field`
/// ("endpoint", "region", "max_attempts", "read_timeout", ...);
/// `CLOUDSSO_CREDENTIALS` when no access key was set and none is in the environment.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_client_new(
    cfg: *const cloudsso_config,
    client_out: *mut *mut cloudsso_client,
    err: *mut *mut cloudsso_error,
) -> cloudsso_status {
    ffi_status!(err, {
        let cfg = non_null!(cfg);
        check_out!(client_out);
        let client = cfg.builder().build()?;
        let handle = Box::into_raw(Box::new(cloudsso_client { client }));
        // SAFETY: checked non-NULL above; the caller passes writable storage.
        unsafe { *client_out = handle };
        Ok(())
    })
}

/// Releases a client once no thread uses it any more. NULL is a no-op.
/// Do not free the same client twice.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_client_free(client: *mut cloudsso_client) {
    ffi_value!((), {
        if !client.is_null() {
            // SAFETY: `client` came from cloudsso_client_new and is freed once.
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Reads a tri-state argument; any value but the three constants is refused.
fn tristate(value: cloudsso_tristate, field: &str) -> Result<Option<bool>, Failure> {
    match value {
        CLOUDSSO_UNSET => Ok(None),
        CLOUDSSO_FALSE => Ok(Some(false)),
        CLOUDSSO_TRUE => Ok(Some(true)),
        _ => Err(cloudsso_error::invalid_argument(
            field,
            "must be CLOUDSSO_UNSET, CLOUDSSO_FALSE or CLOUDSSO_TRUE",
        )),
    }
}

/// Resets a user's password (CloudSSO `ResetUserPassword`). Blocks until the
/// service answers, the attempts run out or the timeouts expire.
///
/// * `directory_id` ("d-..."), `user_id` ("u-..."): required.
/// * `password`: the new password, or NULL (or "") to let the service
///   generate one with `generate_random_password` = `CLOUDSSO_TRUE`.
/// * `require_password_reset_for_next_login`: a tri-state.
///
/// Everything is validated before any network I/O; an invalid request never
/// reaches the service. The strings are only read during the call.
///
/// On success writes a new result to `*result_out` (release it with
/// `cloudsso_reset_result_free`). On failure `*result_out` is untouched and, if
/// `err` is not NULL, `*err` receives an error to release with
/// `cloudsso_error_free`. After `CLOUDSSO_TIMEOUT` or `CLOUDSSO_TRANSPORT`,
/// check `cloudsso_error_outcome_unknown` before resetting again.
///
/// Thread-safe: many threads may call this on the same client at once.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn cloudsso_reset_user_password(
    client: *const cloudsso_client,
    directory_id: *const c_char,
    user_id: *const c_char,
    password: *const c_char,
    generate_random_password: cloudsso_tristate,
    require_password_reset_for_next_login: cloudsso_tristate,
    result_out: *mut *mut cloudsso_reset_result,
    err: *mut *mut cloudsso_error,
) -> cloudsso_status {
    ffi_status!(err, {
        let client = non_null!(client);
        if directory_id.is_null() {
            return Err(cloudsso_error::null_argument("directory_id"));
        }
        if user_id.is_null() {
            return Err(cloudsso_error::null_argument("user_id"));
        }
        check_out!(result_out);
        let mut request = ResetUserPasswordRequest::new(
            utf8_arg(directory_id, "directory_id")?,
            utf8_arg(user_id, "user_id")?,
        );
        if let Some(password) = optional_utf8_arg(password, "password")? {
            request = request.password(password);
        }
        if let Some(generate) = tristate(generate_random_password, "generate_random_password")? {
            request = request.generate_random_password(generate);
        }
        if let Some(require) = tristate(
            require_password_reset_for_next_login,
            "require_password_reset_for_next_login",
        )? {
            request = request.require_password_reset_for_next_login(require);
        }
        let response = client.client.reset_user_password(&request)?;
        let result = Box::into_raw(Box::new(cloudsso_reset_result::from_core(response)?));
        // SAFETY: checked non-NULL above; the caller passes writable storage.
        unsafe { *result_out = result };
        Ok(())
    })
}
