//! The one table of client options.
//!
//! Every front door (the C library, the Python and Node bindings, the CLI)
//! derives its option names from [`OPTIONS`] and hands values to
//! [`ClientBuilder::option`] as text, so a rule is written once, here and in
//! the builder, and every front door reports a bad value with the same words.
//! Adding an option is one row below plus a typed setter on the builder; each
//! front door then needs only its one-line forward, and the parity test
//! (`crates/cli/tests/option_parity.rs`) fails until every one has it.
//!
//! Names are snake_case; durations are whole milliseconds and end in `_ms`.
//! The names each front door uses follow mechanically: see
//! [`OptionSpec::c_setter`], [`OptionSpec::python_keyword`],
//! [`OptionSpec::node_field`] and [`OptionSpec::cli_flag`].

use crate::client::ClientBuilder;
use crate::endpoint::Network;
use crate::error::Error;
use crate::signing::SignatureVersion;
use std::time::Duration;

/// What kind of value an option takes, and so how its text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionKind {
    /// Free text, checked when the client is built.
    Text,
    /// Text that is a secret: front doors never echo it, and it never appears
    /// in an error, a log line or `Debug` output.
    Secret,
    /// `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`, any case).
    Bool,
    /// A whole number in `min..=max`.
    Integer {
        /// Smallest value allowed.
        min: u64,
        /// Largest value allowed.
        max: u64,
    },
    /// A duration in whole milliseconds, in `min..=max`.
    Milliseconds {
        /// Shortest duration allowed, in milliseconds.
        min: u64,
        /// Longest duration allowed, in milliseconds.
        max: u64,
    },
    /// One of a fixed set of names (any case).
    Choice(&'static [&'static str]),
    /// PEM text holding one or more `CERTIFICATE` blocks.
    Pem,
}

/// One client option: its name, kind, default, doc and how it is applied.
#[derive(Clone, Copy)]
pub struct OptionSpec {
    /// The snake_case name (`"connect_timeout_ms"`); the key of
    /// [`ClientBuilder::option`].
    pub name: &'static str,
    /// What the value is, which decides how text is parsed and checked.
    pub kind: OptionKind,
    /// The default, as text (`"5000"`, `"public"`, or words such as
    /// `"from the environment"` when there is no single value).
    pub default: &'static str,
    /// One line saying what the option does.
    pub doc: &'static str,
    apply: fn(ClientBuilder, &str, &OptionSpec) -> Result<ClientBuilder, Error>,
}

impl std::fmt::Debug for OptionSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptionSpec")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("default", &self.default)
            .field("doc", &self.doc)
            .finish()
    }
}

/// Longest duration any timeout accepts: one hour.
const HOUR_MS: u64 = 3_600_000;

