//! Canonical parameters and both signature versions.
//!
//! Properties, for arbitrary parameter lists, secrets and headers:
//! * `canonical_params_into` appends `name=value` pairs joined by `&`, sorted
//!   by name (byte order), each side of each pair decoding back to the input;
//! * V1: the string to sign and the signature equal a reference built here
//!   (own sort, own percent-encoding, HMAC-SHA1 through the hmac/sha1 crates,
//!   base64); the same inputs always give the same signature;
//! * V3: the canonical request, the string to sign and the signature equal a
//!   reference built here (HMAC-SHA256), and are deterministic.
//!
//! Nothing may panic.
#![no_main]

use base64::Engine;
use cloudsso::signing::{canonical_params_into, v1, v3};
use fuzz_support::Input;
use fuzz_support::reference::{hex, percent_decode_strict, percent_encode};
use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Names the real V1 requests use, so that lists look like them often.
const NAMES: [&str; 14] = [
    "AccessKeyId",
    "Action",
    "DirectoryId",
    "Format",
    "GenerateRandomPassword",
    "Password",
    "RequirePasswordResetForNextLogin",
    "SecurityToken",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "UserId",
    "Version",
];

fn params(input: &mut Input) -> Vec<(String, String)> {
    let count = input.byte() % 16;
    (0..count)
        .map(|_| {
            let name = if input.bool() {
                input.pick(&NAMES).to_string()
            } else {
                input.string(16)
            };
            (name, input.string(40))
        })
        .collect()
}

fn borrowed(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// Names all different: then the order, and so the signature, is fully defined.
fn unique_names(owned: &[(String, String)]) -> bool {
    let mut names: Vec<&str> = owned.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.windows(2).all(|w| w[0] != w[1])
}

fn reference_canonical(owned: &[(String, String)]) -> String {
    let mut sorted = owned.to_vec();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    sorted
        .iter()
        .map(|(n, v)| {
            format!(
                "{}={}",
                percent_encode(n.as_bytes()),
                percent_encode(v.as_bytes())
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn check_canonical(owned: &[(String, String)]) -> String {
    let mut list = borrowed(owned);
    let mut out = String::from("keep:");
    canonical_params_into(&mut list, &mut out);
    let canonical = out
        .strip_prefix("keep:")
        .expect("appends, never overwrites")
        .to_string();

    let decoded: Vec<(Vec<u8>, Vec<u8>)> = if owned.is_empty() {
        assert_eq!(canonical, "");
        Vec::new()
    } else {
        canonical
            .split('&')
            .map(|pair| {
                let (n, v) = pair.split_once('=').expect("every pair has '='");
                (
                    percent_decode_strict(n).expect("name decodes"),
                    percent_decode_strict(v).expect("value decodes"),
                )
            })
            .collect()
    };
    assert_eq!(decoded.len(), owned.len());
    assert!(
        decoded.windows(2).all(|w| w[0].0 <= w[1].0),
        "not sorted: {canonical}"
    );
    // The same pairs, none lost or altered.
    let mut expected: Vec<(Vec<u8>, Vec<u8>)> = owned
        .iter()
        .map(|(n, v)| (n.clone().into_bytes(), v.clone().into_bytes()))
        .collect();
    let mut got = decoded;
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    // The list itself was sorted in place, as the body is built from it.
    assert!(list.windows(2).all(|w| w[0].0 <= w[1].0));
    if unique_names(owned) {
        assert_eq!(canonical, reference_canonical(owned));
    }
    canonical
}

fn check_v1(method: &str, canonical: &str, secret: &str) {
    let to_sign = v1::string_to_sign(method, canonical);
    let signature = v1::signature(secret, &to_sign);
    assert_eq!(signature, v1::signature(secret, &to_sign), "deterministic");
    assert_eq!(*v1::string_to_sign(method, canonical), *to_sign);
    let expected_to_sign = format!("{method}&%2F&{}", percent_encode(canonical.as_bytes()));
    assert_eq!(*to_sign, expected_to_sign);
    let mut key = secret.as_bytes().to_vec();
    key.push(b'&');
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).unwrap();
    mac.update(expected_to_sign.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(signature, expected);
}

fn check_v3(input: &mut Input, canonical: &str, secret: &str) {
    let method = input.pick(&["POST", "GET"]);
    let path = if input.bool() {
        "/".to_string()
    } else {
        input.string(16)
    };
    let query = if input.bool() {
        String::new()
    } else {
        canonical.to_string()
    };
    let body = input.bytes(64);
    let payload_hash = v3::sha256_hex(body);
    assert_eq!(payload_hash, hex(&Sha256::digest(body)));

    let owned: Vec<(String, String)> = (0..input.byte() % 6)
        .map(|_| {
            let name = input.pick(&[
                "host",
                "x-acs-action",
                "x-acs-date",
                "x-acs-content-sha256",
                "content-type",
            ]);
            let name = if input.bool() {
                name.to_string()
            } else {
                input.string(12).to_ascii_lowercase()
            };
            (name, input.string(32))
        })
        .collect();
    let mut headers = borrowed(&owned);
    let (request, signed) =
        v3::canonical_request(method, &path, &query, &mut headers, &payload_hash);
    let mut again = borrowed(&owned);
    let (request2, signed2) =
        v3::canonical_request(method, &path, &query, &mut again, &payload_hash);
    assert_eq!(
        (&*request, &signed),
        (&*request2, &signed2),
        "deterministic"
    );

    if unique_names(&owned) {
        let mut sorted = owned.clone();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let header_lines: String = sorted
            .iter()
            .map(|(n, v)| format!("{n}:{}\n", v.trim()))
            .collect();
        let expected_signed = sorted
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let expected =
            format!("{method}\n{path}\n{query}\n{header_lines}\n{expected_signed}\n{payload_hash}");
        assert_eq!(signed, expected_signed);
        assert_eq!(*request, expected);
    }

    let to_sign = v3::string_to_sign(&request);
    assert_eq!(
        to_sign,
        format!(
            "ACS3-HMAC-SHA256\n{}",
            hex(&Sha256::digest(request.as_bytes()))
        )
    );
    let signature = v3::signature(secret, &to_sign);
    assert_eq!(signature, v3::signature(secret, &to_sign), "deterministic");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    assert_eq!(signature, hex(&mac.finalize().into_bytes()));
    let _ = v3::authorization("testid", &signed, &signature);
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let owned = params(&mut input);
    let secret = input.string(40);
    let method = if input.bool() {
        "POST".to_string()
    } else {
        input.string(8)
    };
    let canonical = check_canonical(&owned);
    check_v1(&method, &canonical, &secret);
    check_v3(&mut input, &canonical, &secret);
});
