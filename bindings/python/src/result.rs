//! The result object: the request id, and the generated password kept out of
//! `repr` and out of pickles.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// What a successful `reset_user_password` returns.
#[pyclass(module = "cloudsso", frozen)]
pub struct ResetUserPasswordResult {
    inner: cloudsso::ResetUserPasswordResponse,
}

impl From<cloudsso::ResetUserPasswordResponse> for ResetUserPasswordResult {
    fn from(inner: cloudsso::ResetUserPasswordResponse) -> Self {
        ResetUserPasswordResult { inner }
    }
}

#[pymethods]
impl ResetUserPasswordResult {
    /// The password the service generated; `None` when the caller chose it.
    #[getter]
    fn new_password(&self) -> Option<&str> {
        self.inner.new_password()
    }

    /// The service's request id, for support cases and audit logs.
    #[getter]
    fn request_id(&self) -> &str {
        self.inner.request_id()
    }

    /// Shows the request id; the password only as `<redacted>`.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let request_id = PyString::new(py, self.inner.request_id()).repr()?;
        let password = match self.inner.new_password() {
            Some(_) => "<redacted>",
            None => "None",
        };
        Ok(format!(
            "ResetUserPasswordResult(request_id={request_id}, new_password={password})"
        ))
    }

    /// Refused: a pickle would write the generated password to disk or a queue.
    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "cannot pickle ResetUserPasswordResult: it may hold a password",
        ))
    }
}
