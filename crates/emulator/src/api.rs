//! `ResetUserPassword` itself: from a received request (method, target, headers, body) to the
//! answer, applying the service's checks in the service's order. No HTTP library types here, so
//! the rules can be read (and tested) apart from the server. The wire format is in docs/WIRE.md.

use crate::clock::{MAX_SKEW_SECONDS, parse_timestamp};
use crate::encoding::{Pair, parse_pairs};
use crate::errors::{ApiError, sanitize};
use crate::render::{self, Format};
use crate::service::{Service, lock};
use crate::signature::{
    V3_ALGORITHM, constant_time_eq, parse_v3_authorization, sha256_hex, v1_signature,
    v1_string_to_sign, v3_canonical_request, v3_signature, v3_string_to_sign,
};
use crate::state::AccessKey;

/// The only action and version served.
pub(crate) const ACTION: &str = "ResetUserPassword";
pub(crate) const VERSION: &str = "2021-05-15";

/// The product an API request is addressed to: its version and the actions it serves. The
/// signature checks are the same for CloudSSO and STS; only this differs.
pub(crate) struct Product {
    pub(crate) version: &'static str,
    pub(crate) actions: &'static [&'static str],
}

/// CloudSSO as this emulator serves it.
pub(crate) const CLOUDSSO: Product = Product {
    version: VERSION,
    actions: &[ACTION],
};

/// Headers a V3 request must sign, so none of its meaning can be altered in transit.
const V3_MUST_SIGN: [&str; 5] = [
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
];

/// A received API request, independent of the HTTP library.
pub(crate) struct ApiRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) raw_query: &'a str,
    /// Lower-cased names, values as received.
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

impl ApiRequest<'_> {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
    }
}

/// What the request log may keep about a request (names and non-secret values only).
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub(crate) query_names: Vec<String>,
    pub(crate) body_names: Vec<String>,
    pub(crate) signature_version: Option<&'static str>,
    pub(crate) access_key_id: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) timestamp: Option<String>,
    pub(crate) directory_id: Option<String>,
    pub(crate) user_id: Option<String>,
}

/// The answer to send.
pub(crate) struct ApiAnswer {
    pub(crate) status: u16,
    pub(crate) request_id: String,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// The error code, `None` on success.
    pub(crate) code: Option<String>,
}

/// Runs every check and, when all pass, the reset. Updates no counters: the server does.
pub(crate) fn process(service: &Service, req: &ApiRequest<'_>, seen: &mut Seen) -> ApiAnswer {
    let request_id = render::new_request_id();
    let host_id = req
        .header("host")
        .map(sanitize)
        .unwrap_or_else(|| "cloudsso".into());
    let mut format = Format::Xml;
    match run(service, req, seen, &mut format) {
        Ok(new_password) => ApiAnswer {
            status: 200,
            body: render::success(format, &request_id, new_password.as_deref()),
            content_type: format.content_type(),
            request_id,
            code: None,
        },
        Err(err) => ApiAnswer {
            status: err.status,
            body: render::error(format, &request_id, &host_id, &err),
            content_type: format.content_type(),
            request_id,
            code: Some(err.code),
        },
    }
}

/// The format an answer to this request takes, and what the request log may keep
/// about it, judged without validating anything (for answers that skip processing,
/// such as an injected `respond` fault; tests still see each attempt's nonce).
pub(crate) fn observe(req: &ApiRequest<'_>) -> (Format, Seen) {
    let v3 = req
        .header("authorization")
        .is_some_and(|a| a.starts_with(V3_ALGORITHM));
    let mut seen = Seen {
        signature_version: Some(if v3 { "v3" } else { "v1" }),
        ..Seen::default()
    };
    let mut format = Format::Xml;
    let params = parse_params(req, &mut seen, &mut format).ok();
    let param = |name: &str| {
        params
            .as_ref()
            .and_then(|p| p.non_empty(name))
            .map(str::to_owned)
    };
    if v3 {
        format = Format::Json;
        seen.nonce = req.header("x-acs-signature-nonce").map(sanitize);
        seen.timestamp = req.header("x-acs-date").map(sanitize);
    } else {
        if let Some(p) = &params {
            format = v1_format(&p.all).unwrap_or(Format::Xml);
        }
        seen.nonce = param("SignatureNonce").map(|n| sanitize(&n));
        seen.timestamp = param("Timestamp").map(|t| sanitize(&t));
        seen.access_key_id = param("AccessKeyId").map(|k| sanitize(&k));
    }
    (format, seen)
}

