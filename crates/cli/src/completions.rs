//! `cloudsso completions SHELL`: the shell completion script, from the same
//! clap command that parses the arguments, so it always knows every flag.

use clap::CommandFactory;
use std::process::ExitCode;

/// Print a shell completion script on stdout
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Load it for the current bash session with:  source <(cloudsso completions bash)
or install it, for example:  cloudsso completions bash > ~/.local/share/bash-completion/completions/cloudsso
                              cloudsso completions zsh > \"${fpath[1]}/_cloudsso\"
                              cloudsso completions fish > ~/.config/fish/completions/cloudsso.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: CompletionsArgs) -> ExitCode {
    let mut cmd = crate::Cli::command();
    // Into memory first: the generators panic on a write error, a closed pipe included.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "cloudsso", &mut script);
    crate::stdout::write_all(&script)
}
