//! The `cloudsso` command: reset CloudSSO passwords, and serve the local emulator.

mod args;
mod exit;
mod logger;
mod reset;
mod serve;

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let command = match args::parse(&argv) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("cloudsso: {message}");
            return ExitCode::from(exit::USAGE);
        }
    };
    match command {
        args::Command::Help(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        args::Command::Version => {
            println!("cloudsso {}", cloudsso::VERSION);
            ExitCode::SUCCESS
        }
        args::Command::Reset(a) => ExitCode::from(reset::run(a)),
        args::Command::Emulator(a) => ExitCode::from(serve::run(a)),
    }
}
