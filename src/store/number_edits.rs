//! Hand edits of the inventory (actions on chosen numbers, ranges, imports)
//! and the audit's reads and fixes. Each call is one transaction: a failure
//! leaves the inventory as it was.

use super::numbers::{from_row, write_transitions, write_transitions_whole, COLUMNS};
use super::{Result, Store};
use crate::clock;
use crate::domain::actions::{self, NumberAction, Refusal};
use crate::domain::cooling::{ChangeKind, Transition};
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
    /// never overwritten.
    pub fn add_numbers(&mut self, items: &[InventoryItem], cause: &str) -> Result<AddOutcome> {
        let clock = self.clock;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut fresh = Vec::with_capacity(items.len());
        {
            let mut exists = tx.prepare_cached("SELECT 1 FROM numbers WHERE number = ?1")?;
            for i in items {
                if !exists.exists([&i.number])? {
                    fresh.push(Transition {
                        kind: ChangeKind::Added,
                        before: None,
                        after: i.clone(),
                    });
                }
            }
        }
        write_transitions(&tx, &fresh, cause, clock)?;
        tx.commit()?;
        Ok(AddOutcome {
            added: fresh.len(),
            existing: items.len() - fresh.len(),
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
