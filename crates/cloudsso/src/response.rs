//! Reads one HTTP answer into a response or a typed error (the bodies and codes are in
//! docs/WIRE.md, "Errors").

use crate::error::{Error, ServiceReply};
use crate::model::ResetUserPasswordResponse;
use crate::secret::Secret;
use crate::transport::HttpReply;
use crate::xml;
use serde::Deserialize;
use zeroize::Zeroize;

/// The fields CloudSSO puts in success and error bodies; others are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Body {
    request_id: Option<String>,
    new_password: Option<String>,
    code: Option<String>,
    message: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
}

#[cfg(any(test, feature = "unstable"))]
/// Interprets an answer. `wants_generated` is true when the caller asked the
/// service for a password, which the success body must then carry; otherwise
/// any `NewPassword` in the body is ignored.
pub fn interpret(
    reply: HttpReply,
    wants_generated: bool,
) -> Result<ResetUserPasswordResponse, Error> {
    interpret_with(reply, |reply| success(reply, wants_generated))
}

/// Interprets an answer of any RPC call: redirects and error bodies the same way for every
/// product, success bodies by the call's own `success` reader.
pub(crate) fn interpret_with<T>(
    reply: HttpReply,
    success: impl FnOnce(HttpReply) -> Result<T, Error>,
) -> Result<T, Error> {
    match reply.status {
        200..=299 => success(reply),
        300..=399 => Err(Error::transport(format!(
            "the endpoint answered with a redirect (HTTP {}{}); redirects are not followed, so check the endpoint",
            reply.status,
            reply
                .headers
                .location
                .as_deref()
                .map(|l| format!(" to {}", strip_query(l)))
                .unwrap_or_default()
        ))
        .permanent()
        .with_request_id(reply.headers.request_id)),
        status => Err(failure(reply, status)),
    }
}

/// Reads a `ResetUserPassword` success answer.
pub(crate) fn success(
    reply: HttpReply,
    wants_generated: bool,
) -> Result<ResetUserPasswordResponse, Error> {
    let status = reply.status;
    let body = parse(&reply).map_err(|why| {
        let mut e = Error::decode(
            format!("the success answer (HTTP {status}) could not be read: {why}"),
            status,
        )
        .with_request_id(reply.headers.request_id.clone());
        e.set_outcome_unknown();
        e
    })?;
    let request_id = body
        .request_id
        .filter(|id| !id.is_empty())
        .or(reply.headers.request_id)
        .unwrap_or_default();
    // Only a password the service generated is reported: when the caller chose
    // it, a `NewPassword` in the answer (an echo, or a gateway's invention) is
    // dropped, so the caller's own password is never handed back to be printed.
    let new_password = match body.new_password {
        Some(p) if wants_generated && !p.is_empty() => Some(Secret::new(p)),
        Some(mut ignored) => {
            ignored.zeroize();
            None
        }
        None => None,
    };
    if wants_generated && new_password.is_none() {
        let mut e = Error::decode(
            "the service reported success but sent no NewPassword although one was requested",
            status,
        )
        .with_request_id(Some(request_id).filter(|id| !id.is_empty()));
        e.set_outcome_unknown();
        return Err(e);
    }
    Ok(ResetUserPasswordResponse::new(new_password, request_id))
}

fn failure(reply: HttpReply, status: u16) -> Error {
    let header_id = reply.headers.request_id.clone();
    let service_reply = match parse(&reply) {
        Ok(body) if body.code.is_some() || body.message.is_some() => ServiceReply {
            code: body.code,
            message: body.message,
            request_id: body.request_id.filter(|id| !id.is_empty()).or(header_id),
            host_id: body.host_id,
            recommend: body.recommend,
        },
        _ => ServiceReply {
            message: Some(format!(
                "HTTP {status} with a body that is not a CloudSSO error ({}, {} bytes)",
                reply
                    .headers
                    .content_type
                    .as_deref()
                    .unwrap_or("no content type"),
                reply.body.len()
            )),
            request_id: header_id,
            ..Default::default()
        },
    };
    Error::service(service_reply, status).with_retry_after(reply.headers.retry_after)
}

