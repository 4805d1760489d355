//! Hostile answers over a real loopback socket: a raw server (in this file)
//! that echoes the request's secrets back in every encoding, in the body and
//! in the `x-acs-request-id` header, on errors and on success. Every text the
//! library hands on (error accessors, `Display`, `Debug`, the response, log
//! records) is searched for every agreed encoding of every secret
//! (`cloudsso::unstable::encoded_forms`, the list the scrubber promises).

mod support;

use base64::Engine;
use cloudsso::unstable::encoded_forms;
use cloudsso::{Client, Error, ResetUserPasswordRequest};
use log::{Level, LevelFilter, Log, Metadata, Record};
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Mutex, Once};
use std::thread;
use support::read_request;

const DIR: &str = "d-00fc2p61abcd";
const USER: &str = "u-00q8wbq42wiltcrkabcd";
const KEY_ID: &str = "hostile-id";
/// Access key secret and STS token with characters every encoding treats differently.
const SECRET: &str = "k3Y/secret+of=the~key*";
const TOKEN: &str = "Tk9 STS/token+value=&more";
/// Caller passwords: specials, spaces, `%` and `&`, non-ASCII, an emoji.
const PASSWORDS: [&str; 4] = [
    "Pw5!distinct Passw0rd",
    "uc)XK$?ictf72CKF~*+ ä",
    "p%25w&amp;d\\u0041x!A",
    "Grüße 😀 aus Köln!1",
];

/// A loopback server answering each connection with the next raw answer,
/// byte for byte, then closing it.
struct Raw {
    endpoint: String,
}

impl Raw {
    fn start(answers: Vec<Vec<u8>>) -> Raw {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        thread::spawn(move || {
            for answer in answers {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                read_request(&mut stream);
                let _ = stream.write_all(&answer);
            }
        });
        Raw { endpoint }
    }
}

/// An answer with a `content-length` framed body.
fn answer(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    out.into_bytes()
}

fn client(server: &Raw) -> Client {
    capture_logs();
    Client::builder()
        .endpoint(&server.endpoint)
        .access_key(KEY_ID, SECRET)
        .security_token(TOKEN)
        .max_attempts(1)
        .build()
        .unwrap()
}

/// Every spelling a hostile echo uses: the agreed list plus JSON `\u`
/// escapes and XML/HTML character references (decimal and hex), for one secret.
fn spellings(secret: &str) -> Vec<String> {
    let mut all = encoded_forms(secret);
    let units = |upper: bool| -> String {
        secret
            .encode_utf16()
            .map(|u| {
                if upper {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                }
            })
            .collect()
    };
    all.push(units(false));
    all.push(units(true));
    all.push(secret.chars().map(|c| format!("&#{};", c as u32)).collect());
    all.push(
        secret
            .chars()
            .map(|c| format!("&#x{:x};", c as u32))
            .collect(),
    );
    all.push(
        secret
            .chars()
            .map(|c| format!("&#X{:X}", c as u32))
            .collect(),
    );
    // Inside a base64-encoded echo of the whole form body.
    all.push(base64::engine::general_purpose::STANDARD.encode(format!("Password={secret}&x=1")));
    all
}

/// One text holding every spelling of every secret, `|`-separated.
fn echo_of(secrets: &[&str]) -> String {
    let mut parts = vec![String::from("echo")];
    for secret in secrets {
        parts.extend(spellings(secret));
    }
    parts.join("|")
}

/// The same, restricted to what a header value may carry (no control characters).
fn header_echo_of(secrets: &[&str]) -> String {
    echo_of(secrets).replace(['\r', '\n'], " ")
}

/// Asserts that no agreed encoding of any secret is in `text`.
fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        for form in encoded_forms(secret) {
            assert!(
                !text.contains(&form),
                "{what} holds {form:?} (an encoding of a secret): {text}"
            );
        }
    }
}

/// Every text an error hands on.
fn error_texts(e: &Error) -> String {
    format!(
        "{e}\n{e:?}\n{}\n{:?}\n{:?}\n{:?}\n{:?}",
        e.message(),
        e.code(),
        e.request_id(),
        e.host_id(),
        e.recommend()
    )
}

#[test]
fn json_error_echoing_every_encoding_in_every_field_and_the_header() {
    for password in PASSWORDS {
        let secrets = [SECRET, TOKEN, password];
        let echo = echo_of(&secrets);
        let body = serde_json::json!({
            "RequestId": echo, "Code": echo, "Message": echo, "HostId": echo, "Recommend": echo,
        })
        .to_string();
        let header = header_echo_of(&secrets);
        let server = Raw::start(vec![answer(
            "400 Bad Request",
            &[
                ("x-acs-request-id", &header),
                ("content-type", "application/json"),
            ],
            &body,
        )]);
        let e = client(&server)
            .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password(password))
            .unwrap_err();
        assert_eq!(e.http_status(), Some(400));
        assert!(e.message().contains("<redacted>"), "{e}");
        assert!(e.request_id().unwrap().contains("<redacted>"), "{e}");
        assert_clean("JSON error", &error_texts(&e), &secrets);
    }
    assert_logs_clean();
}

