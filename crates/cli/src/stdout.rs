//! Writing a whole generated text (completions, man page) to stdout, with a
//! write error (a closed pipe, a full disk) reported instead of a panic.

use crate::exit;
use std::io::Write;
use std::process::ExitCode;

/// Writes `bytes` to stdout and flushes; exit 10 when that fails.
pub fn write_all(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cloudsso: cannot write to stdout: {e}");
            ExitCode::from(exit::LOCAL_IO)
        }
    }
}
