//! The C library's string entry points, called as a C program would: every
//! string is arbitrary bytes cut at the first NUL (so invalid UTF-8 happens).
//!
//! Properties:
//! * no setter, `cloudsso_client_new` or `cloudsso_reset_user_password` panics
//!   (libFuzzer aborts on any panic, even one the library's boundary would
//!   catch) or returns `CLOUDSSO_PANIC`;
//! * setters report invalid UTF-8 as `CLOUDSSO_INVALID_UTF8`, and the
//!   signature-version setter accepts exactly what the core's parser accepts;
//! * a reset, sent with one attempt to a closed loopback port, is rejected
//!   before any I/O (`CLOUDSSO_INVALID_ARGUMENT` naming the core's field, or
//!   `CLOUDSSO_INVALID_UTF8`, zero attempts) exactly when the core's
//!   `validate` rejects it, and otherwise fails as a refused connection after
//!   one attempt, with the outcome known;
//! * every error's strings are readable C strings, and none holds the
//!   password or the access key secret;
//! * everything created is freed (and `_free(NULL)` is harmless).
//!
//! Requests only ever go to the closed loopback port: endpoints from the
//! fuzzer are given to `cloudsso_client_new`, which does no I/O, never to a call.
#![no_main]

use cloudsso::{ResetUserPasswordRequest, SignatureVersion};
use ffi::*;
use fuzz_support::Input;
use libfuzzer_sys::fuzz_target;
use std::ffi::{CStr, CString, c_char};
use std::net::TcpStream;
use std::ptr;
use std::sync::OnceLock;

/// A loopback endpoint nothing listens on: port 1 (privileged, never handed
/// out by the OS, so no other test's server can take it), checked once.
fn closed_endpoint() -> &'static CStr {
    static ENDPOINT: OnceLock<CString> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        let refused = TcpStream::connect("127.0.0.1:1")
            .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused);
        assert!(
            refused,
            "something listens on 127.0.0.1:1; this target needs it closed"
        );
        c"http://127.0.0.1:1".to_owned()
    })
}

/// Distinctive mark on secrets: no fixed text of the library holds it.
const MARK: &str = "\u{a7}";

/// A C string argument: fuzz bytes cut at the first NUL, or NULL.
struct CArg {
    bytes: Option<CString>,
}

impl CArg {
    fn read(input: &mut Input, max: usize, nullable: bool) -> CArg {
        if nullable && input.byte().is_multiple_of(8) {
            return CArg { bytes: None };
        }
        let raw = input.bytes(max);
        let cut = raw.split(|&b| b == 0).next().unwrap_or(&[]);
        CArg {
            bytes: Some(CString::new(cut).expect("cut at the first NUL")),
        }
    }

    /// Marked with `MARK` (when the fuzzer's bytes are text) so leaks can be found.
    fn secret(input: &mut Input, max: usize) -> CArg {
        let mut arg = CArg::read(input, max, false);
        if input.bool() {
            let mut marked = MARK.as_bytes().to_vec();
            marked.extend_from_slice(arg.bytes.as_ref().unwrap().as_bytes());
            arg.bytes = Some(CString::new(marked).unwrap());
        }
        arg
    }

    fn from_text(text: &str) -> CArg {
        CArg {
            bytes: Some(CString::new(text).expect("option names hold no NUL")),
        }
    }

    fn ptr(&self) -> *const c_char {
        self.bytes.as_ref().map_or(ptr::null(), |s| s.as_ptr())
    }

    /// The text, when given and UTF-8.
    fn text(&self) -> Option<&str> {
        self.bytes.as_ref().and_then(|s| s.to_str().ok())
    }

    fn is_utf8(&self) -> bool {
        self.bytes.as_ref().is_none_or(|s| s.to_str().is_ok())
    }
}

fn text<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the library hands out NUL-terminated strings owned by the error.
    Some(
        unsafe { CStr::from_ptr(p) }
            .to_str()
            .expect("the library's strings are UTF-8"),
    )
}

