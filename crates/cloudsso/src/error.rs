//! The one error type every front door maps from.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// What went wrong, in the categories every front door exposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request or the client options broke a rule; nothing was sent.
    Validation,
    /// No usable credentials were found; nothing was sent.
    Credentials,
    /// The service (or a gateway in front of it) answered with an error.
    Service,
    /// The service refused the call because of its rate limit.
    Throttled,
    /// The service did not answer in time.
    Timeout,
    /// The connection could not be made or broke (refused, reset, TLS, redirect).
    Transport,
    /// The service answered something this client cannot read.
    Decode,
}

impl ErrorKind {
    /// The lower-case name used by the bindings (`"validation"`, `"service"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::Credentials => "credentials",
            ErrorKind::Service => "service",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a failed attempt got, which decides whether retrying is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Nothing was processed: not sent, or the service answered without acting.
    NotProcessed,
    /// The request may have reached the service and been acted on.
    MaybeProcessed,
}

/// An error from a `ResetUserPassword` call, or from building a client.
///
/// It never holds a password, secret or token: service messages are scrubbed
/// of the request's secrets before they are stored.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    field: Option<&'static str>,
    code: Option<String>,
    request_id: Option<String>,
    http_status: Option<u16>,
    host_id: Option<String>,
    recommend: Option<String>,
    attempts: u32,
    outcome_unknown: bool,
    clock_skew: Option<Duration>,
    retry_after: Option<Duration>,
    server_date: Option<std::time::SystemTime>,
    delivery: Delivery,
    permanent: bool,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

/// What a service error body said, before it becomes an [`Error`].
#[derive(Debug, Default, Clone)]
pub(crate) struct ServiceReply {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
}

