//! `cloudsso reset-user-password`: one call, printed for people or for scripts.

use crate::client_options::ClientOptions;
use crate::refuse::Refuse;
use crate::{exit, logger, output, password_stdin, terminal};
use cloudsso::{Client, Error, ResetUserPasswordRequest};
use cloudsso_emulator::{Emulator, EmulatorConfig};
use std::process::ExitCode;

/// How results and errors are printed.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    // `Key: value` lines (plain comments: doc comments would give clap's long help layout).
    Text,
    // One JSON object with the service's field names.
    Json,
}

const AFTER_HELP: &str = "\
Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID, _SECRET and
_SECURITY_TOKEN, OIDC, the aliyun CLI's config.json, the credentials file, ECS instance
metadata, a credentials URI: see the README), or the emulator's demo keys with --emulator.

Output: on success, NewPassword (only when generated) and RequestId on stdout. On failure,
the error on stderr (with --output json: {\"Code\",\"Message\",\"RequestId\",\"HttpStatus\",...}).

Exit codes:
  0  success
  1  any other failure (an error kind newer than this list)
  2  usage error (unknown option, missing or bad option value)
  3  validation error (bad input, an empty --password-stdin included; nothing was sent)
  4  credentials error (no usable access key; nothing was sent)
  5  service error (the service refused the call)
  6  throttled (the service's rate limit)
  7  timeout
  8  transport error (connection refused, reset, TLS, redirect)
  9  decode error (an unreadable answer)
  10 I/O error of this program (stdin, emulator start, writing the result: the password
     was changed all the same, as stderr says)";

/// Reset one user's password.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct ResetArgs {
    /// The directory (d-...); with --emulator, defaults to the demo directory
    #[arg(long, value_name = "ID")]
    directory_id: Option<String>,
    /// The user (u-...); with --emulator, defaults to the demo user
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// Let the service choose the password; it is printed on stdout
    #[arg(long, conflicts_with = "password_stdin")]
    generate_random_password: bool,
    /// Read the new password from stdin (one trailing \n or \r\n is removed);
    /// there is no --password, as a command line shows in the process list
    #[arg(long)]
    password_stdin: bool,
    /// Make the user change the password at the next logon
    #[arg(long)]
    require_password_reset_for_next_login: bool,
    /// Output format: `Key: value` lines, or one JSON object with the service's field names
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Output::Text)]
    output: Output,
    /// Run against an emulator started inside this process, with its demo directory,
    /// user and keys: no cloud account needed
    #[arg(long, conflicts_with_all = ["endpoint", "region"])]
    emulator: bool,
    /// Use the VPC endpoint of the region (the same as --network vpc)
    #[arg(long, conflicts_with = "network")]
    vpc: bool,
    /// Log each attempt on stderr (never secrets)
    #[arg(short, long)]
    verbose: bool,
    /// Refused with a pointer to --password-stdin.
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "",
          value_parser = Refuse("--password is not accepted (it would show in the process list); use --password-stdin"))]
    password: Option<String>,
    #[command(flatten)]
    client: ClientOptions,
}

pub fn run(args: ResetArgs) -> ExitCode {
    if args.verbose {
        logger::enable();
    }
    let output = args.output;
    ExitCode::from(match call(args) {
        Ok(()) => 0,
        Err(Failure::Call(error)) => {
            output::report(&error, output);
            exit::for_kind(error.kind())
        }
        Err(Failure::Input(message)) => {
            terminal::stderr_line(&format!("cloudsso: {}", terminal::visible(&message)));
            exit::INPUT
        }
        Err(Failure::Local(message)) => {
            terminal::stderr_line(&format!("cloudsso: {}", terminal::visible(&message)));
            exit::LOCAL_IO
        }
    })
}

enum Failure {
    Call(Error),
    /// Bad input found before the client was built (exit 3, like a validation error).
    Input(String),
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
        Some(password_stdin::read(std::io::stdin().lock()).map_err(Failure::Input)?)
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
    let mut builder =
        Client::builder().user_agent(concat!("cloudsso-cli/", env!("CARGO_PKG_VERSION")));
    let (mut directory_id, mut user_id) = (args.directory_id, args.user_id);
    if let Some(emulator) = &emulator {
        let demo = emulator.demo();
        builder = builder
            .endpoint(emulator.endpoint())
            .access_key(&demo.access_key_id, &demo.access_key_secret);
        directory_id.get_or_insert_with(|| demo.directory_id.clone());
        user_id.get_or_insert_with(|| demo.user_id.clone());
    }
    if args.vpc {
        builder = builder.option("network", "vpc")?;
    }
    // Every other client option comes from the core's table, forwarded as given.
    builder = args.client.apply(builder)?;
    let client = builder.build()?;

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
    output::result(&response, args.output)
        .map_err(|why| Failure::Local(output::unprinted(&response, &why)))
}