/// Reads every accessor of `err`, checks it holds no secret, frees it.
fn inspect_and_free(
    err: *mut cloudsso_error,
    secrets: &[&str],
) -> (cloudsso_status, Option<String>, u32) {
    assert!(!err.is_null(), "a failure hands out an error");
    let status = cloudsso_error_status(err);
    assert_ne!(status, cloudsso_status::CLOUDSSO_PANIC);
    let message = text(cloudsso_error_message(err))
        .expect("a message")
        .to_string();
    let description = text(cloudsso_error_description(err))
        .expect("a description")
        .to_string();
    let field = text(cloudsso_error_field(err)).map(str::to_string);
    let mut shown = format!("{message}\n{description}");
    for p in [
        cloudsso_error_code(err),
        cloudsso_error_request_id(err),
        cloudsso_error_host_id(err),
        cloudsso_error_recommend(err),
    ] {
        shown.push('\n');
        shown.push_str(text(p).unwrap_or(""));
    }
    for secret in secrets {
        assert!(!shown.contains(secret), "a secret leaked into: {shown}");
    }
    let attempts = cloudsso_error_attempts(err);
    let _ = (
        cloudsso_error_http_status(err),
        cloudsso_error_outcome_unknown(err),
    );
    cloudsso_error_free(err);
    (status, field, attempts)
}

/// A setter's outcome: OK, or an error status from the `*err`-less setters.
fn check_setter(status: cloudsso_status, arg: &CArg) {
    assert_ne!(status, cloudsso_status::CLOUDSSO_PANIC);
    if !arg.is_utf8() {
        assert_eq!(status, cloudsso_status::CLOUDSSO_INVALID_UTF8);
    }
}

/// Applies fuzzer-chosen options that do no I/O, to any config.
fn fuzz_options(input: &mut Input, cfg: *mut cloudsso_config) {
    for _ in 0..input.byte() % 6 {
        match input.byte() % 10 {
            0 => {
                let v = CArg::read(input, 12, true);
                let status = cloudsso_config_set_signature_version(cfg, v.ptr());
                // The option table trims surrounding white space from text values.
                let accepted = v
                    .text()
                    .and_then(|t| SignatureVersion::parse(t.trim()))
                    .is_some();
                assert_eq!(
                    status == cloudsso_status::CLOUDSSO_OK,
                    accepted,
                    "{:?}",
                    v.bytes
                );
                check_setter(status, &v);
            }
            1 => {
                let v = CArg::read(input, 40, true);
                check_setter(cloudsso_config_set_user_agent(cfg, v.ptr()), &v);
            }
            2 => {
                let v = CArg::read(input, 24, true);
                check_setter(cloudsso_config_set_region(cfg, v.ptr()), &v);
            }
            3 => {
                let pem = input.bytes(400);
                let status =
                    cloudsso_config_add_root_certificates_pem(cfg, pem.as_ptr(), pem.len());
                assert_ne!(status, cloudsso_status::CLOUDSSO_PANIC);
            }
            4 => {
                let ms = input.u64() % 4_000_000;
                assert_eq!(
                    cloudsso_config_set_read_timeout_ms(cfg, ms),
                    cloudsso_status::CLOUDSSO_OK
                );
            }
            5 => {
                let retry = input.bool();
                let status = cloudsso_config_set_retry_unknown_outcome_for_generated(cfg, retry);
                assert_eq!(status, cloudsso_status::CLOUDSSO_OK);
            }
            6 => {
                let allow = input.bool();
                assert_eq!(
                    cloudsso_config_set_allow_insecure_http(cfg, allow),
                    cloudsso_status::CLOUDSSO_OK
                );
            }
            7 => {
                let n = u32::from(input.byte() % 12);
                assert_eq!(
                    cloudsso_config_set_max_attempts(cfg, n),
                    cloudsso_status::CLOUDSSO_OK
                );
            }
            8 => {
                // The generic setter: a row's name (or fuzz bytes) and a fuzz value.
                let rows = cloudsso::options::OPTIONS;
                let pick = usize::from(input.byte());
                let name = match rows.get(pick % (rows.len() + 1)) {
                    Some(spec) => CArg::from_text(spec.name),
                    None => CArg::read(input, 24, true),
                };
                let value = CArg::read(input, 40, true);
                // Only secrets carry the mark: a plain value (a profile name, say) that
                // holds it may rightly be echoed in an error, which is no leak.
                if value.text().is_some_and(|t| t.contains(MARK)) {
                    continue;
                }
                let mut err: *mut cloudsso_error = ptr::null_mut();
                let status = cloudsso_config_set(cfg, name.ptr(), value.ptr(), &mut err);
                assert_ne!(status, cloudsso_status::CLOUDSSO_PANIC);
                assert_eq!(status == cloudsso_status::CLOUDSSO_OK, err.is_null());
                if name.text().is_some() && value.text().is_some() {
                    assert!(matches!(
                        status,
                        cloudsso_status::CLOUDSSO_OK | cloudsso_status::CLOUDSSO_INVALID_ARGUMENT
                    ));
                }
                cloudsso_error_free(err);
            }
            _ => {
                let v = CArg::read(input, 24, true);
                check_setter(cloudsso_config_set_endpoint(cfg, v.ptr()), &v);
            }
        }
    }
}

