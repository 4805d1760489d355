//! The bulk runner against the real emulator: every user once, paced under the
//! service's limit, throttled calls finished by the runner, stop and sink errors.

mod support;

use cloudsso::bulk::{BulkRunner, BulkSink, SinkError};
use cloudsso::{Error, ErrorKind, ResetUserPasswordRequest, ResetUserPasswordResponse};
use cloudsso_emulator::{Emulator, ThrottleRates};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use support::{builder_for, emulator};

const DIR: &str = "d-bulk";

fn users(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u-bulk{i:05}")).collect()
}

/// An emulator holding directory `d-bulk` with `n` users.
fn emulator_with(n: usize) -> Emulator {
    let state = serde_json::json!({
        "directories": [{"directory_id": DIR, "users": users(n)}]
    });
    emulator(Some(&state.to_string()))
}

fn requests(ids: &[String]) -> Vec<ResetUserPasswordRequest> {
    ids.iter()
        .map(|u| ResetUserPasswordRequest::new(DIR, u).generate_random_password(true))
        .collect()
}

/// Records every hook call; optionally sets the stop flag after `stop_after` ends.
#[derive(Default)]
struct Recorder {
    started: Mutex<Vec<String>>,
    done: Mutex<HashMap<String, String>>,
    failed: Mutex<Vec<(String, ErrorKind)>>,
    stop_after: Option<(usize, &'static AtomicBool)>,
    ends: AtomicUsize,
}

impl BulkSink for Recorder {
    fn started(&self, _: usize, r: &ResetUserPasswordRequest) -> Result<(), SinkError> {
        self.started.lock().unwrap().push(r.user_id().to_owned());
        Ok(())
    }

