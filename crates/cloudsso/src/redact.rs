//! Removes secrets from text that came back from the service.
//!
//! Some gateways echo the string they signed in a `SignatureDoesNotMatch` message;
//! that string holds the password percent-encoded twice. Everything the service
//! says passes through here before it is stored in an error.

use crate::encoding::percent_encode;
use crate::secret::REDACTED;

/// Replaces each secret in `text`, in its raw, encoded and doubly encoded forms.
pub fn redact_secrets(text: &mut String, secrets: &[&str]) {
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let once = percent_encode(secret);
        let twice = percent_encode(&once);
        for form in [secret.to_string(), once, twice] {
            if text.contains(form.as_str()) {
                *text = text.replace(form.as_str(), REDACTED);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_raw_and_encoded_forms() {
        let mut text =
            String::from("string to sign: Password%3DAb%25201%2521 and Ab 1! and Ab%201%21");
        redact_secrets(&mut text, &["Ab 1!"]);
        assert_eq!(
            text,
            "string to sign: Password%3D<redacted> and <redacted> and <redacted>"
        );
    }
}
