//! The encodings in which a secret may come back from a gateway, written out.
//!
//! [`encoded_forms`] is the one list the project agrees on (the tests of every
//! front door and the fuzz targets search captured output for each form); the
//! scrubber in the parent module removes all of them and more (any mix of the
//! percent forms, JSON escapes, XML/HTML entities), so this list is what is
//! promised, not all that is done.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

#[cfg(any(test, feature = "unstable"))]
/// Hex digits in the case a percent-encoder writes them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hex {
    Upper,
    Lower,
}

#[cfg(any(test, feature = "unstable"))]
/// Every agreed encoding of `secret`, without duplicates, raw first:
///
/// 1. raw;
/// 2. percent-encoded (RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~`
///    kept), upper-case hex, then lower-case hex;
/// 3. each of those percent-encoded a second time (`%2A` -> `%252A`);
/// 4. form encoding (space as `+`, the rest as in 2), upper-case then lower-case hex;
/// 5. standard base64 (with padding) of the secret's UTF-8 bytes.
///
/// An empty secret has no forms.
pub fn encoded_forms(secret: &str) -> Vec<String> {
    if secret.is_empty() {
        return Vec::new();
    }
    let upper = percent(secret, Hex::Upper, false);
    let lower = percent(secret, Hex::Lower, false);
    let candidates = [
        secret.to_string(),
        percent(&upper, Hex::Upper, false),
        percent(&lower, Hex::Lower, false),
        percent(secret, Hex::Upper, true),
        percent(secret, Hex::Lower, true),
        STANDARD.encode(secret),
        upper,
        lower,
    ];
    // Order: raw, once (upper, lower), twice (upper, lower), form, base64.
    let order = [0, 6, 7, 1, 2, 3, 4, 5];
    let mut forms: Vec<String> = Vec::with_capacity(order.len());
    for at in order {
        let form = &candidates[at];
        if !forms.contains(form) {
            forms.push(form.clone());
        }
    }
    forms
}

#[cfg(any(test, feature = "unstable"))]
/// RFC 3986 percent-encoding with the hex case chosen, and optionally space as `+`.
fn percent(input: &str, hex: Hex, plus_for_space: bool) -> String {
    let digits: &[u8; 16] = match hex {
        Hex::Upper => b"0123456789ABCDEF",
        Hex::Lower => b"0123456789abcdef",
    };
    let mut out = String::with_capacity(input.len() * 3);
    for byte in input.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else if byte == b' ' && plus_for_space {
            out.push('+');
        } else {
            out.push('%');
            out.push(digits[usize::from(byte >> 4)] as char);
            out.push(digits[usize::from(byte & 0x0f)] as char);
        }
    }
    out
}

/// Shortest base64 fragment that is scrubbed on its own (see [`base64_forms`]).
const MIN_BASE64_FRAGMENT: usize = 8;

/// The base64 texts the scrubber removes literally (base64 is case-sensitive):
/// the standard and URL-safe encodings of the secret, padded, and the parts of
/// its encoding that do not depend on neighbouring bytes when the secret sits
/// at any of the three alignments inside a longer base64 text (a gateway that
/// echoes the whole request body base64-encoded). Fragments shorter than
/// [`MIN_BASE64_FRAGMENT`] are left out, so ordinary words are not removed.
pub(super) fn base64_forms(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    if bytes.is_empty() {
        return Vec::new();
    }
    let whole = STANDARD.encode(bytes);
    let mut forms: Vec<String> = Vec::with_capacity(8);
    // Three encodings in all: the secret after 0, 1 and 2 bytes of a
    // neighbour; the one after 0 bytes is the whole encoding.
    let mut shifted = Vec::with_capacity(bytes.len() + 2);
    for before in 0..3usize {
        let bits_start = before * 8;
        let bits_end = bits_start + bytes.len() * 8;
        // Characters whose six bits all come from the secret.
        let (first, last) = (bits_start.div_ceil(6), bits_end / 6);
        if last < first + MIN_BASE64_FRAGMENT {
            continue;
        }
        let fragment = if before == 0 {
            whole[..last].to_string()
        } else {
            shifted.clear();
            shifted.resize(before, 0);
            shifted.extend_from_slice(bytes);
            STANDARD.encode(&shifted)[first..last].to_string()
        };
        if !forms.contains(&fragment) {
            forms.push(fragment);
        }
    }
    if !forms.contains(&whole) {
        forms.push(whole);
    }
    // URL-safe base64 differs only where the standard one has `+` or `/`.
    for at in 0..forms.len() {
        if forms[at].contains(['+', '/']) {
            let other = forms[at].replace('+', "-").replace('/', "_");
            forms.push(other);
        }
    }
    forms
}

