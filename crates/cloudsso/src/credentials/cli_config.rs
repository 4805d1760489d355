//! Step 4 of the chain: the aliyun CLI's `~/.aliyun/config.json` (`ALIBABA_CLOUD_CONFIG_FILE`
//! to override). Modes: `AK`, `StsToken`, `RamRoleArn`, `EcsRamRole`, `OIDC`,
//! `ChainableRamRoleArn`, `CredentialsURI`; any other mode is an error naming it.

use super::CredentialsProvider;
use super::chain::ChainSettings;
use super::profile::{self, RoleConfig};
use crate::error::Error;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;

/// Overrides the file's path.
pub(crate) const ENV_CONFIG_FILE: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// `true` skips the file.
pub(crate) const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// Modes this client understands.
const MODES: &str =
    "AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CredentialsURI";
/// Longest `source_profile` chain followed (a loop would otherwise never end).
const MAX_SOURCE_DEPTH: usize = 8;

#[derive(Deserialize)]
struct FileShape {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

/// One profile; fields the client does not use are ignored.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CliProfile {
    name: String,
    mode: String,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    sts_token: Option<String>,
    ram_role_arn: Option<String>,
    ram_session_name: Option<String>,
    role_session_name: Option<String>,
    external_id: Option<String>,
    policy: Option<String>,
    expired_seconds: Option<u32>,
    source_profile: Option<String>,
    ram_role_name: Option<String>,
    credentials_uri: Option<String>,
    oidc_provider_arn: Option<String>,
    oidc_token_file: Option<String>,
    sts_region: Option<String>,
}

/// A parsed config.json.
pub(crate) struct CliConfig {
    path: PathBuf,
    current: Option<String>,
    profiles: Vec<CliProfile>,
}

/// The file's path, and whether it was named explicitly (then it must exist).
pub(crate) fn path(settings: &ChainSettings) -> Option<(PathBuf, bool)> {
    match settings.env.get(ENV_CONFIG_FILE) {
        Some(p) => Some((PathBuf::from(p), true)),
        None => settings
            .env
            .home()
            .map(|h| (h.join(".aliyun").join("config.json"), false)),
    }
}

/// Reads the file: `Ok(None)` when the default path does not exist.
pub(crate) fn load(settings: &ChainSettings) -> Result<Option<CliConfig>, Error> {
    let Some((path, explicit)) = path(settings) else {
        return Ok(None);
    };
    let Some(text) = super::read_config_file(&path, explicit, "aliyun CLI config")? else {
        return Ok(None);
    };
    let shape: FileShape = serde_json::from_str(&text).map_err(|e| {
        Error::credentials(format!(
            "aliyun CLI config {}: not valid JSON of the aliyun CLI's shape (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    Ok(Some(CliConfig {
        path,
        current: shape.current.filter(|c| !c.is_empty()),
        profiles: shape.profiles,
    }))
}

impl CliConfig {
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub(crate) fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.profiles.iter().any(|p| p.name == name)
    }

    /// The provider for profile `name`.
    pub(crate) fn provider(
        &self,
        settings: &ChainSettings,
        name: &str,
    ) -> Result<Arc<dyn CredentialsProvider>, Error> {
        self.provider_at(settings, name, 0)
    }

    fn provider_at(
        &self,
        settings: &ChainSettings,
        name: &str,
        depth: usize,
    ) -> Result<Arc<dyn CredentialsProvider>, Error> {
        let origin = format!("profile \"{name}\" of {}", self.path.display());
        let Some(p) = self.profiles.iter().find(|p| p.name == name) else {
            return Err(Error::credentials(format!("{origin}: no such profile")));
        };
        let role = |p: &CliProfile| RoleConfig {
            role_arn: p.ram_role_arn.clone(),
            session_name: p.ram_session_name.clone().or(p.role_session_name.clone()),
            external_id: p.external_id.clone(),
            policy: p.policy.clone(),
            duration_seconds: p.expired_seconds.filter(|s| *s > 0),
            sts_region: p.sts_region.clone().filter(|r| !r.is_empty()),
        };
        let own_keys = |token: Option<String>| {
            profile::keys(
                &origin,
                p.access_key_id.clone(),
                p.access_key_secret.clone(),
                token,
                ["access_key_id", "access_key_secret"],
            )
        };
        match p.mode.as_str() {
            "AK" => Ok(profile::fixed(own_keys(None)?)),
            "StsToken" => {
                let token = p
                    .sts_token
                    .clone()
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| Error::credentials(format!("{origin}: sts_token is missing")))?;
                Ok(profile::fixed(own_keys(Some(token))?))
            }
            "RamRoleArn" => profile::ram_role(
                settings,
                &origin,
                profile::fixed(own_keys(None)?),
                role(p),
                "ram_role_arn",
            ),
            "ChainableRamRoleArn" => {
                let source = p
                    .source_profile
                    .clone()
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| {
                        Error::credentials(format!("{origin}: source_profile is missing"))
                    })?;
                if depth >= MAX_SOURCE_DEPTH {
                    return Err(Error::credentials(format!(
                        "{origin}: source_profile chains deeper than {MAX_SOURCE_DEPTH} (a loop?)"
                    )));
                }
                let caller = self.provider_at(settings, &source, depth + 1)?;
                profile::ram_role(settings, &origin, caller, role(p), "ram_role_arn")
            }
            "EcsRamRole" => profile::ecs_role(settings, &origin, p.ram_role_name.clone()),
            "OIDC" => {
                let need = |v: &Option<String>, field: &str| {
                    v.clone()
                        .filter(|s| !s.is_empty())
                        .ok_or_else(|| Error::credentials(format!("{origin}: {field} is missing")))
                };
                let required = (
                    need(&p.ram_role_arn, "ram_role_arn")?,
                    need(&p.oidc_provider_arn, "oidc_provider_arn")?,
                    need(&p.oidc_token_file, "oidc_token_file")?,
                );
                profile::oidc_role(settings, &origin, required, role(p))
            }
            "CredentialsURI" => profile::uri(
                settings,
                &origin,
                p.credentials_uri.clone(),
                "credentials_uri",
            ),
            "" => Err(Error::credentials(format!("{origin}: mode is missing"))),
            other => Err(Error::credentials(format!(
                "{origin}: mode \"{}\" is not supported (supported: {MODES})",
                other.escape_debug()
            ))),
        }
    }
}
