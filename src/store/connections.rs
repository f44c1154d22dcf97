//! The connections table: every connection known to the store, with where
//! it was declared. Config-file connections are mirrored in at start-up.

use super::{Result, Store};
use crate::clock;
use rusqlite::params;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub name: String,
    pub vendor: String,
    pub source: String,
    pub address: String,
}

impl Store {
    /// Mirrors the config file's connections (marked `config`); rows from the
    /// file that are no longer in it are dropped, store-made ones are kept.
    pub fn mirror_config_connections(&mut self, rows: &[ConnectionRow]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now = clock::stamp(clock::now());
        tx.execute("DELETE FROM connections WHERE source = 'config'", [])?;
        for r in rows {
            tx.execute(
                "INSERT INTO connections(name, vendor, source, address, created_at, updated_at)
                 VALUES (?1, ?2, 'config', ?3, ?4, ?4)
                 ON CONFLICT(name) DO UPDATE SET vendor = excluded.vendor, source = 'config',
                   address = excluded.address, updated_at = excluded.updated_at",
                params![r.name, r.vendor, r.address, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn connection_rows(&self) -> Result<Vec<ConnectionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, vendor, source, address FROM connections ORDER BY vendor, name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ConnectionRow {
                name: r.get(0)?,
                vendor: r.get(1)?,
                source: r.get(2)?,
                address: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
