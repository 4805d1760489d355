//! The HTTP proxy from the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`, as curl reads them), reached with `CONNECT`.
//!
//! Loopback endpoints never go through a proxy. The proxy's user and
//! password are secrets: they appear only in the `Proxy-Authorization` header
//! of the `CONNECT` request, never in `Debug` output or an error.

use crate::endpoint::{Endpoint, split_host_port};
use crate::error::Error;
use base64::Engine;
use std::fmt;
use zeroize::Zeroizing;

/// Port used when the proxy URL has none (curl's default).
const DEFAULT_PROXY_PORT: u16 = 1080;

/// An HTTP proxy that tunnels with `CONNECT`.
pub(crate) struct Proxy {
    /// The variable it came from, for error messages.
    pub(crate) variable: &'static str,
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `Basic` credentials, base64 of `user:password`.
    pub(crate) basic_auth: Option<Zeroizing<String>>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("variable", &self.variable)
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "basic_auth",
                &self.basic_auth.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Proxy {
    /// The proxy to use for `endpoint`, read from the process environment.
    pub(crate) fn from_env(endpoint: &Endpoint) -> Result<Option<Proxy>, Error> {
        Proxy::from_vars(endpoint, |name| std::env::var(name).ok())
    }

    /// The same, with the variables read through `var` (tests pass their own).
    pub(crate) fn from_vars(
        endpoint: &Endpoint,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Proxy>, Error> {
        if endpoint.is_loopback() {
            return Ok(None);
        }
        let names: &[&'static str] = if endpoint.is_secure() {
            &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        } else {
            &["http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"]
        };
        let Some((variable, value)) = names.iter().find_map(|name| {
            var(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (*name, v))
        }) else {
            return Ok(None);
        };
        let no_proxy = var("NO_PROXY")
            .or_else(|| var("no_proxy"))
            .unwrap_or_default();
        if excluded(endpoint.host(), &no_proxy) {
            return Ok(None);
        }
        Proxy::parse(variable, value.trim()).map(Some)
    }

    fn parse(variable: &'static str, url: &str) -> Result<Proxy, Error> {
        let rest = match url.split_once("://") {
            None => url,
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some(_) => {
                return Err(Error::invalid_option(
                    "proxy",
                    format!(
                        "{variable} must be an http:// proxy (other schemes are not supported)"
                    ),
                ));
            }
        };
        let rest = rest.split('/').next().unwrap_or_default();
        let (userinfo, authority) = match rest.rsplit_once('@') {
            Some((userinfo, authority)) => (Some(userinfo), authority),
            None => (None, rest),
        };
        let bad = || {
            Error::invalid_option(
                "proxy",
                format!("{variable} must look like http://host:port"),
            )
        };
        let (host, port) = split_host_port(authority).ok_or_else(bad)?;
        if host.is_empty() {
            return Err(bad());
        }
        let basic_auth = userinfo.map(|userinfo| {
            let plain = Zeroizing::new(percent_decode(userinfo));
            Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(plain.as_bytes()))
        });
        Ok(Proxy {
            variable,
            host: host.to_string(),
            port: port.unwrap_or(DEFAULT_PROXY_PORT),
            basic_auth,
        })
    }
}

/// True when `NO_PROXY` names `host`: `*`, the host itself, or a parent domain.
fn excluded(host: &str, no_proxy: &str) -> bool {
    no_proxy.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches("*.").trim_start_matches('.');
        // A bare IPv6 address has colons but no port.
        let entry = if entry.parse::<std::net::IpAddr>().is_ok() {
            entry
        } else {
            split_host_port(entry).map_or(entry, |(h, _)| h)
        };
        !entry.is_empty()
            && (entry == "*"
                || host.eq_ignore_ascii_case(entry)
                || host.len().checked_sub(entry.len() + 1).is_some_and(|dot| {
                    host.as_bytes()[dot] == b'.' && host[dot + 1..].eq_ignore_ascii_case(entry)
                }))
    })
}

/// `%XX` escapes of a URL's user info, decoded; anything else kept as is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::Network;

    fn endpoint(url: &str) -> Endpoint {
        Endpoint::resolve(Some(url), None, Network::Public, false).unwrap()
    }

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn https_proxy_with_credentials_is_read_and_redacted() {
        let env = [("HTTPS_PROXY", "http://alice:p%40ss@proxy.corp:3128")];
        let proxy = Proxy::from_vars(
            &endpoint("https://cloudsso.cn-shanghai.aliyuncs.com"),
            vars(&env),
        )
        .unwrap()
        .unwrap();
        assert_eq!((proxy.host.as_str(), proxy.port), ("proxy.corp", 3128));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(proxy.basic_auth.as_deref().unwrap())
            .unwrap();
        assert_eq!(decoded, b"alice:p@ss");
        let shown = format!("{proxy:?}");
        assert!(
            !shown.contains("p@ss") && !shown.contains("YWxp"),
            "{shown}"
        );
    }

    #[test]
    fn loopback_and_no_proxy_hosts_go_direct() {
        let env = [
            ("ALL_PROXY", "proxy.corp:8080"),
            ("NO_PROXY", "localhost, .aliyuncs.com"),
        ];
        assert!(
            Proxy::from_vars(&endpoint("http://127.0.0.1:9"), vars(&env))
                .unwrap()
                .is_none()
        );
        assert!(
            Proxy::from_vars(&endpoint("cloudsso.cn-shanghai.aliyuncs.com"), vars(&env))
                .unwrap()
                .is_none()
        );
        let proxy = Proxy::from_vars(&endpoint("sso.example.com"), vars(&env))
            .unwrap()
            .unwrap();
        assert_eq!(
            (proxy.host.as_str(), proxy.port, proxy.variable),
            ("proxy.corp", 8080, "ALL_PROXY")
        );
    }

    #[test]
    fn other_schemes_are_refused_without_echoing_the_url() {
        let env = [("HTTPS_PROXY", "socks5://bob:secret@proxy:1080")];
        let e = Proxy::from_vars(&endpoint("sso.example.com"), vars(&env)).unwrap_err();
        assert!(e.to_string().contains("HTTPS_PROXY"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
    }

    #[test]
    fn no_proxy_matches_whole_labels_only() {
        assert!(excluded("a.example.com", "example.com"));
        assert!(excluded("example.com", ".example.com"));
        assert!(!excluded("badexample.com", "example.com"));
        assert!(excluded("anything", "*"));
        assert!(excluded("::1", "::1"));
    }
}
