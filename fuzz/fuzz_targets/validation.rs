//! Request validation, the gate before any I/O.
//!
//! Properties, for arbitrary ids, passwords and flags:
//! * `validate` never panics;
//! * it accepts exactly the requests a rule check written here accepts: both
//!   ids match `^[du]-[a-z0-9]+$` (prefix per field) within 64 bytes, and
//!   either a generated password is asked for with no password set, or the
//!   password meets the documented policy;
//! * a rejection is a `validation` error naming the first broken field;
//! * its `Display` and `Debug` never contain the password, and do not depend
//!   on the password's text beyond its shape.
#![no_main]

use cloudsso::{ErrorKind, ResetUserPasswordRequest};
use fuzz_support::Input;
use fuzz_support::reference::{id_is_valid, password_is_valid};
use libfuzzer_sys::fuzz_target;

fn id(input: &mut Input, prefix: &str) -> String {
    match input.byte() % 4 {
        // Well-shaped ids, so that acceptance is reached often.
        0 | 1 => {
            let rest: String = input
                .bytes(70)
                .iter()
                .map(|b| b"abcdefghijklmnopqrstuvwxyz0123456789"[*b as usize % 36] as char)
                .collect();
            format!("{prefix}{rest}")
        }
        2 => format!("{prefix}{}", input.string(40)),
        _ => input.string(70),
    }
}

fn password(input: &mut Input) -> String {
    if input.bool() {
        // Mostly policy-shaped: a few classes guaranteed, the rest arbitrary.
        let head = input.pick(&["Aa1!", "Aa1", "a1!", "A1!", "Aa!", "Ää1!", ""]);
        format!("{head}{}", input.string(40))
    } else {
        input.string(40)
    }
}

/// Which field the rules say fails first, if any.
fn expected_failure(
    directory_id: &str,
    user_id: &str,
    password: Option<&str>,
    generate: Option<bool>,
) -> Option<&'static str> {
    if !id_is_valid("d-", directory_id) {
        return Some("directory_id");
    }
    if !id_is_valid("u-", user_id) {
        return Some("user_id");
    }
    let password = password.filter(|p| !p.is_empty());
    let ok = match (password, generate == Some(true)) {
        (None, true) => true,
        (Some(p), false) => password_is_valid(p),
        _ => false,
    };
    if ok { None } else { Some("password") }
}

/// Another password of the same shape: same classes, length and characters'
/// byte lengths, different letters and digits.
fn twin(password: &str) -> String {
    password
        .chars()
        .map(|c| match c {
            'a'..='y' | 'A'..='Y' | '0'..='8' => (c as u8 + 1) as char,
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            other => other,
        })
        .collect()
}

/// The characters the core's fixed validation texts (and `Debug`'s
/// punctuation) are made of; a password with any other character cannot
/// appear in them by coincidence.
fn only_message_characters(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || " :()\"\\-,_.{}".contains(c))
}

fn build(
    d: &str,
    u: &str,
    password: Option<&str>,
    generate: Option<bool>,
) -> ResetUserPasswordRequest {
    let mut r = ResetUserPasswordRequest::new(d, u);
    if let Some(p) = password {
        r = r.password(p);
    }
    if let Some(g) = generate {
        r = r.generate_random_password(g);
    }
    r
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let directory_id = id(&mut input, "d-");
    let user_id = id(&mut input, "u-");
    let password = if input.byte().is_multiple_of(4) {
        None
    } else {
        Some(password(&mut input))
    };
    let generate = input.pick(&[None, Some(false), Some(true)]);
    let mut request = build(&directory_id, &user_id, password.as_deref(), generate);
    if input.bool() {
        request = request.require_password_reset_for_next_login(input.bool());
    }

    let result = request.validate();
    let expected = expected_failure(&directory_id, &user_id, password.as_deref(), generate);
    match (&result, expected) {
        (Ok(()), None) => {
            // Accepted ids are what the service and the URL-less body can carry.
            for (prefix, id) in [("d-", &directory_id), ("u-", &user_id)] {
                assert!(id.len() <= 64 && id.starts_with(prefix));
                assert!(
                    id[2..]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                );
            }
        }
        (Err(e), Some(field)) => {
            assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
            assert_eq!(e.field(), Some(field), "{e}");
        }
        (got, want) => panic!("validate gave {got:?}, the rules say {want:?}"),
    }

    if let (Err(e), Some(p)) = (&result, password.as_deref()) {
        let shown = format!("{e} {e:?} {}", e.message());
        if !p.is_empty() && !only_message_characters(p) {
            assert!(!shown.contains(p), "the password leaked: {shown}");
        }
        let other = build(&directory_id, &user_id, Some(&twin(p)), generate).validate();
        let other = other.expect_err("a same-shaped password breaks the same rule");
        assert_eq!(shown, format!("{other} {other:?} {}", other.message()));
    }
});
