//! Retries, the retry budget, the client-side rate limit and clock-skew
//! correction, each shown against the emulator's fault injection.

mod support;

use cloudsso::{ErrorKind, ResetUserPasswordRequest};
use serde_json::json;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use support::*;

fn generated() -> ResetUserPasswordRequest {
    ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true)
}

fn chosen(password: &str) -> ResetUserPasswordRequest {
    ResetUserPasswordRequest::new(DIR, USER).password(password)
}

/// Nonces of the last `n` API requests the emulator saw.
fn last_nonces(emu: &cloudsso_emulator::Emulator, n: usize) -> Vec<String> {
    let seen = emu.requests();
    seen[seen.len() - n..]
        .iter()
        .map(|r| r.nonce.clone().expect("nonce"))
        .collect()
}

#[test]
fn a_503_then_success_is_retried_with_a_fresh_nonce() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 2, "action": "respond", "status": 503, "code": "ServiceUnavailable"}),
    );
    let client = builder_for(&emu).build().unwrap();
    let started = Instant::now();
    let out = client.reset_user_password(&generated()).unwrap();
    assert!(out.new_password().is_some());
    assert_eq!(emu.stats().requests, 3);
    let nonces: HashSet<String> = last_nonces(&emu, 3).into_iter().collect();
    assert_eq!(nonces.len(), 3, "every attempt is signed afresh");
    // Full jitter: at most 100 ms + 200 ms of backoff in all.
    assert!(started.elapsed() < Duration::from_millis(300 + 1000));
}

#[test]
fn throttling_burst_then_success_backs_off_from_500_ms() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 2, "action": "respond", "status": 400, "code": "Throttling.User", "message": "Request was denied due to user flow control."}),
    );
    let client = builder_for(&emu).max_attempts(3).build().unwrap();
    let out = client.reset_user_password(&generated()).unwrap();
    assert!(out.new_password().is_some());
    assert_eq!(emu.stats().requests, 3);
}

#[test]
fn retry_after_header_sets_the_wait() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 1, "action": "respond", "status": 429, "code": "Throttling", "retry_after_ms": 700}),
    );
    let client = builder_for(&emu).build().unwrap();
    let started = Instant::now();
    client.reset_user_password(&generated()).unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(700), "waited {waited:?}");
    assert!(
        waited < Duration::from_millis(700 + 1000),
        "waited {waited:?}"
    );
}

#[test]
fn attempts_are_capped_and_reported() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 5, "action": "respond", "status": 503, "code": "ServiceUnavailable", "retry_after_ms": 1}),
    );
    let client = builder_for(&emu).max_attempts(2).build().unwrap();
    let e = client.reset_user_password(&generated()).unwrap_err();
    assert_eq!(e.code(), Some("ServiceUnavailable"));
    assert_eq!(e.attempts(), 2);
    assert_eq!(emu.stats().requests, 2);
    assert!(e.to_string().contains("after 2 attempts"));
}

#[test]
fn client_errors_and_signature_errors_are_never_retried() {
    let emu = emulator(None);
    let client = builder_for(&emu).build().unwrap();
    let e = client
        .reset_user_password(
            &ResetUserPasswordRequest::new(DIR, "u-ghost").generate_random_password(true),
        )
        .unwrap_err();
    assert_eq!((e.attempts(), emu.stats().requests), (1, 1));
    let bad_key = cloudsso::Client::builder()
        .endpoint(emu.endpoint())
        .access_key("testid", "wrong")
        .build()
        .unwrap();
    let e = bad_key.reset_user_password(&generated()).unwrap_err();
    assert_eq!((e.code(), e.attempts()), (Some("SignatureDoesNotMatch"), 1));
    assert_eq!(emu.stats().requests, 2);
}

