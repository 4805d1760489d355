//! Feedback on stderr while the job runs: a bar on a terminal, a plain line
//! every few seconds otherwise (logs and CI keep a readable trace).
//!
//! Only counts are shown: no user's password ever reaches the terminal.

use crate::terminal::stderr_line;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the plain line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Counts shared with the workers.
#[derive(Default)]
pub struct Counts {
    pub done: AtomicU64,
    pub failed: AtomicU64,
    pub unknown: AtomicU64,
}

impl Counts {
    fn ended(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
            + self.failed.load(Ordering::Relaxed)
            + self.unknown.load(Ordering::Relaxed)
    }
}

/// The running display; [`Progress::finish`] ends it.
pub struct Progress {
    counts: Arc<Counts>,
    bar: Option<ProgressBar>,
    ticker: Option<JoinHandle<()>>,
    finished: Arc<AtomicBool>,
}

impl Progress {
    /// Starts showing progress towards `total` calls; notes a stop request once.
    pub fn start(total: u64, stop: Arc<AtomicBool>) -> Progress {
        let counts = Arc::new(Counts::default());
        let finished = Arc::new(AtomicBool::new(false));
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30.cyan/blue} {pos}/{len} ended, {msg}, ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        let ticker = {
            let (counts, finished, bar) = (counts.clone(), finished.clone(), bar.clone());
            std::thread::Builder::new()
                .name("bulk-progress".into())
                .spawn(move || tick(total, &counts, &finished, &stop, bar.as_ref()))
                .ok()
        };
        Progress {
            counts,
            bar,
            ticker,
            finished,
        }
    }

    pub fn counts(&self) -> Arc<Counts> {
        self.counts.clone()
    }

    /// Stops the display, leaving the terminal clean for the summary.
    pub fn finish(mut self) {
        self.finished.store(true, Ordering::SeqCst);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn tick(
    total: u64,
    counts: &Counts,
    finished: &AtomicBool,
    stop: &AtomicBool,
    bar: Option<&ProgressBar>,
) {
    let started = Instant::now();
    let mut last_plain = Instant::now();
    let mut told_stop = false;
    while !finished.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
        if stop.load(Ordering::SeqCst) && !told_stop {
            told_stop = true;
            let note = "cloudsso: stopping: no new calls start; calls in flight finish \
                        (press Ctrl-C again to quit at once; the journal stays usable)";
            match bar {
                Some(bar) => bar.println(note),
                None => stderr_line(note),
            }
        }
        let failed = counts.failed.load(Ordering::Relaxed);
        let unknown = counts.unknown.load(Ordering::Relaxed);
        let ended = counts.ended();
        let rate = ended as f64 / started.elapsed().as_secs_f64().max(0.001);
        match bar {
            Some(bar) => {
                bar.set_position(ended);
                bar.set_message(format!("{rate:.1}/s, {failed} failed, {unknown} unknown"));
            }
            None if last_plain.elapsed() >= PLAIN_EVERY => {
                last_plain = Instant::now();
                let eta = if rate > 0.0 {
                    format!("{:.0}s", total.saturating_sub(ended) as f64 / rate)
                } else {
                    "?".into()
                };
                stderr_line(&format!(
                    "cloudsso: bulk-reset: {ended}/{total} ended ({failed} failed, {unknown} unknown), {rate:.1}/s, ETA {eta}"
                ));
            }
            None => {}
        }
    }
}
