//! The chain's STS client: `AssumeRole` (signed with the caller's key) and `AssumeRoleWithOIDC`
//! (anonymous), version `2015-04-01`, sent through the same RPC path as `ResetUserPassword`.
//!
//! The endpoint is a setting: the builder's `sts_endpoint`, else `ALIBABA_CLOUD_STS_ENDPOINT`
//! (a host meaning https, or a full URL; plain http only for loopback), else the regional
//! (`sts.<region>.aliyuncs.com`, or `sts-vpc.<region>.aliyuncs.com` with
//! `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`) form when a region is known, else
//! `sts.aliyuncs.com`.

use super::Credentials;
use super::chain::ChainSettings;
use crate::endpoint::{Endpoint, Network};
use crate::error::Error;
use crate::rpc::{self, Route};
use crate::transport::{HttpReply, Transport, TransportConfig};
use crate::wire::RpcCall;
use serde::Deserialize;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// The STS API version.
pub(crate) const STS_VERSION: &str = "2015-04-01";
/// An explicit STS endpoint.
pub(crate) const ENV_STS_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// The region of the regional STS endpoint.
pub(crate) const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true` for the VPC form of the regional endpoint.
pub(crate) const ENV_VPC_ENDPOINT: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// The role session name, above any profile's.
pub(crate) const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

/// What an `AssumeRole*` call asks for.
#[derive(Debug, Clone, Default)]
pub(crate) struct RoleRequest {
    pub(crate) role_arn: String,
    pub(crate) session_name: String,
    pub(crate) external_id: Option<String>,
    pub(crate) policy: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
}

impl RoleRequest {
    /// A request for `role_arn`; the session name comes from `ALIBABA_CLOUD_ROLE_SESSION_NAME`,
    /// else `configured`, else a generated `cloudsso-<milliseconds>`.
    pub(crate) fn new(
        settings: &ChainSettings,
        role_arn: String,
        configured_session_name: Option<String>,
    ) -> Result<RoleRequest, String> {
        if role_arn.is_empty() {
            return Err("the role ARN is empty".into());
        }
        let session_name = settings
            .env
            .get(ENV_ROLE_SESSION_NAME)
            .or(configured_session_name.filter(|n| !n.is_empty()))
            .unwrap_or_else(generated_session_name);
        let valid = (2..=64).contains(&session_name.len())
            && session_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".@_-".contains(&b));
        if !valid {
            return Err(
                "the role session name must be 2 to 64 characters of A-Z, a-z, 0-9, '.', '@', '_' and '-'"
                    .into(),
            );
        }
        Ok(RoleRequest {
            role_arn,
            session_name,
            ..RoleRequest::default()
        })
    }

    /// Sets `DurationSeconds`, checked against STS's own bounds before any call.
    pub(crate) fn duration(mut self, seconds: Option<u32>) -> Result<RoleRequest, String> {
        if let Some(s) = seconds
            && !(900..=43_200).contains(&s)
        {
            return Err("the session duration must be 900 to 43200 seconds".into());
        }
        self.duration_seconds = seconds;
        Ok(self)
    }
}

fn generated_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("cloudsso-{millis}")
}

/// An STS endpoint and its connection pool.
pub(crate) struct StsClient {
    endpoint: Endpoint,
    transport: Transport,
    settings_signature: crate::signing::SignatureVersion,
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient")
            .field("endpoint", &self.endpoint.url())
            .finish()
    }
}

/// The endpoint's text: the setting, the variable, the region's, or the central one.
fn endpoint_text(settings: &ChainSettings, region: Option<&str>) -> String {
    if let Some(explicit) = settings
        .sts_endpoint
        .clone()
        .or_else(|| settings.env.get(ENV_STS_ENDPOINT))
    {
        return explicit;
    }
    match region
        .map(str::to_owned)
        .or_else(|| settings.env.get(ENV_STS_REGION))
    {
        Some(region) if settings.env.is_true(ENV_VPC_ENDPOINT) => {
            format!("sts-vpc.{region}.aliyuncs.com")
        }
        Some(region) => format!("sts.{region}.aliyuncs.com"),
        None => "sts.aliyuncs.com".into(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    credentials: Option<AnswerCredentials>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AnswerCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

/// Reads temporary credentials from a JSON body of the STS / metadata / URI shape.
pub(crate) fn read_temporary(
    id: String,
    secret: String,
    token: String,
    expiration: &str,
) -> Result<Credentials, String> {
    let expiration = crate::time::parse_timestamp(expiration)
        .ok_or("the Expiration is not of the form YYYY-MM-DDThh:mm:ssZ")?;
    Credentials::new(id, secret, Some(token))
        .map(|c| c.with_expiration(expiration))
        .map_err(|e| format!("the credentials are unusable: {}", e.message()))
}

/// The flat answer of the ECS metadata service and of a credentials URI.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FlatAnswer {
    code: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

/// Reads temporary credentials from a flat answer (`Code`, `AccessKeyId`, ...). The metadata
/// service always sends `Code`; a credentials URI may leave it out (`code_required`). The error
/// says what is wrong, never what the body holds.
pub(crate) fn read_flat_answer(body: &str, code_required: bool) -> Result<Credentials, String> {
    let parsed: FlatAnswer =
        serde_json::from_str(body).map_err(|_| "the credentials answer is not JSON".to_owned())?;
    let code_ok = match parsed.code.as_deref() {
        Some(code) => code == "Success",
        None => !code_required,
    };
    if !code_ok {
        return Err("the credentials answer's Code is not Success".into());
    }
    match (
        parsed.access_key_id,
        parsed.access_key_secret,
        parsed.security_token,
        parsed.expiration,
    ) {
        (Some(id), Some(secret), Some(token), Some(expiration)) => {
            read_temporary(id, secret, token, &expiration)
        }
        _ => Err("the credentials answer lacks a field".into()),
    }
}

fn success(reply: HttpReply) -> Result<Credentials, Error> {
    let status = reply.status;
    let answer: Answer = serde_json::from_slice(&reply.body).map_err(|e| {
        Error::decode(
            format!(
                "the STS answer is not the expected JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
            status,
        )
    })?;
    let c = answer
        .credentials
        .ok_or_else(|| Error::decode("the STS answer has no Credentials", status))?;
    read_temporary(
        c.access_key_id,
        c.access_key_secret,
        c.security_token,
        &c.expiration,
    )
    .map_err(|why| Error::decode(format!("the STS answer: {why}"), status))
}

impl StsClient {
    /// Resolves the endpoint (no I/O). `region` is a profile's `sts_region`, if any.
    pub(crate) fn new(settings: &ChainSettings, region: Option<&str>) -> Result<StsClient, Error> {
        let text = endpoint_text(settings, region);
        let endpoint = Endpoint::resolve(Some(&text), None, Network::Public, false)
            .map_err(|e| Error::credentials(format!("the STS endpoint: {}", e.message())))?;
        let transport = Transport::new(
            &endpoint,
            TransportConfig {
                connect_timeout: settings.connect_timeout,
                read_timeout: settings.read_timeout,
                call_timeout: crate::client::DEFAULT_CALL_TIMEOUT,
                max_response_bytes: crate::client::MAX_RESPONSE_BYTES,
                user_agent: settings.user_agent.clone(),
                extra_roots_der: settings.extra_roots_der.clone(),
            },
        )?;
        Ok(StsClient {
            endpoint,
            transport,
            settings_signature: settings.signature_version,
        })
    }

    fn call(
        &self,
        action: &str,
        params: Vec<(&str, &str)>,
        caller: Option<&Credentials>,
        secrets: &[&str],
    ) -> Result<Credentials, Error> {
        let route = Route {
            transport: &self.transport,
            authority: self.endpoint.authority(),
            signature_version: self.settings_signature,
            clock_offset_ms: 0,
            budget: None,
        };
        let call = RpcCall {
            action,
            version: STS_VERSION,
            params,
            credentials: caller,
        };
        rpc::attempt(&route, call, success).map_err(|mut e| {
            e.scrub(secrets);
            let answered = e
                .code()
                .map(|c| format!(" answered {c}"))
                .unwrap_or_default();
            e.in_credentials_source(&format!(
                "STS {action} at {}{answered}",
                self.endpoint.url()
            ))
        })
    }

    fn role_params<'a>(role: &'a RoleRequest, duration: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut params = vec![
            ("RoleArn", role.role_arn.as_str()),
            ("RoleSessionName", role.session_name.as_str()),
        ];
        if role.duration_seconds.is_some() {
            params.push(("DurationSeconds", duration));
        }
        if let Some(policy) = &role.policy {
            params.push(("Policy", policy));
        }
        params
    }

    /// `AssumeRole` signed with `caller`.
    pub(crate) fn assume_role(
        &self,
        caller: &Credentials,
        role: &RoleRequest,
    ) -> Result<Credentials, Error> {
        let duration = role.duration_seconds.unwrap_or_default().to_string();
        let mut params = Self::role_params(role, &duration);
        if let Some(external_id) = &role.external_id {
            params.push(("ExternalId", external_id));
        }
        let mut secrets = vec![caller.access_key_secret().expose()];
        if let Some(token) = caller.security_token() {
            secrets.push(token.expose());
        }
        self.call("AssumeRole", params, Some(caller), &secrets)
    }

    /// `AssumeRoleWithOIDC`, unsigned: the OIDC token is the proof.
    pub(crate) fn assume_role_with_oidc(
        &self,
        role: &RoleRequest,
        provider_arn: &str,
        token: &str,
    ) -> Result<Credentials, Error> {
        let duration = role.duration_seconds.unwrap_or_default().to_string();
        let mut params = Self::role_params(role, &duration);
        params.push(("OIDCProviderArn", provider_arn));
        params.push(("OIDCToken", token));
        self.call("AssumeRoleWithOIDC", params, None, &[token])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Environment;

    fn settings(vars: &[(&str, &str)]) -> ChainSettings {
        ChainSettings::default().environment(Environment::from_vars(vars.iter().copied()))
    }

    #[test]
    fn endpoint_follows_setting_variable_region_and_vpc() {
        assert_eq!(endpoint_text(&settings(&[]), None), "sts.aliyuncs.com");
        assert_eq!(
            endpoint_text(&settings(&[(ENV_STS_REGION, "cn-hangzhou")]), None),
            "sts.cn-hangzhou.aliyuncs.com"
        );
        assert_eq!(
            endpoint_text(&settings(&[(ENV_VPC_ENDPOINT, "true")]), Some("cn-beijing")),
            "sts-vpc.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            endpoint_text(&settings(&[(ENV_STS_ENDPOINT, "http://127.0.0.1:9")]), None),
            "http://127.0.0.1:9"
        );
        let explicit = settings(&[(ENV_STS_ENDPOINT, "x")]).sts_endpoint("http://127.0.0.1:1");
        assert_eq!(endpoint_text(&explicit, None), "http://127.0.0.1:1");
        // Plain http elsewhere than loopback is refused before any I/O.
        let err = StsClient::new(&settings(&[(ENV_STS_ENDPOINT, "http://sts.example")]), None)
            .unwrap_err();
        assert!(err.message().contains("STS endpoint"), "{err}");
    }

    #[test]
    fn session_names_come_from_env_then_profile_then_are_generated() {
        let arn = || "acs:ram::1:role/r".to_string();
        let generated = RoleRequest::new(&settings(&[]), arn(), None).unwrap();
        assert!(generated.session_name.starts_with("cloudsso-"));
        let from_profile = RoleRequest::new(&settings(&[]), arn(), Some("mine".into())).unwrap();
        assert_eq!(from_profile.session_name, "mine");
        let from_env = RoleRequest::new(
            &settings(&[(ENV_ROLE_SESSION_NAME, "env-name")]),
            arn(),
            Some("mine".into()),
        )
        .unwrap();
        assert_eq!(from_env.session_name, "env-name");
        assert!(RoleRequest::new(&settings(&[]), arn(), Some("bad name".into())).is_err());
        assert!(from_env.duration(Some(899)).is_err());
    }
}