/// Every client option, in the order front doors list them.
pub static OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "endpoint",
        kind: OptionKind::Text,
        default: "the regional endpoint",
        doc: "Full URL, or a bare host meaning https; plain http only for loopback hosts unless allow_insecure_http",
        apply: |b, v, _| Ok(b.endpoint(v)),
    },
    OptionSpec {
        name: "region",
        kind: OptionKind::Text,
        default: "cn-shanghai",
        doc: "Region of the default endpoint (cloudsso.REGION.aliyuncs.com)",
        apply: |b, v, _| Ok(b.region(v)),
    },
    OptionSpec {
        name: "network",
        kind: OptionKind::Choice(&["public", "vpc"]),
        default: "public",
        doc: "Network of the default endpoint: public, or vpc (cloudsso-vpc.REGION.aliyuncs.com)",
        apply: |b, v, spec| {
            Ok(b.network(match choice(spec, v)? {
                "vpc" => Network::Vpc,
                _ => Network::Public,
            }))
        },
    },
    OptionSpec {
        name: "access_key_id",
        kind: OptionKind::Text,
        default: "from the credentials chain",
        doc: "Access key id; goes with access_key_secret",
        apply: |b, v, _| Ok(b.access_key_id(v)),
    },
    OptionSpec {
        name: "access_key_secret",
        kind: OptionKind::Secret,
        default: "from the credentials chain",
        doc: "Access key secret; goes with access_key_id",
        apply: |b, v, _| Ok(b.access_key_secret(v)),
    },
    OptionSpec {
        name: "security_token",
        kind: OptionKind::Secret,
        default: "none",
        doc: "STS security token that goes with a temporary access key",
        apply: |b, v, _| Ok(b.security_token(v)),
    },
    OptionSpec {
        name: "profile",
        kind: OptionKind::Text,
        default: "ALIBABA_CLOUD_PROFILE, else the credentials chain",
        doc: "Credentials from this aliyun CLI config.json profile (else this credentials.ini section) instead of the whole chain",
        apply: |b, v, _| Ok(b.profile(v)),
    },
    OptionSpec {
        name: "connect_timeout_ms",
        kind: OptionKind::Milliseconds {
            min: 1,
            max: HOUR_MS,
        },
        default: "5000",
        doc: "Time allowed to connect, in milliseconds",
        apply: |b, v, spec| Ok(b.connect_timeout(Duration::from_millis(number(spec, v)?))),
    },
    OptionSpec {
        name: "read_timeout_ms",
        kind: OptionKind::Milliseconds {
            min: 1,
            max: HOUR_MS,
        },
        default: "10000",
        doc: "Time allowed for the answer's headers, and again for its body, in milliseconds",
        apply: |b, v, spec| Ok(b.read_timeout(Duration::from_millis(number(spec, v)?))),
    },
    OptionSpec {
        name: "call_timeout_ms",
        kind: OptionKind::Milliseconds {
            min: 1,
            max: HOUR_MS,
        },
        default: "60000",
        doc: "Time allowed for a whole call, every attempt and wait between attempts included, in milliseconds",
        apply: |b, v, spec| Ok(b.call_timeout(Duration::from_millis(number(spec, v)?))),
    },
    OptionSpec {
        name: "max_attempts",
        kind: OptionKind::Integer { min: 1, max: 10 },
        default: "3",
        doc: "Attempts per call, the first included (1 turns retries off)",
        apply: |b, v, spec| Ok(b.max_attempts(number(spec, v)? as u32)),
    },
    OptionSpec {
        name: "retry_unknown_outcome_for_generated",
        kind: OptionKind::Bool,
        default: "false",
        doc: "Also retry generated-password calls whose outcome is unknown (a retry may replace a password never received)",
        apply: |b, v, spec| Ok(b.retry_unknown_outcome_for_generated(boolean(spec, v)?)),
    },
    OptionSpec {
        name: "user_agent",
        kind: OptionKind::Text,
        default: "none",
        doc: "Text appended to the User-Agent header (printable ASCII, at most 256 bytes)",
        apply: |b, v, _| Ok(b.user_agent(v)),
    },
    OptionSpec {
        name: "allow_insecure_http",
        kind: OptionKind::Bool,
        default: "false",
        doc: "Allow plain http to hosts other than loopback (test setups only)",
        apply: |b, v, spec| Ok(b.allow_insecure_http(boolean(spec, v)?)),
    },
    OptionSpec {
        name: "signature_version",
        kind: OptionKind::Choice(&["v1", "v3"]),
        default: "v1",
        doc: "Request signature: v1 (HMAC-SHA1) or v3 (ACS3-HMAC-SHA256)",
        apply: |b, v, spec| {
            Ok(b.signature_version(match choice(spec, v)? {
                "v3" => SignatureVersion::V3,
                _ => SignatureVersion::V1,
            }))
        },
    },
    OptionSpec {
        name: "rate_limit_per_second",
        kind: OptionKind::Integer {
            min: 0,
            max: 1_000_000,
        },
        default: "100",
        doc: "Client-side limit in calls per second, shared by clones and threads (0 turns it off)",
        apply: |b, v, spec| Ok(b.rate_limit_per_second(number(spec, v)? as u32)),
    },
    OptionSpec {
        name: "rate_limit_burst",
        kind: OptionKind::Integer {
            min: 1,
            max: 1_000_000,
        },
        default: "10",
        doc: "Calls allowed at once after a pause",
        apply: |b, v, spec| Ok(b.rate_limit_burst(number(spec, v)? as u32)),
    },
    OptionSpec {
        name: "root_certificates_pem",
        kind: OptionKind::Pem,
        default: "the built-in Mozilla roots",
        doc: "PEM certificates to trust instead of the built-in roots (private endpoints, test servers)",
        apply: |b, v, _| b.root_certificates_pem(v.as_bytes()),
    },
];

