//! The HTTP/1.1 server (hyper 1 on a small tokio runtime): routes admin and API requests, and
//! applies queued faults at the connection level.
//!
//! Why hyper rather than tiny_http: tiny_http 0.12 never hands out its socket. A `Request`
//! dropped unanswered writes a 500 (`impl Drop for Request`), `into_writer()`/`upgrade()` give a
//! writer but the connection stays open for keep-alive, and the connection ends only when the
//! *client's* headers ask for it or a read fails. So "close without answering" and "close after
//! a short body" cannot be expressed. In hyper a service error closes the connection without a
//! response, and a body that errors after a partial frame aborts it mid-body.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE, HeaderValue, SERVER};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

use crate::admin;
use crate::api::{self, ApiRequest, Seen};
use crate::encoding::parse_pairs;
use crate::errors::ApiError;
use crate::faults::{Fault, FaultAction};
use crate::render::{self, Format};
use crate::service::{Service, lock};
use crate::stats::{LoggedRequest, redact_target};
use crate::sts;

/// Largest request body read; more is refused with 413.
const MAX_BODY: usize = 1 << 20;
/// How long a truncated answer stays open after its partial body, so the bytes are flushed
/// before the connection is torn down.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(50);

/// What the connection tasks share.
pub(crate) struct Server {
    pub(crate) service: Arc<Service>,
    pub(crate) accept_loop: Mutex<Option<AbortHandle>>,
    pub(crate) sts_accept_loop: Mutex<Option<AbortHandle>>,
}

impl Server {
    /// Stops accepting connections and wakes `wait()`ers; open connections end with the runtime.
    pub(crate) fn stop_accepting(&self) {
        for accept_loop in [&self.accept_loop, &self.sts_accept_loop] {
            if let Some(handle) = lock(accept_loop).take() {
                handle.abort();
            }
        }
        self.service.mark_stopped();
    }
}

/// The error a handler returns to make hyper close the connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// Response body: complete, or deliberately cut short.
pub(crate) enum Body {
    Full(Option<Bytes>),
    Truncated {
        part: Option<Bytes>,
        declared: u64,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Body::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            Body::Truncated { part, pause, .. } => {
                if let Some(data) = part.take() {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                let sleep =
                    pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)));
                ready!(sleep.as_mut().poll(cx));
                Poll::Ready(Some(Err(std::io::Error::other(
                    "body truncated by an injected fault",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(data) => SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64)),
            Body::Truncated { declared, .. } => SizeHint::with_exact(*declared),
        }
    }
}

/// Which of the emulator's two ports a listener serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Port {
    /// CloudSSO's API (and the admin API).
    Api,
    /// STS, the ECS metadata paths and the credentials URI (and the admin API).
    Sts,
}

/// Accepts connections until aborted; each connection is served on its own task.
pub(crate) async fn accept_loop(listener: TcpListener, server: Arc<Server>, port: Port) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of file descriptors or similar: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let server = server.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let server = server.clone();
                async move { route(server, peer, req, port).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .auto_date_header(false)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn route(
    server: Arc<Server>,
    peer: SocketAddr,
    req: Request<Incoming>,
    port: Port,
) -> Result<Response<Body>, DropConnection> {
    let path = req.uri().path();
    if path == "/_emulator" || path.starts_with("/_emulator/") {
        return Ok(admin_route(&server, peer, req).await);
    }
    match port {
        Port::Api => api_route(&server.service, req).await,
        Port::Sts => Ok(sts_route(&server.service, req).await),
    }
}

/// The second port: metadata paths, the credentials URI, and STS for everything else.
async fn sts_route(service: &Service, req: Request<Incoming>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let method = parts.method.as_str().to_owned();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if path.starts_with("/latest/") {
        let answer = sts::metadata(service, &method, &path, &header);
        return response(
            service,
            answer.status,
            answer.content_type,
            full(answer.body),
        );
    }
    if path == "/credentials-uri" {
        let answer = sts::credentials_uri(service, &method);
        return response(
            service,
            answer.status,
            answer.content_type,
            full(answer.body),
        );
    }
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(_) => {
            let err = ApiError::body_too_large();
            let text = render::error(Format::Json, &render::new_request_id(), "sts", &err);
            return response(service, err.status, Format::Json.content_type(), full(text));
        }
    };
    let raw_query = parts.uri.query().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let answer = sts::process(
        service,
        &ApiRequest {
            method: &method,
            path: &path,
            raw_query: &raw_query,
            headers: &headers,
            body: &body,
        },
    );
    let resp = response(
        service,
        answer.status,
        answer.content_type,
        full(answer.body),
    );
    with_request_id(resp, &answer.request_id)
}