/// Parameters of a request, from the query string and the form body.
pub(crate) struct Params {
    pub(crate) query: Vec<Pair>,
    pub(crate) all: Vec<Pair>,
}

impl Params {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.all
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// An empty value counts as absent, as the service treats unset parameters.
    pub(crate) fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

/// The V1 answer format named by `Format`: XML when absent, as on the service.
pub(crate) fn v1_format(pairs: &[Pair]) -> Result<Format, ApiError> {
    match pairs
        .iter()
        .find(|(n, _)| n == "Format")
        .map(|(_, v)| v.as_str())
    {
        None => Ok(Format::Xml),
        Some(f) if f.eq_ignore_ascii_case("json") => Ok(Format::Json),
        Some(f) if f.eq_ignore_ascii_case("xml") => Ok(Format::Xml),
        Some(_) => Err(ApiError::invalid("Format must be JSON or XML.")),
    }
}

/// Parses query and body. For V1 the format is settled from the query before the body is
/// parsed, so a broken body is still answered in the format the caller asked for.
pub(crate) fn parse_params(
    req: &ApiRequest<'_>,
    seen: &mut Seen,
    format: &mut Format,
) -> Result<Params, ApiError> {
    let query = parse_pairs(req.raw_query)
        .map_err(|why| ApiError::invalid(format!("The query string has {why}.")))?;
    seen.query_names = query.iter().map(|(n, _)| n.clone()).collect();
    if seen.signature_version == Some("v1") {
        *format = v1_format(&query)?;
    }
    let is_form = req.header("content-type").is_some_and(|ct| {
        ct.split(';').next().is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    let body = if is_form && !req.body.is_empty() {
        let text = std::str::from_utf8(req.body)
            .map_err(|_| ApiError::invalid("The form body is not UTF-8."))?;
        parse_pairs(text).map_err(|why| ApiError::invalid(format!("The form body has {why}.")))?
    } else {
        Vec::new()
    };
    seen.body_names = body.iter().map(|(n, _)| n.clone()).collect();
    let all: Vec<Pair> = query.iter().chain(&body).cloned().collect();
    // Ids are not secrets: logging them lets a test count resets per user.
    let id = |name: &str| {
        all.iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| sanitize(v))
    };
    seen.directory_id = id("DirectoryId");
    seen.user_id = id("UserId");
    let mut names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(ApiError::invalid(format!(
            "The parameter \"{}\" appears more than once.",
            sanitize(w[0])
        )));
    }
    Ok(Params { query, all })
}

/// The checks, in order; `Ok(Some(password))` when a password was generated.
fn run(
    service: &Service,
    req: &ApiRequest<'_>,
    seen: &mut Seen,
    format: &mut Format,
) -> Result<Option<String>, ApiError> {
    let v3 = req
        .header("authorization")
        .is_some_and(|a| a.starts_with(V3_ALGORITHM));
    seen.signature_version = Some(if v3 { "v3" } else { "v1" });
    if v3 {
        *format = Format::Json;
    }
    let params = parse_params(req, seen, format)?;
    if !v3 {
        *format = v1_format(&params.all)?;
    }
    let key = if v3 {
        authenticate_v3(service, &CLOUDSSO, req, &params, seen)?
    } else {
        authenticate_v1(service, &CLOUDSSO, req, &params, seen)?
    };
    lock(&service.throttle).admit(&key.account_id)?;
    reset(service, &params)
}

pub(crate) fn check_action_and_version(
    product: &Product,
    action: Option<&str>,
    version: Option<&str>,
    names: [&str; 2],
) -> Result<(), ApiError> {
    let action = action.ok_or_else(|| ApiError::missing(names[0]))?;
    let version = version.ok_or_else(|| ApiError::missing(names[1]))?;
    if version != product.version {
        return Err(ApiError::invalid_version());
    }
    if !product.actions.contains(&action) {
        return Err(ApiError::unknown_action(action));
    }
    Ok(())
}

fn check_timestamp(service: &Service, value: &str, name: &str) -> Result<(), ApiError> {
    let ts = parse_timestamp(value).ok_or_else(|| ApiError::illegal_timestamp(name))?;
    if (service.clock.now_unix() - ts).abs() > MAX_SKEW_SECONDS {
        return Err(ApiError::expired_timestamp());
    }
    Ok(())
}

fn find_key(service: &Service, access_key_id: &str) -> Result<AccessKey, ApiError> {
    lock(&service.state)
        .access_keys
        .get(access_key_id)
        .cloned()
        .ok_or_else(ApiError::unknown_access_key)
}

/// STS keys require their token, and only until they expire (by the emulator's clock); a token
/// sent for a long-term key is a mismatch too.
fn check_security_token(
    service: &Service,
    key: &AccessKey,
    sent: Option<&str>,
) -> Result<(), ApiError> {
    match (&key.security_token, sent) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(ApiError::security_token_missing()),
        (Some(expected), Some(sent)) if constant_time_eq(expected.as_bytes(), sent.as_bytes()) => {
            match key.expires_at {
                Some(at) if service.clock.now_unix() >= at => {
                    Err(ApiError::security_token_expired())
                }
                _ => Ok(()),
            }
        }
        _ => Err(ApiError::security_token_mismatch()),
    }
}

