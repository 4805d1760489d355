//! The client over real sockets: against the emulator, and against a raw
//! loopback server for answers the emulator does not give.

mod support;

use cloudsso::{ErrorKind, ResetUserPasswordRequest, SignatureVersion};
use serde_json::json;
use std::time::Duration;
use support::*;

fn generated() -> ResetUserPasswordRequest {
    ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true)
}

#[test]
fn generated_password_is_returned_and_really_set() {
    let emu = emulator(None);
    let client = builder_for(&emu).build().unwrap();
    let out = client.reset_user_password(&generated()).unwrap();
    let password = out.new_password().expect("a generated password");
    assert!(!out.request_id().is_empty());
    assert_eq!(emu.check_password(DIR, USER, password), Some(true));
    assert_eq!(emu.stats().resets, 1);
}

#[test]
fn caller_password_with_special_and_non_ascii_characters_is_set() {
    let emu = emulator(None);
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let client = builder_for(&emu)
            .signature_version(version)
            .build()
            .unwrap();
        let password = format!("Zz9~*+ ä)$?{version:?}");
        let out = client
            .reset_user_password(
                &ResetUserPasswordRequest::new(DIR, USER)
                    .password(password.as_str())
                    .require_password_reset_for_next_login(true),
            )
            .unwrap();
        assert_eq!(out.new_password(), None);
        assert_eq!(
            emu.check_password(DIR, USER, &password),
            Some(true),
            "{version:?}"
        );
        assert_eq!(emu.requires_password_reset(DIR, USER), Some(true));
    }
}

#[test]
fn the_password_travels_only_in_the_body() {
    let emu = emulator(None);
    let client = builder_for(&emu).build().unwrap();
    client
        .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password("Body0nly!pass"))
        .unwrap();
    let seen = emu.requests();
    let last = seen.last().unwrap();
    assert_eq!(last.method, "POST");
    assert_eq!(last.target, "/");
    assert!(last.query_names.is_empty());
    assert!(last.body_names.iter().any(|n| n == "Password"));
}

#[test]
fn sts_token_is_sent_and_checked() {
    let state = r#"{"access_keys":[{"access_key_id":"STS.tempid","access_key_secret":"tempsecret","security_token":"sts-token-value"}]}"#;
    let emu = emulator(Some(state));
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let ok = cloudsso::Client::builder()
            .endpoint(emu.endpoint())
            .access_key("STS.tempid", "tempsecret")
            .security_token("sts-token-value")
            .signature_version(version)
            .build()
            .unwrap();
        assert!(ok.reset_user_password(&generated()).is_ok(), "{version:?}");
        let wrong = cloudsso::Client::builder()
            .endpoint(emu.endpoint())
            .access_key("STS.tempid", "tempsecret")
            .security_token("another-token")
            .signature_version(version)
            .build()
            .unwrap();
        let e = wrong.reset_user_password(&generated()).unwrap_err();
        assert!(e.code().unwrap().starts_with("InvalidSecurityToken"), "{e}");
        assert!(!e.to_string().contains("another-token"));
    }
}

#[test]
fn service_errors_carry_code_request_id_and_status() {
    let emu = emulator(None);
    let client = builder_for(&emu).build().unwrap();
    let e = client
        .reset_user_password(
            &ResetUserPasswordRequest::new(DIR, "u-nosuchuser").generate_random_password(true),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.code(), Some("EntityNotExists.User"));
    assert_eq!(e.http_status(), Some(404));
    assert!(e.request_id().is_some_and(|id| id.len() >= 32));
    assert_eq!(e.attempts(), 1);
    assert!(!e.is_outcome_unknown());

    let wrong_secret = cloudsso::Client::builder()
        .endpoint(emu.endpoint())
        .access_key("testid", "not-the-secret")
        .build()
        .unwrap();
    let e = wrong_secret.reset_user_password(&generated()).unwrap_err();
    assert_eq!(e.code(), Some("SignatureDoesNotMatch"));
    assert!(e.to_string().contains("check the access key secret"));
}