    fn finished(
        &self,
        _: usize,
        r: &ResetUserPasswordRequest,
        outcome: Result<ResetUserPasswordResponse, Error>,
    ) -> Result<(), SinkError> {
        match outcome {
            Ok(res) => {
                let pw = res.new_password().expect("generated").to_owned();
                self.done.lock().unwrap().insert(r.user_id().to_owned(), pw);
            }
            Err(e) => self
                .failed
                .lock()
                .unwrap()
                .push((r.user_id().to_owned(), e.kind())),
        }
        let ends = self.ends.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some((n, stop)) = self.stop_after
            && ends >= n
        {
            stop.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
}

fn leak(flag: AtomicBool) -> &'static AtomicBool {
    Box::leak(Box::new(flag))
}

#[test]
fn every_user_is_reset_once_and_no_call_is_throttled() {
    let emu = emulator_with(250);
    let client = builder_for(&emu).build().unwrap();
    let ids = users(250);
    let sink = Recorder::default();
    let stop = AtomicBool::new(false);
    let report = BulkRunner::new(&client)
        .run(requests(&ids), &sink, &stop)
        .unwrap();
    assert_eq!((report.started, report.finished), (250, 250));
    assert!(!report.stopped);
    assert!(sink.failed.lock().unwrap().is_empty());
    let done = sink.done.lock().unwrap();
    assert_eq!(done.len(), 250);
    for (user, pw) in done.iter() {
        assert_eq!(emu.check_password(DIR, user, pw), Some(true), "{user}");
    }
    let stats = emu.stats();
    assert_eq!(stats.resets, 250);
    assert_eq!(stats.requests, 250, "no call was tried twice: {stats:?}");
    assert!(stats.errors.is_empty(), "{stats:?}");
    let mut per_user: HashMap<String, usize> = HashMap::new();
    for entry in emu.requests() {
        *per_user.entry(entry.user_id.unwrap()).or_default() += 1;
    }
    assert!(per_user.values().all(|&n| n == 1));
    assert_eq!(per_user.len(), 250);
}

#[test]
fn throttled_calls_are_tried_again_until_every_user_is_done() {
    let emu = emulator_with(60);
    emu.set_throttle(ThrottleRates {
        per_account_per_second: 20,
        global_per_second: 0,
    });
    // No client-side limit, no pacing, one attempt per call: the throttle is
    // hit at once and only the runner's retries can finish the job.
    let client = builder_for(&emu)
        .rate_limit_per_second(0)
        .max_attempts(1)
        .build()
        .unwrap();
    let sink = Recorder::default();
    let stop = AtomicBool::new(false);
    let report = BulkRunner::new(&client)
        .starts_per_second(0)
        .throttle_retries(30)
        .run(requests(&users(60)), &sink, &stop)
        .unwrap();
    assert_eq!(sink.done.lock().unwrap().len(), 60, "{:?}", sink.failed);
    assert!(report.throttle_retries > 0);
    let stats = emu.stats();
    assert_eq!(stats.resets, 60);
    assert!(stats.errors.get("Throttling.User").copied().unwrap_or(0) > 0);
}

#[test]
fn a_stop_lets_calls_in_flight_finish_and_starts_no_more() {
    let emu = emulator_with(200);
    let client = builder_for(&emu).build().unwrap();
    let stop = leak(AtomicBool::new(false));
    let sink = Recorder {
        stop_after: Some((20, stop)),
        ..Default::default()
    };
    let report = BulkRunner::new(&client)
        .run(requests(&users(200)), &sink, stop)
        .unwrap();
    assert!(report.stopped);
    assert_eq!(report.started, report.finished, "every started call ended");
    assert!(report.started >= 20 && report.started < 200, "{report:?}");
    let started = sink.started.lock().unwrap().len() as u64;
    assert_eq!(started, report.started);
    assert_eq!(sink.done.lock().unwrap().len() as u64, report.started);
    assert_eq!(emu.stats().resets, report.started);
}

#[test]
fn invalid_requests_are_reported_without_being_sent() {
    let emu = emulator_with(3);
    let client = builder_for(&emu).build().unwrap();
    let mut reqs = requests(&users(3));
    reqs.insert(
        1,
        ResetUserPasswordRequest::new(DIR, "not-a-user").generate_random_password(true),
    );
    let sink = Recorder::default();
    let stop = AtomicBool::new(false);
    let report = BulkRunner::new(&client).run(reqs, &sink, &stop).unwrap();
    assert_eq!((report.started, report.invalid), (3, 1));
    assert!(
        !sink
            .started
            .lock()
            .unwrap()
            .contains(&"not-a-user".to_owned())
    );
    assert_eq!(
        *sink.failed.lock().unwrap(),
        vec![("not-a-user".to_owned(), ErrorKind::Validation)]
    );
    assert_eq!(emu.stats().requests, 3);
}

/// A sink whose `started` hook fails on the third call.
struct Fragile {
    calls: AtomicUsize,
}

impl BulkSink for Fragile {
    fn started(&self, _: usize, _: &ResetUserPasswordRequest) -> Result<(), SinkError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) >= 2 {
            return Err("disk full".into());
        }
        Ok(())
    }

    fn finished(
        &self,
        _: usize,
        _: &ResetUserPasswordRequest,
        _: Result<ResetUserPasswordResponse, Error>,
    ) -> Result<(), SinkError> {
        Ok(())
    }
}

#[test]
fn a_failing_started_hook_keeps_its_call_unsent_and_stops_the_run() {
    let emu = emulator_with(50);
    let client = builder_for(&emu).build().unwrap();
    let stop = AtomicBool::new(false);
    let report = BulkRunner::new(&client)
        .concurrency(1)
        .run(
            requests(&users(50)),
            &Fragile {
                calls: AtomicUsize::new(0),
            },
            &stop,
        )
        .unwrap();
    assert!(report.stopped);
    assert_eq!(report.started, 2);
    assert_eq!(report.sink_error.unwrap().to_string(), "disk full");
    assert_eq!(emu.stats().requests, 2);
}

#[test]
fn concurrency_out_of_range_is_refused_before_anything_is_sent() {
    let emu = emulator_with(1);
    let client = builder_for(&emu).build().unwrap();
    let stop = AtomicBool::new(false);
    let err = BulkRunner::new(&client)
        .concurrency(0)
        .run(requests(&users(1)), &Recorder::default(), &stop)
        .unwrap_err();
    assert_eq!(err.field(), Some("concurrency"));
    assert_eq!(emu.stats().requests, 0);
}
