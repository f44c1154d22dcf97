//! Number inventory rows: reading windows and counts, writing transitions.

use super::batch::{text, Batch};
use super::bulk_load;
use super::no_copy::{or_null, text_ref};
use super::number_query::{NumberQuery, Plan};
use super::{Result, Store};
use crate::clock;
use crate::domain::cooling::Transition;
use crate::domain::number::{InventoryItem, Status};
use chrono::NaiveDate;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Row, Transaction};

pub(crate) const COLUMNS: &str =
    "number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<InventoryItem> {
    // The columns read only to be parsed are borrowed, not copied: a sync
    // or sweep reads 100,000 rows this way.
    let borrowed = |i: usize| -> rusqlite::Result<Option<&str>> {
        match r.get_ref(i)? {
            ValueRef::Null => Ok(None),
            v => v.as_str().map(Some).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))
            }),
        }
    };
    Ok(InventoryItem {
        number: r.get(0)?,
        status: borrowed(1)?
            .and_then(Status::parse)
            .unwrap_or(Status::Inactive),
        usage: r.get(2)?,
        vendor: r.get(3)?,
        tag: r.get(4)?,
        release_date: borrowed(5)?.and_then(|d| d.parse::<NaiveDate>().ok()),
        connection: r.get(6)?,
        registered_user: r.get(7)?,
        last_seen: borrowed(8)?.and_then(clock::parse_stamp),
    })
}

impl Store {
    /// Streams every row of the query in its order to `each` (exports of
    /// any size without holding them all); `each` returning an error stops.
    pub fn for_each_number(
        &self,
        q: &NumberQuery,
        mut each: impl FnMut(&InventoryItem) -> std::io::Result<()>,
    ) -> Result<usize> {
        let mut n = 0;
        // One stretch after the other, each through its index (see
        // `store::number_stretch`).
        for stretch in q.stretches(false) {
            let mut c = q.conditions(Plan::default());
            q.seek_in(&mut c, &super::number_query::Seek::First, stretch);
            let sql = format!(
                "SELECT {COLUMNS} FROM numbers {} {}",
                c.clause(),
                q.order_in(stretch, false)
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(c.args.iter()))?;
            while let Some(row) = rows.next()? {
                each(&from_row(row)?).map_err(super::StoreError::Output)?;
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn number(&self, number: &str) -> Result<Option<InventoryItem>> {
        use rusqlite::OptionalExtension;
        let sql = format!("SELECT {COLUMNS} FROM numbers WHERE number = ?1");
        Ok(self.conn.query_row(&sql, [number], from_row).optional()?)
    }

    /// Cooling numbers releasing on each of the `days` days from `from`.
    pub fn releases_per_day(&self, from: NaiveDate, days: u32) -> Result<Vec<(NaiveDate, usize)>> {
        let until = from + chrono::Days::new(u64::from(days));
        let mut stmt = self.conn.prepare_cached(
            "SELECT release_date, COUNT(*) FROM numbers
             WHERE status = 'Cooling' AND release_date >= ?1 AND release_date < ?2
             GROUP BY release_date",
        )?;
        let found: Vec<(String, usize)> = stmt
            .query_map([from.to_string(), until.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((0..days)
            .map(|i| {
                let d = from + chrono::Days::new(u64::from(i));
                let n = found
                    .iter()
                    .find(|(k, _)| *k == d.to_string())
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                (d, n)
            })
            .collect())
    }

    /// How many Cooling numbers are due on or before `today` (indexed).
    pub fn count_due(&self, today: NaiveDate) -> Result<usize> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM numbers WHERE status = 'Cooling' AND release_date <= ?1",
            [today.to_string()],
            |r| r.get(0),
        )?)
    }

    /// Puts a row in the inventory as is (for the demo seed and imports).
    pub fn insert_numbers(&mut self, items: &[InventoryItem], cause: &str) -> Result<usize> {
        let clock = self.clock;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let transitions: Vec<Transition> = items
            .iter()
            .map(|i| Transition {
                kind: crate::domain::cooling::ChangeKind::Added,
                before: None,
                after: i.clone(),
                whole_row: false,
            })
            .collect();
        write_transitions(&tx, &transitions, cause, clock)?;
        tx.commit()?;
        Ok(items.len())
    }
}

/// The columns after `number` that a transition may change, in `COLUMNS`
/// order.
pub(crate) const FIELDS: [&str; 8] = [
    "status",
    "usage",
    "vendor",
    "tag",
    "release_date",
    "connection",
    "registered_user",
    "last_seen",
];

/// A row's values for [`FIELDS`].
pub(crate) fn field_values(i: &InventoryItem) -> [Value; 8] {
    [
        Value::Text(i.status.as_str().to_string()),
        Value::Text(i.usage.clone()),
        Value::Text(i.vendor.clone()),
        Value::Text(i.tag.clone()),
        text(i.release_date.map(|d| d.to_string()).as_deref()),
        text(i.connection.as_deref()),
        text(i.registered_user.as_deref()),
        text(i.last_seen.map(clock::stamp).as_deref()),
    ]
}

/// [`field_values`] borrowed from the row, but for its release date and
/// last seen time, given as the text they are stored as.
fn field_refs<'a>(
    i: &'a InventoryItem,
    release_date: Option<&'a str>,
    last_seen: Option<&'a str>,
) -> [ValueRef<'a>; 8] {
    [
        text_ref(i.status.as_str()),
        text_ref(&i.usage),
        text_ref(&i.vendor),
        text_ref(&i.tag),
        or_null(release_date),
        or_null(i.connection.as_deref()),
        or_null(i.registered_user.as_deref()),
        or_null(last_seen),
    ]
}

/// The fields that differ between two rows, as bits of [`FIELDS`].
fn changed_fields(before: &InventoryItem, after: &InventoryItem) -> u8 {
    let differs = [
        before.status != after.status,
        before.usage != after.usage,
        before.vendor != after.vendor,
        before.tag != after.tag,
        before.release_date != after.release_date,
        before.connection != after.connection,
        before.registered_user != after.registered_user,
        before.last_seen != after.last_seen,
    ];
    differs
        .iter()
        .enumerate()
        .filter(|(_, d)| **d)
        .fold(0, |mask, (i, _)| mask | (1 << i))
}

/// How a run of transitions is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A new row, or every column of a row whose `before` may be stale.
    Whole,
    /// Only these fields (bits of [`FIELDS`]) of a row read in this
    /// transaction: the indexes and triggers of the other columns are left
    /// alone.
    Fields(u8),
}

