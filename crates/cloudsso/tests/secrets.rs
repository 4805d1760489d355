//! Secret hygiene of the Rust front door: with distinctive secrets, every log
//! record of this library (at the most verbose level), every error text, every
//! `Debug` output and every request target the server saw is searched for them.

mod support;

use cloudsso::{Client, ResetUserPasswordRequest, SignatureVersion};
use log::{Level, LevelFilter, Log, Metadata, Record};
use serde_json::json;
use std::sync::Mutex;
use support::*;

const SECRET: &str = "Zq7-SECRET-of-the-key-xK2";
const TOKEN: &str = "Tk9-STS-token-value-pW4";
const PASSWORD: &str = "Pw5!distinct-Passw0rd";

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Captures every record of the `cloudsso` crates, at trace level.
struct Capture;

impl Log for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Trace
    }
    fn log(&self, record: &Record<'_>) {
        if record.target().starts_with("cloudsso") {
            LINES.lock().unwrap().push(format!(
                "{} {}: {}",
                record.level(),
                record.target(),
                record.args()
            ));
        }
    }
    fn flush(&self) {}
}

/// Every agreed encoding in which a secret could show up (the scrubber's list).
fn forms(secret: &str) -> Vec<String> {
    cloudsso::unstable::encoded_forms(secret)
}

/// The secret percent-encoded twice, as in a string to sign.
fn twice(secret: &str) -> String {
    use cloudsso::encoding::percent_encode;
    percent_encode(&percent_encode(secret))
}

fn assert_clean(what: &str, text: &str) {
    for secret in [SECRET, TOKEN, PASSWORD] {
        for form in forms(secret) {
            assert!(!text.contains(&form), "{what} contains a secret: {text}");
        }
    }
}

#[test]
fn no_secret_reaches_logs_errors_debug_or_urls() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(LevelFilter::Trace);
    let state = json!({"access_keys": [{"access_key_id": "hygiene-id", "access_key_secret": SECRET, "security_token": TOKEN}]});
    let emu = emulator(Some(&state.to_string()));
    let mut seen = Vec::new();

    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let builder = Client::builder()
            .endpoint(emu.endpoint())
            .access_key("hygiene-id", SECRET)
            .security_token(TOKEN)
            .signature_version(version);
        seen.push(format!("{builder:?}"));
        let client = builder.build().unwrap();
        seen.push(format!("{client:?}"));
        let request = ResetUserPasswordRequest::new(DIR, USER).password(PASSWORD);
        seen.push(format!("{request:?}"));

        // Success with the caller's password, and with a generated one.
        let out = client.reset_user_password(&request).unwrap();
        seen.push(format!("{out:?}"));
        let out = client
            .reset_user_password(
                &ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true),
            )
            .unwrap();
        let generated = out.new_password().unwrap().to_string();
        assert!(!format!("{out:?}").contains(&generated));

        // A service that echoes what it was sent, secrets included.
        let echo = format!(
            "string to sign: POST&%2F&Password%3D{}%26SecurityToken%3D{} key {SECRET}",
            twice(PASSWORD),
            twice(TOKEN)
        );
        fault(
            &emu,
            json!({"count": 1, "action": "respond", "status": 400, "code": "SignatureDoesNotMatch", "message": echo}),
        );
        let e = client.reset_user_password(&request).unwrap_err();
        seen.push(format!("{e} {e:?} {:?}", e.recommend()));

        // Failures of every other shape.
        fault(
            &emu,
            json!({"count": 1, "action": "delay", "delay_ms": 600}),
        );
        let slow = Client::builder()
            .endpoint(emu.endpoint())
            .access_key("hygiene-id", SECRET)
            .security_token(TOKEN)
            .signature_version(version)
            .read_timeout(std::time::Duration::from_millis(200))
            .max_attempts(1)
            .build()
            .unwrap();
        let e = slow.reset_user_password(&request).unwrap_err();
        seen.push(format!("{e} {e:?}"));
        let e = client
            .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password("weak"))
            .unwrap_err();
        seen.push(format!("{e} {e:?}"));
        let e = client
            .reset_user_password(
                &ResetUserPasswordRequest::new(DIR, USER)
                    .password(format!("{PASSWORD}-and-far-too-long")),
            )
            .unwrap_err();
        seen.push(format!("{e} {e:?}"));
        let wrong = Client::builder()
            .endpoint(emu.endpoint())
            .access_key("hygiene-id", format!("{SECRET}-wrong"))
            .security_token(TOKEN)
            .signature_version(version)
            .build()
            .unwrap();
        let e = wrong.reset_user_password(&request).unwrap_err();
        seen.push(format!("{e} {e:?}"));
    }

    for request in emu.requests() {
        seen.push(request.target.clone());
    }
    let lines = LINES.lock().unwrap().clone();
    assert!(
        lines.len() >= 10,
        "the library logs its attempts: {lines:?}"
    );
    seen.extend(lines);
    for text in &seen {
        assert_clean("captured output", text);
    }
}
