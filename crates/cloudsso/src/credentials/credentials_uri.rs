//! Step 7 of the chain (and the `CredentialsURI` profile mode): a GET on
//! `ALIBABA_CLOUD_CREDENTIALS_URI` returning `{"Code": "Success", "AccessKeyId",
//! "AccessKeySecret", "SecurityToken", "Expiration"}`, as the vendor's libraries read it.

use super::Credentials;
use super::cache::Fetch;
use super::chain::ChainSettings;
use super::http;
use crate::error::Error;
use std::time::Duration;

/// The URI.
pub(crate) const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// GETs the URI for temporary keys.
#[derive(Clone)]
pub(crate) struct UriSource {
    uri: String,
    connect_timeout: Duration,
    read_timeout: Duration,
}

impl UriSource {
    /// Checks the URI's form (no I/O). `origin` names where it came from, for errors.
    pub(crate) fn new(
        settings: &ChainSettings,
        uri: String,
        origin: &str,
    ) -> Result<UriSource, Error> {
        let lower = uri.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(Error::credentials(format!(
                "{origin}: the credentials URI must start with http:// or https://"
            )));
        }
        Ok(UriSource {
            uri,
            connect_timeout: settings.connect_timeout,
            read_timeout: settings.read_timeout,
        })
    }

    /// The URI without its query (which might carry a token), for messages.
    fn shown(&self) -> &str {
        self.uri.split(['?', '#']).next().unwrap_or_default()
    }
}

impl std::fmt::Debug for UriSource {
    /// Without the query, which may carry a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UriSource")
            .field("uri", &self.shown())
            .finish_non_exhaustive()
    }
}

impl Fetch for UriSource {
    fn describe(&self) -> String {
        format!("the credentials URI {}", self.shown())
    }

    fn fetch(&self) -> Result<Credentials, Error> {
        let fail =
            |why: String| Error::credentials(format!("credentials URI {}: {why}", self.shown()));
        let answer = http::send(
            "GET",
            &self.uri,
            &[],
            self.connect_timeout,
            self.read_timeout,
        )
        .map_err(fail)?;
        if answer.status != 200 {
            return Err(fail(format!("HTTP {}", answer.status)));
        }
        super::sts::read_flat_answer(&answer.body, false).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_messages_leave_out_the_query() {
        let source = UriSource::new(
            &ChainSettings::default(),
            "http://127.0.0.1:9/creds?token=hidden-token".into(),
            "test",
        )
        .unwrap();
        let shown = format!("{source:?} {}", source.describe());
        assert!(shown.contains("http://127.0.0.1:9/creds"), "{shown}");
        assert!(!shown.contains("hidden-token"), "{shown}");
        assert!(UriSource::new(&ChainSettings::default(), "file:///x".into(), "test").is_err());
    }
}