#[test]
fn an_ambiguous_drop_is_not_retried_for_a_generated_password() {
    let emu = emulator(None);
    fault(&emu, json!({"count": 1, "action": "drop_after_process"}));
    let client = builder_for(&emu).build().unwrap();
    let e = client.reset_user_password(&generated()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(e.attempts(), 1);
    assert!(e.is_outcome_unknown());
    assert_eq!(emu.stats().resets, 1, "the service did change the password");
}

#[test]
fn an_ambiguous_drop_is_retried_for_a_caller_password() {
    let emu = emulator(None);
    fault(&emu, json!({"count": 1, "action": "drop_after_process"}));
    let client = builder_for(&emu).build().unwrap();
    client
        .reset_user_password(&chosen("Retry!Safe123"))
        .unwrap();
    assert_eq!(emu.stats().requests, 2);
    assert_eq!(emu.check_password(DIR, USER, "Retry!Safe123"), Some(true));
}

#[test]
fn a_generated_password_is_retried_after_an_ambiguous_failure_only_on_opt_in() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 1, "action": "respond", "status": 500, "code": "InternalError"}),
    );
    let client = builder_for(&emu)
        .retry_unknown_outcome_for_generated(true)
        .build()
        .unwrap();
    let out = client.reset_user_password(&generated()).unwrap();
    assert_eq!(
        emu.check_password(DIR, USER, out.new_password().unwrap()),
        Some(true)
    );
    assert_eq!(emu.stats().requests, 2);

    fault(
        &emu,
        json!({"count": 1, "action": "respond", "status": 500, "code": "InternalError"}),
    );
    let cautious = builder_for(&emu).build().unwrap();
    let e = cautious.reset_user_password(&generated()).unwrap_err();
    assert_eq!((e.http_status(), e.attempts()), (Some(500), 1));
    assert!(e.is_outcome_unknown());
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = cloudsso::Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .access_key("testid", "testsecret")
        .build()
        .unwrap();
    let e = client.reset_user_password(&generated()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(e.attempts(), 3, "refused connections are safe to retry");
    assert!(!e.is_outcome_unknown());
}

#[test]
fn the_retry_budget_stops_a_retry_storm() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 1000, "action": "respond", "status": 503, "code": "ServiceUnavailable", "retry_after_ms": 1}),
    );
    let client = builder_for(&emu).rate_limit_per_second(0).build().unwrap();
    let attempts: Vec<u32> = (0..70)
        .map(|_| {
            client
                .reset_user_password(&generated())
                .unwrap_err()
                .attempts()
        })
        .collect();
    // 500 tokens at 5 a retry: 100 retries, i.e. 50 calls of 3 attempts; then single attempts.
    assert!(attempts[..50].iter().all(|&a| a == 3), "{attempts:?}");
    assert!(attempts[50..].iter().all(|&a| a == 1), "{attempts:?}");
}

#[test]
fn clock_skew_is_corrected_once_and_remembered() {
    let emu = emulator(None);
    emu.set_clock_offset(3600);
    let client = builder_for(&emu).build().unwrap();
    client.reset_user_password(&generated()).unwrap();
    assert_eq!(emu.stats().requests, 2, "one rejected, one corrected");
    let offset = client.clock_offset_ms();
    assert!((3_595_000..=3_605_000).contains(&offset), "offset {offset}");
    client.reset_user_password(&generated()).unwrap();
    assert_eq!(
        emu.stats().requests,
        3,
        "the offset is kept for later calls"
    );
}

#[test]
fn skew_that_persists_is_reported_with_its_size() {
    let emu = emulator(None);
    emu.set_clock_offset(-7200);
    fault(
        &emu,
        json!({"count": 3, "action": "respond", "status": 400, "code": "InvalidTimeStamp.Expired", "message": "Specified time stamp or date value is expired."}),
    );
    let client = builder_for(&emu).build().unwrap();
    let e = client.reset_user_password(&generated()).unwrap_err();
    assert_eq!(e.code(), Some("InvalidTimeStamp.Expired"));
    let skew = e.clock_skew().expect("skew measured").as_secs();
    assert!((7195..=7205).contains(&skew), "skew {skew}");
    assert!(e.to_string().contains("clock differs"));
}

/// 1,000 calls from 8 threads against the service's own 100/s throttle: the
/// client-side limit keeps every call under it. Prints the time taken.
#[test]
fn the_rate_limit_keeps_a_bulk_job_under_the_service_throttle() {
    let emu = emulator(None);
    let client = builder_for(&emu).max_attempts(1).build().unwrap();
    let started = Instant::now();
    let throttled: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                s.spawn(move || {
                    (0..125)
                        .filter(|_| match client.reset_user_password(&generated()) {
                            Ok(_) => false,
                            Err(e) if e.kind() == ErrorKind::Throttled => true,
                            Err(e) => panic!("unexpected error: {e}"),
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let elapsed = started.elapsed();
    println!("1000 calls from 8 threads took {elapsed:?}, {throttled} throttled");
    assert_eq!(throttled, 0);
    assert_eq!(emu.stats().resets, 1000);
    assert!(
        elapsed >= Duration::from_millis(9_000),
        "the limit paces calls: {elapsed:?}"
    );
}

#[test]
fn without_the_limit_the_service_throttle_is_hit() {
    let emu = emulator(None);
    let client = builder_for(&emu)
        .max_attempts(1)
        .rate_limit_per_second(0)
        .build()
        .unwrap();
    let throttled = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                s.spawn(move || {
                    (0..40)
                        .filter(|_| {
                            client
                                .reset_user_password(&generated())
                                .is_err_and(|e| e.kind() == ErrorKind::Throttled)
                        })
                        .count()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum::<usize>()
    });
    assert!(throttled > 0, "320 unpaced calls exceed a 100-call bucket");
}
