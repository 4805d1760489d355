//! `cloudsso reset-user-password`: one call, printed for people or for scripts.

use crate::args::{Output, ResetArgs};
use crate::{exit, logger};
use cloudsso::{Client, Error, Network, ResetUserPasswordRequest, SignatureVersion};
use cloudsso_emulator::{Emulator, EmulatorConfig};
use serde_json::json;
use std::io::Read;
use std::time::Duration;
use zeroize::Zeroizing;

pub fn run(args: ResetArgs) -> u8 {
    if args.verbose {
        logger::enable();
    }
    let output = args.output;
    match call(args) {
        Ok(()) => 0,
        Err(Failure::Call(error)) => {
            report(&error, output);
            exit::for_kind(error.kind())
        }
        Err(Failure::Local(message)) => {
            eprintln!("cloudsso: {message}");
            exit::LOCAL_IO
        }
    }
}

enum Failure {
    Call(Error),
    Local(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Call(error)
    }
}

fn call(args: ResetArgs) -> Result<(), Failure> {
    // Read the password first, so a bad stdin fails before anything else happens.
    let password = if args.password_stdin {
        Some(read_password_stdin()?)
    } else {
        None
    };
    // The in-process emulator lives until the call is done.
    let emulator = if args.emulator {
        Some(
            Emulator::start(EmulatorConfig::default())
                .map_err(|e| Failure::Local(format!("cannot start the emulator: {e}")))?,
        )
    } else {
        None
    };
    let mut builder = Client::builder();
    let (mut directory_id, mut user_id) = (args.directory_id, args.user_id);
    if let Some(emulator) = &emulator {
        let demo = emulator.demo();
        builder = builder
            .endpoint(emulator.endpoint())
            .access_key(&demo.access_key_id, &demo.access_key_secret);
        directory_id.get_or_insert_with(|| demo.directory_id.clone());
        user_id.get_or_insert_with(|| demo.user_id.clone());
    }
    if let Some(endpoint) = args.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if let Some(region) = args.region {
        builder = builder.region(region);
    }
    if args.vpc {
        builder = builder.network(Network::Vpc);
    }
    if let Some(name) = args.signature_version {
        let version = SignatureVersion::parse(&name).ok_or_else(|| {
            Failure::Local(format!(
                "--signature-version must be v1 or v3, got {name:?}"
            ))
        })?;
        builder = builder.signature_version(version);
    }
    if let Some(n) = args.max_attempts {
        builder = builder.max_attempts(n);
    }
    if let Some(ms) = args.connect_timeout_ms {
        builder = builder.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = args.read_timeout_ms {
        builder = builder.read_timeout(Duration::from_millis(ms));
    }
    if let Some(n) = args.rate_limit {
        builder = builder.rate_limit_per_second(n);
    }
    let client = builder
        .allow_insecure_http(args.allow_insecure_http)
        .user_agent(concat!("cloudsso-cli/", env!("CARGO_PKG_VERSION")))
        .build()?;

    let mut request = ResetUserPasswordRequest::new(
        directory_id.unwrap_or_default(),
        user_id.unwrap_or_default(),
    );
    if let Some(password) = password {
        request = request.password(password.as_str());
    }
    if args.generate_random_password {
        request = request.generate_random_password(true);
    }
    if args.require_password_reset_for_next_login {
        request = request.require_password_reset_for_next_login(true);
    }
    let response = client.reset_user_password(&request)?;
    match args.output {
        Output::Json => {
            let mut out = serde_json::Map::new();
            if let Some(p) = response.new_password() {
                out.insert("NewPassword".into(), json!(p));
            }
            out.insert("RequestId".into(), json!(response.request_id()));
            println!("{}", serde_json::Value::Object(out));
        }
        Output::Text => {
            if let Some(p) = response.new_password() {
                println!("NewPassword: {p}");
            }
            println!("RequestId: {}", response.request_id());
        }
    }
    Ok(())
}

/// The whole of stdin, minus exactly one trailing `\n`.
fn read_password_stdin() -> Result<Zeroizing<String>, Failure> {
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Local(format!("cannot read the password from stdin: {e}")))?;
    if text.ends_with('\n') {
        text.pop();
    }
    Ok(text)
}

/// Prints a failed call on stderr: plain text, or one JSON object.
fn report(error: &Error, output: Output) {
    match output {
        Output::Text if error.kind() == cloudsso::ErrorKind::Credentials => eprintln!(
            "cloudsso: {error}. To try the command without a cloud account, add --emulator."
        ),
        Output::Text => eprintln!("cloudsso: {error}"),
        Output::Json => {
            let out = json!({
                "Kind": error.kind().as_str(),
                "Code": error.code(),
                "Message": error.message(),
                "Description": error.to_string(),
                "RequestId": error.request_id(),
                "HttpStatus": error.http_status(),
                "HostId": error.host_id(),
                "Recommend": error.recommend(),
                "Field": error.field(),
                "Attempts": error.attempts(),
                "OutcomeUnknown": error.is_outcome_unknown(),
            });
            eprintln!("{out}");
        }
    }
}
