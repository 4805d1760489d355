//! The `ResetUserPassword` request and response.

use crate::secret::Secret;
use std::fmt;

/// The parameters of one `ResetUserPassword` call.
///
/// Build it with [`ResetUserPasswordRequest::new`] and the setters; it is
/// validated by [`crate::Client::reset_user_password`] before anything is sent
/// (or earlier by [`ResetUserPasswordRequest::validate`]).
#[derive(Clone, Debug, Default)]
pub struct ResetUserPasswordRequest {
    directory_id: String,
    user_id: String,
    password: Option<Secret>,
    generate_random_password: Option<bool>,
    require_password_reset_for_next_login: Option<bool>,
}

impl ResetUserPasswordRequest {
    /// A request for the user `user_id` of the directory `directory_id`.
    pub fn new(directory_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        ResetUserPasswordRequest {
            directory_id: directory_id.into(),
            user_id: user_id.into(),
            ..Default::default()
        }
    }

    /// Sets the new password chosen by the caller.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Secret::new(password));
        self
    }

    /// Asks the service to generate the new password (returned in the response).
    pub fn generate_random_password(mut self, generate: bool) -> Self {
        self.generate_random_password = Some(generate);
        self
    }

    /// Makes the user change the password at the next logon.
    pub fn require_password_reset_for_next_login(mut self, require: bool) -> Self {
        self.require_password_reset_for_next_login = Some(require);
        self
    }

    /// The directory id (`d-...`).
    pub fn directory_id(&self) -> &str {
        &self.directory_id
    }

    /// The user id (`u-...`).
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The caller's password, if one was set (redacted in `Debug`).
    pub fn get_password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// Whether the service is asked to generate the password, if set.
    pub fn get_generate_random_password(&self) -> Option<bool> {
        self.generate_random_password
    }

    /// Whether the user must change the password at next logon, if set.
    pub fn get_require_password_reset_for_next_login(&self) -> Option<bool> {
        self.require_password_reset_for_next_login
    }

    /// Checks every rule without any I/O; the error names the field and the rule.
    pub fn validate(&self) -> Result<(), crate::Error> {
        crate::validation::validate(self)
    }

    /// True when the service, not the caller, chooses the password.
    pub(crate) fn wants_generated_password(&self) -> bool {
        self.generate_random_password == Some(true)
    }

    /// The caller's password, treating an empty string as absent.
    pub(crate) fn caller_password(&self) -> Option<&str> {
        self.password
            .as_ref()
            .map(Secret::expose)
            .filter(|p| !p.is_empty())
    }
}

/// What a successful call returns.
#[derive(Clone, PartialEq, Eq)]
pub struct ResetUserPasswordResponse {
    new_password: Option<Secret>,
    request_id: String,
}

impl ResetUserPasswordResponse {
    pub(crate) fn new(new_password: Option<Secret>, request_id: String) -> Self {
        ResetUserPasswordResponse {
            new_password,
            request_id,
        }
    }

    /// The password the service generated; `None` when the caller chose it.
    pub fn new_password(&self) -> Option<&str> {
        self.new_password.as_ref().map(Secret::expose)
    }

    /// The service's request id, for support cases and audit logs.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Scrubs the request id, which came from the network, of the request's
    /// secrets and of the generated password (a log line shows the request id).
    pub(crate) fn scrub(&mut self, secrets: &[&str]) {
        match self.new_password.as_ref() {
            Some(generated) => {
                let mut all = secrets.to_vec();
                all.push(generated.expose());
                crate::redact::redact_secrets(&mut self.request_id, &all);
            }
            None => crate::redact::redact_secrets(&mut self.request_id, secrets),
        }
    }

    /// Takes the generated password out, leaving `None` behind.
    pub fn take_new_password(&mut self) -> Option<Secret> {
        self.new_password.take()
    }
}

impl fmt::Debug for ResetUserPasswordResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetUserPasswordResponse")
            .field("new_password", &self.new_password)
            .field("request_id", &self.request_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_debug_redacts_the_password() {
        let r = ResetUserPasswordRequest::new("d-1", "u-1")
            .password("Sup3r$ecret!")
            .require_password_reset_for_next_login(true);
        assert_eq!(
            format!("{r:?}"),
            "ResetUserPasswordRequest { directory_id: \"d-1\", user_id: \"u-1\", password: Some(Secret(<redacted>)), generate_random_password: None, require_password_reset_for_next_login: Some(true) }"
        );
    }

    #[test]
    fn response_debug_redacts_the_generated_password() {
        let r = ResetUserPasswordResponse::new(Some(Secret::new("Gen3rated!pw")), "RID".into());
        assert_eq!(
            format!("{r:?}"),
            "ResetUserPasswordResponse { new_password: Some(Secret(<redacted>)), request_id: \"RID\" }"
        );
        assert_eq!(r.new_password(), Some("Gen3rated!pw"));
    }
}