fn response(service: &Service, status: u16, content_type: &str, body: Body) -> Response<Body> {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&service.clock.http_date()) {
        headers.insert(DATE, v);
    }
    headers.insert(SERVER, HeaderValue::from_static("cloudsso-emulator"));
    resp
}

fn with_request_id(mut resp: Response<Body>, request_id: &str) -> Response<Body> {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-acs-request-id", v);
    }
    resp
}

fn full(text: impl Into<Bytes>) -> Body {
    Body::Full(Some(text.into()))
}

enum ReadError {
    TooLarge,
    Io,
}

async fn read_body(body: Incoming) -> Result<Bytes, ReadError> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(ReadError::TooLarge),
        Err(_) => Err(ReadError::Io),
    }
}

async fn admin_route(server: &Server, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let service = &server.service;
    let json = |status: u16, value: serde_json::Value| {
        response(service, status, "application/json", full(value.to_string()))
    };
    if !peer.ip().is_loopback() {
        return json(
            403,
            serde_json::json!({ "error": "the admin API answers loopback clients only" }),
        );
    }
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let body = match read_body(req.into_body()).await {
        Ok(body) => body,
        Err(_) => {
            return json(
                400,
                serde_json::json!({ "error": "unreadable or oversized body" }),
            );
        }
    };
    let answer = admin::handle(service, &method, &path, &body);
    if answer.shutdown {
        server.stop_accepting();
    }
    json(answer.status, answer.body)
}

fn names(raw: &str) -> Vec<String> {
    parse_pairs(raw)
        .map(|pairs| pairs.into_iter().map(|(n, _)| n).collect())
        .unwrap_or_default()
}

