//! STS (version `2015-04-01`) as the emulator serves it on its second loopback port:
//! `AssumeRole` signed with a RAM user's (or an STS) key against the role table,
//! `AssumeRoleWithOIDC` (anonymous) against the registered OIDC providers and their tokens, and
//! `GetCallerIdentity`. Keys it issues join the CloudSSO side's key table with their token and
//! an expiry on the emulator's clock, so a client's refresh can be tested by moving that clock.
//!
//! The signature checks are CloudSSO's own ([`crate::api`]), aimed at the STS product.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::{self, ApiAnswer, ApiRequest, Product, Seen};
use crate::clock::format_timestamp;
use crate::errors::{ApiError, sanitize};
use crate::render::{self, Format};
use crate::service::{Service, lock};
use crate::signature::V3_ALGORITHM;
use crate::state::AccessKey;

/// The STS API version.
pub(crate) const STS_VERSION: &str = "2015-04-01";

const STS: Product = Product {
    version: STS_VERSION,
    actions: &["AssumeRole", "AssumeRoleWithOIDC", "GetCallerIdentity"],
};

/// Shortest and default session, in seconds, as on the service.
const MIN_DURATION: i64 = 900;
const DEFAULT_DURATION: i64 = 3600;
/// The longest session a role allows unless it says otherwise.
const DEFAULT_MAX_DURATION: i64 = 3600;
/// ECS instance-role credentials live six hours on the real metadata service.
const INSTANCE_DURATION: i64 = 6 * 3600;

/// A role that `AssumeRole` / `AssumeRoleWithOIDC` may assume, as sent to
/// `POST /_emulator/sts/roles`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleSpec {
    /// `acs:ram::<account>:role/<name>`.
    pub(crate) role_arn: String,
    /// Keys allowed to assume it; absent means any known key.
    #[serde(default)]
    pub(crate) trusted_access_key_ids: Option<Vec<String>>,
    /// When set, `AssumeRole` must send this `ExternalId`.
    #[serde(default)]
    pub(crate) external_id: Option<String>,
    /// Longest `DurationSeconds` accepted (default 3600, at most 43200).
    #[serde(default)]
    pub(crate) max_session_duration: Option<i64>,
}

/// An OIDC provider and the tokens it accepts, as sent to `POST /_emulator/sts/oidc-providers`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OidcProviderSpec {
    pub(crate) provider_arn: String,
    pub(crate) tokens: Vec<String>,
}

/// The ECS metadata service's settings (`POST /_emulator/metadata`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MetadataSettings {
    /// The instance's RAM role; none attached when absent.
    pub(crate) role_name: Option<String>,
    /// IMDSv2 hardened mode: credential paths need a token from `PUT /latest/api/token`.
    pub(crate) require_token: bool,
    /// Lifetime of the credentials served, in seconds.
    pub(crate) duration_seconds: i64,
}

impl Default for MetadataSettings {
    fn default() -> Self {
        MetadataSettings {
            role_name: Some("cloudsso-ecs-role".into()),
            require_token: false,
            duration_seconds: INSTANCE_DURATION,
        }
    }
}

/// A failure to answer the next STS requests with (`POST /_emulator/sts/faults`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StsFault {
    #[serde(default = "one")]
    count: u32,
    #[serde(default = "service_unavailable_status")]
    status: u16,
    #[serde(default = "service_unavailable_code")]
    code: String,
}

fn one() -> u32 {
    1
}
fn service_unavailable_status() -> u16 {
    503
}
fn service_unavailable_code() -> String {
    "ServiceUnavailable".into()
}

/// Counters of the second port, behind `GET /_emulator/sts/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StsStats {
    /// Requests that reached the STS path (any action, refused ones included).
    pub requests: u64,
    /// Credentials issued by `AssumeRole`.
    pub assume_role: u64,
    /// Credentials issued by `AssumeRoleWithOIDC`.
    pub assume_role_with_oidc: u64,
    /// IMDSv2 tokens handed out by `PUT /latest/api/token`.
    pub metadata_tokens: u64,
    /// Credentials served by the metadata role path.
    pub metadata_credentials: u64,
    /// Credentials served by the credentials-URI path.
    pub credentials_uri: u64,
    /// Error answers by code.
    pub errors: BTreeMap<String, u64>,
}