fn check_nonce(service: &Service, access_key_id: &str, nonce: &str) -> Result<(), ApiError> {
    if lock(&service.nonces).check_and_insert(access_key_id, nonce) {
        Ok(())
    } else {
        Err(ApiError::nonce_used())
    }
}

pub(crate) fn authenticate_v1(
    service: &Service,
    product: &Product,
    req: &ApiRequest<'_>,
    params: &Params,
    seen: &mut Seen,
) -> Result<AccessKey, ApiError> {
    seen.access_key_id = params.non_empty("AccessKeyId").map(str::to_owned);
    seen.nonce = params.non_empty("SignatureNonce").map(str::to_owned);
    seen.timestamp = params.non_empty("Timestamp").map(str::to_owned);
    check_action_and_version(
        product,
        params.non_empty("Action"),
        params.non_empty("Version"),
        ["Action", "Version"],
    )?;
    let mut required = [""; 6];
    for (slot, name) in required.iter_mut().zip([
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "Signature",
    ]) {
        *slot = params
            .non_empty(name)
            .ok_or_else(|| ApiError::missing(name))?;
    }
    let [access_key_id, method, version, nonce, timestamp, signature] = required;
    if method != "HMAC-SHA1" {
        return Err(ApiError::invalid(
            "SignatureMethod must be HMAC-SHA1 for signature version 1.0.",
        ));
    }
    if version != "1.0" {
        return Err(ApiError::invalid("SignatureVersion must be 1.0."));
    }
    check_timestamp(service, timestamp, "Timestamp")?;
    let key = find_key(service, access_key_id)?;
    let expected = v1_signature(&key.secret, &v1_string_to_sign(req.method, &params.all));
    if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(ApiError::signature_mismatch(
            "Check the AccessKeySecret and that every parameter (query and body) is signed.",
        ));
    }
    check_security_token(service, &key, params.get("SecurityToken"))?;
    check_nonce(service, access_key_id, nonce)?;
    Ok(key)
}

