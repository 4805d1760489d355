//! Reproduces every signature in the vendor-computed vectors byte for byte.
//! The vectors are copied from the project's shared folder into tests/vectors/.

use cloudsso::encoding::percent_encode;
use cloudsso::signing::{canonical_params_into, v1, v3};
use serde_json::Value;

fn vectors() -> serde_json::Map<String, Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/signatures.json"
    );
    let text = std::fs::read_to_string(path).expect("vectors file");
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn pairs(map: &Value) -> Vec<(String, String)> {
    map.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn every_v1_vector_is_reproduced() {
    let mut checked = 0;
    for (name, v) in vectors() {
        if v.get("hmac_key").is_none() {
            continue;
        }
        let owned = pairs(&v["params"]);
        let mut params: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut canonical = String::new();
        canonical_params_into(&mut params, &mut canonical);
        let to_sign = v1::string_to_sign(v["method"].as_str().unwrap(), &canonical);
        assert_eq!(&*to_sign, v["string_to_sign"].as_str().unwrap(), "{name}");
        let secret = v["hmac_key"].as_str().unwrap().strip_suffix('&').unwrap();
        assert_eq!(
            v1::signature(secret, &to_sign),
            v["signature"].as_str().unwrap(),
            "{name}"
        );
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn every_v3_vector_is_reproduced() {
    let mut checked = 0;
    for (name, v) in vectors() {
        if v.get("canonical_request").is_none() {
            continue;
        }
        let owned_query = pairs(&v["query"]);
        let mut query: Vec<(&str, &str)> = owned_query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut canonical_query = String::new();
        canonical_params_into(&mut query, &mut canonical_query);
        assert_eq!(
            canonical_query,
            v["canonical_query"].as_str().unwrap(),
            "{name}"
        );

        let owned_headers = pairs(&v["headers"]);
        let mut headers: Vec<(&str, &str)> = owned_headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let payload = v["payload_sha256_hex"].as_str().unwrap();
        assert_eq!(
            v3::sha256_hex(b""),
            payload,
            "{name}: the vectors sign an empty body"
        );
        let (canonical, signed) = v3::canonical_request(
            v["method"].as_str().unwrap(),
            v["pathname"].as_str().unwrap(),
            &canonical_query,
            &mut headers,
            payload,
        );
        assert_eq!(
            &*canonical,
            v["canonical_request"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(signed, v["signed_headers"].as_str().unwrap(), "{name}");
        let to_sign = v3::string_to_sign(&canonical);
        assert_eq!(to_sign, v["string_to_sign"].as_str().unwrap(), "{name}");
        let signature = v3::signature("testsecret", &to_sign);
        assert_eq!(
            v3::authorization("testid", &signed, &signature),
            v["authorization"].as_str().unwrap(),
            "{name}"
        );
        checked += 1;
    }
    assert_eq!(checked, 5);
}

/// The vendor's own test of its query encoder; its `got` equals `expected`.
#[test]
fn upstream_canonical_query_encoding() {
    let v = &vectors()["upstream_test_get_canonical_query_string"];
    assert_eq!(
        format!("test={}", percent_encode(" ~/*-+")),
        v["expected"].as_str().unwrap()
    );
}
