//! Where access keys come from.
//!
//! The signer only sees [`Credentials`]; where they came from is the business of a
//! [`CredentialsProvider`], so profiles, ECS roles, RAM roles and OIDC can be added
//! later as new providers without touching the signer.

use crate::error::Error;
use crate::secret::Secret;
use std::fmt;
use std::sync::Arc;

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
        })
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

/// Reads the `ALIBABA_CLOUD_*` environment variables once.
pub fn from_environment() -> Result<Option<Credentials>, Error> {
    let read = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (read(ENV_ACCESS_KEY_ID), read(ENV_ACCESS_KEY_SECRET)) {
        (Some(id), Some(secret)) => Credentials::new(id, secret, read(ENV_SECURITY_TOKEN))
            .map(Some)
            .map_err(|e| {
                Error::credentials(format!("the environment's access key is unusable: {e}"))
            }),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::credentials(format!(
            "{ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
        ))),
        (None, Some(_)) => Err(Error::credentials(format!(
            "{ENV_ACCESS_KEY_SECRET} is set but {ENV_ACCESS_KEY_ID} is not"
        ))),
    }
}

/// The default chain: the environment, and in future versions further sources.
pub fn default_chain() -> Result<StaticCredentials, Error> {
    match from_environment()? {
        Some(credentials) => Ok(StaticCredentials::new(credentials)),
        None => Err(Error::credentials(format!(
            "no access key given and none in the environment; pass one explicitly or set {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} (and {ENV_SECURITY_TOKEN} for STS)"
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
            "Credentials { access_key_id: \"LTAIexample\", access_key_secret: Secret(<redacted>), security_token: Some(Secret(<redacted>)) }"
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
