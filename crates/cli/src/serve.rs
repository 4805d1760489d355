//! `cloudsso emulator`: serve the local CloudSSO until stopped.

use crate::exit;
use cloudsso_emulator::{Emulator, EmulatorConfig, State};
use std::io::Write;
use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::process::ExitCode;

/// Serve a local CloudSSO until stopped
#[derive(clap::Args, Debug)]
#[command(after_help = "\
The first line on stdout is one JSON object:
  {\"endpoint\": ..., \"access_key_id\": ..., \"access_key_secret\": ..., \"directory_id\": ..., \"user_id\": ...}")]
pub struct EmulatorArgs {
    /// Address to listen on (port 0: a free port)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: String,
    /// JSON state file with directories, users and access keys
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    state: Option<PathBuf>,
}

pub fn run(args: EmulatorArgs) -> ExitCode {
    ExitCode::from(serve(args))
}

fn serve(args: EmulatorArgs) -> u8 {
    let listen = match args.listen.to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(addr)) => addr,
        _ => {
            eprintln!("cloudsso: --listen needs HOST:PORT, got {:?}", args.listen);
            return exit::USAGE;
        }
    };
    let state = match &args.state {
        Some(path) => match State::from_json_file(path) {
            Ok(state) => Some(state),
            Err(why) => {
                eprintln!("cloudsso: cannot use state file {}: {why}", path.display());
                return exit::USAGE;
            }
        },
        None => None,
    };
    let emulator = match Emulator::start(EmulatorConfig {
        listen: Some(listen),
        state,
        ..Default::default()
    }) {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cloudsso: cannot start the emulator on {listen}: {e}");
            return exit::LOCAL_IO;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", emulator.announcement_json())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return exit::LOCAL_IO;
    }
    drop(stdout);
    eprintln!(
        "cloudsso: emulator serving on {} (admin API under /_emulator/); stop with Ctrl-C",
        emulator.endpoint()
    );
    emulator.wait();
    0
}
