//! The `cloudsso` binary against hostile answers from a raw loopback server
//! (in this file): secrets echoed in every encoding never reach stdout or
//! stderr, the caller's own password is never printed back, service text with
//! control characters is shown escaped in text output (and exact in JSON), and
//! a result that cannot be written (closed pipe, full disk) exits with the
//! local I/O code and says on stderr that the password WAS changed.

use cloudsso::unstable::encoded_forms;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_cloudsso");
const DIR: &str = "d-00fc2p61abcd";
const USER: &str = "u-00q8wbq42wiltcrkabcd";
/// Access key secret and caller password with characters every encoding treats differently.
const SECRET: &str = "k3Y/secret+of=the~key*";
const PASSWORD: &str = "Pw5!my own Passw0rd ä";
/// The local I/O exit code of `reset-user-password --help`.
const LOCAL_IO: i32 = 10;

/// A loopback server: each connection gets the next raw answer, byte for
/// byte, after the request is read and (when a gate is given) once the test
/// opens the gate.
struct Raw {
    endpoint: String,
    gate: Option<mpsc::Sender<()>>,
}

impl Raw {
    fn start(answers: Vec<Vec<u8>>) -> Raw {
        Raw::serve(answers, None)
    }

    /// The answers wait until [`Raw::open`] is called.
    fn gated(answers: Vec<Vec<u8>>) -> Raw {
        let (tx, rx) = mpsc::channel();
        let mut raw = Raw::serve(answers, Some(rx));
        raw.gate = Some(tx);
        raw
    }

    fn serve(answers: Vec<Vec<u8>>, gate: Option<mpsc::Receiver<()>>) -> Raw {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        thread::spawn(move || {
            for answer in answers {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                read_request(&mut stream);
                if let Some(gate) = &gate {
                    let _ = gate.recv_timeout(Duration::from_secs(30));
                }
                let _ = stream.write_all(&answer);
            }
        });
        Raw {
            endpoint,
            gate: None,
        }
    }

    fn open(&self) {
        if let Some(gate) = &self.gate {
            gate.send(()).unwrap();
        }
    }
}

fn read_request(stream: &mut TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            return;
        }
        raw.extend_from_slice(&buf[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        if raw.len() >= end + 4 + length {
            return;
        }
    }
}

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

/// `cloudsso reset-user-password` aimed at `server`, with `extra` arguments;
/// the caller's password goes on stdin when `--password-stdin` is among them.
fn command(server: &Raw, extra: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("reset-user-password")
        .args(["--endpoint", &server.endpoint])
        .args([
            "--directory-id",
            DIR,
            "--user-id",
            USER,
            "--max-attempts",
            "1",
        ])
        .args(extra)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "hostile-id")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn feed_password(child: &mut Child) {
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(PASSWORD.as_bytes()).unwrap();
}

fn run(server: &Raw, extra: &[&str]) -> Output {
    let mut child = command(server, extra).spawn().unwrap();
    if extra.contains(&"--password-stdin") {
        feed_password(&mut child);
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// JSON `\u` escapes and character references, on top of the agreed list.
fn echo_of(secrets: &[&str]) -> String {
    let mut parts = vec![String::from("echo")];
    for secret in secrets {
        parts.extend(encoded_forms(secret));
        parts.push(
            secret
                .encode_utf16()
                .map(|u| format!("\\u{u:04x}"))
                .collect(),
        );
        parts.push(
            secret
                .chars()
                .map(|c| format!("&#x{:X};", c as u32))
                .collect(),
        );
    }
    parts.join("|")
}

fn assert_no_secret(what: &str, output: &Output, secrets: &[&str]) {
    let all = format!("{}\n{}", text(&output.stdout), text(&output.stderr));
    for secret in secrets {
        for form in encoded_forms(secret) {
            assert!(
                !all.contains(&form),
                "{what}: {form:?} (an encoding of a secret) was printed: {all}"
            );
        }
    }
}

/// Control bytes a terminal acts on: C0 (tab and the final newline aside), DEL, and C1 in UTF-8.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    for (at, pair) in bytes.windows(2).enumerate() {
        assert!(
            !(pair[0] == 0xc2 && (0x80..=0x9f).contains(&pair[1])),
            "{what}: a C1 control at {at}: {}",
            text(bytes)
        );
    }
    for (at, &b) in bytes.iter().enumerate() {
        let control = (b < 0x20 && b != b'\n') || b == 0x7f;
        assert!(
            !control,
            "{what}: control byte {b:#04x} at {at}: {}",
            text(bytes)
        );
    }
}

