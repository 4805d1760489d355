//! The transport's HTTP/1.1 answer reader: status line, headers, and
//! `Content-Length`, chunked or close-delimited bodies, from untrusted bytes.
//!
//! Properties:
//! * nothing panics, and no answer gives a body over the cap;
//! * the outcome does not depend on how the bytes are split into reads: one
//!   byte at a time, a fuzzer-chosen piece size and all at once agree (this
//!   is where buffer-boundary bugs live);
//! * an answer built here (status, request id, body sent with
//!   `Content-Length` or as fuzzer-sized chunks, maybe after a `100 Continue`)
//!   is read back exactly: same status, request id and body; it is reusable
//!   exactly when it was HTTP/1.1 without `Connection: close` and nothing
//!   followed it.
#![no_main]

use cloudsso::fuzzing::read_answer_from_memory;
use fuzz_support::Input;
use libfuzzer_sys::fuzz_target;

/// The cap used throughout; small so the fuzzer can cross it.
const CAP: u64 = 4096;

/// Reads `bytes` split three ways and checks they agree. Only "reusable" may
/// differ: bytes after the answer that a split read has not reached yet are
/// caught by the pool's liveness peek instead, so a whole read may say "not
/// reusable" where a split one says "reusable", never the other way round.
fn read_every_way(bytes: &[u8], piece: usize) -> cloudsso::fuzzing::MemoryAnswer {
    let whole = read_answer_from_memory(bytes, bytes.len().max(1), CAP);
    let without_reuse = |answer: &cloudsso::fuzzing::MemoryAnswer| match answer {
        Ok((status, headers, body, _)) => format!("{status} {headers:?} {body:?}"),
        Err(e) => e.clone(),
    };
    for split in [1, piece] {
        let other = read_answer_from_memory(bytes, split, CAP);
        assert_eq!(
            without_reuse(&other),
            without_reuse(&whole),
            "read {split} bytes at a time"
        );
        if let (Ok((.., true)), Ok((.., split_reusable))) = (&whole, &other) {
            assert!(split_reusable, "read {split} bytes at a time");
        }
    }
    if let Ok((_, _, body, _)) = &whole {
        assert!(body.len() as u64 <= CAP);
    }
    whole
}

/// An answer assembled from fuzzer choices, with what reading it must give.
fn built(input: &mut Input) -> (Vec<u8>, u16, String, Vec<u8>, bool) {
    let status = input.pick(&[200u16, 201, 400, 404, 500, 503]);
    let request_id: String = input
        .string(24)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let body = input.bytes(300).to_vec();
    let http10 = input.byte() % 8 == 0;
    let close = input.byte() % 4 == 0;
    let mut out = Vec::new();
    if input.bool() {
        out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    out.extend_from_slice(if http10 { b"HTTP/1.0 " } else { b"HTTP/1.1 " });
    out.extend_from_slice(format!("{status} Whatever\r\n").as_bytes());
    if !request_id.is_empty() {
        out.extend_from_slice(format!("X-Acs-Request-Id: {request_id}\r\n").as_bytes());
    }
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    if input.bool() {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(&body);
    } else {
        out.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        let mut rest = body.as_slice();
        while !rest.is_empty() {
            let size = (usize::from(input.byte()) % 97 + 1).min(rest.len());
            out.extend_from_slice(format!("{size:x}\r\n").as_bytes());
            out.extend_from_slice(&rest[..size]);
            out.extend_from_slice(b"\r\n");
            rest = &rest[size..];
        }
        out.extend_from_slice(b"0\r\n\r\n");
    }
    let trailing = input.byte() % 8 == 0;
    if trailing {
        out.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
    }
    let reusable = !http10 && !close && !trailing;
    (out, status, request_id, body, reusable)
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let piece = usize::from(input.byte()) + 1;
    if input.bool() {
        let _ = read_every_way(input.rest(), piece);
        return;
    }
    let (bytes, status, request_id, body, reusable) = built(&mut input);
    let (got_status, headers, got_body, got_reusable) =
        read_every_way(&bytes, piece).expect("a well-formed answer is read");
    assert_eq!(got_status, status);
    assert_eq!(headers.request_id.unwrap_or_default(), request_id);
    assert_eq!(got_body, body);
    assert_eq!(got_reusable, reusable);
});
