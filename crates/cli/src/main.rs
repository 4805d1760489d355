//! The `cloudsso` command: reset CloudSSO passwords, and serve the local emulator.
//!
//! Parsing is clap's (derive). Each subcommand is a module with a
//! `#[derive(clap::Args)]` struct and a `run(args) -> ExitCode`, hooked in with
//! one line in `commands!` below.

mod bulk;
mod client_options;
mod completions;
mod exit;
mod logger;
mod manpage;
mod output;
mod password_stdin;
mod refuse;
mod reset;
mod serve;
mod stdout;
mod terminal;

use clap::Parser;
use std::process::ExitCode;

/// Reset Alibaba Cloud CloudSSO user passwords, safely.
#[derive(Parser, Debug)]
#[command(
    name = "cloudsso",
    version = cloudsso::VERSION,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true,
    after_help = "Run `cloudsso COMMAND --help` for a command's options and exit codes."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Declares the subcommands: `Variant(module::Args) => module::run`, the
/// variant's doc comment being its one-line help. The name on the command line
/// is the variant's in kebab case.
macro_rules! commands {
    ($($(#[$doc:meta])* $variant:ident($args:ty) => $run:path,)*) => {
        #[derive(clap::Subcommand, Debug)]
        enum Command {
            $($(#[$doc])* $variant($args),)*
        }

        impl Command {
            fn run(self) -> ExitCode {
                match self {
                    $(Command::$variant(args) => $run(args),)*
                }
            }
        }
    };
}

commands! {
    /// Reset one user's password
    ResetUserPassword(reset::ResetArgs) => reset::run,
    /// Serve a local CloudSSO (the emulator) until stopped
    Emulator(serve::EmulatorArgs) => serve::run,
    /// Reset many users' passwords, paced, with a journal (resumable, Ctrl-C safe)
    BulkReset(bulk::BulkResetArgs) => bulk::run,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(completions::CompletionsArgs) => completions::run,
    /// Print the manual page (roff)
    Manpage(manpage::ManpageArgs) => manpage::run,
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => cli.command.run(),
        Err(error) => {
            // Help and version go to stdout and succeed; every other outcome of
            // parsing, a bare `cloudsso` included, is a usage error on stderr.
            let failed = error.use_stderr();
            ExitCode::from(match (failed, error.print()) {
                (true, _) => exit::USAGE,
                (false, Ok(())) => 0,
                (false, Err(e)) => {
                    eprintln!("cloudsso: cannot write to stdout: {e}");
                    exit::LOCAL_IO
                }
            })
        }
    }
}
