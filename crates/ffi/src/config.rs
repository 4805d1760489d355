//! `cloudsso_config`: client options gathered by setters before a client is built.
//!
//! Every option is a row of the core's option table (`cloudsso::options`):
//! `cloudsso_config_set(cfg, name, value, err)` sets any of them from text,
//! and each also has a typed `cloudsso_config_set_<name>` that forwards to
//! the builder. Setters reject NULL, bad UTF-8 and values the table can judge
//! alone at once; rules that involve several options are the core's, checked
//! by `cloudsso_client_new`, which reports the offending option as a
//! `CLOUDSSO_INVALID_ARGUMENT` error whose field names it (e.g. "endpoint").

use crate::boundary::{optional_utf8_arg, utf8_arg};
use crate::error::cloudsso_error;
use crate::status::cloudsso_status;
use core_client::ClientBuilder;
use std::ffi::c_char;
use std::time::Duration;

/// Options for a client. Opaque; create with `cloudsso_config_new`, release
/// with `cloudsso_config_free`. Not thread-safe: do not change one config from
/// several threads at once. Secrets stored in it are wiped when it is freed.
pub struct cloudsso_config {
    builder: ClientBuilder,
}

impl cloudsso_config {
    /// The recorded options, ready to build a client from.
    pub(crate) fn builder(&self) -> ClientBuilder {
        self.builder.clone()
    }
}

/// Applies one builder option to the config behind `cfg`; the status of a setter.
fn set(
    cfg: *mut cloudsso_config,
    apply: impl FnOnce(ClientBuilder) -> Result<ClientBuilder, Box<cloudsso_error>>,
) -> cloudsso_status {
    set_or_report(cfg, std::ptr::null_mut(), apply)
}

/// Like [`set`], handing the error (if any) to the caller through `err`.
fn set_or_report(
    cfg: *mut cloudsso_config,
    err: *mut *mut cloudsso_error,
    apply: impl FnOnce(ClientBuilder) -> Result<ClientBuilder, Box<cloudsso_error>>,
) -> cloudsso_status {
    ffi_status!(err, {
        // SAFETY: the caller passes NULL or a live config not used by another thread.
        let Some(cfg) = (unsafe { cfg.as_mut() }) else {
            return Err(cloudsso_error::null_argument("cfg"));
        };
        // A failed setter leaves the config as it was.
        cfg.builder = apply(cfg.builder.clone())?;
        Ok(())
    })
}

/// Sets the option `name` from its text `value`: any option of the core's
/// option table ("endpoint", "network", "connect_timeout_ms", "max_attempts",
/// "allow_insecure_http", "root_certificates_pem", ...; the typed
/// `cloudsso_config_set_<name>` functions set the same options). Numbers are
/// decimal text, durations whole milliseconds, booleans "true"/"false".
///
/// The value is parsed and checked now: an unknown name or a bad value gives
/// `CLOUDSSO_INVALID_ARGUMENT`, and the error (written to `*err` unless `err`
/// is NULL) names the option in `cloudsso_error_field` and states the rule.
/// Rules that involve several options (an http endpoint) are checked by
/// `cloudsso_client_new`. Both strings are copied. On failure the config is
/// unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set(
    cfg: *mut cloudsso_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut cloudsso_error,
) -> cloudsso_status {
    set_or_report(cfg, err, |b| {
        let name = utf8_arg(name, "name")?;
        let value = utf8_arg(value, "value")?;
        Ok(b.option(name, value)?)
    })
}

/// A typed setter that forwards text to the option table.
fn set_text(
    cfg: *mut cloudsso_config,
    name: &'static str,
    value: *const c_char,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.option(name, utf8_arg(value, name)?)?))
}

/// Creates a config with every option at its default (region cn-shanghai,
/// credentials from the environment, 3 attempts, 100 calls/s).
///
/// The caller owns the result and releases it with `cloudsso_config_free`.
/// Returns NULL only if the library hit an internal error.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_new() -> *mut cloudsso_config {
    ffi_value!(std::ptr::null_mut(), {
        Box::into_raw(Box::new(cloudsso_config {
            builder: ClientBuilder::default(),
        }))
    })
}

/// Releases a config and wipes the secrets in it. NULL is a no-op. Clients
/// built from it stay valid. Do not free the same config twice.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_free(cfg: *mut cloudsso_config) {
    ffi_value!((), {
        if !cfg.is_null() {
            // SAFETY: `cfg` came from cloudsso_config_new and is freed once.
            drop(unsafe { Box::from_raw(cfg) });
        }
    })
}