/// The row for `name`, if there is one.
pub fn find(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|spec| spec.name == name)
}

impl OptionSpec {
    /// Parses `value` and applies it to `builder`; the error names this option
    /// and the rule it broke.
    pub fn apply(&self, builder: ClientBuilder, value: &str) -> Result<ClientBuilder, Error> {
        (self.apply)(builder, value, self)
    }

    /// The rule a value must follow, in words (for errors and help texts).
    pub fn rule(&self) -> String {
        match self.kind {
            OptionKind::Text | OptionKind::Secret => String::from("must be text"),
            OptionKind::Bool => String::from("must be true or false"),
            OptionKind::Integer { min, max } => {
                format!("must be a whole number from {min} to {max}")
            }
            OptionKind::Milliseconds { min, max } => {
                format!("must be a whole number of milliseconds from {min} to {max}")
            }
            OptionKind::Choice(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                format!("must be {}", quoted.join(" or "))
            }
            OptionKind::Pem => String::from("must be PEM text with a CERTIFICATE block"),
        }
    }

    /// Whether the value is in milliseconds (the name then ends in `_ms`).
    pub fn is_duration(&self) -> bool {
        matches!(self.kind, OptionKind::Milliseconds { .. })
    }

    /// The C typed setter: `cloudsso_config_set_<name>`.
    pub fn c_setter(&self) -> String {
        format!("cloudsso_config_set_{}", self.name)
    }

    /// The Python keyword argument: the name, without `_ms` for durations,
    /// which Python takes as float seconds.
    pub fn python_keyword(&self) -> &'static str {
        if self.is_duration() {
            self.name.strip_suffix("_ms").unwrap_or(self.name)
        } else {
            self.name
        }
    }

    /// The Node option field: the name in camelCase (`connectTimeoutMs`).
    pub fn node_field(&self) -> String {
        let mut out = String::with_capacity(self.name.len());
        let mut upper = false;
        for c in self.name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The command-line flag: `--` and the name with dashes.
    pub fn cli_flag(&self) -> String {
        format!("--{}", self.name.replace('_', "-"))
    }
}

impl ClientBuilder {
    /// Sets the option `name` (a row of [`OPTIONS`]) from text, as every front
    /// door does: `"5000"` for `connect_timeout_ms`, `"vpc"` for `network`,
    /// `"true"` for a flag. The value is parsed and its kind checked here; the
    /// error (kind validation) names the option and the rule. Rules that
    /// depend on other options (an http endpoint) are checked by `build`.
    pub fn option(self, name: &str, value: &str) -> Result<ClientBuilder, Error> {
        match find(name) {
            Some(spec) => spec.apply(self, value),
            None => Err(Error::invalid_option(
                "option",
                format!("unknown option \"{}\"", printable(name)),
            )),
        }
    }
}

/// The name as it can be shown safely: control characters and anything past
/// 64 characters dropped (an unknown name may be a mistyped value).
fn printable(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(64).collect()
}

fn invalid(spec: &OptionSpec) -> Error {
    Error::invalid_option(spec.name, spec.rule())
}

fn number(spec: &OptionSpec, value: &str) -> Result<u64, Error> {
    let (min, max) = match spec.kind {
        OptionKind::Integer { min, max } | OptionKind::Milliseconds { min, max } => (min, max),
        _ => (0, u64::MAX),
    };
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(invalid(spec)),
    }
}

fn boolean(spec: &OptionSpec, value: &str) -> Result<bool, Error> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(invalid(spec)),
    }
}