/// What the second port knows.
#[derive(Debug, Default)]
pub(crate) struct StsState {
    roles: BTreeMap<String, RoleSpec>,
    providers: BTreeMap<String, Vec<String>>,
    metadata: MetadataSettings,
    /// IMDSv2 tokens and when (emulator clock) they lapse.
    imds_tokens: HashMap<String, i64>,
    faults: VecDeque<ApiError>,
    pub(crate) stats: StsStats,
}

/// The account and role name of `acs:ram::<account>:role/<name>`.
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("acs:ram::")?;
    let (account, role) = rest.split_once(":role/")?;
    let valid = |s: &str| !s.is_empty() && !s.contains(['/', ':']);
    (valid(account) && valid(role)).then_some((account, role))
}

impl StsState {
    pub(crate) fn add_role(&mut self, spec: RoleSpec) -> Result<(), String> {
        if parse_role_arn(&spec.role_arn).is_none() {
            return Err("role_arn must look like acs:ram::<account>:role/<name>".into());
        }
        if let Some(max) = spec.max_session_duration
            && !(MIN_DURATION..=43_200).contains(&max)
        {
            return Err("max_session_duration must be 900 to 43200".into());
        }
        self.roles.insert(spec.role_arn.clone(), spec);
        Ok(())
    }

    pub(crate) fn add_provider(&mut self, spec: OidcProviderSpec) -> Result<(), String> {
        if spec.provider_arn.is_empty() || spec.tokens.iter().any(String::is_empty) {
            return Err("provider_arn and every token must be non-empty".into());
        }
        self.providers.insert(spec.provider_arn, spec.tokens);
        Ok(())
    }

    pub(crate) fn set_metadata(&mut self, settings: MetadataSettings) -> Result<(), String> {
        if settings.duration_seconds < 60 {
            return Err("duration_seconds must be at least 60".into());
        }
        self.metadata = settings;
        Ok(())
    }

    pub(crate) fn metadata(&self) -> &MetadataSettings {
        &self.metadata
    }

    pub(crate) fn push_fault(&mut self, fault: StsFault) -> Result<usize, String> {
        if !(400..=599).contains(&fault.status) || fault.code.is_empty() {
            return Err("status must be 400 to 599 and code non-empty".into());
        }
        for _ in 0..fault.count {
            self.faults.push_back(ApiError::new(
                fault.status,
                &fault.code,
                "Injected by the emulator's admin API.",
            ));
        }
        Ok(self.faults.len())
    }

    fn count_error(&mut self, code: &str) {
        *self.stats.errors.entry(code.to_owned()).or_default() += 1;
    }
}

/// Temporary credentials just issued.
struct Issued {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expires_at: i64,
}

