//! The proxy from the environment: calls go through an HTTP `CONNECT` tunnel
//! with the proxy's credentials, and nothing secret shows. One test in its own
//! process, since it sets environment variables.

mod support;

use cloudsso::{Client, ErrorKind, ResetUserPasswordRequest};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use support::*;

/// A CONNECT proxy that records each request head and, if `allow`, tunnels to `target`
/// whatever host was asked for (the asked-for name need not resolve).
fn connect_proxy(target: String, allow: bool) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let target = target.clone();
            let seen = Arc::clone(&seen);
            thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    head.push_str(&line);
                    if line == "\r\n" {
                        break;
                    }
                }
                seen.lock().unwrap().push(head);
                let mut client = client;
                if !allow {
                    let _ = client.write_all(
                        b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n",
                    );
                    return;
                }
                let upstream = TcpStream::connect(&target).unwrap();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .unwrap();
                let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
                let mut client_write = client.try_clone().unwrap();
                thread::spawn(move || {
                    let _ = io::copy(&mut reader, &mut up_write);
                });
                let _ = io::copy(&mut up_read, &mut client_write);
            });
        }
    });
    (address, heads)
}

#[test]
fn calls_go_through_the_http_proxy_from_the_environment() {
    let emu = emulator(None);
    let emulator_endpoint = emu.endpoint();
    let emulator_address = emulator_endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let (proxy, heads) = connect_proxy(emulator_address.to_string(), true);
    let port = emulator_address.rsplit_once(':').unwrap().1;
    // SAFETY: this test binary has one test, and no other thread reads the
    // environment while it is being set.
    unsafe {
        std::env::set_var("HTTP_PROXY", format!("http://ops:pr0xy%21pass@{proxy}"));
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    // A name that does not resolve here: only the proxy could reach it.
    let endpoint = format!("http://cloudsso.proxied.test:{port}");
    let client = Client::builder()
        .endpoint(&endpoint)
        .allow_insecure_http(true)
        .access_key(&emu.demo().access_key_id, &emu.demo().access_key_secret)
        .build()
        .unwrap();
    let request = ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true);
    let first = client.reset_user_password(&request).unwrap();
    let second = client.reset_user_password(&request).unwrap();
    assert!(first.new_password().is_some() && second.new_password().is_some());

    let heads = heads.lock().unwrap().clone();
    // Two calls, one tunnel: the connection is kept alive through the proxy.
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with(&format!(
        "CONNECT cloudsso.proxied.test:{port} HTTP/1.1\r\n"
    )));
    // base64("ops:pr0xy!pass")
    // Header names are case-insensitive (ureq writes `Proxy-Authorization`).
    assert!(
        heads[0].lines().any(
            |line| line.split_once(": ").is_some_and(|(name, value)| name
                .eq_ignore_ascii_case("proxy-authorization")
                && value == "Basic b3BzOnByMHh5IXBhc3M=")
        ),
        "{heads:?}"
    );
    let shown = format!("{client:?}");
    assert!(
        !shown.contains("pr0xy") && !shown.contains("b3BzOnByMHh5IXBhc3M="),
        "{shown}"
    );

    // A proxy that refuses: a clear error, before anything reached the service.
    let (refusing, _) = connect_proxy(emulator_address.to_string(), false);
    // SAFETY: as above.
    unsafe { std::env::set_var("HTTP_PROXY", format!("http://{refusing}")) };
    let e = Client::builder()
        .endpoint(&endpoint)
        .allow_insecure_http(true)
        .access_key(&emu.demo().access_key_id, &emu.demo().access_key_secret)
        .build()
        .unwrap()
        .reset_user_password(&request)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(
        e.to_string().contains("407") && e.to_string().contains("HTTP_PROXY"),
        "{e}"
    );
    assert!(!e.is_outcome_unknown(), "{e:?}");

    // NO_PROXY sends it direct, where the made-up name cannot resolve.
    // SAFETY: as above.
    unsafe { std::env::set_var("NO_PROXY", ".proxied.test") };
    let e = Client::builder()
        .endpoint(&endpoint)
        .allow_insecure_http(true)
        .access_key(&emu.demo().access_key_id, &emu.demo().access_key_secret)
        .max_attempts(1)
        .build()
        .unwrap()
        .reset_user_password(&request)
        .unwrap_err();
    assert!(e.to_string().contains("resolve"), "{e}");
}
