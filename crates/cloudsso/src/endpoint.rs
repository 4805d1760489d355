//! Where requests go: an explicit endpoint, or the regional one.

use crate::error::Error;
use std::net::IpAddr;

/// The region used when neither a region nor an endpoint is given.
pub const DEFAULT_REGION: &str = "cn-shanghai";

/// Which network the regional endpoint is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Network {
    /// `cloudsso.<region>.aliyuncs.com`.
    #[default]
    Public,
    /// `cloudsso-vpc.<region>.aliyuncs.com`, reachable from inside a VPC.
    Vpc,
}

/// A resolved endpoint: scheme, authority and the URL requests are sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    authority: String,
    host: String,
    secure: bool,
}

impl Endpoint {
    /// Resolves the endpoint: an explicit one (full URL, or a bare host meaning
    /// https) wins; otherwise the regional endpoint. Plain http is accepted only
    /// for loopback hosts unless `allow_insecure_http` is set.
    pub fn resolve(
        explicit: Option<&str>,
        region: Option<&str>,
        network: Network,
        allow_insecure_http: bool,
    ) -> Result<Endpoint, Error> {
        let endpoint = match explicit {
            Some(e) => Endpoint::parse(e)?,
            None => {
                let region = region.unwrap_or(DEFAULT_REGION);
                let valid = !region.is_empty()
                    && region.len() <= 64
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid {
                    return Err(Error::validation(
                        "region",
                        "must be lowercase letters, digits and dashes, like cn-shanghai",
                    ));
                }
                let prefix = match network {
                    Network::Public => "cloudsso",
                    Network::Vpc => "cloudsso-vpc",
                };
                Endpoint::parse(&format!("https://{prefix}.{region}.aliyuncs.com"))?
            }
        };
        if !endpoint.secure && !allow_insecure_http && !endpoint.is_loopback() {
            return Err(Error::validation(
                "endpoint",
                "plain http is only allowed for loopback hosts; use https or set allow_insecure_http",
            ));
        }
        Ok(endpoint)
    }

    fn parse(input: &str) -> Result<Endpoint, Error> {
        let input = input.trim();
        let (secure, rest) = if let Some(rest) = input.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = input.strip_prefix("http://") {
            (false, rest)
        } else if input.contains("://") {
            return Err(Error::validation(
                "endpoint",
                "scheme must be http or https",
            ));
        } else {
            (true, input)
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        let bad = authority.is_empty()
            || authority
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '/' | '?' | '#' | '@'));
        if bad {
            return Err(Error::validation(
                "endpoint",
                "must be a host with an optional port, like cloudsso.cn-shanghai.aliyuncs.com or http://127.0.0.1:8080 (no path, query or user info)",
            ));
        }
        let Some((host, _port)) = split_host_port(authority) else {
            return Err(Error::validation(
                "endpoint",
                if authority.starts_with('[') {
                    "an IPv6 host must be written [address] with an optional :port"
                } else {
                    "the port must be a number from 1 to 65535"
                },
            ));
        };
        if host.is_empty() {
            return Err(Error::validation("endpoint", "the host is missing"));
        }
        let scheme = if secure { "https" } else { "http" };
        Ok(Endpoint {
            url: format!("{scheme}://{authority}/"),
            authority: authority.to_string(),
            host: host.to_string(),
            secure,
        })
    }

    /// The URL requests are posted to (always ends in `/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `host[:port]` as sent in the `Host` header.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    pub fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// Splits `host`, `host:port`, `[v6]` or `[v6]:port`; the host comes back
/// without brackets. `None` for anything after `]` but a port, or a port that
/// is not 1 to 65535 written in digits.
pub(crate) fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            if !after.is_empty() && !after.starts_with(':') {
                return None;
            }
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    match port {
        None => Some((host, None)),
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits
            .parse()
            .ok()
            .filter(|&p| p > 0)
            .map(|p| (host, Some(p))),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(explicit: Option<&str>, region: Option<&str>, network: Network) -> String {
        Endpoint::resolve(explicit, region, network, false)
            .unwrap()
            .url()
            .to_string()
    }

    #[test]
    fn regional_defaults() {
        assert_eq!(
            url(None, None, Network::Public),
            "https://cloudsso.cn-shanghai.aliyuncs.com/"
        );
        assert_eq!(
            url(None, Some("ap-southeast-1"), Network::Vpc),
            "https://cloudsso-vpc.ap-southeast-1.aliyuncs.com/"
        );
    }

    #[test]
    fn explicit_endpoints() {
        assert_eq!(
            url(Some("example.com"), None, Network::Public),
            "https://example.com/"
        );
        assert_eq!(
            url(Some("http://127.0.0.1:8080"), None, Network::Public),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            url(Some("http://[::1]:9/"), None, Network::Public),
            "http://[::1]:9/"
        );
        assert_eq!(
            url(Some("http://localhost:1"), None, Network::Public),
            "http://localhost:1/"
        );
    }

    #[test]
    fn host_and_port_are_split_once_for_every_form() {
        assert_eq!(split_host_port("h"), Some(("h", None)));
        assert_eq!(split_host_port("h:8080"), Some(("h", Some(8080))));
        assert_eq!(split_host_port("[::1]"), Some(("::1", None)));
        assert_eq!(split_host_port("[::1]:9"), Some(("::1", Some(9))));
        for bad in ["h:", "h:0", "h:+1", "h:65536", "[::1]x", "[::1", "[::1]:"] {
            assert_eq!(split_host_port(bad), None, "{bad}");
        }
        let v6 = Endpoint::resolve(Some("http://[::1]:9"), None, Network::Public, false).unwrap();
        assert_eq!((v6.authority(), v6.url()), ("[::1]:9", "http://[::1]:9/"));
        assert!(v6.is_loopback());
    }

    #[test]
    fn plain_http_needs_loopback_or_opt_in() {
        let e = Endpoint::resolve(Some("http://10.0.0.1:80"), None, Network::Public, false)
            .unwrap_err();
        assert_eq!(e.field(), Some("endpoint"));
        assert!(Endpoint::resolve(Some("http://10.0.0.1:80"), None, Network::Public, true).is_ok());
        assert!(
            Endpoint::resolve(Some("http://127.9.9.9:80"), None, Network::Public, false).is_ok()
        );
    }

    #[test]
    fn rejects_paths_queries_and_odd_schemes() {
        for bad in [
            "ftp://x",
            "https://x/path",
            "https://x?a=b",
            "https://u@x",
            "",
            "https://",
            "[::1",
            "http://[::1",
            "http://[::1]x",
            "http://[::1]:",
            "http://127.0.0.1:0",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:+80",
            "http://127.0.0.1:x",
            "http://:80",
        ] {
            assert!(
                Endpoint::resolve(Some(bad), None, Network::Public, true).is_err(),
                "{bad}"
            );
        }
        assert!(Endpoint::resolve(None, Some("CN_SHANGHAI"), Network::Public, false).is_err());
    }
}
