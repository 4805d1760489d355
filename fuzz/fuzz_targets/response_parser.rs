//! The answer parser: status, headers and body, as a call would see them.
//!
//! Properties:
//! * nothing panics, whatever the status, header strings and body bytes;
//! * `ReplyHeaders::read` keeps the request id, location and content type as
//!   given, reads retry-after as documented, and parses a well-formed Date;
//! * a 2xx answer either succeeds or is a `decode` error with that status;
//!   a success asked to carry a generated password carries a non-empty one,
//!   and one not asked to carries none, whatever the body says;
//! * a 3xx answer is a `transport` error that never shows the query or
//!   fragment of its `Location`; any other status is an error whose
//!   `http_status()` is that status;
//! * for a body that is a JSON object (or an XML document built here), the
//!   code, message and request id come back as sent;
//! * the `Display` and `Debug` of an error never contain the body's
//!   `NewPassword`, and do not even depend on it;
//! * scrubbed as a call scrubs (`interpret_scrubbed`) with a seeded secret
//!   (the mark plus fuzz text) that the planned fields and the request-id
//!   header often echo in one of its spellings (the agreed `encoded_forms`,
//!   JSON `\u` escapes, XML/HTML character references), no agreed encoding of
//!   the secret survives in any text of the error (message, code, request id,
//!   host id, recommend) or in the success's request id.
#![no_main]

use cloudsso::ErrorKind;
use cloudsso::unstable::{ReplyHeaders, encoded_forms, interpret, interpret_scrubbed};
use fuzz_support::Input;
use fuzz_support::reference::{imf_fixdate, json_string, xml_escape};
use libfuzzer_sys::fuzz_target;
use std::time::{Duration, SystemTime};

/// Statuses worth reaching often; any other u16 is possible too.
const STATUSES: [u16; 14] = [
    200, 201, 204, 299, 301, 302, 400, 403, 404, 429, 500, 502, 503, 504,
];

/// The body fields the parser reads, in the service's spelling.
const FIELDS: [&str; 6] = [
    "RequestId",
    "NewPassword",
    "Code",
    "Message",
    "HostId",
    "Recommend",
];

/// Distinctive mark on generated passwords: no fixed text of the core has it,
/// so finding the password in an error's text means it was leaked.
const MARK: char = '\u{a7}';

/// Header values by lower-case name.
#[derive(Default)]
struct Headers {
    request_id: Option<String>,
    date: Option<String>,
    acs_retry_after: Option<String>,
    retry_after: Option<String>,
    location: Option<String>,
    content_type: Option<String>,
}

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "x-acs-request-id" => self.request_id.as_deref(),
            "date" => self.date.as_deref(),
            "x-acs-retry-after" => self.acs_retry_after.as_deref(),
            "retry-after" => self.retry_after.as_deref(),
            "location" => self.location.as_deref(),
            "content-type" => self.content_type.as_deref(),
            _ => None,
        }
    }

    fn texts(&self) -> impl Iterator<Item = &str> {
        [
            &self.request_id,
            &self.date,
            &self.acs_retry_after,
            &self.retry_after,
            &self.location,
            &self.content_type,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }
}

/// A body planned from the fuzz data, so its meaning is known; rendered
/// twice for the differential check (once with the password's twin).
struct Plan {
    xml: bool,
    /// Field name, value, and (XML) whether the value goes in a CDATA section.
    fields: Vec<(&'static str, String, bool)>,
    /// JSON: an unknown member and where it goes; XML: unused.
    extra: Option<(&'static str, usize)>,
    /// JSON member separator, or the XML declaration.
    sep: &'static str,
    /// XML root element.
    root: &'static str,
}

impl Plan {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, v, _)| v.as_str())
    }

    /// The body, with `NewPassword` replaced by `password` when given.
    fn render(&self, password: Option<&str>) -> String {
        let value = |name: &str, v: &'_ str| -> String {
            match password {
                Some(p) if name == "NewPassword" => p.to_string(),
                _ => v.to_string(),
            }
        };
        if self.xml {
            let mut elements = String::new();
            for (name, v, cdata) in &self.fields {
                let v = value(name, v);
                let text = if *cdata {
                    format!("<![CDATA[{v}]]>")
                } else {
                    xml_escape(&v)
                };
                elements.push_str(&format!("<{name}>{text}</{name}>"));
            }
            format!("{}<{root}>{elements}</{root}>", self.sep, root = self.root)
        } else {
            let mut members: Vec<String> = self
                .fields
                .iter()
                .map(|(name, v, _)| {
                    format!("{}:{}", json_string(name), json_string(&value(name, v)))
                })
                .collect();
            if let Some((extra, at)) = self.extra {
                members.insert(at % (members.len() + 1), format!("\"Extra\":{extra}"));
            }
            format!("{{{}}}", members.join(self.sep))
        }
    }
}

