//! Removes secrets from text that came back from the service.
//!
//! Gateways echo what they were sent, re-encoded their own way: a
//! `SignatureDoesNotMatch` message holds the string to sign (the password
//! percent-encoded twice), a proxy's 502 may repeat the form body in lower-case
//! hex or with `+` for space, a JSON or XML error page may escape it again. So
//! the scrubber does not look for a few fixed spellings: it walks the text and
//! accepts, for each character of a secret, any of the spellings below, mixed
//! freely within one occurrence:
//!
//! * the character itself (case-sensitive: the secret is);
//! * each UTF-8 byte percent-encoded once (`%2a`) or twice (`%252A`), hex in
//!   either case; a space also as `+` or `%2B` (form encoding);
//! * a JSON escape: `\u002a` (surrogate pairs above U+FFFF) or `\"`, `\\`, `\/`,
//!   `\n`, ...;
//! * an XML/HTML character reference: `&#42;`, `&#x2A;` (the `;` may be
//!   missing, as browsers allow), or a named one (`&ast;`, `&AMP;`), names
//!   compared without case.
//!
//! Base64 cannot be read a character at a time, so the base64 texts of each
//! secret (see [`encodings`]) are removed literally. The list every test and
//! fuzz target searches for is [`encoded_forms`].

mod encodings;

#[cfg(any(test, feature = "unstable"))]
pub use encodings::encoded_forms;

use crate::secret::REDACTED;

/// Replaces every occurrence of each secret in `text`, in any of the spellings
/// listed in the module documentation, with [`REDACTED`]. Empty secrets are ignored.
pub fn redact_secrets(text: &mut String, secrets: &[&str]) {
    if text.is_empty() {
        return;
    }
    let mut patterns: Vec<Pattern> = secrets
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| Pattern::new(s))
        .collect();
    if patterns.is_empty() {
        return;
    }
    let mut scratch = Scratch::default();
    // A replacement next to what is left can spell a secret again (a password
    // ending in `<`, found right after its own first characters, leaves them
    // before `<redacted>`): scrub again until nothing is found. Texts that
    // still hold a secret after a few rounds are replaced whole.
    for _ in 0..MAX_ROUNDS {
        if !redact_once(text, &mut patterns, &mut scratch) {
            return;
        }
    }
    if redact_once(text, &mut patterns, &mut scratch) {
        *text = REDACTED.to_string();
    }
}

/// Rounds of scrubbing before a text is replaced whole (one is the rule).
const MAX_ROUNDS: usize = 4;

/// One left-to-right pass; true when something was replaced.
fn redact_once(text: &mut String, patterns: &mut [Pattern], scratch: &mut Scratch) -> bool {
    // Only secrets the text is long enough for are looked for. Their base64
    // texts are looked for once with the standard library's substring
    // search; only those present are tried position by position.
    let mut live: Vec<(&Pattern, Vec<&[u8]>)> = Vec::with_capacity(patterns.len());
    for pattern in patterns.iter_mut() {
        if pattern.fits(text) && encodings::base64_may_occur(pattern.secret, text) {
            pattern.literals();
        }
    }
    for pattern in patterns.iter() {
        if pattern.fits(text) {
            let present = pattern
                .literals
                .iter()
                .flatten()
                .filter(|l| text.contains(l.as_str()))
                .map(|l| l.as_bytes())
                .collect();
            live.push((pattern, present));
        }
    }
    if live.is_empty() {
        return false;
    }
    // Every occurrence is found, overlapping ones too, and overlapping or
    // touching occurrences become one span, so no part of any secret is left
    // between two replacements.
    let bytes = text.as_bytes();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let lead = bytes[at];
        let mut longest = None;
        for (pattern, literals) in &live {
            let literal = literals
                .iter()
                .filter(|l| bytes[at..].starts_with(l))
                .map(|l| at + l.len())
                .max();
            let spelled = if pattern.may_start_with(lead) {
                pattern.match_at(bytes, at, scratch)
            } else {
                None
            };
            longest = longest.max(literal).max(spelled);
        }
        if let Some(end) = longest {
            match spans.last_mut() {
                Some(last) if at <= last.1 => last.1 = last.1.max(end),
                _ => spans.push((at, end)),
            }
        }
        at += utf8_width(lead);
    }
    if spans.is_empty() {
        return false;
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end) in spans {
        out.push_str(&text[copied..start]);
        out.push_str(REDACTED);
        copied = end;
    }
    out.push_str(&text[copied..]);
    *text = out;
    true
}