/// One API request: count it, apply the next fault, process, answer, log.
async fn api_route(
    service: &Service,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let _in_flight = service.in_flight.enter();
    lock(&service.recorder).count_request();
    let fault = lock(&service.faults).take();
    let action = fault.as_ref().map(|f| f.action);
    let (parts, body) = req.into_parts();
    let raw_query = parts.uri.query().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut entry = LoggedRequest {
        method: parts.method.as_str().to_owned(),
        target: redact_target(parts.uri.path_and_query().map_or("/", |pq| pq.as_str())),
        query_names: names(&raw_query),
        header_names: headers.iter().map(|(n, _)| n.clone()).collect(),
        user_agent: headers
            .iter()
            .find(|(n, _)| n == "user-agent")
            .map(|(_, v)| v.clone()),
        fault: action.map(|a| a.name().to_owned()),
        ..LoggedRequest::default()
    };
    let record = |entry: LoggedRequest| lock(&service.recorder).log(entry);

    if let Some(f) = &fault
        && f.delay_ms > 0
    {
        tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
    }
    if action == Some(FaultAction::Hold) {
        service.in_flight.hold().await;
    }
    if action == Some(FaultAction::DropBeforeRead) {
        record(entry);
        return Err(DropConnection);
    }
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(ReadError::Io) => {
            record(entry);
            return Err(DropConnection);
        }
        Err(ReadError::TooLarge) => {
            let err = ApiError::body_too_large();
            let request_id = render::new_request_id();
            lock(&service.recorder).count_error(&err.code);
            entry.code = Some(err.code.clone());
            entry.http_status = Some(err.status);
            record(entry);
            let text = render::error(Format::Json, &request_id, "cloudsso", &err);
            let resp = response(service, err.status, Format::Json.content_type(), full(text));
            return Ok(with_request_id(resp, &request_id));
        }
    };
    if action == Some(FaultAction::DropAfterRead) {
        record(entry);
        return Err(DropConnection);
    }
    let api_request = ApiRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        raw_query: &raw_query,
        headers: &headers,
        body: &body,
    };
    if let Some(f) = fault.as_ref().filter(|f| f.action == FaultAction::Respond) {
        let (format, seen) = api::observe(&api_request);
        log_seen(&mut entry, seen);
        return Ok(fault_response(service, f, format, entry));
    }
    let mut seen = Seen::default();
    let answer = api::process(service, &api_request, &mut seen);
    {
        let mut recorder = lock(&service.recorder);
        match &answer.code {
            None => recorder.count_reset(),
            Some(code) => recorder.count_error(code),
        }
    }
    log_seen(&mut entry, seen);
    entry.code = answer.code.clone();

    let resp = match action {
        Some(FaultAction::DropAfterProcess) => {
            record(entry);
            return Err(DropConnection);
        }
        Some(FaultAction::TruncatedBody) => {
            let bytes = Bytes::from(answer.body);
            let declared = bytes.len() as u64 + 64;
            let part = bytes.slice(..bytes.len() / 2);
            let body = Body::Truncated {
                part: Some(part),
                declared,
                pause: None,
            };
            let mut resp = response(service, 200, answer.content_type, body);
            resp.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(declared));
            entry.http_status = Some(200);
            resp
        }
        Some(FaultAction::GarbageBody) => {
            entry.http_status = Some(200);
            let garbage = "<html><body>\u{0}\u{1}this is not JSON {\"RequestId\": </body>";
            response(service, 200, answer.content_type, full(garbage))
        }
        _ => {
            entry.http_status = Some(answer.status);
            response(
                service,
                answer.status,
                answer.content_type,
                full(answer.body),
            )
        }
    };
    record(entry);
    Ok(with_request_id(resp, &answer.request_id))
}

/// Copies what the request log may keep about a request into its entry.
fn log_seen(entry: &mut LoggedRequest, seen: Seen) {
    entry.query_names = seen.query_names;
    entry.body_names = seen.body_names;
    entry.signature_version = seen.signature_version.map(str::to_owned);
    entry.access_key_id = seen.access_key_id;
    entry.nonce = seen.nonce;
    entry.timestamp = seen.timestamp;
    entry.directory_id = seen.directory_id;
    entry.user_id = seen.user_id;
}

/// The `respond` fault: the configured error in the service's error body (in the format the
/// request asked for), or a verbatim
/// body (an HTML 502 page, say) with no request id.
fn fault_response(
    service: &Service,
    fault: &Fault,
    format: Format,
    mut entry: LoggedRequest,
) -> Response<Body> {
    entry.http_status = Some(fault.status);
    let mut resp = match &fault.body {
        Some(body) => {
            let content_type = fault.content_type.as_deref().unwrap_or("text/html");
            response(service, fault.status, content_type, full(body.clone()))
        }
        None => {
            let err = ApiError::new(fault.status, &fault.code, fault.message.clone());
            let request_id = render::new_request_id();
            lock(&service.recorder).count_error(&err.code);
            entry.code = Some(err.code.clone());
            let text = render::error(format, &request_id, "cloudsso", &err);
            let resp = response(service, fault.status, format.content_type(), full(text));
            with_request_id(resp, &request_id)
        }
    };
    if let Some(ms) = fault.retry_after_ms {
        resp.headers_mut()
            .insert("x-acs-retry-after", HeaderValue::from(ms));
    }
    lock(&service.recorder).log(entry);
    resp
}
