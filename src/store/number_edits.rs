//! Hand edits of the inventory (actions on chosen numbers, ranges, imports)
//! and the audit's reads and fixes. Each call is one transaction: a failure
//! leaves the inventory as it was.

use super::numbers::{from_row, write_transitions, COLUMNS};
use super::{Result, Store};
use crate::clock;
use crate::domain::actions::{self, NumberAction, Refusal};
use crate::domain::cooling::Transition;
use crate::domain::number::InventoryItem;
use crate::domain::registered_user::{RegisteredUser, Snapshot};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
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

impl NumberImport<'_> {
    pub fn add(&mut self, items: &[InventoryItem]) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO numbers(number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(number) DO NOTHING",
        )?;
        let mut event = self.tx.prepare_cached(
            "INSERT INTO number_events(number, at, from_status, to_status, cause, detail)
             VALUES (?1, ?2, NULL, ?3, ?4, 'added')",
        )?;
        for a in items {
            let inserted = insert.execute(params![
                a.number,
                a.status.as_str(),
                a.usage,
                a.vendor,
                a.tag,
                a.release_date.map(|d| d.to_string()),
                a.connection,
                a.registered_user,
                a.last_seen.map(clock::stamp),
                self.now,
            ])?;
            if inserted == 0 {
                self.outcome.existing += 1;
                continue;
            }
            event.execute(params![a.number, self.now, a.status.as_str(), self.cause])?;
            self.outcome.added += 1;
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
        write_transitions(&tx, transitions, "audit --fix", clock)?;
        tx.commit()?;
        Ok(transitions.len())
    }
}
