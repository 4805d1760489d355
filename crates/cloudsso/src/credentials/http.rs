//! Plain HTTP GET/PUT for the metadata service and the credentials URI, on ureq (the project's
//! HTTP engine). These are not RPC calls: no signature, no CloudSSO error bodies, so they do not
//! go through the RPC path. No proxy: the metadata service is link-local and a credentials URI
//! is a local sidecar. Answers are capped and never logged (they hold keys).

use std::time::Duration;

/// Largest answer read.
const MAX_ANSWER: u64 = 64 * 1024;

/// An answer: status and body text.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: zeroize::Zeroizing<String>,
}

/// Sends `method` (GET or PUT, no body) to `url` with `headers`. The error text names the
/// failure, not the answer (which may hold keys).
pub(crate) fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    connect_timeout: Duration,
    read_timeout: Duration,
) -> Result<Answer, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(connect_timeout))
        .timeout_recv_response(Some(read_timeout))
        .timeout_recv_body(Some(read_timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .build()
        .into();
    let result = match method {
        "PUT" => {
            let mut request = agent.put(url);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request.send_empty()
        }
        _ => {
            let mut request = agent.get(url);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request.call()
        }
    };
    let mut response = result.map_err(describe)?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_string()
        .map_err(describe)?;
    Ok(Answer {
        status,
        body: zeroize::Zeroizing::new(body),
    })
}

/// A ureq failure in words; ureq's messages carry no answer bodies.
fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".into(),
        ureq::Error::Io(io) => format!("connection failed ({})", io.kind()),
        other => other.to_string(),
    }
}
