//! RFC 3986 percent-encoding, as both signature versions and the form body need it.

/// Appends `input` to `out`, percent-encoding every byte except the unreserved
/// characters `A-Z a-z 0-9 - _ . ~` (upper-case hex; space becomes `%20`).
///
/// One encoder serves the canonical strings and the form body, so what is signed
/// is exactly what is sent.
pub fn percent_encode_into(input: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in input.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[(byte >> 4) as usize] as char);
            out.push(HEX[(byte & 0x0f) as usize] as char);
        }
    }
}

/// Percent-encodes `input` into a new string (see [`percent_encode_into`]).
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() * 3);
    percent_encode_into(input, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_unreserved_and_encodes_the_rest_in_upper_case() {
        assert_eq!(percent_encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(percent_encode(" *+/:"), "%20%2A%2B%2F%3A");
        assert_eq!(percent_encode("ä"), "%C3%A4");
        assert_eq!(percent_encode(""), "");
    }
}
