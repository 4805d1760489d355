//! Request signatures: V1 (HMAC-SHA1, "RPC") and V3 (ACS3-HMAC-SHA256).
//!
//! Both are pure functions of their inputs, so they are tested against the
//! vendor's vectors without any I/O. Both are described in docs/WIRE.md.

pub mod v1;
pub mod v3;

/// Which signature the client puts on its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// HMAC-SHA1 over the sorted parameters (the default).
    #[default]
    V1,
    /// ACS3-HMAC-SHA256 over a canonical request with signed headers.
    V3,
}

impl SignatureVersion {
    /// Parses `"v1"`/`"v3"` (any case), as the front doors accept it.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "v1" | "1" | "1.0" => Some(SignatureVersion::V1),
            "v3" | "3" | "acs3-hmac-sha256" => Some(SignatureVersion::V3),
            _ => None,
        }
    }
}

impl std::str::FromStr for SignatureVersion {
    type Err = crate::Error;

    /// Like [`SignatureVersion::parse`], with an error that names the option.
    fn from_str(name: &str) -> Result<Self, crate::Error> {
        SignatureVersion::parse(name).ok_or_else(|| {
            crate::Error::invalid_option("signature_version", "must be \"v1\" or \"v3\"")
        })
    }
}

/// Appends the canonical `name=value&...` form of `params` to `out`: sorted by
/// name (byte order), both sides percent-encoded. It is also the form body.
pub fn canonical_params_into(params: &mut [(&str, &str)], out: &mut String) {
    params.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        crate::encoding::percent_encode_into(name, out);
        out.push('=');
        crate::encoding::percent_encode_into(value, out);
    }
}
