//! The client options as command-line flags, built from the core's option
//! table ([`cloudsso::options::OPTIONS`]), so a new row there is a new flag
//! here with no edit: `--name-with-dashes`, its help from the row's doc and
//! default.
//!
//! Each value is checked with the core's own rule while the command line is
//! parsed, so a bad value is a usage error (exit 2) in the core's words, before
//! anything else happens; afterwards the values are forwarded unchanged with
//! [`ClientBuilder::option`]. Two kinds read differently on a command line:
//! secrets are refused (a command line shows in the process list), and PEM
//! options take a file name.
//!
//! Any command that calls the service can offer the same flags with
//! `#[command(flatten)] client: ClientOptions`.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches, ValueHint};
use cloudsso::options::{OPTIONS, OptionKind, OptionSpec};
use cloudsso::{ClientBuilder, Error};
use std::ffi::OsStr;

/// The help heading the table's flags are listed under.
const HEADING: &str = "Client options";

/// Earlier spellings that keep working: (row name, extra flag).
const ALIASES: &[(&str, &str)] = &[("rate_limit_per_second", "rate-limit")];

/// Rows that exclude each other on a command line (the core would quietly
/// prefer one).
const CONFLICTS: &[(&str, &str)] = &[("region", "endpoint")];

/// The client options given on the command line, in table order.
#[derive(Clone, Default)]
pub struct ClientOptions {
    values: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for ClientOptions {
    /// Names only: a PEM file's contents are no one's business in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.values.iter().map(|(name, _)| name))
            .finish()
    }
}

impl ClientOptions {
    /// The value given for the row `name`, if any.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Hands every given option to the builder, as the core reads it.
    pub fn apply(&self, mut builder: ClientBuilder) -> Result<ClientBuilder, Error> {
        for (name, value) in &self.values {
            builder = builder.option(name, value)?;
        }
        Ok(builder)
    }
}

impl FromArgMatches for ClientOptions {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut values = Vec::new();
        for spec in OPTIONS {
            if let Ok(Some(value)) = matches.try_get_one::<String>(spec.name) {
                values.push((spec.name, value.clone()));
            }
        }
        Ok(ClientOptions { values })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for ClientOptions {
    fn augment_args(mut cmd: Command) -> Command {
        for spec in OPTIONS {
            cmd = cmd.arg(flag(spec));
        }
        for (a, b) in CONFLICTS {
            let has = |id: &str| cmd.get_arguments().any(|arg| arg.get_id() == id);
            if has(a) && has(b) {
                cmd = cmd.mut_arg(*a, |arg| arg.conflicts_with(*b));
            }
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

/// The flag of one row.
fn flag(spec: &'static OptionSpec) -> Arg {
    let long = spec.name.replace('_', "-");
    let mut arg = Arg::new(spec.name)
        .long(long)
        .help_heading(HEADING)
        .action(ArgAction::Set)
        .value_parser(RowParser(spec));
    arg = match spec.kind {
        OptionKind::Secret => arg.value_name("NEVER").help(format!(
            "{}. Refused here: a command line shows in the process list; set {} instead",
            spec.doc,
            environment_name(spec)
        )),
        OptionKind::Bool => arg
            .value_name("BOOL")
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .help(format!("{} [default: {}]", spec.doc, spec.default)),
        OptionKind::Pem => arg
            .value_name("FILE")
            .value_hint(ValueHint::FilePath)
            .help(format!(
                "{}; FILE holds the PEM text [default: {}]",
                spec.doc, spec.default
            )),
        OptionKind::Integer { .. } => arg
            .value_name("N")
            .help(format!("{} [default: {}]", spec.doc, spec.default)),
        OptionKind::Milliseconds { .. } => arg
            .value_name("MS")
            .help(format!("{} [default: {}]", spec.doc, spec.default)),
        _ => arg
            .value_name(spec.name.to_ascii_uppercase())
            .help(format!("{} [default: {}]", spec.doc, spec.default)),
    };
    for (row, alias) in ALIASES {
        if *row == spec.name {
            arg = arg.visible_alias(*alias);
        }
    }
    arg
}

/// Where the credentials chain reads a secret option from instead.
fn environment_name(spec: &OptionSpec) -> String {
    format!("ALIBABA_CLOUD_{}", spec.name.to_ascii_uppercase())
}

/// Checks a flag's value with the row's own rule, at parse time.
#[derive(Clone, Copy)]
struct RowParser(&'static OptionSpec);

impl TypedValueParser for RowParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let spec = self.0;
        let flag = spec.cli_flag();
        // A raw error, so the value itself is never echoed (it may be a secret).
        let fail = |why: &str| {
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("invalid value for {flag}: {why}\n"),
            )
            .with_cmd(cmd)
        };
        if spec.kind == OptionKind::Secret {
            return Err(clap::Error::raw(
                ErrorKind::ValueValidation,
                format!(
                    "{flag} is not accepted (a command line shows in the process list); set {} instead\n",
                    environment_name(spec)
                ),
            )
            .with_cmd(cmd));
        }
        let text = value.to_str().ok_or_else(|| fail("must be UTF-8 text"))?;
        let text = match spec.kind {
            OptionKind::Pem => std::fs::read_to_string(text)
                .map_err(|e| fail(&format!("cannot read the file {text:?}: {e}")))?,
            _ => text.to_owned(),
        };
        spec.apply(ClientBuilder::default(), &text)
            .map_err(|e| fail(e.message()))?;
        Ok(text)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        match self.0.kind {
            OptionKind::Choice(names) => Some(Box::new(names.iter().map(PossibleValue::new))),
            OptionKind::Bool => Some(Box::new(
                ["true", "false"].into_iter().map(PossibleValue::new),
            )),
            _ => None,
        }
    }
}
