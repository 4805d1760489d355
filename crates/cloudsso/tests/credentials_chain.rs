//! The default credentials chain against the real emulator (CloudSSO, STS, ECS metadata and a
//! credentials URI, all on loopback): each source alone, precedence, every config.json mode
//! and INI type, refresh under 16 threads, refresh failure, and the "nothing found" message.
//!
//! Every test gives the chain its own variables (`Environment::from_vars`) with `HOME` in a
//! fresh temporary folder, so neither the process environment nor the developer's own
//! `~/.aliyun` leaks in, and points STS and the metadata service at the emulator.

mod support;

use cloudsso::credentials::Environment;
use cloudsso::{Client, ErrorKind, ResetUserPasswordRequest};
use cloudsso_emulator::{DEMO_ROLE_ARN, Emulator};
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use support::{DIR, USER, emulator};

/// A folder removed at the end of the test; `HOME` for the chain.
struct TempHome(PathBuf);

impl TempHome {
    fn new() -> TempHome {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "cloudsso-chain-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempHome(path)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn config_json(&self, value: serde_json::Value) -> PathBuf {
        self.write(".aliyun/config.json", &value.to_string())
    }

    fn ini(&self, text: &str) -> PathBuf {
        self.write(".alibabacloud/credentials.ini", text)
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The chain's variables: `HOME`, the metadata service switched off unless a test turns it
/// on, plus `extra`.
fn vars(home: &TempHome, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut vars = vec![
        ("HOME".to_string(), home.0.display().to_string()),
        (
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED".to_string(),
            "true".to_string(),
        ),
    ];
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k.to_string(), v.to_string()));
    }
    vars
}

/// A client on the emulator whose credentials come from the chain over `vars`.
fn chain_client(emu: &Emulator, vars: Vec<(String, String)>) -> Result<Client, cloudsso::Error> {
    Client::builder()
        .endpoint(emu.endpoint())
        .sts_endpoint(emu.sts_endpoint())
        .ecs_metadata_endpoint(emu.sts_endpoint())
        .credentials_environment(Environment::from_vars(vars))
        .max_attempts(1)
        .rate_limit_per_second(0)
        .build()
}

fn reset(client: &Client) -> Result<cloudsso::ResetUserPasswordResponse, cloudsso::Error> {
    client.reset_user_password(
        &ResetUserPasswordRequest::new(DIR, USER).generate_random_password(true),
    )
}

/// The access key id the emulator saw on its last CloudSSO request.
fn last_key(emu: &Emulator) -> String {
    emu.requests()
        .last()
        .and_then(|r| r.access_key_id.clone())
        .unwrap_or_default()
}

fn admin(emu: &Emulator, path: &str, body: serde_json::Value) {
    let (status, answer) = emu.admin("POST", path, &body.to_string());
    assert_eq!(status, 200, "{path}: {answer}");
}

/// A long-term key the emulator knows, so tests can tell sources apart by key id.
fn add_key(emu: &Emulator, id: &str, secret: &str, token: Option<&str>) {
    let mut body = json!({"access_key_id": id, "access_key_secret": secret});
    if let Some(t) = token {
        body["security_token"] = json!(t);
    }
    admin(emu, "/_emulator/access-keys", body);
}

const OIDC_PROVIDER: &str = "acs:ram::1234567890123456:oidc-provider/ack-rrsa";
const OIDC_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.pod-token.sig";

fn register_oidc(emu: &Emulator) {
    admin(
        emu,
        "/_emulator/sts/oidc-providers",
        json!({"provider_arn": OIDC_PROVIDER, "tokens": [OIDC_TOKEN]}),
    );
}

fn is_sts_key(id: &str) -> bool {
    id.starts_with("STS.")
}

// ---- each source alone ----

#[test]
fn environment_keys_alone() {
    let (emu, home) = (emulator(None), TempHome::new());
    let client = chain_client(
        &emu,
        vars(
            &home,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
            ],
        ),
    )
    .unwrap();
    reset(&client).unwrap();
    assert_eq!(last_key(&emu), "testid");
}

