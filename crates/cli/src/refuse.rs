//! A value parser for flags that exist only to be refused (`--password`): it
//! fails with a fixed message and never echoes the value, which may be a secret.

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Arg, Command};
use std::ffi::OsStr;

/// Refuses any value with the message it holds.
#[derive(Clone, Copy)]
pub struct Refuse(pub &'static str);

impl TypedValueParser for Refuse {
    type Value = String;

    fn parse_ref(&self, cmd: &Command, _: Option<&Arg>, _: &OsStr) -> Result<String, clap::Error> {
        Err(clap::Error::raw(ErrorKind::ValueValidation, format!("{}\n", self.0)).with_cmd(cmd))
    }
}
