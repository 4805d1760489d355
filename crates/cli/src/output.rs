//! What `reset-user-password` prints: the result on stdout, a failure on
//! stderr. Nothing here panics when a write fails.
//!
//! Writing the result is the one step that comes after the service has
//! changed the password, so its failure matters: stdout may be a pipe whose
//! reader is gone (Rust ignores SIGPIPE, so the write returns `EPIPE` instead
//! of killing the process silently, and that is kept on purpose) or a full
//! disk. Then stderr says that the password WAS changed, with the request id,
//! and the command exits with the local I/O code (10), so the operator knows
//! to reset again rather than believe nothing happened.

use crate::reset::Output;
use crate::terminal::{stderr_line, visible};
use cloudsso::{Error, ErrorKind, ResetUserPasswordResponse};
use serde_json::json;
use std::io::{self, Write};

/// Writes the result to stdout in one piece and flushes it.
pub fn result(response: &ResetUserPasswordResponse, output: Output) -> io::Result<()> {
    let mut text = match output {
        Output::Json => {
            let mut out = serde_json::Map::new();
            if let Some(p) = response.new_password() {
                out.insert("NewPassword".into(), json!(p));
            }
            out.insert("RequestId".into(), json!(response.request_id()));
            serde_json::Value::Object(out).to_string()
        }
        Output::Text => {
            let mut text = String::new();
            if let Some(p) = response.new_password() {
                let shown = visible(p);
                if shown != p {
                    stderr_line(
                        "cloudsso: the NewPassword holds control characters, shown escaped below; \
                         --output json gives the exact value",
                    );
                }
                text.push_str("NewPassword: ");
                text.push_str(&shown);
                text.push('\n');
            }
            text.push_str("RequestId: ");
            text.push_str(&visible(response.request_id()));
            text
        }
    };
    text.push('\n');
    let written = write_stdout(text.as_bytes());
    // The text may hold a generated password: wipe it.
    zeroize::Zeroize::zeroize(&mut text);
    written
}

fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// The stderr line for a result that could not be written: the password was
/// changed all the same.
pub fn unprinted(response: &ResetUserPasswordResponse, why: &io::Error) -> String {
    let id = visible(response.request_id());
    let what = match response.new_password() {
        Some(_) => "the generated password is lost: reset the password again to get a new one",
        None => "it is now the password you gave",
    };
    format!(
        "the password WAS changed (request id {id}), but the result could not be written to stdout ({why}); {what}"
    )
}

/// Prints a failed call on stderr: plain text (service text shown escaped),
/// or one JSON object.
pub fn report(error: &Error, output: Output) {
    let line = match output {
        Output::Text if error.kind() == ErrorKind::Credentials => format!(
            "cloudsso: {}. To try the command without a cloud account, add --emulator.",
            visible(&error.to_string())
        ),
        Output::Text => format!("cloudsso: {}", visible(&error.to_string())),
        Output::Json => json!({
            "Kind": error.kind().as_str(),
            "Code": error.code(),
            "Message": error.message(),
            "Description": error.to_string(),
            "RequestId": error.request_id(),
            "HttpStatus": error.http_status(),
            "HostId": error.host_id(),
            "Recommend": error.recommend(),
            "Field": error.field(),
            "Attempts": error.attempts(),
            "OutcomeUnknown": error.is_outcome_unknown(),
            "ClockSkewMs": error.clock_skew().map(|d| d.as_millis() as u64),
        })
        .to_string(),
    };
    stderr_line(&line);
}
