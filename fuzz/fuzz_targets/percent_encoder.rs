//! RFC 3986 percent-encoding, which both signatures and the form body use.
//!
//! Properties, for any UTF-8 text:
//! * `percent_encode` equals a byte-wise reference encoder written here
//!   (unreserved `A-Z a-z 0-9 - . _ ~` kept, every other byte as `%XX` in
//!   upper-case hex);
//! * the output holds only unreserved characters and upper-case escapes, so a
//!   strict decoder gets the input bytes back;
//! * `percent_encode_into` appends to what is already in the buffer.
#![no_main]

use cloudsso::encoding::{percent_encode, percent_encode_into};
use fuzz_support::reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Valid UTF-8 as given; otherwise the lossy text, so every input counts.
    let text = String::from_utf8_lossy(data);
    let encoded = percent_encode(&text);

    assert_eq!(encoded, reference::percent_encode(text.as_bytes()));
    assert_eq!(
        reference::percent_decode_strict(&encoded).as_deref(),
        Some(text.as_bytes()),
        "{encoded}"
    );
    let unreserved = text
        .bytes()
        .filter(|&b| reference::is_unreserved(b))
        .count();
    assert_eq!(encoded.len(), unreserved + 3 * (text.len() - unreserved));

    let mut buffer = String::from("prefix&");
    percent_encode_into(&text, &mut buffer);
    assert_eq!(buffer.strip_prefix("prefix&"), Some(encoded.as_str()));
});