fn headers(input: &mut Input, spellings: &[String]) -> (Headers, Option<SystemTime>) {
    let request_id = input
        .opt_string(48)
        .map(|id| maybe_echo(input, id, spellings));
    let mut h = Headers {
        request_id,
        acs_retry_after: input.opt_string(24),
        retry_after: input.opt_string(24),
        location: input.opt_string(64),
        content_type: input.opt_string(48),
        ..Default::default()
    };
    // Half the time a well-formed Date whose value is known.
    let mut expected_date = None;
    match input.byte() % 3 {
        0 => {}
        1 => h.date = Some(input.string(40)),
        _ => {
            let secs = input.u64() % 253_402_300_800; // up to 9999-12-31
            h.date = Some(imf_fixdate(secs));
            expected_date = Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        }
    }
    (h, expected_date)
}

/// Retry-after as documented: `x-acs-retry-after` in milliseconds, else
/// `Retry-After` in seconds; a non-number is ignored.
fn expected_retry_after(h: &Headers) -> Option<Duration> {
    fn number(v: &Option<String>) -> Option<u64> {
        let t = v.as_deref()?.trim();
        let digits = t.strip_prefix('+').unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok() // only overflow fails here
    }
    number(&h.acs_retry_after)
        .map(Duration::from_millis)
        .or_else(|| number(&h.retry_after).map(Duration::from_secs))
}

/// Every spelling of `secret` a hostile echo may use: the agreed encodings,
/// JSON `\u` escapes (lower- and upper-case hex), decimal and hex character references.
fn spellings(secret: &str) -> Vec<String> {
    let mut all = encoded_forms(secret);
    all.push(secret.encode_utf16().map(|u| format!("\\u{u:04x}")).collect());
    all.push(secret.encode_utf16().map(|u| format!("\\u{u:04X}")).collect());
    all.push(secret.chars().map(|c| format!("&#{};", c as u32)).collect());
    all.push(secret.chars().map(|c| format!("&#x{:x};", c as u32)).collect());
    all
}

/// Half the time, `text` with a spelling of the secret spliced in.
fn maybe_echo(input: &mut Input, text: String, spellings: &[String]) -> String {
    if spellings.is_empty() || !input.bool() {
        return text;
    }
    let spelling = &spellings[input.byte() as usize % spellings.len()];
    let at = (input.byte() as usize).min(text.len());
    let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    format!("{}{spelling}{}", &text[..at], &text[at..])
}

/// The generated password: the mark plus fuzz text, or a plain fuzz text.
fn new_password(input: &mut Input) -> String {
    let text = input.string(40);
    if input.bool() {
        format!("{MARK}{text}")
    } else {
        text
    }
}

