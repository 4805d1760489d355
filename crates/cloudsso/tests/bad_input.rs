//! Bad input is refused before any I/O: the emulator's request count proves
//! that none of it reached the server, and each error names the field.

mod support;

use cloudsso::{ErrorKind, ResetUserPasswordRequest};
use support::*;

fn bad_ids(prefix: &str) -> Vec<String> {
    let base = format!("{prefix}00fc2p61abcd");
    vec![
        format!("{base}&Action=DeleteUser"),
        format!("{base}%00"),
        format!("{base}\r\nX-Injected: 1"),
        format!("{base}\n"),
        format!("{base} "),
        format!(" {base}"),
        base.to_uppercase(),
        format!("{prefix}00fc2p61аbcd"),         // Cyrillic а
        format!("{prefix}00fc2p61abcd\u{200b}"), // zero-width space
        format!("{prefix}00fc2p61ａbcd"),        // full-width a
        String::new(),
        prefix.to_string(),
        format!("{prefix}{}", "a".repeat(10 * 1024)),
        format!("{prefix}\0"),
    ]
}

#[test]
fn malformed_ids_never_reach_the_server() {
    let emu = emulator(None);
    let client = builder_for(&emu).build().unwrap();
    for (field, prefix) in [("directory_id", "d-"), ("user_id", "u-")] {
        for bad in bad_ids(prefix) {
            let request = if field == "directory_id" {
                ResetUserPasswordRequest::new(bad.clone(), USER)
            } else {
                ResetUserPasswordRequest::new(DIR, bad.clone())
            };
            let e = client
                .reset_user_password(&request.generate_random_password(true))
                .unwrap_err();
            assert_eq!(
                (e.kind(), e.field()),
                (ErrorKind::Validation, Some(field)),
                "{bad:?}"
            );
        }
    }
    assert_eq!(emu.stats().requests, 0);
}

#[test]
fn passwords_are_held_to_the_policy_locally() {
    let emu = emulator(None);
    let client = builder_for(&emu).rate_limit_per_second(0).build().unwrap();
    let refused = [
        "Aa1!aaa".to_string(),             // 7 characters
        format!("Aa1!{}", "a".repeat(29)), // 33 characters
        "aa1!aaaa".into(),                 // no upper case
        "AA1!AAAA".into(),                 // no lower case
        "Aaa!aaaa".into(),                 // no digit
        "Aa1aaaaa".into(),                 // no special character
        "Ää1ääää".into(),                  // 7 characters, 9 bytes of UTF-8
        "Aa1!aaa\u{7}".into(),             // a control character
        "Aa1!aaa\r\nX: y".into(),          // CR/LF
    ];
    for password in &refused {
        let e = client
            .reset_user_password(
                &ResetUserPasswordRequest::new(DIR, USER).password(password.as_str()),
            )
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::Validation, Some("password")),
            "{password:?}"
        );
        assert!(!e.to_string().contains(password.as_str()));
    }
    assert_eq!(emu.stats().requests, 0, "nothing refused locally was sent");

    let accepted = [
        "Aa1!aaaa".to_string(),            // 8 characters
        format!("Aa1!{}", "a".repeat(28)), // 32 characters
        "Ää1!ääää".into(),                 // 8 characters, multi-byte
        "Zz9 ~*+ä)".into(),                // space and symbols count as special
    ];
    for password in &accepted {
        client
            .reset_user_password(
                &ResetUserPasswordRequest::new(DIR, USER).password(password.as_str()),
            )
            .unwrap_or_else(|e| panic!("{password:?}: {e}"));
        assert_eq!(emu.check_password(DIR, USER, password), Some(true));
    }
    assert_eq!(emu.stats().requests, accepted.len() as u64);
}
