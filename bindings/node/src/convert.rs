//! Turns the caller's JS objects into the core's client builder and request.
//! No rules live here: the core validates, this only moves values across.

use crate::failure::Failure;
use crate::input::Fields;
use cloudsso::{Client, ResetUserPasswordRequest, SignatureVersion};
use napi::bindgen_prelude::Unknown;
use std::time::Duration;

/// The names `new Client(options)` reads.
const CLIENT_OPTIONS: [&str; 13] = [
    "region",
    "endpoint",
    "accessKeyId",
    "accessKeySecret",
    "securityToken",
    "connectTimeoutMs",
    "readTimeoutMs",
    "maxAttempts",
    "userAgent",
    "allowInsecureHttp",
    "signatureVersion",
    "rateLimitPerSecond",
    "retryUnknownOutcomeForGenerated",
];

/// The names `resetUserPassword(request)` reads.
const REQUEST_FIELDS: [&str; 5] = [
    "directoryId",
    "userId",
    "password",
    "generateRandomPassword",
    "requirePasswordResetForNextLogin",
];

/// Builds a client from `new Client(options)`.
pub fn client(options: Option<Unknown<'_>>) -> Result<Client, Failure> {
    let mut builder = Client::builder();
    let Some(o) = Fields::read(options, "options", true)? else {
        return Ok(builder.build()?);
    };
    o.only(&CLIENT_OPTIONS)?;
    if let Some(region) = o.string("region")? {
        builder = builder.region(region);
    }
    if let Some(endpoint) = o.string("endpoint")? {
        builder = builder.endpoint(endpoint);
    }
    let id = o.string("accessKeyId")?;
    let secret = o.string("accessKeySecret")?;
    if id.is_some() || secret.is_some() {
        // Half a key is passed on as given so the core names the missing half.
        builder = builder.access_key(id.unwrap_or_default(), secret.unwrap_or_default());
    }
    if let Some(token) = o.string("securityToken")? {
        builder = builder.security_token(token);
    }
    if let Some(ms) = o.whole_number("connectTimeoutMs")? {
        builder = builder.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = o.whole_number("readTimeoutMs")? {
        builder = builder.read_timeout(Duration::from_millis(ms));
    }
    if let Some(n) = o.whole_number("maxAttempts")? {
        builder = builder.max_attempts(saturate(n));
    }
    if let Some(suffix) = o.string("userAgent")? {
        builder = builder.user_agent(suffix);
    }
    if let Some(allow) = o.boolean("allowInsecureHttp")? {
        builder = builder.allow_insecure_http(allow);
    }
    if let Some(version) = o.string("signatureVersion")? {
        let version = SignatureVersion::parse(&version).ok_or(Failure::argument(
            "signatureVersion",
            "must be 'v1' or 'v3'",
        ))?;
        builder = builder.signature_version(version);
    }
    if let Some(n) = o.whole_number("rateLimitPerSecond")? {
        builder = builder.rate_limit_per_second(saturate(n));
    }
    if let Some(retry) = o.boolean("retryUnknownOutcomeForGenerated")? {
        builder = builder.retry_unknown_outcome_for_generated(retry);
    }
    Ok(builder.build()?)
}

/// Builds the request from `resetUserPassword(request)`. Missing ids become
/// empty strings, which the core reports as required, by field.
pub fn request(value: Option<Unknown<'_>>) -> Result<ResetUserPasswordRequest, Failure> {
    let r = Fields::read(value, "request", false)?
        .ok_or(Failure::argument("request", "must be an object"))?;
    r.only(&REQUEST_FIELDS)?;
    let mut request = ResetUserPasswordRequest::new(
        r.string("directoryId")?.unwrap_or_default(),
        r.string("userId")?.unwrap_or_default(),
    );
    if let Some(password) = r.string("password")? {
        request = request.password(password);
    }
    if let Some(generate) = r.boolean("generateRandomPassword")? {
        request = request.generate_random_password(generate);
    }
    if let Some(require) = r.boolean("requirePasswordResetForNextLogin")? {
        request = request.require_password_reset_for_next_login(require);
    }
    Ok(request)
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
