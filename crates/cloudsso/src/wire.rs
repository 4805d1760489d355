//! Turns a validated request into the exact bytes and headers of one signed attempt.
//!
//! Every business parameter, the password above all, goes into the form body;
//! the URL is always the bare endpoint, so nothing secret reaches a URL.
//! The format is described in docs/WIRE.md.

use crate::credentials::Credentials;
use crate::model::ResetUserPasswordRequest;
use crate::signing::{self, SignatureVersion, v1, v3};
use zeroize::Zeroizing;

/// The operation's name.
pub const ACTION: &str = "ResetUserPassword";
/// The API version this client speaks.
pub const API_VERSION: &str = "2021-05-15";
/// Content type of every request body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// One signed attempt: the form body and the headers that go with it.
pub struct SignedRequest {
    /// The form body; wiped on drop since it holds the password.
    pub body: Zeroizing<String>,
    /// Headers to send (`host`, `content-type`, and for V3 the signature headers);
    /// no value holds a secret except the STS token, which V3 puts in a header.
    pub headers: Vec<(&'static str, String)>,
}

/// Per-attempt values: a fresh nonce and the (skew-corrected) timestamp.
pub struct AttemptStamp<'a> {
    /// The signature nonce.
    pub nonce: &'a str,
    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub timestamp: &'a str,
}

fn bool_str(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// The business parameters, unset ones left out (empty values break signing).
fn business_params<'a>(request: &'a ResetUserPasswordRequest, out: &mut Vec<(&'a str, &'a str)>) {
    out.push(("DirectoryId", request.directory_id()));
    out.push(("UserId", request.user_id()));
    if let Some(password) = request.caller_password() {
        out.push(("Password", password));
    }
    if let Some(generate) = request.get_generate_random_password() {
        out.push(("GenerateRandomPassword", bool_str(generate)));
    }
    if let Some(require) = request.get_require_password_reset_for_next_login() {
        out.push(("RequirePasswordResetForNextLogin", bool_str(require)));
    }
}

/// One RPC call of any product (CloudSSO, STS): its action, API version and business
/// parameters, and the key that signs it (`None` for anonymous calls such as STS
/// `AssumeRoleWithOIDC`, which go out unsigned in V1 form).
pub struct RpcCall<'a> {
    /// `ResetUserPassword`, `AssumeRole`, ...
    pub action: &'a str,
    /// The product's API version.
    pub version: &'a str,
    /// Business parameters, unset ones left out.
    pub params: Vec<(&'a str, &'a str)>,
    /// The signing key; `None` for an anonymous call.
    pub credentials: Option<&'a Credentials>,
}

/// The `ResetUserPassword` call for `request`.
pub fn reset_user_password_call<'a>(
    request: &'a ResetUserPasswordRequest,
    credentials: &'a Credentials,
) -> RpcCall<'a> {
    let mut params: Vec<(&str, &str)> = Vec::with_capacity(14);
    business_params(request, &mut params);
    RpcCall {
        action: ACTION,
        version: API_VERSION,
        params,
        credentials: Some(credentials),
    }
}

#[cfg(any(test, feature = "unstable"))]
/// Signs `request` with the chosen signature version.
pub fn sign(
    version: SignatureVersion,
    request: &ResetUserPasswordRequest,
    credentials: &Credentials,
    stamp: &AttemptStamp<'_>,
    authority: &str,
) -> SignedRequest {
    sign_call(
        version,
        reset_user_password_call(request, credentials),
        stamp,
        authority,
    )
}

/// Signs any RPC call; anonymous calls always take the V1 form, without a signature.
pub fn sign_call(
    version: SignatureVersion,
    call: RpcCall<'_>,
    stamp: &AttemptStamp<'_>,
    authority: &str,
) -> SignedRequest {
    match (version, call.credentials) {
        (SignatureVersion::V3, Some(credentials)) => sign_v3(call, credentials, stamp, authority),
        _ => sign_v1(call, stamp, authority),
    }
}

