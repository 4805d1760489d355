//! The client: options, and the attempt loop that ties validation, signing,
//! transport, retries, the rate limit and clock-skew correction together.

use crate::credentials::{
    self, ChainSettings, Credentials, CredentialsProvider, Environment, StaticCredentials,
};
use crate::endpoint::{Endpoint, Network};
use crate::error::{Delivery, Error, ErrorKind};
use crate::model::{ResetUserPasswordRequest, ResetUserPasswordResponse};
use crate::rate_limit::RateLimiter;
use crate::response;
use crate::retry::{self, Decision, RetryBudget, RetryPolicy};
use crate::rpc;
use crate::secret::Secret;
use crate::signing::SignatureVersion;
use crate::transport::{Transport, TransportConfig};
use crate::wire;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// Default time allowed to connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time allowed for the answer.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole call, every attempt and wait included.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Default attempts per call, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Default client-side limit, the service's own per-account limit.
pub const DEFAULT_RATE_LIMIT_PER_SECOND: u32 = 100;
/// Default calls allowed at once after a pause.
pub const DEFAULT_RATE_LIMIT_BURST: u32 = 10;
/// Largest answer read.
pub const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;
/// Retry-budget capacity (tokens), as in the AWS standard retry mode.
pub const RETRY_BUDGET_TOKENS: u32 = 500;
/// Skew below which the clock is left alone.
const SKEW_TOLERANCE: Duration = Duration::from_secs(60);

/// The `User-Agent` prefix: this library and its version.
pub const USER_AGENT: &str = concat!("cloudsso-rust/", env!("CARGO_PKG_VERSION"));

/// A CloudSSO client. Cheap to clone: clones share the connection pool, the
/// rate limit, the retry budget and the measured clock skew. `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    transport: Transport,
    credentials: Arc<dyn CredentialsProvider>,
    signature_version: SignatureVersion,
    retry: RetryPolicy,
    budget: RetryBudget,
    limiter: Option<RateLimiter>,
    clock_offset_ms: AtomicI64,
    call_timeout: Duration,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The URL requests go to.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.url()
    }

    /// The clock correction learnt from the service, in milliseconds.
    pub fn clock_offset_ms(&self) -> i64 {
        self.inner.clock_offset_ms.load(Ordering::Relaxed)
    }

    /// Resets a user's password.
    ///
    /// The request is validated before any I/O. Transient failures are retried
    /// (each attempt signed afresh); when the service may have changed the
    /// password but no answer arrived, the error says the outcome is unknown.
    pub fn reset_user_password(
        &self,
        request: &ResetUserPasswordRequest,
    ) -> Result<ResetUserPasswordResponse, Error> {
        request.validate()?;
        let credentials = self.inner.credentials.credentials()?;
        let caller_chose_password = request.caller_password().is_some();
        let mut attempt = 0u32;
        let mut skew_corrected = false;
        let mut maybe_processed = false;
        let deadline = Instant::now() + self.inner.call_timeout;
        loop {
            attempt += 1;
            if let Some(limiter) = &self.inner.limiter {
                limiter.acquire();
            }
            let Some(budget) = deadline
                .checked_duration_since(Instant::now())
                .filter(|left| !left.is_zero())
            else {
                let mut error = Error::connection(
                    ErrorKind::Timeout,
                    format!(
                        "the call timeout ({} ms) ran out before attempt {attempt}",
                        self.inner.call_timeout.as_millis()
                    ),
                    Delivery::NotProcessed,
                );
                error.set_attempts(attempt - 1);
                if maybe_processed {
                    error.set_outcome_unknown();
                }
                return Err(error);
            };
            log::debug!(
                "ResetUserPassword {}/{} attempt {attempt} to {}",
                request.directory_id(),
                request.user_id(),
                self.endpoint()
            );
            let mut error = match self.attempt(request, &credentials, budget) {
                Ok(mut response) => {
                    // Before the request id reaches a log line or the caller.
                    response.scrub(&secrets(request, &credentials));
                    self.inner.budget.refill(if attempt > 1 { 5 } else { 1 });
                    log::info!(
                        "ResetUserPassword {}/{} succeeded, request id {}",
                        request.directory_id(),
                        request.user_id(),
                        response.request_id()
                    );
                    return Ok(response);
                }
                Err(error) => error,
            };
            scrub(&mut error, request, &credentials);
            maybe_processed |= error.delivery() == Delivery::MaybeProcessed;
            if error.code() == Some("InvalidTimeStamp.Expired")
                && let Some(skew_ms) = error.server_date().map(measure_skew_ms)
            {
                if !skew_corrected && skew_ms.unsigned_abs() > SKEW_TOLERANCE.as_millis() as u64 {
                    log::warn!(
                        "clock skew of {skew_ms} ms measured; retrying with a corrected timestamp"
                    );
                    self.inner
                        .clock_offset_ms
                        .fetch_add(skew_ms, Ordering::Relaxed);
                    skew_corrected = true;
                    continue;
                }
                error.set_clock_skew(Duration::from_millis(skew_ms.unsigned_abs()));
            }
            let counted = attempt - u32::from(skew_corrected);
            let decision = self
                .inner
                .retry
                .decide(&error, counted, caller_chose_password);
            if let (Decision::RetryAfter(delay), Some(_)) = (&decision, retry::reason(&error))
                && Instant::now() + *delay >= deadline
            {
                // Never wait past the call timeout: the last failure is the answer.
                log::warn!(
                    "ResetUserPassword attempt {attempt} failed ({}); not retried: waiting {} ms would pass the call timeout",
                    error.code().unwrap_or(error.kind().as_str()),
                    delay.as_millis()
                );
            } else if let (Decision::RetryAfter(delay), Some(reason)) =
                (&decision, retry::reason(&error))
                && self.inner.budget.try_spend(reason.cost())
            {
                log::warn!(
                    "ResetUserPassword attempt {attempt} failed ({}); retrying in {} ms",
                    error.code().unwrap_or(error.kind().as_str()),
                    delay.as_millis()
                );
                std::thread::sleep(*delay);
                continue;
            }
            error.set_attempts(attempt);
            if maybe_processed {
                error.set_outcome_unknown();
            }
            return Err(error);
        }
    }

    /// One signed attempt: fresh nonce, fresh timestamp, one HTTP exchange.
    fn attempt(
        &self,
        request: &ResetUserPasswordRequest,
        credentials: &Credentials,
        budget: Duration,
    ) -> Result<ResetUserPasswordResponse, Error> {
        let route = rpc::Route {
            transport: &self.inner.transport,
            authority: self.inner.endpoint.authority(),
            signature_version: self.inner.signature_version,
            clock_offset_ms: self.clock_offset_ms(),
            budget: Some(budget),
        };
        let wants_generated = request.wants_generated_password();
        rpc::attempt(
            &route,
            wire::reset_user_password_call(request, credentials),
            |reply| response::success(reply, wants_generated),
        )
    }
}

