//! The final summary on stdout (text or JSON), the exit code, and the exact
//! command that resumes the job.
//!
//! It shows counts, ids and error codes, never a password: those stay in the
//! journal.

use super::input::{Duplicate, Invalid};
use super::journal::Status;
use crate::terminal::visible;
use serde_json::json;
use std::collections::HashMap;

/// Exit codes of `bulk-reset` (listed in its `--help`).
pub mod code {
    pub const ALL_DONE: u8 = 0;
    pub const SOME_FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INVALID_INPUT: u8 = 3;
    pub const CREDENTIALS: u8 = 4;
    pub const LOCAL_IO: u8 = 10;
    pub const SOME_UNKNOWN: u8 = 11;
    pub const INTERRUPTED: u8 = 130;
}

/// Everything the summary reports.
#[derive(Debug, Default)]
pub struct Summary {
    pub directory_id: String,
    pub input_format: &'static str,
    pub dry_run: bool,
    /// Valid, distinct users of the input, in order.
    pub users: Vec<String>,
    pub invalid: Vec<Invalid>,
    pub duplicates: Vec<Duplicate>,
    /// Each user's status after this run (absent: not started).
    pub status: HashMap<String, Status>,
    /// Users whose status came from an earlier run and were not called now.
    pub skipped: usize,
    /// Calls that ended in this run.
    pub ended_now: usize,
    /// Users a dry run would call.
    pub would_call: usize,
    pub interrupted: bool,
    /// Why the job stopped early, other than a signal.
    pub stopped_because: Option<String>,
    pub journal: Option<String>,
    /// The command line of this run, quoted for a shell.
    pub command: Vec<String>,
}

impl Summary {
    fn done(&self) -> usize {
        self.count(|s| matches!(s, Status::Done))
    }

    fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.users
            .iter()
            .filter(|u| self.status.get(*u).is_some_and(&f))
            .count()
    }

    fn failed(&self) -> Vec<(&str, &str, bool)> {
        self.users
            .iter()
            .filter_map(|u| match self.status.get(u) {
                Some(Status::Failed { permanent, reason }) => {
                    Some((u.as_str(), reason.as_str(), *permanent))
                }
                _ => None,
            })
            .collect()
    }

    fn needs_check(&self) -> Vec<&str> {
        self.users
            .iter()
            .filter(|u| matches!(self.status.get(*u), Some(Status::Unknown)))
            .map(String::as_str)
            .collect()
    }

    fn not_started(&self) -> usize {
        self.users
            .iter()
            .filter(|u| !self.status.contains_key(*u))
            .count()
    }

    /// The exit code this outcome calls for.
    pub fn exit_code(&self) -> u8 {
        if self.dry_run {
            return if self.invalid.is_empty() {
                code::ALL_DONE
            } else {
                code::INVALID_INPUT
            };
        }
        if self.interrupted {
            code::INTERRUPTED
        } else if !self.needs_check().is_empty() {
            code::SOME_UNKNOWN
        } else if !self.failed().is_empty() || !self.invalid.is_empty() || self.not_started() > 0 {
            code::SOME_FAILED
        } else {
            code::ALL_DONE
        }
    }

    /// The command that continues the job: this one, with `--resume`.
    pub fn resume_command(&self) -> Option<String> {
        let unfinished = self.interrupted
            || self.stopped_because.is_some()
            || self.not_started() > 0
            || self.failed().iter().any(|(_, _, permanent)| !permanent);
        if self.dry_run || !unfinished {
            return None;
        }
        let mut words = self.command.clone();
        if !words.iter().any(|w| w == "--resume") {
            words.push("--resume".into());
        }
        Some(
            words
                .iter()
                .map(|w| shell_quote(w))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        let head = if self.dry_run {
            "Dry run"
        } else {
            "Bulk reset"
        };
        line(format!(
            "{head} of directory {}: {} users ({} input; {} invalid lines, {} duplicates)",
            self.directory_id,
            self.users.len(),
            self.input_format,
            self.invalid.len(),
            self.duplicates.len()
        ));
        if self.dry_run {
            line(format!("  would reset      {}", self.would_call));
            line(format!("  already recorded {}", self.skipped));
        } else {
            line(format!("  done          {}", self.done()));
            line(format!("  failed        {}", self.failed().len()));
            line(format!("  needs a check {}", self.needs_check().len()));
            line(format!("  not started   {}", self.not_started()));
            line(format!(
                "  ({} calls ended in this run; {} users were settled by earlier runs)",
                self.ended_now, self.skipped
            ));
        }
        if let Some(journal) = &self.journal {
            line(format!(
                "Journal: {journal} (the new passwords are there and nowhere else)"
            ));
        }
        if let Some(why) = &self.stopped_because {
            line(format!("Stopped early: {}", visible(why)));
        }
        let failed = self.failed();
        if !failed.is_empty() {
            line(String::new());
            line("Failed (see the journal for each message):".into());
            for (user, reason, permanent) in failed {
                let again = if permanent {
                    ""
                } else {
                    ", tried again on resume"
                };
                line(format!("  {user}  {}{again}", visible(reason)));
            }
        }
        if !self.invalid.is_empty() {
            line(String::new());
            line("Invalid lines (never sent):".into());
            for i in &self.invalid {
                line(format!(
                    "  line {}: {:?}: {}",
                    i.line,
                    visible(&i.text),
                    visible(&i.reason)
                ));
            }
        }
        if !self.duplicates.is_empty() {
            line(String::new());
            line("Duplicates (each user is reset once):".into());
            for d in &self.duplicates {
                line(format!(
                    "  line {}: {} (first on line {})",
                    d.line, d.user_id, d.first_line
                ));
            }
        }
        let check = self.needs_check();
        if !check.is_empty() {
            line(String::new());
            line(
                "Users needing a check (sent, but no answer was recorded: their password may have \
                 changed; resume skips them unless --retry-unknown is given):"
                    .into(),
            );
            for user in check {
                line(user.to_owned());
            }
        }
        if let Some(cmd) = self.resume_command() {
            line(String::new());
            line(if self.interrupted {
                "Interrupted. To resume:".into()
            } else {
                "To resume:".into()
            });
            line(format!("  {cmd}"));
        }
        out
    }

    pub fn json(&self) -> serde_json::Value {
        let failed: Vec<_> = self
            .failed()
            .into_iter()
            .map(|(u, r, p)| json!({"UserId": u, "Reason": r, "Permanent": p}))
            .collect();
        let invalid: Vec<_> = self
            .invalid
            .iter()
            .map(|i| json!({"Line": i.line, "Text": i.text, "Reason": i.reason}))
            .collect();
        let duplicates: Vec<_> = self
            .duplicates
            .iter()
            .map(|d| json!({"Line": d.line, "UserId": d.user_id, "FirstLine": d.first_line}))
            .collect();
        json!({
            "DirectoryId": self.directory_id,
            "DryRun": self.dry_run,
            "InputFormat": self.input_format,
            "Users": self.users.len(),
            "Done": if self.dry_run { None } else { Some(self.done()) },
            "WouldReset": if self.dry_run { Some(self.would_call) } else { None },
            "Failed": failed,
            "NeedsCheck": self.needs_check(),
            "NotStarted": self.not_started(),
            "Skipped": self.skipped,
            "EndedThisRun": self.ended_now,
            "Invalid": invalid,
            "Duplicates": duplicates,
            "Interrupted": self.interrupted,
            "StoppedBecause": self.stopped_because,
            "Journal": self.journal,
            "ResumeCommand": self.resume_command(),
            "ExitCode": self.exit_code(),
        })
    }
}

/// `word` as one shell word (POSIX sh).
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_a_shell() {
        assert_eq!(shell_quote("--input"), "--input");
        assert_eq!(shell_quote("my users.txt"), "'my users.txt'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn unknown_outweighs_failed_and_a_signal_outweighs_both() {
        let mut s = Summary {
            users: vec!["u-a".into(), "u-b".into()],
            command: vec!["cloudsso".into(), "bulk-reset".into()],
            ..Default::default()
        };
        s.status.insert("u-a".into(), Status::Done);
        s.status.insert("u-b".into(), Status::Done);
        assert_eq!(s.exit_code(), code::ALL_DONE);
        assert_eq!(s.resume_command(), None);
        s.status.insert(
            "u-a".into(),
            Status::Failed {
                permanent: false,
                reason: "Throttling.User".into(),
            },
        );
        assert_eq!(s.exit_code(), code::SOME_FAILED);
        assert_eq!(
            s.resume_command().as_deref(),
            Some("cloudsso bulk-reset --resume")
        );
        s.status.insert("u-b".into(), Status::Unknown);
        assert_eq!(s.exit_code(), code::SOME_UNKNOWN);
        assert!(s.text().contains("Users needing a check"));
        assert!(
            s.text()
                .ends_with("u-b\n\nTo resume:\n  cloudsso bulk-reset --resume\n")
        );
        s.interrupted = true;
        assert_eq!(s.exit_code(), code::INTERRUPTED);
    }
}
