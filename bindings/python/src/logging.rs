//! Forwards the core's `log` records to Python's `logging.getLogger("cloudsso")`.
//!
//! Records come from threads that released the GIL. Debug and info records
//! pass only if the Python logger took their level when the call started (see
//! `sample_level`), so at the default WARNING level they cost no GIL at all;
//! a record that passes attaches to the interpreter just to emit. Nothing here
//! holds a lock while waiting for the GIL, so there is no lock-order deadlock. Only the core's own records
//! are forwarded (they never hold secrets); those of the HTTP and TLS crates
//! are dropped, since they may show headers.

use log::{Level, LevelFilter, Log, Metadata, Record};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use std::sync::atomic::{AtomicU8, Ordering};

/// The Python logger's name.
const LOGGER_NAME: &str = "cloudsso";

struct PythonLogger;

static LOGGER: PythonLogger = PythonLogger;

/// Installs the forwarder, unless another `log` logger got there first.
pub(crate) fn install() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(LevelFilter::Debug);
    }
}

/// True for records of the core crate (`cloudsso`, `cloudsso::client`, ...).
fn from_core(target: &str) -> bool {
    target == "cloudsso" || target.starts_with("cloudsso::")
}

/// Python's `logging.WARNING`, the root logger's default level.
const WARNING: u8 = 30;

/// Python's numeric level for a `log` level.
fn python_level(level: Level) -> u8 {
    match level {
        Level::Error => 40,
        Level::Warn => 30,
        Level::Info => 20,
        Level::Debug => 10,
        Level::Trace => 5,
    }
}

impl Log for PythonLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        from_core(metadata.target())
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = python_level(record.level());
        if level < WARNING && level < FORWARD_FROM.load(Ordering::Relaxed) {
            // Not wanted when this call started: dropped without taking the GIL.
            return;
        }
        // During interpreter exit the record is dropped, not a crash.
        Python::try_attach(|py| {
            if let Err(error) = emit(py, level, record) {
                // A failing handler must not turn into a failed password reset.
                error.write_unraisable(py, None);
            }
        });
    }

    fn flush(&self) {}
}

/// The lowest level below WARNING that the `cloudsso` logger took when the
/// latest call started (WARNING: none). Calls run, and log, on threads without
/// the GIL; sampling here at each call's start, while the caller still holds
/// the GIL, lets those threads drop debug and info records without taking it.
static FORWARD_FROM: AtomicU8 = AtomicU8::new(WARNING);

/// Samples what the Python side wants; called as each call starts, with the GIL.
pub(crate) fn sample_level(py: Python<'_>) {
    let level = wanted_level(py).unwrap_or_else(|error| {
        error.write_unraisable(py, None);
        WARNING
    });
    FORWARD_FROM.store(level, Ordering::Relaxed);
}

fn wanted_level(py: Python<'_>) -> PyResult<u8> {
    let Some(logger) = python_logger(py, false)? else {
        return Ok(WARNING);
    };
    for level in [10, 20] {
        if logger
            .bind(py)
            .call_method1(intern!(py, "isEnabledFor"), (level,))?
            .is_truthy()?
        {
            return Ok(level);
        }
    }
    Ok(WARNING)
}

/// `logging.getLogger("cloudsso")`; `None` if `logging` is not imported and
/// `import_logging` is false.
fn python_logger(py: Python<'_>, import_logging: bool) -> PyResult<Option<&Py<PyAny>>> {
    static PY_LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    if let Some(logger) = PY_LOGGER.get(py) {
        return Ok(Some(logger));
    }
    if !import_logging && !logging_imported(py)? {
        return Ok(None);
    }
    PY_LOGGER
        .get_or_try_init(py, || {
            py.import("logging")?
                .call_method1("getLogger", (LOGGER_NAME,))
                .map(Bound::unbind)
        })
        .map(Some)
}

fn emit(py: Python<'_>, level: u8, record: &Record<'_>) -> PyResult<()> {
    let Some(logger) = python_logger(py, level >= WARNING)? else {
        return Ok(());
    };
    let logger = logger.bind(py);
    if logger
        .call_method1(intern!(py, "isEnabledFor"), (level,))?
        .is_truthy()?
    {
        let message = record.args().to_string();
        logger.call_method1(intern!(py, "log"), (level, "%s", message))?;
    }
    Ok(())
}

/// Whether anything has imported `logging` yet. If nothing has, nothing has
/// configured it either, and its default level (WARNING) would drop a record
/// below WARNING anyway: such records are dropped here without importing
/// `logging`, which would cost milliseconds on the first call. The check runs
/// as each call starts, so configuring `logging` later gets the records of the
/// calls started after.
fn logging_imported(py: Python<'_>) -> PyResult<bool> {
    static SYS_MODULES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    let modules = SYS_MODULES.get_or_try_init(py, || {
        py.import("sys")?
            .getattr("modules")?
            .cast_into::<PyDict>()
            .map(Bound::unbind)
            .map_err(PyErr::from)
    })?;
    modules.bind(py).contains(intern!(py, "logging"))
}
