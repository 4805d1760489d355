//! Text from the service, made safe to show on a terminal, and stderr writes
//! that cannot panic.
//!
//! A hostile or broken service (or a gateway in front of it) decides what a
//! `Message`, `Code`, `RequestId`, `HostId` or `NewPassword` holds. Printed as
//! it is, an ESC sequence sets the window title or clears the screen, a CR
//! rewrites the line it is on, and an LF forges a line of its own (a second
//! `RequestId:`). So text output shows every control character as a visible
//! escape instead ([`visible`]). A backslash stays as it is: it is a valid
//! password character, and a printed password must be typeable as shown. JSON
//! output needs none of this: the serializer escapes control characters.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// `text` with every character that could steer a terminal written as a
/// visible escape: `\n`, `\r`, `\t`, `\x1b` for the other C0 controls and DEL,
/// and `\u{9b}` for C1 controls and the invisible direction and line-separator
/// characters (which can make text read differently from what it is).
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// True for control characters (C0, DEL, C1) and for the invisible characters
/// that reorder or break lines: bidi marks, embeddings, overrides and
/// isolates, and the Unicode line and paragraph separators.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// Writes one line on stderr. A failure is ignored: there is nowhere left to
/// say anything, and `eprintln!` would panic instead.
pub fn stderr_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(line.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_as_it_is() {
        for text in ["RequestId-1", "Grüße \\n 😀 a\\x1b", ""] {
            assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn controls_are_shown_escaped() {
        assert_eq!(
            visible("a\u{1b}]0;title\u{7}b\r\nRequestId: forged\t\u{7f}\u{0}"),
            "a\\x1b]0;title\\x07b\\r\\nRequestId: forged\\t\\x7f\\x00"
        );
        assert_eq!(visible("\u{9b}2J \u{85}"), "\\u{9b}2J \\u{85}");
        assert_eq!(
            visible("pay \u{202e}dlrow\u{2066} x\u{2028}y"),
            "pay \\u{202e}dlrow\\u{2066} x\\u{2028}y"
        );
    }

    #[test]
    fn nothing_escaped_is_left_that_a_terminal_acts_on() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let shown = visible(&all);
        assert!(!shown.chars().any(needs_escape), "{shown}");
    }
}
