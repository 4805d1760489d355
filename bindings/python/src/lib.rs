//! The native half of the `cloudsso` Python package (`cloudsso._cloudsso`).
//!
//! Thin by design: [`client`] converts arguments and calls the core with the GIL
//! released, [`result`] wraps the answer, [`errors`] is the one place a core
//! error becomes a Python exception, [`logging`] forwards the core's `log`
//! records to Python's `logging`. The exception classes and the async method
//! (the sync call on a thread-pool executor, `loop.run_in_executor`) live in
//! the pure-Python half (`python/cloudsso`).

mod client;
mod errors;
mod logging;
mod result;

use pyo3::prelude::*;

/// The native module; `cloudsso/__init__.py` re-exports what users need.
#[pymodule]
fn _cloudsso(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install();
    m.add("__version__", cloudsso::VERSION)?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<result::ResetUserPasswordResult>()?;
    Ok(())
}
