//! The output file is the journal: one JSON record per line, each on disk
//! (`fsync`) before the next step, so that a crash at any moment leaves a
//! record saying which users may have a new password, and what it is.
//!
//! Records (`Record` names the kind):
//! - `job`: the first line; names the tool, the format version, the directory
//!   and the reset mode, so a journal of another job is refused on resume.
//! - `resumed`: a later run took the journal up again.
//! - `started`: written just before the request is sent.
//! - `done`: `NewPassword` and `RequestId`.
//! - `failed`: `Kind`, `Code`, `Message`, `RequestId`, `HttpStatus`,
//!   `OutcomeUnknown` (the password may have changed) and `Permanent` (trying
//!   again cannot help; resume skips the user).
//!
//! The file is created with mode 0600 and never loosened: generated passwords
//! live in it and nowhere else. Appends use `O_APPEND` and one `write` per
//! record; concurrent records share one `fdatasync` (group commit), so eight
//! workers do not queue behind eight disk flushes.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use zeroize::Zeroizing;

/// The `Journal` value of the `job` record: says what wrote the file.
pub const JOURNAL_NAME: &str = "cloudsso bulk-reset";
/// The format version written in the `job` record.
pub const JOURNAL_VERSION: u32 = 1;

/// What identifies a job: a journal for other values is not this job's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobIdentity {
    pub directory_id: String,
    pub require_password_reset_for_next_login: bool,
}

/// Why a journal cannot be used.
#[derive(Debug)]
pub enum JournalError {
    /// The file given is not acceptable (exists, unsafe, not this job's).
    Refused(String),
    /// Reading or writing failed.
    Io(String),
}

/// What the journal says about one user (the last record about them wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A password was set; it is in the `done` record.
    Done,
    /// The call failed and the service did nothing, or it cannot succeed.
    Failed { permanent: bool, reason: String },
    /// Sent, with no answer recorded (a crash or a lost answer): the password
    /// may have changed.
    Unknown,
}

/// Every user's last status, and whether the file ended in a torn line.
#[derive(Debug, Default)]
pub struct History {
    pub status: HashMap<String, Status>,
    pub torn_tail: bool,
    /// Bytes up to the end of the last whole record.
    pub whole_len: u64,
}

/// An open journal, shared by the workers.
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Records written so far (their number), under the write lock.
    written: Mutex<u64>,
    /// Records known to be on disk.
    synced: Mutex<u64>,
    /// Set after a failed write: the file may end in half a record, so no
    /// further record may follow it.
    broken: AtomicBool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobRecord<'a> {
    record: &'static str,
    journal: &'static str,
    version: u32,
    directory_id: &'a str,
    require_password_reset_for_next_login: bool,
    time: String,
}

/// What reading back needs of any record; other fields are ignored (and a
/// `NewPassword` is never read into memory).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AnyRecord {
    record: String,
    #[serde(default)]
    journal: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    directory_id: Option<String>,
    #[serde(default)]
    require_password_reset_for_next_login: Option<bool>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    outcome_unknown: Option<bool>,
    #[serde(default)]
    permanent: Option<bool>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

