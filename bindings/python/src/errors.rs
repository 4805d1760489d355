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

/// Converts a core error into the matching `cloudsso` exception.
pub(crate) fn to_py_err(py: Python<'_>, error: &cloudsso::Error) -> PyErr {
    raise(py, error)
}

/// A `ValidationError` for an argument the core cannot take as given (a
/// negative rate): built by the core, so it has the core's shape and text.
pub(crate) fn invalid_argument(py: Python<'_>, field: &'static str, rule: &str) -> PyErr {
    to_py_err(py, &cloudsso::Error::invalid_option(field, rule))
}

fn raise(py: Python<'_>, error: &cloudsso::Error) -> PyErr {
    match build(py, error) {
        Ok(exception) => PyErr::from_value(exception),
        // Only if the package is broken (its Python half missing): still say what failed.
        Err(_) => PyRuntimeError::new_err(error.to_string()),
    }
}

fn build<'py>(py: Python<'py>, e: &cloudsso::Error) -> PyResult<Bound<'py, PyAny>> {
    let kind = e.kind().as_str();
    let exception = class_for(py, kind)?.call1((e.to_string(),))?;
    exception.setattr("kind", kind)?;
    exception.setattr("message", e.message())?;
    exception.setattr("field", e.field())?;
    exception.setattr("code", e.code())?;
    exception.setattr("request_id", e.request_id())?;
    exception.setattr("http_status", e.http_status())?;
    exception.setattr("host_id", e.host_id())?;
    exception.setattr("recommend", e.recommend())?;
    exception.setattr("attempts", e.attempts())?;
    exception.setattr("outcome_unknown", e.is_outcome_unknown())?;
    exception.setattr(
        "clock_skew_ms",
        e.clock_skew()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    )?;
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
