#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod admin;
mod api;
mod backlog;
mod clock;
mod encoding;
mod errors;
mod faults;
mod inflight;
mod nonce;
mod password;
mod render;
mod server;
mod service;
mod signature;
mod state;
mod stats;
mod sts;
mod throttle;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use faults::{Fault, FaultAction};
pub use inflight::{InFlightStats, MAX_HOLD};
pub use password::PasswordPolicy;
pub use state::{
    DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_ACCOUNT_ID, DEMO_DIRECTORY_ID,
    DEMO_INITIAL_PASSWORD, DEMO_USER_ID, State, ThrottleRates,
};
pub use stats::{LoggedRequest, REDACTED_PARAMETERS, REQUEST_LOG_CAPACITY, Stats};
pub use sts::{DEMO_ROLE_ARN, StsStats};

use server::Server;
use service::lock;

/// How to start an [`Emulator`]. `Default` listens on `127.0.0.1:0` with the demo state.
#[derive(Debug, Clone, Default)]
pub struct EmulatorConfig {
    /// Address to bind; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: Option<SocketAddr>,
    /// The service's data. Default [`State::demo`].
    pub state: Option<State>,
    /// Server worker threads. Default 2.
    pub worker_threads: Option<usize>,
    /// Address of the second port (STS, ECS metadata, credentials URI). Default: the
    /// API's IP with a free port.
    pub sts_listen: Option<SocketAddr>,
}

/// The built-in demo identities, as announced by `cloudsso emulator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoInfo {
    /// `testid`.
    pub access_key_id: String,
    /// `testsecret` (a public demo value, not a real secret).
    pub access_key_secret: String,
    /// `d-00fc2p61abcd`.
    pub directory_id: String,
    /// `u-00q8wbq42wiltcrkabcd`.
    pub user_id: String,
}

impl DemoInfo {
    fn builtin() -> Self {
        DemoInfo {
            access_key_id: DEMO_ACCESS_KEY_ID.into(),
            access_key_secret: DEMO_ACCESS_KEY_SECRET.into(),
            directory_id: DEMO_DIRECTORY_ID.into(),
            user_id: DEMO_USER_ID.into(),
        }
    }
}

