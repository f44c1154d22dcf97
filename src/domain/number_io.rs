//! The inventory's file formats: CSV and JSON export with the documented
//! keys (number, status, usage, vendor, tag, release_date as YYYY-MM-DD or
//! null, connection, registered_user, last_seen), and the one column set
//! that CSV import reads back (see `number_import`).
//!
//! Free text in CSV is guarded against spreadsheet formula injection (the
//! OWASP rule): see [`escape_formula`].

use super::number::InventoryItem;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::borrow::Cow;

/// The columns of an export, in order; an import accepts every one of them.
pub const EXPORT_COLUMNS: [&str; 9] = [
    "number",
    "status",
    "usage",
    "vendor",
    "tag",
    "release_date",
    "connection",
    "registered_user",
    "last_seen",
];

/// The columns that hold text people or vendors typed, which a spreadsheet
/// would run as a formula when it starts with `=`, `+`, `-`, `@`, TAB or
/// CR. The others hold values of a fixed form: the number (its leading `+`
/// is E.164 and it is the key), the status, dates and stamps.
pub const FREE_TEXT_COLUMNS: [&str; 5] =
    ["usage", "vendor", "tag", "connection", "registered_user"];

/// The first characters that make a spreadsheet cell a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` is one `'` or more followed by a formula character.
fn quoted_formula(text: &str) -> bool {
    let rest = text.trim_start_matches('\'');
    rest.len() < text.len() && rest.starts_with(FORMULA_START)
}

/// A free-text CSV cell as written: a value starting with a formula
/// character gets a leading `'`, which spreadsheets show as text. A value
/// that already starts with `'`s before a formula character gets one more,
/// so [`unescape_formula`] gives back exactly the value.
pub fn escape_formula(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_START) || quoted_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A free-text CSV cell as read: the `'` that [`escape_formula`] added
/// (a `'` before `'`s and a formula character) is removed.
pub fn unescape_formula(text: &str) -> &str {
    if quoted_formula(text) {
        &text[1..]
    } else {
        text
    }
}

/// One exported row, with the documented JSON keys. An empty usage,
/// vendor or tag is `null` in JSON (absent values are never `""`); CSV
/// writes it as an empty cell.
#[derive(Debug, Serialize)]
pub struct ExportRow<'a> {
    pub number: &'a str,
    pub status: &'a str,
    #[serde(serialize_with = "empty_as_null")]
    pub usage: &'a str,
    #[serde(serialize_with = "empty_as_null")]
    pub vendor: &'a str,
    #[serde(serialize_with = "empty_as_null")]
    pub tag: &'a str,
    pub release_date: Option<String>,
    pub connection: Option<&'a str>,
    pub registered_user: Option<&'a str>,
    pub last_seen: Option<String>,
}

impl<'a> From<&'a InventoryItem> for ExportRow<'a> {
    fn from(i: &'a InventoryItem) -> Self {
        ExportRow {
            number: &i.number,
            status: i.status.as_str(),
            usage: &i.usage,
            vendor: &i.vendor,
            tag: &i.tag,
            release_date: i.release_date.map(|d| d.format("%Y-%m-%d").to_string()),
            connection: i.connection.as_deref(),
            registered_user: i.registered_user.as_deref(),
            last_seen: i.last_seen.map(stamp),
        }
    }
}

impl ExportRow<'_> {
    /// The CSV cells, in [`EXPORT_COLUMNS`] order, free text escaped.
    fn csv_cells(&self) -> [Cow<'_, str>; 9] {
        [
            Cow::Borrowed(self.number),
            Cow::Borrowed(self.status),
            escape_formula(self.usage),
            escape_formula(self.vendor),
            escape_formula(self.tag),
            Cow::Borrowed(self.release_date.as_deref().unwrap_or("")),
            escape_formula(self.connection.unwrap_or("")),
            escape_formula(self.registered_user.unwrap_or("")),
            Cow::Borrowed(self.last_seen.as_deref().unwrap_or("")),
        ]
    }
}

