//! CSV import of the inventory, read as a stream: a header naming any of
//! the export's columns (case-insensitive, in any order), or no header and
//! one number per line. Quoted fields may hold commas, quotes and line
//! breaks; a UTF-8 BOM and CRLF line ends are accepted. Errors name the
//! file's physical line (where the record starts).
//!
//! Which columns are taken: number, status, usage, vendor, tag and
//! release_date. `connection`, `registered_user` and `last_seen` say
//! where a number was last seen by a sync; they are accepted (so an
//! export reads back) and ignored: the next sync of the connection sets
//! them. Tags are taken exactly as written; the other values are trimmed.
//! A free-text value written with the export's formula guard (`'` before
//! `=`, `+`, `-`, `@`, TAB or CR) gets the `'` removed.
//!
//! The reader reads from whatever `Read` it is handed and holds one record
//! at a time, plus a compact key per number for the duplicate check.

pub use super::csv_records::MAX_RECORD;
use super::csv_records::{Records, Unread};
use super::invalid::{quoted_clip, Invalid};
use super::number::{canonical, InventoryItem, Status};
use super::number_io::{unescape_formula, EXPORT_COLUMNS};
use std::collections::hash_map::{Entry, HashMap};
use std::io::Read;

/// How many bad lines an import error shows in full.
pub const SHOWN: usize = 50;

/// What an import does with one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Number,
    Status,
    Usage,
    Vendor,
    Tag,
    ReleaseDate,
    /// Where a sync last saw the number: read and ignored.
    SeenBySync,
}

impl Column {
    fn named(name: &str) -> Option<Column> {
        Some(match name {
            "number" => Column::Number,
            "status" => Column::Status,
            "usage" => Column::Usage,
            "vendor" => Column::Vendor,
            "tag" => Column::Tag,
            "release_date" => Column::ReleaseDate,
            "connection" | "registered_user" | "last_seen" => Column::SeenBySync,
            _ => return None,
        })
    }
}

/// Why an import file was refused: nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    /// The header cannot be read (its line number, from 1).
    #[error("line {0}: {1}")]
    Header(usize, LineError),
    /// Every bad line, by its number (from 1).
    #[error("{0}")]
    BadLines(BadLines),
    /// A record (from this line) runs on past [`MAX_RECORD`] bytes: most
    /// likely a quote never closed, swallowing the rest of the file.
    #[error("line {0}: a record runs on past 1 MB (an unclosed quote?)")]
    RecordTooLong(usize),
    /// The file could not be read to its end.
    #[error("cannot read it: {0}")]
    Read(String),
}

/// What is wrong with one line of an import.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("a quoted field is not closed (it runs to the end of the file)")]
    QuoteNotClosed,
    #[error("unknown column {}; the columns are {known}", quoted_clip(.0), known = EXPORT_COLUMNS.join(", "))]
    UnknownColumn(String),
    #[error("column {} is named twice", quoted_clip(.0))]
    ColumnTwice(String),
    #[error("{fields} fields, but the header has {columns}")]
    TooManyFields { fields: usize, columns: usize },
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error(transparent)]
    Number(#[from] Invalid),
    #[error("unknown status {}", quoted_clip(.0))]
    UnknownStatus(String),
    #[error("release_date {} is not YYYY-MM-DD", quoted_clip(.0))]
    NotADate(String),
    #[error("{0} is Cooling without a release_date")]
    CoolingWithoutDate(String),
    #[error("{number} appears twice (first on line {first})")]
    Twice { number: String, first: usize },
}

/// The bad lines of an import: how many, and the first [`SHOWN`] in full
/// (a file of a million bad lines costs no more than one of fifty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BadLines {
    shown: Vec<(usize, LineError)>,
    total: usize,
}

impl BadLines {
    pub fn push(&mut self, line: usize, error: LineError) {
        if self.shown.len() < SHOWN {
            self.shown.push((line, error));
        }
        self.total += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// The first [`SHOWN`] bad lines: line number and error.
    pub fn shown(&self) -> &[(usize, LineError)] {
        &self.shown
    }
}

/// A count, then one bad line per line, the first [`SHOWN`] in full.
impl std::fmt::Display for BadLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.total;
        f.write_str(&super::text::count(n, "bad line", "bad lines"))?;
        for (line, e) in &self.shown {
            write!(f, "\n  line {line}: {e}")?;
        }
        if n > self.shown.len() {
            write!(f, "\n  and {} more", n - self.shown.len())?;
        }
        Ok(())
    }
}

/// One line of an import as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Row(InventoryItem),
    Bad(usize, LineError),
}

/// Reads an import a line at a time (see the module's rules).
pub struct ImportReader<R: Read> {
    records: Records<R>,
    columns: Vec<Column>,
    /// No header: the first record, read while looking for one, is a row.
    first_is_row: bool,
    /// Each number read so far (by [`key`]) and its line, for duplicates.
    seen: HashMap<u64, u32>,
}

