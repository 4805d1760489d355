//! RFC 3986 percent-encoding, as both signature versions and the form body need it
//! (docs/WIRE.md, "Encoding").

/// Appends `input` to `out`, percent-encoding every byte except the unreserved
/// characters `A-Z a-z 0-9 - _ . ~` (upper-case hex; space becomes `%20`).
///
/// One encoder serves the canonical strings and the form body, so what is signed
/// is exactly what is sent.
pub fn percent_encode_into(input: &str, out: &mut String) {
    // Runs of unreserved bytes are copied whole; this is over half of V1 signing's time.
    let bytes = input.as_bytes();
    out.reserve(bytes.len());
    let mut run_start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if UNRESERVED[byte as usize] {
            continue;
        }
        // A non-empty run is unreserved ASCII, so both ends are char boundaries.
        if at > run_start {
            out.push_str(&input[run_start..at]);
        }
        let escape = byte as usize * 3;
        out.push_str(&ESCAPES[escape..escape + 3]);
        run_start = at + 1;
    }
    if bytes.len() > run_start {
        out.push_str(&input[run_start..]);
    }
}

/// `true` for the bytes RFC 3986 leaves as they are.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        byte += 1;
    }
    table
};

/// `%00%01...%FF`: the escape of byte `b` is at `3 * b`.
const ESCAPES: &str = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    const BYTES: [u8; 768] = {
        let mut table = [0u8; 768];
        let mut byte = 0;
        while byte < 256 {
            table[byte * 3] = b'%';
            table[byte * 3 + 1] = HEX[byte >> 4];
            table[byte * 3 + 2] = HEX[byte & 0x0f];
            byte += 1;
        }
        table
    };
    match std::str::from_utf8(&BYTES) {
        Ok(text) => text,
        Err(_) => panic!("the escape table is ASCII"),
    }
};

/// Percent-encodes `input` into a new string (see [`percent_encode_into`]).
/// The crate itself encodes in place; this is for tests and benchmarks.
#[cfg(any(test, feature = "unstable"))]
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

    #[test]
    fn agrees_with_the_byte_by_byte_rule_for_every_byte_and_mixed_runs() {
        let byte_by_byte = |input: &str| -> String {
            input
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        };
        let mut every_char: String = (0u32..0x800).filter_map(char::from_u32).collect();
        every_char.push_str("ab~ä€😀 x-y");
        for input in [
            every_char.as_str(),
            "ä",
            "aä",
            "äa",
            "a ä b",
            "😀😀",
            "~",
            "%",
        ] {
            assert_eq!(percent_encode(input), byte_by_byte(input), "{input:?}");
        }
    }
}
