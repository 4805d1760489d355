//! Everything a call can fail with, and the one place it becomes a JS error.
//!
//! JS errors are plain `Error` objects with `kind` and the core's metadata as
//! properties; `index.js` gives them the `CloudSSOError` prototype. Messages
//! come from the core's `Display` (which never holds a secret) or name a field
//! without echoing its value.

use napi::Env;
use napi::bindgen_prelude::{JsObjectValue, JsValue, Object};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why a call (or a constructor) failed.
pub enum Failure {
    /// The core refused or the call failed: the common case.
    Core(cloudsso::Error),
    /// An argument of the wrong JS type. Reported as a validation error that
    /// names the field and never shows the value (it may be a password).
    Argument { field: String, rule: &'static str },
    /// Rust code panicked; caught so the process lives on.
    Panic,
    /// A JS exception raised while reading the arguments (a throwing getter),
    /// passed on untouched.
    Js(napi::Error),
}

impl From<cloudsso::Error> for Failure {
    fn from(error: cloudsso::Error) -> Self {
        Failure::Core(error)
    }
}

impl From<napi::Error> for Failure {
    fn from(error: napi::Error) -> Self {
        Failure::Js(error)
    }
}

impl Failure {
    /// A wrong-typed argument, named by its JS name.
    pub fn argument(field: impl Into<String>, rule: &'static str) -> Self {
        Failure::Argument {
            field: field.into(),
            rule,
        }
    }

    /// The error to throw or reject with.
    pub fn into_napi(self, env: &Env) -> napi::Error {
        let built = match self {
            Failure::Js(error) => return error,
            Failure::Core(e) => build(env, &e.to_string(), |o| set_core_properties(o, &e)),
            Failure::Argument { field, rule } => {
                build(env, &format!("invalid request: {field}: {rule}"), |o| {
                    o.set_named_property("kind", "validation")?;
                    o.set_named_property("field", field.as_str())?;
                    o.set_named_property("attempts", 0)?;
                    o.set_named_property("outcomeUnknown", false)
                })
            }
            Failure::Panic => build(
                env,
                "internal error: the cloudsso addon panicked (a bug: please report it)",
                |o| {
                    o.set_named_property("kind", "panic")?;
                    o.set_named_property("attempts", 0)?;
                    // A panic mid-call may come after the request was sent.
                    o.set_named_property("outcomeUnknown", true)
                },
            ),
        };
        match built {
            Ok(object) => napi::Error::from(object.to_unknown()),
            Err(error) => error,
        }
    }
}

/// A JS `Error` with `message`, its properties set by `fill`.
fn build<'e>(
    env: &'e Env,
    message: &str,
    fill: impl FnOnce(&mut Object<'e>) -> napi::Result<()>,
) -> napi::Result<Object<'e>> {
    let mut error = env.create_error(napi::Error::from_reason(message))?;
    // `create_error` sets `code` to a napi status; only service errors have a code.
    error.delete_named_property("code")?;
    fill(&mut error)?;
    Ok(error)
}

/// The one mapping from the core's error to JS properties.
fn set_core_properties(object: &mut Object<'_>, e: &cloudsso::Error) -> napi::Result<()> {
    object.set_named_property("kind", e.kind().as_str())?;
    if let Some(field) = e.field() {
        object.set_named_property("field", js_field_name(field))?;
    }
    let texts = [
        ("code", e.code()),
        ("requestId", e.request_id()),
        ("hostId", e.host_id()),
        ("recommend", e.recommend()),
    ];
    for (name, value) in texts {
        if let Some(value) = value {
            object.set_named_property(name, value)?;
        }
    }
    if let Some(status) = e.http_status() {
        object.set_named_property("httpStatus", u32::from(status))?;
    }
    if let Some(skew) = e.clock_skew() {
        object.set_named_property("clockSkewMs", skew.as_millis() as f64)?;
    }
    object.set_named_property("attempts", e.attempts())?;
    object.set_named_property("outcomeUnknown", e.is_outcome_unknown())?;
    Ok(())
}

/// The core names fields as in Rust (`directory_id`); JS callers passed them
/// as option keys (`directoryId`, `connectTimeoutMs`), so report those.
pub fn js_field_name(core: &str) -> String {
    match core {
        "connect_timeout" => return "connectTimeoutMs".to_string(),
        "read_timeout" => return "readTimeoutMs".to_string(),
        _ => {}
    }
    let mut out = String::with_capacity(core.len());
    let mut upper = false;
    for c in core.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `f`, turning a panic into [`Failure::Panic`] so it never unwinds into
/// Node (which would abort the process).
pub fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(Failure::Panic))
}

#[cfg(test)]
mod tests {
    use super::{Failure, guard, js_field_name};

    #[test]
    fn a_panic_becomes_a_failure_instead_of_unwinding() {
        let outcome: Result<(), Failure> = guard(|| panic!("boom"));
        assert!(matches!(outcome, Err(Failure::Panic)));
        assert!(matches!(guard(|| Ok(7)), Ok(7)));
    }

    #[test]
    fn core_field_names_become_the_js_option_names() {
        assert_eq!(js_field_name("directory_id"), "directoryId");
        assert_eq!(js_field_name("user_id"), "userId");
        assert_eq!(js_field_name("password"), "password");
        assert_eq!(js_field_name("access_key_secret"), "accessKeySecret");
        assert_eq!(js_field_name("read_timeout"), "readTimeoutMs");
        assert_eq!(js_field_name("connect_timeout"), "connectTimeoutMs");
    }
}
