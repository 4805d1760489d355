//! Signature V1: base64(HMAC-SHA1(secret + "&", METHOD & %2F & enc(canonical))).

use crate::encoding::percent_encode_into;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

/// The string to sign for `method` over an already canonical parameter string.
pub fn string_to_sign(method: &str, canonical: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(
        method.len() + 4 + canonical.len() * 3 / 2,
    ));
    out.push_str(method);
    out.push_str("&%2F&");
    percent_encode_into(canonical, &mut out);
    out
}

/// The base64 signature of `string_to_sign` with the key `secret&`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut key = Zeroizing::new(Vec::with_capacity(secret.len() + 1));
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