/// False when `text` cannot hold any of [`base64_forms`]: each of them starts
/// with the first four characters of one of the three alignments, which are
/// cheap to compute, so the forms themselves are built only when one of those
/// beginnings (standard or URL-safe) is in the text.
pub(super) fn base64_may_occur(secret: &str, text: &str) -> bool {
    let bytes = secret.as_bytes();
    if bytes.len() < 4 {
        return !bytes.is_empty();
    }
    for before in 0..3usize {
        let mut input = [0u8; 6];
        input[before..before + 4].copy_from_slice(&bytes[..4]);
        let mut out = [0u8; 8];
        let Ok(written) = STANDARD.encode_slice(&input[..before + 4], &mut out) else {
            return true;
        };
        let first = (before * 8).div_ceil(6);
        let Some(start) = out.get(first..(first + 4).min(written)) else {
            return true;
        };
        let mut url_safe = [0u8; 4];
        for (to, from) in url_safe.iter_mut().zip(start) {
            *to = match from {
                b'+' => b'-',
                b'/' => b'_',
                b => *b,
            };
        }
        let found = |b: &[u8]| std::str::from_utf8(b).is_ok_and(|b| text.contains(b));
        if found(start) || found(&url_safe[..start.len()]) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_agreed_form_in_order() {
        assert_eq!(
            encoded_forms("a b*ä"),
            [
                "a b*ä",
                "a%20b%2A%C3%A4",
                "a%20b%2a%c3%a4",
                "a%2520b%252A%25C3%25A4",
                "a%2520b%252a%25c3%25a4",
                "a+b%2A%C3%A4",
                "a+b%2a%c3%a4",
                "YSBiKsOk",
            ]
        );
    }

    #[test]
    fn drops_duplicates_and_empty_secrets() {
        // Only unreserved characters: every percent form is the raw text.
        assert_eq!(encoded_forms("abc-1"), ["abc-1", "YWJjLTE="]);
        assert!(encoded_forms("").is_empty());
    }

    #[test]
    fn base64_fragments_are_found_inside_longer_base64_at_every_alignment() {
        let secret = "Pw5!distinct pass";
        let forms = base64_forms(secret);
        for before in ["", "x", "xy", "xyz", "Password=", "Password=x"] {
            let blob = STANDARD.encode(format!("{before}{secret}&more=1"));
            assert!(
                forms.iter().any(|f| blob.contains(f.as_str())),
                "{before:?}: {blob} holds none of {forms:?}"
            );
        }
    }

    #[test]
    fn no_base64_text_is_shorter_than_its_secret() {
        // The scrubber skips secrets longer than the text on this ground.
        for len in 1..64 {
            let secret = "ä".repeat(len / 2) + &"x".repeat(len % 2);
            for form in base64_forms(&secret) {
                assert!(form.len() >= secret.len(), "{secret:?}: {form}");
            }
        }
    }

    #[test]
    fn the_quick_check_never_misses_a_form() {
        for len in 1..40 {
            let secret: String = "a+/ä?~>".chars().cycle().take(len).collect();
            for form in base64_forms(&secret) {
                let text = format!("x {form} y");
                assert!(base64_may_occur(&secret, &text), "{secret:?}: {form}");
            }
            assert!(len < 4 || !base64_may_occur(&secret, "plain text, no base64 of it"));
        }
    }

    #[test]
    fn short_secrets_keep_only_the_whole_encoding() {
        assert_eq!(base64_forms("ab"), ["YWI="]);
    }
}
