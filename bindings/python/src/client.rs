//! The native client: converts Python arguments, then calls the core with the
//! GIL released so other Python threads keep running during the network call.
//!
//! The constructor's keyword arguments are the core's option table
//! (`cloudsso::options::OPTIONS`): each keyword is a row's name (durations
//! without `_ms`, in float seconds), and its value goes to the core as text,
//! so the core parses and checks it with the same rules and words as every
//! other front door.

use crate::errors::{invalid_argument, to_py_err};
use crate::result::ResetUserPasswordResult;
use cloudsso::ResetUserPasswordRequest;
use cloudsso::options::{OPTIONS, OptionKind, OptionSpec};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString};

/// A CloudSSO client; `cloudsso.Client` (Python) adds the async method.
/// Thread-safe: one client may be shared by many threads.
#[pyclass(module = "cloudsso._cloudsso", subclass, frozen)]
pub struct NativeClient {
    inner: cloudsso::Client,
}

#[pymethods]
impl NativeClient {
    /// Builds a client from keyword options; no network I/O. With no key
    /// given, credentials come from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET`
    /// / `_SECURITY_TOKEN`. A keyword set to `None` keeps the default.
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut builder = cloudsso::Client::builder();
        for (key, value) in options.into_iter().flatten() {
            let key: String = key.extract()?;
            let Some(spec) = OPTIONS.iter().find(|s| s.python_keyword() == key) else {
                return Err(PyTypeError::new_err(format!(
                    "Client() got an unexpected keyword argument '{key}'"
                )));
            };
            if value.is_none() {
                continue;
            }
            let text = option_text(py, spec, &value)?;
            builder = builder
                .option(spec.name, &text)
                .map_err(|e| to_py_err(py, &e))?;
        }
        let inner = builder.build().map_err(|e| to_py_err(py, &e))?;
        Ok(NativeClient { inner })
    }

    /// The URL requests go to.
    #[getter]
    fn endpoint(&self) -> &str {
        self.inner.endpoint()
    }

    /// Resets a user's password; blocks this thread (not the others) until done.
    #[pyo3(signature = (
        directory_id,
        user_id,
        *,
        password = None,
        generate_random_password = None,
        require_password_reset_for_next_login = None,
    ))]
    fn reset_user_password(
        &self,
        py: Python<'_>,
        directory_id: String,
        user_id: String,
        password: Option<String>,
        generate_random_password: Option<bool>,
        require_password_reset_for_next_login: Option<bool>,
    ) -> PyResult<ResetUserPasswordResult> {
        let request = build_request(
            directory_id,
            user_id,
            password,
            generate_random_password,
            require_password_reset_for_next_login,
        );
        crate::logging::sample_level(py);
        let client = &self.inner;
        py.detach(|| client.reset_user_password(&request))
            .map(ResetUserPasswordResult::from)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Shows the endpoint only: never a key, secret or token.
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let name = slf.get_type().qualname()?;
        let endpoint = PyString::new(slf.py(), slf.get().inner.endpoint()).repr()?;
        Ok(format!("{name}(endpoint={endpoint})"))
    }
}

/// The core's request from the Python arguments.
fn build_request(
    directory_id: String,
    user_id: String,
    password: Option<String>,
    generate_random_password: Option<bool>,
    require_password_reset_for_next_login: Option<bool>,
) -> ResetUserPasswordRequest {
    let mut request = ResetUserPasswordRequest::new(directory_id, user_id);
    if let Some(password) = password {
        request = request.password(password);
    }
    if let Some(generate) = generate_random_password {
        request = request.generate_random_password(generate);
    }
    if let Some(require) = require_password_reset_for_next_login {
        request = request.require_password_reset_for_next_login(require);
    }
    request
}

/// The text the core's option table reads for a Python value of `spec`'s
/// kind; a value of the wrong type is a `TypeError` naming `Client`.
fn option_text(py: Python<'_>, spec: &OptionSpec, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let keyword = spec.python_keyword();
    let wrong_type = |wanted: &str| {
        PyTypeError::new_err(format!(
            "Client() argument '{keyword}' must be {wanted}, not {}",
            value
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    };
    match spec.kind {
        OptionKind::Bool => {
            let flag = value.cast::<PyBool>().map_err(|_| wrong_type("bool"))?;
            Ok(flag.is_true().to_string())
        }
        OptionKind::Integer { .. } => {
            if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
                return Err(wrong_type("int"));
            }
            Ok(value.str()?.to_string())
        }
        OptionKind::Milliseconds { min, max } => {
            // Seconds, as a float or an int; the core takes whole milliseconds.
            if value.is_instance_of::<PyBool>()
                || !(value.is_instance_of::<PyFloat>() || value.is_instance_of::<PyInt>())
            {
                return Err(wrong_type("float"));
            }
            let seconds: f64 = value.extract()?;
            let ms = (seconds * 1000.0).round();
            if !ms.is_finite() || ms < min as f64 || ms > max as f64 {
                let rule = format!(
                    "must be a number of seconds from {} to {}",
                    min as f64 / 1000.0,
                    max as f64 / 1000.0
                );
                return Err(invalid_argument(py, keyword, &rule));
            }
            Ok((ms as u64).to_string())
        }
        OptionKind::Pem => {
            if let Ok(bytes) = value.cast::<PyBytes>() {
                return String::from_utf8(bytes.as_bytes().to_vec())
                    .map_err(|_| invalid_argument(py, spec.name, "must be PEM text"));
            }
            let text = value
                .cast::<PyString>()
                .map_err(|_| wrong_type("str or bytes"))?;
            Ok(text.to_cow()?.into_owned())
        }
        _ => {
            let text = value.cast::<PyString>().map_err(|_| wrong_type("str"))?;
            Ok(text.to_cow()?.into_owned())
        }
    }
}