impl Journal {
    /// Creates a new journal (refusing an existing file) and writes its `job` record.
    pub fn create(path: &Path, job: &JobIdentity) -> Result<Journal, JournalError> {
        let mut options = OpenOptions::new();
        options.append(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                exists(path)
            } else {
                JournalError::Io(format!("cannot create {}: {e}", path.display()))
            }
        })?;
        let journal = Journal::new(path, file);
        let record = JobRecord {
            record: "job",
            journal: JOURNAL_NAME,
            version: JOURNAL_VERSION,
            directory_id: &job.directory_id,
            require_password_reset_for_next_login: job.require_password_reset_for_next_login,
            time: now(),
        };
        journal.append(&record).map_err(io_error(path))?;
        // The new name must survive a crash too.
        sync_parent(path).map_err(io_error(path))?;
        Ok(journal)
    }

    /// Opens an existing journal of this job for appending, after reading it back.
    pub fn resume(path: &Path, job: &JobIdentity) -> Result<(Journal, History), JournalError> {
        let history = read(path, job)?;
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io_error(path))?;
        let journal = Journal::new(path, file);
        if history.torn_tail {
            // The record it began never happened: cut it off, so the file is
            // whole records again and the next one starts on its own line.
            journal
                .file
                .set_len(history.whole_len)
                .map_err(io_error(path))?;
            journal.file.sync_data().map_err(io_error(path))?;
        }
        Ok((journal, history))
    }

    fn new(path: &Path, file: File) -> Journal {
        Journal {
            path: path.to_owned(),
            file,
            written: Mutex::new(0),
            synced: Mutex::new(0),
            broken: AtomicBool::new(false),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and returns once it is on disk.
    pub fn append<T: Serialize>(&self, record: &T) -> std::io::Result<()> {
        let mut line = Zeroizing::new(Vec::with_capacity(256));
        serde_json::to_writer(&mut *line, record)?;
        line.push(b'\n');
        self.append_raw(&line)
    }

    fn append_raw(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mine = {
            let mut written = lock(&self.written);
            if self.broken.load(Ordering::SeqCst) {
                return Err(std::io::Error::other(
                    "an earlier write to the journal failed",
                ));
            }
            if let Err(e) = (&self.file).write_all(bytes) {
                self.broken.store(true, Ordering::SeqCst);
                return Err(e);
            }
            *written += 1;
            *written
        };
        // Group commit: whoever holds this lock flushes every record written
        // so far; those whose record it covered return without a flush.
        let mut synced = lock(&self.synced);
        if *synced >= mine {
            return Ok(());
        }
        let target = *lock(&self.written);
        if let Err(e) = self.file.sync_data() {
            self.broken.store(true, Ordering::SeqCst);
            return Err(e);
        }
        *synced = target;
        Ok(())
    }
}

/// Reads a journal of this job back; refuses files that are not, or that
/// others could read.
pub fn read(path: &Path, job: &JobIdentity) -> Result<History, JournalError> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            JournalError::Refused(format!(
                "--resume: {} does not exist (nothing to resume; drop --resume to start the job)",
                path.display()
            ))
        } else {
            io_error(path)(e)
        }
    })?;
    if !meta.file_type().is_file() {
        return Err(JournalError::Refused(format!(
            "{} is not a regular file; it cannot be a journal",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(JournalError::Refused(format!(
                "{} has mode {mode:03o}: others may read the passwords it holds; run `chmod 600` on it first",
                path.display()
            )));
        }
    }
    let mut text = String::new();
    File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                not_a_journal(path, "it is not UTF-8 text")
            } else {
                io_error(path)(e)
            }
        })?;
    let text = Zeroizing::new(text);
    parse(&text, job).map_err(|why| not_a_journal(path, &why))
}

/// Folds the records into each user's last status.
fn parse(text: &str, job: &JobIdentity) -> Result<History, String> {
    let mut history = History::default();
    let ends_cleanly = text.ends_with('\n');
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let record: AnyRecord = match serde_json::from_str(line) {
            Ok(r) => r,
            // A kill during the last write can leave half a line; nothing
            // after it was written, so the record it began never happened.
            Err(_) if last && !ends_cleanly && i > 0 => {
                history.torn_tail = true;
                history.whole_len = (text.len() - line.len()) as u64;
                break;
            }
            // A kill while the file was being created: nothing was sent yet.
            Err(_) if i == 0 && !ends_cleanly && line.starts_with("{\"Record\":\"job\"") => {
                return Err(
                    "its job record is incomplete: the job stopped before any call was sent; \
                     delete the file and start again"
                        .into(),
                );
            }
            Err(_) => return Err(format!("line {} is not a journal record", i + 1)),
        };
        if i == 0 {
            check_job(&record, job)?;
            continue;
        }
        let user = || {
            record
                .user_id
                .clone()
                .ok_or_else(|| format!("line {} names no UserId", i + 1))
        };
        let status = match record.record.as_str() {
            "started" => Status::Unknown,
            "done" => Status::Done,
            "failed" if record.outcome_unknown == Some(true) => Status::Unknown,
            "failed" => Status::Failed {
                permanent: record.permanent.unwrap_or(true),
                reason: record
                    .code
                    .clone()
                    .or_else(|| record.kind.clone())
                    .unwrap_or_default(),
            },
            "resumed" | "job" => continue,
            other => return Err(format!("line {} has an unknown record {other:?}", i + 1)),
        };
        history.status.insert(user()?, status);
    }
    if lines.is_empty() {
        return Err("it is empty".into());
    }
    Ok(history)
}

