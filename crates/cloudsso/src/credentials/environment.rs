//! The variables the default chain reads: the process environment by default, or a fixed set
//! given by an embedder or a test (the process environment is shared by every thread, so tests
//! running side by side cannot each set their own).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A view of environment variables. `Default` is the process environment.
#[derive(Clone, Default)]
pub struct Environment {
    fixed: Option<Arc<BTreeMap<String, String>>>,
}

impl Environment {
    /// The process environment, read when a variable is needed.
    pub fn process() -> Self {
        Environment::default()
    }

    /// Exactly these variables and no others (the process environment is not consulted).
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Environment {
            fixed: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// A variable's value; an empty value counts as unset, as in the vendor's libraries.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// Whether a flag variable is `true` (any case).
    pub fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The home directory: `HOME`, else `USERPROFILE` (Windows).
    pub(crate) fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for Environment {
    /// Names only: values may be keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Environment(process)"),
            Some(vars) => f
                .debug_tuple("Environment")
                .field(&vars.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}
