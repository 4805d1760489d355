//! The default credentials chain through the `cloudsso` binary, with real process
//! environments: `--profile`, a RAM role through the emulator's STS, the ECS instance role from
//! the emulator's metadata paths, OIDC, and the "nothing found" message (exit 4). Every run gets
//! a clean environment with `HOME` in a fresh folder, so no developer file or key leaks in, and
//! only loopback addresses.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cloudsso");
const DEMO_ROLE_ARN: &str = "acs:ram::1234567890123456:role/cloudsso-admin";

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
        Served {
            child,
            info: serde_json::from_str(&line).expect("first line is JSON"),
        }
    }

    fn field(&self, name: &str) -> String {
        self.info[name].as_str().unwrap().to_string()
    }

    fn admin(&self, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_emulator/{path}", self.field("endpoint"));
        let mut response = match body {
            None => ureq::get(&url).call().unwrap(),
            Some(body) => ureq::post(&url)
                .header("content-type", "application/json")
                .send(body.to_string().as_bytes())
                .unwrap(),
        };
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
    }

    fn sts_stats(&self) -> Value {
        self.admin("sts/stats", None)
    }

    /// `cloudsso reset-user-password` for the demo user, with only `env` (plus a fresh `HOME`
    /// and the metadata service off unless `env` says otherwise) in its environment.
    fn reset(&self, home: &Home, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(BIN);
        command
            .env_clear()
            .env("HOME", &home.0)
            .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
            .args([
                "reset-user-password",
                "--output=json",
                "--generate-random-password",
            ])
            .arg(format!("--endpoint={}", self.field("endpoint")))
            .arg(format!("--directory-id={}", self.field("directory_id")))
            .arg(format!("--user-id={}", self.field("user_id")))
            .args(extra)
            .stdin(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh `HOME`, removed on drop.
struct Home(PathBuf);

impl Home {
    fn new(tag: &str) -> Home {
        let path =
            std::env::temp_dir().join(format!("cloudsso-cli-chain-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join(".aliyun")).unwrap();
        Home(path)
    }

    fn config_json(&self, value: Value) {
        std::fs::write(self.0.join(".aliyun/config.json"), value.to_string()).unwrap();
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn succeeded(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn profile_flag_picks_a_config_json_profile() {
    let (emu, home) = (Served::start(), Home::new("profile"));
    home.config_json(json!({"current": "broken", "profiles": [
        {"name": "broken", "mode": "AK", "access_key_id": "nope", "access_key_secret": "nope"},
        {"name": "ci", "mode": "AK", "access_key_id": emu.field("access_key_id"),
         "access_key_secret": emu.field("access_key_secret")}]}));
    let out = emu.reset(&home, &["--profile", "ci"], &[]);
    assert!(succeeded(&out)["NewPassword"].is_string());
    // ALIBABA_CLOUD_PROFILE does the same.
    let out = emu.reset(&home, &[], &[("ALIBABA_CLOUD_PROFILE", "ci")]);
    succeeded(&out);
    // Without either, the file's current profile (unknown keys) is used, and refused.
    let out = emu.reset(&home, &[], &[]);
    assert_eq!(out.status.code(), Some(5));
    let out = emu.reset(&home, &["--profile=nowhere"], &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("profile \\\"nowhere\\\""));
}

#[test]
fn ram_role_profile_goes_through_the_emulators_sts() {
    let (emu, home) = (Served::start(), Home::new("role"));
    home.config_json(json!({"current": "admin", "profiles": [
        {"name": "admin", "mode": "RamRoleArn", "access_key_id": emu.field("access_key_id"),
         "access_key_secret": emu.field("access_key_secret"), "ram_role_arn": DEMO_ROLE_ARN}]}));
    let sts = emu.field("sts_endpoint");
    let out = emu.reset(&home, &[], &[("ALIBABA_CLOUD_STS_ENDPOINT", &sts)]);
    succeeded(&out);
    assert_eq!(emu.sts_stats()["assume_role"], 1);
    // A non-loopback plain-http STS endpoint is refused before any call.
    let out = emu.reset(
        &home,
        &[],
        &[("ALIBABA_CLOUD_STS_ENDPOINT", "http://sts.example.invalid")],
    );
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn ecs_instance_role_and_oidc_from_the_environment() {
    let (emu, home) = (Served::start(), Home::new("ecs"));
    let sts = emu.field("sts_endpoint");
    let out = emu.reset(
        &home,
        &[],
        &[
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false"),
            ("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", &sts),
        ],
    );
    succeeded(&out);
    assert_eq!(emu.sts_stats()["metadata_credentials"], 1);

    let provider = "acs:ram::1234567890123456:oidc-provider/ack";
    emu.admin(
        "sts/oidc-providers",
        Some(json!({"provider_arn": provider, "tokens": ["pod-token"]})),
    );
    let token_file = home.0.join("token");
    std::fs::write(&token_file, "pod-token\n").unwrap();
    let out = emu.reset(
        &home,
        &[],
        &[
            ("ALIBABA_CLOUD_ROLE_ARN", DEMO_ROLE_ARN),
            ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", provider),
            (
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
                token_file.to_str().unwrap(),
            ),
            ("ALIBABA_CLOUD_STS_ENDPOINT", &sts),
        ],
    );
    succeeded(&out);
    assert_eq!(emu.sts_stats()["assume_role_with_oidc"], 1);
}

#[test]
fn nothing_found_exits_4_listing_every_source() {
    let (emu, home) = (Served::start(), Home::new("none"));
    let out = emu.reset(&home, &[], &[]);
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for part in [
        "1. explicit keys",
        "2. environment",
        "3. OIDC",
        "4. aliyun CLI config",
        "5. credentials file",
        "6. ECS instance role (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)",
        "7. credentials URI",
    ] {
        assert!(stderr.contains(part), "{part:?} missing from {stderr}");
    }
    assert_eq!(emu.admin("stats", None)["requests"], 0);
}