#[test]
fn environment_with_half_a_key_pair_stops_the_chain() {
    let (emu, home) = (emulator(None), TempHome::new());
    home.config_json(json!({"current": "p", "profiles": [
        {"name": "p", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret"}]}));
    let err = chain_client(
        &emu,
        vars(&home, &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")]),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert!(
        err.message().contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        "{err}"
    );
}

#[test]
fn oidc_environment_alone_reads_and_trims_the_token_file() {
    let (emu, home) = (emulator(None), TempHome::new());
    register_oidc(&emu);
    let token_file = home.write("token", &format!("\n  {OIDC_TOKEN}\n\n"));
    let client = chain_client(
        &emu,
        vars(
            &home,
            &[
                ("ALIBABA_CLOUD_ROLE_ARN", DEMO_ROLE_ARN),
                ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER),
                (
                    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
                    token_file.to_str().unwrap(),
                ),
            ],
        ),
    )
    .unwrap();
    reset(&client).unwrap();
    assert!(is_sts_key(&last_key(&emu)));
    assert_eq!(emu.sts_stats().assume_role_with_oidc, 1);
}

#[test]
fn oidc_environment_half_set_is_an_error_naming_what_is_missing() {
    let (emu, home) = (emulator(None), TempHome::new());
    let err = chain_client(
        &emu,
        vars(&home, &[("ALIBABA_CLOUD_ROLE_ARN", DEMO_ROLE_ARN)]),
    )
    .unwrap_err();
    assert!(
        err.message()
            .contains("ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE"),
        "{err}"
    );
}

#[test]
fn sts_refusing_names_the_source_and_keeps_the_code() {
    let (emu, home) = (emulator(None), TempHome::new());
    register_oidc(&emu);
    let token_file = home.write("token", "not-the-token");
    let client = chain_client(
        &emu,
        vars(
            &home,
            &[
                ("ALIBABA_CLOUD_ROLE_ARN", DEMO_ROLE_ARN),
                ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER),
                (
                    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
                    token_file.to_str().unwrap(),
                ),
            ],
        ),
    )
    .unwrap();
    let err = reset(&client).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert_eq!(err.code(), Some("AuthenticationFail.OIDCToken.Invalid"));
    assert!(err.message().contains("STS AssumeRoleWithOIDC"), "{err}");
    assert!(!err.to_string().contains("not-the-token"));
    assert_eq!(emu.stats().requests, 0, "CloudSSO was never called");
}

#[test]
fn ecs_instance_role_alone_with_imdsv2() {
    let (emu, home) = (emulator(None), TempHome::new());
    admin(
        &emu,
        "/_emulator/metadata",
        json!({"role_name": "EcsRole", "require_token": true}),
    );
    let client = chain_client(
        &emu,
        vars(&home, &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false")]),
    )
    .unwrap();
    reset(&client).unwrap();
    reset(&client).unwrap();
    assert!(is_sts_key(&last_key(&emu)));
    let stats = emu.sts_stats();
    assert_eq!(stats.metadata_credentials, 1, "cached between calls");
    assert_eq!(stats.metadata_tokens, 1);
}

#[test]
fn unreachable_metadata_service_falls_through_to_the_credentials_uri() {
    let (emu, home) = (emulator(None), TempHome::new());
    // A loopback port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let uri = emu.credentials_uri();
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .ecs_metadata_endpoint(closed_url)
        .credentials_environment(Environment::from_vars(vars(
            &home,
            &[
                ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false"),
                ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri),
            ],
        )))
        .build()
        .unwrap();
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().credentials_uri, 1);
    assert!(is_sts_key(&last_key(&emu)));
}

#[test]
fn nothing_found_lists_every_source_and_why_in_order() {
    let (emu, home) = (emulator(None), TempHome::new());
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    let message = err.message();
    let expected = [
        "1. explicit keys (none given to the client)",
        "2. environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set)",
        "3. OIDC (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set)",
        "4. aliyun CLI config (",
        "5. credentials file (",
        "6. ECS instance role (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)",
        "7. credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI is not set)",
    ];
    let mut at = 0;
    for part in expected {
        let found = message[at..]
            .find(part)
            .unwrap_or_else(|| panic!("{part:?} missing or out of order in {message}"));
        at += found + part.len();
    }
    assert!(message.contains("config.json (no such file)"), "{message}");
    assert_eq!(emu.stats().requests, 0);
}

#[test]
fn nothing_found_names_no_secret() {
    let (emu, home) = (emulator(None), TempHome::new());
    // A config whose profiles hold secrets but none is current.
    home.config_json(json!({"profiles": [
        {"name": "p", "mode": "AK", "access_key_id": "AKID-visible", "access_key_secret": "hidden-secret-1"}]}));
    home.ini(
        "[other]\ntype = access_key\naccess_key_id = x\naccess_key_secret = hidden-secret-2\n",
    );
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("names no current profile"), "{text}");
    assert!(text.contains("has no [default] section"), "{text}");
    assert!(!text.contains("hidden-secret"), "{text}");
}

// ---- config.json modes ----

fn profile_client(emu: &Emulator, home: &TempHome, profile: serde_json::Value) -> Client {
    let name = profile["name"].as_str().unwrap().to_string();
    home.config_json(json!({"current": name, "profiles": [profile]}));
    chain_client(emu, vars(home, &[])).unwrap()
}

#[test]
fn config_mode_ak() {
    let (emu, home) = (emulator(None), TempHome::new());
    add_key(&emu, "cli-ak", "cli-secret", None);
    let client = profile_client(
        &emu,
        &home,
        json!({"name": "default", "mode": "AK", "access_key_id": "cli-ak",
               "access_key_secret": "cli-secret", "region_id": "cn-hangzhou"}),
    );
    reset(&client).unwrap();
    assert_eq!(last_key(&emu), "cli-ak");
}

#[test]
fn config_mode_sts_token() {
    let (emu, home) = (emulator(None), TempHome::new());
    add_key(&emu, "STS.cli", "cli-secret", Some("cli-token"));
    let client = profile_client(
        &emu,
        &home,
        json!({"name": "sts", "mode": "StsToken", "access_key_id": "STS.cli",
               "access_key_secret": "cli-secret", "sts_token": "cli-token"}),
    );
    reset(&client).unwrap();
    assert_eq!(last_key(&emu), "STS.cli");
}

#[test]
fn config_mode_ram_role_arn_honours_external_id_duration_and_session_name() {
    let (emu, home) = (emulator(None), TempHome::new());
    admin(
        &emu,
        "/_emulator/sts/roles",
        json!({"role_arn": "acs:ram::1234567890123456:role/ext", "external_id": "abc-123",
               "max_session_duration": 7200}),
    );
    let client = profile_client(
        &emu,
        &home,
        json!({"name": "role", "mode": "RamRoleArn", "access_key_id": "testid",
               "access_key_secret": "testsecret", "ram_role_arn": "acs:ram::1234567890123456:role/ext",
               "ram_session_name": "admin-session", "external_id": "abc-123", "expired_seconds": 7200}),
    );
    reset(&client).unwrap();
    assert!(is_sts_key(&last_key(&emu)));
    assert_eq!(emu.sts_stats().assume_role, 1);
    // Without the external id the role refuses.
    let home2 = TempHome::new();
    let client = profile_client(
        &emu,
        &home2,
        json!({"name": "role", "mode": "RamRoleArn", "access_key_id": "testid",
               "access_key_secret": "testsecret", "ram_role_arn": "acs:ram::1234567890123456:role/ext"}),
    );
    let err = reset(&client).unwrap_err();
    assert_eq!(err.code(), Some("NoPermission"));
    assert!(err.message().contains("STS AssumeRole"), "{err}");
}

#[test]
fn config_mode_ecs_ram_role() {
    let (emu, home) = (emulator(None), TempHome::new());
    home.config_json(json!({"current": "ecs", "profiles": [
        {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "cloudsso-ecs-role"}]}));
    let client = chain_client(
        &emu,
        vars(&home, &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false")]),
    )
    .unwrap();
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().metadata_credentials, 1);
    // With the metadata service switched off, the profile is an error, not a fall-through.
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    assert!(
        err.message()
            .contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"),
        "{err}"
    );
}

#[test]
fn config_mode_oidc() {
    let (emu, home) = (emulator(None), TempHome::new());
    register_oidc(&emu);
    let token_file = home.write("oidc-token", OIDC_TOKEN);
    let client = profile_client(
        &emu,
        &home,
        json!({"name": "oidc", "mode": "OIDC", "ram_role_arn": DEMO_ROLE_ARN,
               "oidc_provider_arn": OIDC_PROVIDER, "oidc_token_file": token_file}),
    );
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().assume_role_with_oidc, 1);
}

#[test]
fn config_mode_chainable_ram_role_arn_uses_the_source_profiles_credentials() {
    let (emu, home) = (emulator(None), TempHome::new());
    admin(
        &emu,
        "/_emulator/sts/roles",
        json!({"role_arn": "acs:ram::1234567890123456:role/second"}),
    );
    home.config_json(json!({"current": "chained", "profiles": [
        {"name": "base", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret"},
        {"name": "first", "mode": "ChainableRamRoleArn", "source_profile": "base",
         "ram_role_arn": DEMO_ROLE_ARN},
        {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "first",
         "ram_role_arn": "acs:ram::1234567890123456:role/second"}]}));
    let client = chain_client(&emu, vars(&home, &[])).unwrap();
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().assume_role, 2, "base -> first -> chained");
    // A loop of source profiles is an error, found before any call.
    home.config_json(json!({"current": "a", "profiles": [
        {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": DEMO_ROLE_ARN},
        {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": DEMO_ROLE_ARN}]}));
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    assert!(err.message().contains("a loop?"), "{err}");
}

#[test]
fn config_mode_credentials_uri() {
    let (emu, home) = (emulator(None), TempHome::new());
    let client = profile_client(
        &emu,
        &home,
        json!({"name": "uri", "mode": "CredentialsURI", "credentials_uri": emu.credentials_uri()}),
    );
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().credentials_uri, 1);
}

#[test]
fn config_unsupported_mode_is_an_error_naming_it() {
    let (emu, home) = (emulator(None), TempHome::new());
    home.config_json(json!({"current": "rsa", "profiles": [
        {"name": "rsa", "mode": "RsaKeyPair", "private_key": "-----BEGIN hidden-key"}]}));
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert!(
        err.message()
            .contains("mode \"RsaKeyPair\" is not supported"),
        "{err}"
    );
    assert!(!err.message().contains("hidden-key"));
}

#[test]
fn config_file_that_does_not_parse_stops_the_chain() {
    let (emu, home) = (emulator(None), TempHome::new());
    home.write(
        ".aliyun/config.json",
        "{\"current\": \"x\", \"profiles\": [",
    );
    home.ini(
        "[default]\ntype = access_key\naccess_key_id = testid\naccess_key_secret = testsecret\n",
    );
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    assert!(err.message().contains("not valid JSON"), "{err}");
}

// ---- credentials.ini types ----

fn ini_client(emu: &Emulator, home: &TempHome, section: &str, extra: &[(&str, &str)]) -> Client {
    home.ini(section);
    chain_client(emu, vars(home, extra)).unwrap()
}

#[test]
fn ini_type_access_key() {
    let (emu, home) = (emulator(None), TempHome::new());
    add_key(&emu, "ini-ak", "ini-secret", None);
    let client = ini_client(
        &emu,
        &home,
        "# mine\n[default]\nenable = true\ntype = access_key\naccess_key_id = ini-ak\naccess_key_secret = ini-secret\n",
        &[],
    );
    reset(&client).unwrap();
    assert_eq!(last_key(&emu), "ini-ak");
}

#[test]
fn ini_type_ram_role_arn() {
    let (emu, home) = (emulator(None), TempHome::new());
    let client = ini_client(
        &emu,
        &home,
        &format!(
            "[default]\ntype = ram_role_arn\naccess_key_id = testid\naccess_key_secret = testsecret\nrole_arn = {DEMO_ROLE_ARN}\nrole_session_name = ini-session\n"
        ),
        &[],
    );
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().assume_role, 1);
}

#[test]
fn ini_type_oidc_role_arn() {
    let (emu, home) = (emulator(None), TempHome::new());
    register_oidc(&emu);
    let token_file = home.write("t", OIDC_TOKEN);
    let client = ini_client(
        &emu,
        &home,
        &format!(
            "[default]\ntype = oidc_role_arn\nrole_arn = {DEMO_ROLE_ARN}\noidc_provider_arn = {OIDC_PROVIDER}\noidc_token_file_path = {}\n",
            token_file.display()
        ),
        &[],
    );
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().assume_role_with_oidc, 1);
}

#[test]
fn ini_type_ecs_ram_role() {
    let (emu, home) = (emulator(None), TempHome::new());
    let client = ini_client(
        &emu,
        &home,
        "[default]\ntype = ecs_ram_role\nrole_name = cloudsso-ecs-role\n",
        &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false")],
    );
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().metadata_credentials, 1);
}

#[test]
fn ini_unsupported_type_and_missing_key_are_errors() {
    let (emu, home) = (emulator(None), TempHome::new());
    home.ini("[default]\ntype = rsa_key_pair\n");
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    assert!(
        err.message()
            .contains("type \"rsa_key_pair\" is not supported"),
        "{err}"
    );
    home.ini("[default]\ntype = access_key\naccess_key_id = x\n");
    let err = chain_client(&emu, vars(&home, &[])).unwrap_err();
    assert!(
        err.message().contains("access_key_secret is missing"),
        "{err}"
    );
}

// ---- precedence ----

#[test]
fn precedence_environment_then_config_json_then_ini() {
    let (emu, home) = (emulator(None), TempHome::new());
    add_key(&emu, "from-cli", "s1", None);
    add_key(&emu, "from-ini", "s2", None);
    home.config_json(json!({"current": "c", "profiles": [
        {"name": "c", "mode": "AK", "access_key_id": "from-cli", "access_key_secret": "s1"}]}));
    home.ini("[default]\ntype = access_key\naccess_key_id = from-ini\naccess_key_secret = s2\n");
    let env_keys = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
    ];
    reset(&chain_client(&emu, vars(&home, &env_keys)).unwrap()).unwrap();
    assert_eq!(last_key(&emu), "testid");
    reset(&chain_client(&emu, vars(&home, &[])).unwrap()).unwrap();
    assert_eq!(last_key(&emu), "from-cli");
    let disabled = [("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")];
    reset(&chain_client(&emu, vars(&home, &disabled)).unwrap()).unwrap();
    assert_eq!(last_key(&emu), "from-ini");
    // Explicit keys beat everything.
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .access_key("testid", "testsecret")
        .credentials_environment(Environment::from_vars(vars(&home, &[])))
        .build()
        .unwrap();
    reset(&client).unwrap();
    assert_eq!(last_key(&emu), "testid");
}

#[test]
fn named_profiles_come_from_config_json_else_ini_else_fail() {
    let (emu, home) = (emulator(None), TempHome::new());
    add_key(&emu, "cli-prod", "s1", None);
    add_key(&emu, "ini-staging", "s2", None);
    home.config_json(json!({"current": "dev", "profiles": [
        {"name": "dev", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret"},
        {"name": "prod", "mode": "AK", "access_key_id": "cli-prod", "access_key_secret": "s1"}]}));
    home.ini("[staging]\ntype = access_key\naccess_key_id = ini-staging\naccess_key_secret = s2\n");
    let by_env = |name: &str| vars(&home, &[("ALIBABA_CLOUD_PROFILE", name)]);
    reset(&chain_client(&emu, by_env("prod")).unwrap()).unwrap();
    assert_eq!(last_key(&emu), "cli-prod");
    reset(&chain_client(&emu, by_env("staging")).unwrap()).unwrap();
    assert_eq!(last_key(&emu), "ini-staging");
    let err = chain_client(&emu, by_env("nowhere")).unwrap_err();
    assert!(
        err.message()
            .contains("profile \"nowhere\" (from ALIBABA_CLOUD_PROFILE) exists in neither"),
        "{err}"
    );
    // The profile option beats the environment's keys and ALIBABA_CLOUD_PROFILE.
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .profile("staging")
        .credentials_environment(Environment::from_vars(vars(
            &home,
            &[
                ("ALIBABA_CLOUD_PROFILE", "prod"),
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
            ],
        )))
        .build()
        .unwrap();
    reset(&client).unwrap();
    assert_eq!(last_key(&emu), "ini-staging");
    let err = Client::builder()
        .endpoint(emu.endpoint())
        .profile("missing")
        .credentials_environment(Environment::from_vars(vars(&home, &[])))
        .build()
        .unwrap_err();
    assert!(
        err.message().contains("from the client's profile option"),
        "{err}"
    );
}

#[test]
fn explicit_config_file_paths_win_over_home_and_must_exist() {
    let (emu, home) = (emulator(None), TempHome::new());
    let elsewhere = home.write(
        "elsewhere.json",
        &json!({"current": "x", "profiles": [
            {"name": "x", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret"}]})
        .to_string(),
    );
    let client = chain_client(
        &emu,
        vars(
            &home,
            &[("ALIBABA_CLOUD_CONFIG_FILE", elsewhere.to_str().unwrap())],
        ),
    )
    .unwrap();
    reset(&client).unwrap();
    let missing = home.0.join("missing.ini");
    let err = chain_client(
        &emu,
        vars(
            &home,
            &[("ALIBABA_CLOUD_CREDENTIALS_FILE", missing.to_str().unwrap())],
        ),
    )
    .unwrap_err();
    assert!(err.message().contains("cannot be read"), "{err}");
}

// ---- refresh ----

/// A RamRoleArn profile whose sessions last 900 s (STS's minimum).
fn short_role_client(emu: &Emulator, home: &TempHome) -> Client {
    profile_client(
        emu,
        home,
        json!({"name": "role", "mode": "RamRoleArn", "access_key_id": "testid",
               "access_key_secret": "testsecret", "ram_role_arn": DEMO_ROLE_ARN,
               "expired_seconds": 900}),
    )
}

/// Gets the client a session that is already due for refresh but still valid: issued while
/// the emulator's clock is 840 s behind, it expires 60 s from now (inside the refresh-ahead
/// window). 840 s is within the 15 minutes of skew the signature check allows.
fn session_due_for_refresh(emu: &Emulator, client: &Client) -> String {
    emu.set_clock_offset(-840);
    reset(client).unwrap();
    emu.set_clock_offset(0);
    assert_eq!(emu.sts_stats().assume_role, 1);
    last_key(emu)
}

#[test]
fn sixteen_threads_share_exactly_one_refresh() {
    let (emu, home) = (emulator(None), TempHome::new());
    let client = short_role_client(&emu, &home);
    let first_key = session_due_for_refresh(&emu, &client);
    let barrier = Arc::new(Barrier::new(16));
    let keys = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (client, barrier, keys) = (client.clone(), barrier.clone(), keys.clone());
            std::thread::spawn(move || {
                barrier.wait();
                reset(&client).unwrap();
                keys.lock().unwrap().push(());
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(keys.lock().unwrap().len(), 16);
    assert_eq!(
        emu.sts_stats().assume_role,
        2,
        "exactly one STS call for the refresh"
    );
    let after: Vec<String> = emu
        .requests()
        .iter()
        .rev()
        .take(16)
        .filter_map(|r| r.access_key_id.clone())
        .collect();
    assert_eq!(after.len(), 16);
    assert!(
        after.iter().all(|k| *k == after[0] && *k != first_key),
        "all on the new session"
    );
    // The new session is fresh: no further STS call.
    reset(&client).unwrap();
    assert_eq!(emu.sts_stats().assume_role, 2);
}

/// Records `cloudsso` warnings, to see the failed refresh logged.
struct Warnings(Mutex<Vec<String>>);

impl log::Log for Warnings {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.level() <= log::Level::Warn && record.target().starts_with("cloudsso") {
            self.0.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

static WARNINGS: Warnings = Warnings(Mutex::new(Vec::new()));

#[test]
fn a_failed_refresh_keeps_the_still_valid_session_and_warns() {
    let _ = log::set_logger(&WARNINGS);
    log::set_max_level(log::LevelFilter::Warn);
    let (emu, home) = (emulator(None), TempHome::new());
    let client = short_role_client(&emu, &home);
    let first_key = session_due_for_refresh(&emu, &client);
    admin(
        &emu,
        "/_emulator/sts/faults",
        json!({"count": 1, "status": 503, "code": "ServiceUnavailable"}),
    );
    reset(&client).unwrap();
    assert_eq!(last_key(&emu), first_key, "the old session was used");
    assert_eq!(emu.sts_stats().errors.get("ServiceUnavailable"), Some(&1));
    let warnings = WARNINGS.0.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("refreshing credentials from RAM role")
                && w.contains("ServiceUnavailable")),
        "{warnings:?}"
    );
    assert!(warnings.iter().all(|w| !w.contains("testsecret")));
}

#[test]
fn sessions_the_service_no_longer_accepts_are_refused_by_cloudsso() {
    let (emu, home) = (emulator(None), TempHome::new());
    let client = short_role_client(&emu, &home);
    reset(&client).unwrap();
    // 901 s later on the service's clock the session has expired there; the client's own
    // clock says otherwise, so it sends the old keys and the service refuses them.
    emu.set_clock_offset(901);
    let err = reset(&client).unwrap_err();
    assert_eq!(err.code(), Some("InvalidSecurityToken.Expired"));
}
