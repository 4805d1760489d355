//! `--verbose`: the core's log records on stderr.
//!
//! Only records of the `cloudsso` crates pass: the core never logs secrets, and
//! records of other crates (rustls, say) are not ours to vouch for.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Debug && metadata.target().starts_with("cloudsso")
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            // Records carry request ids and codes from the service: shown
            // escaped, and written without `eprintln!`, which panics on a
            // closed stderr (before the result is printed).
            let line = format!("cloudsso: {}: {}", record.level(), record.args());
            crate::terminal::stderr_line(&crate::terminal::visible(&line));
        }
    }

    fn flush(&self) {}
}

static LOGGER: StderrLogger = StderrLogger;

/// Sends log records at debug level and above to stderr.
pub fn enable() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(LevelFilter::Debug);
    }
}