fn check_job(record: &AnyRecord, job: &JobIdentity) -> Result<(), String> {
    if record.record != "job" || record.journal.as_deref() != Some(JOURNAL_NAME) {
        return Err("its first line is not a bulk-reset job record".into());
    }
    if record.version != Some(JOURNAL_VERSION) {
        return Err(format!(
            "its format version is {:?}, this program writes {JOURNAL_VERSION}",
            record.version
        ));
    }
    if record.directory_id.as_deref() != Some(&job.directory_id) {
        return Err(format!(
            "it records a job on directory {:?}, not {:?}",
            record.directory_id.as_deref().unwrap_or(""),
            job.directory_id
        ));
    }
    if record.require_password_reset_for_next_login
        != Some(job.require_password_reset_for_next_login)
    {
        return Err(
            "it records a job with a different --require-password-reset-for-next-login".into(),
        );
    }
    Ok(())
}

/// The refusal of an output file that exists without --resume.
pub fn exists(path: &Path) -> JournalError {
    JournalError::Refused(format!(
        "{} already exists; add --resume to continue the job it records, or choose another --output",
        path.display()
    ))
}

fn not_a_journal(path: &Path, why: &str) -> JournalError {
    JournalError::Refused(format!(
        "{} is not a journal of this job: {why}",
        path.display()
    ))
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> JournalError + '_ {
    move |e| JournalError::Io(format!("{}: {e}", path.display()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Flushes the directory entry of a newly created file.
fn sync_parent(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(parent)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The time now, as `YYYY-MM-DDThh:mm:ss.mmmZ` (UTC).
pub fn now() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> JobIdentity {
        JobIdentity {
            directory_id: "d-abc".into(),
            require_password_reset_for_next_login: false,
        }
    }

    const HEAD: &str = "{\"Record\":\"job\",\"Journal\":\"cloudsso bulk-reset\",\"Version\":1,\"DirectoryId\":\"d-abc\",\"RequirePasswordResetForNextLogin\":false}\n";

    #[test]
    fn the_last_record_about_a_user_decides() {
        let text = format!(
            "{HEAD}{}{}{}{}{}{}",
            "{\"Record\":\"started\",\"UserId\":\"u-a\"}\n",
            "{\"Record\":\"done\",\"UserId\":\"u-a\",\"NewPassword\":\"x\"}\n",
            "{\"Record\":\"started\",\"UserId\":\"u-b\"}\n",
            "{\"Record\":\"failed\",\"UserId\":\"u-c\",\"Code\":\"E\",\"OutcomeUnknown\":false,\"Permanent\":true}\n",
            "{\"Record\":\"failed\",\"UserId\":\"u-d\",\"OutcomeUnknown\":true,\"Permanent\":false}\n",
            "{\"Record\":\"failed\",\"UserId\":\"u-e\",\"OutcomeUnknown\":false,\"Permanent\":false}\n",
        );
        let h = parse(&text, &job()).unwrap();
        assert_eq!(h.status["u-a"], Status::Done);
        assert_eq!(h.status["u-b"], Status::Unknown);
        assert_eq!(
            h.status["u-c"],
            Status::Failed {
                permanent: true,
                reason: "E".into()
            }
        );
        assert_eq!(h.status["u-d"], Status::Unknown);
        assert_eq!(
            h.status["u-e"],
            Status::Failed {
                permanent: false,
                reason: String::new()
            }
        );
        assert!(!h.torn_tail);
    }

    #[test]
    fn a_torn_last_line_is_ignored_but_torn_lines_inside_are_not() {
        let torn =
            format!("{HEAD}{{\"Record\":\"started\",\"UserId\":\"u-a\"}}\n{{\"Record\":\"do");
        let h = parse(&torn, &job()).unwrap();
        assert!(h.torn_tail);
        assert_eq!(h.whole_len as usize, torn.len() - "{\"Record\":\"do".len());
        assert_eq!(h.status["u-a"], Status::Unknown);
        let inside =
            format!("{HEAD}{{\"Record\":\"do\n{{\"Record\":\"started\",\"UserId\":\"u-a\"}}\n");
        assert!(parse(&inside, &job()).unwrap_err().contains("line 2"));
        let head_only = &HEAD[..20];
        assert!(
            parse(head_only, &job())
                .unwrap_err()
                .contains("before any call was sent")
        );
    }

    #[test]
    fn another_jobs_journal_is_refused() {
        let other = JobIdentity {
            directory_id: "d-other".into(),
            ..job()
        };
        assert!(parse(HEAD, &other).unwrap_err().contains("d-other"));
        let mode = JobIdentity {
            require_password_reset_for_next_login: true,
            ..job()
        };
        assert!(parse(HEAD, &mode).is_err());
        assert!(parse("u-a\nu-b\n", &job()).is_err());
        assert!(parse("", &job()).is_err());
    }

    #[test]
    fn timestamps_are_utc_iso() {
        let t = now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T');
    }
}
