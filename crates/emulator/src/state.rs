//! What the emulated service knows: access keys, directories with users and policies, and the
//! throttle rates; plus the JSON state-file format that describes them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::password::{PasswordHash, PasswordPolicy};

/// The demo access key id (matches API.md's examples).
pub const DEMO_ACCESS_KEY_ID: &str = "testid";
/// The demo access key secret.
pub const DEMO_ACCESS_KEY_SECRET: &str = "testsecret";
/// The demo key's account.
pub const DEMO_ACCOUNT_ID: &str = "1234567890123456";
/// The demo directory.
pub const DEMO_DIRECTORY_ID: &str = "d-00fc2p61abcd";
/// The demo user.
pub const DEMO_USER_ID: &str = "u-00q8wbq42wiltcrkabcd";
/// The demo user's password until the first reset.
pub const DEMO_INITIAL_PASSWORD: &str = "Initial-Passw0rd!";

/// Calls per second allowed by the token buckets; 0 turns a bucket off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleRates {
    /// Per account (the access key's `account_id`).
    pub per_account_per_second: u32,
    /// Across all accounts.
    pub global_per_second: u32,
}

impl Default for ThrottleRates {
    /// The service's documented limits: 100/s per account and 100/s in total.
    fn default() -> Self {
        ThrottleRates {
            per_account_per_second: 100,
            global_per_second: 100,
        }
    }
}

#[derive(Clone)]
pub(crate) struct AccessKey {
    pub(crate) secret: String,
    pub(crate) security_token: Option<String>,
    pub(crate) account_id: String,
    /// Unix seconds (emulator clock) after which an STS key is refused; `None` never expires.
    pub(crate) expires_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) password: PasswordHash,
    pub(crate) require_reset: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Directory {
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) sso_logon_enabled: bool,
    pub(crate) policy: PasswordPolicy,
}

/// The emulated service's data. Build it with [`State::demo`] or from a JSON state file,
/// which extends the demo (entries with the same id replace the demo's).
///
/// `Debug` lists ids only, never a secret, token or password hash.
#[derive(Clone)]
pub struct State {
    pub(crate) access_keys: BTreeMap<String, AccessKey>,
    pub(crate) directories: BTreeMap<String, Directory>,
    pub(crate) throttle: ThrottleRates,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("access_keys", &self.access_keys.keys().collect::<Vec<_>>())
            .field("directories", &self.directories.keys().collect::<Vec<_>>())
            .field("throttle", &self.throttle)
            .finish()
    }
}

/// One access key as written in a state file or sent to `POST /_emulator/access-keys`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccessKeySpec {
    pub(crate) access_key_id: String,
    pub(crate) access_key_secret: String,
    #[serde(default)]
    pub(crate) security_token: Option<String>,
    #[serde(default)]
    pub(crate) account_id: Option<String>,
}

/// A user: just an id (random initial password), or an object with an initial password.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum UserSpec {
    Id(String),
    Full {
        user_id: String,
        #[serde(default)]
        password: Option<String>,
        #[serde(default)]
        require_password_reset_for_next_login: bool,
    },
}

/// One directory as written in a state file or sent to `POST /_emulator/directories`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectorySpec {
    pub(crate) directory_id: String,
    #[serde(default)]
    pub(crate) users: Vec<UserSpec>,
    #[serde(default)]
    pub(crate) sso_logon_enabled: bool,
    #[serde(default)]
    pub(crate) password_policy: Option<PasswordPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    #[serde(default)]
    access_keys: Vec<AccessKeySpec>,
    #[serde(default)]
    directories: Vec<DirectorySpec>,
    #[serde(default)]
    throttle: Option<ThrottleRates>,
}

impl State {
    /// No keys, no directories, the service's default throttle rates.
    pub fn empty() -> State {
        State {
            access_keys: BTreeMap::new(),
            directories: BTreeMap::new(),
            throttle: ThrottleRates::default(),
        }
    }

    /// The built-in demo: key `testid`/`testsecret` (account [`DEMO_ACCOUNT_ID`]), directory
    /// [`DEMO_DIRECTORY_ID`] with user [`DEMO_USER_ID`] whose password is
    /// [`DEMO_INITIAL_PASSWORD`], default policy, SSO logon disabled.
    pub fn demo() -> State {
        let mut state = State::empty();
        state
            .add_access_key(AccessKeySpec {
                access_key_id: DEMO_ACCESS_KEY_ID.into(),
                access_key_secret: DEMO_ACCESS_KEY_SECRET.into(),
                security_token: None,
                account_id: Some(DEMO_ACCOUNT_ID.into()),
            })
            .expect("demo key is valid");
        state
            .add_directory(DirectorySpec {
                directory_id: DEMO_DIRECTORY_ID.into(),
                users: vec![UserSpec::Full {
                    user_id: DEMO_USER_ID.into(),
                    password: Some(DEMO_INITIAL_PASSWORD.into()),
                    require_password_reset_for_next_login: false,
                }],
                sso_logon_enabled: false,
                password_policy: None,
            })
            .expect("demo directory is valid");
        state
    }

