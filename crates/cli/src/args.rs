//! Command-line parsing: small and explicit, so `--help` and errors read well.

use std::path::PathBuf;

/// What the user asked for.
#[derive(Debug)]
pub enum Command {
    /// `cloudsso reset-user-password ...`
    Reset(ResetArgs),
    /// `cloudsso emulator ...`
    Emulator(EmulatorArgs),
    /// `--help` (text already chosen).
    Help(&'static str),
    /// `--version`.
    Version,
}

/// How results and errors are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `Key: value` lines.
    Text,
    /// One JSON object with the service's field names.
    Json,
}

/// Options of `reset-user-password`.
#[derive(Debug)]
pub struct ResetArgs {
    pub directory_id: Option<String>,
    pub user_id: Option<String>,
    pub generate_random_password: bool,
    pub password_stdin: bool,
    pub require_password_reset_for_next_login: bool,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub vpc: bool,
    pub output: Output,
    pub emulator: bool,
    pub signature_version: Option<String>,
    pub max_attempts: Option<u32>,
    pub connect_timeout_ms: Option<u64>,
    pub read_timeout_ms: Option<u64>,
    pub rate_limit: Option<u32>,
    pub allow_insecure_http: bool,
    pub verbose: bool,
}

/// Options of `emulator`.
#[derive(Debug)]
pub struct EmulatorArgs {
    pub listen: String,
    pub state: Option<PathBuf>,
}

pub const MAIN_HELP: &str = "\
cloudsso: reset Alibaba Cloud CloudSSO user passwords, safely.

Usage:
  cloudsso reset-user-password --directory-id ID --user-id ID
      [--generate-random-password | --password-stdin] [--require-password-reset-for-next-login]
      [--region R | --endpoint URL] [--output json|text] [--emulator]
  cloudsso emulator [--listen 127.0.0.1:0] [--state FILE]
  cloudsso --version

Run `cloudsso reset-user-password --help` or `cloudsso emulator --help` for details.
";

pub const RESET_HELP: &str = "\
cloudsso reset-user-password: reset one user's password.

Options:
  --directory-id ID        the directory (d-...); with --emulator, defaults to the demo directory
  --user-id ID             the user (u-...); with --emulator, defaults to the demo user
  --generate-random-password
                           let the service choose the password; it is printed on stdout
  --password-stdin         read the new password from stdin (one trailing newline is removed)
  --require-password-reset-for-next-login
                           make the user change the password at the next logon
  --region R               region of the default endpoint (default cn-shanghai)
  --vpc                    use the VPC endpoint of the region
  --endpoint URL           explicit endpoint (bare host means https)
  --output json|text       output format (default text)
  --emulator               run against an emulator started inside this process, with its
                           demo directory, user and keys: no cloud account needed
  --signature-version v1|v3  (default v1)
  --max-attempts N         attempts including retries (default 3)
  --connect-timeout-ms N   (default 5000)
  --read-timeout-ms N      (default 10000)
  --rate-limit N           client-side calls per second, 0 = off (default 100)
  --allow-insecure-http    allow plain http to a non-loopback endpoint
  -v, --verbose            log each attempt on stderr (never secrets)

Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
ALIBABA_CLOUD_SECURITY_TOKEN (STS), or the emulator's demo keys with --emulator.

Output: on success, NewPassword (only when generated) and RequestId on stdout. On failure,
the error on stderr (with --output json: {\"Code\",\"Message\",\"RequestId\",\"HttpStatus\",...}).

Exit codes:
  0  success
  2  usage error (unknown option, missing value)
  3  validation error (bad input; nothing was sent)
  4  credentials error (no usable access key; nothing was sent)
  5  service error (the service refused the call)
  6  throttled (the service's rate limit)
  7  timeout
  8  transport error (connection refused, reset, TLS, redirect)
  9  decode error (an unreadable answer)
  10 I/O error of this program (stdin, emulator start)
";

pub const EMULATOR_HELP: &str = "\
cloudsso emulator: serve a local CloudSSO until stopped.

Options:
  --listen ADDR   address to listen on (default 127.0.0.1:0, a free port)
  --state FILE    JSON state file with directories, users and access keys

The first line on stdout is one JSON object:
  {\"endpoint\": ..., \"access_key_id\": ..., \"access_key_secret\": ..., \"directory_id\": ..., \"user_id\": ...}
";

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some((first, rest)) = args.split_first() else {
        return Ok(Command::Help(MAIN_HELP));
    };
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help(MAIN_HELP)),
        "-V" | "--version" => Ok(Command::Version),
        "reset-user-password" => parse_reset(rest),
        "emulator" => parse_emulator(rest),
        other => Err(format!("unknown command {other:?}; try --help")),
    }
}

/// Hands out the value following a flag.
struct Values<'a> {
    iter: std::slice::Iter<'a, String>,
}

