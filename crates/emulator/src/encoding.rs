//! Percent-encoding in both directions.
//!
//! Decoding follows `application/x-www-form-urlencoded` (`+` is a space, `%XX` are UTF-8 bytes)
//! for the query string and the form body alike. Encoding is the RFC 3986 variant both signature
//! versions canonicalise with: only `A-Z a-z 0-9 - _ . ~` stay literal, hex digits are upper case.
//! This is written from docs/WIRE.md, independently of the client crate's signer.

/// One `name=value` pair as decoded from a query string or a form body.
pub(crate) type Pair = (String, String);

/// RFC 3986 encoding with upper-case hex, as used in canonical strings.
pub(crate) fn rfc3986_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3);
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Decodes one form-urlencoded component. `Err` names what is wrong, never the value itself
/// (the value may be a password).
pub(crate) fn form_decode(component: &str) -> Result<String, &'static str> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| hex_value(*b));
                let lo = bytes.get(i + 2).and_then(|b| hex_value(*b));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err("malformed percent-encoding"),
                }
                i += 3;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "percent-encoded bytes are not UTF-8")
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Splits `a=1&b=2` into decoded pairs. Empty segments (`a=1&&b=2`) are skipped; a segment
/// without `=` is a name with an empty value.
pub(crate) fn parse_pairs(input: &str) -> Result<Vec<Pair>, &'static str> {
    input
        .split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            Ok((form_decode(name)?, form_decode(value)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_the_vendor() {
        assert_eq!(rfc3986_encode(" ~/*-+"), "%20~%2F%2A-%2B");
        assert_eq!(rfc3986_encode("ä"), "%C3%A4");
        assert_eq!(rfc3986_encode("AZaz09-_.~"), "AZaz09-_.~");
    }

    #[test]
    fn decodes_plus_as_space_and_utf8_escapes() {
        assert_eq!(form_decode("a+b%2Bc%C3%A4%2a").unwrap(), "a b+cä*");
    }

    #[test]
    fn rejects_broken_escapes_and_non_utf8() {
        assert!(form_decode("%").is_err());
        assert!(form_decode("%4").is_err());
        assert!(form_decode("%zz").is_err());
        assert!(form_decode("%FF").is_err());
    }

    #[test]
    fn splits_pairs_and_tolerates_empty_segments() {
        let pairs = parse_pairs("a=1&&b=&c&d=x%3Dy").unwrap();
        let expected = [("a", "1"), ("b", ""), ("c", ""), ("d", "x=y")];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expected);
    }
}