/// Position sets reused across positions, so matching allocates nothing per byte.
#[derive(Default)]
struct Scratch {
    reached: Vec<usize>,
    next: Vec<usize>,
    bytes_reached: Vec<usize>,
    bytes_next: Vec<usize>,
}

/// One secret, prepared for matching.
struct Pattern<'a> {
    secret: &'a str,
    /// Texts removed as they are (base64, which is case-sensitive); made
    /// only once a text is long enough to hold the secret at all.
    literals: Option<Vec<String>>,
    /// The bytes a spelling of the first character can start with.
    starts: [bool; 256],
}

impl<'a> Pattern<'a> {
    fn new(secret: &'a str) -> Pattern<'a> {
        let mut starts = [false; 256];
        for lead in [b'%', b'\\', b'&'] {
            starts[usize::from(lead)] = true;
        }
        if let Some(first) = secret.chars().next() {
            starts[usize::from(secret.as_bytes()[0])] = true;
            if first == ' ' {
                starts[usize::from(b'+')] = true;
            }
        }
        Pattern {
            secret,
            literals: None,
            starts,
        }
    }

    /// False when `text` is too short for any spelling of the secret: none
    /// is shorter than the secret's own UTF-8 (a `%XX`, `\uXXXX` or `&...;` is
    /// never shorter than the character's bytes, and the base64 texts looked
    /// for are never shorter than the secret).
    fn fits(&self, text: &str) -> bool {
        text.len() >= self.secret.len()
    }

    fn literals(&mut self) -> &[String] {
        self.literals
            .get_or_insert_with(|| encodings::base64_forms(self.secret))
    }

    fn may_start_with(&self, lead: u8) -> bool {
        self.starts[usize::from(lead)]
    }

    /// The end of the longest spelling of the secret starting at byte `start`, if any.
    ///
    /// Runs the secret as a small automaton: the set of text positions reached
    /// after each character, so a spelling that fits a prefix but not the rest
    /// never hides one that fits the whole (no backtracking, no blow-up).
    fn match_at(&self, text: &[u8], start: usize, scratch: &mut Scratch) -> Option<usize> {
        let Scratch {
            reached,
            next,
            bytes_reached,
            bytes_next,
        } = scratch;
        reached.clear();
        reached.push(start);
        for c in self.secret.chars() {
            next.clear();
            for &at in reached.iter() {
                char_ends(text, at, c, next, bytes_reached, bytes_next);
            }
            if next.is_empty() {
                return None;
            }
            next.sort_unstable();
            next.dedup();
            std::mem::swap(reached, next);
        }
        reached.last().copied()
    }
}

/// Pushes onto `ends` every position where a spelling of `c` that starts at
/// `at` ends.
fn char_ends(
    text: &[u8],
    at: usize,
    c: char,
    ends: &mut Vec<usize>,
    reached: &mut Vec<usize>,
    next: &mut Vec<usize>,
) {
    let Some(&first) = text.get(at) else {
        return;
    };
    let mut utf8 = [0u8; 4];
    let raw = c.encode_utf8(&mut utf8).as_bytes();
    if text[at..].starts_with(raw) {
        ends.push(at + raw.len());
    }
    match first {
        b'%' | b'+' => percent_ends(text, at, c, raw, ends, reached, next),
        b'\\' => json_ends(text, at, c, ends),
        b'&' => entity_ends(text, at, c, ends),
        _ => {}
    }
}

/// `%HH` or `%25HH` per UTF-8 byte, and `+` / `%2B` for a space.
fn percent_ends(
    text: &[u8],
    at: usize,
    c: char,
    raw: &[u8],
    ends: &mut Vec<usize>,
    reached: &mut Vec<usize>,
    next: &mut Vec<usize>,
) {
    if c == ' ' {
        if text[at] == b'+' {
            ends.push(at + 1);
        }
        escaped_byte_ends(text, at, b'+', ends);
    }
    reached.clear();
    reached.push(at);
    for &byte in raw {
        next.clear();
        for &from in reached.iter() {
            escaped_byte_ends(text, from, byte, next);
        }
        if next.is_empty() {
            return;
        }
        std::mem::swap(reached, next);
    }
    ends.extend_from_slice(reached);
}

/// Pushes the ends of `byte` percent-encoded once (`%2A`) or twice (`%252A`)
/// at `at`, hex in any case. (`%2525` is both a doubly encoded `%` and an
/// encoded `%` followed by `25`: both ends are kept.)
fn escaped_byte_ends(text: &[u8], at: usize, byte: u8, ends: &mut Vec<usize>) {
    let Some(rest) = text.get(at..).and_then(|r| r.strip_prefix(b"%")) else {
        return;
    };
    if hex(rest, 2) == Some(u32::from(byte)) {
        ends.push(at + 3);
    }
    if let Some(after) = rest.strip_prefix(b"25")
        && hex(after, 2) == Some(u32::from(byte))
    {
        ends.push(at + 5);
    }
}

/// JSON string escapes: `\uHHHH` (a surrogate pair above U+FFFF) and the short ones.
fn json_ends(text: &[u8], at: usize, c: char, ends: &mut Vec<usize>) {
    let rest = &text[at..];
    let short = match c {
        '"' => Some(b'"'),
        '\\' => Some(b'\\'),
        '/' => Some(b'/'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        _ => None,
    };
    if short.is_some() && rest.get(1).copied() == short {
        ends.push(at + 2);
    }
    let mut units = [0u16; 2];
    let mut end = at;
    for &unit in c.encode_utf16(&mut units).iter() {
        let escape = text.get(end..).and_then(|r| r.strip_prefix(b"\\u"));
        match escape.and_then(|r| hex(r, 4)) {
            Some(value) if value == u32::from(unit) => end += 6,
            _ => return,
        }
    }
    ends.push(end);
}

/// XML/HTML character references: `&#NN;`, `&#xHH;` (the `;` optional) and named ones.
fn entity_ends(text: &[u8], at: usize, c: char, ends: &mut Vec<usize>) {
    let rest = &text[at + 1..];
    if let Some(number) = rest.strip_prefix(b"#") {
        let (digits, radix, skip) = match number.first() {
            Some(b'x' | b'X') => (&number[1..], 16, 3),
            _ => (number, 10, 2),
        };
        let len = digits
            .iter()
            .take_while(|b| char::from(**b).is_digit(radix))
            .count();
        // Seven hex or eight decimal digits (leading zeros aside) exceed any char.
        let value = std::str::from_utf8(&digits[..len])
            .ok()
            .and_then(|d| u32::from_str_radix(d, radix).ok());
        if len > 0 && value == Some(u32::from(c)) {
            let end = at + skip + len;
            ends.push(end);
            if text.get(end) == Some(&b';') {
                ends.push(end + 1);
            }
        }
        return;
    }
    for name in entity_names(c) {
        let candidate = rest.get(..name.len() + 1);
        if let Some(candidate) = candidate
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && candidate[name.len()] == b';'
        {
            ends.push(at + name.len() + 2);
        }
    }
}

/// The XML and HTML 5 names of a character (ASCII ones; others are written as numbers).
fn entity_names(c: char) -> &'static [&'static str] {
    match c {
        '&' => &["amp"],
        '<' => &["lt"],
        '>' => &["gt"],
        '"' => &["quot"],
        '\'' => &["apos"],
        '!' => &["excl"],
        '#' => &["num"],
        '$' => &["dollar"],
        '%' => &["percnt"],
        '(' => &["lpar"],
        ')' => &["rpar"],
        '*' => &["ast", "midast"],
        '+' => &["plus"],
        ',' => &["comma"],
        '.' => &["period"],
        '/' => &["sol"],
        ':' => &["colon"],
        ';' => &["semi"],
        '=' => &["equals"],
        '?' => &["quest"],
        '@' => &["commat"],
        '[' => &["lsqb", "lbrack"],
        '\\' => &["bsol"],
        ']' => &["rsqb", "rbrack"],
        '^' => &["hat"],
        '_' => &["lowbar", "underbar"],
        '`' => &["grave", "diacriticalgrave"],
        '{' => &["lcub", "lbrace"],
        '|' => &["verbar", "vert", "verticalline"],
        '}' => &["rcub", "rbrace"],
        '\t' => &["tab"],
        '\n' => &["newline"],
        '\u{a0}' => &["nbsp"],
        _ => &[],
    }
}

/// The value of exactly `digits` hex digits at the start of `text`, any case.
fn hex(text: &[u8], digits: usize) -> Option<u32> {
    let part = text.get(..digits)?;
    part.iter().try_fold(0u32, |value, &b| {
        Some(value * 16 + char::from(b).to_digit(16)?)
    })
}

/// The length of the UTF-8 sequence that starts with `lead` (1 for a
/// continuation byte, which never starts a char of a `str`).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests;
