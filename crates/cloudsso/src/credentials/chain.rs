//! The default chain: which source's credentials a client uses when it is given none.
//!
//! Steps 2 to 5 (environment, OIDC variables, config.json, credentials.ini) are local and are
//! settled when the client is built, so a broken file or half a key pair is reported before any
//! network I/O. Steps 6 and 7 (the ECS metadata service, the credentials URI) need the network
//! and are settled at the first call: an unreachable metadata service means "not on ECS" and
//! the chain moves on to the URI. When nothing is found, the error lists every source and why
//! it was skipped.

use super::cache::{Fetch, Refreshing};
use super::credentials_uri::{ENV_CREDENTIALS_URI, UriSource};
use super::ecs_metadata::{ENV_ECS_METADATA_DISABLED, EcsSource, Failure};
use super::{
    Credentials, CredentialsProvider, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, Environment,
    cli_config, env, ini, oidc, profile,
};
use crate::error::Error;
use crate::signing::SignatureVersion;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The profile (config.json profile, else credentials.ini section) to use.
pub(crate) const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";

/// What the default chain reads and how its network calls behave. The client builder fills it
/// from its own options; [`ChainSettings::default`] reads the process environment.
#[derive(Clone)]
pub struct ChainSettings {
    pub(crate) env: Environment,
    pub(crate) profile: Option<String>,
    pub(crate) sts_endpoint: Option<String>,
    pub(crate) ecs_metadata_endpoint: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) extra_roots_der: Vec<Vec<u8>>,
    pub(crate) signature_version: SignatureVersion,
}

impl Default for ChainSettings {
    fn default() -> Self {
        ChainSettings {
            env: Environment::process(),
            profile: None,
            sts_endpoint: None,
            ecs_metadata_endpoint: None,
            connect_timeout: crate::client::DEFAULT_CONNECT_TIMEOUT,
            read_timeout: crate::client::DEFAULT_READ_TIMEOUT,
            user_agent: crate::client::USER_AGENT.to_string(),
            extra_roots_der: Vec::new(),
            signature_version: SignatureVersion::V1,
        }
    }
}

impl fmt::Debug for ChainSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainSettings")
            .field("env", &self.env)
            .field("profile", &self.profile)
            .field("sts_endpoint", &self.sts_endpoint)
            .field("ecs_metadata_endpoint", &self.ecs_metadata_endpoint)
            .finish_non_exhaustive()
    }
}

impl ChainSettings {
    /// The variables the chain reads (default: the process environment).
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = env;
        self
    }

    /// Uses this profile of config.json (else this section of credentials.ini) and nothing
    /// else: an explicit profile skips the environment and OIDC steps, and a profile that
    /// exists in neither file is an error.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into()).filter(|n: &String| !n.is_empty());
        self
    }

    /// The STS endpoint (a host meaning https, or a full URL); above
    /// `ALIBABA_CLOUD_STS_ENDPOINT`.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The ECS metadata service's base URL (default `http://100.100.100.200`); above
    /// `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`.
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_metadata_endpoint = Some(endpoint.into());
        self
    }

    /// Connection settings shared with the client.
    pub(crate) fn connection(
        mut self,
        connect_timeout: Duration,
        read_timeout: Duration,
        user_agent: String,
        extra_roots_der: Vec<Vec<u8>>,
        signature_version: SignatureVersion,
    ) -> Self {
        self.connect_timeout = connect_timeout;
        self.read_timeout = read_timeout;
        self.user_agent = user_agent;
        self.extra_roots_der = extra_roots_der;
        self.signature_version = signature_version;
        self
    }
}

