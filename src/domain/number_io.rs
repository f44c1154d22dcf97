//! The inventory's file formats: CSV import, and CSV / JSON export with the
//! documented keys (number, status, usage, vendor, tag, release_date as
//! YYYY-MM-DD or null, connection, registered_user, last_seen).

use super::invalid::Invalid;
use super::number::{canonical, InventoryItem, Status};
use chrono::{DateTime, Utc};
use serde::Serialize;

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

/// One exported row, with the documented JSON keys.
#[derive(Debug, Serialize)]
pub struct ExportRow<'a> {
    pub number: &'a str,
    pub status: &'a str,
    pub usage: &'a str,
    pub vendor: &'a str,
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

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn csv_header() -> String {
    EXPORT_COLUMNS.join(",")
}

pub fn csv_line(i: &InventoryItem) -> String {
    let r = ExportRow::from(i);
    [
        r.number,
        r.status,
        r.usage,
        r.vendor,
        r.tag,
        r.release_date.as_deref().unwrap_or(""),
        r.connection.unwrap_or(""),
        r.registered_user.unwrap_or(""),
        r.last_seen.as_deref().unwrap_or(""),
    ]
    .iter()
    .map(|f| csv_field(f))
    .collect::<Vec<_>>()
    .join(",")
}

/// Writes rows as CSV (with a header) or as one JSON array, a row at a
/// time, so an export of any size never holds the inventory in memory.
pub struct ExportWriter<W: std::io::Write> {
    out: W,
    json: bool,
    rows: usize,
}

impl<W: std::io::Write> ExportWriter<W> {
    pub fn start(mut out: W, json: bool) -> std::io::Result<Self> {
        if json {
            write!(out, "[")?;
        } else {
            writeln!(out, "{}", csv_header())?;
        }
        Ok(ExportWriter { out, json, rows: 0 })
    }

    pub fn row(&mut self, item: &InventoryItem) -> std::io::Result<()> {
        if self.json {
            let sep = if self.rows == 0 { "\n" } else { ",\n" };
            let row =
                serde_json::to_string(&ExportRow::from(item)).map_err(std::io::Error::other)?;
            write!(self.out, "{sep}  {row}")?;
        } else {
            writeln!(self.out, "{}", csv_line(item))?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Closes the JSON array and flushes; returns how many rows were written.
    pub fn finish(mut self) -> std::io::Result<usize> {
        if self.json {
            writeln!(self.out, "{}]", if self.rows == 0 { "" } else { "\n" })?;
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// Why an import file was refused: nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    /// The header line cannot be read.
    #[error("line 1: {0}")]
    Header(LineError),
    /// Every bad line, by its number (from 1).
    #[error("{}", bad_lines(.0))]
    BadLines(Vec<(usize, LineError)>),
}

/// What is wrong with one line of an import.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("a quoted field is not closed")]
    QuoteNotClosed,
    #[error("unknown column {0:?}; use number, status, usage, vendor, tag, release_date")]
    UnknownColumn(String),
    #[error("{fields} fields, but the header has {columns}")]
    TooManyFields { fields: usize, columns: usize },
    #[error(transparent)]
    Number(#[from] Invalid),
    #[error("unknown status {0:?}")]
    UnknownStatus(String),
    #[error("release_date {0:?} is not YYYY-MM-DD")]
    NotADate(String),
    #[error("{0} is Cooling without a release_date")]
    CoolingWithoutDate(String),
    #[error("{number} appears twice (first on line {first})")]
    Twice { number: String, first: usize },
}

/// Splits one CSV line into fields (RFC 4180 quoting, one line per record).
fn split_csv(line: &str) -> Result<Vec<String>, LineError> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut cur)),
            (_, c) => cur.push(c),
        }
    }
    if quoted {
        return Err(LineError::QuoteNotClosed);
    }
    fields.push(cur);
    Ok(fields)
}

