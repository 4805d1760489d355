//! The error answers the emulated service gives: one constructor per rule, so the table of codes
//! and HTTP statuses in the crate documentation has exactly one place to be checked against.

/// An error answer: HTTP status, service code and a message. Messages name parameters, never
/// their values (a value may be a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn missing(name: &str) -> Self {
        Self::new(
            400,
            "MissingParameter",
            format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            ),
        )
    }

    /// Missing business parameter: `MissingParameter.<Name>`, so a prefix match on
    /// `MissingParameter` still classifies it.
    pub(crate) fn missing_business(name: &str) -> Self {
        Self::new(
            400,
            &format!("MissingParameter.{name}"),
            format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            ),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidParameter", message)
    }

    pub(crate) fn illegal_timestamp(name: &str) -> Self {
        Self::new(
            400,
            "IllegalTimestamp",
            format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied or is not in the format YYYY-MM-DDThh:mm:ssZ."
            ),
        )
    }

    pub(crate) fn expired_timestamp() -> Self {
        Self::new(
            400,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired (more than 15 minutes from the server's clock).",
        )
    }

    pub(crate) fn nonce_used() -> Self {
        Self::new(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        )
    }

    pub(crate) fn unknown_access_key() -> Self {
        Self::new(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        )
    }

    /// Unlike the service, the message does not include the server's string to sign: with V1 it
    /// would contain the password.
    pub(crate) fn signature_mismatch(detail: &str) -> Self {
        Self::new(
            400,
            "SignatureDoesNotMatch",
            format!("Specified signature is not matched with our calculation. {detail}"),
        )
    }

    pub(crate) fn security_token_missing() -> Self {
        Self::new(
            403,
            "InvalidSecurityToken.Missing",
            "The access key is a temporary (STS) key and the request carries no security token.",
        )
    }

    pub(crate) fn security_token_expired() -> Self {
        Self::new(
            403,
            "InvalidSecurityToken.Expired",
            "Specified SecurityToken is expired.",
        )
    }

    pub(crate) fn security_token_mismatch() -> Self {
        Self::new(
            403,
            "InvalidSecurityToken.MismatchWithAccessKey",
            "The security token does not match the access key.",
        )
    }

    pub(crate) fn throttled_user() -> Self {
        Self::new(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )
    }

    pub(crate) fn throttled_api() -> Self {
        Self::new(
            400,
            "Throttling.Api",
            "Request was denied due to api flow control.",
        )
    }

    pub(crate) fn unknown_action(action: &str) -> Self {
        Self::new(
            404,
            "InvalidAction.NotFound",
            format!(
                "Specified api is not found, please check your url and method. Action: {}",
                sanitize(action)
            ),
        )
    }

    pub(crate) fn invalid_version() -> Self {
        Self::new(
            400,
            "InvalidVersion",
            "Specified parameter Version is not valid; CloudSSO's version is 2021-05-15.",
        )
    }

    pub(crate) fn directory_not_found() -> Self {
        Self::new(
            404,
            "EntityNotExists.Directory",
            "The specified directory does not exist.",
        )
    }

    pub(crate) fn user_not_found() -> Self {
        Self::new(
            404,
            "EntityNotExists.User",
            "The specified user does not exist.",
        )
    }

    pub(crate) fn sso_logon_enabled() -> Self {
        Self::new(
            409,
            "OperationNotSupported.SSOLogonEnabled",
            "The password of a user cannot be reset while SSO logon is enabled for the directory.",
        )
    }

    pub(crate) fn body_too_large() -> Self {
        Self::new(
            413,
            "InvalidParameter.BodyTooLarge",
            "The request body is too large.",
        )
    }
}

/// Keeps echoed identifiers short and printable; used only for values that are never secret.
pub(crate) fn sanitize(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(64).collect()
}