/// Runs the chain's local steps and returns the provider to use (see the module docs).
pub fn resolve(settings: &ChainSettings) -> Result<Arc<dyn CredentialsProvider>, Error> {
    let mut skipped = vec!["explicit keys (none given to the client)".to_string()];
    if let Some(name) = &settings.profile {
        return named_profile(settings, name, "the client's profile option");
    }
    match env::read(&settings.env)? {
        Some(credentials) => return Ok(profile::fixed(credentials)),
        None => skipped.push(format!(
            "environment ({ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} are not set)"
        )),
    }
    match oidc::from_env(settings)? {
        Some(source) => return Ok(profile::refreshing(source)),
        None => skipped.push(format!(
            "OIDC ({}, {} and {} are not set)",
            oidc::ENV_ROLE_ARN,
            oidc::ENV_OIDC_PROVIDER_ARN,
            oidc::ENV_OIDC_TOKEN_FILE
        )),
    }
    if let Some(name) = settings.env.get(ENV_PROFILE) {
        return named_profile(settings, &name, ENV_PROFILE);
    }
    if let Some(provider) = current_profiles(settings, &mut skipped)? {
        return Ok(provider);
    }
    let ecs = if settings.env.is_true(ENV_ECS_METADATA_DISABLED) {
        skipped.push(format!(
            "ECS instance role ({ENV_ECS_METADATA_DISABLED}=true)"
        ));
        None
    } else {
        Some(EcsSource::new(settings, None))
    };
    let uri = match settings.env.get(ENV_CREDENTIALS_URI) {
        Some(uri) => Some(UriSource::new(settings, uri, ENV_CREDENTIALS_URI)?),
        None => None,
    };
    if ecs.is_none() && uri.is_none() {
        skipped.push(format!(
            "credentials URI ({ENV_CREDENTIALS_URI} is not set)"
        ));
        return Err(nothing_found(&skipped));
    }
    Ok(Arc::new(NetworkSteps {
        ecs,
        uri,
        skipped,
        chosen: Mutex::new(None),
    }))
}

/// The error when every source was skipped; names sources and reasons, never a value.
fn nothing_found(skipped: &[String]) -> Error {
    Error::credentials(format!(
        "no credentials found; sources tried in order: {}",
        skipped
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {s}", i + 1))
            .collect::<Vec<_>>()
            .join("; ")
    ))
}

/// A profile asked for by name: config.json's, else credentials.ini's section, else an error.
fn named_profile(
    settings: &ChainSettings,
    name: &str,
    origin: &str,
) -> Result<Arc<dyn CredentialsProvider>, Error> {
    let cli_disabled = settings.env.is_true(cli_config::ENV_CLI_PROFILE_DISABLED);
    let cli = if cli_disabled {
        None
    } else {
        cli_config::load(settings)?
    };
    if let Some(cli) = cli.as_ref().filter(|c| c.has(name)) {
        return cli.provider(settings, name);
    }
    let ini = ini::load(settings)?;
    if let Some(ini) = ini.as_ref().filter(|i| i.has(name)) {
        return ini.provider(settings, name);
    }
    let where_cli = match (&cli, cli_disabled) {
        (_, true) => format!(
            "config.json ({}=true)",
            cli_config::ENV_CLI_PROFILE_DISABLED
        ),
        (Some(cli), _) => cli.path().display().to_string(),
        (None, _) => describe_missing(cli_config::path(settings), "config.json"),
    };
    let where_ini = match &ini {
        Some(ini) => ini.path().display().to_string(),
        None => describe_missing(ini::path(settings), "credentials.ini"),
    };
    Err(Error::credentials(format!(
        "profile \"{}\" (from {origin}) exists in neither {where_cli} nor {where_ini}",
        name.escape_debug()
    )))
}

fn describe_missing(path: Option<(std::path::PathBuf, bool)>, what: &str) -> String {
    match path {
        Some((p, _)) => format!("{} (no such file)", p.display()),
        None => format!("{what} (no home directory)"),
    }
}

