//! Inventory rows as a sync's plan reads them: one buffer of text for all
//! of them (no string per column), each row's status and dates parsed as
//! `numbers::from_row` parses them. The planner compares a row in place
//! and makes an `InventoryItem` of it only where it writes or reports it,
//! so an unchanged re-sync of 100,000 rows allocates no string per row.

use super::cached_users::same_stamp;
use super::numbers::from_row;
use crate::clock;
use crate::domain::cooling::PlanRow;
use crate::domain::number::{InventoryItem, Status};
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use rusqlite::types::ValueRef;
use rusqlite::Row;
use std::borrow::Cow;

/// The text columns, in this order: number, usage, vendor, tag,
/// connection, registered_user, last_seen (kept as text: a plan compares
/// it with the fetched time without parsing it, see
/// [`RowRef::last_seen_is`]), status (also parsed: the text is what a
/// plan checks is spelt as the store writes it).
const TEXTS: usize = 8;
/// Where each text column is in `numbers::COLUMNS`, and whether it may
/// be NULL.
const TEXT_COLUMNS: [(usize, bool); TEXTS] = [
    (0, false),
    (2, false),
    (3, false),
    (4, false),
    (6, true),
    (7, true),
    (8, true),
    (1, false),
];

/// One row: where each text column ends in the buffer, which are NULL
/// (bit `i` for text `i`), and the parsed columns.
#[derive(Clone, Copy)]
struct Meta {
    ends: [usize; TEXTS],
    nulls: u8,
    status: Status,
    release_date: Option<NaiveDate>,
    /// Text in the release date that is no date (read as none).
    release_date_unreadable: bool,
}

/// Rows of `numbers::COLUMNS`, in the order they were pushed.
#[derive(Default)]
pub(super) struct PlanRows {
    text: String,
    rows: Vec<Meta>,
}

/// Text column `i` of the row, borrowed: `None` for NULL where it may be
/// NULL; any other value fails (as `from_row`'s owned read fails on it).
fn text<'r>(r: &'r Row<'_>, i: usize, nullable: bool) -> rusqlite::Result<Option<&'r str>> {
    let v = r.get_ref(i)?;
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map(Some)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))),
        ValueRef::Null if nullable => Ok(None),
        _ => Err(rusqlite::Error::InvalidColumnType(
            i,
            String::new(),
            v.data_type(),
        )),
    }
}

/// A column read only to be parsed, as `from_row` reads it.
fn parsed<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        v => v
            .as_str()
            .map(Some)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))),
    }
}

impl PlanRows {
    /// Adds a row of `numbers::COLUMNS`: the values `from_row` reads, and
    /// where it fails, its very error.
    pub(super) fn push(&mut self, r: &Row<'_>) -> rusqlite::Result<()> {
        let (text, rows) = (self.text.len(), self.rows.len());
        self.try_push(r).or_else(|e| {
            self.text.truncate(text);
            self.rows.truncate(rows);
            from_row(r)?;
            Err(e)
        })
    }

    fn try_push(&mut self, r: &Row<'_>) -> rusqlite::Result<()> {
        let release_text = parsed(r, 5)?;
        let release_date = release_text.and_then(|d| d.parse::<NaiveDate>().ok());
        let mut meta = Meta {
            ends: [0; TEXTS],
            nulls: 0,
            status: parsed(r, 1)?
                .and_then(Status::parse)
                .unwrap_or(Status::Inactive),
            release_date,
            release_date_unreadable: release_text.is_some() && release_date.is_none(),
        };
        for (i, (column, nullable)) in TEXT_COLUMNS.into_iter().enumerate() {
            match text(r, column, nullable)? {
                Some(s) => self.text.push_str(s),
                None => meta.nulls |= 1 << i,
            }
            meta.ends[i] = self.text.len();
        }
        self.rows.push(meta);
        Ok(())
    }

