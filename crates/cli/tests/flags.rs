//! Every documented path of `cloudsso reset-user-password` that no other test exercises, each
//! checked for its effect: every exit code `--help` lists, `--region` and `--vpc` (the CONNECT
//! line a loopback proxy receives), `--allow-insecure-http` (a non-loopback `http://` endpoint
//! reached through a loopback tunnel), `--connect-timeout-ms` (a loopback port whose accept
//! queue is full), `--require-password-reset-for-next-login` (the emulator's stored flag),
//! `--rate-limit`, `cloudsso emulator --state`, and the verbose v1 and v3 runs: their exit
//! codes, and no secret in any agreed encoding in anything printed (the CLI's and the
//! emulator's own output). Nothing here contacts an address other than loopback.

use cloudsso::unstable::encoded_forms;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

const BIN: &str = env!("CARGO_BIN_EXE_cloudsso");

/// A `cloudsso emulator` process, killed on drop; what it prints after its first line is kept.
struct Served {
    child: Child,
    info: Value,
    printed: Arc<Mutex<String>>,
}

impl Served {
    fn start() -> Served {
        Served::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Served {
        let mut child = Command::new(BIN)
            .args(["emulator", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let info: Value = serde_json::from_str(&line).expect("first line is JSON");
        let printed = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        for mut pipe in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let printed = Arc::clone(&printed);
            thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                printed.lock().unwrap().push_str(&text);
            });
        }
        Served {
            child,
            info,
            printed,
        }
    }

    fn field(&self, name: &str) -> String {
        self.info[name].as_str().unwrap().to_string()
    }

    fn endpoint(&self) -> String {
        self.field("endpoint")
    }

    fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_emulator/{path}", self.endpoint());
        let agent = ureq::Agent::new_with_defaults();
        let mut response = match (method, body) {
            (_, Some(b)) => agent
                .post(&url)
                .header("content-type", "application/json")
                .send(b.to_string().as_bytes())
                .unwrap(),
            ("GET", None) => agent.get(&url).call().unwrap(),
            (_, None) => agent.post(&url).send_empty().unwrap(),
        };
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap_or(Value::Null)
    }

    fn requests(&self) -> u64 {
        self.admin("GET", "stats", None)["requests"]
            .as_u64()
            .unwrap()
    }

    /// `reset-user-password` against this emulator with its demo keys and ids, plus `extra`.
    fn reset(&self, extra: &[&str]) -> Command {
        self.reset_at(&self.endpoint(), &self.field("user_id"), extra)
    }

    /// The same at another endpoint and for another user.
    fn reset_at(&self, endpoint: &str, user: &str, extra: &[&str]) -> Command {
        let mut cmd = cli();
        cmd.arg("reset-user-password")
            .args(["--endpoint", endpoint])
            .args(["--directory-id", &self.field("directory_id")])
            .args(["--user-id", user])
            .args(extra)
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", self.field("access_key_id"))
            .env(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                self.field("access_key_secret"),
            );
        cmd
    }

    /// Stops the emulator and returns everything it printed after its first line.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The reader threads end with the pipes; give them the moment they need.
        for _ in 0..200 {
            if Arc::strong_count(&self.printed) == 1 {
                break;
            }
            thread::sleep(std::time::Duration::from_millis(5));
        }
        self.printed.lock().unwrap().clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with no credentials, proxy or config from this machine's environment.
fn cli() -> Command {
    let mut cmd = Command::new(BIN);
    for name in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        "ALIBABA_CLOUD_ROLE_ARN",
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(name);
    }
    cmd.env("HOME", empty_home())
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    cmd
}

/// A HOME without `.aliyun` or `.alibabacloud` files.
fn empty_home() -> PathBuf {
    let home = std::env::temp_dir().join(format!("cloudsso-flags-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    home
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a command given by value or by `&mut`.
fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> Output {
    cmd.borrow_mut().output().unwrap()
}

/// A loopback HTTP proxy that records each request head; with a target, it answers CONNECT
/// with 200 and tunnels to the target, otherwise it refuses with 403.
fn proxy(target: Option<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut client) = stream else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match client.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            seen.lock().unwrap().push(text(&head));
            let Some(target) = &target else {
                let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                continue;
            };
            let Ok(upstream) = TcpStream::connect(target) else {
                continue;
            };
            let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let (mut c1, mut u1) = (client, upstream);
            thread::spawn(move || {
                let _ = std::io::copy(&mut c1, &mut u1);
                let _ = u1.shutdown(Shutdown::Write);
            });
            thread::spawn(move || {
                let _ = std::io::copy(&mut u2, &mut c2);
                let _ = c2.shutdown(Shutdown::Write);
            });
        }
    });
    (address, heads)
}

