//! Injected faults, observed at the socket.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

fn fault(addr: SocketAddr, spec: Value) {
    let (status, body) = admin(addr, "POST", "/_emulator/faults", Some(spec));
    assert_eq!(status, 200, "{body}");
}

/// A signed V1 request that sets `password`, as raw bytes.
fn set_password_request(password: &str) -> Vec<u8> {
    let (query, body) = V1::demo().sign(
        "POST",
        &[
            ("DirectoryId", DIR),
            ("UserId", USER),
            ("Password", password),
        ],
    );
    let form = |p: &[(String, String)]| {
        p.iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let headers = [(
        "content-type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    request_bytes(
        "POST",
        &format!("/?{}", form(&query)),
        &headers,
        form(&body).as_bytes(),
    )
}

#[test]
fn respond_sends_the_configured_error_with_retry_after() {
    let emu = start();
    let addr = emu.local_addr();
    fault(
        addr,
        json!({"count": 2, "action": "respond", "status": 503, "code": "ServiceUnavailable", "message": "busy", "retry_after_ms": 1500}),
    );
    for _ in 0..2 {
        let resp = V1::demo().call(
            addr,
            &[
                ("DirectoryId", DIR),
                ("UserId", USER),
                ("GenerateRandomPassword", "true"),
            ],
        );
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (503, "ServiceUnavailable")
        );
        assert_eq!(resp.header("x-acs-retry-after"), Some("1500"));
        assert_eq!(
            resp.json()["RequestId"].as_str(),
            resp.header("x-acs-request-id")
        );
    }
    let resp = V1::demo().call(
        addr,
        &[
            ("DirectoryId", DIR),
            ("UserId", USER),
            ("GenerateRandomPassword", "true"),
        ],
    );
    assert_eq!(resp.status, 200);
    let stats = emu.stats();
    assert_eq!(
        (
            stats.requests,
            stats.resets,
            stats.errors["ServiceUnavailable"]
        ),
        (3, 1, 2)
    );
}

#[test]
fn respond_with_a_verbatim_html_body() {
    let emu = start();
    let addr = emu.local_addr();
    fault(
        addr,
        json!({"action": "respond", "status": 502, "body": "<html>Bad Gateway</html>", "content_type": "text/html"}),
    );
    let resp = V1::demo().call(
        addr,
        &[
            ("DirectoryId", DIR),
            ("UserId", USER),
            ("GenerateRandomPassword", "true"),
        ],
    );
    assert_eq!(resp.status, 502);
    assert_eq!(resp.body, "<html>Bad Gateway</html>");
    assert_eq!(resp.header("content-type"), Some("text/html"));
}

#[test]
fn drop_before_read_closes_without_an_answer_or_a_change() {
    let emu = start();
    let addr = emu.local_addr();
    fault(addr, json!({"action": "drop_before_read"}));
    let raw = exchange(addr, &set_password_request("Dropped-Before-1"));
    assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
    assert_eq!(
        emu.check_password(DIR, USER, "Dropped-Before-1"),
        Some(false)
    );
    assert_eq!(emu.stats().requests, 1);
    assert_eq!(emu.requests()[0].fault.as_deref(), Some("drop_before_read"));
    assert_eq!(emu.requests()[0].http_status, None);
}

#[test]
fn drop_after_read_closes_without_processing() {
    let emu = start();
    let addr = emu.local_addr();
    fault(addr, json!({"action": "drop_after_read"}));
    assert!(exchange(addr, &set_password_request("Dropped-After-1")).is_empty());
    assert_eq!(
        emu.check_password(DIR, USER, "Dropped-After-1"),
        Some(false)
    );
    assert_eq!(emu.stats().resets, 0);
}

#[test]
fn drop_after_process_changes_the_password_but_sends_nothing() {
    let emu = start();
    let addr = emu.local_addr();
    fault(addr, json!({"action": "drop_after_process"}));
    assert!(exchange(addr, &set_password_request("Processed-Then-1")).is_empty());
    assert_eq!(
        emu.check_password(DIR, USER, "Processed-Then-1"),
        Some(true)
    );
    assert_eq!(emu.stats().resets, 1);
}

#[test]
fn truncated_body_declares_more_than_it_sends() {
    let emu = start();
    let addr = emu.local_addr();
    fault(addr, json!({"action": "truncated_body"}));
    let raw = exchange(addr, &set_password_request("Truncated-Ok-1"));
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("headers were sent");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared}",
        body.len()
    );
    assert_eq!(emu.check_password(DIR, USER, "Truncated-Ok-1"), Some(true));
}

#[test]
fn garbage_body_is_a_200_that_is_not_json() {
    let emu = start();
    let addr = emu.local_addr();
    fault(addr, json!({"action": "garbage_body"}));
    let resp = parse_response(&exchange(addr, &set_password_request("Garbage-Ok-12")));
    assert_eq!(resp.status, 200);
    assert!(serde_json::from_str::<Value>(&resp.body).is_err());
    assert_eq!(emu.check_password(DIR, USER, "Garbage-Ok-12"), Some(true));
}

#[test]
fn delay_sleeps_then_processes() {
    let emu = start();
    let addr = emu.local_addr();
    fault(addr, json!({"action": "delay", "delay_ms": 300}));
    let started = Instant::now();
    let resp = parse_response(&exchange(addr, &set_password_request("Delayed-Ok-12")));
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(resp.status, 200);
    // delay_ms also applies before other actions.
    fault(addr, json!({"action": "drop_before_read", "delay_ms": 200}));
    let started = Instant::now();
    assert!(exchange(addr, &set_password_request("Delayed-Drop-1")).is_empty());
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn faults_apply_in_order_and_can_be_cleared() {
    let emu = start();
    let addr = emu.local_addr();
    fault(
        addr,
        json!({"action": "respond", "status": 500, "code": "InternalError"}),
    );
    fault(
        addr,
        json!({"count": 3, "action": "respond", "status": 503}),
    );
    assert_eq!(
        admin(addr, "GET", "/_emulator/faults", None).1,
        json!({"pending": 4})
    );
    let generate = [
        ("DirectoryId", DIR),
        ("UserId", USER),
        ("GenerateRandomPassword", "true"),
    ];
    assert_eq!(V1::demo().call(addr, &generate).code(), "InternalError");
    assert_eq!(V1::demo().call(addr, &generate).status, 503);
    assert_eq!(admin(addr, "DELETE", "/_emulator/faults", None).0, 200);
    assert_eq!(V1::demo().call(addr, &generate).status, 200);
    // Admin calls are not API requests: they neither consume faults nor count.
    assert_eq!(emu.stats().requests, 3);
}
