//! A custom credentials provider (asked once per call, its failure a credentials error with
//! nothing sent), and a connect-phase timeout against a loopback port whose accept queue is
//! full (the emulator's `full-backlog`), never a blackholed outside address.

mod support;

use cloudsso::{
    Client, Credentials, CredentialsProvider, Error, ErrorKind, ResetUserPasswordRequest,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::*;

/// Hands out key A, then key B, then fails: what a refreshing provider does over time.
#[derive(Debug, Default)]
struct Rotating {
    asked: AtomicUsize,
}

impl CredentialsProvider for Rotating {
    fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        match self.asked.fetch_add(1, Ordering::SeqCst) {
            0 => Ok(Arc::new(Credentials::new(
                "rotating-a",
                "Rotating-Secret-A1",
                None,
            )?)),
            1 => Ok(Arc::new(Credentials::new(
                "rotating-b",
                "Rotating-Secret-B2",
                None,
            )?)),
            _ => Err(Error::credentials_unavailable(
                "the rotating test provider ran dry",
            )),
        }
    }
}

fn generate() -> ResetUserPasswordRequest {
    ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true)
}

#[test]
fn a_custom_provider_is_asked_per_call_and_its_failure_is_a_credentials_error() {
    let emu = emulator(None);
    for (id, secret) in [
        ("rotating-a", "Rotating-Secret-A1"),
        ("rotating-b", "Rotating-Secret-B2"),
    ] {
        let (status, body) = emu.admin(
            "POST",
            "/_emulator/access-keys",
            &serde_json::json!({"access_key_id": id, "access_key_secret": secret}).to_string(),
        );
        assert_eq!(status, 200, "{body}");
    }
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials_provider(Rotating::default())
        .build()
        .unwrap();
    client.reset_user_password(&generate()).unwrap();
    client.reset_user_password(&generate()).unwrap();
    let before = emu.stats().requests;
    let err = client.reset_user_password(&generate()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err}");
    assert!(!err.is_outcome_unknown());
    assert!(err.to_string().contains("ran dry"), "{err}");
    assert_eq!(
        emu.stats().requests,
        before,
        "nothing is sent without credentials"
    );
    let keys: Vec<Option<String>> = emu
        .requests()
        .into_iter()
        .map(|r| r.access_key_id)
        .collect();
    assert_eq!(
        keys,
        [
            Some("rotating-a".to_string()),
            Some("rotating-b".to_string())
        ],
        "each call signed with what the provider gave at that moment"
    );
}

#[test]
fn a_full_accept_queue_is_a_connect_timeout_with_nothing_sent() {
    let emu = emulator(None);
    let (status, answer) = emu.admin("POST", "/_emulator/full-backlog", "");
    assert_eq!(status, 200, "{answer}");
    let client = builder_for(&emu)
        .endpoint(answer["endpoint"].as_str().unwrap())
        .connect_timeout(Duration::from_millis(200))
        .read_timeout(Duration::from_secs(30))
        .max_attempts(1)
        .build()
        .unwrap();
    let err = client.reset_user_password(&generate()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        !err.is_outcome_unknown(),
        "a connect timeout sent nothing: {err}"
    );
    assert!(err.to_string().contains("connect"), "{err}");
    assert_eq!(emu.stats().requests, 0);
}
