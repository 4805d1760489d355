//! The rules a request must meet before it may be sent.

use crate::error::Error;
use crate::model::ResetUserPasswordRequest;

/// Longest directory or user id accepted.
pub const MAX_ID_LEN: usize = 64;
/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, in characters.
pub const MAX_PASSWORD_CHARS: usize = 32;

/// Checks the whole request; the first broken rule is reported with its field.
pub fn validate(request: &ResetUserPasswordRequest) -> Result<(), Error> {
    validate_id("directory_id", "d-", request.directory_id())?;
    validate_id("user_id", "u-", request.user_id())?;
    match (
        request.caller_password(),
        request.wants_generated_password(),
    ) {
        (Some(_), true) => Err(Error::validation(
            "password",
            "must not be set when generate_random_password is true",
        )),
        (None, false) => Err(Error::validation(
            "password",
            "is required unless generate_random_password is true",
        )),
        (Some(password), false) => validate_password(password),
        (None, true) => Ok(()),
    }
}

/// An id is the prefix followed by lowercase ASCII letters and digits.
fn validate_id(field: &'static str, prefix: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::validation(field, "is required"));
    }
    if value.len() > MAX_ID_LEN {
        return Err(Error::validation(
            field,
            format!(
                "must be at most {MAX_ID_LEN} characters (got {})",
                value.len()
            ),
        ));
    }
    let rest = value.strip_prefix(prefix).unwrap_or("");
    let well_formed = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !well_formed {
        return Err(Error::validation(
            field,
            format!("must be \"{prefix}\" followed by lowercase letters and digits"),
        ));
    }
    Ok(())
}

/// The service's default policy: 8 to 32 characters with an upper-case letter,
/// a lower-case letter, a digit and a special character; no control characters.
/// The message never repeats the password.
fn validate_password(password: &str) -> Result<(), Error> {
    let mut chars = 0usize;
    let (mut upper, mut lower, mut digit, mut special) = (false, false, false, false);
    for c in password.chars() {
        chars += 1;
        if c.is_control() {
            return Err(Error::validation(
                "password",
                "must not contain control characters",
            ));
        }
        if c.is_ascii_digit() {
            digit = true;
        } else if c.is_uppercase() {
            upper = true;
        } else if c.is_lowercase() {
            lower = true;
        } else if !c.is_alphanumeric() {
            special = true;
        }
    }
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(Error::validation(
            "password",
            format!(
                "must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long (got {chars})"
            ),
        ));
    }
    let missing: Vec<&str> = [
        (upper, "an upper-case letter"),
        (lower, "a lower-case letter"),
        (digit, "a digit"),
        (special, "a special character"),
    ]
    .iter()
    .filter(|(present, _)| !present)
    .map(|(_, what)| *what)
    .collect();
    if !missing.is_empty() {
        return Err(Error::validation(
            "password",
            format!("must contain {}", missing.join(", ")),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn req() -> ResetUserPasswordRequest {
        ResetUserPasswordRequest::new("d-00fc2p61abcd", "u-00q8wbq42wiltcrkabcd")
    }

    fn field_and_message(r: ResetUserPasswordRequest) -> (String, String) {
        let e = validate(&r).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        (e.field().unwrap().to_string(), e.message().to_string())
    }

    #[test]
    fn accepts_generated_and_caller_passwords() {
        assert!(validate(&req().generate_random_password(true)).is_ok());
        assert!(validate(&req().password("uc)XK$?ictf72CKF~*+ ä")).is_ok());
        assert!(validate(&req().password("Aa1!aaaa")).is_ok());
    }

    #[test]
    fn ids_need_their_prefix_and_lowercase_alphanumerics() {
        for bad in [
            "",
            "d-",
            "D-abc",
            "d-ABC",
            "d-abc&Action=x",
            "d-a%00",
            "d-a\r\nb",
            "d-a b",
            "x-abc",
            "d-аbc", // Cyrillic a
        ] {
            let (field, _) = field_and_message(
                ResetUserPasswordRequest::new(bad, "u-1").generate_random_password(true),
            );
            assert_eq!(field, "directory_id", "{bad:?}");
        }
        let long = format!("u-{}", "a".repeat(63));
        let (field, message) = field_and_message(
            ResetUserPasswordRequest::new("d-1", long).generate_random_password(true),
        );
        assert_eq!(
            (field.as_str(), message.as_str()),
            ("user_id", "must be at most 64 characters (got 65)")
        );
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(validate(&req().password("Aa1!aaa")).is_err()); // 7
        assert!(validate(&req().password("Aa1!aaaa")).is_ok()); // 8
        assert!(validate(&req().password(format!("Aa1!{}", "a".repeat(28)))).is_ok()); // 32
        let (_, m) = field_and_message(req().password(format!("Aa1!{}", "a".repeat(29))));
        assert_eq!(m, "must be 8 to 32 characters long (got 33)");
        assert!(validate(&req().password("Ää1!ääää")).is_ok()); // multi-byte, 8 chars
    }

    #[test]
    fn password_needs_every_class() {
        let (f, m) = field_and_message(req().password("aaaaaaaa"));
        assert_eq!(f, "password");
        assert_eq!(
            m,
            "must contain an upper-case letter, a digit, a special character"
        );
        assert!(validate(&req().password("AAAA1111!")).is_err());
        assert!(validate(&req().password("aaaa1111!")).is_err());
        assert!(validate(&req().password("AAAAaaaa!")).is_err());
        assert!(validate(&req().password("AAAAaaaa1")).is_err());
        let (_, m) = field_and_message(req().password("Aa1!aaa\naa"));
        assert_eq!(m, "must not contain control characters");
    }

    #[test]
    fn password_and_generation_exclude_each_other() {
        let (_, m) = field_and_message(req().password("Aa1!aaaa").generate_random_password(true));
        assert_eq!(m, "must not be set when generate_random_password is true");
        let (_, m) = field_and_message(req());
        assert_eq!(m, "is required unless generate_random_password is true");
        let (_, m) = field_and_message(req().password("").generate_random_password(false));
        assert_eq!(m, "is required unless generate_random_password is true");
    }

    #[test]
    fn errors_never_repeat_the_password() {
        let secret = "Zz9!SECRETVALUEthatistoolong-abcdef";
        let e = validate(&req().password(secret)).unwrap_err();
        assert!(!e.to_string().contains(secret));
        assert!(!format!("{e:?}").contains(secret));
    }
}
