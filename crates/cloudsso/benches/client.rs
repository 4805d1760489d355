//! Criterion benchmarks of the client's own work, from the inside out: the V1 and
//! V3 signatures, building a whole signed request, reading an answer, scrubbing
//! secrets out of what the service said, and whole
//! calls over loopback (against a bare keep-alive server, which measures the
//! client, and against the emulator, which measures the pair).
//!
//! Run with `cargo bench -p cloudsso --features unstable`; `-- --test` runs every
//! benchmark once, as the smoke test does. The cross-language comparison lives in
//! `bench/` (see BENCHMARKS.md).

use cloudsso::signing::{self, v1, v3};
use cloudsso::unstable::{AttemptStamp, ReplyHeaders, interpret, redact_secrets, sign};
use cloudsso::{Client, Credentials, ResetUserPasswordRequest, SignatureVersion};
use cloudsso_emulator::{Emulator, EmulatorConfig, ThrottleRates};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

const NONCE: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
const TIMESTAMP: &str = "2026-11-26T23:30:00Z";
const DIRECTORY: &str = "d-00fc2p61abcd";
const USER: &str = "u-00q8wbq42wiltcrkabcd";
/// The success body the bare server answers, shaped like the service's.
const SUCCESS_BODY: &str =
    r#"{"RequestId":"8F2A6D3C-6E0B-4F57-9A3B-0C1D2E3F4A5B","NewPassword":"Xy7#kP2!mQ9@vR4s"}"#;

/// The 14 parameters of a V1 call that sets a password as an STS user: the
/// largest realistic canonical string.
fn v1_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Action", "ResetUserPassword"),
        ("Version", "2021-05-15"),
        ("Format", "JSON"),
        ("AccessKeyId", "LTAI5tBenchmarkKeyId0001"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", NONCE),
        ("Timestamp", TIMESTAMP),
        (
            "SecurityToken",
            "CAIS+gF1q6Ft5B2yfSjIr5bmKfXhr5Nr0oGtaUfXjV0+bench",
        ),
        ("DirectoryId", DIRECTORY),
        ("UserId", USER),
        ("Password", "N3w-Passw0rd! ä+*"),
        ("GenerateRandomPassword", "false"),
        ("RequirePasswordResetForNextLogin", "true"),
    ]
}

fn canonical_v1() -> String {
    let mut params = v1_params();
    let mut out = String::new();
    signing::canonical_params_into(&mut params, &mut out);
    out
}

fn bench_signing(c: &mut Criterion) {
    let canonical = canonical_v1();
    let mut group = c.benchmark_group("signing");
    group.bench_function("v1_string_to_sign_and_signature", |b| {
        b.iter(|| {
            let to_sign = v1::string_to_sign("POST", black_box(&canonical));
            v1::signature(black_box("benchmark-secret-value"), &to_sign)
        })
    });
    group.bench_function("v1_canonical_params_into", |b| {
        let template = v1_params();
        let mut out = String::with_capacity(512);
        b.iter(|| {
            let mut params = template.clone();
            out.clear();
            signing::canonical_params_into(black_box(&mut params), &mut out);
            out.len()
        })
    });
    group.bench_function("v3_canonical_request_and_signature", |b| {
        let body =
            "DirectoryId=d-00fc2p61abcd&GenerateRandomPassword=true&UserId=u-00q8wbq42wiltcrkabcd";
        b.iter(|| {
            let hash = v3::sha256_hex(black_box(body).as_bytes());
            let mut headers = [
                ("host", "cloudsso.cn-shanghai.aliyuncs.com"),
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-acs-action", "ResetUserPassword"),
                ("x-acs-version", "2021-05-15"),
                ("x-acs-date", TIMESTAMP),
                ("x-acs-signature-nonce", NONCE),
                ("x-acs-content-sha256", &hash),
            ];
            let (canonical, signed) = v3::canonical_request("POST", "/", "", &mut headers, &hash);
            let to_sign = v3::string_to_sign(&canonical);
            let signature = v3::signature(black_box("benchmark-secret-value"), &to_sign);
            v3::authorization("LTAI5tBenchmarkKeyId0001", &signed, &signature)
        })
    });
    group.finish();
}

fn bench_request_building(c: &mut Criterion) {
    let credentials = Credentials::new(
        "LTAI5tBenchmarkKeyId0001",
        "benchmark-secret-value",
        Some("CAIS+gF1q6Ft5B2yfSjIr5bmKfXhr5Nr0oGtaUfXjV0+bench".to_string()),
    )
    .expect("valid credentials");
    let request = ResetUserPasswordRequest::new(DIRECTORY, USER)
        .password("N3w-Passw0rd! ä+*")
        .generate_random_password(false)
        .require_password_reset_for_next_login(true);
    let stamp = AttemptStamp {
        nonce: NONCE,
        timestamp: TIMESTAMP,
    };
    let mut group = c.benchmark_group("sign_request");
    for (name, version) in [("v1", SignatureVersion::V1), ("v3", SignatureVersion::V3)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                sign(
                    version,
                    black_box(&request),
                    &credentials,
                    &stamp,
                    "cloudsso.cn-shanghai.aliyuncs.com",
                )
            })
        });
    }
    group.finish();
}

fn bench_response_parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_response");
    group.throughput(Throughput::Bytes(SUCCESS_BODY.len() as u64));
    group.bench_function("success_json", |b| {
        b.iter(|| {
            interpret(
                200,
                ReplyHeaders::default(),
                black_box(SUCCESS_BODY.as_bytes()),
                true,
            )
            .expect("a success")
        })
    });
    group.finish();
}