/// A running emulator: an HTTP/1.1 server on background threads. Dropping it stops the
/// server and frees the port, like [`Emulator::shutdown`].
pub struct Emulator {
    runtime: Option<tokio::runtime::Runtime>,
    server: Arc<Server>,
    local_addr: SocketAddr,
    sts_addr: SocketAddr,
    demo: DemoInfo,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Binds (e.g. `127.0.0.1:0` picks a free port) and starts serving on background threads.
    /// Returns once the socket is listening, so the endpoint is usable at once.
    pub fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listen = config
            .listen
            .unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let std_listener = std::net::TcpListener::bind(listen)?;
        std_listener.set_nonblocking(true)?;
        let local_addr = std_listener.local_addr()?;
        let sts_listener = std::net::TcpListener::bind(
            config
                .sts_listen
                .unwrap_or_else(|| SocketAddr::new(local_addr.ip(), 0)),
        )?;
        sts_listener.set_nonblocking(true)?;
        let sts_addr = sts_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.worker_threads.unwrap_or(2).max(1))
            .thread_name("cloudsso-emulator")
            .enable_all()
            .build()?;
        let (listener, sts_listener) = {
            let _context = runtime.enter();
            (
                tokio::net::TcpListener::from_std(std_listener)?,
                tokio::net::TcpListener::from_std(sts_listener)?,
            )
        };
        let server = Arc::new(Server {
            service: Arc::new(service::Service::new(
                config.state.unwrap_or_else(State::demo),
            )),
            accept_loop: Mutex::new(None),
            sts_accept_loop: Mutex::new(None),
        });
        let task = runtime.spawn(server::accept_loop(
            listener,
            server.clone(),
            server::Port::Api,
        ));
        let sts_task = runtime.spawn(server::accept_loop(
            sts_listener,
            server.clone(),
            server::Port::Sts,
        ));
        *lock(&server.accept_loop) = Some(task.abort_handle());
        *lock(&server.sts_accept_loop) = Some(sts_task.abort_handle());
        Ok(Emulator {
            runtime: Some(runtime),
            server,
            local_addr,
            sts_addr,
            demo: DemoInfo::builtin(),
        })
    }

    /// `http://127.0.0.1:PORT` (IPv6 addresses in brackets).
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://IP:PORT` of the second port: STS (`ALIBABA_CLOUD_STS_ENDPOINT`), the ECS
    /// metadata paths (`/latest/...`) and the credentials URI (`/credentials-uri`).
    pub fn sts_endpoint(&self) -> String {
        format!("http://{}", self.sts_addr)
    }

    /// `sts_endpoint()` + `/credentials-uri`, for `ALIBABA_CLOUD_CREDENTIALS_URI`.
    pub fn credentials_uri(&self) -> String {
        format!("{}/credentials-uri", self.sts_endpoint())
    }

    /// Calls the admin API in-process: `admin("POST", "/_emulator/sts/roles", json)` does what
    /// the same HTTP request does. Returns the status and the JSON answer.
    pub fn admin(&self, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
        // Some endpoints (full-backlog) open sockets that belong to the emulator's runtime.
        let _context = self.runtime.as_ref().map(|runtime| runtime.enter());
        let answer = admin::handle(&self.server.service, method, path, body.as_bytes());
        if answer.shutdown {
            self.server.stop_accepting();
        }
        (answer.status, answer.body)
    }

    /// Counters of the second port, like `GET /_emulator/sts/stats`.
    pub fn sts_stats(&self) -> StsStats {
        lock(&self.server.service.sts).stats.clone()
    }

    /// The demo keys, directory and user.
    pub fn demo(&self) -> &DemoInfo {
        &self.demo
    }

    /// The one-line JSON `cloudsso emulator` prints first on stdout:
    /// `{"endpoint": "...", "access_key_id": "...", "access_key_secret": "...", "directory_id": "...", "user_id": "...", "sts_endpoint": "..."}`
    /// (`sts_endpoint`: the second port, with STS, the ECS metadata paths and the credentials URI).
    pub fn announcement_json(&self) -> String {
        let s = |v: &str| serde_json::Value::from(v).to_string();
        format!(
            "{{\"endpoint\": {}, \"access_key_id\": {}, \"access_key_secret\": {}, \"directory_id\": {}, \"user_id\": {}, \"sts_endpoint\": {}}}",
            s(&self.endpoint()),
            s(&self.demo.access_key_id),
            s(&self.demo.access_key_secret),
            s(&self.demo.directory_id),
            s(&self.demo.user_id),
            s(&self.sts_endpoint()),
        )
    }

    /// Counters, the same data as `GET /_emulator/stats`.
    pub fn stats(&self) -> Stats {
        lock(&self.server.service.recorder).stats()
    }

    /// Requests in flight, their peak and the held ones, as `GET /_emulator/in-flight`.
    pub fn in_flight(&self) -> InFlightStats {
        self.server.service.in_flight.stats()
    }

    /// Lets every request held by a `hold` fault go on, as `POST /_emulator/release`; returns
    /// how many were held.
    pub fn release(&self) -> u64 {
        self.server.service.in_flight.release()
    }

    /// The request log, the same data as `GET /_emulator/requests`.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.server.service.recorder).requests()
    }

    /// Whether `candidate` is the user's current password; `None` for an unknown directory or
    /// user.
    pub fn check_password(
        &self,
        directory_id: &str,
        user_id: &str,
        candidate: &str,
    ) -> Option<bool> {
        self.server
            .service
            .check_password(directory_id, user_id, candidate)
            .map(|(matches, _)| matches)
    }

    /// Whether the user must change the password at next logon; `None` for an unknown user.
    pub fn requires_password_reset(&self, directory_id: &str, user_id: &str) -> Option<bool> {
        let state = lock(&self.server.service.state);
        let user = state.directories.get(directory_id)?.users.get(user_id)?;
        Some(user.require_reset)
    }

    /// Shifts the emulator's clock, like `POST /_emulator/clock`.
    pub fn set_clock_offset(&self, seconds: i64) {
        self.server.service.clock.set_offset(seconds);
    }

    /// Queues a fault, like `POST /_emulator/faults`.
    pub fn push_fault(&self, fault: Fault) -> Result<(), String> {
        fault.validate()?;
        lock(&self.server.service.faults).push(fault);
        Ok(())
    }

    /// Sets the throttle rates, like `POST /_emulator/throttle`.
    pub fn set_throttle(&self, rates: ThrottleRates) {
        lock(&self.server.service.throttle).set_rates(rates);
        lock(&self.server.service.state).throttle = rates;
    }

    /// Blocks until the emulator stops serving: after `POST /_emulator/shutdown` or
    /// [`Emulator::stop`] (from another thread sharing it, e.g. a signal handler).
    pub fn wait(&self) {
        self.server.service.wait_stopped();
    }

    /// Stops accepting connections (the listening socket is closed) and ends every
    /// [`Emulator::wait`]. Connections already open are served until the emulator is dropped.
    pub fn stop(&self) {
        self.server.stop_accepting();
    }

    /// Stops the threads and frees the port. Also done on drop.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.stop_accepting();
        if let Some(runtime) = self.runtime.take() {
            // Blocking on shutdown inside another runtime would panic; let it finish in the
            // background there.
            if tokio::runtime::Handle::try_current().is_ok() {
                runtime.shutdown_background();
            } else {
                runtime.shutdown_timeout(Duration::from_secs(2));
            }
        }
    }
}
