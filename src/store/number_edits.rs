//! Hand edits of the inventory (actions on chosen numbers, ranges, imports)
//! and the audit's reads and fixes. Each call is one transaction: a failure
//! leaves the inventory as it was.

use super::numbers::{from_row, write_transitions, write_transitions_whole, COLUMNS};
use super::{Result, Store};
use crate::clock;
use crate::domain::actions::{self, NumberAction, Refusal};
use crate::domain::cooling::Transition;
use crate::domain::number::InventoryItem;
use crate::domain::registered_user::{RegisteredUser, Snapshot};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EditOutcome {
    pub changed: usize,
    pub refused: Vec<Refusal>,
    /// Numbers asked for that are not in the inventory.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AddOutcome {
    pub added: usize,
    /// Already in the inventory: left exactly as they were.
    pub existing: usize,
    /// How many numbers the inventory holds now.
    pub held: usize,
}

/// Rows being added in one transaction, a batch at a time, through the
/// same two prepared statements (the row, and its `added` event): a
/// number already in the inventory is left exactly as it was. Nothing is
/// kept until [`NumberImport::commit`]; dropped before it (a bad line
/// found later, an error, a cancel), the transaction rolls back and the
/// inventory is as it was.
pub struct NumberImport<'s> {
    tx: Transaction<'s>,
    now: String,
    cause: String,
    outcome: AddOutcome,
}

/// Rows per INSERT: the row insert fires the counter and trigram triggers,
/// so SQLite keeps a statement journal (a copy of every page the statement
/// changes) for it; one statement per many rows copies each page once
/// instead of once per row.
const ROWS_PER_INSERT: usize = 500;

/// The INSERT of `rows` rows; it returns the rows it added (not those
/// already in the inventory).
fn insert_sql(rows: usize) -> String {
    let values = vec!["(?,?,?,?,?,?,?,?,?,?)"; rows].join(",");
    format!(
        "INSERT INTO numbers(number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen, updated_at)
         SELECT * FROM (VALUES {values}) WHERE true
         ON CONFLICT(number) DO NOTHING
         RETURNING number, status"
    )
}

/// The events of `rows` numbers added: `?1` the time, `?2` the cause, then
/// each number and its status.
fn events_sql(rows: usize) -> String {
    let values = vec!["(?,?)"; rows].join(",");
    format!(
        "INSERT INTO number_events(number, at, from_status, to_status, cause, detail)
         SELECT column1, ?1, NULL, column2, ?2, 'added' FROM (VALUES {values})"
    )
}

impl NumberImport<'_> {
    pub fn add(&mut self, items: &[InventoryItem]) -> Result<()> {
        let mut added: Vec<(String, String)> = Vec::with_capacity(ROWS_PER_INSERT);
        for chunk in items.chunks(ROWS_PER_INSERT) {
            let mut insert = self.tx.prepare_cached(&insert_sql(chunk.len()))?;
            for (i, a) in chunk.iter().enumerate() {
                let at = i * 10;
                insert.raw_bind_parameter(at + 1, &a.number)?;
                insert.raw_bind_parameter(at + 2, a.status.as_str())?;
                insert.raw_bind_parameter(at + 3, &a.usage)?;
                insert.raw_bind_parameter(at + 4, &a.vendor)?;
                insert.raw_bind_parameter(at + 5, &a.tag)?;
                insert.raw_bind_parameter(at + 6, a.release_date.map(|d| d.to_string()))?;
                insert.raw_bind_parameter(at + 7, &a.connection)?;
                insert.raw_bind_parameter(at + 8, &a.registered_user)?;
                insert.raw_bind_parameter(at + 9, a.last_seen.map(clock::stamp))?;
                insert.raw_bind_parameter(at + 10, &self.now)?;
            }
            added.clear();
            let mut rows = insert.raw_query();
            while let Some(row) = rows.next()? {
                added.push((row.get(0)?, row.get(1)?));
            }
            drop(rows);
            if !added.is_empty() {
                let mut events = self.tx.prepare_cached(&events_sql(added.len()))?;
                events.raw_bind_parameter(1, &self.now)?;
                events.raw_bind_parameter(2, &self.cause)?;
                for (i, (number, status)) in added.iter().enumerate() {
                    events.raw_bind_parameter(i * 2 + 3, number)?;
                    events.raw_bind_parameter(i * 2 + 4, status)?;
                }
                events.raw_execute()?;
            }
            self.outcome.added += added.len();
            self.outcome.existing += chunk.len() - added.len();
        }
        Ok(())
    }

    /// Keeps every row added; says how many and what the inventory holds.
    pub fn commit(self) -> Result<AddOutcome> {
        let held: usize = self
            .tx
            .query_row("SELECT COUNT(*) FROM numbers", [], |r| r.get(0))?;
        self.tx.commit()?;
        Ok(AddOutcome {
            held,
            ..self.outcome
        })
    }
}

