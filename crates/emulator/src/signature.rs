//! The emulator's own signature verifier for V1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256).
//!
//! Written from docs/WIRE.md and checked against the vendor's vectors, deliberately without using the
//! client crate: a canonicalisation bug shared by signer and verifier would otherwise be invisible.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::encoding::{Pair, rfc3986_encode};

/// Sorted, encoded `name=value` list joined with `&`; `Signature` itself is never signed.
fn canonical_pairs<'a>(pairs: impl Iterator<Item = &'a Pair>) -> String {
    let mut sorted: Vec<&Pair> = pairs.collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(name, value)| format!("{}={}", rfc3986_encode(name), rfc3986_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// V1 string to sign: `METHOD&%2F&enc(canonical)` over every parameter except `Signature`.
pub(crate) fn v1_string_to_sign(method: &str, params: &[Pair]) -> String {
    let canonical = canonical_pairs(params.iter().filter(|(name, _)| name != "Signature"));
    format!("{method}&%2F&{}", rfc3986_encode(&canonical))
}

/// V1 signature: base64(HMAC-SHA1(secret + "&", string to sign)).
pub(crate) fn v1_signature(secret: &str, string_to_sign: &str) -> String {
    let key = format!("{secret}&");
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The parts of a V3 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct V3Authorization {
    pub(crate) access_key_id: String,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
}

/// The V3 algorithm name, which is also the `Authorization` header's scheme.
pub(crate) const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Parses `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`; `None` if malformed.
pub(crate) fn parse_v3_authorization(header: &str) -> Option<V3Authorization> {
    let rest = header.trim().strip_prefix(V3_ALGORITHM)?;
    if !rest.starts_with(' ') {
        return None;
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key.trim() {
            "Credential" => credential = Some(value.trim().to_owned()),
            "SignedHeaders" => signed = Some(value.trim().to_owned()),
            "Signature" => signature = Some(value.trim().to_owned()),
            _ => return None,
        }
    }
    let signed_headers: Vec<String> = signed?
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    Some(V3Authorization {
        access_key_id: credential.filter(|c| !c.is_empty())?,
        signed_headers,
        signature: signature.filter(|s| !s.is_empty())?,
    })
}

/// Canonical query for V3: the decoded query pairs re-encoded and sorted, as in V1.
pub(crate) fn v3_canonical_query(query: &[Pair]) -> String {
    canonical_pairs(query.iter())
}

/// V3 canonical request. `headers` hold lower-cased names; a header listed in `signed_headers`
/// but absent contributes an empty value (the signature then simply does not match).
pub(crate) fn v3_canonical_request(
    method: &str,
    path: &str,
    query: &[Pair],
    headers: &[(String, String)],
    signed_headers: &[String],
    payload_sha256_hex: &str,
) -> String {
    let mut canonical_headers = String::new();
    for name in signed_headers {
        let values: Vec<&str> = headers
            .iter()
            .filter(|(h, _)| h == name)
            .map(|(_, v)| v.trim())
            .collect();
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }
    format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{}\n{payload_sha256_hex}",
        v3_canonical_query(query),
        signed_headers.join(";")
    )
}

/// V3 string to sign: the algorithm and the hex SHA-256 of the canonical request.
pub(crate) fn v3_string_to_sign(canonical_request: &str) -> String {
    format!(
        "{V3_ALGORITHM}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// V3 signature: hex(HMAC-SHA256(secret, string to sign)).
pub(crate) fn v3_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Lower-case hex SHA-256, the form `x-acs-content-sha256` carries.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without an early exit, so response timing does not reveal how much of a forged
/// signature (or token) was right.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../../../tests/vectors/signatures.json")).unwrap()
    }

    fn pairs(object: &Value) -> Vec<Pair> {
        object
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect()
    }

    #[test]
    fn reproduces_every_v1_vector() {
        let all = vectors();
        let mut checked = 0;
        for (name, vector) in all.as_object().unwrap() {
            let Some(hmac_key) = vector.get("hmac_key") else {
                continue;
            };
            let secret = hmac_key.as_str().unwrap().strip_suffix('&').unwrap();
            let method = vector["method"].as_str().unwrap();
            let sts = v1_string_to_sign(method, &pairs(&vector["params"]));
            assert_eq!(sts, vector["string_to_sign"].as_str().unwrap(), "{name}");
            let signature = v1_signature(secret, &sts);
            assert_eq!(signature, vector["signature"].as_str().unwrap(), "{name}");
            for other in ["expected", "published_signature"] {
                if let Some(v) = vector.get(other) {
                    assert_eq!(signature, v.as_str().unwrap(), "{name} {other}");
                }
            }
            checked += 1;
        }
        assert_eq!(checked, 7);
    }

    #[test]
    fn reproduces_every_v3_vector() {
        let all = vectors();
        let mut checked = 0;
        for (name, vector) in all.as_object().unwrap() {
            let Some(canonical) = vector.get("canonical_request") else {
                continue;
            };
            let headers: Vec<(String, String)> = pairs(&vector["headers"]);
            let auth = parse_v3_authorization(vector["authorization"].as_str().unwrap()).unwrap();
            assert_eq!(
                auth.signed_headers.join(";"),
                vector["signed_headers"],
                "{name}"
            );
            let query = pairs(&vector["query"]);
            assert_eq!(
                v3_canonical_query(&query),
                vector["canonical_query"],
                "{name}"
            );
            let payload = sha256_hex(b"");
            assert_eq!(payload, vector["payload_sha256_hex"], "{name}");
            let request = v3_canonical_request(
                vector["method"].as_str().unwrap(),
                vector["pathname"].as_str().unwrap(),
                &query,
                &headers,
                &auth.signed_headers,
                &payload,
            );
            assert_eq!(request, canonical.as_str().unwrap(), "{name}");
            let sts = v3_string_to_sign(&request);
            assert_eq!(sts, vector["string_to_sign"], "{name}");
            assert_eq!(v3_signature("testsecret", &sts), auth.signature, "{name}");
            checked += 1;
        }
        assert_eq!(checked, 5);
    }

    /// The upstream unit test's own inputs are not in the vectors, so neither signature can be
    /// recomputed here; `got` differing from `expected` shows the upstream test's fixture is stale,
    /// not which value is right. What it does prove is the header's shape, which we must parse.
    #[test]
    fn parses_both_upstream_authorization_values_without_judging_them() {
        let all = vectors();
        let vector = &all["upstream_test_get_authorization"];
        for key in ["got", "expected"] {
            let auth = parse_v3_authorization(vector[key].as_str().unwrap()).unwrap();
            assert_eq!(auth.access_key_id, "acesskey");
            assert_eq!(auth.signed_headers, ["x-acs-test"]);
            assert_eq!(auth.signature.len(), 64);
            assert!(auth.signature.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn canonical_query_matches_upstream() {
        let all = vectors();
        let query = [("test".to_owned(), " ~/*-+".to_owned())];
        let expected = &all["upstream_test_get_canonical_query_string"]["expected"];
        assert_eq!(v3_canonical_query(&query), expected.as_str().unwrap());
    }

    #[test]
    fn rejects_malformed_authorization_headers() {
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SHA256Credential=a,SignedHeaders=b,Signature=c",
            "HMAC Credential=a,SignedHeaders=b,Signature=c",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=b,Signature=c",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=b",
            "ACS3-HMAC-SHA256 Credential=a,Bogus=b,Signature=c",
        ] {
            assert_eq!(parse_v3_authorization(bad), None, "{bad}");
        }
    }

    #[test]
    fn constant_time_eq_is_plain_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