impl Values<'_> {
    fn value(&mut self, flag: &str) -> Result<String, String> {
        self.iter
            .next()
            .cloned()
            .ok_or_else(|| format!("{flag} needs a value"))
    }

    fn number<T: std::str::FromStr>(&mut self, flag: &str) -> Result<T, String> {
        let v = self.value(flag)?;
        v.parse()
            .map_err(|_| format!("{flag} needs a whole number, got {v:?}"))
    }
}

fn parse_reset(args: &[String]) -> Result<Command, String> {
    let mut a = ResetArgs {
        directory_id: None,
        user_id: None,
        generate_random_password: false,
        password_stdin: false,
        require_password_reset_for_next_login: false,
        region: None,
        endpoint: None,
        vpc: false,
        output: Output::Text,
        emulator: false,
        signature_version: None,
        max_attempts: None,
        connect_timeout_ms: None,
        read_timeout_ms: None,
        rate_limit: None,
        allow_insecure_http: false,
        verbose: false,
    };
    let mut v = Values { iter: args.iter() };
    while let Some(flag) = v.iter.next() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help(RESET_HELP)),
            "--directory-id" => a.directory_id = Some(v.value(flag)?),
            "--user-id" => a.user_id = Some(v.value(flag)?),
            "--generate-random-password" => a.generate_random_password = true,
            "--password-stdin" => a.password_stdin = true,
            "--require-password-reset-for-next-login" => {
                a.require_password_reset_for_next_login = true
            }
            "--region" => a.region = Some(v.value(flag)?),
            "--endpoint" => a.endpoint = Some(v.value(flag)?),
            "--vpc" => a.vpc = true,
            "--output" => {
                a.output = match v.value(flag)?.as_str() {
                    "json" => Output::Json,
                    "text" => Output::Text,
                    other => return Err(format!("--output must be json or text, got {other:?}")),
                }
            }
            "--emulator" => a.emulator = true,
            "--signature-version" => a.signature_version = Some(v.value(flag)?),
            "--max-attempts" => a.max_attempts = Some(v.number(flag)?),
            "--connect-timeout-ms" => a.connect_timeout_ms = Some(v.number(flag)?),
            "--read-timeout-ms" => a.read_timeout_ms = Some(v.number(flag)?),
            "--rate-limit" => a.rate_limit = Some(v.number(flag)?),
            "--allow-insecure-http" => a.allow_insecure_http = true,
            "-v" | "--verbose" => a.verbose = true,
            "--password" => {
                return Err(
                    "--password is not accepted (it would show in the process list); use --password-stdin"
                        .into(),
                );
            }
            other => return Err(format!("unknown option {other:?}; try --help")),
        }
    }
    if a.generate_random_password && a.password_stdin {
        return Err("--generate-random-password and --password-stdin exclude each other".into());
    }
    if a.region.is_some() && a.endpoint.is_some() {
        return Err("--region and --endpoint exclude each other".into());
    }
    if a.emulator && (a.region.is_some() || a.endpoint.is_some()) {
        return Err("--emulator chooses the endpoint itself; drop --region/--endpoint".into());
    }
    Ok(Command::Reset(a))
}

fn parse_emulator(args: &[String]) -> Result<Command, String> {
    let mut a = EmulatorArgs {
        listen: "127.0.0.1:0".into(),
        state: None,
    };
    let mut v = Values { iter: args.iter() };
    while let Some(flag) = v.iter.next() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help(EMULATOR_HELP)),
            "--listen" => a.listen = v.value(flag)?,
            "--state" => a.state = Some(PathBuf::from(v.value(flag)?)),
            other => return Err(format!("unknown option {other:?}; try --help")),
        }
    }
    Ok(Command::Emulator(a))
}