    /// The demo extended by a JSON state file's content (format in the crate docs).
    /// Errors name the problem, never a secret.
    pub fn from_json_str(json: &str) -> Result<State, String> {
        let file: StateFile = serde_json::from_str(json)
            .map_err(|e| format!("invalid state file: {}", describe_json_error(&e)))?;
        let mut state = State::demo();
        for key in file.access_keys {
            state.add_access_key(key)?;
        }
        for directory in file.directories {
            state.add_directory(directory)?;
        }
        if let Some(throttle) = file.throttle {
            state.throttle = throttle;
        }
        Ok(state)
    }

    /// [`State::from_json_str`] over a file's content.
    pub fn from_json_file(path: &Path) -> Result<State, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read state file {}: {e}", path.display()))?;
        State::from_json_str(&text)
    }

    /// Adds or replaces a key. An empty `account_id` defaults to the demo account.
    pub(crate) fn add_access_key(&mut self, spec: AccessKeySpec) -> Result<(), String> {
        if spec.access_key_id.is_empty() || spec.access_key_secret.is_empty() {
            return Err(
                "an access key needs a non-empty access_key_id and access_key_secret".into(),
            );
        }
        if spec.security_token.as_deref() == Some("") {
            return Err("security_token, when given, must not be empty".into());
        }
        self.access_keys.insert(
            spec.access_key_id,
            AccessKey {
                secret: spec.access_key_secret,
                security_token: spec.security_token,
                account_id: spec
                    .account_id
                    .filter(|a| !a.is_empty())
                    .unwrap_or_else(|| DEMO_ACCOUNT_ID.into()),
                expires_at: None,
            },
        );
        Ok(())
    }

    /// Adds or replaces a directory. Users without a password get a random one.
    pub(crate) fn add_directory(&mut self, spec: DirectorySpec) -> Result<(), String> {
        if spec.directory_id.is_empty() {
            return Err("a directory needs a non-empty directory_id".into());
        }
        let policy = spec.password_policy.unwrap_or_default();
        policy.validate()?;
        let mut users = BTreeMap::new();
        for user in spec.users {
            let (id, password, require_reset) = match user {
                UserSpec::Id(id) => (id, None, false),
                UserSpec::Full {
                    user_id,
                    password,
                    require_password_reset_for_next_login,
                } => (user_id, password, require_password_reset_for_next_login),
            };
            if id.is_empty() {
                return Err("a user needs a non-empty user_id".into());
            }
            let password = password.unwrap_or_else(|| policy.generate());
            users.insert(
                id,
                User {
                    password: PasswordHash::new(&password),
                    require_reset,
                },
            );
        }
        self.directories.insert(
            spec.directory_id,
            Directory {
                users,
                sso_logon_enabled: spec.sso_logon_enabled,
                policy,
            },
        );
        Ok(())
    }
}

/// serde's messages can quote a value ("invalid type: string \"...\""), which may be a secret:
/// only the messages that quote field names are passed on, the rest become a position.
pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("missing field") || text.starts_with("unknown field") {
        text
    } else {
        format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        )
    }
}

impl Default for State {
    fn default() -> Self {
        State::demo()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_file_extends_the_demo() {
        let state = State::from_json_str(
            r#"{
              "access_keys": [{"access_key_id": "AK2", "access_key_secret": "S2",
                               "security_token": "T2", "account_id": "99"}],
              "directories": [{"directory_id": "d-2", "sso_logon_enabled": true,
                               "password_policy": {"min_length": 12},
                               "users": ["u-a", {"user_id": "u-b", "password": "Pw-123456789"}]}],
              "throttle": {"per_account_per_second": 5, "global_per_second": 0}
            }"#,
        )
        .unwrap();
        assert!(state.access_keys.contains_key(DEMO_ACCESS_KEY_ID));
        assert_eq!(state.access_keys["AK2"].account_id, "99");
        let d = &state.directories["d-2"];
        assert!(d.sso_logon_enabled);
        assert_eq!(d.policy.min_length, 12);
        assert!(d.users["u-b"].password.matches("Pw-123456789"));
        assert_eq!(state.throttle.global_per_second, 0);
        let debug = format!("{state:?}");
        assert!(!debug.contains("S2") && !debug.contains("T2"));
    }

    #[test]
    fn bad_state_files_are_explained() {
        assert!(State::from_json_str("{").is_err());
        assert!(State::from_json_str(r#"{"bogus": 1}"#).is_err());
        let err = State::from_json_str(
            r#"{"directories": [{"directory_id": "d", "password_policy": {"min_length": 40}}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("min_length"));
    }

    #[test]
    fn demo_user_has_the_documented_password() {
        let state = State::demo();
        let user = &state.directories[DEMO_DIRECTORY_ID].users[DEMO_USER_ID];
        assert!(user.password.matches(DEMO_INITIAL_PASSWORD));
    }
}
