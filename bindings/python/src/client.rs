//! The native client: converts Python arguments, then calls the core with the
//! GIL released so other Python threads keep running during the network call.

use crate::completions;
use crate::errors::{invalid_argument, to_py_err};
use crate::result::ResetUserPasswordResult;
use crate::workers;
use cloudsso::{ResetUserPasswordRequest, SignatureVersion};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::time::Duration;

/// A CloudSSO client; `cloudsso.Client` (Python) adds the async method.
/// Thread-safe: one client may be shared by many threads.
#[pyclass(module = "cloudsso._cloudsso", subclass, frozen)]
pub struct NativeClient {
    inner: cloudsso::Client,
}

#[pymethods]
impl NativeClient {
    /// Builds a client; no network I/O. With no key given, credentials come from
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `_SECURITY_TOKEN`.
    #[new]
    #[pyo3(signature = (
        *,
        region = None,
        endpoint = None,
        access_key_id = None,
        access_key_secret = None,
        security_token = None,
        connect_timeout = None,
        read_timeout = None,
        max_attempts = None,
        user_agent = None,
        allow_insecure_http = false,
        signature_version = "v1",
        rate_limit_per_second = None,
        retry_unknown_outcome_for_generated = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        region: Option<String>,
        endpoint: Option<String>,
        access_key_id: Option<String>,
        access_key_secret: Option<String>,
        security_token: Option<String>,
        connect_timeout: Option<f64>,
        read_timeout: Option<f64>,
        max_attempts: Option<i64>,
        user_agent: Option<String>,
        allow_insecure_http: bool,
        signature_version: &str,
        rate_limit_per_second: Option<i64>,
        retry_unknown_outcome_for_generated: bool,
    ) -> PyResult<Self> {
        let version: SignatureVersion = signature_version.parse().map_err(|e| to_py_err(py, &e))?;
        let mut builder = cloudsso::Client::builder()
            .allow_insecure_http(allow_insecure_http)
            .signature_version(version)
            .retry_unknown_outcome_for_generated(retry_unknown_outcome_for_generated);
        if let Some(region) = region {
            builder = builder.region(region);
        }
        if let Some(endpoint) = endpoint {
            builder = builder.endpoint(endpoint);
        }
        // Any key part given means explicit keys; a missing part is then reported
        // by the core's own check instead of silently falling back to the environment.
        if access_key_id.is_some() || access_key_secret.is_some() || security_token.is_some() {
            builder = builder.access_key(
                access_key_id.unwrap_or_default(),
                access_key_secret.unwrap_or_default(),
            );
            if let Some(token) = security_token {
                builder = builder.security_token(token);
            }
        }
        if let Some(seconds) = connect_timeout {
            builder = builder.connect_timeout(duration(seconds));
        }
        if let Some(seconds) = read_timeout {
            builder = builder.read_timeout(duration(seconds));
        }
        if let Some(attempts) = max_attempts {
            // Out of u32 range becomes 0, which the core rejects with its own message.
            builder = builder.max_attempts(u32::try_from(attempts).unwrap_or(0));
        }
        if let Some(suffix) = user_agent {
            builder = builder.user_agent(suffix);
        }
        if let Some(rate) = rate_limit_per_second {
            let rate = u32::try_from(rate).map_err(|_| {
                invalid_argument(py, "rate_limit_per_second", "must be 0 (off) to 4294967295")
            })?;
            builder = builder.rate_limit_per_second(rate);
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

    /// The engine of `Client.reset_user_password_async`: validates now (so bad
    /// input raises before anything is queued), runs the call on a native
    /// worker thread, then hands it to `complete(future, result, error)` on
    /// the loop: through `target` if it is a `Completions` channel, else with
    /// `target.call_soon_threadsafe` (`target` is then the event loop).
    #[pyo3(signature = (
        target,
        future,
        complete,
        directory_id,
        user_id,
        password = None,
        generate_random_password = None,
        require_password_reset_for_next_login = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn _start_reset(
        &self,
        py: Python<'_>,
        target: Bound<'_, PyAny>,
        future: Py<PyAny>,
        complete: Py<PyAny>,
        directory_id: String,
        user_id: String,
        password: Option<String>,
        generate_random_password: Option<bool>,
        require_password_reset_for_next_login: Option<bool>,
    ) -> PyResult<()> {
        let request = build_request(
            directory_id,
            user_id,
            password,
            generate_random_password,
            require_password_reset_for_next_login,
        );
        request.validate().map_err(|e| to_py_err(py, &e))?;
        crate::logging::sample_level(py);
        let deliver = completions::Delivery::for_target(target, complete);
        let client = self.inner.clone();
        let job = move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                client.reset_user_password(&request)
            }))
            .ok();
            drop(request);
            deliver.deliver(future, outcome);
        };
        workers::submit(Box::new(job)).map_err(|e| {
            PyRuntimeError::new_err(format!("cloudsso: could not start a worker thread: {e}"))
        })
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

/// Seconds as a `Duration`; a value no `Duration` can hold (negative, NaN,
/// infinite) becomes one the core rejects with its own message for the field.
fn duration(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or(if seconds > 0.0 {
        Duration::MAX
    } else {
        Duration::ZERO
    })
}