/// The exit codes `--help` lists, with each line's text.
fn documented_exit_codes() -> Vec<(i32, String)> {
    let out = run(cli().args(["reset-user-password", "--help"]));
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    let section = help
        .split("Exit codes:")
        .nth(1)
        .expect("--help has an 'Exit codes:' section");
    section
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let (code, rest) = line.split_once(' ')?;
            Some((code.parse().ok()?, rest.trim().to_string()))
        })
        .collect()
}

#[test]
fn every_exit_code_the_help_lists_is_produced() {
    let documented = documented_exit_codes();
    let codes: BTreeSet<i32> = documented.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        codes,
        (0..=10).collect::<BTreeSet<i32>>(),
        "the help lists exactly 0 to 10: {documented:?}"
    );
    let served = Served::start();
    let generate = "--generate-random-password";
    let mut produced = BTreeSet::new();
    let mut expect = |code: i32, what: &str, out: Output| {
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what}: stdout {} stderr {}",
            text(&out.stdout),
            text(&out.stderr)
        );
        produced.insert(code);
    };

    expect(0, "success", run(served.reset(&[generate])));
    expect(2, "usage", run(served.reset(&[generate, "--no-such-flag"])));
    expect(3, "validation", run(served.reset(&[])));
    expect(
        4,
        "credentials",
        run(cli().args([
            "reset-user-password",
            "--endpoint",
            &served.endpoint(),
            "--directory-id",
            "d-00fc2p61abcd",
            "--user-id",
            "u-00q8wbq42wiltcrkabcd",
            generate,
        ])),
    );
    let unknown_user = served.reset_at(&served.endpoint(), "u-nosuchuser00", &[generate]);
    expect(5, "service", run(unknown_user));
    served.admin(
        "POST",
        "faults",
        Some(json!({"count": 1, "action": "respond", "status": 400, "code": "Throttling.User"})),
    );
    expect(
        6,
        "throttled",
        run(served.reset(&[generate, "--max-attempts", "1"])),
    );
    let full = served.admin("POST", "full-backlog", None);
    let out = run(served.reset_at(
        full["endpoint"].as_str().unwrap(),
        &served.field("user_id"),
        &[generate, "--connect-timeout-ms", "200"],
    ));
    assert!(
        text(&out.stderr).contains("connect"),
        "{}",
        text(&out.stderr)
    );
    expect(7, "timeout (connect phase)", out);
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = served.reset_at(
        &format!("http://{closed}"),
        &served.field("user_id"),
        &[generate, "--max-attempts", "1"],
    );
    expect(8, "transport", run(refused));
    served.admin(
        "POST",
        "faults",
        Some(json!({"count": 1, "action": "garbage_body"})),
    );
    expect(9, "decode", run(served.reset(&[generate])));
    let full_disk = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    expect(
        10,
        "local I/O (stdout is a full disk)",
        served
            .reset(&[generate])
            .stdout(full_disk)
            .output()
            .unwrap(),
    );

    // 1 is the fallback for an error kind newer than this list (`ErrorKind` is
    // non-exhaustive); no kind maps to it today, so it is documented, not produced.
    let one = &documented.iter().find(|(c, _)| *c == 1).unwrap().1;
    assert!(one.contains("newer"), "{one}");
    produced.insert(1);
    assert_eq!(produced, codes);
}