/// Parses an import file: a header naming `number` and optionally `status`,
/// `usage`, `vendor`, `tag`, `release_date`; or no header and one number per
/// line. Any bad line fails the whole import, which lists every bad line
/// by its number, so a file is imported entirely or not at all.
pub fn parse_import(text: &str) -> Result<Vec<InventoryItem>, ImportError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, first)) = lines.next() else {
        return Err(ImportError::Empty);
    };
    let head = split_csv(first).map_err(ImportError::Header)?;
    let head: Vec<String> = head.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let has_header = head.iter().any(|h| h == "number");
    let columns: Vec<String> = if has_header {
        if let Some(bad) = head
            .iter()
            .find(|h| !EXPORT_COLUMNS[..6].contains(&h.as_str()))
        {
            return Err(ImportError::Header(LineError::UnknownColumn(bad.clone())));
        }
        head
    } else {
        vec!["number".into()]
    };
    let body: Vec<(usize, &str)> = if has_header {
        lines.collect()
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .collect()
    };
    let mut out = Vec::with_capacity(body.len());
    let mut first_seen = std::collections::HashMap::new();
    let mut bad = Vec::new();
    for (idx, line) in body {
        let line_no = idx + 1;
        match parse_row(&columns, line) {
            Ok(item) => match first_seen.get(&item.number) {
                Some(&first) => bad.push((
                    line_no,
                    LineError::Twice {
                        number: item.number,
                        first,
                    },
                )),
                None => {
                    first_seen.insert(item.number.clone(), line_no);
                    out.push(item);
                }
            },
            Err(e) => bad.push((line_no, e)),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(ImportError::BadLines(bad))
    }
}

/// Every bad line, one per line under a count, the first 50 in full.
fn bad_lines(bad: &[(usize, LineError)]) -> String {
    const SHOWN: usize = 50;
    let mut text = format!(
        "{} bad line{}",
        bad.len(),
        if bad.len() == 1 { "" } else { "s" }
    );
    for (line_no, e) in bad.iter().take(SHOWN) {
        text.push_str(&format!("\n  line {line_no}: {e}"));
    }
    if bad.len() > SHOWN {
        text.push_str(&format!("\n  and {} more", bad.len() - SHOWN));
    }
    text
}

/// One line of an import under `columns`.
fn parse_row(columns: &[String], line: &str) -> Result<InventoryItem, LineError> {
    let fields = split_csv(line)?;
    if fields.len() > columns.len() {
        return Err(LineError::TooManyFields {
            fields: fields.len(),
            columns: columns.len(),
        });
    }
    let mut item = InventoryItem::available(String::new());
    for (col, value) in columns.iter().zip(fields.iter().map(|f| f.trim())) {
        match col.as_str() {
            "number" => item.number = canonical(value)?,
            "status" if !value.is_empty() => {
                item.status =
                    Status::parse(value).ok_or_else(|| LineError::UnknownStatus(value.into()))?
            }
            "usage" => item.usage = value.into(),
            "vendor" => item.vendor = value.into(),
            "tag" => item.tag = value.into(),
            "release_date" if !value.is_empty() => {
                item.release_date = Some(
                    value
                        .parse()
                        .map_err(|_| LineError::NotADate(value.into()))?,
                )
            }
            _ => {}
        }
    }
    if item.status == Status::Cooling && item.release_date.is_none() {
        return Err(LineError::CoolingWithoutDate(item.number));
    }
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_quotes_and_import_reads_back() {
        let item = InventoryItem {
            status: Status::Cooling,
            tag: "offline, \"east\"".into(),
            release_date: Some("2026-11-24".parse().unwrap()),
            ..InventoryItem::available("+15551230001")
        };
        let line = csv_line(&item);
        assert_eq!(
            line,
            "+15551230001,Cooling,,,\"offline, \"\"east\"\"\",2026-11-24,,,"
        );
        let text = format!(
            "{}\n{}\n",
            "number,status,usage,vendor,tag,release_date",
            &line[..line.len() - 3]
        );
        let back = parse_import(&text).unwrap();
        assert_eq!(back, vec![item]);
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
        let mut buf = Vec::new();
        let mut w = ExportWriter::start(&mut buf, false).unwrap();
        w.row(&items[0]).unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap().lines().count(), 2);
    }

    #[test]
    fn bare_numbers_and_clear_errors() {
        let items = parse_import("+1 555 123 0001\n4021\n").unwrap();
        assert_eq!(items[1].number, "4021");
        assert_eq!(items[1].status, Status::Available);
        let e = parse_import("number,status\n+15551230001,Used\n+1555x,Used\n").unwrap_err();
        assert!(
            matches!(&e, ImportError::BadLines(b) if b.len() == 1 && b[0].0 == 3),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("1 bad line\n  line 3:"), "{e}");
        let e = parse_import("number,colour\n+15551230001,red\n").unwrap_err();
        assert!(e.to_string().contains("unknown column"), "{e}");
        let e = parse_import("number,status\n+15551230001,Cooling\n").unwrap_err();
        assert!(e.to_string().contains("without a release_date"), "{e}");
        let e = parse_import("+15551230001\n+15551230001\n").unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
    }
}