fn load(tx: &Transaction<'_>, number: &str) -> Result<Option<InventoryItem>> {
    let sql = format!("SELECT {COLUMNS} FROM numbers WHERE number = ?1");
    Ok(tx.query_row(&sql, [number], from_row).optional()?)
}

impl Store {
    /// Applies a hand action to the given numbers; `by` names who, for the
    /// events and the manual cooling tag.
    pub fn apply_number_action(
        &mut self,
        numbers: &[String],
        action: &NumberAction,
        today: NaiveDate,
        by: &str,
    ) -> Result<EditOutcome> {
        let clock = self.clock;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut items = Vec::with_capacity(numbers.len());
        let mut missing = Vec::new();
        for n in numbers {
            match load(&tx, n)? {
                Some(i) => items.push(i),
                None => missing.push(n.clone()),
            }
        }
        let (transitions, refused) = actions::apply(action, &items, today, by);
        write_transitions(
            &tx,
            &transitions,
            &format!("user {by}: {}", action.label()),
            clock,
        )?;
        tx.commit()?;
        Ok(EditOutcome {
            changed: transitions.len(),
            refused,
            missing,
        })
    }

    /// Adds rows that are not in the inventory yet; existing numbers are
    /// never overwritten. One transaction (see [`NumberImport`]).
    pub fn add_numbers(&mut self, items: &[InventoryItem], cause: &str) -> Result<AddOutcome> {
        let mut import = self.begin_import(cause)?;
        import.add(items)?;
        import.commit()
    }

    /// Starts adding rows in batches, all in one transaction: see
    /// [`NumberImport`]. `cause` is recorded in each added number's event.
    pub fn begin_import(&mut self, cause: &str) -> Result<NumberImport<'_>> {
        let now = self.clock.stamp();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(NumberImport {
            tx,
            now,
            cause: cause.to_string(),
            outcome: AddOutcome::default(),
        })
    }

    /// What the audit compares: AudioCodes or connection-linked rows plus
    /// the rows of every cached registered number, and the cached snapshot
    /// of each connection that has one.
    pub fn audit_inputs(&self) -> Result<(Vec<InventoryItem>, BTreeMap<String, Snapshot>)> {
        let sql = format!(
            "SELECT {COLUMNS} FROM numbers WHERE vendor = 'AudioCodes' OR connection IS NOT NULL
             UNION SELECT {COLUMNS} FROM numbers WHERE number IN (SELECT number FROM registered_users)
             ORDER BY number"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let items = stmt
            .query_map([], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut users: BTreeMap<String, Vec<RegisteredUser>> = BTreeMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT connection, user_id, user_name, display_name, number, status, last_seen, sbc
             FROM registered_users ORDER BY connection",
        )?;
        let rows = stmt.query_map([], |r| {
            let last_seen: Option<String> = r.get(6)?;
            Ok((
                r.get::<_, String>(0)?,
                RegisteredUser {
                    id: r.get(1)?,
                    user_name: r.get(2)?,
                    display_name: r.get(3)?,
                    number: r.get(4)?,
                    raw_status: r.get(5)?,
                    last_seen: last_seen.as_deref().and_then(clock::parse_stamp),
                    sbc: r.get(7)?,
                },
            ))
        })?;
        for row in rows {
            let (conn, user) = row?;
            users.entry(conn).or_default().push(user);
        }
        let mut snapshots = BTreeMap::new();
        for name in self.connections_with_snapshot()? {
            let list = users.remove(&name).unwrap_or_default();
            snapshots.insert(name, Snapshot::from_users(&list));
        }
        Ok((items, snapshots))
    }

    /// Writes the audit's fixes in one transaction.
    pub fn apply_audit_fixes(&mut self, transitions: &[Transition]) -> Result<usize> {
        let clock = self.clock;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        write_transitions_whole(&tx, transitions, "audit --fix", clock)?;
        tx.commit()?;
        Ok(transitions.len())
    }
}