/// Sets the endpoint: a full URL ("https://host", "http://127.0.0.1:8080") or
/// a bare host (meaning https). Plain http is accepted only for loopback hosts
/// unless `cloudsso_config_set_allow_insecure_http` is on. The URL is checked
/// by `cloudsso_client_new` (field "endpoint"). The string is copied.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` or `CLOUDSSO_INVALID_UTF8` (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_endpoint(
    cfg: *mut cloudsso_config,
    endpoint: *const c_char,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.endpoint(utf8_arg(endpoint, "endpoint")?)))
}

/// Sets the region of the default endpoint (e.g. "cn-hangzhou"); checked by
/// `cloudsso_client_new` (field "region"). The string is copied.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` or `CLOUDSSO_INVALID_UTF8` (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_region(
    cfg: *mut cloudsso_config,
    region: *const c_char,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.region(utf8_arg(region, "region")?)))
}

/// Sets the access key, and the STS security token that goes with a temporary
/// key (NULL for a long-term key). Without this call, credentials come from
/// ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN when the client is built.
/// The strings are copied; the copies are wiped when the config is freed.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` (id or secret NULL) or
/// `CLOUDSSO_INVALID_UTF8`; the config is then unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_access_key(
    cfg: *mut cloudsso_config,
    access_key_id: *const c_char,
    access_key_secret: *const c_char,
    security_token: *const c_char,
) -> cloudsso_status {
    set(cfg, |b| {
        let id = utf8_arg(access_key_id, "access_key_id")?;
        let secret = utf8_arg(access_key_secret, "access_key_secret")?;
        let token = optional_utf8_arg(security_token, "security_token")?;
        let b = b.access_key(id, secret);
        Ok(match token {
            Some(token) => b.security_token(token),
            None => b,
        })
    })
}

/// Sets the time allowed to connect, in milliseconds (default 5000). Must be
/// more than 0 and at most one hour, checked by `cloudsso_client_new`.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_connect_timeout_ms(
    cfg: *mut cloudsso_config,
    timeout_ms: u64,
) -> cloudsso_status {
    set(cfg, |b| {
        Ok(b.connect_timeout(Duration::from_millis(timeout_ms)))
    })
}

/// Sets the time allowed for the answer, in milliseconds (default 10000). Must
/// be more than 0 and at most one hour, checked by `cloudsso_client_new`.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_read_timeout_ms(
    cfg: *mut cloudsso_config,
    timeout_ms: u64,
) -> cloudsso_status {
    set(cfg, |b| {
        Ok(b.read_timeout(Duration::from_millis(timeout_ms)))
    })
}

/// Sets the attempts per call, the first included (default 3; 1 turns retries
/// off). Must be 1 to 10, checked by `cloudsso_client_new`.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_max_attempts(
    cfg: *mut cloudsso_config,
    max_attempts: u32,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.max_attempts(max_attempts)))
}

/// Allows plain http to hosts other than loopback (default false). Only for
/// test setups: the request carries a signed password change.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_allow_insecure_http(
    cfg: *mut cloudsso_config,
    allow: bool,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.allow_insecure_http(allow)))
}

/// Sets the signature version: "v1" (default) or "v3".
///
/// Returns `CLOUDSSO_INVALID_ARGUMENT` for any other value, or
/// `CLOUDSSO_NULL_ARGUMENT` / `CLOUDSSO_INVALID_UTF8`; the config is then unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_signature_version(
    cfg: *mut cloudsso_config,
    version: *const c_char,
) -> cloudsso_status {
    set_text(cfg, "signature_version", version)
}

/// Sets the client-side rate limit in calls per second, shared by every thread
/// using the client (default 100, the service's own limit; 0 turns it off).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_rate_limit_per_second(
    cfg: *mut cloudsso_config,
    per_second: u32,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.rate_limit_per_second(per_second)))
}

/// Sets text appended to the User-Agent header (printable ASCII, at most 256
/// bytes, checked by `cloudsso_client_new`). The string is copied.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` or `CLOUDSSO_INVALID_UTF8` (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_user_agent(
    cfg: *mut cloudsso_config,
    suffix: *const c_char,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.user_agent(utf8_arg(suffix, "user_agent")?)))
}

/// Also retry calls that ask for a generated password when their outcome is
/// unknown (default false: a retry would replace a password never received).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_retry_unknown_outcome_for_generated(
    cfg: *mut cloudsso_config,
    retry: bool,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.retry_unknown_outcome_for_generated(retry)))
}

