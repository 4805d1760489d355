//! A small client for the integration tests: raw HTTP/1.1 over `TcpStream`, and V1/V3 signers
//! written again from docs/WIRE.md (a separate code path from the emulator's verifier).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Digest;

use cloudsso_emulator::{Emulator, EmulatorConfig};

/// Decoded `name=value` pairs.
pub type Pairs = Vec<(String, String)>;

pub const DIR: &str = "d-00fc2p61abcd";
pub const USER: &str = "u-00q8wbq42wiltcrkabcd";

pub fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).expect("emulator starts")
}

/// An answer as read off the socket.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or_default().to_owned()
    }
}

/// Reads until the peer closes, keeping what arrived even if the close was a reset.
pub fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}

pub fn parse_response(raw: &[u8]) -> Resp {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    Resp {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// Builds the bytes of one request with `Connection: close`.
pub fn request_bytes(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends raw bytes and returns everything the server sent before closing.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request).unwrap();
    read_all(&mut stream)
}

pub fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Resp {
    parse_response(&exchange(
        addr,
        &request_bytes(method, target, headers, body),
    ))
}

/// Calls the admin API; returns status and JSON.
pub fn admin(addr: SocketAddr, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let headers = [("content-type".to_owned(), "application/json".to_owned())];
    let resp = send(addr, method, path, &headers, body.as_bytes());
    (resp.status, resp.json())
}

pub fn check_password(addr: SocketAddr, dir: &str, user: &str, password: &str) -> (u16, Value) {
    admin(
        addr,
        "POST",
        "/_emulator/check-password",
        Some(serde_json::json!({"directory_id": dir, "user_id": user, "password": password})),
    )
}

// ---- signing, from docs/WIRE.md ----

/// RFC 3986 with upper-case hex: unreserved bytes stay, everything else is %XX.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        let unreserved =
            matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~');
        if unreserved {
            out.push(b as char);
        } else {
            out += &format!("%{b:02X}");
        }
    }
    out
}

fn form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Current UTC time as `YYYY-MM-DDThh:mm:ssZ`, offset by `skew` seconds, derived from
/// httpdate's IMF-fixdate (a different route than the emulator's own date arithmetic).
pub fn timestamp(skew: i64) -> String {
    let now = SystemTime::now();
    let t = if skew >= 0 {
        now + Duration::from_secs(skew as u64)
    } else {
        now - Duration::from_secs((-skew) as u64)
    };
    let http = httpdate::fmt_http_date(t); // "Sun, 06 Nov 1994 08:49:37 GMT"
    let parts: Vec<&str> = http.split(' ').collect();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| *m == parts[2]).unwrap() + 1;
    format!("{}-{:02}-{}T{}Z", parts[3], month, parts[1], parts[4])
}

pub fn nonce() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A V1 caller: protocol parameters in the query string, business parameters in the form body.
#[derive(Clone)]
pub struct V1 {
    pub access_key_id: String,
    pub secret: String,
    pub token: Option<String>,
    pub format: Option<String>,
    pub timestamp: String,
    pub nonce: String,
    pub action: String,
    pub version: String,
}

impl V1 {
    pub fn demo() -> V1 {
        V1 {
            access_key_id: "testid".into(),
            secret: "testsecret".into(),
            token: None,
            format: Some("JSON".into()),
            timestamp: timestamp(0),
            nonce: nonce(),
            action: "ResetUserPassword".into(),
            version: "2021-05-15".into(),
        }
    }

    pub fn keys(mut self, id: &str, secret: &str) -> V1 {
        self.access_key_id = id.into();
        self.secret = secret.into();
        self
    }

