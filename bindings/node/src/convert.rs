//! Turns the caller's JS objects into the core's client builder and request.
//! No rules live here: the core validates, this only moves values across.

use crate::failure::Failure;
use crate::input::Fields;
use cloudsso::options::OPTIONS;
use cloudsso::{Client, ResetUserPasswordRequest};
use napi::bindgen_prelude::Unknown;

/// The names `resetUserPassword(request)` reads.
const REQUEST_FIELDS: [&str; 5] = [
    "directoryId",
    "userId",
    "password",
    "generateRandomPassword",
    "requirePasswordResetForNextLogin",
];

/// Builds a client from `new Client(options)`: each field is a row of the
/// core's option table in camelCase (`connectTimeoutMs`), and its value goes
/// to the core as text, so the core checks it with its own rule and words.
pub fn client(options: Option<Unknown<'_>>) -> Result<Client, Failure> {
    let mut builder = Client::builder();
    let Some(o) = Fields::read(options, "options", true)? else {
        return Ok(builder.build()?);
    };
    let fields: Vec<String> = OPTIONS.iter().map(|spec| spec.node_field()).collect();
    o.only(&fields.iter().map(String::as_str).collect::<Vec<_>>())?;
    for (spec, field) in OPTIONS.iter().zip(&fields) {
        if let Some(text) = o.option_text(field, spec.kind)? {
            builder = builder.option(spec.name, &text)?;
        }
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
