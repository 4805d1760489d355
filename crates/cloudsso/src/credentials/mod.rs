//! Where access keys come from.
//!
//! The signer only sees [`Credentials`]; where they came from is the business of a
//! [`CredentialsProvider`]. With no keys and no provider given, a client uses the
//! default chain (settings in [`ChainSettings`]), in the order of the vendor's
//! credentials libraries:
//!
//! 1. keys given to the client;
//! 2. the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `_SECURITY_TOKEN`, `env`);
//! 3. OIDC (`ALIBABA_CLOUD_ROLE_ARN`, `_OIDC_PROVIDER_ARN`, `_OIDC_TOKEN_FILE`: STS
//!    `AssumeRoleWithOIDC`, `oidc`);
//! 4. the aliyun CLI's `~/.aliyun/config.json` (`cli_config`);
//! 5. `~/.alibabacloud/credentials.ini` (`ini`);
//! 6. the ECS instance role from the metadata service (`ecs_metadata`);
//! 7. `ALIBABA_CLOUD_CREDENTIALS_URI` (`credentials_uri`).
//!
//! A source that is not configured is skipped; one that is configured and fails stops the
//! chain with an error naming it. Temporary credentials are cached per client and refreshed a
//! few minutes before they expire, one refresh at a time (`cache`).

mod cache;
pub mod chain;
mod cli_config;
mod credentials_uri;
mod ecs_metadata;
mod env;
mod environment;
mod http;
mod ini;
mod oidc;
mod profile;
mod sts;

use crate::error::Error;
use crate::secret::Secret;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

pub use chain::ChainSettings;
pub use env::from_environment;
pub use environment::Environment;

/// Environment variable holding the access key id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the access key secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an STS security token (optional).
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// An access key, with an STS token when the key is temporary.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// Checks that id and secret are present and free of control characters.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: Option<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let access_key_secret = Secret::new(access_key_secret);
        let security_token = security_token.map(Secret::new).filter(|t| !t.is_empty());
        if access_key_id.is_empty() {
            return Err(Error::validation("access_key_id", "is required"));
        }
        if access_key_secret.is_empty() {
            return Err(Error::validation("access_key_secret", "is required"));
        }
        if access_key_id
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(Error::validation(
                "access_key_id",
                "must not contain spaces or control characters",
            ));
        }
        if access_key_secret.expose().chars().any(char::is_control) {
            return Err(Error::validation(
                "access_key_secret",
                "must not contain control characters",
            ));
        }
        if let Some(token) = &security_token
            && token.expose().chars().any(char::is_control)
        {
            return Err(Error::validation(
                "security_token",
                "must not contain control characters",
            ));
        }
        Ok(Credentials {
            access_key_id,
            access_key_secret,
            security_token,
            expiration: None,
        })
    }

    /// The same key, valid until `expiration` (temporary credentials).
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// When temporary credentials stop working; `None` for long-term keys.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }

    /// The access key id (not secret; it is sent in clear).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret.
    pub fn access_key_secret(&self) -> &Secret {
        &self.access_key_secret
    }

    /// The STS security token, for temporary credentials.
    pub fn security_token(&self) -> Option<&Secret> {
        self.security_token.as_ref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .field(
                "expiration",
                &self.expiration.map(crate::time::format_system_time),
            )
            .finish()
    }
}

/// A source of credentials, asked once per call so that temporary credentials
/// can be refreshed by the provider.
pub trait CredentialsProvider: Send + Sync + fmt::Debug {
    /// The credentials to sign the next call with.
    fn credentials(&self) -> Result<Arc<Credentials>, Error>;
}

/// Credentials fixed at construction.
#[derive(Debug, Clone)]
pub struct StaticCredentials(Arc<Credentials>);

impl StaticCredentials {
    /// Wraps fixed credentials.
    pub fn new(credentials: Credentials) -> Self {
        StaticCredentials(Arc::new(credentials))
    }
}

impl CredentialsProvider for StaticCredentials {
    fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        Ok(Arc::clone(&self.0))
    }
}

/// The default chain over the process environment and default settings.
pub fn default_chain() -> Result<Arc<dyn CredentialsProvider>, Error> {
    chain::resolve(&ChainSettings::default())
}

/// Reads a credentials file: `Ok(None)` when a default path (not one the user named) does
/// not exist; any other failure names the file (`what` and its path), never its content.
fn read_config_file(
    path: &std::path::Path,
    explicit: bool,
    what: &str,
) -> Result<Option<String>, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(None),
        Err(e) => Err(Error::credentials(format!(
            "{what} {}: cannot be read ({})",
            path.display(),
            e.kind()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new("LTAIexample", "s3cr3t-value", Some("tok3n".into())).unwrap();
        assert_eq!(
            format!("{c:?}"),
            "Credentials { access_key_id: \"LTAIexample\", access_key_secret: Secret(<redacted>), security_token: Some(Secret(<redacted>)), expiration: None }"
        );
    }

    #[test]
    fn empty_parts_are_rejected_with_their_field() {
        assert_eq!(
            Credentials::new("", "x", None).unwrap_err().field(),
            Some("access_key_id")
        );
        assert_eq!(
            Credentials::new("x", "", None).unwrap_err().field(),
            Some("access_key_secret")
        );
    }
}
