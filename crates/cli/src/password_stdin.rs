//! `--password-stdin`: the new password, piped in.
//!
//! Exactly one line ending is removed, `\n` or `\r\n` (a file written on
//! Windows, or `echo` in a Windows shell), so a password that really ends in
//! a newline or a carriage return still can be set. Errors name the flag, and
//! never the password.

use std::io::Read;
use zeroize::Zeroizing;

/// All of `input`, minus one trailing `\n` or `\r\n`.
pub fn read(mut input: impl Read) -> Result<Zeroizing<String>, String> {
    let mut bytes = Zeroizing::new(Vec::new());
    input
        .read_to_end(&mut bytes)
        .map_err(|e| format!("--password-stdin: cannot read stdin: {e}"))?;
    let ending = if bytes.ends_with(b"\r\n") {
        2
    } else {
        usize::from(bytes.ends_with(b"\n"))
    };
    let len = bytes.len() - ending;
    bytes.truncate(len);
    if bytes.is_empty() {
        return Err(
            "--password-stdin: stdin was empty; pipe the new password in, for example \
             printf '%s' \"$NEW_PASSWORD\" | cloudsso reset-user-password --password-stdin ..."
                .into(),
        );
    }
    // Moves the bytes, so no unwiped copy is left behind.
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(not_text) => {
            drop(Zeroizing::new(not_text.into_bytes()));
            Err("--password-stdin: stdin is not UTF-8 text".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    fn text(input: &[u8]) -> Result<String, String> {
        read(input).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn one_line_ending_is_removed() {
        assert_eq!(text(b"Pass!word1\n").unwrap(), "Pass!word1");
        assert_eq!(text(b"Pass!word1\r\n").unwrap(), "Pass!word1");
        assert_eq!(text(b"Pass!word1").unwrap(), "Pass!word1");
        assert_eq!(text(b"Pass!word1\n\n").unwrap(), "Pass!word1\n");
        assert_eq!(text(b"Pass!word1\r").unwrap(), "Pass!word1\r");
        assert_eq!(text(b"Pass!word1\r\n\r\n").unwrap(), "Pass!word1\r\n");
    }

    #[test]
    fn empty_input_names_the_flag() {
        for input in [&b""[..], b"\n", b"\r\n"] {
            let why = text(input).unwrap_err();
            assert!(
                why.starts_with("--password-stdin: stdin was empty"),
                "{why}"
            );
        }
    }

    #[test]
    fn bytes_that_are_not_text_are_refused_without_echo() {
        let why = text(b"Pass\xffword1\n").unwrap_err();
        assert_eq!(why, "--password-stdin: stdin is not UTF-8 text");
    }
}
