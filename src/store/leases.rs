//! Leases: one holder of a named lock across every process using the store.

use super::{Result, Store};
use crate::clock;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

/// What asking for a lease gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lease {
    Taken,
    /// Someone else has it: the holder, as it wrote itself.
    HeldBy(String),
}

impl Store {
    /// Takes the lease if it is free, expired, already ours, or held by a
    /// holder `is_gone` says no longer runs. Returns the current holder when
    /// someone else has it.
    pub fn acquire_lease(
        &mut self,
        name: &str,
        holder: &str,
        ttl_secs: i64,
        is_gone: impl Fn(&str) -> bool,
    ) -> Result<Lease> {
        // A live holder is seen at once, by a read that does not wait for
        // the write lock: the holder's own store write may hold that lock
        // for longer than the busy timeout.
        if let Some(h) = self.lease_holder(name)? {
            if h != holder && !is_gone(&h) {
                return Ok(Lease::HeldBy(h));
            }
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = self.clock.now();
        let current: Option<(String, String)> = tx
            .query_row(
                "SELECT holder, expires_at FROM leases WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((h, exp)) = current {
            let live = clock::parse_stamp(&exp).is_some_and(|e| e > now);
            if live && h != holder && !is_gone(&h) {
                return Ok(Lease::HeldBy(h));
            }
        }
        tx.execute(
            "INSERT INTO leases(name, holder, expires_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
            params![name, holder, clock::stamp(now + chrono::Duration::seconds(ttl_secs))],
        )?;
        tx.commit()?;
        Ok(Lease::Taken)
    }

    pub fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
            [name, holder],
        )?;
        Ok(())
    }

    /// The live holder of a lease, if any.
    pub fn lease_holder(&self, name: &str) -> Result<Option<String>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT holder, expires_at FROM leases WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let now = self.clock.now();
        Ok(row
            .filter(|(_, exp)| clock::parse_stamp(exp).is_some_and(|e| e > now))
            .map(|(h, _)| h))
    }
}
