//! The second port: STS (AssumeRole, AssumeRoleWithOIDC), the ECS metadata paths and the
//! credentials URI, and how the keys they issue fare on the CloudSSO side (token required,
//! refused once expired by the emulator's clock).

mod common;

use std::net::SocketAddr;

use common::*;
use serde_json::{Value, json};

const GENERATE: [(&str, &str); 3] = [
    ("DirectoryId", DIR),
    ("UserId", USER),
    ("GenerateRandomPassword", "true"),
];

fn sts_addr(emu: &cloudsso_emulator::Emulator) -> SocketAddr {
    emu.sts_endpoint()
        .trim_start_matches("http://")
        .parse()
        .unwrap()
}

fn sts_caller(action: &str) -> V1 {
    V1 {
        action: action.into(),
        version: "2015-04-01".into(),
        ..V1::demo()
    }
}

fn assume_role(addr: SocketAddr, params: &[(&str, &str)]) -> Resp {
    sts_caller("AssumeRole").call(addr, params)
}

/// A CloudSSO caller holding the credentials of an STS answer.
fn caller_from(creds: &Value) -> V1 {
    V1 {
        token: Some(creds["SecurityToken"].as_str().unwrap().into()),
        ..V1::demo().keys(
            creds["AccessKeyId"].as_str().unwrap(),
            creds["AccessKeySecret"].as_str().unwrap(),
        )
    }
}