pub(crate) fn authenticate_v3(
    service: &Service,
    product: &Product,
    req: &ApiRequest<'_>,
    params: &Params,
    seen: &mut Seen,
) -> Result<AccessKey, ApiError> {
    let authorization = req.header("authorization").unwrap_or_default();
    let auth = parse_v3_authorization(authorization);
    seen.access_key_id = auth.as_ref().map(|a| a.access_key_id.clone());
    seen.nonce = req
        .header("x-acs-signature-nonce")
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    seen.timestamp = req
        .header("x-acs-date")
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    check_action_and_version(
        product,
        req.header("x-acs-action").filter(|v| !v.is_empty()),
        req.header("x-acs-version").filter(|v| !v.is_empty()),
        ["x-acs-action", "x-acs-version"],
    )?;
    let auth = auth.ok_or_else(|| {
        ApiError::new(
            400,
            "IncompleteSignature",
            "The Authorization header is not of the form ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...",
        )
    })?;
    for name in [
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        if req.header(name).is_none_or(str::is_empty) {
            return Err(ApiError::missing(name));
        }
    }
    let token = req.header("x-acs-security-token");
    let must_sign = V3_MUST_SIGN
        .iter()
        .chain(token.map(|_| &"x-acs-security-token"));
    for name in must_sign {
        if !auth.signed_headers.iter().any(|h| h == name) {
            return Err(ApiError::new(
                400,
                "IncompleteSignature",
                format!("The header {name} must be listed in SignedHeaders."),
            ));
        }
    }
    check_timestamp(
        service,
        seen.timestamp.as_deref().unwrap_or_default(),
        "x-acs-date",
    )?;
    let key = find_key(service, &auth.access_key_id)?;
    let payload = sha256_hex(req.body);
    let claimed = req.header("x-acs-content-sha256").unwrap_or_default();
    if !claimed.eq_ignore_ascii_case(&payload) {
        return Err(ApiError::signature_mismatch(
            "x-acs-content-sha256 is not the SHA-256 of the request body.",
        ));
    }
    let canonical = v3_canonical_request(
        req.method,
        req.path,
        &params.query,
        req.headers,
        &auth.signed_headers,
        claimed,
    );
    let expected = v3_signature(&key.secret, &v3_string_to_sign(&canonical));
    let sent = auth.signature.to_ascii_lowercase();
    if !constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
        return Err(ApiError::signature_mismatch(
            "Check the AccessKeySecret and the canonical request (method, path, query, signed headers, payload hash).",
        ));
    }
    check_security_token(service, &key, token)?;
    check_nonce(
        service,
        &auth.access_key_id,
        seen.nonce.as_deref().unwrap_or_default(),
    )?;
    Ok(key)
}

fn parse_bool(params: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match params.non_empty(name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::invalid(format!(
            "The parameter \"{name}\" must be true or false."
        ))),
    }
}

/// Business checks and the reset itself.
fn reset(service: &Service, params: &Params) -> Result<Option<String>, ApiError> {
    let directory_id = params
        .non_empty("DirectoryId")
        .ok_or_else(|| ApiError::missing_business("DirectoryId"))?;
    let user_id = params
        .non_empty("UserId")
        .ok_or_else(|| ApiError::missing_business("UserId"))?;
    let generate = parse_bool(params, "GenerateRandomPassword")?.unwrap_or(false);
    let require_reset = parse_bool(params, "RequirePasswordResetForNextLogin")?.unwrap_or(false);
    let password = params.non_empty("Password");
    if generate && password.is_some() {
        return Err(ApiError::new(
            400,
            "InvalidParameter.PasswordConflict",
            "Password must not be given when GenerateRandomPassword is true.",
        ));
    }
    if !generate && password.is_none() {
        return Err(ApiError::missing_business("Password"));
    }
    let mut state = lock(&service.state);
    let directory = state
        .directories
        .get_mut(directory_id)
        .ok_or_else(ApiError::directory_not_found)?;
    if !directory.users.contains_key(user_id) {
        return Err(ApiError::user_not_found());
    }
    if directory.sso_logon_enabled {
        return Err(ApiError::sso_logon_enabled());
    }
    let (new_password, generated) = match password {
        Some(p) => {
            directory.policy.check(p)?;
            (p.to_owned(), None)
        }
        None => {
            let p = directory.policy.generate();
            (p.clone(), Some(p))
        }
    };
    let user = directory.users.get_mut(user_id).expect("checked above");
    user.password = crate::password::PasswordHash::new(&new_password);
    user.require_reset = require_reset;
    Ok(generated)
}
