//! The one conversion from the core's error to a Python exception.
//!
//! The classes are declared once, in `cloudsso/_errors.py` (Python, because
//! `ValidationError` must also be a `ValueError`, a second base that
//! `create_exception!` cannot give). Here an error picks its class by kind and
//! gets the core's metadata as attributes; `str(exc)` is the core's full
//! `Display` text, which never holds a secret.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// Where the exception classes live.
const ERRORS_MODULE: &str = "cloudsso._errors";

/// Everything an exception carries, taken from a core error or from an
/// argument this binding must check itself (see [`invalid_argument`]).
struct ErrorInfo<'a> {
    kind: &'static str,
    text: String,
    message: &'a str,
    field: Option<&'a str>,
    code: Option<&'a str>,
    request_id: Option<&'a str>,
    http_status: Option<u16>,
    host_id: Option<&'a str>,
    recommend: Option<&'a str>,
    attempts: u32,
    outcome_unknown: bool,
    clock_skew_seconds: Option<f64>,
}

impl<'a> From<&'a cloudsso::Error> for ErrorInfo<'a> {
    fn from(e: &'a cloudsso::Error) -> Self {
        ErrorInfo {
            kind: e.kind().as_str(),
            text: e.to_string(),
            message: e.message(),
            field: e.field(),
            code: e.code(),
            request_id: e.request_id(),
            http_status: e.http_status(),
            host_id: e.host_id(),
            recommend: e.recommend(),
            attempts: e.attempts(),
            outcome_unknown: e.is_outcome_unknown(),
            clock_skew_seconds: e.clock_skew().map(|d| d.as_secs_f64()),
        }
    }
}

/// Converts a core error into the matching `cloudsso` exception.
pub(crate) fn to_py_err(py: Python<'_>, error: &cloudsso::Error) -> PyErr {
    raise(py, ErrorInfo::from(error))
}

/// A `ValidationError` for an argument the core cannot take as given (a
/// signature version name, a negative rate): same shape as the core's own.
pub(crate) fn invalid_argument(py: Python<'_>, field: &'static str, rule: &str) -> PyErr {
    raise(
        py,
        ErrorInfo {
            kind: "validation",
            text: format!("invalid request: {field}: {rule}"),
            message: rule,
            field: Some(field),
            code: None,
            request_id: None,
            http_status: None,
            host_id: None,
            recommend: None,
            attempts: 0,
            outcome_unknown: false,
            clock_skew_seconds: None,
        },
    )
}

fn raise(py: Python<'_>, info: ErrorInfo<'_>) -> PyErr {
    match build(py, &info) {
        Ok(exception) => PyErr::from_value(exception),
        // Only if the package is broken (its Python half missing): still say what failed.
        Err(_) => PyRuntimeError::new_err(info.text),
    }
}

fn build<'py>(py: Python<'py>, info: &ErrorInfo<'_>) -> PyResult<Bound<'py, PyAny>> {
    let exception = class_for(py, info.kind)?.call1((info.text.as_str(),))?;
    exception.setattr("kind", info.kind)?;
    exception.setattr("message", info.message)?;
    exception.setattr("field", info.field)?;
    exception.setattr("code", info.code)?;
    exception.setattr("request_id", info.request_id)?;
    exception.setattr("http_status", info.http_status)?;
    exception.setattr("host_id", info.host_id)?;
    exception.setattr("recommend", info.recommend)?;
    exception.setattr("attempts", info.attempts)?;
    exception.setattr("outcome_unknown", info.outcome_unknown)?;
    exception.setattr("clock_skew_seconds", info.clock_skew_seconds)?;
    Ok(exception)
}

/// The class for a kind, imported once per class.
fn class_for<'py>(py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyType>> {
    static VALIDATION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static CREDENTIALS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static SERVICE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static THROTTLING: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static TIMEOUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static TRANSPORT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static DECODE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static BASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let (cell, name) = match kind {
        "validation" => (&VALIDATION, "ValidationError"),
        "credentials" => (&CREDENTIALS, "CredentialsError"),
        "service" => (&SERVICE, "ServiceError"),
        "throttled" => (&THROTTLING, "ThrottlingError"),
        "timeout" => (&TIMEOUT, "TimeoutError"),
        "transport" => (&TRANSPORT, "TransportError"),
        "decode" => (&DECODE, "DecodeError"),
        // A kind added to the core later still raises the base class.
        _ => (&BASE, "CloudSSOError"),
    };
    cell.import(py, ERRORS_MODULE, name).cloned()
}
