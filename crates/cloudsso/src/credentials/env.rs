//! Step 2 of the chain: an access key in `ALIBABA_CLOUD_ACCESS_KEY_ID` /
//! `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, with `ALIBABA_CLOUD_SECURITY_TOKEN` for STS keys.
//! Half a pair is an error, not a reason to look further.

use super::{
    Credentials, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN, Environment,
};
use crate::error::Error;

/// Reads the process environment's key, if any.
pub fn from_environment() -> Result<Option<Credentials>, Error> {
    read(&Environment::process())
}

/// Reads `env`'s key: `None` when neither half is set.
pub(crate) fn read(env: &Environment) -> Result<Option<Credentials>, Error> {
    match (env.get(ENV_ACCESS_KEY_ID), env.get(ENV_ACCESS_KEY_SECRET)) {
        (Some(id), Some(secret)) => Credentials::new(id, secret, env.get(ENV_SECURITY_TOKEN))
            .map(Some)
            .map_err(|e| {
                Error::credentials(format!(
                    "environment: the access key is unusable: {}",
                    e.message()
                ))
            }),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::credentials(format!(
            "environment: {ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
        ))),
        (None, Some(_)) => Err(Error::credentials(format!(
            "environment: {ENV_ACCESS_KEY_SECRET} is set but {ENV_ACCESS_KEY_ID} is not"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_a_pair_is_an_error_naming_the_missing_half() {
        let env = Environment::from_vars([(ENV_ACCESS_KEY_ID, "id")]);
        let err = read(&env).unwrap_err();
        assert!(
            err.message()
                .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is set")
                || err
                    .message()
                    .contains("but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not")
        );
        assert!(
            read(&Environment::from_vars::<_, String, String>([]))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn full_pair_with_token() {
        let env = Environment::from_vars([
            (ENV_ACCESS_KEY_ID, "id"),
            (ENV_ACCESS_KEY_SECRET, "secret"),
            (ENV_SECURITY_TOKEN, "token"),
        ]);
        let c = read(&env).unwrap().unwrap();
        assert_eq!(c.access_key_id(), "id");
        assert_eq!(c.security_token().unwrap().expose(), "token");
    }
}