const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\rRequestId: forged\nline two\u{9b}31m\u{202e}";
const SHOWN: &str = "\\x1b]0;pwned\\x07\\x1b[2J\\rRequestId: forged\\nline two\\u{9b}31m\\u{202e}";

#[test]
fn service_error_text_with_controls_is_shown_escaped_on_stderr() {
    let body = json!({"Code": format!("Bad{HOSTILE}"), "Message": HOSTILE, "RequestId": HOSTILE})
        .to_string();
    let server = Raw::start(vec![
        answer("400 Bad Request", &[], &body),
        answer("400 Bad Request", &[], &body),
    ]);
    let out = run(&server, &["--generate-random-password"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_terminal_safe("stderr", &out.stderr);
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line, nothing forged: {err}");
    assert!(err.contains(SHOWN), "{err}");
    assert!(err.contains(&format!("[request id {SHOWN}]")), "{err}");

    // JSON output keeps the exact text (the serializer escapes it).
    let out = run(&server, &["--generate-random-password", "--output", "json"]);
    assert_eq!(out.status.code(), Some(5));
    let v: Value = serde_json::from_slice(&out.stderr).expect("one JSON object");
    assert_eq!(v["Message"], HOSTILE);
    assert_eq!(v["RequestId"], HOSTILE);
}

#[test]
fn a_c1_control_in_the_request_id_header_is_shown_escaped() {
    let server = Raw::start(vec![answer(
        "502 Bad Gateway",
        &[("x-acs-request-id", "id\u{9b}2J\u{85}end")],
        "<html>Bad Gateway</html>",
    )]);
    let out = run(&server, &["--generate-random-password"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert_terminal_safe("stderr", &out.stderr);
    assert!(text(&out.stderr).contains("[request id id\\u{9b}2J\\u{85}end]"));
}

#[test]
fn success_text_with_controls_is_shown_escaped_on_stdout() {
    let generated = format!("Gen{HOSTILE}");
    let body = json!({"RequestId": HOSTILE, "NewPassword": generated}).to_string();
    let server = Raw::start(vec![
        answer("200 OK", &[], &body),
        answer("200 OK", &[], &body),
    ]);
    let out = run(&server, &["--generate-random-password", "--verbose"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_terminal_safe("stdout", &out.stdout);
    assert_terminal_safe("stderr (verbose log)", &out.stderr);
    assert_eq!(
        text(&out.stdout),
        format!("NewPassword: Gen{SHOWN}\nRequestId: {SHOWN}\n")
    );
    assert!(
        text(&out.stderr).contains("--output json gives the exact value"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&server, &["--generate-random-password", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["NewPassword"], generated.as_str());
    assert_eq!(v["RequestId"], HOSTILE);
}

#[test]
fn secrets_echoed_in_every_encoding_are_never_printed() {
    let echo = echo_of(&[SECRET, PASSWORD]);
    let header = echo.replace(['\r', '\n'], " ");
    let error = json!({"Code": echo, "Message": echo, "RequestId": echo, "HostId": echo, "Recommend": echo}).to_string();
    let success = json!({"RequestId": echo, "NewPassword": PASSWORD}).to_string();
    let mut answers = Vec::new();
    for _ in 0..2 {
        answers.push(answer(
            "400 Bad Request",
            &[("x-acs-request-id", &header)],
            &error,
        ));
        answers.push(answer(
            "502 Bad Gateway",
            &[("x-acs-request-id", &header)],
            "<html/>",
        ));
        answers.push(answer("200 OK", &[("x-acs-request-id", &header)], &success));
    }
    let server = Raw::start(answers);
    for output in ["text", "json"] {
        for expected in [5, 5, 0] {
            let out = run(
                &server,
                &["--password-stdin", "--verbose", "--output", output],
            );
            assert_eq!(out.status.code(), Some(expected), "{}", text(&out.stderr));
            assert_no_secret(output, &out, &[SECRET, PASSWORD]);
            assert!(
                text(&out.stdout).contains("<redacted>")
                    || text(&out.stderr).contains("<redacted>")
            );
        }
    }
}

#[test]
fn the_callers_own_password_is_never_printed_back() {
    let success = json!({"RequestId": "R-own", "NewPassword": PASSWORD}).to_string();
    let server = Raw::start(vec![
        answer("200 OK", &[], &success),
        answer("200 OK", &[], &success),
    ]);
    let out = run(&server, &["--password-stdin"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "RequestId: R-own\n");
    assert_no_secret("text", &out, &[PASSWORD]);
    let out = run(&server, &["--password-stdin", "--output", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json!({"RequestId": "R-own"}));
}

/// Runs a successful call whose stdout reader is gone before the answer arrives.
fn with_closed_stdout(extra: &[&str], close_stderr: bool) -> Output {
    let body = json!({"RequestId": "R-closed", "NewPassword": "Gen3rated!pw"}).to_string();
    let server = Raw::gated(vec![answer("200 OK", &[], &body)]);
    let mut child = command(&server, extra).spawn().unwrap();
    if extra.contains(&"--password-stdin") {
        feed_password(&mut child);
    }
    drop(child.stdin.take());
    drop(child.stdout.take());
    if close_stderr {
        drop(child.stderr.take());
    }
    server.open();
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_pipe_exits_10_and_says_the_password_was_changed() {
    for output in ["text", "json"] {
        let out = with_closed_stdout(&["--generate-random-password", "--output", output], false);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(LOCAL_IO), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.contains("the password WAS changed (request id R-closed)"),
            "{err}"
        );
        assert!(err.contains("reset the password again"), "{err}");
        assert!(!err.contains("Gen3rated!pw"), "{err}");
    }
    let out = with_closed_stdout(&["--password-stdin"], false);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(LOCAL_IO), "{err}");
    assert!(
        err.contains("the password WAS changed (request id R-closed)"),
        "{err}"
    );
    assert!(err.contains("it is now the password you gave"), "{err}");
}

#[test]
fn closed_stdout_and_stderr_with_verbose_logging_still_exit_10_without_a_panic() {
    let out = with_closed_stdout(&["--generate-random-password", "--verbose"], true);
    // A panic exits 101; a signal would leave no code.
    assert_eq!(out.status.code(), Some(LOCAL_IO));
}

#[test]
fn a_full_disk_exits_10_and_says_the_password_was_changed() {
    let full = match std::fs::OpenOptions::new().write(true).open("/dev/full") {
        Ok(file) => file,
        Err(e) => {
            // Reported, not passed silently: this test needs a Linux-like /dev/full.
            eprintln!("skipped: /dev/full cannot be opened ({e})");
            return;
        }
    };
    let body = json!({"RequestId": "R-full", "NewPassword": "Gen3rated!pw"}).to_string();
    let server = Raw::start(vec![answer("200 OK", &[], &body)]);
    let out = command(&server, &["--generate-random-password"])
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(LOCAL_IO), "{err}");
    assert!(
        err.contains("the password WAS changed (request id R-full)"),
        "{err}"
    );
    assert!(err.contains("No space left on device"), "{err}");
}