#[test]
fn region_and_vpc_choose_the_default_endpoint() {
    let (address, heads) = proxy(None);
    for (extra, host) in [
        (&[][..], "cloudsso.cn-shanghai.aliyuncs.com:443"),
        (
            &["--region", "cn-hangzhou"][..],
            "cloudsso.cn-hangzhou.aliyuncs.com:443",
        ),
        (
            &["--region", "ap-southeast-1", "--vpc"][..],
            "cloudsso-vpc.ap-southeast-1.aliyuncs.com:443",
        ),
    ] {
        heads.lock().unwrap().clear();
        let out = run(cli()
            .args(["reset-user-password", "--directory-id", "d-00fc2p61abcd"])
            .args([
                "--user-id",
                "u-00q8wbq42wiltcrkabcd",
                "--generate-random-password",
            ])
            .args(["--max-attempts", "1"])
            .args(extra)
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "flags-id")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "flags-secret")
            .env("HTTPS_PROXY", format!("http://{address}")));
        // The refusing proxy is all the call reaches: a transport error.
        assert_eq!(
            out.status.code(),
            Some(8),
            "{extra:?}: {}",
            text(&out.stderr)
        );
        let heads = heads.lock().unwrap().clone();
        assert_eq!(heads.len(), 1, "{extra:?}: {heads:?}");
        assert!(
            heads[0].starts_with(&format!("CONNECT {host} HTTP/1.1\r\n")),
            "{extra:?}: {heads:?}"
        );
    }
}

#[test]
fn allow_insecure_http_lets_a_non_loopback_http_endpoint_through() {
    let served = Served::start();
    let emulator_address = served.endpoint().trim_start_matches("http://").to_string();
    let port = emulator_address.rsplit_once(':').unwrap().1.to_string();
    let (address, heads) = proxy(Some(emulator_address));
    // A name that does not resolve here: only the loopback tunnel reaches it.
    let endpoint = format!("http://cloudsso.flags.test:{port}");
    let attempt = |extra: &[&str]| {
        let mut cmd = served.reset_at(&endpoint, &served.field("user_id"), extra);
        cmd.arg("--generate-random-password")
            .env("HTTP_PROXY", format!("http://{address}"));
        run(cmd)
    };
    let before = served.requests();
    let refused = attempt(&[]);
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("allow_insecure_http")
            || text(&refused.stderr).contains("allow-insecure-http"),
        "{}",
        text(&refused.stderr)
    );
    assert!(heads.lock().unwrap().is_empty(), "nothing left the process");
    let allowed = attempt(&["--allow-insecure-http"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed.stderr));
    assert!(text(&allowed.stdout).starts_with("NewPassword: "));
    assert_eq!(served.requests(), before + 1);
    assert!(heads.lock().unwrap()[0].starts_with(&format!("CONNECT cloudsso.flags.test:{port} ")));
}

#[test]
fn require_password_reset_for_next_login_reaches_the_service() {
    let served = Served::start();
    let check = |password: &str| {
        served.admin(
            "POST",
            "check-password",
            Some(json!({
                "directory_id": served.field("directory_id"),
                "user_id": served.field("user_id"),
                "password": password,
            })),
        )
    };
    for (flag, expected) in [
        (None, false),
        (Some("--require-password-reset-for-next-login"), true),
    ] {
        let mut cmd = served.reset(&["--generate-random-password", "--output", "json"]);
        cmd.args(flag);
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let result: Value = serde_json::from_slice(&out.stdout).unwrap();
        let stored = check(result["NewPassword"].as_str().unwrap());
        assert_eq!(stored["matches"], true);
        assert_eq!(
            stored["require_password_reset_for_next_login"], expected,
            "{flag:?}"
        );
    }
}

#[test]
fn rate_limit_takes_a_count_and_zero_turns_it_off() {
    let served = Served::start();
    for value in ["0", "1", "5"] {
        let out = run(served.reset(&["--generate-random-password", "--rate-limit", value]));
        assert_eq!(out.status.code(), Some(0), "{value}: {}", text(&out.stderr));
    }
    let before = served.requests();
    for bad in ["-1", "fast", "1.5"] {
        let flag = format!("--rate-limit={bad}");
        let out = run(served.reset(&["--generate-random-password", &flag]));
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("--rate-limit"),
            "{}",
            text(&out.stderr)
        );
    }
    assert_eq!(served.requests(), before, "a bad value sends nothing");
}

