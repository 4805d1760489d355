//! Step 5 of the chain: `~/.alibabacloud/credentials.ini` (`ALIBABA_CLOUD_CREDENTIALS_FILE` to
//! override), the vendor credentials libraries' INI file. Section `ALIBABA_CLOUD_PROFILE` (or
//! the client's profile), else `default`; `type` = `access_key` | `ram_role_arn` |
//! `oidc_role_arn` | `ecs_ram_role`. A section with `enable = false` is skipped.

use super::CredentialsProvider;
use super::chain::ChainSettings;
use super::profile::{self, RoleConfig};
use crate::error::Error;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Overrides the file's path.
pub(crate) const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
const TYPES: &str = "access_key, ram_role_arn, oidc_role_arn, ecs_ram_role";

type Section = BTreeMap<String, String>;

/// A parsed credentials.ini.
pub(crate) struct IniFile {
    path: PathBuf,
    sections: BTreeMap<String, Section>,
}

/// The file's path, and whether it was named explicitly (then it must exist).
pub(crate) fn path(settings: &ChainSettings) -> Option<(PathBuf, bool)> {
    match settings.env.get(ENV_CREDENTIALS_FILE) {
        Some(p) => Some((PathBuf::from(p), true)),
        None => settings
            .env
            .home()
            .map(|h| (h.join(".alibabacloud").join("credentials.ini"), false)),
    }
}

/// `[section]` and `key = value` lines; `#` and `;` start comments; values may be quoted.
/// Errors name the line, never its content (it may be a secret).
fn parse(text: &str) -> Result<BTreeMap<String, Section>, String> {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| format!("line {}: a malformed [section] header", number + 1))?;
            sections.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: neither [section] nor key = value", number + 1))?;
        let section = current
            .as_ref()
            .ok_or_else(|| format!("line {}: a key before any [section]", number + 1))?;
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.trim().to_owned(), value.to_owned());
    }
    Ok(sections)
}

/// Reads the file: `Ok(None)` when the default path does not exist.
pub(crate) fn load(settings: &ChainSettings) -> Result<Option<IniFile>, Error> {
    let Some((path, explicit)) = path(settings) else {
        return Ok(None);
    };
    let Some(text) = super::read_config_file(&path, explicit, "credentials file")? else {
        return Ok(None);
    };
    let sections = parse(&text)
        .map_err(|why| Error::credentials(format!("credentials file {}: {why}", path.display())))?;
    Ok(Some(IniFile { path, sections }))
}

impl IniFile {
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Whether the section exists.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.sections.contains_key(name)
    }

    /// Whether the section says `enable = false`.
    pub(crate) fn is_disabled(&self, name: &str) -> bool {
        self.sections
            .get(name)
            .and_then(|s| s.get("enable"))
            .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    }

    /// The provider for section `name`.
    pub(crate) fn provider(
        &self,
        settings: &ChainSettings,
        name: &str,
    ) -> Result<Arc<dyn CredentialsProvider>, Error> {
        let origin = format!("section [{name}] of {}", self.path.display());
        let section = self
            .sections
            .get(name)
            .ok_or_else(|| Error::credentials(format!("{origin}: no such section")))?;
        let get = |key: &str| section.get(key).cloned().filter(|v| !v.is_empty());
        let need = |key: &str| {
            get(key).ok_or_else(|| Error::credentials(format!("{origin}: {key} is missing")))
        };
        let duration = match get("session_expiration").or_else(|| get("duration_seconds")) {
            None => None,
            Some(text) => Some(text.parse::<u32>().map_err(|_| {
                Error::credentials(format!("{origin}: session_expiration is not a number"))
            })?),
        };
        let role = || RoleConfig {
            role_arn: get("role_arn"),
            session_name: get("role_session_name"),
            external_id: get("external_id"),
            policy: get("policy"),
            duration_seconds: duration,
            sts_region: get("sts_region"),
        };
        let keys = || {
            profile::keys(
                &origin,
                get("access_key_id"),
                get("access_key_secret"),
                None,
                ["access_key_id", "access_key_secret"],
            )
        };
        match need("type")?.as_str() {
            "access_key" => Ok(profile::fixed(keys()?)),
            "ram_role_arn" => profile::ram_role(
                settings,
                &origin,
                profile::fixed(keys()?),
                role(),
                "role_arn",
            ),
            "ecs_ram_role" => profile::ecs_role(settings, &origin, get("role_name")),
            "oidc_role_arn" => {
                let required = (
                    need("role_arn")?,
                    need("oidc_provider_arn")?,
                    need("oidc_token_file_path")?,
                );
                profile::oidc_role(settings, &origin, required, role())
            }
            other => Err(Error::credentials(format!(
                "{origin}: type \"{}\" is not supported (supported: {TYPES})",
                other.escape_debug()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_comments_and_quotes() {
        let text = "# c\n[default]\ntype = access_key\naccess_key_id = \"id\"\n; c\n[other]\nenable=false\n";
        let s = parse(text).unwrap();
        assert_eq!(s["default"]["type"], "access_key");
        assert_eq!(s["default"]["access_key_id"], "id");
        assert_eq!(s["other"]["enable"], "false");
    }

    #[test]
    fn errors_name_the_line_not_its_content() {
        let err = parse("[default]\nsecretvalue-without-equals\n").unwrap_err();
        assert_eq!(err, "line 2: neither [section] nor key = value");
        assert!(
            parse("k = v\n")
                .unwrap_err()
                .contains("before any [section]")
        );
    }
}
