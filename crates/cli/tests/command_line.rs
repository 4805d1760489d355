//! The command line itself (clap): both spellings of an option, a bare
//! `cloudsso`, suggestions for misspelt flags, usage errors and their exit code,
//! refused secrets, `--password-stdin`'s trimming and its empty-input error,
//! and the generated completion scripts and man pages. Calls go to a real
//! `cloudsso emulator` process on loopback.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cloudsso");

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `cloudsso ARGS` with nothing on stdin and no credentials in the environment.
fn cloudsso(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A `cloudsso emulator` process, killed on drop.
struct Served {
    child: Child,
    info: Value,
}

impl Served {
    fn start() -> Served {
        let mut child = Command::new(BIN)
            .args(["emulator", "--listen=127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info = serde_json::from_str(&line).expect("first line is JSON");
        Served { child, info }
    }

    fn field(&self, name: &str) -> String {
        self.info[name].as_str().unwrap().to_string()
    }

    fn admin_get(&self, path: &str) -> Value {
        let url = format!("{}/_emulator/{path}", self.field("endpoint"));
        let mut response = ureq::get(&url).call().unwrap();
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
    }

    fn admin_post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/_emulator/{path}", self.field("endpoint"));
        let mut response = ureq::post(&url)
            .header("content-type", "application/json")
            .send(body.to_string().as_bytes())
            .unwrap();
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap_or(Value::Null)
    }

    fn requests(&self) -> u64 {
        self.admin_get("stats")["requests"].as_u64().unwrap()
    }

    fn password_is(&self, password: &str) -> bool {
        let check = self.admin_post(
            "check-password",
            json!({
                "directory_id": self.field("directory_id"),
                "user_id": self.field("user_id"),
                "password": password,
            }),
        );
        check["matches"] == json!(true)
    }

    /// `cloudsso reset-user-password` for the demo user with the emulator's keys,
    /// `extra` arguments, and `stdin` piped in.
    fn reset(&self, extra: &[&str], stdin: &[u8]) -> Output {
        let directory = format!("--directory-id={}", self.field("directory_id"));
        let user = format!("--user-id={}", self.field("user_id"));
        let mut child = Command::new(BIN)
            .arg("reset-user-password")
            .args([directory.as_str(), user.as_str()])
            .args(extra)
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", self.field("access_key_id"))
            .env(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                self.field("access_key_secret"),
            )
            .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin).unwrap();
        drop(pipe);
        child.wait_with_output().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn options_take_their_value_after_an_equals_sign_or_as_the_next_argument() {
    let served = Served::start();
    let endpoint = served.field("endpoint");
    for (spelling, args) in [
        (
            "--opt=value",
            vec![
                format!("--endpoint={endpoint}"),
                "--signature-version=v3".into(),
                "--output=json".into(),
            ],
        ),
        (
            "--opt value",
            vec![
                "--endpoint".into(),
                endpoint.clone(),
                "--signature-version".into(),
                "v3".into(),
                "--output".into(),
                "json".into(),
            ],
        ),
    ] {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.push("--generate-random-password");
        let out = served.reset(&args, b"");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{spelling}: {}",
            text(&out.stderr)
        );
        let body: Value = serde_json::from_slice(&out.stdout).expect("--output json took");
        assert!(served.password_is(body["NewPassword"].as_str().unwrap()));
        let log = served.admin_get("requests");
        let last = log.as_array().unwrap().last().unwrap();
        assert_eq!(last["signature_version"], json!("v3"), "{spelling}: {last}");
    }

    // A table option reaches the client: one attempt only, so one throttled answer ends the call.
    for max_attempts in [&["--max-attempts=1"][..], &["--max-attempts", "1"]] {
        served.admin_post(
            "faults",
            json!({"count": 1, "action": "respond", "status": 400, "code": "Throttling.User"}),
        );
        let before = served.requests();
        let mut args = vec![
            "--endpoint",
            endpoint.as_str(),
            "--generate-random-password",
        ];
        args.extend_from_slice(max_attempts);
        let out = served.reset(&args, b"");
        assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
        assert_eq!(served.requests(), before + 1, "{max_attempts:?}");
    }
}

#[test]
fn bare_cloudsso_prints_usage_on_stderr_and_exits_2() {
    let out = cloudsso(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Usage: cloudsso <COMMAND>"), "{stderr}");
    for command in ["reset-user-password", "emulator", "completions", "manpage"] {
        assert!(stderr.contains(command), "{command} missing: {stderr}");
    }
}

#[test]
fn help_and_version_go_to_stdout_and_succeed() {
    for args in [
        &["-h"][..],
        &["--help"],
        &["help"],
        &["reset-user-password", "-h"],
    ] {
        let out = cloudsso(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stdout).contains("Usage: cloudsso"), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}");
    }
    let version = format!("cloudsso {}\n", env!("CARGO_PKG_VERSION"));
    for args in [&["-V"][..], &["--version"]] {
        let out = cloudsso(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(text(&out.stdout), version);
    }
    let out = cloudsso(&["reset-user-password", "-V"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        format!(
            "cloudsso-reset-user-password {}\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn misspelt_flags_and_commands_get_a_suggestion_and_exit_2() {
    let out = cloudsso(&["reset-user-password", "--directory-idd", "d-1"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("a similar argument exists: '--directory-id'"),
        "{stderr}"
    );

    let out = cloudsso(&["reset-user-password", "--signature-versoin=v3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("'--signature-version'"));

    let out = cloudsso(&["reset-user-pasword"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("a similar subcommand exists: 'reset-user-password'"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_send_nothing() {
    let served = Served::start();
    let endpoint = format!("--endpoint={}", served.field("endpoint"));
    let generate = "--generate-random-password";
    let before = served.requests();
    for (args, says) in [
        (
            vec![endpoint.as_str(), generate, "--signature-version=v2"],
            "invalid value for --signature-version: must be \"v1\" or \"v3\"",
        ),
        (
            vec![endpoint.as_str(), generate, "--max-attempts", "0"],
            "invalid value for --max-attempts: must be a whole number from 1 to 10",
        ),
        (
            vec![endpoint.as_str(), generate, "--connect-timeout-ms=soon"],
            "invalid value for --connect-timeout-ms",
        ),
        (
            vec![endpoint.as_str(), generate, "--allow-insecure-http=maybe"],
            "must be true or false",
        ),
        (
            vec![endpoint.as_str(), generate, "--output", "xml"],
            "invalid value 'xml' for '--output <FORMAT>'",
        ),
        (
            vec![endpoint.as_str(), generate, "--password-stdin"],
            "cannot be used with",
        ),
        (
            vec![endpoint.as_str(), generate, "--emulator"],
            "cannot be used with",
        ),
        (
            vec![endpoint.as_str(), generate, "--region", "cn-hangzhou"],
            "cannot be used with",
        ),
        (vec![endpoint.as_str(), generate, "--bogus"], "--bogus"),
    ] {
        let out = served.reset(&args, b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(served.requests(), before, "nothing was sent");
}

#[test]
fn secrets_on_the_command_line_are_refused_without_being_echoed() {
    for (args, says) in [
        (
            &["--password", "Hunter2!Secret"][..],
            "--password is not accepted",
        ),
        (&["--password=Hunter2!Secret"], "--password is not accepted"),
        (&["--password"], "--password is not accepted"),
        (
            &["--access-key-secret=Hunter2!Secret"],
            "set ALIBABA_CLOUD_ACCESS_KEY_SECRET instead",
        ),
        (
            &["--security-token", "Hunter2!Secret"],
            "set ALIBABA_CLOUD_SECURITY_TOKEN instead",
        ),
    ] {
        let mut all = vec!["reset-user-password", "--emulator"];
        all.extend_from_slice(args);
        let out = cloudsso(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("Hunter2"), "{args:?} echoed: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn password_stdin_trims_one_crlf_or_lf() {
    let served = Served::start();
    let endpoint = format!("--endpoint={}", served.field("endpoint"));
    for (piped, set) in [
        (&b"Crlf!Pass123\r\n"[..], "Crlf!Pass123"),
        (b"Lf!Pass1234\n", "Lf!Pass1234"),
        (b"NoEnd!Pass12", "NoEnd!Pass12"),
    ] {
        let out = served.reset(&[endpoint.as_str(), "--password-stdin"], piped);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(served.password_is(set), "{set:?} was set");
    }
    // Only one line ending goes: a second one stays part of the password, which
    // the password policy then refuses before anything is sent.
    let before = served.requests();
    let out = served.reset(
        &[endpoint.as_str(), "--password-stdin"],
        b"Crlf!Pass123\r\n\r\n",
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(served.requests(), before);
}

#[test]
fn an_empty_stdin_names_the_flag_and_sends_nothing() {
    let served = Served::start();
    let endpoint = format!("--endpoint={}", served.field("endpoint"));
    let before = served.requests();
    for piped in [&b""[..], b"\n", b"\r\n"] {
        let out = served.reset(&[endpoint.as_str(), "--password-stdin"], piped);
        assert_eq!(out.status.code(), Some(3), "{piped:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("cloudsso: --password-stdin: stdin was empty"),
            "{stderr}"
        );
        assert!(!stderr.contains("password_stdin"), "{stderr}");
    }
    assert_eq!(served.requests(), before);
}

/// Checks a script's syntax with its shell when that shell is installed.
fn syntax_check(shell: &str, flag: &str, script: &[u8]) -> Option<bool> {
    let path = std::env::temp_dir().join(format!(
        "cloudsso-completions-{}-{shell}",
        std::process::id()
    ));
    std::fs::write(&path, script).unwrap();
    let status = Command::new(shell)
        .args([flag, path.to_str().unwrap()])
        .stderr(Stdio::inherit())
        .status();
    let _ = std::fs::remove_file(&path);
    status.ok().map(|s| s.success())
}

#[test]
fn completions_for_bash_zsh_and_fish_know_every_flag() {
    for (shell, marker, checker) in [
        ("bash", "complete -F _cloudsso", Some(("bash", "-n"))),
        ("zsh", "#compdef cloudsso", Some(("zsh", "-n"))),
        (
            "fish",
            "complete -c cloudsso",
            Some(("fish", "--no-execute")),
        ),
    ] {
        let out = cloudsso(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for word in [
            "reset-user-password",
            "password-stdin",
            "signature-version",
            "connect-timeout-ms",
            "root-certificates-pem",
            "manpage",
        ] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
        if let Some((program, flag)) = checker {
            match syntax_check(program, flag, &out.stdout) {
                Some(ok) => assert!(ok, "{program} {flag} refuses the {shell} script"),
                None => eprintln!("skipped: {program} is not installed, {shell} syntax unchecked"),
            }
        }
    }
    let out = cloudsso(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("[possible values: bash, elvish, fish, powershell, zsh]"));
}

/// Runs groff over a page and returns its warnings, or None without groff.
fn groff_warnings(page: &[u8]) -> Option<String> {
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take().unwrap().write_all(page).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    Some(text(&out.stderr))
}

#[test]
fn manpages_are_roff_with_a_title_and_every_flag() {
    let out = cloudsso(&["manpage"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    // clap_mangen opens with the portable-apostrophe string definition, then the title.
    let first_macro = page
        .lines()
        .find(|line| !line.starts_with(".ie") && !line.starts_with(".el"))
        .unwrap();
    assert!(first_macro.starts_with(".TH cloudsso 1 "), "{first_macro}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS", ".SH VERSION"] {
        assert!(page.contains(section), "{section}");
    }
    assert!(page.contains("cloudsso\\-reset\\-user\\-password(1)"));

    let out = cloudsso(&["manpage", "reset-user-password"]);
    assert_eq!(out.status.code(), Some(0));
    let sub = text(&out.stdout);
    assert!(sub.contains(&format!(
        ".TH cloudsso-reset-user-password 1  \"cloudsso {}\"",
        env!("CARGO_PKG_VERSION")
    )));
    for flag in ["password\\-stdin", "signature\\-version", "Exit codes:"] {
        assert!(sub.contains(flag), "{flag}");
    }

    for page in [&page, &sub] {
        match groff_warnings(page.as_bytes()) {
            Some(warnings) => assert_eq!(warnings, "", "groff warns"),
            None => eprintln!("skipped: groff is not installed, the roff is unchecked"),
        }
    }

    let out = cloudsso(&["manpage", "no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("reset-user-password, emulator"));
}

#[test]
fn help_completions_and_man_page_that_cannot_be_written_exit_10() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full to make stdout fail");
        return;
    };
    for args in [&["--help"][..], &["completions", "bash"], &["manpage"]] {
        let out = Command::new(BIN)
            .args(args)
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(10), "{args:?}");
        assert!(
            text(&out.stderr).contains("cloudsso: cannot write to stdout"),
            "{args:?}"
        );
    }
}