/// Steps 4 and 5 without a profile name: config.json's `current`, else the INI `default`.
fn current_profiles(
    settings: &ChainSettings,
    skipped: &mut Vec<String>,
) -> Result<Option<Arc<dyn CredentialsProvider>>, Error> {
    if settings.env.is_true(cli_config::ENV_CLI_PROFILE_DISABLED) {
        skipped.push(format!(
            "aliyun CLI config ({}=true)",
            cli_config::ENV_CLI_PROFILE_DISABLED
        ));
    } else {
        match cli_config::load(settings)? {
            Some(cli) => match cli.current() {
                Some(current) => return cli.provider(settings, current).map(Some),
                None => skipped.push(format!(
                    "aliyun CLI config ({} names no current profile)",
                    cli.path().display()
                )),
            },
            None => skipped.push(format!(
                "aliyun CLI config ({})",
                describe_missing(cli_config::path(settings), "config.json")
            )),
        }
    }
    match ini::load(settings)? {
        Some(file) if file.has("default") && !file.is_disabled("default") => {
            return file.provider(settings, "default").map(Some);
        }
        Some(file) if file.has("default") => skipped.push(format!(
            "credentials file ({} [default] has enable = false)",
            file.path().display()
        )),
        Some(file) => skipped.push(format!(
            "credentials file ({} has no [default] section)",
            file.path().display()
        )),
        None => skipped.push(format!(
            "credentials file ({})",
            describe_missing(ini::path(settings), "credentials.ini")
        )),
    }
    Ok(None)
}

/// Steps 6 and 7, settled at the first call: the instance role if the metadata service
/// answers, else the credentials URI, else the "nothing found" error.
struct NetworkSteps {
    ecs: Option<EcsSource>,
    uri: Option<UriSource>,
    skipped: Vec<String>,
    chosen: Mutex<Option<Arc<dyn CredentialsProvider>>>,
}

impl fmt::Debug for NetworkSteps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkSteps")
            .field("ecs", &self.ecs.as_ref().map(EcsSource::base))
            .field("uri", &self.uri.is_some())
            .finish_non_exhaustive()
    }
}

/// A source whose first credentials are already in hand.
#[derive(Debug)]
struct Seeded<F> {
    first: Mutex<Option<Credentials>>,
    source: F,
}

impl<F: Fetch> Fetch for Seeded<F> {
    fn describe(&self) -> String {
        self.source.describe()
    }

    fn fetch(&self) -> Result<Credentials, Error> {
        let first = self.first.lock().unwrap_or_else(|p| p.into_inner()).take();
        match first {
            Some(credentials) => Ok(credentials),
            None => self.source.fetch(),
        }
    }
}

impl CredentialsProvider for NetworkSteps {
    fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        let mut chosen = self.chosen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(provider) = chosen.as_ref() {
            let provider = Arc::clone(provider);
            drop(chosen);
            return provider.credentials();
        }
        let mut skipped = self.skipped.clone();
        if let Some(ecs) = &self.ecs {
            match ecs.try_fetch() {
                Ok(first) => {
                    let provider: Arc<dyn CredentialsProvider> =
                        Arc::new(Refreshing::new(Seeded {
                            first: Mutex::new(Some(first)),
                            source: ecs.clone(),
                        }));
                    *chosen = Some(Arc::clone(&provider));
                    drop(chosen);
                    return provider.credentials();
                }
                Err(Failure::Refused(error)) => return Err(error),
                Err(Failure::Unreachable(why)) => skipped.push(format!(
                    "ECS instance role (the metadata service {} is unreachable: {why})",
                    ecs.base()
                )),
            }
        }
        match &self.uri {
            Some(uri) => {
                let provider: Arc<dyn CredentialsProvider> = Arc::new(Refreshing::new(uri.clone()));
                *chosen = Some(Arc::clone(&provider));
                drop(chosen);
                provider.credentials()
            }
            None => {
                skipped.push(format!(
                    "credentials URI ({ENV_CREDENTIALS_URI} is not set)"
                ));
                Err(nothing_found(&skipped))
            }
        }
    }
}
