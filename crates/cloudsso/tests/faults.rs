//! The fault suite: bad servers and bad luck never crash, hang or leak.
//! Each case asserts the error kind, the attempt count, and the outcome rule:
//! a generated password reaches the caller, or the error says the outcome is unknown.

mod support;

use cloudsso::{Client, ErrorKind, ResetUserPasswordRequest};
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use support::*;

fn generated() -> ResetUserPasswordRequest {
    ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true)
}

/// A loopback server whose every connection is handed to `handler` (after the
/// request was read, unless `read_first` is false). Counts connections.
struct Scripted {
    endpoint: String,
    connections: Arc<AtomicUsize>,
}

fn scripted(read_first: bool, handler: impl Fn(TcpStream) + Send + Sync + 'static) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    let handler = Arc::new(handler);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let handler = Arc::clone(&handler);
            thread::spawn(move || {
                if read_first {
                    read_request(&mut stream);
                }
                handler(stream);
            });
        }
    });
    Scripted {
        endpoint,
        connections,
    }
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .access_key("testid", "testsecret")
        .read_timeout(Duration::from_millis(800))
        .build()
        .unwrap()
}

fn answer(stream: &mut TcpStream, status: &str, headers: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}connection: close\r\n\r\n{body}",
        body.len()
    );
}

#[test]
fn truncated_json_with_a_short_body_is_an_unknown_outcome() {
    let emu = emulator(None);
    fault(&emu, json!({"count": 1, "action": "truncated_body"}));
    let e = builder_for(&emu)
        .build()
        .unwrap()
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert_eq!(e.attempts(), 1);
    assert!(e.is_outcome_unknown());
}

#[test]
fn truncated_json_inside_a_complete_message_is_a_decode_error() {
    let server = scripted(true, |mut s| {
        answer(&mut s, "200 OK", "", r#"{"RequestId":"R","NewPass"#)
    });
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Decode, 1));
    assert!(e.is_outcome_unknown());
}

#[test]
fn garbage_and_wrong_types_and_duplicate_keys_are_decode_errors() {
    for body in [
        r#"{"RequestId": 17, "NewPassword": "Aa1!aaaa"}"#,
        r#"{"RequestId":"R","NewPassword":"Aa1!aaaa","NewPassword":"Bb2@bbbb"}"#,
        "\u{0}\u{1}garbage",
    ] {
        let body = body.to_string();
        let server = scripted(true, move |mut s| answer(&mut s, "200 OK", "", &body));
        let e = client(&server.endpoint)
            .reset_user_password(&generated())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(!e.to_string().contains("Aa1!aaaa") && !e.to_string().contains("Bb2@bbbb"));
    }
}

#[test]
fn a_missing_new_password_is_reported_not_lost() {
    let server = scripted(true, |mut s| {
        answer(&mut s, "200 OK", "", r#"{"RequestId":"R-77"}"#)
    });
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.request_id()),
        (ErrorKind::Decode, Some("R-77"))
    );
    assert!(e.is_outcome_unknown());
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_100_mib_body_is_cut_at_the_cap_with_bounded_memory() {
    let server = scripted(true, |mut s| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            100 << 20
        );
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..1600 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let before = peak_rss_kib();
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.message().contains("larger than"));
    let grown = peak_rss_kib().saturating_sub(before);
    assert!(grown < 32 * 1024, "peak memory grew by {grown} KiB");
}

#[test]
fn an_endless_chunked_body_is_cut_at_the_cap() {
    let server = scripted(true, |mut s| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
        );
        let chunk = format!("{:x}\r\n{}\r\n", 8192, "x".repeat(8192));
        let stop = Instant::now() + Duration::from_secs(10);
        while Instant::now() < stop {
            if s.write_all(chunk.as_bytes()).is_err() {
                return;
            }
        }
    });
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Decode, 1));
}

