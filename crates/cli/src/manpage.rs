//! `cloudsso manpage [COMMAND]`: the manual page in roff, on stdout, from the
//! same clap command that parses the arguments. One page per command, as
//! `git` has: `cloudsso manpage` is cloudsso(1), `cloudsso manpage
//! reset-user-password` is cloudsso-reset-user-password(1).

use crate::exit;
use clap::CommandFactory;
use std::process::ExitCode;

/// Print the manual page (roff) on stdout
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Read it with:  cloudsso manpage | man -l -
Install it with, for example:  cloudsso manpage > /usr/local/share/man/man1/cloudsso.1")]
pub struct ManpageArgs {
    /// The command whose page to print (default: cloudsso itself)
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
}

pub fn run(args: ManpageArgs) -> ExitCode {
    let mut cmd = crate::Cli::command();
    cmd.build();
    let page = match &args.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) if !sub.is_hide_set() && name != "help" => sub.clone(),
            _ => {
                let names: Vec<&str> = cmd
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                    .map(|s| s.get_name())
                    .collect();
                eprintln!(
                    "cloudsso: manpage: no command {name:?}; one of: {}",
                    names.join(", ")
                );
                return ExitCode::from(exit::USAGE);
            }
        },
    };
    let mut roff = Vec::new();
    let man = clap_mangen::Man::new(page).source(format!("cloudsso {}", cloudsso::VERSION));
    if let Err(e) = man.render(&mut roff) {
        eprintln!("cloudsso: cannot render the manual page: {e}");
        return ExitCode::from(exit::LOCAL_IO);
    }
    crate::stdout::write_all(&roff)
}