fn random_text(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// Makes a temporary key for `account_id`, valid for `duration` seconds of the emulator's clock,
/// and lets the CloudSSO side (and STS itself, for role chaining) accept it with its token.
fn issue(service: &Service, account_id: &str, duration: i64) -> Issued {
    let issued = Issued {
        access_key_id: format!("STS.{}", random_text(24)),
        access_key_secret: random_text(40),
        security_token: format!("CAIS{}", random_text(120)),
        expires_at: service.clock.now_unix() + duration,
    };
    lock(&service.state).access_keys.insert(
        issued.access_key_id.clone(),
        AccessKey {
            secret: issued.access_key_secret.clone(),
            security_token: Some(issued.security_token.clone()),
            account_id: account_id.to_owned(),
            expires_at: Some(issued.expires_at),
        },
    );
    issued
}

fn credentials_json(issued: &Issued) -> serde_json::Value {
    json!({
        "AccessKeyId": issued.access_key_id,
        "AccessKeySecret": issued.access_key_secret,
        "SecurityToken": issued.security_token,
        "Expiration": format_timestamp(issued.expires_at),
    })
}

/// One STS request, from the received parts to the answer. Success bodies are JSON (STS calls
/// ask for JSON); errors follow the request's format like CloudSSO's.
pub(crate) fn process(service: &Service, req: &ApiRequest<'_>) -> ApiAnswer {
    let request_id = render::new_request_id();
    let mut format = Format::Json;
    let fault = {
        let mut sts = lock(&service.sts);
        sts.stats.requests += 1;
        sts.faults.pop_front()
    };
    let result = match fault {
        Some(err) => Err(err),
        None => run(service, req, &mut format),
    };
    match result {
        Ok(mut body) => {
            body["RequestId"] = json!(request_id);
            ApiAnswer {
                status: 200,
                request_id,
                content_type: Format::Json.content_type(),
                body: body.to_string(),
                code: None,
            }
        }
        Err(err) => {
            lock(&service.sts).count_error(&err.code);
            ApiAnswer {
                status: err.status,
                body: render::error(format, &request_id, "sts", &err),
                content_type: format.content_type(),
                request_id,
                code: Some(err.code),
            }
        }
    }
}

fn run(
    service: &Service,
    req: &ApiRequest<'_>,
    format: &mut Format,
) -> Result<serde_json::Value, ApiError> {
    let v3 = req
        .header("authorization")
        .is_some_and(|a| a.starts_with(V3_ALGORITHM));
    let mut seen = Seen {
        signature_version: Some(if v3 { "v3" } else { "v1" }),
        ..Seen::default()
    };
    let params = api::parse_params(req, &mut seen, format)?;
    if !v3 {
        *format = api::v1_format(&params.all)?;
    }
    let action = if v3 {
        req.header("x-acs-action")
    } else {
        params.non_empty("Action")
    };
    let anonymous = !v3 && params.non_empty("AccessKeyId").is_none();
    if anonymous && action == Some("AssumeRoleWithOIDC") {
        api::check_action_and_version(
            &STS,
            action,
            params.non_empty("Version"),
            ["Action", "Version"],
        )?;
        return assume_role_with_oidc(service, &params);
    }
    let (key_id, key) = if v3 {
        let key = api::authenticate_v3(service, &STS, req, &params, &mut seen)?;
        (seen.access_key_id.unwrap_or_default(), key)
    } else {
        let key = api::authenticate_v1(service, &STS, req, &params, &mut seen)?;
        (seen.access_key_id.unwrap_or_default(), key)
    };
    match action {
        Some("AssumeRole") => assume_role(service, &params, &key_id),
        Some("AssumeRoleWithOIDC") => assume_role_with_oidc(service, &params),
        _ => Ok(json!({
            "AccountId": key.account_id,
            "IdentityType": if key.security_token.is_some() { "AssumedRoleUser" } else { "RAMUser" },
        })),
    }
}

/// `RoleSessionName`: 2 to 64 of `[A-Za-z0-9.@_-]`.
fn check_session_name(name: &str) -> Result<(), ApiError> {
    let ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".@_-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            400,
            "InvalidParameter.RoleSessionName",
            "RoleSessionName must be 2 to 64 characters of A-Z, a-z, 0-9, '.', '@', '_' and '-'.",
        ))
    }
}