fn plan(input: &mut Input, xml: bool, spellings: &[String]) -> Plan {
    let mut fields = Vec::new();
    for name in FIELDS {
        if !input.bool() {
            continue;
        }
        let value = if name == "NewPassword" {
            new_password(input)
        } else {
            let text = input.string(40);
            maybe_echo(input, text, spellings)
        };
        // CDATA holds no markup here: the tiny reader does not parse CDATA
        // before searching tags, and the service never nests markup in it.
        let cdata = xml && input.bool() && !value.contains('<') && !value.contains("]]>");
        fields.push((name, value, cdata));
    }
    // Unknown members must be ignored, whatever their type.
    let extra = if !xml && input.bool() {
        let extra = input.pick(&[
            "null",
            "17",
            "[1,{\"a\":[]}]",
            "{\"NewPassword\":1}",
            "true",
            "\"x\"",
        ]);
        Some((extra, input.byte() as usize))
    } else {
        None
    };
    let sep = if xml {
        input.pick(&["", "<?xml version='1.0' encoding='UTF-8'?>", "\n"])
    } else {
        input.pick(&[",", " ,\n ", ",\t"])
    };
    Plan {
        xml,
        fields,
        extra,
        sep,
        root: input.pick(&["Error", "ResetUserPasswordResponse"]),
    }
}

/// The `NewPassword` string of a body that is a JSON object, if any.
fn json_new_password(body: &[u8]) -> Option<(String, serde_json::Value)> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let password = value.get("NewPassword")?.as_str()?.to_string();
    Some((password, value))
}

/// Every string in a JSON value except the top-level `NewPassword`, keys included.
fn other_strings<'v>(value: &'v serde_json::Value, top: bool, out: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| other_strings(v, false, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k);
                if !(top && k == "NewPassword") {
                    other_strings(v, false, out);
                }
            }
        }
        _ => {}
    }
}

/// Same length and JSON/XML escaping, different text: rotates ASCII letters and digits.
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

fn check_headers(h: &Headers, read: &ReplyHeaders, expected_date: Option<SystemTime>) {
    assert_eq!(read.request_id.as_deref(), h.request_id.as_deref());
    assert_eq!(read.location.as_deref(), h.location.as_deref());
    assert_eq!(read.content_type.as_deref(), h.content_type.as_deref());
    assert_eq!(read.retry_after, expected_retry_after(h));
    if let Some(date) = expected_date {
        assert_eq!(read.date, Some(date), "Date {:?}", h.date);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let status = if input.bool() {
        input.pick(&STATUSES)
    } else {
        input.u16()
    };
    let wants_generated = input.bool();
    let secret = format!("{MARK}{}", input.string(24));
    let spellings = spellings(&secret);
    let (h, expected_date) = headers(&mut input, &spellings);
    let planned = match input.byte() % 3 {
        0 => None,
        1 => Some(plan(&mut input, false, &spellings)),
        _ => Some(plan(&mut input, true, &spellings)),
    };
    let body: Vec<u8> = match &planned {
        Some(p) => p.render(None).into_bytes(),
        None => input.rest().to_vec(),
    };

    let read = ReplyHeaders::read(|name| h.get(name));
    check_headers(&h, &read, expected_date);
    let result = interpret(status, read.clone(), &body, wants_generated);
    let scrubbed = interpret_scrubbed(status, read.clone(), &body, wants_generated, &[&secret]);
    check_scrubbed(&secret, &scrubbed);

    match (status, &result) {
        (200..=299, Ok(response)) => {
            if wants_generated {
                assert!(response.new_password().is_some_and(|p| !p.is_empty()));
            } else {
                assert_eq!(response.new_password(), None);
            }
            if let Some(p) = response.new_password()
                && p.contains(MARK)
                && !response.request_id().contains(p)
            {
                assert!(!format!("{response:?}").contains(p), "{response:?}");
            }
        }
        (200..=299, Err(e)) => {
            assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
            assert_eq!(e.http_status(), Some(status));
            assert!(
                e.is_outcome_unknown(),
                "a 2xx may have changed the password"
            );
        }
        (_, Ok(_)) => panic!("HTTP {status} must be an error"),
        (300..=399, Err(e)) => {
            assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
            // A redirect's query or fragment may carry a token: never shown.
            if let Some(location) = &h.location
                && let Some(at) = location.find(['?', '#'])
            {
                let query = &location[at..];
                let elsewhere = h.request_id.as_deref().is_some_and(|id| id.contains(query));
                if query.contains(MARK) && !elsewhere {
                    assert!(!e.to_string().contains(query), "{e}");
                    assert!(!format!("{e:?}").contains(query), "{e:?}");
                }
            }
        }
        (_, Err(e)) => {
            assert_eq!(e.http_status(), Some(status), "{e}");
            assert!(matches!(
                e.kind(),
                ErrorKind::Service | ErrorKind::Throttled
            ));
        }
    }

    if let Some(p) = &planned {
        check_planned(status, wants_generated, &h, p, &result);
    }

    // Secrecy: an error never shows the body's generated password...
    if let (Err(e), Some((password, value))) = (&result, json_new_password(&body)) {
        let mut others = Vec::new();
        other_strings(&value, true, &mut others);
        let distinctive = password.contains(MARK)
            && !others.iter().any(|s| s.contains(&password))
            && !h.texts().any(|s| s.contains(&password));
        if distinctive {
            assert!(!e.to_string().contains(&password), "Display leaks: {e}");
            assert!(!format!("{e:?}").contains(&password), "Debug leaks: {e:?}");
        }
    }
    // ...and does not depend on its text at all.
    if let (Err(e), Some(p)) = (&result, &planned)
        && let Some(password) = p.field("NewPassword")
    {
        let other_body = p.render(Some(&twin(password)));
        let twin_error = interpret(status, read, other_body.as_bytes(), wants_generated)
            .expect_err("same shape, same outcome");
        assert_eq!(e.to_string(), twin_error.to_string());
        assert_eq!(format!("{e:?}"), format!("{twin_error:?}"));
    }
});

