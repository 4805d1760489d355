//! The whole-call deadline (`call_timeout`): it bounds every attempt and
//! every wait between attempts, over real loopback sockets. The counts
//! (connections, attempts) are what each test checks; the elapsed-time bounds
//! are only generous guards against a hang, far from the times a client
//! without the deadline would take.

mod support;

use cloudsso::{
    Client, DEFAULT_CALL_TIMEOUT, ErrorKind, ResetUserPasswordRequest, options::OPTIONS,
};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use support::*;

/// A loopback server that reads each request, then hands the connection to
/// `handler`. Counts connections.
fn server(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> (String, Arc<AtomicUsize>) {
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
                read_request(&mut stream);
                handler(stream);
            });
        }
    });
    (endpoint, connections)
}

fn client(endpoint: &str, read_timeout: Duration, call_timeout: Duration) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .access_key("testid", "testsecret")
        .read_timeout(read_timeout)
        .call_timeout(call_timeout)
        .max_attempts(10)
        .build()
        .unwrap()
}

#[test]
fn a_server_that_never_answers_is_cut_at_the_call_timeout_across_retries() {
    let (endpoint, connections) = server(|s| {
        thread::sleep(Duration::from_secs(15));
        drop(s);
    });
    // A caller's password: every attempt may be retried, so only the deadline stops them.
    let request = ResetUserPasswordRequest::new(DIR, USER).password("Caller!Pass1");
    let started = Instant::now();
    let e = client(
        &endpoint,
        Duration::from_secs(1),
        Duration::from_millis(2500),
    )
    .reset_user_password(&request)
    .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.message().contains("call timeout (2500 ms)"), "{e}");
    // Each attempt waited for an answer; the deadline stopped them long before 10.
    assert!((2..10).contains(&e.attempts()), "{e:?}");
    assert_eq!(connections.load(Ordering::SeqCst), e.attempts() as usize);
    assert!(e.is_outcome_unknown(), "{e:?}");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[test]
fn a_body_trickled_past_the_call_timeout_is_cut_with_an_unknown_outcome() {
    let (endpoint, connections) = server(|mut s| {
        let body =
            r#"{"RequestId":"R-1","NewPassword":"Gen!Pass123","Padding":"................"}"#;
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        // Each byte comes well within the read timeout; the whole body takes 16 s.
        for byte in body.bytes() {
            if s.write_all(&[byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(200));
        }
    });
    let generated = ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true);
    let started = Instant::now();
    let e = client(
        &endpoint,
        Duration::from_secs(30),
        Duration::from_millis(1500),
    )
    .reset_user_password(&generated)
    .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Timeout, 1), "{e}");
    assert!(e.message().contains("call timeout (1500 ms)"), "{e}");
    assert!(e.is_outcome_unknown(), "{e:?}");
    assert!(e.to_string().contains("outcome is unknown"), "{e}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn a_huge_retry_after_is_not_slept_past_the_call_timeout() {
    let (endpoint, connections) = server(|mut s| {
        let body = r#"{"RequestId":"R-503","Code":"ServiceUnavailable","Message":"busy"}"#;
        let _ = write!(
            s,
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 3600\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    let generated = ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true);
    let started = Instant::now();
    let e = client(&endpoint, Duration::from_secs(5), Duration::from_secs(3))
        .reset_user_password(&generated)
        .unwrap_err();
    // The service's own answer, at once: waiting 20 s (the cap) would pass the deadline.
    assert_eq!(
        (e.kind(), e.http_status(), e.attempts()),
        (ErrorKind::Service, Some(503), 1),
        "{e}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn the_call_timeout_defaults_to_60_s_and_is_checked() {
    assert_eq!(DEFAULT_CALL_TIMEOUT, Duration::from_secs(60));
    let row = OPTIONS
        .iter()
        .find(|o| o.name == "call_timeout_ms")
        .unwrap();
    assert_eq!(row.default, "60000");
    for bad in [Duration::ZERO, Duration::from_secs(3601)] {
        let e = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .access_key("testid", "testsecret")
            .call_timeout(bad)
            .build()
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::Validation, Some("call_timeout"))
        );
    }
}