/// A config built only from fuzz strings: `cloudsso_client_new` must judge it without I/O.
fn fuzz_config(input: &mut Input) {
    let cfg = cloudsso_config_new();
    assert!(!cfg.is_null());
    let endpoint = CArg::read(input, 48, true);
    check_setter(cloudsso_config_set_endpoint(cfg, endpoint.ptr()), &endpoint);
    let id = CArg::read(input, 16, true);
    let secret = CArg::secret(input, 24);
    let token = CArg::read(input, 16, true);
    let status = cloudsso_config_set_access_key(cfg, id.ptr(), secret.ptr(), token.ptr());
    assert_ne!(status, cloudsso_status::CLOUDSSO_PANIC);
    fuzz_options(input, cfg);

    let mut client: *mut cloudsso_client = ptr::null_mut();
    let mut err: *mut cloudsso_error = ptr::null_mut();
    let status = cloudsso_client_new(cfg, &mut client, &mut err);
    cloudsso_config_free(cfg);
    if status == cloudsso_status::CLOUDSSO_OK {
        assert!(err.is_null() && !client.is_null());
        cloudsso_client_free(client);
    } else {
        assert!(client.is_null(), "no client on failure");
        let secrets: Vec<&str> = secret
            .text()
            .filter(|s| s.contains(MARK))
            .into_iter()
            .collect();
        let (got, _, attempts) = inspect_and_free(err, &secrets);
        assert_eq!(got, status);
        assert_eq!(attempts, 0);
    }
}

/// A client aimed at the closed port, one attempt, no rate limit, fuzz options
/// that cannot redirect it.
fn closed_port_client(input: &mut Input, secret: &CArg) -> Option<*mut cloudsso_client> {
    let cfg = cloudsso_config_new();
    fuzz_options(input, cfg);
    // Fixed last, whatever the options said: no request leaves loopback.
    let ok = cloudsso_status::CLOUDSSO_OK;
    assert_eq!(
        cloudsso_config_set_endpoint(cfg, closed_endpoint().as_ptr()),
        ok
    );
    assert_eq!(cloudsso_config_set_allow_insecure_http(cfg, false), ok);
    assert_eq!(cloudsso_config_set_max_attempts(cfg, 1), ok);
    assert_eq!(cloudsso_config_set_rate_limit_per_second(cfg, 0), ok);
    assert_eq!(cloudsso_config_set_connect_timeout_ms(cfg, 2000), ok);
    assert_eq!(cloudsso_config_set_read_timeout_ms(cfg, 2000), ok);
    let status = cloudsso_config_set_access_key(cfg, c"testid".as_ptr(), secret.ptr(), ptr::null());
    check_setter(status, secret);

    let mut client: *mut cloudsso_client = ptr::null_mut();
    let mut err: *mut cloudsso_error = ptr::null_mut();
    let status = cloudsso_client_new(cfg, &mut client, &mut err);
    cloudsso_config_free(cfg);
    if status == ok {
        Some(client)
    } else {
        // Only a fuzzed user agent or root certificate can spoil this config,
        // or a secret that is not UTF-8 (then no key is set at all).
        inspect_and_free(err, &[]);
        None
    }
}

