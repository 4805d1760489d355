//! Step 3 of the chain (and the `OIDC` / `oidc_role_arn` profile modes): STS
//! `AssumeRoleWithOIDC` with a token file, as Kubernetes RRSA mounts it. The file is read whole
//! at each refresh (the platform rotates it) and trimmed of surrounding whitespace.

use super::Credentials;
use super::cache::Fetch;
use super::chain::ChainSettings;
use super::sts::{RoleRequest, StsClient};
use crate::error::Error;
use std::path::PathBuf;

/// The role to assume.
pub(crate) const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// The OIDC provider registered in RAM.
pub(crate) const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// The file holding the OIDC token.
pub(crate) const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

/// What an OIDC source needs, wherever it was configured.
pub(crate) struct OidcConfig {
    pub(crate) role_arn: String,
    pub(crate) provider_arn: String,
    pub(crate) token_file: PathBuf,
    pub(crate) session_name: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
    pub(crate) policy: Option<String>,
    pub(crate) sts_region: Option<String>,
}

/// `AssumeRoleWithOIDC` with the token file's current content.
#[derive(Debug)]
pub(crate) struct OidcSource {
    sts: StsClient,
    role: RoleRequest,
    provider_arn: String,
    token_file: PathBuf,
}

impl OidcSource {
    /// Checks the settings (no I/O). `origin` names where they came from, for errors.
    pub(crate) fn new(
        settings: &ChainSettings,
        config: OidcConfig,
        origin: &str,
    ) -> Result<OidcSource, Error> {
        let fail = |why: String| Error::credentials(format!("{origin}: {why}"));
        if config.provider_arn.is_empty() {
            return Err(fail("the OIDC provider ARN is empty".into()));
        }
        let mut role = RoleRequest::new(settings, config.role_arn, config.session_name)
            .and_then(|r| r.duration(config.duration_seconds))
            .map_err(fail)?;
        role.policy = config.policy.filter(|p| !p.is_empty());
        Ok(OidcSource {
            sts: StsClient::new(settings, config.sts_region.as_deref())?,
            role,
            provider_arn: config.provider_arn,
            token_file: config.token_file,
        })
    }
}

/// The source from `ALIBABA_CLOUD_ROLE_ARN`, `_OIDC_PROVIDER_ARN` and `_OIDC_TOKEN_FILE`:
/// `None` when none is set, an error when only some are.
pub(crate) fn from_env(settings: &ChainSettings) -> Result<Option<OidcSource>, Error> {
    let env = &settings.env;
    let names = [ENV_ROLE_ARN, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE];
    let values: Vec<Option<String>> = names.iter().map(|n| env.get(n)).collect();
    match values.as_slice() {
        [Some(role), Some(provider), Some(file)] => OidcSource::new(
            settings,
            OidcConfig {
                role_arn: role.clone(),
                provider_arn: provider.clone(),
                token_file: PathBuf::from(file),
                session_name: None,
                duration_seconds: None,
                policy: None,
                sts_region: None,
            },
            "OIDC (environment)",
        )
        .map(Some),
        [None, None, None] => Ok(None),
        _ => {
            let missing: Vec<&str> = names
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| *n)
                .collect();
            Err(Error::credentials(format!(
                "OIDC (environment): {} must be set too",
                missing.join(" and ")
            )))
        }
    }
}

impl Fetch for OidcSource {
    fn describe(&self) -> String {
        format!("OIDC role {}", self.role.role_arn)
    }

    fn fetch(&self) -> Result<Credentials, Error> {
        let text = std::fs::read_to_string(&self.token_file).map_err(|e| {
            Error::credentials(format!(
                "OIDC: cannot read the token file {}: {}",
                self.token_file.display(),
                e.kind()
            ))
        })?;
        let token = zeroize::Zeroizing::new(text);
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::credentials(format!(
                "OIDC: the token file {} is empty",
                self.token_file.display()
            )));
        }
        self.sts
            .assume_role_with_oidc(&self.role, &self.provider_arn, token)
    }
}