fn choice(spec: &OptionSpec, value: &str) -> Result<&'static str, Error> {
    let OptionKind::Choice(names) = spec.kind else {
        return Err(invalid(spec));
    };
    let value = value.trim();
    // The signature version also takes the vendor's spellings ("1.0", "ACS3-HMAC-SHA256").
    if spec.name == "signature_version" {
        return match SignatureVersion::parse(value) {
            Some(SignatureVersion::V3) => Ok("v3"),
            Some(SignatureVersion::V1) => Ok("v1"),
            None => Err(invalid(spec)),
        };
    }
    names
        .iter()
        .copied()
        .find(|n| n.eq_ignore_ascii_case(value))
        .ok_or_else(|| invalid(spec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn names_are_unique_snake_case_and_durations_end_in_ms() {
        let mut seen = std::collections::HashSet::new();
        for spec in OPTIONS {
            assert!(seen.insert(spec.name), "{} twice", spec.name);
            assert!(
                spec.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                "{}",
                spec.name
            );
            assert_eq!(
                spec.is_duration(),
                spec.name.ends_with("_ms"),
                "{}",
                spec.name
            );
            assert!(!spec.doc.is_empty() && !spec.doc.contains('\n'));
        }
    }

    #[test]
    fn front_door_names_derive_from_the_row() {
        let spec = find("connect_timeout_ms").unwrap();
        assert_eq!(spec.c_setter(), "cloudsso_config_set_connect_timeout_ms");
        assert_eq!(spec.python_keyword(), "connect_timeout");
        assert_eq!(spec.node_field(), "connectTimeoutMs");
        assert_eq!(spec.cli_flag(), "--connect-timeout-ms");
    }

    #[test]
    fn every_row_accepts_its_default_when_the_default_is_a_value() {
        for spec in OPTIONS {
            let literal = match spec.kind {
                OptionKind::Bool
                | OptionKind::Integer { .. }
                | OptionKind::Milliseconds { .. }
                | OptionKind::Choice(_) => true,
                _ => spec.name == "region",
            };
            if literal {
                spec.apply(ClientBuilder::default(), spec.default)
                    .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            }
        }
    }

    #[test]
    fn bad_values_name_the_option_and_the_rule() {
        for (name, value, rule) in [
            (
                "connect_timeout_ms",
                "0",
                "must be a whole number of milliseconds from 1 to 3600000",
            ),
            (
                "read_timeout_ms",
                "2.5",
                "must be a whole number of milliseconds from 1 to 3600000",
            ),
            ("max_attempts", "11", "must be a whole number from 1 to 10"),
            ("network", "intranet", "must be \"public\" or \"vpc\""),
            ("signature_version", "v2", "must be \"v1\" or \"v3\""),
            ("allow_insecure_http", "maybe", "must be true or false"),
            (
                "rate_limit_burst",
                "0",
                "must be a whole number from 1 to 1000000",
            ),
            (
                "root_certificates_pem",
                "not pem",
                "must contain a PEM CERTIFICATE block",
            ),
        ] {
            let e = ClientBuilder::default().option(name, value).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Validation, "{name}");
            assert_eq!(e.field(), Some(name));
            assert_eq!(e.message(), rule, "{name}");
            assert!(e.to_string().contains(name));
        }
    }

    #[test]
    fn unknown_names_are_a_validation_error_naming_the_name() {
        let e = ClientBuilder::default()
            .option("conect_timeout_ms", "5")
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some("option"));
        assert!(e.message().contains("conect_timeout_ms"));
    }

    #[test]
    fn good_values_reach_the_client() {
        let client = ClientBuilder::default()
            .option("endpoint", "http://127.0.0.1:9")
            .and_then(|b| b.option("access_key_id", "id"))
            .and_then(|b| b.option("access_key_secret", "secret"))
            .and_then(|b| b.option("max_attempts", "1"))
            .and_then(|b| b.option("network", "VPC"))
            .and_then(|b| b.option("signature_version", "V3"))
            .and_then(|b| b.option("allow_insecure_http", "yes"))
            .and_then(|b| b.option("connect_timeout_ms", "250"))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.endpoint(), "http://127.0.0.1:9/");
        let debug = format!("{client:?}");
        assert!(debug.contains("V3") && debug.contains("max_attempts: 1"));
        assert!(!debug.contains("secret\""));
    }
}