/// The secrets of a V1 call as an STS user (see `v1_params`), as a call scrubs them.
const SCRUB_SECRETS: [&str; 3] = [
    "Bench+Secret/Of=The~Key0001",
    "CAIS+gF1q6Ft5B2yfSjIr5bmKfXhr5Nr0oGtaUfXjV0+bench",
    "N3w-Passw0rd! ä+*",
];

fn bench_scrubbing(c: &mut Criterion) {
    let mut group = c.benchmark_group("scrub");
    // What every successful call now adds: the request id.
    let request_id = "8F2A6D3C-6E0B-4F57-9A3B-0C1D2E3F4A5B";
    group.bench_function("request_id", |b| {
        b.iter(|| {
            let mut text = black_box(request_id).to_string();
            redact_secrets(&mut text, &SCRUB_SECRETS);
            text
        })
    });
    // A typical error message, nothing to remove.
    let message = "The specified user does not exist. RequestId: 8F2A6D3C-6E0B-4F57-9A3B-0C1D2E3F4A5B, see https://api.aliyun.com/troubleshoot?q=EntityNotExists.User&product=cloudsso";
    group.bench_function("error_message", |b| {
        b.iter(|| {
            let mut text = black_box(message).to_string();
            redact_secrets(&mut text, &SCRUB_SECRETS);
            text
        })
    });
    // A SignatureDoesNotMatch echo of the whole V1 string to sign.
    let mut echo = String::from(
        "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&",
    );
    echo.push_str(&cloudsso::encoding::percent_encode(&canonical_v1()));
    group.throughput(Throughput::Bytes(echo.len() as u64));
    group.bench_function("string_to_sign_echo", |b| {
        b.iter(|| {
            let mut text = black_box(echo.as_str()).to_string();
            redact_secrets(&mut text, &SCRUB_SECRETS);
            assert!(text.contains("<redacted>"));
            text
        })
    });
    // The largest answer read (1 MiB), dense with the bytes that start escapes.
    let mut big = String::with_capacity(1 << 20);
    while big.len() < (1 << 20) - 64 {
        big.push_str("a%2Fb&amp;c\\u0041d+e N3w-Passw0rX CAIS+gF1q Bench+Secret/Of ");
    }
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(10);
    group.bench_function("one_mib_no_secret", |b| {
        b.iter(|| {
            let mut text = black_box(big.as_str()).to_string();
            redact_secrets(&mut text, &SCRUB_SECRETS);
            text
        })
    });
    group.finish();
}

/// A bare HTTP/1.1 keep-alive server on loopback that answers every request with
/// the canned success body, one thread per connection: the least server work
/// possible, so a whole call measures the client.
fn start_bare_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve_connection(stream));
        }
    });
    format!("http://{addr}")
}

/// The bare server's whole answer.
fn bare_response() -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nx-acs-request-id: 8F2A6D3C-6E0B-4F57-9A3B-0C1D2E3F4A5B\r\nContent-Length: {}\r\n\r\n{SUCCESS_BODY}",
        SUCCESS_BODY.len()
    )
}

/// Answers requests on one connection until the peer closes it or sends garbage.
fn serve_connection(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let response = bare_response();
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        let mut content_length = 0usize;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        body.resize(content_length, 0);
        if reader.read_exact(&mut body).is_err() || writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn client_for(endpoint: &str, version: SignatureVersion) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .access_key("testid", "testsecret")
        .signature_version(version)
        .rate_limit_per_second(0)
        .max_attempts(1)
        .build()
        .expect("client builds")
}

fn bench_whole_call(c: &mut Criterion) {
    let request = ResetUserPasswordRequest::new(DIRECTORY, USER).generate_random_password(true);
    let mut group = c.benchmark_group("whole_call");

    let bare = start_bare_server();
    for (name, version) in [
        ("bare_server_v1", SignatureVersion::V1),
        ("bare_server_v3", SignatureVersion::V3),
    ] {
        let client = client_for(&bare, version);
        group.bench_function(name, |b| {
            b.iter(|| client.reset_user_password(&request).expect("call succeeds"))
        });
    }

    // The floor: one write and one read per call on a kept-alive socket, the
    // same bytes as a V1 call, no HTTP library.
    group.bench_function("bare_server_raw_tcp_floor", |b| {
        let mut stream = TcpStream::connect(bare.trim_start_matches("http://")).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let body = "b".repeat(334);
        let request = format!(
            "POST / HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\naccept: application/json\r\nuser-agent: cloudsso-rust/0.1.0\r\ncontent-length: {}\r\n\r\n{body}",
            bare.trim_start_matches("http://"),
            body.len()
        );
        let mut answer = vec![0u8; bare_response().len()];
        b.iter(|| {
            stream.write_all(request.as_bytes()).expect("write");
            stream.read_exact(&mut answer).expect("read");
        })
    });

    let emulator = Emulator::start(EmulatorConfig::default()).expect("emulator starts");
    emulator.set_throttle(ThrottleRates {
        per_account_per_second: 0,
        global_per_second: 0,
    });
    let client = client_for(&emulator.endpoint(), SignatureVersion::V1);
    group.bench_function("emulator_v1", |b| {
        b.iter(|| client.reset_user_password(&request).expect("call succeeds"))
    });
    group.finish();
    emulator.shutdown();
}

criterion_group!(
    benches,
    bench_signing,
    bench_request_building,
    bench_response_parsing,
    bench_scrubbing,
    bench_whole_call
);
criterion_main!(benches);