/// Trusts exactly the certificates in this PEM text (length `len` bytes, no
/// NUL needed), replacing the built-in roots, for private endpoints and test
/// servers with their own certificate authority. A second call replaces the
/// first. The bytes are copied.
///
/// Returns `CLOUDSSO_INVALID_ARGUMENT` (field "root_certificates_pem") when
/// the text holds no PEM CERTIFICATE block, or `CLOUDSSO_NULL_ARGUMENT`; the
/// config is then unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_root_certificates_pem(
    cfg: *mut cloudsso_config,
    pem: *const u8,
    len: usize,
) -> cloudsso_status {
    set(cfg, |b| Ok(b.root_certificates_pem(pem_arg(pem, len)?)?))
}

/// Deprecated alias of `cloudsso_config_set_root_certificates_pem` (the
/// certificates replace the built-in roots; they are not added to them).
/// Unlike the new name, a second call adds to the first call's certificates.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_add_root_certificates_pem(
    cfg: *mut cloudsso_config,
    pem: *const u8,
    len: usize,
) -> cloudsso_status {
    set(cfg, |b| {
        #[allow(deprecated)] // this C name is itself the deprecated alias
        Ok(b.add_root_certificates_pem(pem_arg(pem, len)?)?)
    })
}

/// Borrows `len` bytes at `pem` for the call.
fn pem_arg<'a>(pem: *const u8, len: usize) -> Result<&'a [u8], Box<cloudsso_error>> {
    if pem.is_null() {
        return Err(cloudsso_error::null_argument("pem"));
    }
    // SAFETY: the caller passes `len` readable bytes at `pem`.
    Ok(unsafe { std::slice::from_raw_parts(pem, len) })
}

/// Sets the network of the default endpoint: "public" (default) or "vpc"
/// (cloudsso-vpc.REGION.aliyuncs.com).
///
/// Returns `CLOUDSSO_INVALID_ARGUMENT` for any other value, or
/// `CLOUDSSO_NULL_ARGUMENT` / `CLOUDSSO_INVALID_UTF8`; the config is then unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_network(
    cfg: *mut cloudsso_config,
    network: *const c_char,
) -> cloudsso_status {
    set_text(cfg, "network", network)
}

/// Sets the access key id alone (`cloudsso_config_set_access_key` sets id,
/// secret and token at once); `cloudsso_client_new` requires the secret too.
/// The string is copied.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` or `CLOUDSSO_INVALID_UTF8` (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_access_key_id(
    cfg: *mut cloudsso_config,
    access_key_id: *const c_char,
) -> cloudsso_status {
    set_text(cfg, "access_key_id", access_key_id)
}

/// Sets the access key secret alone; `cloudsso_client_new` requires the id
/// too. The string is copied; the copy is wiped when the config is freed.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` or `CLOUDSSO_INVALID_UTF8` (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_access_key_secret(
    cfg: *mut cloudsso_config,
    access_key_secret: *const c_char,
) -> cloudsso_status {
    set_text(cfg, "access_key_secret", access_key_secret)
}

/// Sets the STS security token that goes with a temporary access key. The
/// string is copied; the copy is wiped when the config is freed.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` or `CLOUDSSO_INVALID_UTF8` (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_security_token(
    cfg: *mut cloudsso_config,
    security_token: *const c_char,
) -> cloudsso_status {
    set_text(cfg, "security_token", security_token)
}

/// Sets how many calls may go at once after a pause (default 10; at least 1).
///
/// Returns `CLOUDSSO_INVALID_ARGUMENT` for 0 (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_rate_limit_burst(
    cfg: *mut cloudsso_config,
    burst: u32,
) -> cloudsso_status {
    set(cfg, |b| {
        Ok(b.option("rate_limit_burst", &burst.to_string())?)
    })
}

/// Takes credentials from this profile of the aliyun CLI's config.json (else
/// this section of credentials.ini) instead of the whole default chain. The
/// string is copied.
///
/// Returns `CLOUDSSO_NULL_ARGUMENT` or `CLOUDSSO_INVALID_UTF8` (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_profile(
    cfg: *mut cloudsso_config,
    profile: *const c_char,
) -> cloudsso_status {
    set_text(cfg, "profile", profile)
}

/// Sets the time allowed for a whole call, every attempt and every wait
/// between attempts included, in milliseconds (default 60000; 1 ms to one hour).
///
/// Returns `CLOUDSSO_INVALID_ARGUMENT` outside that range (config unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_config_set_call_timeout_ms(
    cfg: *mut cloudsso_config,
    timeout_ms: u64,
) -> cloudsso_status {
    set(cfg, |b| {
        Ok(b.option("call_timeout_ms", &timeout_ms.to_string())?)
    })
}