#[test]
fn assume_role_issues_keys_that_cloudsso_accepts_only_with_their_token_until_they_expire() {
    let emu = start();
    let sts = sts_addr(&emu);
    let resp = assume_role(
        sts,
        &[
            ("RoleArn", cloudsso_emulator::DEMO_ROLE_ARN),
            ("RoleSessionName", "test-session"),
            ("DurationSeconds", "900"),
        ],
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    let body = resp.json();
    assert_eq!(resp.header("x-acs-request-id"), body["RequestId"].as_str());
    let creds = &body["Credentials"];
    for field in [
        "AccessKeyId",
        "AccessKeySecret",
        "SecurityToken",
        "Expiration",
    ] {
        assert!(
            creds[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    assert!(creds["AccessKeyId"].as_str().unwrap().starts_with("STS."));
    assert_eq!(
        body["AssumedRoleUser"]["Arn"],
        "acs:ram::1234567890123456:role/cloudsso-admin/test-session"
    );
    let caller = caller_from(creds);
    assert_eq!(caller.call(emu.local_addr(), &GENERATE).status, 200);
    let without_token = V1 {
        token: None,
        nonce: nonce(),
        ..caller.clone()
    };
    assert_eq!(
        without_token.call(emu.local_addr(), &GENERATE).code(),
        "InvalidSecurityToken.Missing"
    );
    // 900 s later by the emulator's clock (the caller's timestamp follows, so only the token lapses).
    emu.set_clock_offset(901);
    let later = V1 {
        nonce: nonce(),
        timestamp: timestamp(901),
        ..caller
    };
    let resp = later.call(emu.local_addr(), &GENERATE);
    assert_eq!(resp.status, 403);
    assert_eq!(resp.code(), "InvalidSecurityToken.Expired");
    let stats = emu.sts_stats();
    assert_eq!(stats.assume_role, 1);
    assert_eq!(stats.requests, 1);
}

#[test]
fn assume_role_checks_signature_role_session_duration_policy_and_trust() {
    let emu = start();
    let sts = sts_addr(&emu);
    let (status, _) = emu.admin(
        "POST",
        "/_emulator/sts/roles",
        &json!({"role_arn": "acs:ram::42:role/picky", "external_id": "ext-1",
                "trusted_access_key_ids": ["testid"], "max_session_duration": 7200})
        .to_string(),
    );
    assert_eq!(status, 200);
    let role = |extra: &[(&'static str, &'static str)]| {
        let mut params = vec![
            ("RoleArn", "acs:ram::42:role/picky"),
            ("RoleSessionName", "s1"),
            ("ExternalId", "ext-1"),
        ];
        params.extend_from_slice(extra);
        params
    };
    let ok = assume_role(sts, &role(&[("DurationSeconds", "7200")]));
    assert_eq!(ok.status, 200, "{}", ok.body);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("RoleArn", "acs:ram::42:role/nobody"),
                ("RoleSessionName", "s1"),
            ],
            "EntityNotExist.Role",
        ),
        (
            vec![
                ("RoleArn", "acs:ram::42:role/picky"),
                ("RoleSessionName", "s"),
            ],
            "InvalidParameter.RoleSessionName",
        ),
        (
            role(&[("DurationSeconds", "7201")]),
            "InvalidParameter.DurationSeconds",
        ),
        (
            role(&[("Policy", "{not json")]),
            "InvalidParameter.PolicyGrammar",
        ),
        (
            vec![
                ("RoleArn", "acs:ram::42:role/picky"),
                ("RoleSessionName", "s1"),
                ("ExternalId", "other"),
            ],
            "NoPermission",
        ),
        (vec![("RoleSessionName", "s1")], "MissingParameter"),
    ];
    for (params, code) in cases {
        assert_eq!(assume_role(sts, &params).code(), code, "{params:?}");
    }
    let wrong_secret = V1 {
        secret: "not-the-secret".into(),
        ..sts_caller("AssumeRole")
    };
    assert_eq!(
        wrong_secret.call(sts, &role(&[])).code(),
        "SignatureDoesNotMatch"
    );
    let wrong_version = V1 {
        version: "2021-05-15".into(),
        ..sts_caller("AssumeRole")
    };
    assert_eq!(wrong_version.call(sts, &role(&[])).code(), "InvalidVersion");
    // An untrusted (but valid) key: the role trusts only testid.
    let first = ok.json();
    let chained = V1 {
        action: "AssumeRole".into(),
        version: "2015-04-01".into(),
        ..caller_from(&first["Credentials"])
    };
    assert_eq!(chained.call(sts, &role(&[])).code(), "NoPermission");
    // The demo role trusts any key, STS keys included (role chaining).
    let chained = V1 {
        nonce: nonce(),
        ..chained
    };
    let resp = chained.call(
        sts,
        &[
            ("RoleArn", cloudsso_emulator::DEMO_ROLE_ARN),
            ("RoleSessionName", "chained"),
        ],
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
}

/// An unsigned form POST, as `AssumeRoleWithOIDC` is sent.
fn anonymous(addr: SocketAddr, params: &[(&str, &str)]) -> Resp {
    let mut all: Vec<(&str, &str)> = vec![
        ("Action", "AssumeRoleWithOIDC"),
        ("Version", "2015-04-01"),
        ("Format", "JSON"),
    ];
    all.extend_from_slice(params);
    let body: String = all
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let headers = [(
        "content-type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    send(addr, "POST", "/", &headers, body.as_bytes())
}

#[test]
fn assume_role_with_oidc_needs_a_registered_provider_and_token() {
    let emu = start();
    let sts = sts_addr(&emu);
    let provider = "acs:ram::1234567890123456:oidc-provider/ack";
    let (status, _) = emu.admin(
        "POST",
        "/_emulator/sts/oidc-providers",
        &json!({"provider_arn": provider, "tokens": ["eyJ.token.sig"]}).to_string(),
    );
    assert_eq!(status, 200);
    let params = |token: &'static str| {
        vec![
            ("RoleArn", cloudsso_emulator::DEMO_ROLE_ARN),
            ("OIDCProviderArn", provider),
            ("OIDCToken", token),
            ("RoleSessionName", "pod-1"),
        ]
    };
    let resp = anonymous(sts, &params("eyJ.token.sig"));
    assert_eq!(resp.status, 200, "{}", resp.body);
    let creds = resp.json()["Credentials"].clone();
    assert_eq!(
        caller_from(&creds).call(emu.local_addr(), &GENERATE).status,
        200
    );
    assert_eq!(
        anonymous(sts, &params("eyJ.other.sig")).code(),
        "AuthenticationFail.OIDCToken.Invalid"
    );
    let mut unknown = params("eyJ.token.sig");
    unknown[1].1 = "acs:ram::1:oidc-provider/none";
    assert_eq!(
        anonymous(sts, &unknown).code(),
        "EntityNotExist.OIDCProvider"
    );
    // Anonymous calls may not do anything else.
    let resp = send(
        sts,
        "POST",
        "/?Action=AssumeRole&Version=2015-04-01&Format=JSON",
        &[],
        b"",
    );
    assert_eq!(resp.code(), "MissingParameter");
    assert_eq!(emu.sts_stats().assume_role_with_oidc, 1);
}

fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> Resp {
    let headers: Vec<(String, String)> = token
        .map(|t| vec![("x-aliyun-ecs-metadata-token".to_owned(), t.to_owned())])
        .unwrap_or_default();
    send(addr, "GET", path, &headers, b"")
}

#[test]
fn metadata_paths_serve_the_instance_role_with_imdsv2_tokens() {
    let emu = start();
    let md = sts_addr(&emu);
    let list = "/latest/meta-data/ram/security-credentials/";
    assert_eq!(get(md, list, None).body, "cloudsso-ecs-role");
    let (status, _) = emu.admin(
        "POST",
        "/_emulator/metadata",
        &json!({"role_name": "EcsRole", "require_token": true}).to_string(),
    );
    assert_eq!(status, 200);
    assert_eq!(get(md, list, None).status, 401);
    let ttl = [(
        "x-aliyun-ecs-metadata-token-ttl-seconds".to_owned(),
        "21600".to_owned(),
    )];
    let token = send(md, "PUT", "/latest/api/token", &ttl, b"");
    assert_eq!(token.status, 200);
    let token = token.body;
    assert_eq!(get(md, list, Some(&token)).body, "EcsRole");
    assert_eq!(get(md, &format!("{list}Other"), Some(&token)).status, 404);
    let creds = get(md, &format!("{list}EcsRole"), Some(&token));
    assert_eq!(creds.status, 200);
    let creds: Value = serde_json::from_str(&creds.body).unwrap();
    assert_eq!(creds["Code"], "Success");
    assert_eq!(
        caller_from(&creds).call(emu.local_addr(), &GENERATE).status,
        200
    );
    assert_eq!(
        send(md, "PUT", "/latest/api/token", &[], b"").status,
        400,
        "a token needs its TTL header"
    );
    let stats = emu.sts_stats();
    assert_eq!((stats.metadata_tokens, stats.metadata_credentials), (1, 1));
}

#[test]
fn credentials_uri_and_sts_faults() {
    let emu = start();
    let sts = sts_addr(&emu);
    let resp = get(sts, "/credentials-uri", None);
    assert_eq!(resp.status, 200);
    let creds = resp.json();
    assert_eq!(creds["Code"], "Success");
    assert_eq!(
        caller_from(&creds).call(emu.local_addr(), &GENERATE).status,
        200
    );
    let (status, answer) = emu.admin(
        "POST",
        "/_emulator/sts/faults",
        &json!({"count": 2, "status": 500, "code": "InternalError"}).to_string(),
    );
    assert_eq!((status, answer["pending"].as_u64()), (200, Some(2)));
    let params = [
        ("RoleArn", cloudsso_emulator::DEMO_ROLE_ARN),
        ("RoleSessionName", "s1"),
    ];
    assert_eq!(assume_role(sts, &params).code(), "InternalError");
    assert_eq!(assume_role(sts, &params).code(), "InternalError");
    assert_eq!(assume_role(sts, &params).status, 200);
    let (_, stats) = emu.admin("GET", "/_emulator/sts/stats", "");
    assert_eq!(stats["errors"]["InternalError"], 2);
    assert_eq!(stats["assume_role"], 1);
    assert_eq!(stats["credentials_uri"], 1);
    // The admin API answers on the second port too.
    assert_eq!(admin(sts, "GET", "/_emulator/metadata", None).0, 200);
}
