//! `cloudsso bulk-reset` end to end: the real binary against the real
//! emulator (in this process, so its request log and password checks are at
//! hand): input formats, journal records, resume rules, refusals, dry run,
//! Ctrl-C, and `kill -9` at random moments followed by `--resume`.

use cloudsso_emulator::{Emulator, EmulatorConfig, State};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cloudsso");
const DIR: &str = "d-bulkcli";

fn users(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u-cli{i:05}")).collect()
}

fn emulator(n: usize) -> Emulator {
    let state = serde_json::json!({"directories": [{"directory_id": DIR, "users": users(n)}]});
    Emulator::start(EmulatorConfig {
        state: Some(State::from_json_str(&state.to_string()).unwrap()),
        ..Default::default()
    })
    .unwrap()
}

/// A fresh folder for one test's files, removed when the test passes (kept
/// for a look when it fails).
struct Workdir(PathBuf);

impl std::ops::Deref for Workdir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn workdir(name: &str) -> Workdir {
    let dir = std::env::temp_dir().join(format!("cloudsso-bulk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Workdir(dir)
}

/// `cloudsso bulk-reset --directory-id DIR --endpoint E ARGS` with the demo keys.
fn command(emu: &Emulator, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["bulk-reset", "--directory-id", DIR, "--endpoint"])
        .arg(emu.endpoint())
        .args(args)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", &emu.demo().access_key_id)
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            &emu.demo().access_key_secret,
        )
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    cmd
}

fn run(emu: &Emulator, args: &[&str]) -> Output {
    command(emu, args).output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn records(journal: &Path) -> Vec<Value> {
    std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is a record"))
        .collect()
}

/// Successful resets per user, from the emulator's request log.
fn resets(emu: &Emulator) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for entry in emu.requests() {
        if entry.http_status == Some(200) && entry.code.is_none() {
            *out.entry(entry.user_id.unwrap()).or_default() += 1;
        }
    }
    out
}

/// Users sent to the emulator at all (any answer).
fn sent(emu: &Emulator) -> Vec<String> {
    emu.requests()
        .into_iter()
        .filter_map(|e| e.user_id)
        .collect()
}