/// Removes the request's secrets from whatever the service said.
fn scrub(error: &mut Error, request: &ResetUserPasswordRequest, credentials: &Credentials) {
    error.scrub(&secrets(request, credentials));
}

/// The secrets a request carries: the access key secret, the STS token and the
/// caller's password.
fn secrets<'a>(
    request: &'a ResetUserPasswordRequest,
    credentials: &'a Credentials,
) -> Vec<&'a str> {
    let mut secrets: Vec<&str> = vec![credentials.access_key_secret().expose()];
    if let Some(token) = credentials.security_token() {
        secrets.push(token.expose());
    }
    if let Some(password) = request.caller_password() {
        secrets.push(password);
    }
    secrets
}

/// Milliseconds to add to the local clock to match the service's `Date`.
fn measure_skew_ms(server: SystemTime) -> i64 {
    let now = SystemTime::now();
    match server.duration_since(now) {
        Ok(ahead) => ahead.as_millis() as i64,
        Err(behind) => -(behind.duration().as_millis() as i64),
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.url())
            .field("signature_version", &self.inner.signature_version)
            .field("max_attempts", &self.inner.retry.max_attempts)
            .field("credentials", &self.inner.credentials)
            .finish()
    }
}

/// Options for a [`Client`]. Every option has a default; with no access key
/// given, credentials come from the default chain (see [`crate::credentials`]).
#[derive(Clone)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<String>,
    network: Network,
    access_key_id: Option<String>,
    access_key_secret: Option<Secret>,
    security_token: Option<Secret>,
    provider: Option<Arc<dyn CredentialsProvider>>,
    chain: ChainSettings,
    connect_timeout: Duration,
    read_timeout: Duration,
    call_timeout: Duration,
    max_attempts: u32,
    retry_unknown_outcome_for_generated: bool,
    user_agent_suffix: Option<String>,
    allow_insecure_http: bool,
    signature_version: SignatureVersion,
    rate_limit_per_second: u32,
    rate_limit_burst: u32,
    extra_roots_der: Vec<Vec<u8>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            endpoint: None,
            region: None,
            network: Network::Public,
            access_key_id: None,
            access_key_secret: None,
            security_token: None,
            provider: None,
            chain: ChainSettings::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            retry_unknown_outcome_for_generated: false,
            user_agent_suffix: None,
            allow_insecure_http: false,
            signature_version: SignatureVersion::V1,
            rate_limit_per_second: DEFAULT_RATE_LIMIT_PER_SECOND,
            rate_limit_burst: DEFAULT_RATE_LIMIT_BURST,
            extra_roots_der: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// An explicit endpoint: a full URL, or a bare host meaning https.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region of the default endpoint (`cn-shanghai` when not set).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The network of the default endpoint (public, or VPC).
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// A long-term access key.
    pub fn access_key(self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.access_key_id(id).access_key_secret(secret)
    }

    /// The access key id alone (option `access_key_id`); `build` requires the
    /// secret too.
    pub fn access_key_id(mut self, id: impl Into<String>) -> Self {
        self.access_key_id = Some(id.into());
        self
    }

    /// The access key secret alone (option `access_key_secret`); `build`
    /// requires the id too.
    pub fn access_key_secret(mut self, secret: impl Into<String>) -> Self {
        self.access_key_secret = Some(Secret::new(secret));
        self
    }

    /// The STS security token that goes with a temporary access key.
    pub fn security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(Secret::new(token));
        self
    }

    /// A custom source of credentials (takes precedence over `access_key`).
    pub fn credentials_provider(mut self, provider: impl CredentialsProvider + 'static) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// Takes credentials from this profile of the aliyun CLI's config.json (else this section
    /// of credentials.ini), instead of the whole default chain; explicit keys and a provider
    /// still come first. A profile found in neither file is an error.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.chain = self.chain.profile(name);
        self
    }

    /// The STS endpoint the default chain's role sources call (a host meaning https, or a
    /// full URL; plain http only for loopback). Default: `ALIBABA_CLOUD_STS_ENDPOINT`, else
    /// `sts.aliyuncs.com` or the profile's regional form.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.chain = self.chain.sts_endpoint(endpoint);
        self
    }

    /// The ECS metadata service the default chain asks for an instance role. Default:
    /// `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`, else `http://100.100.100.200`.
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.chain = self.chain.ecs_metadata_endpoint(endpoint);
        self
    }

    /// The variables the default chain reads, instead of the process environment (for
    /// embedders and tests that must not share one process-wide environment).
    pub fn credentials_environment(mut self, env: Environment) -> Self {
        self.chain = self.chain.environment(env);
        self
    }

    /// Time allowed to connect (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for the answer's headers, and again for its body (default 10 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Time allowed for a whole call (default 60 s): every attempt, and every
    /// wait between attempts. Each attempt's connect, send and read end by
    /// then, and no backoff or `Retry-After` wait runs past it. When it runs
    /// out the error is of kind timeout, and says the outcome is unknown if
    /// the service may have acted on an attempt.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Attempts per call, the first included (default 3; 1 turns retries off).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Also retry generated-password calls whose outcome is unknown (default
    /// off: a retry would replace a password the caller never received).
    pub fn retry_unknown_outcome_for_generated(mut self, retry: bool) -> Self {
        self.retry_unknown_outcome_for_generated = retry;
        self
    }

    /// Text appended to the `User-Agent` header.
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Allows plain http to hosts other than loopback (default off).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The signature version (default V1).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// Client-side limit in calls per second, shared by clones and threads
    /// (default 100; 0 turns it off).
    pub fn rate_limit_per_second(mut self, per_second: u32) -> Self {
        self.rate_limit_per_second = per_second;
        self
    }

    /// Calls allowed at once after a pause (default 10).
    pub fn rate_limit_burst(mut self, burst: u32) -> Self {
        self.rate_limit_burst = burst;
        self
    }

    /// Trusts exactly the certificates in this PEM text, replacing the
    /// built-in roots (for private endpoints and tests with their own
    /// certificate authority). A second call replaces the first.
    pub fn root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        self.extra_roots_der = parse_pem_certificates(pem)?;
        Ok(self)
    }

    /// Adds the certificates in this PEM text to the roots that replace the
    /// built-in ones.
    #[deprecated(
        since = "0.2.0",
        note = "the certificates replace the built-in roots: use `root_certificates_pem`"
    )]
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        self.extra_roots_der.extend(parse_pem_certificates(pem)?);
        Ok(self)
    }

    /// Checks every option and builds the client. No network I/O happens here.
    pub fn build(self) -> Result<Client, Error> {
        let endpoint = Endpoint::resolve(
            self.endpoint.as_deref(),
            self.region.as_deref(),
            self.network,
            self.allow_insecure_http,
        )?;
        for (field, timeout) in [
            ("connect_timeout", self.connect_timeout),
            ("read_timeout", self.read_timeout),
            ("call_timeout", self.call_timeout),
        ] {
            if timeout.is_zero() || timeout > Duration::from_secs(3600) {
                return Err(Error::validation(
                    field,
                    "must be more than 0 and at most 1 hour",
                ));
            }
        }
        if !(1..=10).contains(&self.max_attempts) {
            return Err(Error::validation("max_attempts", "must be 1 to 10"));
        }
        let mut user_agent = USER_AGENT.to_string();
        if let Some(suffix) = self.user_agent_suffix.as_deref().filter(|s| !s.is_empty()) {
            if suffix.len() > 256 || suffix.chars().any(|c| c.is_control() || !c.is_ascii()) {
                return Err(Error::validation(
                    "user_agent",
                    "must be at most 256 printable ASCII characters",
                ));
            }
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let access_key = match (self.access_key_id, self.access_key_secret) {
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(Error::validation(
                    "access_key_secret",
                    "must be given with access_key_id",
                ));
            }
            (None, Some(_)) => {
                return Err(Error::validation(
                    "access_key_id",
                    "must be given with access_key_secret",
                ));
            }
        };
        let credentials: Arc<dyn CredentialsProvider> = match (self.provider, access_key) {
            (Some(provider), _) => provider,
            (None, Some((id, secret))) => Arc::new(StaticCredentials::new(Credentials::new(
                id,
                secret.expose(),
                self.security_token.as_ref().map(|t| t.expose().to_string()),
            )?)),
            (None, None) => credentials::chain::resolve(&self.chain.connection(
                self.connect_timeout,
                self.read_timeout,
                user_agent.clone(),
                self.extra_roots_der.clone(),
                self.signature_version,
            ))?,
        };
        let transport = Transport::new(
            &endpoint,
            TransportConfig {
                connect_timeout: self.connect_timeout,
                read_timeout: self.read_timeout,
                call_timeout: self.call_timeout,
                max_response_bytes: MAX_RESPONSE_BYTES,
                user_agent,
                extra_roots_der: self.extra_roots_der,
            },
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                endpoint,
                transport,
                credentials,
                signature_version: self.signature_version,
                retry: RetryPolicy {
                    max_attempts: self.max_attempts,
                    retry_unknown_outcome_for_generated: self.retry_unknown_outcome_for_generated,
                    ..RetryPolicy::default()
                },
                budget: RetryBudget::new(RETRY_BUDGET_TOKENS),
                limiter: RateLimiter::new(self.rate_limit_per_second, self.rate_limit_burst.max(1)),
                clock_offset_ms: AtomicI64::new(0),
                call_timeout: self.call_timeout,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .field("signature_version", &self.signature_version)
            .finish_non_exhaustive()
    }
}

/// The DER bodies of the `CERTIFICATE` blocks in a PEM text; at least one.
fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let text = std::str::from_utf8(pem)
        .map_err(|_| Error::validation("root_certificates_pem", "must be PEM text"))?;
    let roots = pem_blocks(text).collect::<Result<Vec<_>, _>>()?;
    if roots.is_empty() {
        return Err(Error::validation(
            "root_certificates_pem",
            "must contain a PEM CERTIFICATE block",
        ));
    }
    Ok(roots)
}

/// The DER bodies of the `CERTIFICATE` blocks in a PEM text.
fn pem_blocks(text: &str) -> impl Iterator<Item = Result<Vec<u8>, Error>> + '_ {
    use base64::Engine;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    text.split(BEGIN).skip(1).map(|rest| {
        let body = rest.split(END).next().unwrap_or("");
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|_| {
                Error::validation("root_certificates_pem", "holds a block that is not base64")
            })
    })
}
