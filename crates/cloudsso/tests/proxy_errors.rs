//! A proxy that will not open the tunnel: the `CONNECT` line always carries
//! a port (the default endpoint's too), the call is not retried, and the
//! error is a plain sentence naming the proxy variable, never the proxy's
//! address or credentials. One test in its own process, since it sets
//! environment variables; the proxies are raw loopback servers, so nothing
//! leaves this machine.

mod support;

use cloudsso::{Client, ErrorKind, ResetUserPasswordRequest};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use support::*;

/// A proxy that reads each request head, records it, and answers `reply`
/// (then closes). Returns its address, the heads and the connection count.
fn refusing_proxy(reply: &'static [u8]) -> (String, Arc<Mutex<Vec<String>>>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (seen, count) = (Arc::clone(&heads), Arc::clone(&connections));
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(client.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            seen.lock().unwrap().push(head);
            let _ = client.write_all(reply);
        }
    });
    (address, heads, connections)
}

/// The default endpoint (`https://cloudsso.cn-shanghai.aliyuncs.com`),
/// reachable here only through the proxy.
fn default_endpoint_client() -> Client {
    Client::builder()
        .access_key("testid", "testsecret")
        .build()
        .unwrap()
}

/// No Rust debug text, no address, no credentials: a sentence.
fn assert_plain(message: &str, address: &str) {
    for bad in [
        address,
        "127.0.0.1",
        "pr0xy",
        "ConnectProxyFailed",
        "Protocol(",
        "Error",
        "{",
        "\"",
    ] {
        assert!(!message.contains(bad), "{bad:?} in {message:?}");
    }
    assert!(message.contains("HTTPS_PROXY"), "{message}");
}

#[test]
fn a_proxy_that_refuses_the_tunnel_gives_a_plain_sentence_and_no_retry() {
    let generated = ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true);
    // SAFETY: this test binary has one test, and no other thread reads the
    // environment while it is being set.
    let use_proxy = |address: &str| unsafe {
        for name in [
            "ALL_PROXY",
            "all_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "https_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("HTTPS_PROXY", format!("http://ops:pr0xy@{address}"));
    };

    // 407: the CONNECT line names the default endpoint with its port.
    let (address, heads, connections) =
        refusing_proxy(b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n");
    use_proxy(&address);
    let e = default_endpoint_client()
        .reset_user_password(&generated)
        .unwrap_err();
    let heads = heads.lock().unwrap().clone();
    assert!(
        heads[0].starts_with("CONNECT cloudsso.cn-shanghai.aliyuncs.com:443 HTTP/1.1\r\n"),
        "{heads:?}"
    );
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Transport, 1), "{e}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert!(!e.is_outcome_unknown(), "{e:?}");
    assert!(e.message().contains("407"), "{e}");
    assert_plain(e.message(), &address);

    // A broken answer to CONNECT, and no answer at all: also a sentence, also not retried.
    for reply in [&b"garbage\r\n\r\n"[..], b""] {
        let (address, _, connections) = refusing_proxy(reply);
        use_proxy(&address);
        let e = default_endpoint_client()
            .reset_user_password(&generated)
            .unwrap_err();
        assert_eq!((e.kind(), e.attempts()), (ErrorKind::Transport, 1), "{e}");
        assert_eq!(connections.load(Ordering::SeqCst), 1, "{e}");
        assert!(!e.is_outcome_unknown(), "{e:?}");
        assert_plain(e.message(), &address);
    }
}