impl Shape {
    fn width(self) -> usize {
        match self {
            Shape::Whole => 1 + FIELDS.len(),
            Shape::Fields(_) => 1 + self.fields().count(),
        }
    }

    fn fields(self) -> impl Iterator<Item = usize> {
        let mask = match self {
            Shape::Whole => u8::MAX,
            Shape::Fields(mask) => mask,
        };
        (0..FIELDS.len()).filter(move |i| mask & (1 << i) != 0)
    }

    /// The statement for a values list of (number, fields…) rows; `?1` is
    /// `updated_at`.
    fn statement(self) -> impl Fn(&str) -> String {
        let sql = match self {
            Shape::Whole => {
                let set: Vec<String> = FIELDS
                    .iter()
                    .map(|f| format!("{f} = excluded.{f}"))
                    .collect();
                let picked: Vec<String> = (1..=FIELDS.len() + 1)
                    .map(|i| format!("column{i}"))
                    .collect();
                format!(
                    "INSERT INTO numbers(number, {}, updated_at) SELECT {}, ?1 FROM (VALUES {{list}}) WHERE true
                     ON CONFLICT(number) DO UPDATE SET {}, updated_at = excluded.updated_at",
                    FIELDS.join(", "),
                    picked.join(", "),
                    set.join(", ")
                )
            }
            Shape::Fields(_) => {
                let names: Vec<&str> = self.fields().map(|i| FIELDS[i]).collect();
                let set: Vec<String> = names.iter().map(|f| format!("{f} = v.{f}")).collect();
                format!(
                    "WITH v(number, {}) AS (VALUES {{list}})
                     UPDATE numbers SET {}, updated_at = ?1 FROM v WHERE numbers.number = v.number",
                    names.join(", "),
                    set.join(", ")
                )
            }
        };
        move |list: &str| sql.replace("{list}", list)
    }
}