fn reset(input: &mut Input) {
    let secret = CArg::secret(input, 24);
    let Some(client) = closed_port_client(input, &secret) else {
        return;
    };
    let directory_id = CArg::read(input, 70, true);
    let user_id = CArg::read(input, 70, true);
    let password = CArg::secret(input, 40);
    let password = if input.byte().is_multiple_of(4) {
        CArg { bytes: None }
    } else {
        password
    };
    let generate = input.pick(&[
        CLOUDSSO_UNSET,
        CLOUDSSO_FALSE,
        CLOUDSSO_TRUE,
        CLOUDSSO_TRUE,
        3,
        -1,
    ]);
    let require = input.pick(&[CLOUDSSO_UNSET, CLOUDSSO_FALSE, CLOUDSSO_TRUE, 7]);

    let mut result: *mut cloudsso_reset_result = ptr::null_mut();
    let mut err: *mut cloudsso_error = ptr::null_mut();
    let status = cloudsso_reset_user_password(
        client,
        directory_id.ptr(),
        user_id.ptr(),
        password.ptr(),
        generate,
        require,
        &mut result,
        &mut err,
    );
    cloudsso_client_free(client);
    assert_ne!(
        status,
        cloudsso_status::CLOUDSSO_OK,
        "nothing listens on {:?}",
        closed_endpoint()
    );
    assert!(result.is_null(), "no result on failure");

    let secrets: Vec<&str> = [secret.text(), password.text()]
        .into_iter()
        .flatten()
        .filter(|s| s.contains(MARK))
        .collect();
    let (got, field, attempts) = inspect_and_free(err, &secrets);
    assert_eq!(got, status);

    // What the C library must answer, from the arguments and the core's rules.
    use cloudsso_status::*;
    let expected: (cloudsso_status, Option<&str>) = if directory_id.bytes.is_none() {
        (CLOUDSSO_NULL_ARGUMENT, Some("directory_id"))
    } else if user_id.bytes.is_none() {
        (CLOUDSSO_NULL_ARGUMENT, Some("user_id"))
    } else if !directory_id.is_utf8() {
        (CLOUDSSO_INVALID_UTF8, Some("directory_id"))
    } else if !user_id.is_utf8() {
        (CLOUDSSO_INVALID_UTF8, Some("user_id"))
    } else if !password.is_utf8() {
        (CLOUDSSO_INVALID_UTF8, Some("password"))
    } else if !(0..=2).contains(&generate) {
        (CLOUDSSO_INVALID_ARGUMENT, Some("generate_random_password"))
    } else if !(0..=2).contains(&require) {
        (
            CLOUDSSO_INVALID_ARGUMENT,
            Some("require_password_reset_for_next_login"),
        )
    } else {
        let mut r =
            ResetUserPasswordRequest::new(directory_id.text().unwrap(), user_id.text().unwrap());
        if let Some(p) = password.text() {
            r = r.password(p);
        }
        if generate != CLOUDSSO_UNSET {
            r = r.generate_random_password(generate == CLOUDSSO_TRUE);
        }
        match r.validate() {
            Err(e) => (CLOUDSSO_INVALID_ARGUMENT, e.field().map(static_field)),
            Ok(()) => (CLOUDSSO_TRANSPORT, None),
        }
    };
    assert_eq!((got, field.as_deref()), expected);
    let expected_attempts = u32::from(got == CLOUDSSO_TRANSPORT);
    assert_eq!(
        attempts, expected_attempts,
        "rejected requests are never sent"
    );
}

/// Field names are a handful of static words; keeps the comparison simple.
fn static_field(field: &str) -> &'static str {
    match field {
        "directory_id" => "directory_id",
        "user_id" => "user_id",
        "password" => "password",
        other => panic!("unexpected field {other}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    if input.bool() {
        fuzz_config(&mut input);
    } else {
        reset(&mut input);
    }
    // Releasing nothing is always allowed.
    cloudsso_config_free(ptr::null_mut());
    cloudsso_client_free(ptr::null_mut());
    cloudsso_error_free(ptr::null_mut());
    cloudsso_reset_result_free(ptr::null_mut());
});
