//! The connections table: every connection known to the store, with where
//! it was declared. Config-file connections are mirrored in at start-up.

use super::{Result, Store, StoreError};
use crate::clock;
use crate::domain::connection::AudioCodesSpec;
use crate::secret::Secret;
use rusqlite::{params, OptionalExtension};

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

/// An AudioCodes connection made in the TUI, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAudioCodes {
    pub spec: AudioCodesSpec,
    pub has_password: bool,
    pub has_client_secret: bool,
}

impl Store {
    /// Creates or updates a store-made AudioCodes connection. A secret given
    /// as `None` keeps the one already stored (the form leaves it blank).
    /// Refuses to overwrite a connection declared in the config file.
    pub fn save_audiocodes(
        &mut self,
        spec: &AudioCodesSpec,
        password: Option<&Secret>,
        client_secret: Option<&Secret>,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let source: Option<String> = tx
            .query_row(
                "SELECT source FROM connections WHERE name = ?1",
                [&spec.name],
                |r| r.get(0),
            )
            .optional()?;
        if source.as_deref() == Some("config") {
            return Err(StoreError(format!(
                "{} is declared in the config file; edit it there",
                spec.name
            )));
        }
        let now = clock::stamp(clock::now());
        let settings = serde_json::to_string(spec).map_err(|e| StoreError(e.to_string()))?;
        tx.execute(
            "INSERT INTO connections(name, vendor, source, address, settings, created_at, updated_at)
             VALUES (?1, 'audiocodes', 'store', ?2, ?3, ?4, ?4)
             ON CONFLICT(name) DO UPDATE SET address = excluded.address,
               settings = excluded.settings, updated_at = excluded.updated_at",
            params![
                spec.name,
                format!("{}://{}", spec.scheme, spec.host),
                settings,
                now
            ],
        )?;
        for (key, value) in [("password", password), ("client_secret", client_secret)] {
            if let Some(v) = value {
                tx.execute(
                    "INSERT OR REPLACE INTO connection_secrets(name, key, value) VALUES (?1, ?2, ?3)",
                    params![spec.name, key, v.expose()],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every store-made AudioCodes connection, by name.
    pub fn stored_audiocodes(&self) -> Result<Vec<StoredAudioCodes>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.settings,
                    EXISTS(SELECT 1 FROM connection_secrets s WHERE s.name = c.name AND s.key = 'password'),
                    EXISTS(SELECT 1 FROM connection_secrets s WHERE s.name = c.name AND s.key = 'client_secret')
             FROM connections c WHERE c.vendor = 'audiocodes' AND c.source = 'store' ORDER BY c.name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (settings, has_password, has_client_secret) = row?;
            let spec = serde_json::from_str(&settings)
                .map_err(|e| StoreError(format!("a stored connection is unreadable: {e}")))?;
            out.push(StoredAudioCodes {
                spec,
                has_password,
                has_client_secret,
            });
        }
        Ok(out)
    }

    /// A store-made connection's secret, for the worker's HTTP client only.
    pub fn connection_secret(&self, name: &str, key: &str) -> Result<Option<Secret>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM connection_secrets WHERE name = ?1 AND key = ?2",
                [name, key],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(Secret::new))
    }

    /// Forgets a store-made connection, its secrets, cached users and run
    /// history. Its numbers must have been purged first.
    pub fn delete_connection(&mut self, name: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "DELETE FROM connections WHERE name = ?1 AND source = 'store'",
            [name],
        )?;
        if n == 0 {
            return Err(StoreError(format!(
                "{name} is not a connection made in switchboard (config-file connections are removed from the file)"
            )));
        }
        tx.execute("DELETE FROM registered_users WHERE connection = ?1", [name])?;
        tx.execute("DELETE FROM sync_runs WHERE connection = ?1", [name])?;
        tx.commit()?;
        Ok(())
    }
}
