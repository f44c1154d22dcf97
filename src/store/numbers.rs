//! Number inventory rows: reading windows and counts, writing transitions.

use super::number_query::{NumberQuery, Plan};
use super::{Result, Store};
use crate::clock;
use crate::domain::cooling::Transition;
use crate::domain::number::{InventoryItem, Status};
use chrono::NaiveDate;
use rusqlite::{params, Row, Transaction};

pub(crate) const COLUMNS: &str =
    "number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<InventoryItem> {
    let status: String = r.get(1)?;
    let release: Option<String> = r.get(5)?;
    let last_seen: Option<String> = r.get(8)?;
    Ok(InventoryItem {
        number: r.get(0)?,
        status: Status::parse(&status).unwrap_or(Status::Inactive),
        usage: r.get(2)?,
        vendor: r.get(3)?,
        tag: r.get(4)?,
        release_date: release.and_then(|d| d.parse::<NaiveDate>().ok()),
        connection: r.get(6)?,
        registered_user: r.get(7)?,
        last_seen: last_seen.as_deref().and_then(clock::parse_stamp),
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
        let c = q.conditions(Plan::default());
        let sql = format!(
            "SELECT {COLUMNS} FROM numbers {} {}",
            c.clause(),
            q.order(false)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(c.args.iter()))?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            each(&from_row(row)?).map_err(super::StoreError::Output)?;
            n += 1;
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
            })
            .collect();
        write_transitions(&tx, &transitions, cause, clock)?;
        tx.commit()?;
        Ok(items.len())
    }
}

/// Writes each transition's row and, where the status changes, its event.
pub(crate) fn write_transitions(
    tx: &Transaction<'_>,
    transitions: &[Transition],
    cause: &str,
    clock: clock::Clock,
) -> Result<()> {
    let now = clock.stamp();
    let mut upsert = tx.prepare_cached(
        "INSERT INTO numbers(number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(number) DO UPDATE SET status = excluded.status, usage = excluded.usage,
           vendor = excluded.vendor, tag = excluded.tag, release_date = excluded.release_date,
           connection = excluded.connection, registered_user = excluded.registered_user,
           last_seen = excluded.last_seen, updated_at = excluded.updated_at",
    )?;
    let mut event = tx.prepare_cached(
        "INSERT INTO number_events(number, at, from_status, to_status, cause, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for t in transitions {
        let a = &t.after;
        upsert.execute(params![
            a.number,
            a.status.as_str(),
            a.usage,
            a.vendor,
            a.tag,
            a.release_date.map(|d| d.to_string()),
            a.connection,
            a.registered_user,
            a.last_seen.map(clock::stamp),
            now,
        ])?;
        if t.changes_status() || t.kind.always_recorded() {
            event.execute(params![
                a.number,
                now,
                t.before.as_ref().map(|b| b.status.as_str()),
                a.status.as_str(),
                cause,
                format!("{:?}", t.kind).to_lowercase(),
            ])?;
        }
    }
    Ok(())
}