#[test]
fn over_large_headers_are_refused() {
    let server = scripted(true, |mut s| {
        let big = format!("x-filler: {}\r\n", "a".repeat(200 * 1024));
        answer(&mut s, "200 OK", &big, r#"{"RequestId":"R"}"#);
    });
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = scripted(true, |s| {
        thread::sleep(Duration::from_secs(5));
        drop(s);
    });
    let started = Instant::now();
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Timeout, 1));
    assert!(e.is_outcome_unknown());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_body_trickled_one_byte_a_second_hits_the_read_timeout() {
    let server = scripted(true, |mut s| {
        let body = r#"{"RequestId":"R","NewPassword":"Aa1!aaaa"}"#;
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        for byte in body.bytes() {
            if s.write_all(&[byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_secs(1));
        }
    });
    let started = Instant::now();
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.is_outcome_unknown());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

/// A reset can come before or after the request is on the wire; TCP cannot
/// always tell which. Either way nothing is lost: success after a safe retry,
/// or an error that says the outcome is unknown.
#[test]
fn connection_resets_never_lose_a_password() {
    for read_first in [false, true] {
        let server = scripted(read_first, |s| {
            drop(s);
        });
        let e = client(&server.endpoint)
            .reset_user_password(&generated())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert!(e.is_outcome_unknown() || e.attempts() == 3, "{e:?}");
        // With a caller's password every reset is retried: setting it twice is harmless.
        let e = client(&server.endpoint)
            .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password("Caller!Pass1"))
            .unwrap_err();
        assert_eq!(e.attempts(), 3, "read_first={read_first}: {e:?}");
    }
}

#[test]
fn a_redirect_is_not_followed_and_nothing_reaches_its_target() {
    let target = scripted(true, |mut s| {
        answer(&mut s, "200 OK", "", r#"{"RequestId":"R"}"#)
    });
    let location = format!("location: {}/elsewhere?x=1\r\n", target.endpoint);
    let server = scripted(true, move |mut s| {
        answer(&mut s, "302 Found", &location, "")
    });
    let e = client(&server.endpoint)
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Transport, 1));
    assert!(e.to_string().contains("redirect"), "{e}");
    assert!(
        !e.to_string().contains("x=1"),
        "the query of the location is not echoed"
    );
    assert_eq!(target.connections.load(Ordering::SeqCst), 0);
}

#[test]
fn http_500_is_an_unknown_outcome_for_generated_passwords() {
    let emu = emulator(None);
    fault(
        &emu,
        json!({"count": 1, "action": "respond", "status": 500, "code": "InternalError"}),
    );
    let e = builder_for(&emu)
        .build()
        .unwrap()
        .reset_user_password(&generated())
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code(), e.attempts()),
        (ErrorKind::Service, Some("InternalError"), 1)
    );
    assert!(e.is_outcome_unknown());
}

#[test]
fn nonce_reuse_and_unknown_codes_are_kept_and_not_retried() {
    let emu = emulator(None);
    for code in ["SignatureNonceUsed", "Brand.New.Code"] {
        fault(
            &emu,
            json!({"count": 1, "action": "respond", "status": 400, "code": code}),
        );
        let e = builder_for(&emu)
            .build()
            .unwrap()
            .reset_user_password(&generated())
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.code(), e.attempts()),
            (ErrorKind::Service, Some(code), 1)
        );
        assert!(!e.is_outcome_unknown());
    }
}

/// A TLS server with a self-signed certificate for `localhost`.
fn tls_server() -> (String, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_pem = cert.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut tcp) = stream else { return };
            let config = Arc::clone(&config);
            thread::spawn(move || {
                let mut conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
                // Read the whole request (head and body) before answering, so
                // that closing never discards unread bytes (which would reset).
                let mut raw = Vec::new();
                let mut buf = [0u8; 8192];
                loop {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => raw.extend_from_slice(&buf[..n]),
                    }
                    let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length: usize = text[..end]
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map_or(0, |v| v.trim().parse().unwrap_or(0));
                        if raw.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let body = r#"{"RequestId":"TLS-OK","NewPassword":"Tls!Pass123"}"#;
                let _ = write!(
                    tls,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.flush();
                conn.send_close_notify();
                let _ = conn.complete_io(&mut tcp);
            });
        }
    });
    (format!("https://localhost:{port}"), cert_pem)
}

#[test]
fn a_self_signed_certificate_is_refused_unless_its_ca_is_supplied() {
    let (endpoint, ca_pem) = tls_server();
    let untrusting = Client::builder()
        .endpoint(&endpoint)
        .access_key("testid", "testsecret")
        .build()
        .unwrap();
    let e = untrusting.reset_user_password(&generated()).unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Transport, 1), "{e}");
    assert!(e.to_string().contains("TLS"), "{e}");

    let trusting = Client::builder()
        .endpoint(&endpoint)
        .access_key("testid", "testsecret")
        .root_certificates_pem(ca_pem.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let out = trusting.reset_user_password(&generated()).unwrap();
    assert_eq!(
        (out.request_id(), out.new_password()),
        ("TLS-OK", Some("Tls!Pass123"))
    );
}
