//! The five answer headers the client reads, from ureq's header map: the
//! only header parsing left to the core (ureq frames the answer itself).
//!
//! Properties:
//! * nothing panics, whatever the names (any case), values (any bytes ureq's
//!   header map accepts) and duplicates;
//! * each header is found whatever the case of its name, and the first value
//!   of a name wins, as ureq's `HeaderMap::get` gives it;
//! * a value that is not UTF-8 counts as absent (UTF-8 text is kept, so a
//!   request id echoing non-ASCII text still reaches the scrubber);
//! * retry-after is `x-acs-retry-after` in milliseconds when that is a
//!   number (spaces around it allowed), else `Retry-After` in seconds when
//!   that is one, else none: never a value from anything else;
//! * request id, location and content type come back exactly as sent.
#![no_main]

use cloudsso::unstable::{HeaderMap, HeaderName, HeaderValue, ReplyHeaders};
use fuzz_support::Input;
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

/// Names worth reaching often, in the cases servers use; any other is possible.
const NAMES: [&str; 12] = [
    "x-acs-request-id",
    "X-Acs-Request-Id",
    "date",
    "Date",
    "retry-after",
    "Retry-After",
    "x-acs-retry-after",
    "X-ACS-RETRY-AFTER",
    "location",
    "content-type",
    "Content-Type",
    "x-other",
];

/// Values worth reaching often: numbers in every shape, and plain text.
fn value(input: &mut Input) -> Vec<u8> {
    match input.byte() % 4 {
        0 => input.u64().to_string().into_bytes(),
        1 => format!(" {} ", input.u16()).into_bytes(),
        2 => format!("{}", u128::from(input.u64()) * 1000).into_bytes(),
        _ => input.bytes(40).to_vec(),
    }
}

/// The first value of `name` as text, as a client of the header map sees it.
fn first<'a>(sent: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a str> {
    sent.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let count = input.byte() % 10;
    let mut map = HeaderMap::new();
    let mut sent: Vec<(String, Vec<u8>)> = Vec::new();
    for _ in 0..count {
        let name = if input.byte() % 8 == 0 {
            input.string(16)
        } else {
            NAMES[usize::from(input.byte()) % NAMES.len()].to_string()
        };
        let value = value(&mut input);
        let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&value),
        ) else {
            continue;
        };
        map.append(n, v);
        sent.push((name, value));
    }
    let got = ReplyHeaders::from_map(&map);

    let text = |name| first(&sent, name).map(str::to_string);
    assert_eq!(got.request_id, text("x-acs-request-id"));
    assert_eq!(got.location, text("location"));
    assert_eq!(got.content_type, text("content-type"));
    let number = |name| first(&sent, name).and_then(|v| v.trim().parse::<u64>().ok());
    let retry_after = number("x-acs-retry-after")
        .map(Duration::from_millis)
        .or_else(|| number("retry-after").map(Duration::from_secs));
    assert_eq!(got.retry_after, retry_after);
    if first(&sent, "date").is_none() {
        assert_eq!(got.date, None);
    }
});
