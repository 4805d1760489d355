//! Exit codes, one per error kind (listed in `reset-user-password --help`).

use cloudsso::ErrorKind;

pub const USAGE: u8 = 2;
pub const LOCAL_IO: u8 = 10;

/// The exit code for a failed call.
pub fn for_kind(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Validation => 3,
        ErrorKind::Credentials => 4,
        ErrorKind::Service => 5,
        ErrorKind::Throttled => 6,
        ErrorKind::Timeout => 7,
        ErrorKind::Transport => 8,
        ErrorKind::Decode => 9,
        _ => 1,
    }
}
