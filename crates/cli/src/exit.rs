//! Exit codes, one per error kind (listed in `reset-user-password --help`).

use cloudsso::ErrorKind;

/// Bad arguments: unknown flag, missing or bad value (clap's usage errors too).
pub const USAGE: u8 = 2;
/// Bad input found by the command itself before anything was sent (as a validation error).
pub const INPUT: u8 = 3;
/// An I/O error of this program: stdin, stdout, starting the emulator.
pub const LOCAL_IO: u8 = 10;

/// The exit code for a failed call.
pub fn for_kind(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Validation => INPUT,
        ErrorKind::Credentials => 4,
        ErrorKind::Service => 5,
        ErrorKind::Throttled => 6,
        ErrorKind::Timeout => 7,
        ErrorKind::Transport => 8,
        ErrorKind::Decode => 9,
        // `ErrorKind` is non-exhaustive: a kind added later exits 1 until it gets its own
        // code (documented in `--help` as "any other failure").
        _ => 1,
    }
}
