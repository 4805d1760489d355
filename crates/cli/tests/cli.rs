//! The `cloudsso` binary end to end: `cloudsso emulator` in one process, the
//! reset command in another, exit codes per error kind.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cloudsso");

/// A `cloudsso emulator` process, killed on drop.
struct Served {
    child: Child,
    info: Value,
}

impl Served {
    fn start() -> Served {
        let mut child = Command::new(BIN)
            .args(["emulator", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: Value = serde_json::from_str(&line).expect("first line is JSON");
        Served { child, info }
    }

    fn field(&self, name: &str) -> String {
        self.info[name].as_str().unwrap().to_string()
    }

    fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_emulator/{path}", self.field("endpoint"));
        let agent = ureq::Agent::new_with_defaults();
        let mut response = match body {
            Some(b) => agent
                .post(&url)
                .header("content-type", "application/json")
                .send(b.to_string().as_bytes())
                .unwrap(),
            None if method == "GET" => agent.get(&url).call().unwrap(),
            None => agent.post(&url).send_empty().unwrap(),
        };
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap_or(Value::Null)
    }

    fn requests(&self) -> u64 {
        self.admin("GET", "stats", None)["requests"]
            .as_u64()
            .unwrap()
    }

    /// Runs `cloudsso reset-user-password` with the emulator's keys in the environment.
    fn reset(&self, extra: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("reset-user-password")
            .args(["--endpoint", &self.field("endpoint")])
            .args(extra)
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", self.field("access_key_id"))
            .env(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                self.field("access_key_secret"),
            )
            .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
        drop(pipe);
        child.wait_with_output().unwrap()
    }

    fn ids(&self) -> [String; 4] {
        [
            "--directory-id".into(),
            self.field("directory_id"),
            "--user-id".into(),
            self.field("user_id"),
        ]
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn args<'a>(ids: &'a [String; 4], more: &[&'a str]) -> Vec<&'a str> {
    ids.iter()
        .map(String::as_str)
        .chain(more.iter().copied())
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn generated_password_in_json_with_the_services_field_names() {
    let served = Served::start();
    let ids = served.ids();
    let out = served.reset(
        &args(&ids, &["--generate-random-password", "--output", "json"]),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    let password = body["NewPassword"].as_str().unwrap();
    assert!(body["RequestId"].as_str().is_some());
    let check = served.admin(
        "POST",
        "check-password",
        Some(json!({"directory_id": ids[1], "user_id": ids[3], "password": password})),
    );
    assert_eq!(check["matches"], json!(true));
}

#[test]
fn password_stdin_strips_exactly_one_newline() {
    let served = Served::start();
    let ids = served.ids();
    let out = served.reset(&args(&ids, &["--password-stdin"]), Some("Stdin!Pass123\n"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("RequestId: ") && !stdout.contains("NewPassword"));
    let check = served.admin(
        "POST",
        "check-password",
        Some(json!({"directory_id": ids[1], "user_id": ids[3], "password": "Stdin!Pass123"})),
    );
    assert_eq!(check["matches"], json!(true));
    let before = served.requests();
    let out = served.reset(
        &args(&ids, &["--password-stdin"]),
        Some("Stdin!Pass123\n\n"),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a second newline stays and is refused"
    );
    assert_eq!(served.requests(), before);
    assert!(!text(&out.stderr).contains("Stdin!Pass123"));
}

#[test]
fn each_error_kind_has_its_exit_code() {
    let served = Served::start();
    let ids = served.ids();
    let generate = "--generate-random-password";

    // Validation (3): nothing reaches the server.
    let before = served.requests();
    let out = served.reset(
        &["--directory-id", "d-BAD", "--user-id", "u-1", generate],
        None,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("directory_id"));
    let out = served.reset(&args(&ids, &[]), None);
    assert_eq!(out.status.code(), Some(3), "no password and no generation");
    assert_eq!(served.requests(), before);

    // Credentials (4).
    let out = Command::new(BIN)
        .args([
            "reset-user-password",
            "--directory-id",
            "d-1",
            "--user-id",
            "u-1",
            generate,
        ])
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_ID") && stderr.contains("--emulator"));

    // Service (5), with code, message and request id as JSON on stderr.
    let out = served.reset(
        &[
            "--directory-id",
            &ids[1],
            "--user-id",
            "u-nobody",
            generate,
            "--output",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(5));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["Code"], json!("EntityNotExists.User"));
    assert_eq!(err["HttpStatus"], json!(404));
    assert!(err["RequestId"].as_str().is_some() && err["Message"].as_str().is_some());

    // Throttled (6).
    served.admin(
        "POST",
        "faults",
        Some(json!({"count": 1, "action": "respond", "status": 400, "code": "Throttling.User"})),
    );
    let out = served.reset(&args(&ids, &[generate, "--max-attempts", "1"]), None);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));

    // Timeout (7).
    served.admin(
        "POST",
        "faults",
        Some(json!({"count": 1, "action": "delay", "delay_ms": 1500})),
    );
    let out = served.reset(&args(&ids, &[generate, "--read-timeout-ms", "200"]), None);
    assert_eq!(out.status.code(), Some(7));
    assert!(text(&out.stderr).contains("outcome is unknown"));

    // Decode (9): a garbage success body.
    served.admin(
        "POST",
        "faults",
        Some(json!({"count": 1, "action": "garbage_body"})),
    );
    let out = served.reset(&args(&ids, &[generate]), None);
    assert_eq!(out.status.code(), Some(9), "{}", text(&out.stderr));

    // Transport (8): nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Command::new(BIN)
        .args([
            "reset-user-password",
            "--endpoint",
            &format!("http://127.0.0.1:{port}"),
        ])
        .args(args(&ids, &[generate, "--max-attempts", "1"]))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "x")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "y")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));

    // Usage (2).
    let out = Command::new(BIN)
        .args(["reset-user-password", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn emulator_flag_needs_no_account() {
    let out = Command::new(BIN)
        .args([
            "reset-user-password",
            "--emulator",
            "--generate-random-password",
        ])
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("NewPassword: "));
}

#[test]
fn help_lists_the_exit_codes() {
    let out = Command::new(BIN)
        .args(["reset-user-password", "--help"])
        .output()
        .unwrap();
    let help = text(&out.stdout);
    for line in ["3  validation", "5  service", "6  throttled", "9  decode"] {
        assert!(help.contains(line), "{line}");
    }
}

#[test]
fn verbose_output_never_shows_a_secret() {
    let served = Served::start();
    let (secret, token, password) = ("Cli-SECRET-9f3k", "Cli-TOKEN-2m8q", "Cli!Passw0rd-7");
    served.admin(
        "POST",
        "access-keys",
        Some(json!({"access_key_id": "cli-hygiene", "access_key_secret": secret, "security_token": token})),
    );
    let ids = served.ids();
    let run = |extra: &[&str], key_secret: &str, stdin: &str| {
        let mut child = Command::new(BIN)
            .arg("reset-user-password")
            .args(["--endpoint", &served.field("endpoint"), "-v"])
            .args(args(&ids, extra))
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "cli-hygiene")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", key_secret)
            .env("ALIBABA_CLOUD_SECURITY_TOKEN", token)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let mut captured = Vec::new();
    for version in ["v1", "v3"] {
        let sv = ["--signature-version", version];
        captured.push(run(
            &[&sv[..], &["--password-stdin"]].concat(),
            secret,
            password,
        ));
        captured.push(run(
            &[&sv[..], &["--password-stdin", "--output", "json"]].concat(),
            &format!("{secret}x"),
            password,
        ));
        captured.push(run(
            &[&sv[..], &["--password-stdin"]].concat(),
            secret,
            &format!("{password}-way-too-long-for-policy"),
        ));
        let (code, stdout, stderr) = run(
            &[&sv[..], &["--generate-random-password"]].concat(),
            secret,
            "",
        );
        assert_eq!(code, Some(0), "{stderr}");
        let generated = stdout
            .lines()
            .next()
            .unwrap()
            .strip_prefix("NewPassword: ")
            .unwrap()
            .to_string();
        assert!(
            !stderr.contains(&generated),
            "the generated password only on stdout"
        );
        captured.push((code, String::new(), stderr));
    }
    assert_eq!(captured[0].0, Some(0));
    assert_eq!(captured[1].0, Some(5));
    assert_eq!(captured[2].0, Some(3));
    for (code, stdout, stderr) in &captured {
        if *code != Some(3) {
            assert!(
                stderr.contains("cloudsso: DEBUG"),
                "verbose logs were captured: {stderr}"
            );
        }
        for s in [secret, token, password] {
            assert!(
                !stdout.contains(s) && !stderr.contains(s),
                "{s} leaked: {stdout} {stderr}"
            );
        }
    }
}