/// Looks up the role and checks the session's name, duration and policy.
fn session(params: &api::Params, roles: &StsState) -> Result<(RoleSpec, String, i64), ApiError> {
    let arn = params
        .non_empty("RoleArn")
        .ok_or_else(|| ApiError::missing("RoleArn"))?;
    let role = roles.roles.get(arn).cloned().ok_or_else(|| {
        ApiError::new(
            404,
            "EntityNotExist.Role",
            format!("The role {} does not exist.", sanitize(arn)),
        )
    })?;
    let session_name = params
        .non_empty("RoleSessionName")
        .ok_or_else(|| ApiError::missing("RoleSessionName"))?;
    check_session_name(session_name)?;
    let max = role.max_session_duration.unwrap_or(DEFAULT_MAX_DURATION);
    let duration = match params.non_empty("DurationSeconds") {
        None => DEFAULT_DURATION.min(max),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|d| (MIN_DURATION..=max).contains(d))
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "InvalidParameter.DurationSeconds",
                    format!("DurationSeconds must be {MIN_DURATION} to {max}."),
                )
            })?,
    };
    if let Some(policy) = params.non_empty("Policy")
        && serde_json::from_str::<serde_json::Value>(policy).is_err()
    {
        return Err(ApiError::new(
            400,
            "InvalidParameter.PolicyGrammar",
            "The Policy is not valid JSON.",
        ));
    }
    Ok((role, session_name.to_owned(), duration))
}

fn answer(
    service: &Service,
    role: &RoleSpec,
    session_name: &str,
    duration: i64,
) -> serde_json::Value {
    let (account, role_name) = parse_role_arn(&role.role_arn).unwrap_or_default();
    let issued = issue(service, account, duration);
    json!({
        "Credentials": credentials_json(&issued),
        "AssumedRoleUser": {
            "Arn": format!("acs:ram::{account}:role/{role_name}/{session_name}"),
            "AssumedRoleId": format!("3{}:{session_name}", &issued.access_key_id[4..20]),
        },
    })
}

fn assume_role(
    service: &Service,
    params: &api::Params,
    caller: &str,
) -> Result<serde_json::Value, ApiError> {
    let (role, session_name, duration) = session(params, &lock(&service.sts))?;
    if let Some(trusted) = &role.trusted_access_key_ids
        && !trusted.iter().any(|k| k == caller)
    {
        return Err(ApiError::new(
            403,
            "NoPermission",
            "You are not authorized to assume this role.",
        ));
    }
    if let Some(expected) = &role.external_id
        && params.get("ExternalId") != Some(expected.as_str())
    {
        return Err(ApiError::new(
            403,
            "NoPermission",
            "The ExternalId does not match the role's trust policy.",
        ));
    }
    let body = answer(service, &role, &session_name, duration);
    lock(&service.sts).stats.assume_role += 1;
    Ok(body)
}

fn assume_role_with_oidc(
    service: &Service,
    params: &api::Params,
) -> Result<serde_json::Value, ApiError> {
    let provider = params
        .non_empty("OIDCProviderArn")
        .ok_or_else(|| ApiError::missing("OIDCProviderArn"))?;
    let token = params
        .non_empty("OIDCToken")
        .ok_or_else(|| ApiError::missing("OIDCToken"))?;
    let (role, session_name, duration) = {
        let sts = lock(&service.sts);
        let tokens = sts.providers.get(provider).ok_or_else(|| {
            ApiError::new(
                404,
                "EntityNotExist.OIDCProvider",
                "The OIDC provider does not exist.",
            )
        })?;
        if !tokens.iter().any(|t| t == token) {
            return Err(ApiError::new(
                400,
                "AuthenticationFail.OIDCToken.Invalid",
                "The OIDC token is not valid for this provider.",
            ));
        }
        session(params, &sts)?
    };
    let mut body = answer(service, &role, &session_name, duration);
    body["OIDCTokenInfo"] =
        json!({ "Issuer": "https://oidc.emulator.invalid", "Subject": session_name });
    lock(&service.sts).stats.assume_role_with_oidc += 1;
    Ok(body)
}

/// A plain answer of the metadata or credentials-URI paths.
pub(crate) struct PlainAnswer {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
}

fn plain(status: u16, body: impl Into<String>) -> PlainAnswer {
    PlainAnswer {
        status,
        content_type: "text/plain",
        body: body.into(),
    }
}

