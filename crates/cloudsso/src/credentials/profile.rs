//! What the profile sources (aliyun CLI `config.json`, `credentials.ini`) have in common: a
//! profile becomes fixed keys, or a refreshing source (a RAM role assumed with some caller's
//! keys, the instance role, OIDC, a credentials URI).

use super::cache::{Fetch, Refreshing};
use super::chain::ChainSettings;
use super::credentials_uri::UriSource;
use super::ecs_metadata::{ENV_ECS_METADATA_DISABLED, EcsSource};
use super::oidc::{OidcConfig, OidcSource};
use super::sts::{RoleRequest, StsClient};
use super::{Credentials, CredentialsProvider, StaticCredentials};
use crate::error::Error;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// `AssumeRole` signed with the credentials of another provider (a profile's own keys, or
/// for `ChainableRamRoleArn` the source profile's, which may be temporary themselves).
pub(crate) struct RamRoleSource {
    pub(crate) sts: StsClient,
    pub(crate) caller: Arc<dyn CredentialsProvider>,
    pub(crate) role: RoleRequest,
}

impl fmt::Debug for RamRoleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RamRoleSource")
            .field("sts", &self.sts)
            .field("role_arn", &self.role.role_arn)
            .field("caller", &self.caller)
            .finish()
    }
}

impl Fetch for RamRoleSource {
    fn describe(&self) -> String {
        format!("RAM role {}", self.role.role_arn)
    }

    fn fetch(&self) -> Result<Credentials, Error> {
        let caller = self.caller.credentials()?;
        self.sts.assume_role(&caller, &self.role)
    }
}

/// Fixed keys as a provider.
pub(crate) fn fixed(credentials: Credentials) -> Arc<dyn CredentialsProvider> {
    Arc::new(StaticCredentials::new(credentials))
}

/// A refreshing provider over `source`.
pub(crate) fn refreshing(source: impl Fetch + 'static) -> Arc<dyn CredentialsProvider> {
    Arc::new(Refreshing::new(source))
}

/// Keys of a profile, with the field names of its file in errors.
pub(crate) fn keys(
    origin: &str,
    id: Option<String>,
    secret: Option<String>,
    token: Option<String>,
    names: [&str; 2],
) -> Result<Credentials, Error> {
    let id = id.filter(|v| !v.is_empty());
    let secret = secret.filter(|v| !v.is_empty());
    match (id, secret) {
        (Some(id), Some(secret)) => Credentials::new(id, secret, token.filter(|t| !t.is_empty()))
            .map_err(|e| Error::credentials(format!("{origin}: {}", e.message()))),
        (None, _) => Err(Error::credentials(format!(
            "{origin}: {} is missing",
            names[0]
        ))),
        (_, None) => Err(Error::credentials(format!(
            "{origin}: {} is missing",
            names[1]
        ))),
    }
}

/// A RAM role assumed with `caller`.
pub(crate) struct RoleConfig {
    pub(crate) role_arn: Option<String>,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) policy: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
    pub(crate) sts_region: Option<String>,
}

pub(crate) fn ram_role(
    settings: &ChainSettings,
    origin: &str,
    caller: Arc<dyn CredentialsProvider>,
    config: RoleConfig,
    role_arn_name: &str,
) -> Result<Arc<dyn CredentialsProvider>, Error> {
    let fail = |why: String| Error::credentials(format!("{origin}: {why}"));
    let role_arn = config
        .role_arn
        .filter(|r| !r.is_empty())
        .ok_or_else(|| fail(format!("{role_arn_name} is missing")))?;
    let mut role = RoleRequest::new(settings, role_arn, config.session_name)
        .and_then(|r| r.duration(config.duration_seconds))
        .map_err(fail)?;
    role.external_id = config.external_id.filter(|e| !e.is_empty());
    role.policy = config.policy.filter(|p| !p.is_empty());
    Ok(refreshing(RamRoleSource {
        sts: StsClient::new(settings, config.sts_region.as_deref())?,
        caller,
        role,
    }))
}

/// A RAM role assumed with an OIDC token file (`AssumeRoleWithOIDC`): the role's ARN, the
/// provider's ARN and the token file, each already required by the caller; the rest from `config`.
pub(crate) fn oidc_role(
    settings: &ChainSettings,
    origin: &str,
    (role_arn, provider_arn, token_file): (String, String, String),
    config: RoleConfig,
) -> Result<Arc<dyn CredentialsProvider>, Error> {
    let source = OidcSource::new(
        settings,
        OidcConfig {
            role_arn,
            provider_arn,
            token_file: PathBuf::from(token_file),
            session_name: config.session_name,
            duration_seconds: config.duration_seconds,
            policy: config.policy,
            sts_region: config.sts_region,
        },
        origin,
    )?;
    Ok(refreshing(source))
}

/// The instance role, unless the metadata service is switched off.
pub(crate) fn ecs_role(
    settings: &ChainSettings,
    origin: &str,
    role_name: Option<String>,
) -> Result<Arc<dyn CredentialsProvider>, Error> {
    if settings.env.is_true(ENV_ECS_METADATA_DISABLED) {
        return Err(Error::credentials(format!(
            "{origin}: uses the ECS instance role, but {ENV_ECS_METADATA_DISABLED}=true"
        )));
    }
    Ok(refreshing(EcsSource::new(settings, role_name)))
}

/// A credentials URI.
pub(crate) fn uri(
    settings: &ChainSettings,
    origin: &str,
    uri: Option<String>,
    name: &str,
) -> Result<Arc<dyn CredentialsProvider>, Error> {
    let uri = uri
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Error::credentials(format!("{origin}: {name} is missing")))?;
    Ok(refreshing(UriSource::new(settings, uri, origin)?))
}