#[test]
fn invalid_requests_never_reach_the_server() {
    let emu = emulator(None);
    let client = builder_for(&emu).build().unwrap();
    let before = emu.stats().requests;
    for request in [
        ResetUserPasswordRequest::new("d-00fc2p61abcd&Action=x", USER)
            .generate_random_password(true),
        ResetUserPasswordRequest::new(DIR, "u-A").generate_random_password(true),
        ResetUserPasswordRequest::new(DIR, USER).password("short1!A"[..7].to_string()),
        ResetUserPasswordRequest::new(DIR, USER),
    ] {
        let e = client.reset_user_password(&request).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.attempts(), 0);
    }
    assert_eq!(emu.stats().requests, before);
}

#[test]
fn read_timeout_is_a_timeout_with_an_unknown_outcome_for_generated_passwords() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 1, "action": "delay", "delay_ms": 1500}),
    );
    let client = builder_for(&emu)
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let e = client.reset_user_password(&generated()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(
        e.attempts(),
        1,
        "a generated password is not retried blindly"
    );
    assert!(e.is_outcome_unknown());
    assert!(e.to_string().contains("outcome is unknown"));
}

fn json_answer(status_line: &'static str, content_type: &str, body: &str) -> Canned {
    Canned {
        status_line,
        headers: vec![
            ("content-type", content_type.to_string()),
            ("x-acs-request-id", "HEADER-REQ-ID".to_string()),
        ],
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn xml_error_bodies_are_read() {
    let server = RawServer::start(vec![json_answer(
        "HTTP/1.1 403 Forbidden",
        "text/xml",
        "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>XML-ID</RequestId><HostId>cloudsso.cn-shanghai.aliyuncs.com</HostId><Code>Forbidden.RAM</Code><Message>User not authorized &amp; denied</Message><Recommend>https://x</Recommend></Error>",
    )]);
    let e = raw_client(&server)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.code(), Some("Forbidden.RAM"));
    assert_eq!(e.message(), "User not authorized & denied");
    assert_eq!(e.request_id(), Some("XML-ID"));
    assert_eq!(e.host_id(), Some("cloudsso.cn-shanghai.aliyuncs.com"));
    assert_eq!(e.http_status(), Some(403));
}

#[test]
fn an_html_502_is_still_a_typed_error_with_its_status() {
    let server = RawServer::start(vec![json_answer(
        "HTTP/1.1 502 Bad Gateway",
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )]);
    let e = raw_client(&server)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.code(), None);
    assert_eq!(e.http_status(), Some(502));
    assert_eq!(e.request_id(), Some("HEADER-REQ-ID"));
    assert!(e.message().contains("text/html"));
}

#[test]
fn an_oversized_body_is_refused_with_a_decode_error() {
    let huge = format!("{{\"RequestId\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let server = RawServer::start(vec![json_answer(
        "HTTP/1.1 200 OK",
        "application/json",
        &huge,
    )]);
    let e = raw_client(&server)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("larger than 1048576 bytes"), "{e}");
}

#[test]
fn raw_request_has_the_password_and_token_only_in_the_body() {
    let server = RawServer::start(vec![json_answer(
        "HTTP/1.1 200 OK",
        "application/json",
        r#"{"RequestId":"R"}"#,
    )]);
    let client = cloudsso::Client::builder()
        .endpoint(&server.endpoint)
        .access_key("testid", "Distinct-Secret-123")
        .security_token("Distinct-Token-456")
        .build()
        .unwrap();
    client
        .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password("Distinct!Pass789"))
        .unwrap();
    let raw = String::from_utf8(server.requests.lock().unwrap()[0].clone()).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("POST / HTTP/1.1\r\n"), "{head}");
    for secret in [
        "Distinct-Secret-123",
        "Distinct-Token-456",
        "Distinct!Pass789",
        "Distinct%21Pass789",
    ] {
        assert!(!head.contains(secret), "{secret} in the request head");
    }
    assert!(body.contains("Password=Distinct%21Pass789"));
    assert!(body.contains("SecurityToken=Distinct-Token-456"));
    assert!(
        !raw.contains("Distinct-Secret-123"),
        "the secret itself is never sent"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("user-agent: cloudsso-rust/")
    );
}