/// The ECS metadata paths: `PUT /latest/api/token` and
/// `GET /latest/meta-data/ram/security-credentials/[<role>]`.
pub(crate) fn metadata(
    service: &Service,
    method: &str,
    path: &str,
    header: &dyn Fn(&str) -> Option<String>,
) -> PlainAnswer {
    let now = service.clock.now_unix();
    let mut sts = lock(&service.sts);
    if path == "/latest/api/token" {
        if method != "PUT" {
            return plain(405, "method not allowed");
        }
        let ttl = header("x-aliyun-ecs-metadata-token-ttl-seconds")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|t| (1..=21_600).contains(t));
        let Some(ttl) = ttl else {
            return plain(
                400,
                "X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to 21600",
            );
        };
        let token = random_text(48);
        sts.imds_tokens.retain(|_, until| *until > now);
        sts.imds_tokens.insert(token.clone(), now + ttl);
        sts.stats.metadata_tokens += 1;
        return plain(200, token);
    }
    let Some(rest) = path.strip_prefix("/latest/meta-data/ram/security-credentials/") else {
        return plain(404, "Not Found");
    };
    if method != "GET" {
        return plain(405, "method not allowed");
    }
    let token_ok = header("x-aliyun-ecs-metadata-token").is_some_and(|t| {
        sts.imds_tokens
            .get(t.trim())
            .is_some_and(|until| *until > now)
    });
    if sts.metadata.require_token && !token_ok {
        return plain(401, "Unauthorized");
    }
    let Some(role) = sts.metadata.role_name.clone() else {
        return plain(404, "Not Found");
    };
    if rest.is_empty() {
        return plain(200, role);
    }
    if rest != role {
        return plain(404, "Not Found");
    }
    sts.stats.metadata_credentials += 1;
    let duration = sts.metadata.duration_seconds;
    drop(sts);
    let issued = issue(service, crate::state::DEMO_ACCOUNT_ID, duration);
    let mut body = credentials_json(&issued);
    body["Code"] = json!("Success");
    body["LastUpdated"] = json!(format_timestamp(now));
    PlainAnswer {
        status: 200,
        content_type: "text/plain",
        body: body.to_string(),
    }
}

/// `GET /credentials-uri`: fresh temporary keys in the shape the vendor's credentials-URI
/// provider reads.
pub(crate) fn credentials_uri(service: &Service, method: &str) -> PlainAnswer {
    if method != "GET" {
        return plain(405, "method not allowed");
    }
    let duration = {
        let mut sts = lock(&service.sts);
        sts.stats.credentials_uri += 1;
        sts.metadata.duration_seconds
    };
    let issued = issue(service, crate::state::DEMO_ACCOUNT_ID, duration);
    let mut body = credentials_json(&issued);
    body["Code"] = json!("Success");
    PlainAnswer {
        status: 200,
        content_type: "application/json",
        body: body.to_string(),
    }
}

/// The demo role every emulator starts with: any known key may assume it.
pub(crate) fn demo_role() -> RoleSpec {
    RoleSpec {
        role_arn: DEMO_ROLE_ARN.into(),
        trusted_access_key_ids: None,
        external_id: None,
        max_session_duration: None,
    }
}

/// The demo role's ARN.
pub const DEMO_ROLE_ARN: &str = "acs:ram::1234567890123456:role/cloudsso-admin";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_parse() {
        assert_eq!(
            parse_role_arn("acs:ram::123:role/admin"),
            Some(("123", "admin"))
        );
        assert_eq!(parse_role_arn("acs:ram::123:user/admin"), None);
        assert_eq!(parse_role_arn("acs:ram:::role/admin"), None);
    }

    #[test]
    fn session_names_follow_the_service_rule() {
        assert!(check_session_name("ok.name@x_-1").is_ok());
        assert!(check_session_name("a").is_err());
        assert!(check_session_name(&"a".repeat(65)).is_err());
        assert!(check_session_name("with space").is_err());
    }
}
