//! Just enough HTTP/1.1 for one POST: the request written in one piece, and
//! the answer read with `Content-Length`, chunked or close-delimited framing.
//!
//! Every buffer that may hold the request (a password) or the answer (a
//! generated password) is wiped on drop.

use super::ReplyHeaders;
use super::stream::Connection;
use std::io;
use std::time::Instant;
use zeroize::Zeroizing;

/// Largest answer head (status line and headers) read.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Most headers an answer may have.
const MAX_HEADERS: usize = 100;
/// First size of the read buffer; the answers of this API fit in it.
const INITIAL_BUFFER: usize = 4096;
/// Longest chunk-size or trailer line accepted.
const MAX_LINE: usize = 4096;

/// Builds the whole request, head and body, so it goes out in one write.
///
/// Header values are checked where they are made (endpoint, user agent and
/// credentials reject control characters; the rest are the crate's own
/// strings), so none can break the head; the debug assertion re-checks that.
pub(crate) fn encode_request(
    headers: &[(&'static str, String)],
    user_agent: &str,
    body: &[u8],
) -> Zeroizing<Vec<u8>> {
    let head_size: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum();
    let mut out = Zeroizing::new(Vec::with_capacity(
        head_size + user_agent.len() + 128 + body.len(),
    ));
    out.extend_from_slice(b"POST / HTTP/1.1\r\n");
    for (name, value) in headers {
        put_header(&mut out, name, value);
    }
    put_header(&mut out, "user-agent", user_agent);
    put_header(&mut out, "accept", "application/json");
    put_header(&mut out, "content-length", &body.len().to_string());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn put_header(out: &mut Vec<u8>, name: &str, value: &str) {
    debug_assert!(!value.bytes().any(|b| b == b'\r' || b == b'\n'), "{name}");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Why reading an answer failed.
#[derive(Debug)]
pub(crate) enum ReadFailure {
    /// The socket failed (or timed out).
    Io(io::Error),
    /// The peer closed the connection; `any` says whether any answer byte came first.
    Closed { any: bool },
    /// The bytes are not a valid HTTP/1.x answer.
    Malformed(&'static str),
    /// The head or the body is larger than allowed.
    TooLarge(String),
}

impl From<io::Error> for ReadFailure {
    fn from(e: io::Error) -> Self {
        ReadFailure::Io(e)
    }
}

/// How the body's end is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Empty,
    Length(u64),
    Chunked,
    UntilClose,
}

/// The status line and headers of an answer.
pub(crate) struct Head {
    pub(crate) status: u16,
    pub(crate) headers: ReplyHeaders,
    framing: Framing,
    keep_alive: bool,
}

/// Where answer bytes come from: a connection, or bytes in memory for the fuzzer.
pub(crate) trait Source {
    /// Reads some bytes (0 at the end of the stream), giving up at `deadline`.
    fn read_until(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize>;
}

impl Source for Connection {
    fn read_until(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        Connection::read_until(self, buf, deadline)
    }
}

/// Bytes read from the source and not yet consumed.
pub(crate) struct Reader<'c, S: Source = Connection> {
    conn: &'c mut S,
    buf: Zeroizing<Vec<u8>>,
    start: usize,
    end: usize,
    deadline: Instant,
}

impl<'c, S: Source> Reader<'c, S> {
    pub(crate) fn new(conn: &'c mut S, deadline: Instant) -> Reader<'c, S> {
        Reader {
            conn,
            buf: Zeroizing::new(vec![0; INITIAL_BUFFER]),
            start: 0,
            end: 0,
            deadline,
        }
    }

    /// Starts a new deadline (the body gets its own read timeout).
    pub(crate) fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    /// True when bytes beyond what was consumed are waiting.
    pub(crate) fn has_buffered(&self) -> bool {
        self.start != self.end
    }

    fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Reads more bytes; `Ok(false)` at the end of the stream. Grows the buffer up to `limit`.
    fn fill(&mut self, limit: usize) -> Result<bool, ReadFailure> {
        if self.start > 0 && self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else if self.buf.len() < limit {
                let grown = (self.buf.len() * 2).min(limit);
                let mut bigger = Zeroizing::new(vec![0; grown]);
                bigger[..self.end].copy_from_slice(&self.buf[..self.end]);
                self.buf = bigger;
            } else {
                return Err(ReadFailure::TooLarge(format!(
                    "the answer's headers are larger than {limit} bytes"
                )));
            }
        }
        let n = self
            .conn
            .read_until(&mut self.buf[self.end..], self.deadline)?;
        self.end += n;
        Ok(n > 0)
    }

    /// Reads the status line and headers, skipping `1xx` interim answers.
    pub(crate) fn read_head(&mut self) -> Result<Head, ReadFailure> {
        let mut any = false;
        loop {
            let parsed = {
                let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut answer = httparse::Response::new(&mut slots);
                match answer.parse(self.buffered()) {
                    Ok(httparse::Status::Complete(len)) => Some((len, head_of(&answer)?)),
                    Ok(httparse::Status::Partial) => None,
                    Err(httparse::Error::TooManyHeaders) => {
                        return Err(ReadFailure::TooLarge(format!(
                            "the answer has more than {MAX_HEADERS} headers"
                        )));
                    }
                    Err(_) => return Err(ReadFailure::Malformed("the answer is not valid HTTP")),
                }
            };
            match parsed {
                Some((len, head)) => {
                    self.start += len;
                    if (100..200).contains(&head.status) {
                        continue;
                    }
                    return Ok(head);
                }
                None => {
                    if !self.fill(MAX_HEAD_BYTES)? {
                        any |= self.start != self.end;
                        return Err(ReadFailure::Closed { any });
                    }
                    any = true;
                }
            }
        }
    }

    /// Reads the body as `head` frames it, refusing more than `cap` bytes.
    /// Returns it with whether the connection can carry another request.
    pub(crate) fn read_body(
        &mut self,
        head: &Head,
        cap: u64,
    ) -> Result<(Zeroizing<Vec<u8>>, bool), ReadFailure> {
        let too_large =
            || ReadFailure::TooLarge(format!("the response body is larger than {cap} bytes"));
        let mut body = Zeroizing::new(Vec::new());
        match head.framing {
            Framing::Empty => {}
            Framing::Length(length) => {
                if length > cap {
                    return Err(too_large());
                }
                self.read_exact_into(&mut body, length as usize)?;
            }
            Framing::Chunked => loop {
                let size = self.chunk_size()?;
                if size == 0 {
                    while !self.line()?.is_empty() {}
                    break;
                }
                if body.len() as u64 + size > cap {
                    return Err(too_large());
                }
                self.read_exact_into(&mut body, size as usize)?;
                if !self.line()?.is_empty() {
                    return Err(ReadFailure::Malformed(
                        "a chunk does not end where its size says",
                    ));
                }
            },
            Framing::UntilClose => loop {
                body.extend_from_slice(self.buffered());
                self.start = self.end;
                if body.len() as u64 > cap {
                    return Err(too_large());
                }
                if !self.fill(INITIAL_BUFFER)? {
                    break;
                }
            },
        }
        // Bytes after the answer mean the stream is out of step: do not reuse it.
        let reusable = head.keep_alive && self.start == self.end;
        Ok((body, reusable))
    }

    /// Moves exactly `length` more bytes into `body`.
    fn read_exact_into(&mut self, body: &mut Vec<u8>, length: usize) -> Result<(), ReadFailure> {
        let target = body.len() + length;
        if body.capacity() < target {
            // Grow through a wiped copy so no earlier allocation keeps body bytes.
            let mut bigger = Vec::with_capacity(target.max(body.capacity() * 2));
            bigger.extend_from_slice(body);
            zeroize::Zeroize::zeroize(body);
            *body = bigger;
        }
        let take = (target - body.len()).min(self.end - self.start);
        body.extend_from_slice(&self.buf[self.start..self.start + take]);
        self.start += take;
        while body.len() < target {
            let filled = body.len();
            body.resize(target, 0);
            let n = self.conn.read_until(&mut body[filled..], self.deadline)?;
            body.truncate(filled + n);
            if n == 0 {
                return Err(ReadFailure::Closed { any: true });
            }
        }
        Ok(())
    }

    /// One CRLF-terminated line, without the CRLF.
    fn line(&mut self) -> Result<Vec<u8>, ReadFailure> {
        loop {
            if let Some(at) = self.buffered().windows(2).position(|w| w == b"\r\n") {
                let line = self.buffered()[..at].to_vec();
                self.start += at + 2;
                return Ok(line);
            }
            if self.end - self.start > MAX_LINE {
                return Err(ReadFailure::Malformed("a chunk header is too long"));
            }
            if !self.fill(MAX_HEAD_BYTES)? {
                return Err(ReadFailure::Closed { any: true });
            }
        }
    }

    fn chunk_size(&mut self) -> Result<u64, ReadFailure> {
        let line = self.line()?;
        let digits = line.split(|&b| b == b';').next().unwrap_or_default();
        let digits = std::str::from_utf8(digits).unwrap_or("").trim();
        if digits.is_empty() || digits.len() > 15 {
            return Err(ReadFailure::Malformed("a chunk size is not a hex number"));
        }
        u64::from_str_radix(digits, 16)
            .map_err(|_| ReadFailure::Malformed("a chunk size is not a hex number"))
    }
}

/// Status, the headers this client reads, framing and keep-alive, from a parsed head.
fn head_of(answer: &httparse::Response<'_, '_>) -> Result<Head, ReadFailure> {
    let status = answer.code.unwrap_or_default();
    let get = |name: &str| {
        answer
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
    };
    let has_token = |name: &str, token: &str| {
        answer
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .filter_map(|h| std::str::from_utf8(h.value).ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    let framing = if status == 204 || status == 304 || (100..200).contains(&status) {
        Framing::Empty
    } else if has_token("transfer-encoding", "chunked") {
        Framing::Chunked
    } else {
        let mut lengths = answer
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("content-length"))
            .map(|h| {
                std::str::from_utf8(h.value)
                    .ok()
                    .and_then(|v| v.trim().parse::<u64>().ok())
            });
        match lengths.next() {
            None => Framing::UntilClose,
            Some(None) => return Err(ReadFailure::Malformed("Content-Length is not a number")),
            Some(Some(first)) => {
                if lengths.any(|other| other != Some(first)) {
                    return Err(ReadFailure::Malformed("Content-Length headers disagree"));
                }
                Framing::Length(first)
            }
        }
    };
    let keep_alive = answer.version == Some(1)
        && !has_token("connection", "close")
        && framing != Framing::UntilClose;
    Ok(Head {
        status,
        headers: ReplyHeaders::read(get),
        framing,
        keep_alive,
    })
}

/// Bytes in memory handed out at most `piece` at a time, as a socket might.
#[cfg(feature = "fuzzing")]
struct Pieces<'a> {
    bytes: &'a [u8],
    piece: usize,
}

#[cfg(feature = "fuzzing")]
impl Source for Pieces<'_> {
    fn read_until(&mut self, buf: &mut [u8], _deadline: Instant) -> io::Result<usize> {
        let n = buf.len().min(self.piece).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// What reading an answer from memory gave: status, headers, body and
/// whether the connection could be reused; or the failure, as text.
#[cfg(feature = "fuzzing")]
pub type MemoryAnswer = Result<(u16, ReplyHeaders, Vec<u8>, bool), String>;

/// Reads one answer from `bytes`, delivered `piece` bytes at a time (at least
/// one), with a body cap of `cap`: the fuzzer's way into the framing code.
#[cfg(feature = "fuzzing")]
pub fn read_answer_from_memory(bytes: &[u8], piece: usize, cap: u64) -> MemoryAnswer {
    let mut source = Pieces {
        bytes,
        piece: piece.max(1),
    };
    let far = Instant::now() + std::time::Duration::from_secs(3600);
    let mut reader = Reader::new(&mut source, far);
    let head = reader.read_head().map_err(|f| format!("{f:?}"))?;
    let (body, reusable) = reader.read_body(&head, cap).map_err(|f| format!("{f:?}"))?;
    Ok((head.status, head.headers, body.to_vec(), reusable))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_one_piece_with_its_length() {
        let headers = vec![
            ("host", "h:1".to_string()),
            ("content-type", "x".to_string()),
        ];
        let bytes = encode_request(&headers, "ua/1", b"a=1");
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "POST / HTTP/1.1\r\nhost: h:1\r\ncontent-type: x\r\nuser-agent: ua/1\r\naccept: application/json\r\ncontent-length: 3\r\n\r\na=1"
        );
    }
}