fn check_planned(
    status: u16,
    wants_generated: bool,
    h: &Headers,
    b: &Plan,
    result: &Result<cloudsso::ResetUserPasswordResponse, cloudsso::Error>,
) {
    let body_id = b.field("RequestId");
    match (status, result) {
        (200..=299, Ok(response)) => {
            let expected_id = body_id
                .filter(|s| !s.is_empty())
                .or(h.request_id.as_deref())
                .unwrap_or("");
            assert_eq!(response.request_id(), expected_id);
            // A password is reported only when one was asked for: the
            // caller's own is never handed back.
            let sent = b.field("NewPassword").filter(|p| !p.is_empty());
            assert_eq!(response.new_password(), sent.filter(|_| wants_generated));
        }
        (200..=299, Err(e)) => {
            // Only a missing password may fail a well-formed success body.
            assert!(wants_generated, "{e}");
            assert!(b.field("NewPassword").is_none_or(str::is_empty), "{e}");
        }
        (300..=399, _) => {}
        (_, Err(e)) => {
            let code = b.field("Code");
            let message = b.field("Message");
            if code.is_some() || message.is_some() {
                assert_eq!(e.code(), code);
                if let Some(m) = message {
                    assert_eq!(e.message(), m);
                }
                assert_eq!(e.host_id(), b.field("HostId"));
                assert_eq!(e.recommend(), b.field("Recommend"));
                // An empty body id counts as absent, as on the success path.
                let expected_id = body_id
                    .filter(|id| !id.is_empty())
                    .or(h.request_id.as_deref());
                assert_eq!(e.request_id(), expected_id);
                let throttled =
                    code.is_some_and(|c| c == "Throttling" || c.starts_with("Throttling."));
                assert_eq!(e.kind() == ErrorKind::Throttled, throttled, "{e}");
            } else {
                assert_eq!(e.code(), None);
                assert_eq!(e.request_id(), h.request_id.as_deref());
            }
        }
        (_, Ok(_)) => unreachable!("checked above"),
    }
}

/// No agreed encoding of `secret` in any text that came from the network.
fn check_scrubbed(
    secret: &str,
    result: &Result<cloudsso::ResetUserPasswordResponse, cloudsso::Error>,
) {
    let texts: Vec<&str> = match result {
        Ok(response) => vec![response.request_id()],
        Err(e) => [
            Some(e.message()),
            e.code(),
            e.request_id(),
            e.host_id(),
            e.recommend(),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    for form in encoded_forms(secret) {
        for text in &texts {
            assert!(
                !text.contains(&form),
                "{form:?} (an encoding of the secret {secret:?}) survives in {text:?}"
            );
        }
    }
}