fn sign_v1(call: RpcCall<'_>, stamp: &AttemptStamp<'_>, authority: &str) -> SignedRequest {
    let mut params = call.params;
    params.extend_from_slice(&[
        ("Action", call.action),
        ("Version", call.version),
        ("Format", "JSON"),
        ("SignatureNonce", stamp.nonce),
        ("Timestamp", stamp.timestamp),
    ]);
    if let Some(credentials) = call.credentials {
        params.extend_from_slice(&[
            ("AccessKeyId", credentials.access_key_id()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
        ]);
        if let Some(token) = credentials.security_token() {
            params.push(("SecurityToken", token.expose()));
        }
    }
    let mut body = Zeroizing::new(String::with_capacity(512));
    signing::canonical_params_into(&mut params, &mut body);
    if let Some(credentials) = call.credentials {
        let to_sign = v1::string_to_sign("POST", &body);
        let signature = v1::signature(credentials.access_key_secret().expose(), &to_sign);
        body.push_str("&Signature=");
        crate::encoding::percent_encode_into(&signature, &mut body);
    }
    SignedRequest {
        body,
        headers: vec![
            ("host", authority.to_string()),
            ("content-type", FORM_CONTENT_TYPE.to_string()),
        ],
    }
}

fn sign_v3(
    call: RpcCall<'_>,
    credentials: &Credentials,
    stamp: &AttemptStamp<'_>,
    authority: &str,
) -> SignedRequest {
    let mut params = call.params;
    let mut body = Zeroizing::new(String::with_capacity(256));
    signing::canonical_params_into(&mut params, &mut body);
    let payload_hash = v3::sha256_hex(body.as_bytes());
    let mut headers: Vec<(&'static str, &str)> = vec![
        ("host", authority),
        ("content-type", FORM_CONTENT_TYPE),
        ("x-acs-action", call.action),
        ("x-acs-version", call.version),
        ("x-acs-date", stamp.timestamp),
        ("x-acs-signature-nonce", stamp.nonce),
        ("x-acs-content-sha256", &payload_hash),
    ];
    if let Some(token) = credentials.security_token() {
        headers.push(("x-acs-security-token", token.expose()));
    }
    let (canonical, signed_headers) =
        v3::canonical_request("POST", "/", "", &mut headers, &payload_hash);
    let to_sign = v3::string_to_sign(&canonical);
    let signature = v3::signature(credentials.access_key_secret().expose(), &to_sign);
    let authorization = v3::authorization(credentials.access_key_id(), &signed_headers, &signature);
    let mut out: Vec<(&'static str, String)> = headers
        .into_iter()
        .map(|(name, value)| (name, value.to_string()))
        .collect();
    out.push(("authorization", authorization));
    SignedRequest { body, headers: out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new("testid", "testsecret", token.map(String::from)).unwrap()
    }

    const STAMP: AttemptStamp<'static> = AttemptStamp {
        nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        timestamp: "2024-01-01T12:00:00Z",
    };

    #[test]
    fn v1_body_is_sorted_encoded_and_signed() {
        let req = ResetUserPasswordRequest::new("d-abc", "u-def").password("Aa1! ä+*xyz");
        let signed = sign(SignatureVersion::V1, &req, &creds(None), &STAMP, "h:1");
        let body: &str = &signed.body;
        assert!(body.starts_with(
            "AccessKeyId=testid&Action=ResetUserPassword&DirectoryId=d-abc&Format=JSON&Password=Aa1%21%20%C3%A4%2B%2Axyz&SignatureMethod=HMAC-SHA1&"
        ));
        let (canonical, sig) = body.rsplit_once("&Signature=").unwrap();
        let expected = v1::signature("testsecret", &v1::string_to_sign("POST", canonical));
        assert_eq!(sig, crate::encoding::percent_encode(&expected));
        assert_eq!(signed.headers[0], ("host", "h:1".to_string()));
    }

    #[test]
    fn v3_signs_host_content_type_and_acs_headers() {
        let req = ResetUserPasswordRequest::new("d-abc", "u-def").generate_random_password(true);
        let signed = sign(
            SignatureVersion::V3,
            &req,
            &creds(Some("tok")),
            &STAMP,
            "h:1",
        );
        assert_eq!(
            &*signed.body,
            "DirectoryId=d-abc&GenerateRandomPassword=true&UserId=u-def"
        );
        let auth = &signed.headers.last().unwrap().1;
        assert!(auth.starts_with(
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature="
        ));
        assert!(
            signed
                .headers
                .iter()
                .any(|(n, v)| *n == "x-acs-security-token" && v == "tok")
        );
    }

    #[test]
    fn anonymous_calls_carry_no_key_and_no_signature() {
        let call = RpcCall {
            action: "AssumeRoleWithOIDC",
            version: "2015-04-01",
            params: vec![("RoleArn", "acs:ram::1:role/r")],
            credentials: None,
        };
        let signed = sign_call(SignatureVersion::V3, call, &STAMP, "h:1");
        assert_eq!(
            &*signed.body,
            "Action=AssumeRoleWithOIDC&Format=JSON&RoleArn=acs%3Aram%3A%3A1%3Arole%2Fr&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Timestamp=2024-01-01T12%3A00%3A00Z&Version=2015-04-01"
        );
        assert!(signed.headers.iter().all(|(n, _)| *n != "authorization"));
    }
}
