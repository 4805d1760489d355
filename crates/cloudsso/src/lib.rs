//! A careful client for Alibaba Cloud CloudSSO's `ResetUserPassword` call.
//!
//! What it adds over the vendor's SDKs: every request is validated before any
//! I/O; the password travels only in the POST body, never in a URL, log line,
//! error or `Debug` output; retries are safe (a call that may have changed a
//! generated password is not silently repeated); a client-side rate limit keeps
//! bulk jobs under the service's 100 calls/s; errors are typed and carry the
//! request id.
//!
//! ```no_run
//! let client = cloudsso::Client::builder()
//!     .endpoint("http://127.0.0.1:8080")
//!     .access_key("testid", "testsecret")
//!     .build()?;
//! let out = client.reset_user_password(
//!     &cloudsso::ResetUserPasswordRequest::new("d-00fc2p61abcd", "u-00q8wbq42wiltcrkabcd")
//!         .generate_random_password(true),
//! )?;
//! println!("{}", out.request_id());
//! # Ok::<(), cloudsso::Error>(())
//! ```
//!
//! Logging goes through the `log` crate under the target `cloudsso` (debug for
//! each attempt, warn for each retry, info on success) and never carries a
//! secret. HTTP is [ureq](https://docs.rs/ureq) 3, blocking, with rustls for
//! TLS (the Mozilla roots built in, or the caller's); the bindings and the
//! CLI forward only the `cloudsso` records. The core tunes ureq's socket
//! layer through `ureq::unversioned` (one write per request, steady socket
//! timeouts, a one-syscall liveness check, a small resolver cache, wiped
//! buffers, a few agents for threads); that API is outside ureq's semver
//! promise, so ureq is pinned with `~3.5`.
//!
//! Proxies come from the environment as ureq reads it: `ALL_PROXY`, then
//! `HTTPS_PROXY`, then `HTTP_PROXY` (either case), with `NO_PROXY`; `http://`
//! and `https://` proxies tunnel with `CONNECT host:port`, `socks4://`,
//! `socks4a://`, `socks5://` and `socks5h://` proxies work too. Loopback
//! endpoints never use a proxy.
//!
//! With no keys given, credentials come from the default chain (environment, OIDC, the
//! aliyun CLI's config.json, credentials.ini, the ECS instance role, a credentials URI; see
//! [`credentials`]); [`ClientBuilder::profile`] picks a profile.
//!
//! The public API is [`Client`] and its [`ClientBuilder`], the request and
//! response ([`model`]), [`Error`] and [`ErrorKind`], [`Secret`],
//! [`SignatureVersion`], [`Network`], the [`credentials`] trait and types
//! (the chain, STS, refresh), the option table ([`options`]), and [`bulk`],
//! which runs many calls over one client. The internals (signing, encoding,
//! validation, endpoint resolution, retry, rate limit, the `rpc` request path,
//! HTTP) are public only with the `unstable` feature, for the fuzz targets and
//! benchmarks; they follow no semver promise.

#![deny(unsafe_code)]
#![warn(missing_docs)]

/// Declares internal modules that the `unstable` feature makes public (for
/// fuzz/ and benches/), and that are private otherwise.
macro_rules! unstable_modules {
    ($($name:ident),* $(,)?) => {$(
        #[cfg(feature = "unstable")]
        pub mod $name;
        #[cfg(not(feature = "unstable"))]
        mod $name;
    )*};
}

pub mod bulk;
mod client;
pub mod credentials;
pub mod error;
pub mod model;
mod nonce;
pub mod options;
mod redact;
mod response;
mod rpc;
pub mod secret;
mod time;
mod transport;
mod wire;
mod xml;

// Percent-encoding, endpoint resolution, the rate limit, retry decisions,
// signatures and request rules.
unstable_modules!(encoding, endpoint, rate_limit, retry, signing, validation);

pub use client::{
    Client, ClientBuilder, DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTEMPTS,
    DEFAULT_RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT_PER_SECOND, DEFAULT_READ_TIMEOUT,
    MAX_RESPONSE_BYTES, USER_AGENT,
};
pub use credentials::{Credentials, CredentialsProvider, StaticCredentials};
pub use endpoint::Network;
pub use error::{Error, ErrorKind};
pub use model::{ResetUserPasswordRequest, ResetUserPasswordResponse};
pub use options::{OPTIONS, OptionKind, OptionSpec};
pub use secret::Secret;
pub use signing::SignatureVersion;

/// The module's name before the `fuzzing` feature became `unstable`, kept so
/// that code written against it still builds.
#[cfg(feature = "unstable")]
#[doc(hidden)]
pub use unstable as fuzzing;

/// Entry points for the fuzz targets and benchmarks (feature `unstable`); not a stable API.
#[cfg(feature = "unstable")]
#[doc(hidden)]
pub mod unstable {
    pub use crate::transport::{HttpReply, ReplyHeaders};
    pub use crate::wire::{AttemptStamp, SignedRequest, sign};
    pub use crate::xml::element_text;
    /// The header map type ureq hands over, for building answers in fuzz targets.
    pub use ureq::http::{HeaderMap, HeaderName, HeaderValue};

    /// Interprets an answer exactly as a call would, from its parts.
    pub fn interpret(
        status: u16,
        headers: ReplyHeaders,
        body: &[u8],
        wants_generated: bool,
    ) -> Result<crate::ResetUserPasswordResponse, crate::Error> {
        let reply = HttpReply {
            status,
            headers,
            body: zeroize::Zeroizing::new(body.to_vec()),
        };
        crate::response::interpret(reply, wants_generated)
    }

    pub use crate::redact::{encoded_forms, redact_secrets};

    /// Interprets an answer and scrubs the outcome of `secrets`, exactly as a
    /// call does before anything is handed on.
    pub fn interpret_scrubbed(
        status: u16,
        headers: ReplyHeaders,
        body: &[u8],
        wants_generated: bool,
        secrets: &[&str],
    ) -> Result<crate::ResetUserPasswordResponse, crate::Error> {
        match interpret(status, headers, body, wants_generated) {
            Ok(mut response) => {
                response.scrub(secrets);
                Ok(response)
            }
            Err(mut error) => {
                error.scrub(secrets);
                Err(error)
            }
        }
    }
}

/// This library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}

    #[test]
    fn client_is_shareable() {
        assert_send_sync_clone::<Client>();
    }
}
