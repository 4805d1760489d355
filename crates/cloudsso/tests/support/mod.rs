//! Test helpers: the real emulator in-process, and a raw loopback server for
//! answers the emulator does not give (XML errors, HTML pages, huge bodies).

#![allow(dead_code)]

use cloudsso::{Client, ClientBuilder};
use cloudsso_emulator::{Emulator, EmulatorConfig, Fault, State};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

pub const DIR: &str = "d-00fc2p61abcd";
pub const USER: &str = "u-00q8wbq42wiltcrkabcd";

/// An emulator with the demo state plus `extra_state` (a JSON state file text).
pub fn emulator(extra_state: Option<&str>) -> Emulator {
    let state = extra_state.map(|json| State::from_json_str(json).expect("state"));
    Emulator::start(EmulatorConfig {
        state,
        ..Default::default()
    })
    .expect("emulator starts")
}

/// A builder aimed at the emulator with its demo keys and fast retries.
pub fn builder_for(emulator: &Emulator) -> ClientBuilder {
    Client::builder().endpoint(emulator.endpoint()).access_key(
        &emulator.demo().access_key_id,
        &emulator.demo().access_key_secret,
    )
}

/// Queues a fault described as JSON (the admin API's shape).
pub fn fault(emulator: &Emulator, json: serde_json::Value) {
    let fault: Fault = serde_json::from_value(json).expect("fault json");
    emulator.push_fault(fault).expect("fault accepted");
}

/// One canned answer of the raw server.
pub struct Canned {
    pub status_line: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// A loopback server that answers each connection with the next canned answer
/// and records every raw request it read.
pub struct RawServer {
    pub endpoint: String,
    pub requests: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl RawServer {
    pub fn start(answers: Vec<Canned>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        thread::spawn(move || {
            for answer in answers {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                let raw = read_request(&mut stream);
                seen.lock().unwrap().push(raw);
                let mut head = format!("{}\r\n", answer.status_line);
                for (name, value) in &answer.headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str(&format!(
                    "content-length: {}\r\nconnection: close\r\n\r\n",
                    answer.body.len()
                ));
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&answer.body);
            }
        });
        RawServer { endpoint, requests }
    }
}

/// Reads one request: the head, then `content-length` bytes of body (5 s read timeout).
pub fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            return raw;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = find(&raw, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            if raw.len() >= end + 4 + length {
                return raw;
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A client for a raw server: no retries, no rate limit.
pub fn raw_client(server: &RawServer) -> Client {
    Client::builder()
        .endpoint(&server.endpoint)
        .access_key("testid", "testsecret")
        .max_attempts(1)
        .build()
        .unwrap()
}
