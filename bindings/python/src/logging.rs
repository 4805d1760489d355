//! Forwards the core's `log` records to Python's `logging.getLogger("cloudsso")`.
//!
//! Records come from threads that released the GIL, so each one attaches to
//! the interpreter just to emit; nothing here holds a lock while waiting for
//! the GIL, so there is no lock-order deadlock. Only the core's own records
//! are forwarded (they never hold secrets); those of the HTTP and TLS crates
//! are dropped, since they may show headers.

use log::{Level, LevelFilter, Log, Metadata, Record};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

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
        // The gate: during interpreter exit the record is dropped, not a crash.
        crate::gate::attach(|py| {
            if let Err(error) = emit(py, level, record) {
                // A failing handler must not turn into a failed password reset.
                error.write_unraisable(py, None);
            }
        });
    }

    fn flush(&self) {}
}

fn emit(py: Python<'_>, level: u8, record: &Record<'_>) -> PyResult<()> {
    static PY_LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let logger = match PY_LOGGER.get(py) {
        Some(logger) => logger,
        None => {
            if level < WARNING && !logging_imported(py)? {
                return Ok(());
            }
            PY_LOGGER.get_or_try_init(py, || {
                py.import("logging")?
                    .call_method1("getLogger", (LOGGER_NAME,))
                    .map(Bound::unbind)
            })?
        }
    }
    .bind(py);
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
/// `logging`, which would cost milliseconds on the first call. The check is
/// per record, so configuring `logging` later still gets the records from then on.
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
