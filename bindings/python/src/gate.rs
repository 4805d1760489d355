//! The one way native threads enter Python, so that interpreter exit can wait
//! for them.
//!
//! A thread that is inside Python when the interpreter starts finalizing is
//! killed with `pthread_exit` as soon as it takes the GIL back (after a socket
//! write in `call_soon_threadsafe`, say), and unwinding that through Rust frames
//! aborts the process. So an `atexit` handler closes the gate and waits, with
//! the GIL released, until no thread is inside; after that, native threads
//! drop what they would have delivered: nobody is left to receive it.

use pyo3::prelude::*;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

struct Gate {
    closed: bool,
    inside: usize,
}

static GATE: Mutex<Gate> = Mutex::new(Gate {
    closed: false,
    inside: 0,
});
static EMPTIED: Condvar = Condvar::new();

fn lock() -> MutexGuard<'static, Gate> {
    GATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Leaves the gate even if `f` panics.
struct Inside;

impl Drop for Inside {
    fn drop(&mut self) {
        let mut gate = lock();
        gate.inside -= 1;
        if gate.inside == 0 {
            EMPTIED.notify_all();
        }
    }
}

/// Runs `f` attached to the interpreter, unless the interpreter is exiting
/// (then `None`, and `f` does not run).
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    {
        let mut gate = lock();
        if gate.closed {
            return None;
        }
        gate.inside += 1;
    }
    let _inside = Inside;
    Python::try_attach(f)
}

/// Registered with `atexit`: closes the gate and waits for the threads inside.
#[pyfunction]
pub(crate) fn close_gate(py: Python<'_>) {
    py.detach(|| {
        let mut gate = lock();
        gate.closed = true;
        while gate.inside > 0 {
            gate = EMPTIED.wait(gate).unwrap_or_else(PoisonError::into_inner);
        }
    });
}