    /// Adds row `k` of `other`.
    fn push_from(&mut self, other: &PlanRows, k: usize) {
        let start = other.start(k);
        let end = other.rows[k].ends[TEXTS - 1];
        let shift = self.text.len();
        self.text.push_str(&other.text[start..end]);
        let mut meta = other.rows[k];
        for e in &mut meta.ends {
            *e = *e - start + shift;
        }
        self.rows.push(meta);
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Where row `k`'s text begins.
    fn start(&self, k: usize) -> usize {
        match k {
            0 => 0,
            _ => self.rows[k - 1].ends[TEXTS - 1],
        }
    }

    /// Text column `i` of row `k` (None for NULL).
    fn field(&self, k: usize, i: usize) -> Option<&str> {
        let row = &self.rows[k];
        if row.nulls & (1 << i) != 0 {
            return None;
        }
        let start = match i {
            0 => self.start(k),
            _ => row.ends[i - 1],
        };
        Some(&self.text[start..row.ends[i]])
    }

    /// The number of row `k`.
    pub(super) fn number(&self, k: usize) -> &str {
        self.field(k, 0).unwrap_or_default()
    }

    /// Every row, as the planner reads them.
    pub(super) fn refs(&self) -> Vec<RowRef<'_>> {
        (0..self.rows.len())
            .map(|k| RowRef { rows: self, k })
            .collect()
    }

    /// `self` and `others` merged in number order (both are in number
    /// order, and no number is in both).
    pub(super) fn merged(self, others: &PlanRows) -> PlanRows {
        if others.is_empty() {
            return self;
        }
        let mut out = PlanRows {
            text: String::with_capacity(self.text.len() + others.text.len()),
            rows: Vec::with_capacity(self.len() + others.len()),
        };
        let mut j = 0;
        for k in 0..self.len() {
            while j < others.len() && others.number(j) < self.number(k) {
                out.push_from(others, j);
                j += 1;
            }
            out.push_from(&self, k);
        }
        for j in j..others.len() {
            out.push_from(others, j);
        }
        out
    }
}

/// One row of [`PlanRows`].
#[derive(Clone, Copy)]
pub(super) struct RowRef<'a> {
    rows: &'a PlanRows,
    k: usize,
}

impl RowRef<'_> {
    fn meta(&self) -> &Meta {
        &self.rows.rows[self.k]
    }
}

impl PlanRow for RowRef<'_> {
    fn number(&self) -> &str {
        self.rows.number(self.k)
    }
    fn status(&self) -> Status {
        self.meta().status
    }
    fn status_text(&self) -> &str {
        self.rows.field(self.k, 7).unwrap_or_default()
    }
    fn usage(&self) -> &str {
        self.rows.field(self.k, 1).unwrap_or_default()
    }
    fn vendor(&self) -> &str {
        self.rows.field(self.k, 2).unwrap_or_default()
    }
    fn tag(&self) -> &str {
        self.rows.field(self.k, 3).unwrap_or_default()
    }
    fn release_date(&self) -> Option<NaiveDate> {
        self.meta().release_date
    }
    fn connection(&self) -> Option<&str> {
        self.rows.field(self.k, 4)
    }
    fn registered_user(&self) -> Option<&str> {
        self.rows.field(self.k, 5)
    }
    fn last_seen(&self) -> Option<DateTime<Utc>> {
        self.rows.field(self.k, 6).and_then(clock::parse_stamp)
    }
    /// Without parsing the stored text when it is the very text
    /// `clock::stamp` writes for a whole second `t` (which parses back
    /// to `t` exactly); otherwise parsed and compared.
    fn last_seen_is(&self, t: Option<DateTime<Utc>>) -> bool {
        let text = self.rows.field(self.k, 6);
        if let (Some(t), Some(text)) = (t, text) {
            if t.nanosecond() == 0 && same_stamp(Some(t), Some(text)) {
                return true;
            }
        }
        text.and_then(clock::parse_stamp) == t
    }
    fn stored_as_written(&self) -> bool {
        let meta = self.meta();
        !meta.release_date_unreadable && self.status_text() == meta.status.as_str()
    }
    fn item(&self) -> Cow<'_, InventoryItem> {
        Cow::Owned(InventoryItem {
            number: self.number().to_string(),
            status: self.status(),
            usage: self.usage().to_string(),
            vendor: self.vendor().to_string(),
            tag: self.tag().to_string(),
            release_date: self.release_date(),
            connection: self.connection().map(str::to_string),
            registered_user: self.registered_user().map(str::to_string),
            last_seen: self.last_seen(),
        })
    }
}