/// Writes each transition's row and, where the status changes, its event.
/// Every `before` must be the row as read in this same transaction: only
/// the fields that differ from it are written.
pub(crate) fn write_transitions(
    tx: &Transaction<'_>,
    transitions: &[Transition],
    cause: &str,
    clock: clock::Clock,
) -> Result<()> {
    write_rows(tx, transitions, cause, clock, false)
}

/// [`write_transitions`] for rows read before this transaction began
/// (whose `before` may be stale): every column is written.
pub(crate) fn write_transitions_whole(
    tx: &Transaction<'_>,
    transitions: &[Transition],
    cause: &str,
    clock: clock::Clock,
) -> Result<()> {
    write_rows(tx, transitions, cause, clock, true)
}

/// Writes the rows in runs of one shape, many rows per statement (see
/// `store::batch`), then the events in transition order. A large write of
/// new numbers into an empty inventory feeds the search index once
/// instead (see `store::bulk_load`).
fn write_rows(
    tx: &Transaction<'_>,
    transitions: &[Transition],
    cause: &str,
    clock: clock::Clock,
    whole: bool,
) -> Result<()> {
    let now = clock.stamp();
    let staged = if bulk_load::applies(tx, transitions)? {
        bulk_load::Staged::begin(tx)?
    } else {
        None
    };
    write_numbers(tx, transitions, &now, whole)?;
    match (staged, transitions.first()) {
        (Some(staged), Some(first)) => {
            staged.finish(tx)?;
            bulk_load::write_events(tx, &now, cause, &event_detail(first))
        }
        _ => write_events(tx, transitions, now, cause),
    }
}

/// The rows, in runs of one shape.
fn write_numbers(
    tx: &Transaction<'_>,
    transitions: &[Transition],
    now: &str,
    whole: bool,
) -> Result<()> {
    let shape_of = |t: &Transition| match &t.before {
        Some(b) if !whole && !t.whole_row => Shape::Fields(changed_fields(b, &t.after)),
        _ => Shape::Whole,
    };
    let mut start = 0;
    while start < transitions.len() {
        let shape = shape_of(&transitions[start]);
        let run = transitions[start..]
            .iter()
            .take_while(|t| shape_of(t) == shape)
            .count();
        if shape != Shape::Fields(0) {
            let mut rows = Batch::new(
                tx,
                shape.width(),
                vec![Value::Text(now.to_string())],
                shape.statement(),
            );
            for t in &transitions[start..start + run] {
                let (date, seen) = (
                    t.after.release_date.map(|d| d.to_string()),
                    t.after.last_seen.map(clock::stamp),
                );
                let values = field_refs(&t.after, date.as_deref(), seen.as_deref());
                let picked = shape.fields().map(|i| values[i]);
                rows.push(std::iter::once(text_ref(&t.after.number)).chain(picked))?;
            }
            rows.finish()?;
        }
        start += run;
    }
    Ok(())
}

/// What an event of this transition says in `detail` ("added", …).
fn event_detail(t: &Transition) -> String {
    format!("{:?}", t.kind).to_lowercase()
}

/// An event for each transition that changes the status (or is always
/// recorded), in transition order.
fn write_events(
    tx: &Transaction<'_>,
    transitions: &[Transition],
    now: String,
    cause: &str,
) -> Result<()> {
    let mut events = Batch::new(
        tx,
        4,
        vec![Value::Text(now), Value::Text(cause.to_string())],
        |list| {
            format!(
                "INSERT INTO number_events(number, at, from_status, to_status, cause, detail)
                 SELECT column1, ?1, column2, column3, ?2, column4 FROM (VALUES {list})"
            )
        },
    );
    for t in transitions {
        if t.changes_status() || t.kind.always_recorded() {
            events.push([
                text_ref(&t.after.number),
                or_null(t.before.as_ref().map(|b| b.status.as_str())),
                text_ref(t.after.status.as_str()),
                text_ref(&event_detail(t)),
            ])?;
        }
    }
    events.finish()?;
    Ok(())
}