/// The last `done` password of each user in the journal.
fn passwords(journal: &Path) -> HashMap<String, String> {
    records(journal)
        .into_iter()
        .filter(|r| r["Record"] == "done")
        .map(|r| {
            let user = r["UserId"].as_str().unwrap().to_owned();
            (user, r["NewPassword"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn write(path: &Path, content: &str) {
    std::fs::write(path, content).unwrap();
}

#[test]
fn csv_input_every_user_once_with_started_and_done_records() {
    let emu = emulator(6);
    let dir = workdir("csv");
    let input = dir.join("users.csv");
    let u = users(6);
    write(
        &input,
        &format!(
            "\u{feff}Name,USERID\r\n# a comment\r\n\r\nA,{}\r\n\"B, b\", {} \r\nC,U-BAD\r\nD,{}\r\nE,{}\r\nF,{}\r\nG,{}\r\nH,{}\r\n",
            u[0], u[1], u[2], u[3], u[4], u[5], u[0]
        ),
    );
    let journal = dir.join("out.jsonl");
    let out = run(
        &emu,
        &[
            "--input",
            input.to_str().unwrap(),
            "--output",
            journal.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        code(&out),
        1,
        "an invalid line counts as failed: {stdout}{stderr}"
    );
    assert!(
        stderr.contains("line 6") && stderr.contains("U-BAD"),
        "{stderr}"
    );
    assert!(stderr.contains("repeats line 4"), "{stderr}");
    assert!(stdout.contains("Invalid lines (never sent):"), "{stdout}");
    assert!(stdout.contains("done          6"), "{stdout}");

    // Mode 0600, a job record first, started before done for every user.
    let mode = std::fs::metadata(&journal).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let recs = records(&journal);
    assert_eq!(recs[0]["Record"], "job");
    assert_eq!(recs[0]["DirectoryId"], DIR);
    let invalid: Vec<_> = recs.iter().filter(|r| r["Kind"] == "validation").collect();
    assert_eq!(invalid.len(), 1);
    assert_eq!(
        (invalid[0]["UserId"].as_str(), invalid[0]["Line"].as_u64()),
        (Some("U-BAD"), Some(6))
    );
    for user in &u {
        let mine: Vec<&str> = recs
            .iter()
            .filter(|r| r["UserId"] == user.as_str())
            .map(|r| r["Record"].as_str().unwrap())
            .collect();
        assert_eq!(mine, ["started", "done"], "{user}");
    }
    // Each password in the journal is the one the emulator holds, and none
    // of them reached the terminal.
    let pws = passwords(&journal);
    assert_eq!(pws.len(), 6);
    for (user, pw) in &pws {
        assert_eq!(emu.check_password(DIR, user, pw), Some(true));
        assert!(!stdout.contains(pw.as_str()) && !stderr.contains(pw.as_str()));
    }
    assert!(resets(&emu).values().all(|&n| n == 1));
    assert_eq!(
        emu.stats().requests,
        6,
        "U-BAD and the duplicate were never sent"
    );
}

#[test]
fn jsonl_input_and_a_json_summary() {
    let emu = emulator(3);
    let dir = workdir("jsonl");
    let input = dir.join("users.jsonl");
    let u = users(3);
    write(
        &input,
        &format!(
            "{{\"UserId\":\"{}\",\"Mail\":\"a@x\"}}\n\n# c\n{{\"userid\":\"{}\"}}\r\n{{\"UserId\":\"{}\"}}\n",
            u[0], u[1], u[2]
        ),
    );
    let journal = dir.join("out.jsonl");
    let out = run(
        &emu,
        &[
            "--input",
            input.to_str().unwrap(),
            "--output",
            journal.to_str().unwrap(),
            "--output-format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON summary");
    assert_eq!(summary["InputFormat"], "jsonl");
    assert_eq!(summary["Done"], 3);
    assert_eq!(summary["NeedsCheck"], serde_json::json!([]));
    assert_eq!(summary["ExitCode"], 0);
    assert_eq!(summary["ResumeCommand"], Value::Null);
    assert_eq!(passwords(&journal).len(), 3);
}

#[test]
fn resume_skips_done_and_permanent_failures_and_lists_unknown_users() {
    let emu = emulator(6);
    let dir = workdir("resume");
    let u = users(6);
    let input = dir.join("users.txt");
    write(&input, &u.join("\n"));
    let journal = dir.join("out.jsonl");
    let head = format!(
        "{{\"Record\":\"job\",\"Journal\":\"cloudsso bulk-reset\",\"Version\":1,\"DirectoryId\":\"{DIR}\",\"RequirePasswordResetForNextLogin\":false}}\n"
    );
    let body = format!(
        "{}{}{}{}{}{}",
        format_args!("{{\"Record\":\"started\",\"UserId\":\"{}\"}}\n", u[0]),
        format_args!(
            "{{\"Record\":\"done\",\"UserId\":\"{}\",\"NewPassword\":\"x\",\"RequestId\":\"r\"}}\n",
            u[0]
        ),
        format_args!("{{\"Record\":\"started\",\"UserId\":\"{}\"}}\n", u[1]),
        format_args!(
            "{{\"Record\":\"failed\",\"UserId\":\"{}\",\"Kind\":\"service\",\"Code\":\"EntityNotExists.User\",\"OutcomeUnknown\":false,\"Permanent\":true}}\n",
            u[2]
        ),
        format_args!(
            "{{\"Record\":\"failed\",\"UserId\":\"{}\",\"Kind\":\"throttled\",\"Code\":\"Throttling.User\",\"OutcomeUnknown\":false,\"Permanent\":false}}\n",
            u[3]
        ),
        // A torn last line, as a kill during a write leaves it.
        format_args!(
            "{{\"Record\":\"failed\",\"UserId\":\"{}\",\"Kind\":\"timeout\",\"OutcomeUnknown\":true,\"Permanent\":false}}\n{{\"Record\":\"sta",
            u[4]
        ),
    );
    write(&journal, &format!("{head}{body}"));
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o600)).unwrap();
    let args = [
        "--input",
        input.to_str().unwrap(),
        "--output",
        journal.to_str().unwrap(),
        "--resume",
    ];

    let out = run(&emu, &args);
    let stdout = text(&out.stdout);
    assert_eq!(
        code(&out),
        11,
        "unknown outcomes remain: {stdout}{}",
        text(&out.stderr)
    );
    let mut called = sent(&emu);
    called.sort();
    assert_eq!(
        called,
        [u[3].clone(), u[5].clone()],
        "only the transient failure and the new user"
    );
    let heading = stdout.find("Users needing a check").expect(&stdout);
    let listed: Vec<&str> = stdout[heading..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(listed, [u[1].as_str(), u[4].as_str()]);
    assert!(
        stdout.contains(&format!("{}  EntityNotExists.User", u[2])),
        "{stdout}"
    );
    // The torn record was cut off: every line is a record again.
    let recs = records(&journal);
    assert!(recs.iter().any(|r| r["Record"] == "resumed"));

    let mut again = args.to_vec();
    again.push("--retry-unknown");
    let out = run(&emu, &again);
    assert_eq!(
        code(&out),
        1,
        "the permanent failure remains: {}",
        text(&out.stdout)
    );
    let mut called = sent(&emu);
    called.sort();
    assert_eq!(
        called,
        [u[1].clone(), u[3].clone(), u[4].clone(), u[5].clone()]
    );
    let pws = passwords(&journal);
    for user in [&u[1], &u[3], &u[4], &u[5]] {
        assert_eq!(
            emu.check_password(DIR, user, &pws[user.as_str()]),
            Some(true)
        );
    }
}

#[test]
fn unsafe_or_foreign_output_files_are_refused_before_anything_is_sent() {
    let emu = emulator(2);
    let dir = workdir("refuse");
    let input = dir.join("users.txt");
    write(&input, &users(2).join("\n"));
    let inp = input.to_str().unwrap();
    let journal = dir.join("out.jsonl");
    let out_path = journal.to_str().unwrap();

    // An existing file without --resume, even a journal.
    write(&journal, "anything\n");
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(&emu, &["--input", inp, "--output", out_path]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("already exists; add --resume"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&journal).unwrap(), "anything\n");

    // --resume on a file that is not a journal.
    let out = run(&emu, &["--input", inp, "--output", out_path, "--resume"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("is not a journal of this job"));

    // A journal of another directory.
    write(
        &journal,
        "{\"Record\":\"job\",\"Journal\":\"cloudsso bulk-reset\",\"Version\":1,\"DirectoryId\":\"d-other\",\"RequirePasswordResetForNextLogin\":false}\n",
    );
    let out = run(&emu, &["--input", inp, "--output", out_path, "--resume"]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("d-other"),
        "{}",
        text(&out.stderr)
    );

    // A journal others can read.
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&emu, &["--input", inp, "--output", out_path, "--resume"]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("mode 640"),
        "{}",
        text(&out.stderr)
    );

    // --resume with no journal at all, and --retry-unknown without --resume.
    let missing = dir.join("missing.jsonl");
    let out = run(
        &emu,
        &[
            "--input",
            inp,
            "--output",
            missing.to_str().unwrap(),
            "--resume",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(!missing.exists());
    let out = run(
        &emu,
        &[
            "--input",
            inp,
            "--output",
            missing.to_str().unwrap(),
            "--retry-unknown",
        ],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(emu.stats().requests, 0);
}

#[test]
fn dry_run_needs_no_credentials_writes_nothing_and_reports_invalid_lines() {
    let emu = emulator(2);
    let dir = workdir("dry");
    let input = dir.join("users.txt");
    let journal = dir.join("out.jsonl");
    write(&input, &users(2).join("\n"));
    let dry = |input: &Path| {
        let mut cmd = command(
            &emu,
            &[
                "--input",
                input.to_str().unwrap(),
                "--output",
                journal.to_str().unwrap(),
                "--dry-run",
            ],
        );
        cmd.env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
            .env("HOME", &*dir);
        cmd.output().unwrap()
    };
    let out = dry(&input);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("would reset      2"),
        "{}",
        text(&out.stdout)
    );
    write(&input, &format!("{}\nu-Bad\n", users(2).join("\n")));
    let out = dry(&input);
    assert_eq!(code(&out), 3);
    assert!(text(&out.stderr).contains("u-Bad"));
    assert!(!journal.exists());
    assert_eq!(emu.stats().requests, 0);
}

#[test]
fn missing_credentials_send_nothing_and_leave_no_journal() {
    let emu = emulator(2);
    let dir = workdir("nocreds");
    let input = dir.join("users.txt");
    write(&input, &users(2).join("\n"));
    let journal = dir.join("out.jsonl");
    let mut cmd = command(
        &emu,
        &[
            "--input",
            input.to_str().unwrap(),
            "--output",
            journal.to_str().unwrap(),
        ],
    );
    for (name, _) in std::env::vars() {
        if name.starts_with("ALIBABA_CLOUD_") && name != "ALIBABA_CLOUD_ECS_METADATA_DISABLED" {
            cmd.env_remove(name);
        }
    }
    cmd.env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env("HOME", &*dir);
    let out = cmd.output().unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--emulator"),
        "{}",
        text(&out.stderr)
    );
    assert!(!journal.exists(), "a corrected command needs no --resume");
    assert_eq!(emu.stats().requests, 0);
}

#[test]
fn an_error_that_would_fail_every_user_stops_the_job() {
    let emu = emulator(300);
    let dir = workdir("badkey");
    let input = dir.join("users.txt");
    write(&input, &users(300).join("\n"));
    let journal = dir.join("out.jsonl");
    let out = command(
        &emu,
        &[
            "--input",
            input.to_str().unwrap(),
            "--output",
            journal.to_str().unwrap(),
        ],
    )
    .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong")
    .output()
    .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(code(&out), 1, "{stdout}");
    assert!(
        stdout.contains("Stopped early") && stdout.contains("SignatureDoesNotMatch"),
        "{stdout}"
    );
    assert!(stdout.contains("--resume"), "{stdout}");
    assert!(!stdout.contains("wrong"), "the secret never shows");
    assert!(emu.stats().requests < 300, "{:?}", emu.stats());
    // Nothing was done, so a resume with the right key does every user.
    let out = run(
        &emu,
        &[
            "--input",
            input.to_str().unwrap(),
            "--output",
            journal.to_str().unwrap(),
            "--resume",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));
    assert_eq!(passwords(&journal).len(), 300);
}

#[test]
fn help_documents_the_exit_codes() {
    let out = Command::new(BIN)
        .args(["bulk-reset", "--help"])
        .output()
        .unwrap();
    let help = text(&out.stdout);
    assert_eq!(code(&out), 0);
    for needle in [
        "--retry-unknown",
        "--rate-limit",
        "130",
        "11 ",
        "Users needing a check",
        "0600",
    ] {
        assert!(help.contains(needle), "{needle} in {help}");
    }
}

/// Waits until the journal holds `n` done records (or the child exits).
fn wait_for_done(journal: &Path, child: &mut Child, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let done = std::fs::read_to_string(journal)
            .map(|t| t.matches("\"Record\":\"done\"").count())
            .unwrap_or(0);
        if done >= n || child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the job made no progress");
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn ctrl_c_stops_gracefully_leaves_no_unknown_user_and_resume_finishes() {
    let emu = emulator(200);
    let dir = workdir("sigint");
    let input = dir.join("users.txt");
    write(&input, &users(200).join("\n"));
    let journal = dir.join("out.jsonl");
    let args = [
        "--input",
        input.to_str().unwrap(),
        "--output",
        journal.to_str().unwrap(),
        "--rate-limit",
        "25",
    ];
    let mut child = command(&emu, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_done(&journal, &mut child, 10);
    signal(&child, "-INT");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{stdout}");
    assert!(stdout.contains("Interrupted. To resume:"), "{stdout}");
    assert!(!stdout.contains("Users needing a check"), "{stdout}");
    let resume_line = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Interrupted"))
        .nth(1)
        .unwrap();
    assert!(
        resume_line.trim_end().ends_with("--resume"),
        "{resume_line}"
    );
    // Every started user has an end: nothing is unknown.
    let recs = records(&journal);
    let started = recs.iter().filter(|r| r["Record"] == "started").count();
    let ended = recs.iter().filter(|r| r["Record"] == "done").count();
    assert!(
        started < 200 && started == ended,
        "{started} started, {ended} done"
    );

    let mut resumed = args.to_vec();
    resumed.push("--resume");
    let out = run(&emu, &resumed);
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));
    // Over 5 s at 25 calls/s: at least one plain progress line (stderr is
    // not a terminal here), and no password on it.
    let stderr = text(&out.stderr);
    assert!(stderr.contains("ended (0 failed, 0 unknown)"), "{stderr}");
    for pw in passwords(&journal).values() {
        assert!(!stderr.contains(pw.as_str()) && !text(&out.stdout).contains(pw.as_str()));
    }
    let counts = resets(&emu);
    assert_eq!(counts.len(), 200);
    assert!(counts.values().all(|&n| n == 1));
}

/// A small deterministic generator for the kill moments.
fn lcg(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    }
}

#[test]
fn kill_9_at_random_moments_then_resume_resets_every_user_once() {
    const USERS: usize = 500;
    const CONCURRENCY: usize = 8;
    for seed in [1u64, 2, 3] {
        let emu = emulator(USERS);
        let dir = workdir(&format!("kill{seed}"));
        let input = dir.join("users.txt");
        write(&input, &users(USERS).join("\n"));
        let journal = dir.join("out.jsonl");
        let args = [
            "--input",
            input.to_str().unwrap(),
            "--output",
            journal.to_str().unwrap(),
        ];
        let mut child = command(&emu, &args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Somewhere between the first record and the last tenth of the job.
        let mut next = lcg(seed);
        wait_for_done(&journal, &mut child, 1);
        std::thread::sleep(Duration::from_millis(next() % 4000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let mut resumed = args.to_vec();
        resumed.extend(["--resume", "--output-format", "json"]);
        let out = run(&emu, &resumed);
        let summary: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("seed {seed}: {}{}", text(&out.stdout), text(&out.stderr)));
        let unknown: Vec<String> = summary["NeedsCheck"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert!(unknown.len() <= CONCURRENCY, "seed {seed}: {unknown:?}");
        let expected = if unknown.is_empty() { 0 } else { 11 };
        assert_eq!(code(&out), expected, "seed {seed}: {summary}");
        assert_eq!(
            summary["Done"].as_u64().unwrap() as usize + unknown.len(),
            USERS
        );

        let stats = emu.stats();
        assert_eq!(
            emu.requests().len() as u64,
            stats.requests,
            "the log holds every request"
        );
        let counts = resets(&emu);
        for user in users(USERS) {
            let n = counts.get(&user).copied().unwrap_or(0);
            if unknown.contains(&user) {
                assert!(n <= 1, "seed {seed}: {user} reset {n} times");
            } else {
                assert_eq!(n, 1, "seed {seed}: {user} reset {n} times");
            }
        }
        let pws = passwords(&journal);
        assert_eq!(pws.len(), USERS - unknown.len());
        for (user, pw) in &pws {
            assert_eq!(
                emu.check_password(DIR, user, pw),
                Some(true),
                "seed {seed}: {user}"
            );
        }
    }
}

#[test]
fn a_terminal_gets_a_progress_bar_and_never_a_password() {
    let emu = emulator(60);
    let dir = workdir("tty");
    let input = dir.join("users.txt");
    write(&input, &users(60).join("\n"));
    let journal = dir.join("out.jsonl");
    // `script` runs the command on a pseudo-terminal (util-linux).
    let line = format!(
        "{BIN} bulk-reset --directory-id {DIR} --endpoint {} --input {} --output {} --rate-limit 30",
        emu.endpoint(),
        input.display(),
        journal.display()
    );
    let out = match Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", &emu.demo().access_key_id)
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            &emu.demo().access_key_secret,
        )
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: `script` (util-linux) cannot run: {e}");
            return;
        }
    };
    let screen = text(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("/60 ended, "), "{screen}");
    assert!(screen.contains("done          60"), "{screen}");
    for pw in passwords(&journal).values() {
        assert!(!screen.contains(pw.as_str()));
    }
}