    /// (query, body) with the signature added to the query.
    pub fn sign(&self, method: &str, business: &[(&str, &str)]) -> (Pairs, Pairs) {
        let mut query: Vec<(String, String)> = vec![
            ("Action".into(), self.action.clone()),
            ("Version".into(), self.version.clone()),
            ("AccessKeyId".into(), self.access_key_id.clone()),
            ("SignatureMethod".into(), "HMAC-SHA1".into()),
            ("SignatureVersion".into(), "1.0".into()),
            ("SignatureNonce".into(), self.nonce.clone()),
            ("Timestamp".into(), self.timestamp.clone()),
        ];
        if let Some(f) = &self.format {
            query.push(("Format".into(), f.clone()));
        }
        if let Some(t) = &self.token {
            query.push(("SecurityToken".into(), t.clone()));
        }
        let body: Vec<(String, String)> = business
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut all: Vec<(String, String)> = query.iter().chain(&body).cloned().collect();
        all.sort();
        let canonical = form(&all);
        let to_sign = format!("{method}&{}&{}", enc("/"), enc(&canonical));
        let mut mac =
            Hmac::<sha1::Sha1>::new_from_slice(format!("{}&", self.secret).as_bytes()).unwrap();
        mac.update(to_sign.as_bytes());
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        query.push(("Signature".into(), sig));
        (query, body)
    }

    pub fn call(&self, addr: SocketAddr, business: &[(&str, &str)]) -> Resp {
        let (query, body) = self.sign("POST", business);
        let headers = [(
            "content-type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        )];
        send(
            addr,
            "POST",
            &format!("/?{}", form(&query)),
            &headers,
            form(&body).as_bytes(),
        )
    }
}

/// A V3 caller: business parameters in a form body covered by `x-acs-content-sha256`.
pub struct V3 {
    pub access_key_id: String,
    pub secret: String,
    pub token: Option<String>,
    pub date: String,
    pub nonce: String,
}

impl V3 {
    pub fn demo() -> V3 {
        V3 {
            access_key_id: "testid".into(),
            secret: "testsecret".into(),
            token: None,
            date: timestamp(0),
            nonce: nonce(),
        }
    }

    pub fn call(&self, addr: SocketAddr, business: &[(&str, &str)]) -> Resp {
        parse_response(&exchange(addr, &self.call_raw(business)))
    }

    /// The signed request's bytes.
    pub fn call_raw(&self, business: &[(&str, &str)]) -> Vec<u8> {
        let pairs: Vec<(String, String)> = business
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let body = form(&pairs);
        let payload_hash: String = sha2::Sha256::digest(body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut headers: Vec<(String, String)> = vec![
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("host".into(), "127.0.0.1".into()),
            ("x-acs-action".into(), "ResetUserPassword".into()),
            ("x-acs-version".into(), "2021-05-15".into()),
            ("x-acs-date".into(), self.date.clone()),
            ("x-acs-signature-nonce".into(), self.nonce.clone()),
            ("x-acs-content-sha256".into(), payload_hash.clone()),
        ];
        if let Some(t) = &self.token {
            headers.push(("x-acs-security-token".into(), t.clone()));
        }
        headers.sort();
        let canonical_headers: String = headers
            .iter()
            .map(|(n, v)| format!("{n}:{}\n", v.trim()))
            .collect();
        let signed: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        let signed = signed.join(";");
        let canonical = format!("POST\n/\n\n{canonical_headers}\n{signed}\n{payload_hash}");
        let hashed: String = sha2::Sha256::digest(canonical.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let to_sign = format!("ACS3-HMAC-SHA256\n{hashed}");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(self.secret.as_bytes()).unwrap();
        mac.update(to_sign.as_bytes());
        let sig: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let auth = format!(
            "ACS3-HMAC-SHA256 Credential={},SignedHeaders={signed},Signature={sig}",
            self.access_key_id
        );
        let mut sent: Vec<(String, String)> =
            headers.into_iter().filter(|(n, _)| n != "host").collect();
        sent.push(("authorization".into(), auth));
        request_bytes("POST", "/", &sent, body.as_bytes())
    }
}
