//! The emulator's shared, thread-safe data: state, clock, replay cache, throttle, fault queue
//! and recorder, each behind its own lock so unrelated work does not contend.

use std::sync::{Condvar, Mutex, MutexGuard};

use crate::clock::Clock;
use crate::faults::FaultQueue;
use crate::nonce::NonceCache;
use crate::state::State;
use crate::stats::Recorder;
use crate::sts::StsState;
use crate::throttle::Throttle;

pub(crate) struct Service {
    pub(crate) state: Mutex<State>,
    pub(crate) clock: Clock,
    pub(crate) nonces: Mutex<NonceCache>,
    pub(crate) throttle: Mutex<Throttle>,
    pub(crate) faults: Mutex<FaultQueue>,
    pub(crate) recorder: Mutex<Recorder>,
    /// API requests in flight, their peak, and the `hold` fault's gate.
    pub(crate) in_flight: crate::inflight::InFlight,
    /// Loopback ports with a full accept queue (`POST /_emulator/full-backlog`).
    pub(crate) full_backlogs: crate::backlog::FullBacklogs,
    /// STS, metadata and credentials-URI data (the second port).
    pub(crate) sts: Mutex<StsState>,
    stopped: Mutex<bool>,
    stopped_signal: Condvar,
}

/// Locks, ignoring poisoning: a panicking request must not take the whole emulator down, and
/// every critical section leaves its data consistent.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Service {
    pub(crate) fn new(state: State) -> Self {
        let throttle = Throttle::new(state.throttle);
        Service {
            state: Mutex::new(state),
            clock: Clock::default(),
            nonces: Mutex::new(NonceCache::default()),
            throttle: Mutex::new(throttle),
            faults: Mutex::new(FaultQueue::default()),
            recorder: Mutex::new(Recorder::default()),
            in_flight: Default::default(),
            full_backlogs: Default::default(),
            sts: Mutex::new({
                let mut sts = StsState::default();
                sts.add_role(crate::sts::demo_role())
                    .expect("the demo role is valid");
                sts
            }),
            stopped: Mutex::new(false),
            stopped_signal: Condvar::new(),
        }
    }

    /// Marks the emulator stopped and wakes every `wait()`er.
    pub(crate) fn mark_stopped(&self) {
        *lock(&self.stopped) = true;
        self.stopped_signal.notify_all();
    }

    pub(crate) fn wait_stopped(&self) {
        let mut stopped = lock(&self.stopped);
        while !*stopped {
            stopped = self
                .stopped_signal
                .wait(stopped)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// `Some(matches, require_reset)` for a known user; never reveals the password.
    pub(crate) fn check_password(
        &self,
        directory_id: &str,
        user_id: &str,
        candidate: &str,
    ) -> Option<(bool, bool)> {
        let state = lock(&self.state);
        let user = state.directories.get(directory_id)?.users.get(user_id)?;
        Some((user.password.matches(candidate), user.require_reset))
    }
}
