//! The C ABI of cloudsso: `libcloudsso.so`, `libcloudsso.a` and `include/cloudsso.h`.
//!
//! A thin layer over the core crate: every exported function converts its C
//! arguments, calls the core, and maps the core's one error type in one place
//! ([`error`]). The conventions follow rustls-ffi:
//!
//! * every exported body runs inside one panic boundary ([`boundary`]), so a
//!   panic becomes `CLOUDSSO_PANIC` and never unwinds into C;
//! * every pointer is checked for NULL by one small macro, C strings are read
//!   with `CStr::to_str`, and bad UTF-8 gets its own status;
//! * out-params are written only on success, `*err` only on failure;
//! * types are opaque, created by `_new`, released by `_free`, and
//!   `_free(NULL)` is a no-op.
//!
//! The functions are `extern "C"` but not `unsafe`: their callers are C
//! programs, and the contract on every pointer (NULL or valid, as the header
//! documents) is stated once in the header and on each function.

#![allow(non_camel_case_types)]
#![allow(clippy::not_unsafe_ptr_arg_deref)]

#[macro_use]
mod boundary;
mod client;
mod config;
mod error;
mod result;
mod status;

pub use client::{
    cloudsso_client, cloudsso_client_free, cloudsso_client_new, cloudsso_reset_user_password,
};
pub use config::*;
pub use error::*;
pub use result::*;
pub use status::*;

use std::ffi::c_char;

/// The library's own version, NUL-terminated.
const VERSION_C: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library version, e.g. "0.1.0".
///
/// Returns a static NUL-terminated string: never NULL, never freed by the caller.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsso_version() -> *const c_char {
    VERSION_C.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_matches_the_core() {
        let v = unsafe { CStr::from_ptr(cloudsso_version()) };
        assert_eq!(v.to_str().unwrap(), core_client::VERSION);
    }
}