#[test]
fn emulator_state_file_adds_directories_users_and_keys() {
    let dir = std::env::temp_dir().join(format!("cloudsso-flags-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    std::fs::write(
        &state,
        json!({
            "access_keys": [{"access_key_id": "LTAI-state", "access_key_secret": "State-Secret-9q"}],
            "directories": [{"directory_id": "d-statefile", "users": [
                {"user_id": "u-stateuser", "password": "Initial-State-1!",
                 "require_password_reset_for_next_login": true}
            ]}]
        })
        .to_string(),
    )
    .unwrap();
    let served = Served::start_with(&["--state", state.to_str().unwrap()]);
    let initial = served.admin(
        "POST",
        "check-password",
        Some(json!({"directory_id": "d-statefile", "user_id": "u-stateuser", "password": "Initial-State-1!"})),
    );
    assert_eq!(initial["matches"], true, "{initial}");
    assert_eq!(initial["require_password_reset_for_next_login"], true);
    let out = run(cli()
        .args(["reset-user-password", "--endpoint", &served.endpoint()])
        .args(["--directory-id", "d-statefile", "--user-id", "u-stateuser"])
        .arg("--generate-random-password")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-state")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "State-Secret-9q"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    drop(served);

    // A state file that is not valid is a usage error that names the file.
    std::fs::write(&state, "{\"directories\": 7}").unwrap();
    let out = run(cli().args(["emulator", "--state", state.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("state.json"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Which of `secrets` appear in `text`, in which agreed encoding (never the secret itself).
fn leaks(text: &str, secrets: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (index, secret) in secrets.iter().enumerate() {
        for (n, form) in encoded_forms(secret).iter().enumerate() {
            if text.contains(form.as_str()) {
                found.push(format!("secret #{index}, encoding #{n}"));
            }
        }
    }
    found
}

#[test]
fn verbose_v1_and_v3_runs_exit_as_expected_and_print_no_secret_in_any_encoding() {
    let served = Served::start();
    let (secret, token) = ("Cli Secret/9f3k+x=", "Cli-TOKEN 2m8q/+");
    let password = "Cli!Passw0rd 7/x+";
    served.admin(
        "POST",
        "access-keys",
        Some(json!({"access_key_id": "cli-hygiene", "access_key_secret": secret, "security_token": token})),
    );
    let run_one = |extra: &[&str], key_secret: &str, stdin: &str| {
        let mut child = cli()
            .arg("reset-user-password")
            .args(["--endpoint", &served.endpoint(), "-v"])
            .args(["--directory-id", &served.field("directory_id")])
            .args(["--user-id", &served.field("user_id")])
            .args(extra)
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
        child.wait_with_output().unwrap()
    };
    let wrong = format!("{secret}x");
    let too_long = format!("{password}-way-too-long-for-the-policy");
    let mut printed = String::new();
    let mut generated = Vec::new();
    for version in ["v1", "v3"] {
        let sv = ["--signature-version", version];
        let cases: [(&[&str], &str, &str, i32); 4] = [
            (&["--password-stdin"], secret, password, 0),
            (
                &["--password-stdin", "--output", "json"],
                &wrong,
                password,
                5,
            ),
            (&["--password-stdin"], secret, &too_long, 3),
            (&["--generate-random-password"], secret, "", 0),
        ];
        for (extra, key_secret, stdin, code) in cases {
            let out = run_one(&[&sv[..], extra].concat(), key_secret, stdin);
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            assert_eq!(
                out.status.code(),
                Some(code),
                "{version} {extra:?}: {stderr}"
            );
            if code != 3 {
                assert!(stderr.contains("DEBUG"), "verbose logs captured: {stderr}");
            }
            if let Some(p) = stdout.strip_prefix("NewPassword: ") {
                let p = p.lines().next().unwrap().to_string();
                assert!(
                    leaks(&stderr, &[&p]).is_empty(),
                    "the generated password only on stdout"
                );
                generated.push(p);
                printed.push_str(&stderr);
            } else {
                printed.push_str(&stdout);
                printed.push_str(&stderr);
            }
        }
    }
    assert_eq!(generated.len(), 2);
    printed.push_str(&served.stop());
    let found = leaks(&printed, &[secret, token, password, &wrong]);
    assert!(found.is_empty(), "leaked: {found:?}");
}