/// JSON by default; XML when the body looks like XML.
fn parse(reply: &HttpReply) -> Result<Body, String> {
    let text = std::str::from_utf8(&reply.body).map_err(|_| "the body is not UTF-8".to_string())?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return parse_xml(trimmed);
    }
    serde_json::from_str::<Body>(text).map_err(|e| format!("invalid JSON ({e})"))
}

fn parse_xml(doc: &str) -> Result<Body, String> {
    if !(xml::has_root(doc, "Error") || xml::has_root(doc, "ResetUserPasswordResponse")) {
        return Err("XML that is neither <Error> nor <ResetUserPasswordResponse>".into());
    }
    Ok(Body {
        request_id: xml::element_text(doc, "RequestId"),
        new_password: xml::element_text(doc, "NewPassword"),
        code: xml::element_text(doc, "Code"),
        message: xml::element_text(doc, "Message"),
        host_id: xml::element_text(doc, "HostId"),
        recommend: xml::element_text(doc, "Recommend"),
    })
}

fn strip_query(location: &str) -> &str {
    location.split(['?', '#']).next().unwrap_or(location)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::transport::ReplyHeaders;
    use zeroize::Zeroizing;

    fn reply(status: u16, body: &str) -> HttpReply {
        HttpReply {
            status,
            headers: ReplyHeaders {
                request_id: Some("HDR-ID".into()),
                content_type: Some("application/json".into()),
                ..ReplyHeaders::default()
            },
            body: Zeroizing::new(body.as_bytes().to_vec()),
        }
    }

    #[test]
    fn success_with_generated_password() {
        let r = interpret(
            reply(200, r#"{"RequestId":"R1","NewPassword":"Gen!1aBc"}"#),
            true,
        )
        .unwrap();
        assert_eq!((r.request_id(), r.new_password()), ("R1", Some("Gen!1aBc")));
    }

    #[test]
    fn new_password_is_reported_only_when_generated() {
        let body = r#"{"RequestId":"R1","NewPassword":"Caller's-own!1"}"#;
        let r = interpret(reply(200, body), false).unwrap();
        assert_eq!((r.request_id(), r.new_password()), ("R1", None));
        let r = interpret(reply(200, body), true).unwrap();
        assert_eq!(r.new_password(), Some("Caller's-own!1"));
    }

    #[test]
    fn missing_new_password_is_an_unknown_outcome() {
        let e = interpret(reply(200, r#"{"RequestId":"R1"}"#), true).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.is_outcome_unknown());
        assert_eq!(e.request_id(), Some("R1"));
    }

    #[test]
    fn json_and_xml_errors() {
        let e = interpret(
            reply(404, r#"{"RequestId":"R2","HostId":"h","Code":"EntityNotExists.User","Message":"no user","Recommend":"https://x"}"#),
            false,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Service);
        assert_eq!(e.code(), Some("EntityNotExists.User"));
        assert_eq!(e.host_id(), Some("h"));
        assert_eq!(e.recommend(), Some("https://x"));
        let e = interpret(
            reply(400, "<?xml version='1.0'?><Error><RequestId>R3</RequestId><Code>Throttling.User</Code><Message>slow</Message></Error>"),
            false,
        )
        .unwrap_err();
        assert_eq!(
            (e.kind(), e.request_id()),
            (ErrorKind::Throttled, Some("R3"))
        );
    }

    #[test]
    fn html_502_keeps_status_and_header_request_id() {
        let e = interpret(reply(502, "<html><body>Bad Gateway</body></html>"), false).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Service);
        assert_eq!(e.code(), None);
        assert_eq!(e.http_status(), Some(502));
        assert_eq!(e.request_id(), Some("HDR-ID"));
    }

    #[test]
    fn wrong_types_and_duplicate_keys_are_decode_errors_on_success() {
        for body in [
            r#"{"RequestId": 5}"#,
            r#"{"RequestId":"a","RequestId":"b"}"#,
            r#"{"RequestId":"a""#,
            "not json",
        ] {
            let e = interpret(reply(200, body), false).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Decode, "{body}");
        }
    }
}
