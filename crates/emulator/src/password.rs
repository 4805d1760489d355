//! Password rules, storage and generation: a directory's policy, salted hashes (the plain text
//! is never stored), and policy-satisfying random passwords from the OS CSPRNG.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::errors::ApiError;
use crate::signature::constant_time_eq;

/// A directory's password policy. The default is the service's documented rule: 8-32
/// characters with at least one upper-case letter, lower-case letter, digit and special character.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Fewest characters (Unicode scalar values).
    pub min_length: usize,
    /// Most characters.
    pub max_length: usize,
    /// At least one upper-case letter.
    pub require_upper: bool,
    /// At least one lower-case letter.
    pub require_lower: bool,
    /// At least one ASCII digit.
    pub require_digit: bool,
    /// At least one character that is neither a letter, a digit nor a control character.
    pub require_special: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            max_length: 32,
            require_upper: true,
            require_lower: true,
            require_digit: true,
            require_special: true,
        }
    }
}

impl PasswordPolicy {
    fn required_classes(&self) -> usize {
        [
            self.require_upper,
            self.require_lower,
            self.require_digit,
            self.require_special,
        ]
        .iter()
        .filter(|r| **r)
        .count()
    }

    /// Rejects policies no password could satisfy, so generation can never loop or fail.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.min_length == 0 || self.min_length > self.max_length || self.max_length > 128 {
            return Err("password_policy needs 1 <= min_length <= max_length <= 128".into());
        }
        if self.max_length < self.required_classes() {
            return Err(
                "password_policy max_length is below the number of required character classes"
                    .into(),
            );
        }
        Ok(())
    }

    /// Checks a caller's password: `InvalidParameter.Password.Length`,
    /// `InvalidParameter.Password.Character` (control characters) or
    /// `InvalidParameter.Password.Complexity`.
    pub(crate) fn check(&self, password: &str) -> Result<(), ApiError> {
        let length = password.chars().count();
        if length < self.min_length || length > self.max_length {
            return Err(ApiError::new(
                400,
                "InvalidParameter.Password.Length",
                format!(
                    "The password must be {} to {} characters long.",
                    self.min_length, self.max_length
                ),
            ));
        }
        if password.chars().any(char::is_control) {
            return Err(ApiError::new(
                400,
                "InvalidParameter.Password.Character",
                "The password must not contain control characters.",
            ));
        }
        let has = |pred: fn(char) -> bool| password.chars().any(pred);
        let missing: Vec<&str> = [
            (
                self.require_upper && !has(char::is_uppercase),
                "an upper-case letter",
            ),
            (
                self.require_lower && !has(char::is_lowercase),
                "a lower-case letter",
            ),
            (
                self.require_digit && !has(|c| c.is_ascii_digit()),
                "a digit",
            ),
            (
                self.require_special && !has(is_special),
                "a special character",
            ),
        ]
        .iter()
        .filter(|(missing, _)| *missing)
        .map(|(_, what)| *what)
        .collect();
        if !missing.is_empty() {
            return Err(ApiError::new(
                400,
                "InvalidParameter.Password.Complexity",
                format!("The password must contain {}.", missing.join(", ")),
            ));
        }
        Ok(())
    }

    /// A random password satisfying this policy: 16 characters (clamped to the policy's
    /// bounds), one from each required class, the rest from all classes, then shuffled.
    pub(crate) fn generate(&self) -> String {
        const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
        const DIGIT: &[u8] = b"0123456789";
        const SPECIAL: &[u8] = b"!#$%&()*+,-.:;<=>?@[]^_{|}~";
        let length = 16usize.clamp(self.min_length, self.max_length);
        let mut chars: Vec<u8> = Vec::with_capacity(length);
        for (required, class) in [
            (self.require_upper, UPPER),
            (self.require_lower, LOWER),
            (self.require_digit, DIGIT),
            (self.require_special, SPECIAL),
        ] {
            if required {
                chars.push(class[random_below(class.len())]);
            }
        }
        let all: Vec<u8> = [UPPER, LOWER, DIGIT, SPECIAL].concat();
        while chars.len() < length {
            chars.push(all[random_below(all.len())]);
        }
        for i in (1..chars.len()).rev() {
            chars.swap(i, random_below(i + 1));
        }
        String::from_utf8(chars).expect("alphabet is ASCII")
    }
}

fn is_special(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_control()
}

/// Uniform in `0..bound` from the OS CSPRNG (rejection sampling, no modulo bias).
fn random_below(bound: usize) -> usize {
    let bound = u32::try_from(bound).expect("small alphabets");
    let zone = u32::MAX - u32::MAX % bound;
    loop {
        let x = getrandom::u32().expect("the OS random source is available");
        if x < zone {
            return (x % bound) as usize;
        }
    }
}

/// A salted SHA-256 of a password. Only this is kept; the password itself is dropped at once.
#[derive(Clone)]
pub(crate) struct PasswordHash {
    salt: [u8; 16],
    digest: [u8; 32],
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

impl PasswordHash {
    pub(crate) fn new(password: &str) -> Self {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the OS random source is available");
        PasswordHash {
            salt,
            digest: Self::digest(&salt, password),
        }
    }

    fn digest(salt: &[u8; 16], password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(salt);
        h.update(password.as_bytes());
        h.finalize().into()
    }

    pub(crate) fn matches(&self, candidate: &str) -> bool {
        constant_time_eq(&Self::digest(&self.salt, candidate), &self.digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_codes() {
        let p = PasswordPolicy::default();
        assert_eq!(
            p.check("Aa1!").unwrap_err().code,
            "InvalidParameter.Password.Length"
        );
        assert_eq!(
            p.check(&"Aa1!".repeat(9)).unwrap_err().code,
            "InvalidParameter.Password.Length"
        );
        assert_eq!(
            p.check("abcdefgh1!").unwrap_err().code,
            "InvalidParameter.Password.Complexity"
        );
        assert_eq!(
            p.check("Abcdefgh1\u{7}").unwrap_err().code,
            "InvalidParameter.Password.Character"
        );
        assert!(p.check("uc)XK$?ictf72CKFDy9 ä~*+").is_ok());
        // The vendor vectors' password is 33 characters: fine for signing, too long to set.
        assert!(p.check("uc)XK$?ictf72CKFDy9vtWaFmISl~*+ ä").is_err());
    }

    #[test]
    fn generated_passwords_satisfy_their_policy() {
        let policies = [
            PasswordPolicy::default(),
            PasswordPolicy {
                min_length: 4,
                max_length: 4,
                ..Default::default()
            },
            PasswordPolicy {
                min_length: 20,
                max_length: 64,
                require_special: false,
                ..Default::default()
            },
        ];
        for policy in policies {
            policy.validate().unwrap();
            for _ in 0..200 {
                let pw = policy.generate();
                assert!(policy.check(&pw).is_ok(), "{policy:?}");
            }
        }
    }

    #[test]
    fn impossible_policies_are_refused() {
        let p = PasswordPolicy {
            min_length: 1,
            max_length: 3,
            ..Default::default()
        };
        assert!(p.validate().is_err());
        let p = PasswordPolicy {
            min_length: 9,
            max_length: 8,
            ..Default::default()
        };
        assert!(p.validate().is_err());
    }

    #[test]
    fn hashes_are_salted_and_verify() {
        let a = PasswordHash::new("Secret-1");
        let b = PasswordHash::new("Secret-1");
        assert!(a.matches("Secret-1") && !a.matches("Secret-2"));
        assert_ne!(a.digest, b.digest);
        assert_eq!(format!("{a:?}"), "PasswordHash(..)");
    }
}