fn empty_as_null<S: serde::Serializer>(text: &&str, s: S) -> Result<S::Ok, S::Error> {
    if text.is_empty() {
        s.serialize_none()
    } else {
        s.serialize_str(text)
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A CSV writer's error as an I/O error, keeping the kind of an I/O one
/// (a closed pipe stays `BrokenPipe`).
fn io_error(e: csv::Error) -> std::io::Error {
    if !e.is_io_error() {
        return std::io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

enum Out<W: std::io::Write> {
    Json(W),
    Csv(Box<csv::Writer<W>>),
}

/// Writes rows as CSV (RFC 4180 quoting, `\n` line ends, a header) or as
/// one JSON array, a row at a time, so an export of any size never holds
/// the inventory in memory.
pub struct ExportWriter<W: std::io::Write> {
    out: Out<W>,
    rows: usize,
}

impl<W: std::io::Write> ExportWriter<W> {
    pub fn start(mut out: W, json: bool) -> std::io::Result<Self> {
        let out = if json {
            write!(out, "[")?;
            Out::Json(out)
        } else {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(EXPORT_COLUMNS).map_err(io_error)?;
            Out::Csv(Box::new(csv))
        };
        Ok(ExportWriter { out, rows: 0 })
    }

    pub fn row(&mut self, item: &InventoryItem) -> std::io::Result<()> {
        let row = ExportRow::from(item);
        match &mut self.out {
            Out::Json(out) => {
                let sep = if self.rows == 0 { "\n" } else { ",\n" };
                // Escaped as every other --json (DEL, C1, bidi overrides).
                let row = super::terminal_text::json_compact(&row);
                write!(out, "{sep}  {row}")?;
            }
            Out::Csv(csv) => csv
                .write_record(row.csv_cells().iter().map(|c| c.as_bytes()))
                .map_err(io_error)?,
        }
        self.rows += 1;
        Ok(())
    }

    /// Closes the JSON array and flushes; returns how many rows were written.
    pub fn finish(self) -> std::io::Result<usize> {
        match self.out {
            Out::Json(mut out) => {
                writeln!(out, "{}]", if self.rows == 0 { "" } else { "\n" })?;
                out.flush()?;
            }
            Out::Csv(mut csv) => csv.flush()?,
        }
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::number::Status;

    fn csv_of(items: &[InventoryItem]) -> String {
        let mut buf = Vec::new();
        let mut w = ExportWriter::start(&mut buf, false).unwrap();
        for i in items {
            w.row(i).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn export_quotes_fields_that_need_it() {
        let item = InventoryItem {
            status: Status::Cooling,
            tag: "offline, \"east\"\nsecond line".into(),
            release_date: Some("2026-11-24".parse().unwrap()),
            ..InventoryItem::available("+15551230001")
        };
        assert_eq!(
            csv_of(&[item]),
            "number,status,usage,vendor,tag,release_date,connection,registered_user,last_seen\n\
             +15551230001,Cooling,,,\"offline, \"\"east\"\"\nsecond line\",2026-11-24,,,\n"
        );
    }

    #[test]
    fn formula_cells_get_a_quote_in_free_text_only() {
        let item = InventoryItem {
            usage: "@SUM(A1)".into(),
            vendor: "-2+3".into(),
            tag: "=HYPERLINK(\"x\")".into(),
            connection: Some("+lab".into()),
            registered_user: Some("\tuser".into()),
            ..InventoryItem::available("+15551230001")
        };
        let text = csv_of(&[item]);
        let line = text.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "+15551230001,Available,'@SUM(A1),'-2+3,\"'=HYPERLINK(\"\"x\"\")\",,'+lab,'\tuser,"
        );
    }

    #[test]
    fn the_escape_is_undone_exactly() {
        for text in [
            "",
            "plain",
            "=1+1",
            "+44",
            "-",
            "@x",
            "\tx",
            "\rx",
            "'",
            "'x",
            "'=x",
            "''=x",
            "'''",
            "x=1",
            "ünïcode",
            "'\t",
        ] {
            let escaped = escape_formula(text);
            assert!(
                !escaped.starts_with(FORMULA_START),
                "{text:?} escaped to {escaped:?}"
            );
            assert_eq!(unescape_formula(&escaped), text, "{text:?} via {escaped:?}");
        }
        assert_eq!(escape_formula("'=x"), "''=x");
        assert_eq!(escape_formula("'x"), "'x");
        assert_eq!(unescape_formula("'x"), "'x");
        // A hand-written file's formula is not ours to change on import.
        assert_eq!(unescape_formula("=x"), "=x");
    }

    #[test]
    fn json_is_not_escaped() {
        let item = InventoryItem {
            tag: "=1+1".into(),
            ..InventoryItem::available("+15551230001")
        };
        let mut buf = Vec::new();
        let mut w = ExportWriter::start(&mut buf, true).unwrap();
        w.row(&item).unwrap();
        w.finish().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v[0]["tag"], "=1+1");
        assert_eq!(v[0]["number"], "+15551230001");
    }

    #[test]
    fn the_writer_makes_valid_json_and_csv() {
        let items = [
            InventoryItem::available("+15551230001"),
            InventoryItem::available("4021"),
        ];
        let mut buf = Vec::new();
        let mut w = ExportWriter::start(&mut buf, true).unwrap();
        for i in &items {
            w.row(i).unwrap();
        }
        assert_eq!(w.finish().unwrap(), 2);
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v[1]["number"], "4021");
        assert_eq!(v[1]["release_date"], serde_json::Value::Null);
        let mut buf = Vec::new();
        assert_eq!(
            ExportWriter::start(&mut buf, true)
                .unwrap()
                .finish()
                .unwrap(),
            0
        );
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&buf).unwrap(),
            serde_json::json!([])
        );
        assert_eq!(csv_of(&items[..1]).lines().count(), 2);
    }

    #[test]
    fn a_closed_pipe_stays_a_broken_pipe() {
        struct Closed;
        impl std::io::Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
        }
        let mut w = ExportWriter::start(Closed, false).unwrap();
        let e = (0..10_000)
            .map(|_| w.row(&InventoryItem::available("+15551230001")))
            .find_map(Result::err)
            .unwrap();
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe);
    }
}
