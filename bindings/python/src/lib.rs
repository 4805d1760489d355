//! The native half of the `cloudsso` Python package (`cloudsso._cloudsso`).
//!
//! Thin by design: [`client`] converts arguments and calls the core with the GIL
//! released, [`result`] wraps the answer, [`errors`] is the one place a core
//! error becomes a Python exception, [`logging`] forwards the core's `log`
//! records to Python's `logging`, [`workers`] runs async calls on native
//! threads, [`completions`] brings their results back to the event loop, and
//! [`gate`] lets interpreter exit wait for native threads inside Python. The
//! exception classes and the async method's coroutine live in the pure-Python
//! half (`python/cloudsso`).

mod client;
mod completions;
mod errors;
mod gate;
mod logging;
mod result;
mod workers;

use pyo3::prelude::*;

/// The native module; `cloudsso/__init__.py` re-exports what users need.
#[pymodule]
fn _cloudsso(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install();
    // Interpreter exit waits for native threads that are inside Python (see gate.rs).
    let close = wrap_pyfunction!(gate::close_gate, m)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (close,))?;
    m.add("__version__", cloudsso::VERSION)?;
    // Calls that may wait on the network at once from `reset_user_password_async`.
    m.add("ASYNC_WORKERS", workers::MAX_WORKERS)?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<result::ResetUserPasswordResult>()?;
    #[cfg(unix)]
    m.add_class::<completions::Completions>()?;
    Ok(())
}
