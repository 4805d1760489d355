//! The one request path of every RPC call the client makes (CloudSSO's `ResetUserPassword`,
//! STS's `AssumeRole` and `AssumeRoleWithOIDC`): a fresh nonce and timestamp, the signature (or
//! none for anonymous calls), one HTTP exchange, and the answer read by the call's own parser
//! after the shared handling of redirects and error bodies.

use crate::error::Error;
use crate::nonce::new_nonce;
use crate::response;
use crate::signing::SignatureVersion;
use crate::time::{format_timestamp, unix_now_with_offset};
use crate::transport::{HttpReply, Transport};
use crate::wire::{self, AttemptStamp, RpcCall};

/// Where a call goes and how it is signed.
pub(crate) struct Route<'a> {
    /// The connection pool of the product's endpoint.
    pub(crate) transport: &'a Transport,
    /// `host[:port]` of that endpoint (the signed `host` header).
    pub(crate) authority: &'a str,
    /// V1 or V3 (anonymous calls always take the V1 form).
    pub(crate) signature_version: SignatureVersion,
    /// The clock correction learnt from the service, in milliseconds.
    pub(crate) clock_offset_ms: i64,
    /// The time the whole attempt may take, if bounded.
    pub(crate) budget: Option<std::time::Duration>,
}

/// One attempt of `call`: signs, sends, and reads the answer with `success` for 2xx answers.
/// Errors carry the answer's `Date`, so callers can correct clock skew.
pub(crate) fn attempt<T>(
    route: &Route<'_>,
    call: RpcCall<'_>,
    success: impl FnOnce(HttpReply) -> Result<T, Error>,
) -> Result<T, Error> {
    let nonce = new_nonce()?;
    let timestamp = format_timestamp(unix_now_with_offset(route.clock_offset_ms));
    let stamp = AttemptStamp {
        nonce: &nonce,
        timestamp: &timestamp,
    };
    let signed = wire::sign_call(route.signature_version, call, &stamp, route.authority);
    let reply = route.transport.post(&signed, route.budget)?;
    let date = reply.headers.date;
    response::interpret_with(reply, success).map_err(|e| e.with_server_date(date))
}