#[test]
fn xml_error_with_entities_and_an_empty_body_id_falls_back_to_a_hostile_header() {
    for password in PASSWORDS {
        let secrets = [SECRET, TOKEN, password];
        let echo = echo_of(&secrets)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let body = format!(
            "<?xml version='1.0'?><Error><RequestId></RequestId><Code>{echo}</Code><Message>{echo}</Message><HostId>{echo}</HostId><Recommend>{echo}</Recommend></Error>"
        );
        let header = header_echo_of(&secrets);
        let server = Raw::start(vec![answer(
            "403 Forbidden",
            &[("x-acs-request-id", &header)],
            &body,
        )]);
        let e = client(&server)
            .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password(password))
            .unwrap_err();
        assert!(e.request_id().unwrap().contains("<redacted>"), "{e}");
        assert_clean("XML error", &error_texts(&e), &secrets);
    }
    assert_logs_clean();
}

#[test]
fn proxy_502_echoing_the_signed_body_in_the_request_id_header() {
    let password = PASSWORDS[1];
    let secrets = [SECRET, TOKEN, password];
    let header = header_echo_of(&secrets);
    let server = Raw::start(vec![answer(
        "502 Bad Gateway",
        &[("x-acs-request-id", &header), ("content-type", "text/html")],
        "<html><body>Bad Gateway</body></html>",
    )]);
    let e = client(&server)
        .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password(password))
        .unwrap_err();
    assert_eq!(e.http_status(), Some(502));
    assert!(
        e.request_id().unwrap().starts_with("echo|<redacted>"),
        "{e}"
    );
    assert_clean("502", &error_texts(&e), &secrets);
    assert_logs_clean();
}

#[test]
fn body_cut_short_after_a_hostile_header() {
    // The request id of a broken body comes from the header alone.
    let password = PASSWORDS[0];
    let secrets = [SECRET, TOKEN, password];
    let header = header_echo_of(&secrets);
    let raw = format!(
        "HTTP/1.1 200 OK\r\nx-acs-request-id: {header}\r\ncontent-length: 500\r\n\r\n{{\"Req"
    );
    let server = Raw::start(vec![raw.into_bytes()]);
    let e = client(&server)
        .reset_user_password(&ResetUserPasswordRequest::new(DIR, USER).password(password))
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e}");
    assert!(e.request_id().unwrap().contains("<redacted>"), "{e}");
    assert_clean("cut body", &error_texts(&e), &secrets);
}

#[test]
fn success_request_id_is_scrubbed_from_the_body_and_the_header() {
    for password in PASSWORDS {
        let secrets = [SECRET, TOKEN, password];
        let echo = echo_of(&secrets);
        let header = header_echo_of(&secrets);
        let from_body = answer(
            "200 OK",
            &[("x-acs-request-id", "plain")],
            &serde_json::json!({ "RequestId": echo }).to_string(),
        );
        let from_header = answer(
            "200 OK",
            &[("x-acs-request-id", &header)],
            r#"{"RequestId":""}"#,
        );
        let server = Raw::start(vec![from_body, from_header]);
        let client = client(&server);
        let request = ResetUserPasswordRequest::new(DIR, USER).password(password);
        for source in ["body", "header"] {
            let out = client.reset_user_password(&request).unwrap();
            assert!(out.request_id().contains("<redacted>"), "{source}: {out:?}");
            assert_clean(source, &format!("{} {out:?}", out.request_id()), &secrets);
        }
    }
    assert_logs_clean();
}

#[test]
fn a_generated_password_is_scrubbed_from_the_success_request_id() {
    let generated = "Gen3rated! pass ä";
    let echo = echo_of(&[generated]);
    let server = Raw::start(vec![answer(
        "200 OK",
        &[],
        &serde_json::json!({ "RequestId": echo, "NewPassword": generated }).to_string(),
    )]);
    let out = client(&server)
        .reset_user_password(
            &ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true),
        )
        .unwrap();
    assert_eq!(out.new_password(), Some(generated));
    assert_clean("request id", out.request_id(), &[generated]);
    assert_logs_clean_of(&[generated]);
}

#[test]
fn the_callers_own_password_is_never_reported_back() {
    for password in PASSWORDS {
        let server = Raw::start(vec![
            answer(
                "200 OK",
                &[],
                &serde_json::json!({ "RequestId": "R-1", "NewPassword": password }).to_string(),
            ),
            answer(
                "200 OK",
                &[],
                "<ResetUserPasswordResponse><RequestId>R-2</RequestId><NewPassword>Other-pw!9</NewPassword></ResetUserPasswordResponse>",
            ),
        ]);
        let client = client(&server);
        let request = ResetUserPasswordRequest::new(DIR, USER).password(password);
        for id in ["R-1", "R-2"] {
            let out = client.reset_user_password(&request).unwrap();
            assert_eq!((out.request_id(), out.new_password()), (id, None));
        }
    }
}

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Captures every record of the `cloudsso` crates, at trace level.
struct Capture;

impl Log for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Trace
    }
    fn log(&self, record: &Record<'_>) {
        if record.target().starts_with("cloudsso") {
            LINES.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&Capture).unwrap();
        log::set_max_level(LevelFilter::Trace);
    });
}

fn assert_logs_clean_of(secrets: &[&str]) {
    let lines = LINES.lock().unwrap().clone();
    assert!(!lines.is_empty(), "the library logs its attempts");
    for line in &lines {
        assert_clean("log record", line, secrets);
    }
}

fn assert_logs_clean() {
    let mut secrets = vec![SECRET, TOKEN];
    secrets.extend(PASSWORDS);
    assert_logs_clean_of(&secrets);
}
