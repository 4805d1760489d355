//! Native worker threads for `reset_user_password_async`.
//!
//! A call runs here with no GIL held and completes its asyncio future through
//! `loop.call_soon_threadsafe`: no `concurrent.futures` machinery and no Python
//! worker loop, which cost as much CPU per call as the call itself.
//! Threads start only when every started one is busy, up to [`MAX_WORKERS`].

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

/// Calls that may wait on the network at once; more are queued.
pub(crate) const MAX_WORKERS: usize = 64;

type Job = Box<dyn FnOnce() + Send + 'static>;

struct State {
    queue: VecDeque<Job>,
    idle: usize,
    started: usize,
    /// The process that started the threads: a forked child has none of them.
    pid: u32,
}

struct Workers {
    state: Mutex<State>,
    wake: Condvar,
}

static WORKERS: Workers = Workers {
    state: Mutex::new(State {
        queue: VecDeque::new(),
        idle: 0,
        started: 0,
        pid: 0,
    }),
    wake: Condvar::new(),
};

fn lock() -> MutexGuard<'static, State> {
    // Jobs run outside the lock, so a poisoned lock still guards a consistent queue.
    WORKERS.state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `job` on a worker thread.
pub(crate) fn submit(job: Job) -> std::io::Result<()> {
    let mut state = lock();
    let pid = std::process::id();
    if state.pid != pid {
        // First use, or after fork(): the threads counted belong to the parent.
        state.idle = 0;
        state.started = 0;
        state.pid = pid;
    }
    state.queue.push_back(job);
    if state.idle > 0 {
        WORKERS.wake.notify_one();
    }
    // More queued than idle threads to take them: start one, if allowed.
    if state.queue.len() > state.idle && state.started < MAX_WORKERS {
        let spawned = thread::Builder::new()
            .name("cloudsso-async".to_string())
            .spawn(work);
        match spawned {
            Ok(_) => state.started += 1,
            // With no thread at all the job would never run: hand the failure back.
            Err(e) if state.started == 0 => {
                state.queue.pop_back();
                return Err(e);
            }
            Err(_) => {}
        }
    }
    Ok(())
}

fn work() {
    let mut state = lock();
    loop {
        match state.queue.pop_front() {
            Some(job) => {
                drop(state);
                // A job catches its own panics (it must complete its future);
                // this only keeps the thread alive if one slipped through.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                state = lock();
            }
            None => {
                state.idle += 1;
                state = WORKERS
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                state.idle -= 1;
            }
        }
    }
}
