//! Independent reference implementations the targets check the core against.

/// RFC 3986 unreserved bytes: `A-Z a-z 0-9 - . _ ~`.
pub fn is_unreserved(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes byte by byte with upper-case hex, written from the RFC
/// rather than from the core's code.
pub fn percent_encode(input: &[u8]) -> String {
    let mut out = String::new();
    for &b in input {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Strict decoder: `None` on a malformed or lower-case escape, or on a byte
/// that should have been encoded.
pub fn percent_decode_strict(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = upper_hex_value(*bytes.get(i + 1)?)?;
                let lo = upper_hex_value(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b if is_unreserved(b) => {
                out.push(b);
                i += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn upper_hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Escapes the five XML special characters for element content.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

/// A JSON string literal for `text` (via serde_json, not the core).
pub fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// True when `value` is `prefix` followed by one or more of `[a-z0-9]` and
/// is at most 64 bytes: the id rule, checked without the core.
pub fn id_is_valid(prefix: &str, value: &str) -> bool {
    if value.len() > 64 || !value.starts_with(prefix) {
        return false;
    }
    let rest = &value.as_bytes()[prefix.len()..];
    !rest.is_empty() && rest.iter().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'))
}

/// The default password policy as the service documents it: 8 to 32
/// characters, an upper-case and a lower-case letter, an ASCII digit, a
/// character that is neither letter nor number, and no control characters.
pub fn password_is_valid(password: &str) -> bool {
    let count = password.chars().count();
    (8..=32).contains(&count)
        && !password.chars().any(char::is_control)
        && password.chars().any(|c| c.is_ascii_digit())
        && password.chars().any(char::is_uppercase)
        && password.chars().any(char::is_lowercase)
        && password.chars().any(|c| !c.is_alphanumeric())
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The IMF-fixdate (RFC 9110) of `secs` after the Unix epoch, e.g.
/// `Thu, 01 Jan 1970 00:00:00 GMT`; the civil date comes from Howard
/// Hinnant's days-to-civil algorithm.
pub fn imf_fixdate(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(imf_fixdate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