impl Error {
    fn new(kind: ErrorKind, message: String, delivery: Delivery) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message,
                field: None,
                code: None,
                request_id: None,
                http_status: None,
                host_id: None,
                recommend: None,
                attempts: 0,
                outcome_unknown: false,
                clock_skew: None,
                retry_after: None,
                server_date: None,
                delivery,
                permanent: false,
                source: None,
            }),
        }
    }

    /// A request or option that broke a rule; `field` names it, `rule` says what is wrong.
    pub(crate) fn validation(field: &'static str, rule: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Validation, rule.into(), Delivery::NotProcessed);
        e.inner.field = Some(field);
        e
    }

    /// A validation error for an option a front door checks itself before it
    /// reaches the core (a signature version's name, a negative number), so that
    /// it has the same shape and text as the core's own.
    pub fn invalid_option(field: &'static str, rule: impl Into<String>) -> Self {
        Error::validation(field, rule)
    }

    /// A credentials error (kind [`ErrorKind::Credentials`], nothing sent), for a custom
    /// [`CredentialsProvider`](crate::CredentialsProvider) that has no usable credentials to
    /// give. The message must not contain a secret.
    pub fn credentials_unavailable(message: impl Into<String>) -> Self {
        Error::credentials(message)
    }

    pub(crate) fn credentials(message: impl Into<String>) -> Self {
        Error::new(
            ErrorKind::Credentials,
            message.into(),
            Delivery::NotProcessed,
        )
    }

    pub(crate) fn transport(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Transport, message.into(), Delivery::NotProcessed)
    }

    /// A failure on the connection; `delivery` says whether the service may have acted.
    pub(crate) fn connection(kind: ErrorKind, message: String, delivery: Delivery) -> Self {
        Error::new(kind, message, delivery)
    }

    /// A response that could not be read, or that lacked what it must carry.
    pub(crate) fn decode(message: impl Into<String>, http_status: u16) -> Self {
        let mut e = Error::new(ErrorKind::Decode, message.into(), Delivery::MaybeProcessed);
        e.inner.http_status = Some(http_status);
        e
    }

    /// A service answer with an error status. The kind follows the code, not the status.
    pub(crate) fn service(reply: ServiceReply, http_status: u16) -> Self {
        let kind = match reply.code.as_deref() {
            Some(code) if is_throttling_code(code) => ErrorKind::Throttled,
            _ => ErrorKind::Service,
        };
        let delivery = if http_status == 500 || reply.code.as_deref() == Some("InternalError") {
            Delivery::MaybeProcessed
        } else {
            Delivery::NotProcessed
        };
        let message = reply.message.unwrap_or_else(|| match &reply.code {
            Some(_) => String::from("no message given"),
            None => format!("HTTP {http_status} with no readable error body"),
        });
        let mut e = Error::new(kind, message, delivery);
        let inner = &mut e.inner;
        inner.code = reply.code;
        inner.request_id = reply.request_id;
        inner.http_status = Some(http_status);
        inner.host_id = reply.host_id;
        inner.recommend = reply.recommend;
        e
    }

    /// This error as the failure of a credentials source: kind credentials, the message
    /// prefixed with `context` (which source, which step), the service's code and request id
    /// kept. Nothing of the CloudSSO call was sent.
    pub(crate) fn in_credentials_source(mut self, context: &str) -> Self {
        self.inner.message = format!("{context}: {}", self.inner.message);
        self.inner.kind = ErrorKind::Credentials;
        self.inner.delivery = Delivery::NotProcessed;
        self.inner.outcome_unknown = false;
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_request_id(mut self, request_id: Option<String>) -> Self {
        if self.inner.request_id.is_none() {
            self.inner.request_id = request_id;
        }
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.inner.retry_after = retry_after;
        self
    }

    /// Marks a failure that another attempt cannot fix (a bad certificate, a redirect).
    pub(crate) fn permanent(mut self) -> Self {
        self.inner.permanent = true;
        self
    }

    pub(crate) fn is_permanent(&self) -> bool {
        self.inner.permanent
    }

    pub(crate) fn with_server_date(mut self, date: Option<std::time::SystemTime>) -> Self {
        self.inner.server_date = date;
        self
    }

    pub(crate) fn server_date(&self) -> Option<std::time::SystemTime> {
        self.inner.server_date
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.inner.attempts = attempts;
    }

    pub(crate) fn set_outcome_unknown(&mut self) {
        self.inner.outcome_unknown = true;
    }

    pub(crate) fn set_clock_skew(&mut self, skew: Duration) {
        self.inner.clock_skew = Some(skew);
    }

    pub(crate) fn delivery(&self) -> Delivery {
        self.inner.delivery
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Replaces every occurrence of each secret, in every encoding the
    /// scrubber knows (see `redact`), in each text that may have come from the
    /// network, which may echo what it was sent: the message, code, request id
    /// (body or `x-acs-request-id` header), host id and recommendation.
    pub(crate) fn scrub(&mut self, secrets: &[&str]) {
        let inner = &mut self.inner;
        for text in [
            Some(&mut inner.message),
            inner.recommend.as_mut(),
            inner.host_id.as_mut(),
            inner.code.as_mut(),
            inner.request_id.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            crate::redact::redact_secrets(text, secrets);
        }
        // The underlying error (ureq's, say) may quote what the server sent
        // and cannot be edited: it is dropped when it shows a secret.
        if let Some(source) = &inner.source {
            let shown = format!("{source} {source:?}");
            let mut scrubbed = shown.clone();
            crate::redact::redact_secrets(&mut scrubbed, secrets);
            if scrubbed != shown {
                inner.source = None;
            }
        }
    }

    /// The category of the failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The service's message for service errors; otherwise what went wrong, in words.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// For validation errors, the name of the offending field (`"directory_id"`, ...).
    pub fn field(&self) -> Option<&str> {
        self.inner.field
    }

    /// The service's error code (`"EntityNotExists.User"`, ...), kept as sent.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The request id, from the error body or else the `x-acs-request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The HTTP status of the answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }

    /// The service's `HostId`, when it sent one.
    pub fn host_id(&self) -> Option<&str> {
        self.inner.host_id.as_deref()
    }

    /// The service's `Recommend` (usually a diagnosis link), when it sent one.
    pub fn recommend(&self) -> Option<&str> {
        self.inner.recommend.as_deref()
    }

    /// How many attempts were made before giving up (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// True when the service may have changed the password although no answer
    /// arrived: check the user's state before resetting again.
    pub fn is_outcome_unknown(&self) -> bool {
        self.inner.outcome_unknown
    }

    /// The clock skew measured from the service's `Date` header, for timestamp errors.
    pub fn clock_skew(&self) -> Option<Duration> {
        self.inner.clock_skew
    }
}

/// The throttling codes CloudSSO and its gateways send.
pub(crate) fn is_throttling_code(code: &str) -> bool {
    code == "Throttling" || code.starts_with("Throttling.")
}

/// A short, actionable hint for the codes a user can do something about.
fn hint_for(code: &str) -> Option<&'static str> {
    Some(match code {
        "SignatureDoesNotMatch" => "check the access key secret",
        "InvalidAccessKeyId.NotFound" | "InvalidAccessKeyId" => "check the access key id",
        c if c.starts_with("InvalidSecurityToken") => "refresh the STS security token",
        "InvalidTimeStamp.Expired" | "IllegalTimestamp" => "check this machine's clock",
        "Forbidden.RAM" | "NoPermission" => {
            "grant cloudsso:ResetUserPassword on the directory's user to this identity"
        }
        "EntityNotExists.User" => "check the user id",
        "EntityNotExists.Directory" => "check the directory id and the region",
        c if c.starts_with("InvalidParameter.Password") => {
            "choose a password that meets the directory's password policy"
        }
        c if is_throttling_code(c) => "slow down: the service allows 100 calls/s per account",
        _ => return None,
    })
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        match i.kind {
            ErrorKind::Validation => {
                write!(f, "invalid request: ")?;
                if let Some(field) = i.field {
                    write!(f, "{field}: ")?;
                }
                write!(f, "{}", i.message)?;
            }
            ErrorKind::Credentials => write!(f, "no usable credentials: {}", i.message)?,
            ErrorKind::Service | ErrorKind::Throttled => {
                write!(f, "CloudSSO answered ")?;
                match &i.code {
                    Some(code) => write!(f, "{code}")?,
                    None => write!(f, "an error")?,
                }
                if let Some(status) = i.http_status {
                    write!(f, " (HTTP {status})")?;
                }
                write!(f, ": {}", i.message)?;
                if let Some(hint) = i.code.as_deref().and_then(hint_for) {
                    write!(f, "; {hint}")?;
                }
            }
            ErrorKind::Timeout => write!(f, "timed out: {}", i.message)?,
            ErrorKind::Transport => write!(f, "connection failed: {}", i.message)?,
            ErrorKind::Decode => write!(f, "unreadable response: {}", i.message)?,
        }
        if let Some(skew) = i.clock_skew {
            write!(
                f,
                " (this machine's clock differs from the service's by about {} s)",
                skew.as_secs()
            )?;
        }
        if let Some(id) = &i.request_id {
            write!(f, " [request id {id}]")?;
        }
        if i.attempts > 1 {
            write!(f, " after {} attempts", i.attempts)?;
        }
        if i.outcome_unknown {
            write!(
                f,
                ". The outcome is unknown: the password may have been changed; check the user before resetting again"
            )?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("message", &i.message);
        if let Some(field) = i.field {
            d.field("field", &field);
        }
        if let Some(code) = &i.code {
            d.field("code", code);
        }
        if let Some(id) = &i.request_id {
            d.field("request_id", id);
        }
        if let Some(status) = i.http_status {
            d.field("http_status", &status);
        }
        d.field("attempts", &i.attempts);
        if i.outcome_unknown {
            d.field("outcome_unknown", &true);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_codes_become_throttled() {
        let reply = ServiceReply {
            code: Some("Throttling.User".into()),
            message: Some("Request was denied due to user flow control.".into()),
            request_id: Some("REQ-1".into()),
            ..Default::default()
        };
        let e = Error::service(reply, 400);
        assert_eq!(e.kind(), ErrorKind::Throttled);
        assert_eq!(e.code(), Some("Throttling.User"));
        assert_eq!(e.http_status(), Some(400));
        assert_eq!(e.request_id(), Some("REQ-1"));
    }

    #[test]
    fn scrub_covers_every_network_text_and_drops_a_source_that_shows_a_secret() {
        let echo = "echo Pw%21x Pw+x Pw&#x21;x";
        let mut e = Error::service(
            ServiceReply {
                code: Some(echo.into()),
                message: Some(echo.into()),
                request_id: Some(echo.into()),
                host_id: Some(echo.into()),
                recommend: Some(echo.into()),
            },
            400,
        )
        .with_source(std::io::Error::other("the server said Pw!x"));
        e.scrub(&["Pw!x", "Pw x"]);
        let cleaned = "echo <redacted> <redacted> <redacted>";
        assert_eq!(e.message(), cleaned);
        assert_eq!(e.code(), Some(cleaned));
        assert_eq!(e.request_id(), Some(cleaned));
        assert_eq!(e.host_id(), Some(cleaned));
        assert_eq!(e.recommend(), Some(cleaned));
        assert!(e.source().is_none());

        let mut e = Error::transport("broke").with_source(std::io::Error::other("reset"));
        e.scrub(&["Pw!x"]);
        assert!(e.source().is_some(), "a clean source stays");
    }

    #[test]
    fn display_names_the_field_and_rule() {
        let e = Error::validation("user_id", "must start with \"u-\"");
        assert_eq!(
            e.to_string(),
            "invalid request: user_id: must start with \"u-\""
        );
        assert_eq!(e.field(), Some("user_id"));
    }

    #[test]
    fn debug_is_complete_and_plain() {
        let mut e = Error::service(
            ServiceReply {
                code: Some("EntityNotExists.User".into()),
                message: Some("The specified user does not exist.".into()),
                request_id: Some("R".into()),
                ..Default::default()
            },
            404,
        );
        e.set_attempts(1);
        assert_eq!(
            format!("{e:?}"),
            "Error { kind: Service, message: \"The specified user does not exist.\", code: \"EntityNotExists.User\", request_id: \"R\", http_status: 404, attempts: 1 }"
        );
        assert_eq!(
            e.to_string(),
            "CloudSSO answered EntityNotExists.User (HTTP 404): The specified user does not exist.; check the user id [request id R]"
        );
    }
}
