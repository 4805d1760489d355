//! Signature V3 (ACS3-HMAC-SHA256): a canonical request over the method, path,
//! query, the signed headers and the body's SHA-256.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use zeroize::Zeroizing;

/// The algorithm name, at the head of the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Lower-case hex of the SHA-256 of `bytes` (the `x-acs-content-sha256` value).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The canonical request and the `SignedHeaders` list. `headers` must have
/// lower-case names and are sorted here; `canonical_query` is empty for none.
pub fn canonical_request(
    method: &str,
    path: &str,
    canonical_query: &str,
    headers: &mut [(&str, &str)],
    payload_hash: &str,
) -> (Zeroizing<String>, String) {
    headers.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = Zeroizing::new(String::with_capacity(512));
    let mut signed = String::with_capacity(128);
    out.push_str(method);
    out.push('\n');
    out.push_str(path);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    for (i, (name, value)) in headers.iter().enumerate() {
        out.push_str(name);
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
        if i > 0 {
            signed.push(';');
        }
        signed.push_str(name);
    }
    out.push('\n');
    out.push_str(&signed);
    out.push('\n');
    out.push_str(payload_hash);
    (out, signed)
}

/// `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical request)).
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// Hex HMAC-SHA256 of `string_to_sign` keyed with the secret.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The `Authorization` header value.
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    )
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
