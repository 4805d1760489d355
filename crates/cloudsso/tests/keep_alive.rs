//! HTTP through ureq: kept-alive connections are reused, one closed
//! by the server while idle is replaced without losing or repeating a call,
//! and chunked answers and interim `1xx` answers are read right.

mod support;

use cloudsso::{Client, ResetUserPasswordRequest};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;
use support::*;

/// Reads one request (head and `content-length` body); false at the end of the stream.
fn read_request(stream: &mut TcpStream) -> bool {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).is_ok()
}

/// A server that gives each connection to `serve` and counts connections and requests.
fn server(
    serve: impl Fn(TcpStream, &AtomicUsize) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let (c, r) = (Arc::clone(&connections), Arc::clone(&requests));
    let serve = Arc::new(serve);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            c.fetch_add(1, Ordering::SeqCst);
            let (serve, r) = (Arc::clone(&serve), Arc::clone(&r));
            thread::spawn(move || serve(stream, &r));
        }
    });
    (endpoint, connections, requests)
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .access_key("testid", "testsecret")
        .read_timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

fn generated() -> ResetUserPasswordRequest {
    ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true)
}

const SUCCESS: &str = r#"{"RequestId":"R-1","NewPassword":"Gen!Pass123"}"#;

#[test]
fn a_kept_alive_connection_carries_many_calls() {
    let (endpoint, connections, requests) = server(|mut s, requests| {
        while read_request(&mut s) {
            requests.fetch_add(1, Ordering::SeqCst);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{SUCCESS}",
                SUCCESS.len()
            );
        }
    });
    let client = client(&endpoint);
    for _ in 0..20 {
        let out = client.reset_user_password(&generated()).unwrap();
        assert_eq!(out.new_password(), Some("Gen!Pass123"));
    }
    assert_eq!(requests.load(Ordering::SeqCst), 20);
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[test]
fn a_connection_the_server_closed_while_idle_is_replaced_not_reported() {
    // Answers one request per connection with keep-alive, then closes it soon after.
    let (endpoint, connections, requests) = server(|mut s, requests| {
        if read_request(&mut s) {
            requests.fetch_add(1, Ordering::SeqCst);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{SUCCESS}",
                SUCCESS.len()
            );
            thread::sleep(Duration::from_millis(50));
        }
    });
    let client = client(&endpoint);
    for _ in 0..3 {
        client.reset_user_password(&generated()).unwrap();
        thread::sleep(Duration::from_millis(200));
    }
    // Each call after the first found its pooled connection closed and opened a new one.
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

#[test]
fn chunked_answers_after_an_interim_100_are_read_whole() {
    let (endpoint, _, _) = server(|mut s, _| {
        while read_request(&mut s) {
            let (a, b) = SUCCESS.split_at(10);
            let _ = write!(
                s,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-acs-request-id: R-1\r\n\r\n{:x};ext=1\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\nx-trailer: t\r\n\r\n",
                a.len(),
                b.len()
            );
        }
    });
    let client = client(&endpoint);
    for _ in 0..2 {
        let out = client.reset_user_password(&generated()).unwrap();
        assert_eq!(
            (out.request_id(), out.new_password()),
            ("R-1", Some("Gen!Pass123"))
        );
    }
}
