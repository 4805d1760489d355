//! How a finished async call reaches its asyncio future.
//!
//! On Unix, each event loop gets a [`Completions`] channel: worker threads
//! push finished calls into it and wake the loop by writing one byte to a
//! socket pair that the loop watches with `add_reader`; the loop then turns
//! every finished call into Python objects in one go. Workers never take the
//! GIL, and a burst of completions costs one wake-up. Where a loop cannot watch
//! a socket (Windows' proactor loop), a worker attaches and uses
//! `loop.call_soon_threadsafe` instead.

use crate::errors::to_py_err;
use crate::result::ResetUserPasswordResult;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// What a worker hands back: the call's result, or `None` if it panicked.
pub(crate) type Outcome = Option<Result<cloudsso::ResetUserPasswordResponse, cloudsso::Error>>;

/// The `(result, error)` pair `complete(future, result, error)` takes.
fn to_python(py: Python<'_>, outcome: Outcome) -> (Py<PyAny>, Py<PyAny>) {
    let failed = |e: PyErr| (py.None(), e.into_value(py).into_any());
    match outcome {
        Some(Ok(answer)) => match Py::new(py, ResetUserPasswordResult::from(answer)) {
            Ok(result) => (result.into_any(), py.None()),
            Err(e) => failed(e),
        },
        Some(Err(e)) => failed(to_py_err(py, &e)),
        None => failed(PyRuntimeError::new_err(
            "cloudsso: internal error (a bug); the outcome is unknown",
        )),
    }
}

/// Where a worker sends a finished async call.
pub(crate) enum Delivery {
    #[cfg(unix)]
    Channel(Sender),
    Threadsafe {
        event_loop: Py<PyAny>,
        complete: Py<PyAny>,
    },
}

impl Delivery {
    /// `target` is a `Completions` channel, or else the event loop itself.
    pub(crate) fn for_target(target: Bound<'_, PyAny>, complete: Py<PyAny>) -> Delivery {
        #[cfg(unix)]
        if let Ok(channel) = target.cast::<Completions>() {
            return Delivery::Channel(channel.get().sender());
        }
        Delivery::Threadsafe {
            event_loop: target.unbind(),
            complete,
        }
    }

    /// Hands the finished call to the loop (called on the worker thread).
    pub(crate) fn deliver(self, future: Py<PyAny>, outcome: Outcome) {
        match self {
            #[cfg(unix)]
            Delivery::Channel(sender) => sender.send(future, outcome),
            Delivery::Threadsafe {
                event_loop,
                complete,
            } => deliver_threadsafe(event_loop, complete, future, outcome),
        }
    }
}

/// Delivers by attaching to the interpreter and scheduling `complete` on `event_loop`.
fn deliver_threadsafe(
    event_loop: Py<PyAny>,
    complete: Py<PyAny>,
    future: Py<PyAny>,
    outcome: Outcome,
) {
    // The gate: during interpreter exit there is no loop left to tell.
    crate::gate::attach(|py| {
        let (result, error) = to_python(py, outcome);
        // Fails only if the loop was closed meanwhile: nobody is waiting then.
        let _ = event_loop.call_method1(
            py,
            "call_soon_threadsafe",
            (complete, future, result, error),
        );
    });
}

#[cfg(unix)]
pub(crate) use channel::{Completions, Sender};

#[cfg(unix)]
mod channel {
    use super::{Outcome, to_python};
    use pyo3::prelude::*;
    use std::io::{ErrorKind, Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

    /// Finished calls waiting for the loop, and the socket that wakes it.
    struct Shared {
        finished: Mutex<Vec<(Py<PyAny>, Outcome)>>,
        wake: UnixStream,
    }

    impl Shared {
        fn finished(&self) -> MutexGuard<'_, Vec<(Py<PyAny>, Outcome)>> {
            self.finished.lock().unwrap_or_else(PoisonError::into_inner)
        }
    }

    /// A worker's handle on a loop's channel.
    #[derive(Clone)]
    pub(crate) struct Sender(Arc<Shared>);

    impl Sender {
        /// Queues a finished call; wakes the loop only if the queue was empty
        /// (otherwise a wake-up is already on its way). No GIL needed.
        pub(crate) fn send(&self, future: Py<PyAny>, outcome: Outcome) {
            let was_empty = {
                let mut finished = self.0.finished();
                finished.push((future, outcome));
                finished.len() == 1
            };
            if was_empty {
                // Non-blocking; a full socket means a wake-up is pending anyway.
                let _ = (&self.0.wake).write(&[1]);
            }
        }
    }

    /// One event loop's completion channel (`cloudsso._cloudsso.Completions`).
    #[pyclass(module = "cloudsso._cloudsso", frozen)]
    pub(crate) struct Completions {
        shared: Arc<Shared>,
        woken: UnixStream,
        complete: Py<PyAny>,
    }

    #[pymethods]
    impl Completions {
        /// A channel whose `drain` calls `complete(future, result, error)` per finished call.
        #[new]
        fn new(complete: Py<PyAny>) -> PyResult<Self> {
            let (wake, woken) = UnixStream::pair()?;
            wake.set_nonblocking(true)?;
            woken.set_nonblocking(true)?;
            Ok(Completions {
                shared: Arc::new(Shared {
                    finished: Mutex::new(Vec::new()),
                    wake,
                }),
                woken,
                complete,
            })
        }

        /// The socket the loop watches with `add_reader`.
        fn fileno(&self) -> i32 {
            self.woken.as_raw_fd()
        }

        /// The loop's reader callback: hands every finished call to `complete`.
        fn drain(&self, py: Python<'_>) {
            // Wake-up bytes first, then the queue: a call queued after this
            // read writes a new byte, so none is left behind.
            let mut bytes = [0u8; 64];
            loop {
                match (&self.woken).read(&mut bytes) {
                    Ok(n) if n == bytes.len() => continue,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    _ => break,
                }
            }
            let finished = std::mem::take(&mut *self.shared.finished());
            for (future, outcome) in finished {
                let (result, error) = to_python(py, outcome);
                if let Err(e) = self.complete.call1(py, (future, result, error)) {
                    e.write_unraisable(py, None);
                }
            }
        }
    }

    impl Completions {
        /// A handle for a worker.
        pub(crate) fn sender(&self) -> Sender {
            Sender(Arc::clone(&self.shared))
        }
    }
}
