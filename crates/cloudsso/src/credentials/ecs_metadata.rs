//! Step 6 of the chain (and the `EcsRamRole` / `ecs_ram_role` profile modes): the ECS instance
//! role from the metadata service. An IMDSv2 token is asked for first; without one the
//! service is asked without (IMDSv1) unless `ALIBABA_CLOUD_IMDSV1_DISABLED=true`. The role name
//! is `ALIBABA_CLOUD_ECS_METADATA` (or the profile's), else discovered.
//!
//! The service's address is a setting (the builder's `ecs_metadata_endpoint`, else
//! `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`, else `http://100.100.100.200`), so tests serve it on
//! loopback; `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true` keeps the chain from asking at all.

use super::Credentials;
use super::cache::Fetch;
use super::chain::ChainSettings;
use super::http;
use crate::error::Error;
use std::time::Duration;

/// The instance role's name.
pub(crate) const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` keeps the chain away from the metadata service.
pub(crate) const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// The metadata service's base URL.
pub(crate) const ENV_ECS_METADATA_ENDPOINT: &str = "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT";
/// `true` requires an IMDSv2 token.
pub(crate) const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// Where the metadata service lives on ECS.
pub(crate) const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
/// Connect timeout: the service is link-local, so a slow connect means "not on ECS".
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Lifetime asked for the IMDSv2 token.
const TOKEN_TTL_SECONDS: &str = "21600";
const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// Asks the metadata service for the instance role's credentials.
#[derive(Debug, Clone)]
pub(crate) struct EcsSource {
    base: String,
    role_name: Option<String>,
    imdsv1_disabled: bool,
    read_timeout: Duration,
}

/// Why a fetch failed: the service could not be reached at all (so the chain may look
/// further), or it answered and refused.
pub(crate) enum Failure {
    Unreachable(String),
    Refused(Error),
}

impl EcsSource {
    /// `role_name` from a profile; else `ALIBABA_CLOUD_ECS_METADATA`; else discovered.
    pub(crate) fn new(settings: &ChainSettings, role_name: Option<String>) -> EcsSource {
        let base = settings
            .ecs_metadata_endpoint
            .clone()
            .or_else(|| settings.env.get(ENV_ECS_METADATA_ENDPOINT))
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.into());
        EcsSource {
            base: base.trim_end_matches('/').to_owned(),
            role_name: role_name
                .filter(|r| !r.is_empty())
                .or_else(|| settings.env.get(ENV_ECS_METADATA)),
            imdsv1_disabled: settings.env.is_true(ENV_IMDSV1_DISABLED),
            read_timeout: settings.read_timeout,
        }
    }

    fn get(&self, path: &str, token: Option<&str>) -> Result<http::Answer, Failure> {
        let headers: Vec<(&str, &str)> = token
            .map(|t| vec![("X-aliyun-ecs-metadata-token", t)])
            .unwrap_or_default();
        http::send(
            "GET",
            &format!("{}{path}", self.base),
            &headers,
            CONNECT_TIMEOUT,
            self.read_timeout,
        )
        .map_err(Failure::Unreachable)
    }

    fn refused(&self, why: String) -> Failure {
        Failure::Refused(Error::credentials(format!(
            "ECS instance role (metadata service {}): {why}",
            self.base
        )))
    }

    /// Token, role name, credentials.
    pub(crate) fn try_fetch(&self) -> Result<Credentials, Failure> {
        let token = match http::send(
            "PUT",
            &format!("{}/latest/api/token", self.base),
            &[("X-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)],
            CONNECT_TIMEOUT,
            self.read_timeout,
        ) {
            Ok(answer) if answer.status == 200 => Some(answer.body.trim().to_owned()),
            Ok(answer) if self.imdsv1_disabled => {
                return Err(self.refused(format!(
                    "no IMDSv2 token (HTTP {}) and {ENV_IMDSV1_DISABLED}=true",
                    answer.status
                )));
            }
            Ok(_) => None,
            Err(why) => return Err(Failure::Unreachable(why)),
        };
        let token = token.as_deref();
        let role = match &self.role_name {
            Some(role) => role.clone(),
            None => {
                let answer = self.get(CREDENTIALS_PATH, token)?;
                let role = answer.body.trim().to_owned();
                if answer.status != 200 || role.is_empty() {
                    return Err(self.refused(format!(
                        "no instance role attached (HTTP {})",
                        answer.status
                    )));
                }
                role
            }
        };
        let answer = self.get(&format!("{CREDENTIALS_PATH}{role}"), token)?;
        if answer.status != 200 {
            return Err(self.refused(format!(
                "the credentials of role {role} were refused (HTTP {})",
                answer.status
            )));
        }
        super::sts::read_flat_answer(&answer.body, true).map_err(|why| self.refused(why))
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }
}

impl Fetch for EcsSource {
    fn describe(&self) -> String {
        format!("the ECS metadata service {}", self.base)
    }

    fn fetch(&self) -> Result<Credentials, Error> {
        self.try_fetch().map_err(|f| match f {
            Failure::Refused(e) => e,
            Failure::Unreachable(why) => Error::credentials(format!(
                "ECS instance role: the metadata service {} is unreachable: {why}",
                self.base
            )),
        })
    }
}
