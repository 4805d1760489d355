//! Reading the list of users: plain ids, CSV with a `UserId` column, or JSONL.
//!
//! The format is told from the content, not the file name, because exports
//! from directory tools arrive under any name: a first line starting with `{`
//! is JSONL, a first line with a `UserId` cell (any case) is a CSV header,
//! anything else is one id per line. Blank lines and `#` comments are skipped;
//! a BOM, CRLF and surrounding spaces are trimmed. Every id is checked with
//! the core's own rules, so an id that would be refused is never sent.

use cloudsso::ResetUserPasswordRequest;
use std::collections::HashMap;

/// The users of an input file, in file order.
#[derive(Debug, Default)]
pub struct Input {
    /// Which format the content was read as.
    pub format: Format,
    /// Valid ids, each once, with the line it first appeared on.
    pub users: Vec<Entry>,
    /// Lines that do not hold a valid user id.
    pub invalid: Vec<Invalid>,
    /// Repeats of an id already listed (done once, at its first line).
    pub duplicates: Vec<Duplicate>,
}

/// How the input was read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One id per line.
    #[default]
    Plain,
    /// A CSV file with a `UserId` header cell.
    Csv,
    /// One JSON object per line with a `UserId` field.
    Jsonl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// A valid user id and the line it came from (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: u64,
    pub user_id: String,
}

/// A line that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub line: u64,
    /// The text found where the id should be (control characters removed,
    /// shortened), for the report.
    pub text: String,
    pub reason: String,
}

/// An id listed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub line: u64,
    pub user_id: String,
    pub first_line: u64,
}

/// The name of the id column or field, matched without regard to case.
const USER_ID: &str = "UserId";

/// Reads `text`; `directory_id` is used only to check ids with the core's rules.
pub fn parse(text: &str, directory_id: &str) -> Input {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    let mut input = Input::default();
    let mut raw: Vec<(u64, Result<String, String>)> = Vec::new();
    if first.starts_with('{') {
        input.format = Format::Jsonl;
        for (n, line) in numbered_lines(text) {
            raw.push((n, jsonl_id(line)));
        }
    } else if csv_header(first).is_some() {
        input.format = Format::Csv;
        raw = csv_ids(text);
    } else {
        for (n, line) in numbered_lines(text) {
            raw.push((n, Ok(line.to_owned())));
        }
    }
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    for (line, found) in raw {
        let id = match found {
            Ok(id) => id,
            Err(reason) => {
                input.invalid.push(Invalid {
                    line,
                    text: String::new(),
                    reason,
                });
                continue;
            }
        };
        if let Err(e) = ResetUserPasswordRequest::new(directory_id, &id)
            .generate_random_password(true)
            .validate()
        {
            input.invalid.push(Invalid {
                line,
                text: printable(&id),
                reason: e.message().to_owned(),
            });
            continue;
        }
        match first_seen.get(&id) {
            Some(&first_line) => input.duplicates.push(Duplicate {
                line,
                user_id: id,
                first_line,
            }),
            None => {
                first_seen.insert(id.clone(), line);
                input.users.push(Entry { line, user_id: id });
            }
        }
    }
    input
}

/// Lines that carry content: trimmed, numbered from 1, blanks and comments left out.
fn numbered_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// The `UserId` field of one JSON line.
fn jsonl_id(line: &str) -> Result<String, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    let field = object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(USER_ID))
        .map(|(_, v)| v)
        .ok_or("has no UserId field")?;
    field
        .as_str()
        .map(|s| s.trim().to_owned())
        .ok_or_else(|| "UserId is not a string".to_owned())
}

/// The position of the `UserId` cell if `line` is a CSV header row.
fn csv_header(line: &str) -> Option<usize> {
    let mut reader = csv_reader(line.as_bytes());
    let record = reader.records().next()?.ok()?;
    record
        .iter()
        .position(|cell| cell.eq_ignore_ascii_case(USER_ID))
}

fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes)
}

/// The `UserId` column of every data row, with line numbers. Each row is
/// read on its own line (a quoted cell spanning lines is not supported), so
/// that the line reported is the line in the file.
fn csv_ids(text: &str) -> Vec<(u64, Result<String, String>)> {
    let mut column = None;
    let mut out = Vec::new();
    for (line, row) in numbered_lines(text) {
        let cells = match csv_reader(row.as_bytes()).records().next() {
            Some(Ok(cells)) => cells,
            Some(Err(e)) => {
                out.push((line, Err(format!("unreadable CSV row: {e}"))));
                continue;
            }
            None => continue,
        };
        let Some(col) = column else {
            column = cells.iter().position(|c| c.eq_ignore_ascii_case(USER_ID));
            continue;
        };
        let id = cells
            .get(col)
            .map(str::to_owned)
            .ok_or_else(|| "has no UserId cell".to_owned());
        out.push((line, id));
    }
    out
}

/// `text` made safe to print: control characters dropped, at most 80 characters.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "d-00fc2p61abcd";

    fn ids(input: &Input) -> Vec<(u64, &str)> {
        input
            .users
            .iter()
            .map(|e| (e.line, e.user_id.as_str()))
            .collect()
    }

    #[test]
    fn plain_lines_skip_blanks_comments_and_trim_bom_crlf_spaces() {
        let input = parse(
            "\u{feff}# leavers\r\n u-aaa1 \r\n\r\nu-bbb2\r\n  # done\n",
            D,
        );
        assert_eq!(input.format, Format::Plain);
        assert_eq!(ids(&input), [(2, "u-aaa1"), (4, "u-bbb2")]);
        assert!(input.invalid.is_empty() && input.duplicates.is_empty());
    }

    #[test]
    fn csv_header_in_any_case_picks_the_column() {
        let text = "\u{feff}Name,USERID,Mail\r\n\"Doe, J\",u-aaa1,j@x\r\n\r\n# skip\r\nK, u-bbb2 ,k@x\r\nL\r\n";
        let input = parse(text, D);
        assert_eq!(input.format, Format::Csv);
        assert_eq!(ids(&input), [(2, "u-aaa1"), (5, "u-bbb2")]);
        assert_eq!(input.invalid.len(), 1);
        assert_eq!(input.invalid[0].line, 6);
        assert_eq!(input.invalid[0].reason, "has no UserId cell");
    }

    #[test]
    fn jsonl_reads_the_user_id_field() {
        let text = "{\"UserId\": \"u-aaa1\", \"Name\": \"x\"}\n\n{\"userid\":\"u-bbb2\"}\n{\"Other\":1}\nnot json\n{\"UserId\": 5}\n";
        let input = parse(text, D);
        assert_eq!(input.format, Format::Jsonl);
        assert_eq!(ids(&input), [(1, "u-aaa1"), (3, "u-bbb2")]);
        let reasons: Vec<_> = input
            .invalid
            .iter()
            .map(|i| (i.line, i.reason.as_str()))
            .collect();
        assert_eq!(reasons[0], (4, "has no UserId field"));
        assert_eq!(reasons[1].0, 5);
        assert!(reasons[1].1.starts_with("not a JSON object"));
        assert_eq!(reasons[2], (6, "UserId is not a string"));
    }

    #[test]
    fn duplicates_are_done_once_and_invalid_ids_reported() {
        let input = parse("u-aaa1\nU-BAD\nu-aaa1\nu-with space\n", D);
        assert_eq!(ids(&input), [(1, "u-aaa1")]);
        assert_eq!(
            input.duplicates,
            [Duplicate {
                line: 3,
                user_id: "u-aaa1".into(),
                first_line: 1
            }]
        );
        assert_eq!(input.invalid.len(), 2);
        assert_eq!(input.invalid[0].text, "U-BAD");
        assert!(input.invalid[0].reason.contains("\"u-\""));
    }
}