/// A canonical number as a u64 (a `+` is the top bit; a leading 1 before
/// the digits keeps `+012` apart from `+12`): 8 bytes instead of a string.
fn key(number: &str) -> u64 {
    let (plus, digits) = match number.strip_prefix('+') {
        Some(digits) => (1 << 63, digits),
        None => (0, number),
    };
    plus | digits
        .bytes()
        .fold(1u64, |k, b| k * 10 + u64::from(b.wrapping_sub(b'0')))
}

impl<R: Read> ImportReader<R> {
    /// Reads up to the header (or the first row of a file without one).
    pub fn new(input: R) -> Result<ImportReader<R>, ImportError> {
        let mut reader = ImportReader {
            records: Records::new(input),
            columns: Vec::new(),
            first_is_row: false,
            seen: HashMap::new(),
        };
        match reader.records.advance() {
            Ok(true) => {}
            Ok(false) => return Err(ImportError::Empty),
            Err(Unread::NotUtf8(line)) => {
                return Err(ImportError::Header(line, LineError::NotUtf8))
            }
            Err(Unread::Failed(e)) => return Err(ImportError::Read(e)),
            Err(Unread::TooLong(line)) => return Err(ImportError::RecordTooLong(line)),
        }
        let line = reader.records.line();
        reader.columns = reader.header().map_err(|e| ImportError::Header(line, e))?;
        Ok(reader)
    }

    /// The columns the first record names, or a lone number column when
    /// it names no `number` (then it is the first row).
    fn header(&mut self) -> Result<Vec<Column>, LineError> {
        let names: Vec<String> = self
            .records
            .record()
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if !names.iter().any(|n| n == "number") {
            self.first_is_row = true;
            return Ok(vec![Column::Number]);
        }
        let mut columns = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(LineError::ColumnTwice(name.clone()));
            }
            columns
                .push(Column::named(name).ok_or_else(|| LineError::UnknownColumn(name.clone()))?);
        }
        Ok(columns)
    }

    /// How many bytes of the input have been read.
    pub fn bytes_read(&self) -> u64 {
        self.records.bytes_read()
    }

    /// The next line: a row, or a bad line; `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<Line>, ImportError> {
        if !std::mem::take(&mut self.first_is_row) {
            match self.records.advance() {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(Unread::NotUtf8(line)) => return Ok(Some(Line::Bad(line, LineError::NotUtf8))),
                Err(Unread::Failed(e)) => return Err(ImportError::Read(e)),
                Err(Unread::TooLong(line)) => return Err(ImportError::RecordTooLong(line)),
            }
        }
        let line = self.records.line();
        let item = match self.row() {
            Ok(item) => item,
            Err(e) => return Ok(Some(Line::Bad(line, e))),
        };
        let at = u32::try_from(line).unwrap_or(u32::MAX);
        Ok(Some(match self.seen.entry(key(&item.number)) {
            Entry::Vacant(slot) => {
                slot.insert(at);
                Line::Row(item)
            }
            Entry::Occupied(first) => Line::Bad(
                line,
                LineError::Twice {
                    number: item.number,
                    first: usize::try_from(*first.get()).unwrap_or(usize::MAX),
                },
            ),
        }))
    }

    /// The record read as a row under the header's columns.
    fn row(&self) -> Result<InventoryItem, LineError> {
        let record = self.records.record();
        if record.len() > self.columns.len() {
            return Err(LineError::TooManyFields {
                fields: record.len(),
                columns: self.columns.len(),
            });
        }
        if self.records.quote_left_open() {
            return Err(LineError::QuoteNotClosed);
        }
        let mut item = InventoryItem::available(String::new());
        for (i, column) in self.columns.iter().enumerate() {
            let raw = record.get(i).unwrap_or("");
            let value = raw.trim();
            match column {
                Column::Number => item.number = canonical(raw)?,
                Column::Status if !value.is_empty() => {
                    item.status = Status::parse(value)
                        .ok_or_else(|| LineError::UnknownStatus(value.into()))?;
                }
                Column::Usage => item.usage = unescape_formula(value).into(),
                Column::Vendor => item.vendor = unescape_formula(value).into(),
                Column::Tag => item.tag = unescape_formula(raw).into(),
                Column::ReleaseDate if !value.is_empty() => {
                    item.release_date = Some(
                        value
                            .parse()
                            .map_err(|_| LineError::NotADate(value.into()))?,
                    );
                }
                Column::Status | Column::ReleaseDate | Column::SeenBySync => {}
            }
        }
        if item.status == Status::Cooling && item.release_date.is_none() {
            return Err(LineError::CoolingWithoutDate(item.number));
        }
        Ok(item)
    }
}

/// Parses a whole import held in memory: every row, or every bad line.
pub fn parse_import(text: &str) -> Result<Vec<InventoryItem>, ImportError> {
    let mut reader = ImportReader::new(text.as_bytes())?;
    let (mut items, mut bad) = (Vec::new(), BadLines::default());
    while let Some(line) = reader.next_line()? {
        match line {
            Line::Row(item) => items.push(item),
            Line::Bad(n, e) => bad.push(n, e),
        }
    }
    if bad.is_empty() {
        Ok(items)
    } else {
        Err(ImportError::BadLines(bad))
    }
}

#[cfg(test)]
mod tests;
